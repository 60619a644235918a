"""make run's preparation, in one Python process: the audit signing key, the database, the demo.

One process instead of three `manage.py` calls saves loading Django twice. Each step prints a
short line and its seconds; what the commands say goes to var/run-prepare.log, and is shown
when a step fails.
"""

import os
import sys
import time
from pathlib import Path

# uv installs no bytecode (pip compiles everything it installs). This process imports what the
# web server and the worker import after it, so it leaves them the .pyc files, also where
# PYTHONDONTWRITEBYTECODE is set: without them each process compiles ~1,700 modules again.
sys.dont_write_bytecode = False

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    log_path = Path(settings.VAR_DIR) / "run-prepare.log"
    database = Path(settings.DATABASES["default"]["NAME"])
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    new = sqlite and not database.exists()
    with log_path.open("w") as log:

        def step(label: str, command: str, *args: str) -> None:
            print(f"{label}… ", end="", flush=True)
            started = time.monotonic()
            try:
                call_command(command, *args, stdout=log, stderr=log)
            except BaseException:
                print("failed:", flush=True)
                log.flush()
                sys.stdout.write(log_path.read_text())
                raise
            log.flush()
            print(f"{time.monotonic() - started:.0f} s", flush=True)

        call_command(
            "audit_keygen", os.environ["EARSHOT_AUDIT_SIGNING_KEY_FILE"], stdout=log, stderr=log
        )
        step("Creating the database" if new else "Updating the database", "migrate", "--noinput")
        step("Loading the demo (two organisations, six months of their work)", "loaddemo")


if __name__ == "__main__":
    main()
