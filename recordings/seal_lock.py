"""One sealing migration at a time (recordings/seal_existing.py), for the whole installation.

The beat task and `manage.py seal_audio` take the same lock: a run that finds it held stops at
once and says so. The mechanism is recordings/run_lock.py's, as for the purge: released by
the operating system or the database when its holder dies, so a run killed with SIGKILL leaves
no stale lock behind (PostgreSQL: an advisory lock on a connection of its own; SQLite: a
flock on var/locks/seal-existing.lock).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from recordings.run_lock import run_lock

KEY = "earshot.recordings.seal_existing"


@contextlib.contextmanager
def seal_lock() -> Iterator[bool]:
    """Yields True while this process holds the lock, False (at once) when another run does."""
    with run_lock(KEY, "seal-existing.lock") as held:
        yield held
