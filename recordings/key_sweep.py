"""The key store against the database: after a restore of an old key store copy, or a crash.

What it finds:
- a key whose row says destroyed but whose file is present again (an old copy of the key store
  was restored): it could open backups of calls already erased;
- a key file no row stands for, older than a day: a creator that lost its race, or whose
  transaction rolled back, and died before removing it; it wraps nothing. A younger one may
  belong to a transaction still running (a hold approval or retention change over many calls
  creates its keys inside its transaction), so it is never touched;
- a live key whose file is missing: its calls are unreadable (reason "key_missing") until the
  file is restored;
- a live key whose file is there but damaged (its checksum fails, or it cannot be read): its
  calls are unreadable (reason "key_corrupt"). Each live key file is read (45 bytes each).

It only reports, unless asked to destroy (`destroy=True`, `manage.py sweep_keys --destroy`).
Keys whose row says destroyed are then destroyed again. Key files without a row are destroyed
only when the database looks as new as the key store: when the newest key row was created
more than a day before the newest key file was written, the database is probably an older
backup or the wrong one, its missing rows stand for live calls, and destroying "strays" would
lose them; that needs `force=True` (`--force`).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Max

from recordings.audio_keys import key_name
from recordings.keystore import KeyUnavailable, key_store
from recordings.models import AudioKey

STRAY_GRACE_SECONDS = 24 * 3600
# The newest key row may be this much older than the newest key file before the database is
# taken as older than the key store.
DATABASE_LAG = timedelta(days=1)


@dataclass
class SweepResult:
    resurrected: list[str] = field(default_factory=list)  # row destroyed, file present
    stray: list[str] = field(default_factory=list)  # files without a row, older than the grace
    young_strays: list[str] = field(default_factory=list)  # without a row, younger: left
    missing: list[str] = field(default_factory=list)  # live keys without a file
    damaged: list[str] = field(default_factory=list)  # live keys whose file fails to read
    destroyed: list[str] = field(default_factory=list)  # what this sweep destroyed
    # Set when strays were not destroyed because the database looks older than the key store.
    database_older: str = ""

    @property
    def left(self) -> list[str]:
        """What should go and was not destroyed (report only, or refused)."""
        done = set(self.destroyed)
        return [name for name in self.resurrected + self.stray if name not in done]


def key_store_sweep(
    *, destroy: bool = False, force: bool = False, grace_seconds: float = STRAY_GRACE_SECONDS
) -> SweepResult:
    store = key_store()
    result = SweepResult()
    present = set(store.names())
    by_id = {
        key.id: key for key in AudioKey.objects.all().only("id", "organisation", "destroyed_at")
    }
    for name in sorted(present):
        audio_key = _row_of(name, by_id)
        if audio_key is not None:
            if audio_key.destroyed_at is not None:
                result.resurrected.append(name)
            continue
        if _age(store, name) >= grace_seconds:
            result.stray.append(name)
        else:
            result.young_strays.append(name)
    for audio_key in by_id.values():
        if audio_key.destroyed_at is not None:
            continue
        name = key_name(audio_key)
        if name not in present:
            result.missing.append(name)
            continue
        try:
            store.read(name)
        except KeyUnavailable as error:
            (result.missing if error.reason == "missing" else result.damaged).append(name)
    result.missing.sort()
    result.damaged.sort()
    if result.stray:
        result.database_older = _database_older(store, present)
    if destroy:
        # A key whose row says destroyed goes whatever the database's age: it was destroyed.
        for name in result.resurrected:
            store.destroy(name)
            result.destroyed.append(name)
        if not result.database_older or force:
            for name in result.stray:
                store.destroy(name)
                result.destroyed.append(name)
    return result


def _row_of(name: str, by_id: dict[uuid.UUID, AudioKey]) -> AudioKey | None:
    """The row that stands for a key file: same id, same organisation."""
    organisation_id, hex_id = name.split("/")
    audio_key = by_id.get(uuid.UUID(hex_id))
    if audio_key is not None and str(audio_key.organisation_id) == organisation_id:
        return audio_key
    return None


def destroy_strays(
    organisation_id: int, *, grace_seconds: float = STRAY_GRACE_SECONDS
) -> list[str]:
    """The purge's part of the sweep, for one organisation: destroy its key files that no row
    stands for and that are older than `grace_seconds` (a key made in a transaction that rolled
    back: a refused retention change, a hold decision or disclosure approval that failed),
    only when the newest key row is at least as new as the newest key file. Otherwise the
    database may be an older backup whose missing rows stand for live calls: nothing is
    destroyed, and `manage.py sweep_keys` says why. Returns the names destroyed."""
    store = key_store()
    present = set(store.names())
    prefix = f"{organisation_id}/"
    mine = sorted(name for name in present if name.startswith(prefix))
    if not mine:
        return []
    rows = AudioKey.objects.filter(organisation_id=organisation_id).only("id", "organisation")
    by_id = {key.id: key for key in rows}
    strays = [
        name for name in mine if _row_of(name, by_id) is None and _age(store, name) >= grace_seconds
    ]
    if not strays or _database_older(store, present, lag=timedelta(0)):
        return []
    for name in strays:
        store.destroy(name)
    return strays


def _database_older(store: object, present: set[str], *, lag: timedelta = DATABASE_LAG) -> str:
    """A sentence when the newest key row is more than `lag` older than the newest key file
    (the database is an older backup, or another installation's); "" otherwise."""
    newest_file = max((_mtime(store, name) for name in present), default=0.0)
    if not newest_file:
        return ""
    newest_row = AudioKey.objects.aggregate(newest=Max("created_at"))["newest"]
    file_time = datetime.fromtimestamp(newest_file).astimezone()
    if newest_row is None or newest_row < file_time - lag:
        row_text = newest_row.isoformat(timespec="minutes") if newest_row else "none"
        return (
            f"The newest key row ({row_text}) is more than a day older than the newest key "
            f"file ({file_time.isoformat(timespec='minutes')}): the database looks older than "
            "the key store (an older backup, or the wrong database). Key files without a row "
            "may belong to calls this database does not have."
        )
    return ""


def _mtime(store: object, name: str) -> float:
    path = getattr(store, "path", None)
    if path is None:  # a store without files (a KMS): its own clean-up
        return 0.0
    try:
        return path(name).stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _age(store: object, name: str) -> float:
    mtime = _mtime(store, name)
    return time.time() - mtime if mtime else 0.0
