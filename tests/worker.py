"""A real Celery worker in a subprocess, on Redis, against the test database.

For tests where scheduling matters. Use inside a transactional test (data must be committed
for the worker to see it).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import time_machine
from django.conf import settings

from earshot.celery import app

ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(*, beat: bool = False, env: dict[str, str] | None = None) -> Iterator[None]:
    app.control.purge()  # nothing left over from an earlier run
    command = [
        *_python_on_the_suites_clock(),
        "-A",
        "earshot",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        command += ["-B", "--schedule", str(Path(settings.VAR_DIR) / "celerybeat-schedule")]
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "earshot.test_settings",
        "DATABASE_URL": _database_url(),
        **(env or {}),
    }
    log = Path(settings.VAR_DIR) / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=child_env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _python_on_the_suites_clock() -> list[str]:
    """`python -m celery`, or, when the suite runs on a moved clock (pytest --clock), a Python
    that moves its own clock the same way first: the worker must see the same day as the test
    that queued its work."""
    if not time_machine.escape_hatch.is_travelling():
        return [sys.executable, "-m", "celery"]
    offset = time.time() - time_machine.escape_hatch.time.time()
    start = (
        "import sys, time, time_machine; "
        f"time_machine.travel(time.time() + {offset!r}, tick=True).start(); "
        "from celery.__main__ import main; sys.argv = sys.argv[1:]; sys.exit(main())"
    )
    return [sys.executable, "-c", start, "celery"]


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    log = Path(settings.VAR_DIR) / "worker.log"
    tail = log.read_text()[-3000:] if log.exists() else "(no worker log)"
    raise AssertionError(
        f"timed out after {timeout}s waiting for {what}\n--- worker log ---\n{tail}"
    )
