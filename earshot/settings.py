"""Earshot settings: one module, every security setting visible here.

Configuration comes from the environment (prefix EARSHOT_, plus DATABASE_URL and
CELERY_BROKER_URL). The defaults are the embedded ones (SQLite and files under var/, a broker
that needs no server); production sets DATABASE_URL and CELERY_BROKER_URL and a secret key.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from earshot.beat import beat_schedule
from earshot.env import env_bool, env_int, env_list, env_str
from earshot.storages import build_storages

BASE_DIR = Path(__file__).resolve().parent.parent
# Settings also come from a .env file in the project root: production compose's (docs/
# deployment.md), or the development one `make run` writes once, so that manage.py and celery
# started from any shell run against the same installation. What the environment already says
# wins; EARSHOT_DOTENV names another file, and EARSHOT_DOTENV="" reads none (the tests).
_ENV_FILE = env_str("EARSHOT_DOTENV", str(BASE_DIR / ".env"))
if _ENV_FILE:
    load_dotenv(_ENV_FILE, override=False)
VAR_DIR = Path(env_str("EARSHOT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("EARSHOT_DEBUG", default=False)
# The demo mode loads the demo organisations and switches two-factor sign-in off; every page
# says so. It is refused unless asked for explicitly.
DEMO = env_bool("EARSHOT_DEMO", default=False)

SECRET_KEY = env_str("EARSHOT_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "EARSHOT_SECRET_KEY (or EARSHOT_SECRET_KEY_FILE) must be set when EARSHOT_DEBUG is off."
        )
    SECRET_KEY = "earshot-debug-only-not-secret"

# The key of the digests that let a data subject request find a person exactly and fast
# without plain BSNs and phone numbers: recordings and requests keep an HMAC-SHA256 of the
# normalised phone number, BSN, customer number and name under this key (subjects/identifiers.py).
# Changing it needs `manage.py rehash_identifiers`, which recomputes every digest.
IDENTIFIER_KEY = env_str("EARSHOT_IDENTIFIER_KEY")
if not IDENTIFIER_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "EARSHOT_IDENTIFIER_KEY (or EARSHOT_IDENTIFIER_KEY_FILE) must be set when "
            "EARSHOT_DEBUG is off."
        )
    IDENTIFIER_KEY = "earshot-debug-only-identifier-key"

ALLOWED_HOSTS = env_list("EARSHOT_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("EARSHOT_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "earshot",
    "organisations",
    "audit",
    "register",
    "recordings",
    "access",
    "transcripts",
    "coaching",
    "retention",
    "subjects",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "organisations.middleware.TwoFactorRequiredMiddleware",
    "register.middleware.RecordingPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Axes last, as its documentation asks: it turns lockouts into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "earshot.urls"
WSGI_APPLICATION = "earshot.wsgi.application"
ASGI_APPLICATION = "earshot.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisations.context_processors.navigation",
            ],
        },
    },
]

_DATABASE_URL = env_str("DATABASE_URL")
if not _DATABASE_URL:
    # Embedded default: one SQLite file under var/, created on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _DATABASE_URL = f"sqlite:///{VAR_DIR / 'earshot.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=env_int("EARSHOT_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under a burst of requests (a player's parallel ranges, several
    # listeners): readers never wait for the writer (WAL), and a writer queues for the lock up
    # to `timeout` seconds instead of failing with "database is locked". IMMEDIATE takes the
    # write lock when a transaction begins, so it waits there rather than failing midway.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("EARSHOT_SQLITE_TIMEOUT_SECONDS", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in hardening -----------------------------------------------------------------------
AXES_FAILURE_LIMIT = env_int("EARSHOT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("EARSHOT_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "organisations.client_ip.client_ip"
# Roles whose members must sign in with a TOTP code (organisations.constants.Role values).
TWO_FACTOR_REQUIRED = env_bool("EARSHOT_TWO_FACTOR_REQUIRED", default=not DEMO)
OTP_TOTP_ISSUER = "Earshot"

HTTPS = env_bool("EARSHOT_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("EARSHOT_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("EARSHOT_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("EARSHOT_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("EARSHOT_HSTS_PRELOAD", default=True)
# Behind the proxy of docker-compose: trust its X-Forwarded-Proto and X-Real-IP (nginx
# overwrites both), for HTTPS detection, lockouts and the audit trail.
BEHIND_PROXY = env_bool("EARSHOT_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("EARSHOT_SESSION_HOURS", 9) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page needs stay off; the player may start audio (autoplay) on this origin.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": "self",
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Language and time -------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# English pages in day-month-year and a 24-hour clock (earshot/formats/en); Dutch keeps Django's.
FORMAT_MODULE_PATH = ["earshot.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# Audit trail ---------------------------------------------------------------------------------
# The Ed25519 key that signs checkpoints of the trail: a file outside the database and its
# backups (PEM or 32 raw bytes). `make run` creates one in var/; production without it gets a
# deploy-check warning and no signed checkpoints. The verify key file (public keys, PEM) lets
# an auditor verify without the private key.
AUDIT_SIGNING_KEY_FILE = env_str("EARSHOT_AUDIT_SIGNING_KEY_FILE") or None
AUDIT_VERIFY_KEY_FILE = env_str("EARSHOT_AUDIT_VERIFY_KEY_FILE") or None
# Append-only store of the signed checkpoints (checkpoints.jsonl); never on the database's disk.
AUDIT_CHECKPOINT_DIR = env_str("EARSHOT_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
# The key store (recordings/keystore.py): one file per day key that wraps the calls' data keys.
# Its own volume, outside the audio storage and the database, and never backed up for longer
# than a day (docs/keys.md): destroying a key must make every copy of its calls unreadable.
AUDIO_KEY_DIR = Path(env_str("EARSHOT_KEY_DIR", str(VAR_DIR / "keys")))
# Sealing audio stored before encryption (manage.py seal_audio): a call's old plaintext object
# is deleted this long after the call was switched to its sealed copy, so a play that read the
# call just before (or an S3 link, EARSHOT_S3_URL_SECONDS) still finds it.
AUDIO_SEAL_GRACE_SECONDS = env_int("EARSHOT_SEAL_GRACE_SECONDS", 90)
# With EARSHOT_STORAGE=s3, each checkpoint is also an object in the bucket; where the bucket has
# Object Lock, it is retained (COMPLIANCE mode) for this many days.
AUDIT_OBJECT_LOCK_DAYS = env_int("EARSHOT_AUDIT_OBJECT_LOCK_DAYS", 3650)

# Static files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Audio is never a media URL: MEDIA_URL stays unset and storage lies outside STATIC_ROOT.
STORAGES = build_storages(var_dir=VAR_DIR, debug=DEBUG)
# Uploads always go to a temporary file, so the probe and the hash read from disk.
# (Django's own handler, except that a very long extension cannot break the temporary file.)
FILE_UPLOAD_HANDLERS = ["earshot.uploads.SafeTemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = env_str("EARSHOT_UPLOAD_TEMP_DIR") or None
# Largest audio file ingest accepts (MB); an upload larger than this is refused unstored.
# nginx's client_max_body_size is derived from the same variable (tests/test_upload_limits.py).
MAX_AUDIO_MB = env_int("EARSHOT_MAX_AUDIO_MB", 200)
# Dotted path of a speech-to-text engine for transcripts (transcripts/engines.py); none ships.
EARSHOT_TRANSCRIPTION_ENGINE = env_str("EARSHOT_TRANSCRIPTION_ENGINE", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# How the gate hands over audio bytes after its check: "django" streams them itself,
# "nginx" answers with X-Accel-Redirect to the internal /protected-audio/ location,
# "s3" redirects to a presigned URL that lives EARSHOT_S3_URL_SECONDS.
AUDIO_DELIVERY = env_str("EARSHOT_AUDIO_DELIVERY", "django")
if AUDIO_DELIVERY not in {"django", "nginx", "s3"}:
    raise ImproperlyConfigured("EARSHOT_AUDIO_DELIVERY must be django, nginx or s3.")
# The drop folder: one subfolder per organisation slug, watched by a periodic task.
DROP_FOLDER = env_str("EARSHOT_DROP_FOLDER", str(VAR_DIR / "drop"))
# A file is taken only when it has not changed for this many seconds (still being written).
DROP_SETTLE_SECONDS = env_int("EARSHOT_DROP_SETTLE_SECONDS", 10)

# Retention ----------------------------------------------------------------------------------
# The purge (hourly from beat: EARSHOT_BEAT_PURGE_RECORDINGS in earshot/beat.py) erases
# everything whose deadline falls before its next scheduled run plus this margin, so no call
# outlives its declared retention: an hour covers a late run and one missed hourly run
# (docs/retention.md). A call goes between one and two hours before its deadline.
PURGE_MARGIN_MINUTES = env_int("EARSHOT_PURGE_MARGIN_MINUTES", 60)
# Storage objects deleted in parallel, and rows locked per batch. A delete mostly waits (for the
# disk's discard, an object store's answer), so more threads than cores pay: on local disk 16
# erased a third faster than 4 in the bench, and more gained nothing.
PURGE_WORKERS = env_int("EARSHOT_PURGE_WORKERS", 16)
PURGE_BATCH_SIZE = env_int("EARSHOT_PURGE_BATCH_SIZE", 1000)
# Batches in flight at once, each on a database connection of its own: while one batch writes
# its tombstones and audit events, the next one deletes its objects.
PURGE_STREAMS = env_int("EARSHOT_PURGE_STREAMS", 2)

# Mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EARSHOT_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EARSHOT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EARSHOT_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EARSHOT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EARSHOT_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EARSHOT_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("EARSHOT_DEFAULT_FROM_EMAIL", "earshot@localhost")
# How people reach this installation: links in e-mails (requests, disclosures) start with it.
BASE_URL = env_str("EARSHOT_BASE_URL", "http://localhost:8000").rstrip("/")

# Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("EARSHOT_CELERY_EAGER", default=False)
CELERY_BEAT_SCHEDULE = beat_schedule()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("EARSHOT_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# HTTP API (ingest) and its OpenAPI schema ---------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Earshot API",
    "DESCRIPTION": "Recorders and PBXs push calls (audio and metadata) to Earshot.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}
