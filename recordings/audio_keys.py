"""Audio keys: the day keys and hold keys that wrap every recording's data key (issue 19).

A recording is sealed under its own random data key (recordings/sealed.py); the data key is
stored only wrapped (AES-256-GCM, 12-byte random nonce + ciphertext, 60 bytes, the recording's
context as associated data) under the key of its deadline's UTC day, or of a legal hold. The
keys live in the key store (recordings/keystore.py), outside the database and the audio; an
AudioKey row only describes one. Destroying a day's key after its purge makes every copy of
that day's calls unreadable, backups included: one file, however many calls.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

import audit
from organisations.models import Organisation
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.keystore import KeyUnavailable, key_store
from recordings.models import AudioKey, Recording
from recordings.sealed_storage import AudioUnreadable, recording_context

logger = logging.getLogger(__name__)

DATA_KEY_BYTES = 32
NONCE_BYTES = 12
WRAPPED_BYTES = NONCE_BYTES + DATA_KEY_BYTES + 16  # nonce, key, GCM tag
SEALING = "v1"
# Reasons of KeyUnavailable (and "destroyed", from key_material) as AudioUnreadable's.
_UNREADABLE = {"missing": "key_missing", "corrupt": "key_corrupt", "destroyed": "key_destroyed"}


def key_name(audio_key: AudioKey) -> str:
    """The key's name in the key store: made here from ids, never from outside."""
    return f"{audio_key.organisation_id}/{audio_key.id.hex}"


def deadline_day(deadline: datetime) -> date:
    return deadline.astimezone(UTC).date()


def _day_start(day: date | None) -> str | None:
    return datetime.combine(day, time.min, UTC).isoformat() if day else None


def _live(organisation: Organisation, **fields: object) -> AudioKey | None:
    return AudioKey.objects.filter(
        organisation=organisation, destroyed_at__isnull=True, **fields
    ).first()


def _get_or_create(organisation: Organisation, kind: str, **fields: object) -> AudioKey:
    """The live key of `fields`, or a new one. The key file is written before its row, so a
    row never names a file that was not there; when another process inserted the row first
    (the unique constraint on live keys), our unused file is destroyed and theirs is used.
    On PostgreSQL the losing insert waits for the winner's transaction and then fails."""
    for _attempt in range(3):
        existing = _live(organisation, kind=kind, **fields)
        if existing is not None:
            return existing
        audio_key = AudioKey(id=uuid.uuid4(), organisation=organisation, kind=kind, **fields)
        name = key_name(audio_key)
        store = key_store()
        store.create(name)
        try:
            with transaction.atomic():  # a savepoint keeps the caller's transaction usable
                audio_key.save(force_insert=True)
        except IntegrityError:
            store.destroy(name)
            continue
        except BaseException:
            store.destroy(name)
            raise
        return audio_key
    raise RuntimeError(f"no live {kind} key for {fields} after three attempts")


def day_key(organisation: Organisation, deadline: datetime) -> AudioKey:
    """The live key of the UTC day of `deadline`, created when first needed."""
    return _get_or_create(organisation, AudioKeyKind.DAY, day=deadline_day(deadline))


def hold_key(organisation: Organisation, hold_ref: str) -> AudioKey:
    """The live key of a legal hold (its id as text), created when first needed."""
    if not hold_ref:
        raise ValueError("a hold key needs the hold's id")
    return _get_or_create(organisation, AudioKeyKind.HOLD, hold_ref=str(hold_ref))


def key_material(audio_key: AudioKey) -> bytes:
    """The key's 32 bytes from the key store; KeyUnavailable ("missing", "corrupt", or
    "destroyed" for a key whose destruction was recorded)."""
    if audio_key.destroyed_at is not None:
        raise KeyUnavailable("destroyed", f"audio key {audio_key.pk} was destroyed")
    return key_store().read(key_name(audio_key))


