"""Write the bytecode (.pyc) of the modules Earshot's commands import, once, after uv installs.

pip compiles every installed module at install time; uv compiles none (compiling all of
.venv costs about half a minute of CPU, most of it for modules nothing here imports). Without
.pyc files each Python process compiles what it imports again, every time, where
PYTHONDONTWRITEBYTECODE is set (as in many containers and CI machines), and otherwise the
first `make run` pays it. This imports what `make run` (migrate, the demo, runserver, the
worker) and `make test` load, with bytecode writing on for this process only: a few seconds.
"""

import contextlib
import importlib
import os
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = False  # the point of this script; later processes only read it

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

# Beside the Django project: what the worker, runserver and the test suite import.
MODULES = [
    "celery.bin.celery",
    "celery.apps.worker",
    "celery.apps.beat",
    "kombu.transport.filesystem",
    "django.core.management.commands.runserver",
    "django.core.management.commands.migrate",
    "django.contrib.staticfiles.handlers",
    "django.test",
    "pytest",
    "pytest_django.plugin",
    "factory.django",
    "playwright.sync_api",
    "hypothesis",
    "moto",
    "httpx",
    "pypdf",
    "polib",
    "yaml",
    "time_machine",
]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="earshot-warm-") as var:
        # A debug installation in a throwaway folder: no secrets needed, nothing left behind.
        os.environ.update(EARSHOT_DEBUG="1", EARSHOT_VAR_DIR=var, EARSHOT_DOTENV="")
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
        import django

        django.setup()
        from django.db.migrations.loader import MigrationLoader
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018  (imports every view)
        MigrationLoader(None)  # imports every migration
        importlib.import_module("earshot.celery")
        importlib.import_module("earshot.demo_life")
        for name in MODULES:
            with contextlib.suppress(ImportError):  # an optional part missing changes nothing
                importlib.import_module(name)


if __name__ == "__main__":
    main()
