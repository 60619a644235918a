"""Settings for the test suite: production settings on PostgreSQL and Redis, plain HTTP.

DATABASE_URL and CELERY_BROKER_URL default to the local servers; `make test` checks they
answer before pytest starts.
"""

import os
import tempfile

# The suite never reads the settings `make run` leaves in var/earshot.env.
os.environ.setdefault("EARSHOT_DOTENV", "")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("EARSHOT_SECRET_KEY", "test-suite-only-" + "x" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "test-suite-identifier-key-" + "i" * 32)
os.environ.setdefault("EARSHOT_HTTPS", "0")
os.environ.setdefault("EARSHOT_VAR_DIR", tempfile.mkdtemp(prefix="earshot-test-"))
if "EARSHOT_AUDIT_SIGNING_KEY_FILE" not in os.environ:
    # A fresh signing key for the audit trail's checkpoints, outside the database.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _key_file = os.path.join(tempfile.mkdtemp(prefix="earshot-test-key-"), "audit-signing.pem")
    with open(_key_file, "wb") as _file:
        _file.write(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    os.environ["EARSHOT_AUDIT_SIGNING_KEY_FILE"] = _key_file

from earshot.settings import *  # noqa: E402,F403  (our own settings, with test overrides)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# No collectstatic before tests: serve from the source folders, as `make run` does.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DROP_SETTLE_SECONDS = 0
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