class DayKeys:
    """A memo for one batch of one organisation: one database read and one key-file read per
    deadline day, however many calls fall on it."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        self._keys: dict[date, tuple[AudioKey, bytes]] = {}

    def for_deadline(self, deadline: datetime) -> tuple[AudioKey, bytes]:
        day = deadline_day(deadline)
        found = self._keys.get(day)
        if found is None:
            audio_key = day_key(self.organisation, deadline)
            found = self._keys[day] = (audio_key, key_material(audio_key))
        return found


def _wrap(key_bytes: bytes, data_key: bytes, context: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key_bytes).encrypt(nonce, data_key, context)


def _unwrap(key_bytes: bytes, wrapped: bytes, context: bytes) -> bytes:
    """The data key, or AudioUnreadable("key_corrupt"): a wrapped key that this key and this
    recording's context do not open (another key, another recording's row, altered bytes)."""
    wrapped = bytes(wrapped)
    if len(wrapped) != WRAPPED_BYTES:
        raise AudioUnreadable("key_corrupt")
    try:
        return AESGCM(key_bytes).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], context)
    except InvalidTag:
        raise AudioUnreadable("key_corrupt") from None


def new_data_key(
    recording: Recording, audio_key: AudioKey, key_bytes: bytes | None = None
) -> bytes:
    """A random data key for `recording`, wrapped under `audio_key` (whose bytes the caller may
    pass, e.g. from DayKeys). Sets audio_key, wrapped_key and sealing="v1"; does not save."""
    if key_bytes is None:
        key_bytes = key_material(audio_key)
    data_key = os.urandom(DATA_KEY_BYTES)
    recording.audio_key = audio_key
    recording.wrapped_key = _wrap(key_bytes, data_key, recording_context(recording))
    recording.sealing = SEALING
    return data_key


def _unreadable(audio_key: AudioKey | None, error: KeyUnavailable) -> AudioUnreadable:
    reason = _UNREADABLE.get(getattr(error, "reason", ""), "key_corrupt")
    return AudioUnreadable(reason, destroyed_at=audio_key.destroyed_at if audio_key else None)


def data_key_of(recording: Recording, key_bytes: bytes | None = None) -> bytes:
    """The recording's data key, unwrapped; AudioUnreadable with the reason when it cannot be."""
    audio_key = recording.audio_key if recording.audio_key_id is not None else None
    if audio_key is not None and audio_key.destroyed_at is not None:
        raise AudioUnreadable("key_destroyed", destroyed_at=audio_key.destroyed_at)
    if audio_key is None or recording.wrapped_key is None:
        raise AudioUnreadable("key_missing")
    if key_bytes is None:
        try:
            key_bytes = key_material(audio_key)
        except KeyUnavailable as error:
            raise _unreadable(audio_key, error) from error
    return _unwrap(key_bytes, recording.wrapped_key, recording_context(recording))


def rewrap(recordings: Iterable[Recording], target: Callable[[Recording], AudioKey]) -> int:
    """Wrap each sealed recording's data key under `target(recording)` instead of its present
    key; returns how many moved. Plaintext rows (sealing "") and rows already under their
    target are skipped. A recording whose present key cannot open it is left as it is and
    logged (it is unreadable either way; a hold must not fail over it): its row keeps naming
    the old key, so that key is not destroyed while the call is live. The caller holds the
    transaction and the rows' locks."""
    material: dict[uuid.UUID, bytes | None] = {}
    keys: dict[uuid.UUID, AudioKey] = {}

    def bytes_of(audio_key: AudioKey) -> bytes | None:
        if audio_key.pk not in material:
            try:
                material[audio_key.pk] = key_material(audio_key)
            except KeyUnavailable as error:
                logger.warning("audio key %s unavailable: %s", audio_key.pk, error)
                material[audio_key.pk] = None
        return material[audio_key.pk]

    def key_by_id(key_id: uuid.UUID) -> AudioKey:
        if key_id not in keys:
            keys[key_id] = AudioKey.objects.get(pk=key_id)
        return keys[key_id]

    changed: list[Recording] = []
    for recording in recordings:
        if recording.sealing == "" or recording.wrapped_key is None:
            continue
        new_key = target(recording)
        keys.setdefault(new_key.pk, new_key)
        if new_key.pk == recording.audio_key_id:
            continue
        old_bytes = bytes_of(key_by_id(recording.audio_key_id))
        new_bytes = bytes_of(new_key)
        if new_bytes is None:
            raise KeyUnavailable("missing", f"the target key {new_key.pk} is not in the key store")
        context = recording_context(recording)
        try:
            if old_bytes is None:
                raise AudioUnreadable("key_missing")
            data_key = _unwrap(old_bytes, recording.wrapped_key, context)
        except AudioUnreadable as error:
            logger.warning("recording %s not re-wrapped: %s", recording.pk, error.reason)
            continue
        recording.audio_key = new_key
        recording.wrapped_key = _wrap(new_bytes, data_key, context)
        changed.append(recording)
    _write_wrapped(changed)
    return len(changed)


