"""The key store against the database: after a restore of an old key store copy, or a crash.

- a key whose row says destroyed but whose file is present again (an old copy of the key store
  was restored): destroyed again, at once — it could open backups of calls already erased;
- a key file no row stands for (a creator that lost its race, or whose transaction rolled back,
  and died before removing it), older than an hour: destroyed (it wraps nothing);
- a live key whose file is missing: reported; its calls are unreadable (reason "key_missing")
  until the file is restored.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from recordings.audio_keys import key_name
from recordings.keystore import key_store
from recordings.models import AudioKey

STRAY_GRACE_SECONDS = 3600


@dataclass
class SweepResult:
    resurrected: list[str] = field(default_factory=list)  # destroyed again
    stray: list[str] = field(default_factory=list)  # files without a row, destroyed
    missing: list[str] = field(default_factory=list)  # live keys without a file


def key_store_sweep(*, grace_seconds: float = STRAY_GRACE_SECONDS) -> SweepResult:
    store = key_store()
    result = SweepResult()
    present = set(store.names())
    by_id = {
        key.id: key for key in AudioKey.objects.all().only("id", "organisation", "destroyed_at")
    }
    for name in sorted(present):
        organisation_id, hex_id = name.split("/")
        audio_key = by_id.get(uuid.UUID(hex_id))
        if audio_key is not None and str(audio_key.organisation_id) == organisation_id:
            if audio_key.destroyed_at is not None:
                store.destroy(name)
                result.resurrected.append(name)
            continue
        if _age(store, name) >= grace_seconds:
            store.destroy(name)
            result.stray.append(name)
    for audio_key in by_id.values():
        if audio_key.destroyed_at is None and key_name(audio_key) not in present:
            result.missing.append(key_name(audio_key))
    return result


def _age(store: object, name: str) -> float:
    path = getattr(store, "path", None)
    if path is None:  # a store without files (a KMS): its own clean-up
        return 0.0
    try:
        return time.time() - path(name).stat().st_mtime
    except FileNotFoundError:
        return 0.0
