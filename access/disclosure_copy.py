"""A disclosure's copy, sealed at rest (issue 19).

The copy of an approved disclosure (calls' audio, a data subject's copy of their data, an
anonymised transcript) is stored in the audio storage sealed like a recording
(recordings/sealed.py): under its own random data key, which is stored only wrapped under the
key of the UTC day its link ends (audio_keys.day_key), bound to the disclosure by its context.
The link ends at the latest at a copied call's deadline, and the copy is deleted within the
hour after (disclosures_expire); once that day has passed and the purge destroys the day's
key, every backup of the copy is unreadable. While the link is open the key is kept: the
purge asks `key_is_unused`, which asks `copy_uses_key` (registered in AccessConfig.ready).

Reading checks the whole copy before its first byte goes out (every segment's tag, the
size and the SHA-256 recorded when it was made), so the recipient gets the copy exactly as it
was made or a page saying why not, never part of it: `CopyUnreadable`.

Copies stored before this (sealing "") are read as they are; they expire with their links,
within days.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext_lazy

from access.models import Disclosure
from recordings import audio_keys, sealed
from recordings.keystore import KeyUnavailable
from recordings.models import AudioKey
from recordings.sealed_storage import AudioUnreadable, reason_message
from recordings.storage import HASH_CHUNK, audio_storage, save_new

logger = logging.getLogger(__name__)

SEALING = "v1"

_MESSAGES = {
    "key_destroyed": gettext_lazy(
        "This copy can no longer be opened: its key was destroyed on %(date)s, after the "
        "link's time ended."
    ),
    "key_missing": gettext_lazy(
        "This copy cannot be opened now: its key is missing from the organisation's key store. "
        "Contact the organisation that sent you the link."
    ),
    "key_corrupt": gettext_lazy(
        "This copy cannot be opened: its key is damaged or does not belong to it. Contact the "
        "organisation that sent you the link."
    ),
    "tampered": gettext_lazy(
        "The stored copy was altered; it is not handed out. Contact the organisation that sent "
        "you the link."
    ),
    "truncated": gettext_lazy(
        "The stored copy is cut off or longer than it should be; it is not handed out. Contact "
        "the organisation that sent you the link."
    ),
    "missing_object": gettext_lazy(
        "The copy is no longer in the storage. Contact the organisation that sent you the link."
    ),
}
# A key that is gone for good, or a copy that is: the link will never work again.
GONE = frozenset({"key_destroyed", "missing_object"})


class CopyUnreadable(Exception):
    """The copy cannot be handed out. `.reason` as AudioUnreadable's; `.message` says why, in
    the active language, for the recipient."""

    def __init__(self, reason: str, *, destroyed_at: datetime | None = None, detail: str = ""):
        self.reason = reason if reason in _MESSAGES else "tampered"
        self.destroyed_at = destroyed_at
        super().__init__(f"{self.reason}: {detail}" if detail else self.reason)

    @property
    def message(self) -> str:
        return reason_message(_MESSAGES, self.reason, self.destroyed_at)


def copy_context(organisation_id: Any, disclosure_id: Any) -> bytes:
    """What binds the sealed copy and its wrapped key to their disclosure: another
    disclosure's or organisation's row cannot open them."""
    return f"earshot-disclosure/v1/{organisation_id}/{disclosure_id}".encode()


def store_sealed_copy(
    *,
    organisation: Any,
    disclosure_id: uuid.UUID,
    name: str,
    content: bytes,
    expires_at: datetime,
) -> dict[str, Any]:
    """Seal `content` and save it under `name` in the audio storage; returns the Disclosure
    fields to create the row with (storage_key, audio_key, wrapped_key, sealing). Call it in
    the transaction that inserts the row: the day key's row is locked for writing (a purge
    that would destroy it waits and then sees it in use; one that destroyed it first makes
    this take the day's new key). KeyUnavailable or OSError when the key store fails."""
    audio_key = _writable_day_key(organisation, expires_at)
    data_key = os.urandom(audio_keys.DATA_KEY_BYTES)
    context = copy_context(organisation.pk, disclosure_id)
    wrapped = audio_keys.wrap_data_key(audio_key, data_key, context)
    sealer = sealed.Sealer(io.BytesIO(content), len(content), data_key, context)
    stored = save_new(audio_storage(), name, File(sealer, name=name))  # nothing partial left
    return {
        "storage_key": stored,
        "audio_key": audio_key,
        "wrapped_key": wrapped,
        "sealing": SEALING,
    }