def _write_wrapped(changed: list[Recording]) -> None:
    """Save audio_key and wrapped_key of each: one UPDATE per row, sent as one executemany
    (psycopg pipelines it). Django's bulk_update builds a CASE expression per row and cost
    about 1.5 ms a call, most of a retention change's time (100,000 calls took minutes)."""
    if not changed:
        return
    meta = Recording._meta
    quote = connection.ops.quote_name
    pk, key, wrapped = meta.pk, meta.get_field("audio_key"), meta.get_field("wrapped_key")
    table, pk_column = quote(meta.db_table), quote(pk.column)
    assign = f"{quote(key.column)} = %s, {quote(wrapped.column)} = %s"
    sql = f"UPDATE {table} SET {assign} WHERE {pk_column} = %s"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (
                    key.get_db_prep_value(recording.audio_key_id, connection),
                    wrapped.get_db_prep_value(recording.wrapped_key, connection),
                    pk.get_db_prep_value(recording.pk, connection),
                )
                for recording in changed
            ],
        )


def key_is_unused(audio_key: AudioKey) -> bool:
    """No live (not PURGED) recording refers to the key; tombstones keep naming it."""
    return (
        not Recording.objects.filter(audio_key=audio_key)
        .exclude(status=RecordingStatus.PURGED)
        .exists()
    )


def destroy_key(audio_key: AudioKey, *, actor: object | None = None) -> bool:
    """Destroy the key's file and record it, when no live recording uses the key; False when
    one does. Safe to run again after a kill: a file already gone is fine, and the row is then
    marked. The row stays locked from the check to the commit, so a recording written under
    the key meanwhile (which takes a share lock on the row through its foreign key) either
    comes first and keeps the key, or waits; a call that waited names a destroyed key, which
    only a call whose deadline day has passed can do (ingest refuses those), and such a call is
    due for erasure anyway."""
    with transaction.atomic():
        # FOR UPDATE of the key row only, not the organisation's: it conflicts with the share
        # lock that a recording's insert takes on the key it names.
        locked = (
            AudioKey.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=audio_key.pk)
        )
        if locked.destroyed_at is None:
            if not key_is_unused(locked):
                return False
            store = key_store()
            name = key_name(locked)
            store.destroy(name)
            if store.exists(name):
                raise OSError(f"audio key {name} is still in the key store after destruction")
            locked.destroyed_at = timezone.now()
            locked.save(update_fields=["destroyed_at"])
            audit.record(
                actor=actor,
                action="recordings.audio_key.destroyed",
                organisation=locked.organisation,
                target=locked,
                # The day as the UTC midnight it starts at: the trail refuses a bare date
                # (eight digits read as a possible BSN or phone number).
                detail={"kind": locked.kind, "day": _day_start(locked.day)},
            )
    audio_key.destroyed_at = locked.destroyed_at
    return True
