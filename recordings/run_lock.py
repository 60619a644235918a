"""One run at a time of a long job (the sealing migration, an organisation's purge), released by
the operating system or the database when its holder dies: a run killed with SIGKILL leaves no
stale lock behind. Used by recordings/seal_lock.py and, from above, retention/run_lock.py.

- PostgreSQL: a session-level advisory lock on a connection of its own, so nothing the run does
  with its own connections (transactions, streams closing theirs) can drop it; held across
  worker hosts.
- SQLite (the embedded default, one machine): an exclusive flock on a file under var/locks/.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections


@contextlib.contextmanager
def run_lock(key: str, file_name: str) -> Iterator[bool]:
    """Yields True while this process holds the lock `key` (on SQLite: the file `file_name`
    under var/locks/), False (at once, without waiting) when another run holds it."""
    if connections["default"].vendor == "postgresql":
        with advisory_lock(key) as held:
            yield held
    else:
        with file_lock(Path(settings.VAR_DIR) / "locks" / file_name) as held:
            yield held


@contextlib.contextmanager
def advisory_lock(key: str) -> Iterator[bool]:
    own = connections.create_connection("default")
    try:
        with own.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
            held = cursor.fetchone()[0]
        yield held
        if held:
            with own.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])
    finally:
        own.close()  # closing releases the lock too, should the unlock not have run


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[bool]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the flock
