"""Settings for the test suite: production settings on PostgreSQL and Redis, plain HTTP.

DATABASE_URL and CELERY_BROKER_URL default to the local servers; `make test` checks they
answer before pytest starts.
"""

import os
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("EARSHOT_SECRET_KEY", "test-suite-only-" + "x" * 40)
os.environ.setdefault("EARSHOT_HTTPS", "0")
os.environ.setdefault("EARSHOT_VAR_DIR", tempfile.mkdtemp(prefix="earshot-test-"))

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
