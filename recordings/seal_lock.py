"""One sealing migration at a time (recordings/seal_existing.py), for the whole installation.

The beat task and `manage.py seal_audio` take the same lock: a run that finds it held stops at
once and says so. As retention/run_lock.py does for the purge (recordings cannot import
retention): released by the operating system or the database when its holder dies, so a run
killed with SIGKILL leaves no stale lock behind.

- PostgreSQL: a session-level advisory lock on a connection of its own (nothing the run does
  with its own connection can drop it); held across worker hosts.
- SQLite: an exclusive flock on a file under var/locks/.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections

KEY = "earshot.recordings.seal_existing"


@contextlib.contextmanager
def seal_lock() -> Iterator[bool]:
    """Yields True while this process holds the lock, False (at once) when another run does."""
    if connections["default"].vendor == "postgresql":
        own = connections.create_connection("default")
        try:
            with own.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [KEY])
                held = cursor.fetchone()[0]
            yield held
            if held:
                with own.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [KEY])
        finally:
            own.close()  # closing releases the lock too
        return
    path = Path(settings.VAR_DIR) / "locks" / "seal-existing.lock"
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
        os.close(fd)