def _writable_day_key(organisation: Any, deadline: datetime) -> AudioKey:
    for _attempt in range(3):
        audio_key = audio_keys.day_key(organisation, deadline)
        if not audio_keys.lock_for_writing([audio_key.pk]):
            return audio_key
        logger.warning(
            "audio key %s was destroyed meanwhile; taking the day's new key", audio_key.pk
        )
    raise KeyUnavailable("destroyed", "the day's key kept being destroyed")


def copy_uses_key(audio_key: AudioKey) -> bool:
    """A disclosure whose link is open has its copy sealed under the key (audio_keys.key_user).
    A link that ended (expired or cancelled) does not keep it: its copy may no longer be
    downloaded and is deleted within the hour; when that deletion fails, the key's
    destruction still makes the copy, and every backup of it, unreadable."""
    return Disclosure.objects.filter(
        audio_key=audio_key,
        copy_deleted_at__isnull=True,
        cancelled_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()


def _data_key(disclosure: Disclosure) -> bytes:
    audio_key = disclosure.audio_key if disclosure.audio_key_id is not None else None
    try:
        return audio_keys.unwrap_data_key(
            audio_key,
            disclosure.wrapped_key,
            copy_context(disclosure.organisation_id, disclosure.pk),
            organisation_id=disclosure.organisation_id,
        )
    except AudioUnreadable as error:
        raise CopyUnreadable(error.reason, destroyed_at=error.destroyed_at) from error


def copy_readable(disclosure: Disclosure) -> CopyUnreadable | None:
    """None when the copy's key opens it, else why not. Cheap: the key only, not the copy."""
    if disclosure.sealing == "":
        return None
    try:
        _data_key(disclosure)
    except CopyUnreadable as error:
        return error
    return None


def _open(disclosure: Disclosure) -> BinaryIO:
    storage = audio_storage()
    key = disclosure.storage_key
    try:
        if not key or not storage.exists(key):
            raise CopyUnreadable("missing_object")
        return storage.open(key, "rb")
    except FileNotFoundError as error:
        raise CopyUnreadable("missing_object") from error


def _plain_chunks(disclosure: Disclosure, data_key: bytes | None) -> Iterator[bytes]:
    with _open(disclosure) as handle:
        if data_key is None:
            while chunk := handle.read(HASH_CHUNK):
                yield chunk
            return
        context = copy_context(disclosure.organisation_id, disclosure.pk)
        try:
            yield from sealed.iter_plain(handle, data_key, context)
        except sealed.SealedAudioError as error:
            reason = "truncated" if error.reason == "truncated" else "tampered"
            raise CopyUnreadable(reason, detail=str(error)) from error


def open_copy(disclosure: Disclosure) -> Iterator[bytes]:
    """The copy's plaintext in pieces, for the recipient's download. The whole copy is checked
    first (each segment's tag, its size and SHA-256 against the row), so CopyUnreadable comes
    before any byte; the pieces returned are read again. Should the stored object change
    between the check and the sending, the sending stops (logged) and the recipient's download
    is short of its Content-Length."""
    data_key = _data_key(disclosure) if disclosure.sealing != "" else None
    digest = hashlib.sha256()
    size = 0
    for chunk in _plain_chunks(disclosure, data_key):
        digest.update(chunk)
        size += len(chunk)
    if size != disclosure.size_bytes or digest.hexdigest() != disclosure.sha256:
        raise CopyUnreadable("tampered", detail="the copy does not match its SHA-256")
    return _sending(disclosure, data_key)


def _sending(disclosure: Disclosure, data_key: bytes | None) -> Iterator[bytes]:
    try:
        yield from _plain_chunks(disclosure, data_key)
    except CopyUnreadable as error:
        logger.error("disclosure %s changed while it was sent: %s", disclosure.pk, error)


def read_copy(disclosure: Disclosure) -> bytes:
    """The whole copy, checked (for tests and checks; the download streams open_copy)."""
    return b"".join(open_copy(disclosure))
