"""Where audio lives: the "audio" storage, under keys Earshot makes, never names from outside."""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, storages

HASH_CHUNK = 1024 * 1024
logger = logging.getLogger(__name__)


def audio_storage() -> Storage:
    return storages["audio"]


def new_storage_key(*, organisation_id: int, container: str) -> str:
    """A random key: organisation id, two levels of fan-out, a UUID. Nothing from the caller."""
    name = uuid.uuid4().hex
    return f"{organisation_id}/{name[:2]}/{name[2:4]}/{name}.{container}"


def save_new(storage: Storage, name: str, content: Any) -> str:
    """storage.save of an object under a fresh name Earshot made (nothing is there yet); when
    the save fails, what it wrote is deleted before the error goes on: Django's local storage
    leaves a partial file behind when a write fails (a full disk), and no row will name it."""
    try:
        return storage.save(name, content)
    except BaseException:
        try:
            if storage.exists(name):
                storage.delete(name)
        except Exception:  # noqa: BLE001 - the first error is the one to report
            logger.warning("partial object %s not deleted", name, exc_info=True)
        raise


def file_sha256(path: Path) -> str:
    return file_digest(path)[0]


def file_digest(path: Path) -> tuple[str, int]:
    """The SHA-256 (hex) and the size of the bytes read, in one pass: a row's size_bytes is
    then the size of the very bytes its hash is of (a stat taken apart from the read is not,
    when the file grows in between)."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def delete_confirmed(key: str) -> str | None:
    """Delete one object of the audio storage and check it is gone. Returns the error (any
    storage failure, at most 300 characters), or None when gone: the caller keeps its row for
    the next run. Used by the purge and by the sealing migration's leftovers."""
    storage = audio_storage()
    try:
        storage.delete(key)
        if storage.exists(key):
            return "the object is still there after delete"
    except Exception as error:  # any storage failure: the caller's row stays, the next run retries
        return f"{type(error).__name__}: {error}"[:300]
    return None
