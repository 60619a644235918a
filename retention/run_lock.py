"""One scheduled purge of an organisation at a time.

An hourly run that takes longer than an hour (a backlog after an outage, a slow object store)
must not be joined by the next one every hour. The lock is recordings/run_lock.py's (the one
the sealing migration takes too), released by the operating system or the database when its
holder dies (a worker killed with SIGKILL leaves no stale lock behind): on PostgreSQL a
session-level advisory lock on a connection of its own, held across worker hosts; on SQLite
(the embedded default, one machine) an exclusive flock on a file under var/locks/.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from recordings.run_lock import run_lock

# Keeps this lock apart from any other advisory lock taken on the same database.
NAMESPACE = "earshot.retention.purge:"


@contextlib.contextmanager
def purge_lock(organisation_id: object) -> Iterator[bool]:
    """Yields True while this process holds the organisation's purge lock, False (at once,
    without waiting) when another run holds it."""
    with run_lock(f"{NAMESPACE}{organisation_id}", f"purge-{organisation_id}.lock") as held:
        yield held
