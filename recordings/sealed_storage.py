"""The one place that turns stored audio objects into plaintext, and plaintext into sealed
objects (issue 19). A recording with sealing "v1" is stored sealed (recordings/sealed.py) under
its data key, which recordings/audio_keys.py unwraps; sealing "" is plaintext from before the
migration, read as it is. Every failure is an AudioUnreadable with a reason and a sentence for
the person who wanted to hear the call; never wrong bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from django.core.files import File
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recordings import s3_objects, sealed
from recordings.storage import HASH_CHUNK, audio_storage, save_new

if TYPE_CHECKING:
    from recordings.models import Recording

_MESSAGES = {
    "key_missing": gettext_lazy(
        "This call's audio cannot be read: the key for its deadline day is missing from the "
        "key store. Ask the administrator to restore the key store."
    ),
    "key_corrupt": gettext_lazy(
        "This call's audio cannot be read: the key for its deadline day is damaged or does not "
        "belong to this call."
    ),
    "key_destroyed": gettext_lazy(
        "This call's audio can no longer be read: its key was destroyed on %(date)s, after its "
        "retention ended."
    ),
    "retention_ended": gettext_lazy(
        "This call's retention ended on %(date)s; its key has been destroyed, so no copy of it "
        "can be read."
    ),
    "tampered": gettext_lazy("The stored audio was altered; Earshot refuses to play it."),
    "truncated": gettext_lazy(
        "The stored audio is cut off or longer than it should be; Earshot refuses to play it."
    ),
    "missing_object": gettext_lazy("This call's audio is missing from the audio storage."),
}
REASONS = frozenset(_MESSAGES)


class AudioUnreadable(Exception):
    """The recording's audio cannot be read. `.reason` is one of REASONS; `.message` says why,
    in the active language, for the person who asked."""

    def __init__(self, reason: str, *, destroyed_at: datetime | None = None, detail: str = ""):
        if reason not in _MESSAGES:
            raise ValueError(f"unknown reason {reason!r}")
        self.reason = reason
        self.destroyed_at = destroyed_at
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)

    @property
    def message(self) -> str:
        return reason_message(_MESSAGES, self.reason, self.destroyed_at)


def reason_message(messages: dict, reason: str, destroyed_at: datetime | None) -> str:
    """`messages[reason]` in the active language; key_destroyed's names the day the key was
    destroyed (%(date)s). Shared by AudioUnreadable and a disclosure copy's CopyUnreadable."""
    if reason in ("key_destroyed", "retention_ended"):
        when = (
            formats.date_format(timezone.localtime(destroyed_at), "DATE_FORMAT")
            if destroyed_at is not None
            else _("an unknown day")
        )
        return str(messages[reason]) % {"date": when}
    return str(messages[reason])


def recording_context(recording: Recording) -> bytes:
    """What binds a sealed object and a wrapped key to their recording: another organisation's
    or another call's row cannot open them."""
    return f"earshot-audio/v1/{recording.organisation_id}/{recording.id}".encode()


def store_sealed(
    recording: Recording,
    source: Path | BinaryIO,
    *,
    data_key: bytes,
    expected_sha256: str | None,
    expected_size: int | None = None,
) -> str:
    """Seal `source` in one pass (hashing the plaintext on the way) and save it under the
    recording's storage key; returns the stored name. When the hash is not `expected_sha256`,
    the size sealed not `expected_size`, or the size changed while it was read (the file
    changed), the object is deleted and IngestRejected("changed_while_reading") raised."""
    from recordings.services import IngestRejected

    storage = audio_storage()
    stored_name: str | None = None
    with _source(source) as handle:
        plain_size = os.fstat(handle.fileno()).st_size if _has_fileno(handle) else None
        if plain_size is None:
            position = handle.seek(0, os.SEEK_END)
            handle.seek(0)
            plain_size = position
        sealer = sealed.Sealer(handle, plain_size, data_key, recording_context(recording))
        changed = False
        try:
            # A save that fails (a full disk) leaves no partial object (save_new).
            stored_name = save_new(
                storage, recording.storage_key, File(sealer, name=recording.storage_key)
            )
        except sealed.SealedAudioError:
            changed = True
        if not changed and expected_size is not None:
            changed = plain_size != expected_size
        if not changed and expected_sha256 is not None:
            changed = sealer.sha256.hexdigest() != expected_sha256
    if changed:
        # A finished object with the wrong hash or size is there (a failed save removed its
        # own partial object already, save_new).
        name = stored_name or recording.storage_key
        if storage.exists(name):
            storage.delete(name)
        raise IngestRejected(
            "changed_while_reading",
            _("The file changed while it was being stored; it is tried again when it is complete."),
        )
    return stored_name


