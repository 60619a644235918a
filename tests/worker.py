"""A real Celery worker in a subprocess, on Redis, against the test database; and a
`manage.py` command in a subprocess (`manage_py`), to be killed at a chosen moment (`kill_when`).

For tests where scheduling or a killed process matters. Use inside a transactional test (data
must be committed for the subprocess to see it).
"""

from __future__ import annotations

import contextlib
import os
import signal
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


def manage_py_env(**extra: str) -> dict[str, str]:
    """The environment of a `manage.py` subprocess on the test database, with `extra`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "earshot.test_settings",
        "DATABASE_URL": _database_url(),
        **extra,
    }


def manage_py(*arguments: str, **extra_env: str) -> subprocess.Popen:
    """`manage.py <arguments>` against the test database (manage_py_env), its output piped
    (text)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=manage_py_env(**extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when(
    process: subprocess.Popen,
    condition: Callable[[], bool],
    *,
    what: str = "the run",
    poll: float = 0.01,
) -> None:
    """SIGKILL `process` as soon as `condition()` holds (asked every `poll` seconds, for at most
    five minutes); it must still be running then."""
    deadline = time.monotonic() + 300
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{what} did not get going"
        time.sleep(poll)
    process.send_signal(signal.SIGKILL)
    process.wait()


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
