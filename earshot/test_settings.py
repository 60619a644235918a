"""Settings for the test suite: production settings on PostgreSQL and Redis, plain HTTP.

DATABASE_URL and CELERY_BROKER_URL default to the local servers; `make test` checks they
answer before pytest starts.
"""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

# The suite never reads the settings `make run` leaves in var/earshot.env.
os.environ.setdefault("EARSHOT_DOTENV", "")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot")
# 12: with `make test`'s parallel workers (pytest-xdist) worker n uses database 12 + n, and a
# Redis server has 16 (0-15) unless configured otherwise.
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("EARSHOT_SECRET_KEY", "test-suite-only-" + "x" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "test-suite-identifier-key-" + "i" * 32)
os.environ.setdefault("EARSHOT_HTTPS", "0")

# Under pytest-xdist every worker is a process of its own with its own test database (pytest-
# django appends _gw0, _gw1, ...). Its Celery broker and its var/ folder (worker log, beat
# schedule, drop folder) must be its own too: a real worker started by one would otherwise take
# the other's tasks, against the wrong database. The xdist controller set EARSHOT_VAR_DIR before
# it started the workers, so each worker replaces it once; what a worker writes to os.environ
# passes on to its own subprocesses (the Celery worker, manage.py), which must not shift again.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker and os.environ.get("EARSHOT_TEST_XDIST_WORKER") != _xdist_worker:
    os.environ["EARSHOT_TEST_XDIST_WORKER"] = _xdist_worker
    _index = int(_xdist_worker.removeprefix("gw"))
    _broker = urlsplit(os.environ["CELERY_BROKER_URL"])
    _number = int(_broker.path.strip("/") or 0) + _index  # no number: Redis's database 0
    os.environ["CELERY_BROKER_URL"] = urlunsplit(_broker._replace(path=f"/{_number}"))
    os.environ["EARSHOT_VAR_DIR"] = tempfile.mkdtemp(prefix=f"earshot-test-{_xdist_worker}-")
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A commit does not wait for the WAL to reach the disk (about 5 ms each on this kind of
    # machine, to 0.5 ms): creating the test database, the transactional and browser tests and
    # the Celery worker commit thousands of times. Only a crash of the server could lose the
    # last commits, and the suite never survives one. Per connection, the server untouched.
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        **DATABASES["default"].get("OPTIONS", {}),  # noqa: F405
        "options": "-c synchronous_commit=off",
    }
    # Its flush after a transactional test deletes rather than truncates (see its docstring).
    DATABASES["default"]["ENGINE"] = "earshot.test_postgresql"  # noqa: F405