def _has_fileno(handle: BinaryIO) -> bool:
    try:
        handle.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


@contextmanager
def _source(source: Path | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            yield handle
    else:
        if source.seekable():
            source.seek(0)
        yield source


@contextmanager
def _opened(recording: Recording, plain_range: tuple[int, int] | None = None) -> Iterator[BinaryIO]:
    """The stored object, open for reading; AudioUnreadable("missing_object") when absent.
    On S3 only what is read is fetched (recordings/s3_objects.py): `plain_range` (start,
    length) says which plaintext range will be read, None the whole call."""
    storage = audio_storage()
    try:
        try:
            path = storage.path(recording.storage_key)
        except NotImplementedError:  # not on local disk (S3)
            handle = s3_objects.open_stored(
                storage,
                recording.storage_key,
                sealed_object=recording.sealing != "",
                plain_range=plain_range,
            )
        else:
            handle = open(path, "rb")  # noqa: SIM115
    except FileNotFoundError as error:
        raise AudioUnreadable("missing_object") from error
    except Exception as error:
        if _is_missing(error):
            raise AudioUnreadable("missing_object") from error
        raise
    with handle:
        try:
            yield handle
        except FileNotFoundError as error:  # S3: found absent by the first ranged read
            raise AudioUnreadable("missing_object") from error


def _is_missing(error: Exception) -> bool:
    """An S3 client error for an absent object (botocore is optional)."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


def _data_key(recording: Recording) -> bytes:
    from recordings.audio_keys import data_key_of

    return data_key_of(recording)


def _from_sealed(error: sealed.SealedAudioError) -> AudioUnreadable:
    # "not_sealed": the row says sealed and the object is not: it was changed.
    reason = "truncated" if error.reason == "truncated" else "tampered"
    return AudioUnreadable(reason, detail=str(error))


def read_range(recording: Recording, start: int, length: int) -> bytes:
    """Plaintext bytes start..start+length-1 of the call's audio, sealed or not."""
    if recording.sealing == "":
        with _opened(recording, (start, length)) as handle:
            handle.seek(start)
            data = _read_up_to(handle, length)
        if len(data) != length:
            raise AudioUnreadable("truncated")
        return data
    data_key = _data_key(recording)
    with _opened(recording, (start, length)) as handle:
        try:
            return sealed.read_range(handle, data_key, recording_context(recording), start, length)
        except sealed.SealedAudioError as error:
            raise _from_sealed(error) from error


def _read_up_to(handle: BinaryIO, length: int) -> bytes:
    parts = []
    while length > 0:
        data = handle.read(min(length, HASH_CHUNK))
        if not data:
            break
        parts.append(data)
        length -= len(data)
    return b"".join(parts)


def iter_plain(recording: Recording) -> Iterator[bytes]:
    """The whole call's plaintext, in pieces, each verified (for copies and exports). Fails
    before the first byte when the key cannot be had; a tampered segment later in the file
    raises AudioUnreadable while iterating."""
    data_key = _data_key(recording) if recording.sealing != "" else None
    with _opened(recording) as handle:
        if data_key is None:
            while chunk := handle.read(HASH_CHUNK):
                yield chunk
            return
        try:
            yield from sealed.iter_plain(handle, data_key, recording_context(recording))
        except sealed.SealedAudioError as error:
            raise _from_sealed(error) from error


def readable(recording: Recording) -> str | None:
    """None when the call's key opens it, else the AudioUnreadable reason. Cheap: the key
    checks only (the audio object is not read); plaintext rows are taken as readable."""
    if recording.sealing == "":
        return None
    try:
        _data_key(recording)
    except AudioUnreadable as error:
        return error.reason
    return None
