"""Where audio lives: the "audio" storage, under keys Earshot makes, never names from outside."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.core.files.storage import Storage, storages

HASH_CHUNK = 1024 * 1024


def audio_storage() -> Storage:
    return storages["audio"]


def new_storage_key(*, organisation_id: int, container: str) -> str:
    """A random key: organisation id, two levels of fan-out, a UUID. Nothing from the caller."""
    name = uuid.uuid4().hex
    return f"{organisation_id}/{name[:2]}/{name[2:4]}/{name}.{container}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
