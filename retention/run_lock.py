"""One scheduled purge of an organisation at a time.

An hourly run that takes longer than an hour (a backlog after an outage, a slow object store)
must not be joined by the next one every hour. The lock is released by the operating system or
the database when its holder dies (a worker killed with SIGKILL leaves no stale lock behind):

- PostgreSQL: a session-level advisory lock on a connection of its own, so nothing the run does
  with its own connections (transactions, streams closing theirs) can drop it; held across
  worker hosts.
- SQLite (the embedded default, one machine): an exclusive flock on a file under var/.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections

# Keeps this lock apart from any other advisory lock taken on the same database.
NAMESPACE = "earshot.retention.purge:"


@contextlib.contextmanager
def purge_lock(organisation_id: object) -> Iterator[bool]:
    """Yields True while this process holds the organisation's purge lock, False (at once,
    without waiting) when another run holds it."""
    if connections["default"].vendor == "postgresql":
        with _advisory_lock(f"{NAMESPACE}{organisation_id}") as held:
            yield held
    else:
        with _file_lock(Path(settings.VAR_DIR) / "locks" / f"purge-{organisation_id}.lock") as held:
            yield held


@contextlib.contextmanager
def _advisory_lock(key: str) -> Iterator[bool]:
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
def _file_lock(path: Path) -> Iterator[bool]:
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
