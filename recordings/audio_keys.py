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
from recordings.keystore import KeyStore, KeyUnavailable, key_store
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


# A live key that no call uses, whose file read fails so, is replaced (the audit reason).
_REPLACEABLE = {"missing": "file_missing", "corrupt": "file_corrupt"}


def writable_store() -> KeyStore:
    """The key store, to create keys in. A store not yet initialised (no marker file) is
    initialised only when the database has no AudioKey row at all: a fresh installation. With
    rows it is the key volume that is missing (not mounted): KeyUnavailable("missing"), an error
    of the system, so that no key is made on the wrong file system and no key is replaced."""
    store = key_store()
    initialised = getattr(store, "initialised", None)
    if initialised is not None and not initialised():
        if AudioKey.objects.exists():
            store._require()  # raises KeyUnavailable with the sentence
        store.initialise()
    return store


def _get_or_create(organisation: Organisation, kind: str, **fields: object) -> AudioKey:
    """The live key of `fields`, or a new one (see _get_or_create_with_bytes)."""
    return _get_or_create_with_bytes(organisation, kind, **fields)[0]


def _get_or_create_with_bytes(
    organisation: Organisation, kind: str, **fields: object
) -> tuple[AudioKey, bytes | None]:
    """The live key of `fields`, or a new one, with the bytes read of an existing one (None for
    a new key, and for a live key that calls use whose file cannot be read: key_material reads
    it, or says why). The key file is written before its row, so a row never names a file
    that was not there; when another process inserted the row first (the unique constraint on
    live keys), our unused file is destroyed and theirs is used.
    On PostgreSQL the losing insert waits for the winner's transaction and then fails.

    Only that IntegrityError destroys the new file: any other error (a lost connection, even a
    lost reply to a COMMIT that did happen) leaves it, since its row may be committed; a file
    without a row is left to `manage.py sweep_keys`. A live key whose file is missing or
    damaged and that no live call uses (its file was lost, or fails its checksum) is replaced:
    its row is marked destroyed (reason file_missing or file_corrupt), with an audit event, and
    a new key is made, so the day (or hold) is not blocked by a dead key.
    A key store whose marker is missing (its volume not mounted) is never a missing file: it
    is KeyUnavailable("missing") from writable_store, and nothing is replaced."""
    store = writable_store()
    for _attempt in range(3):
        existing = _live(organisation, kind=kind, **fields)
        if existing is not None:
            try:
                return existing, store.read(key_name(existing))
            except KeyUnavailable as error:
                if error.reason not in _REPLACEABLE:
                    raise
                if not destroy_key(existing, reason=_REPLACEABLE[error.reason]):
                    return existing, None  # in use: its calls report why until it is restored
            continue
        audio_key = AudioKey(id=uuid.uuid4(), organisation=organisation, kind=kind, **fields)
        name = key_name(audio_key)
        store.create(name)
        try:
            with transaction.atomic():  # a savepoint keeps the caller's transaction usable
                audio_key.save(force_insert=True)
        except IntegrityError:
            store.destroy(name)
            continue
        return audio_key, None
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
            audio_key, key_bytes = _get_or_create_with_bytes(
                self.organisation, AudioKeyKind.DAY, day=day
            )
            if key_bytes is None:
                key_bytes = key_material(audio_key)  # a new key; or KeyUnavailable, the reason
            found = self._keys[day] = (audio_key, key_bytes)
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
    _same_organisation(recording, audio_key)
    if key_bytes is None:
        key_bytes = key_material(audio_key)
    data_key = os.urandom(DATA_KEY_BYTES)
    recording.audio_key = audio_key
    recording.wrapped_key = _wrap(key_bytes, data_key, recording_context(recording))
    recording.sealing = SEALING
    return data_key


def _same_organisation(recording: Recording, audio_key: AudioKey) -> None:
    """Tenancy in the code, not only in the callers: a key wraps only its own organisation's
    recordings. ValueError (a programming error) otherwise."""
    if audio_key.organisation_id != recording.organisation_id:
        raise ValueError(
            f"audio key {audio_key.pk} of organisation {audio_key.organisation_id} cannot wrap "
            f"recording {recording.pk} of organisation {recording.organisation_id}"
        )


def _unreadable(audio_key: AudioKey | None, error: KeyUnavailable) -> AudioUnreadable:
    reason = _UNREADABLE.get(getattr(error, "reason", ""), "key_corrupt")
    return AudioUnreadable(reason, destroyed_at=audio_key.destroyed_at if audio_key else None)


def data_key_of(recording: Recording, key_bytes: bytes | None = None) -> bytes:
    """The recording's data key, unwrapped; AudioUnreadable with the reason when it cannot be.
    A missing key of a call whose retention has ended (a restored backup of the database, whose
    key row is still live) is "retention_ended", not "key_missing": restoring the key store is
    not the advice for a call that should be gone."""
    try:
        return _data_key_of(recording, key_bytes)
    except AudioUnreadable as error:
        if (
            error.reason == "key_missing"
            and recording.status != RecordingStatus.HELD
            and recording.purge_deadline is not None
            and recording.purge_deadline <= timezone.now()
        ):
            raise AudioUnreadable(
                "retention_ended", destroyed_at=recording.purge_deadline
            ) from error
        raise


def _data_key_of(recording: Recording, key_bytes: bytes | None = None) -> bytes:
    audio_key = recording.audio_key if recording.audio_key_id is not None else None
    if audio_key is not None and audio_key.destroyed_at is not None:
        raise AudioUnreadable("key_destroyed", destroyed_at=audio_key.destroyed_at)
    if audio_key is None or recording.wrapped_key is None:
        raise AudioUnreadable("key_missing")
    if audio_key.organisation_id != recording.organisation_id:
        # Another organisation's key never opens a recording, even one whose row names it.
        raise AudioUnreadable("key_corrupt")
    if key_bytes is None:
        try:
            key_bytes = key_material(audio_key)
        except KeyUnavailable as error:
            raise _unreadable(audio_key, error) from error
    return _unwrap(key_bytes, recording.wrapped_key, recording_context(recording))


def wrap_data_key(
    audio_key: AudioKey, data_key: bytes, context: bytes, key_bytes: bytes | None = None
) -> bytes:
    """`data_key` wrapped under `audio_key`, bound to `context`: for sealed objects other than
    recordings (a disclosure's copy, access/disclosure_copy.py). KeyUnavailable when the key
    cannot be read. The caller checks that the key is its organisation's."""
    if key_bytes is None:
        key_bytes = key_material(audio_key)
    return _wrap(key_bytes, data_key, context)


def unwrap_data_key(
    audio_key: AudioKey | None, wrapped: bytes | None, context: bytes, *, organisation_id: object
) -> bytes:
    """The data key wrap_data_key wrapped; AudioUnreadable with the reason when it cannot be
    had (key destroyed, missing or damaged; another organisation's key; altered bytes)."""
    if audio_key is not None and audio_key.destroyed_at is not None:
        raise AudioUnreadable("key_destroyed", destroyed_at=audio_key.destroyed_at)
    if audio_key is None or wrapped is None:
        raise AudioUnreadable("key_missing")
    if audio_key.organisation_id != organisation_id:
        raise AudioUnreadable("key_corrupt")
    try:
        key_bytes = key_material(audio_key)
    except KeyUnavailable as error:
        raise _unreadable(audio_key, error) from error
    return _unwrap(key_bytes, wrapped, context)


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

    changed: list[tuple[Recording, bytes]] = []
    for recording in recordings:
        if recording.sealing == "" or recording.wrapped_key is None:
            continue
        new_key = target(recording)
        _same_organisation(recording, new_key)
        keys.setdefault(new_key.pk, new_key)
        if new_key.pk == recording.audio_key_id:
            continue
        old_key = key_by_id(recording.audio_key_id)
        if old_key.organisation_id != recording.organisation_id:
            logger.warning("recording %s not re-wrapped: its key is another's", recording.pk)
            continue
        old_bytes = bytes_of(old_key)
        context = recording_context(recording)
        try:
            if old_bytes is None:
                raise AudioUnreadable("key_missing")
            data_key = _unwrap(old_bytes, recording.wrapped_key, context)
        except AudioUnreadable as error:
            logger.warning("recording %s not re-wrapped: %s", recording.pk, error.reason)
            continue
        recording.audio_key = new_key
        changed.append((recording, data_key))
    _wrap_under_live_keys(changed, bytes_of)
    _write_wrapped([recording for recording, _data_key in changed])
    return len(changed)


def _wrap_under_live_keys(
    changed: list[tuple[Recording, bytes]], bytes_of: Callable[[AudioKey], bytes | None]
) -> None:
    """Wrap each data key under its recording's target key, after locking the target keys just
    before the UPDATE that names them (lock_for_writing). A target destroyed meanwhile (a purge
    took it as unused; its file is gone) is replaced by a new live key of the same day or hold.
    KeyUnavailable when a live target's file cannot be read."""
    for _attempt in range(3):
        destroyed = lock_for_writing({recording.audio_key_id for recording, _ in changed})
        fresh: dict[uuid.UUID, AudioKey] = {}
        for recording, _data_key in changed:
            old = recording.audio_key
            if old.pk in destroyed and old.pk not in fresh:
                if old.kind == AudioKeyKind.HOLD:
                    fields: dict[str, object] = {"hold_ref": old.hold_ref}
                else:
                    fields = {"day": old.day}
                fresh[old.pk] = _get_or_create(old.organisation, old.kind, **fields)
                logger.warning(
                    "audio key %s was destroyed meanwhile; using %s", old.pk, fresh[old.pk].pk
                )
            if old.pk in fresh:
                recording.audio_key = fresh[old.pk]
        if not destroyed:
            break
    else:
        raise RuntimeError("the target keys of a re-wrap kept being destroyed")
    for recording, data_key in changed:
        key_bytes = bytes_of(recording.audio_key)
        if key_bytes is None:
            message = f"the target key {recording.audio_key_id} is not in the key store"
            raise KeyUnavailable("missing", message)
        recording.wrapped_key = _wrap(key_bytes, data_key, recording_context(recording))


def lock_for_writing(audio_key_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Lock the rows of the keys a writer is about to name (an INSERT or UPDATE of recordings
    with these audio_key ids), in the writer's transaction, and return the ids of those that
    are destroyed: the writer must then take a new key (or fail, to be retried).

    Why: Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so the share
    lock a writer takes on the key row through its foreign key comes only at COMMIT, and
    destroy_key (which holds the row FOR UPDATE while it checks that no live call uses the
    key) would neither wait for nor see a writer that has not committed. With FOR KEY SHARE
    taken here, before the write: a writer that comes first makes destroy_key wait until it
    commits and then see the key in use; a destruction that comes first makes the writer wait
    and then read destroyed_at (READ COMMITTED re-reads a row it waited for). Rows are locked
    in id order (no deadlock between two writers). On SQLite writers are serialised by the
    database lock: a plain read suffices."""
    ids = sorted(set(audio_key_ids), key=str)
    if not ids:
        return set()
    if connection.vendor != "postgresql":
        return set(
            AudioKey.objects.filter(pk__in=ids, destroyed_at__isnull=False).values_list(
                "pk", flat=True
            )
        )
    table = connection.ops.quote_name(AudioKey._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT id, destroyed_at FROM {table} WHERE id IN ({placeholders}) "  # noqa: S608
        "ORDER BY id FOR KEY SHARE"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    found = {row[0]: row[1] for row in rows}
    # A row that is not there at all cannot be written under either.
    return {key_id for key_id in ids if found.get(key_id, True) is not None}


def check_writable(audio_key_ids: Iterable[uuid.UUID]) -> None:
    """lock_for_writing for a writer that cannot take another key itself (ingest: the call's
    data key is wrapped already): KeyUnavailable("destroyed") when one of the keys was
    destroyed meanwhile, an error of the system, so the call is tried again (and then gets a
    live key). Call it in the transaction that inserts the rows, just before the insert."""
    destroyed = lock_for_writing(audio_key_ids)
    if destroyed:
        raise KeyUnavailable(
            "destroyed", f"audio key {sorted(map(str, destroyed))[0]} was destroyed meanwhile"
        )


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


# What else keeps a key in use besides recordings: rows of higher apps whose sealed objects
# are wrapped under it (access/: a disclosure's copy while its link is open). Each is a
# callable(audio_key) -> bool, registered from the app's ready() with key_user().
_KEY_USERS: list[Callable[[AudioKey], bool]] = []


def key_user(in_use: Callable[[AudioKey], bool]) -> None:
    """Register a check that a key still wraps something of a higher app (key_is_unused)."""
    if in_use not in _KEY_USERS:
        _KEY_USERS.append(in_use)


def key_is_unused(audio_key: AudioKey) -> bool:
    """No live (not PURGED) recording refers to the key, nor anything a key_user() reports;
    tombstones keep naming it."""
    return not (
        Recording.objects.filter(audio_key=audio_key)
        .exclude(status=RecordingStatus.PURGED)
        .exists()
    ) and not any(in_use(audio_key) for in_use in _KEY_USERS)


def destroy_key(audio_key: AudioKey, *, actor: object | None = None, reason: str = "") -> bool:
    """Destroy the key's file and record it, when no live recording uses the key; False when
    one does. Safe to run again after a kill: a file already gone is fine, and the row is then
    marked. The row stays locked (FOR UPDATE) from the check to the commit. A writer about to
    name the key locks its row FOR KEY SHARE first (lock_for_writing; the foreign key's own
    share lock comes only at its COMMIT, the constraint being deferred): a writer that came
    first makes this wait and then see the key in use; one that comes later waits and then
    sees the key destroyed and takes another. `reason` goes into the audit event's detail
    (e.g. "file_missing" when a key whose file was lost is replaced)."""
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
                detail={"kind": locked.kind, "day": _day_start(locked.day)}
                | ({"reason": reason} if reason else {}),
            )
    audio_key.destroyed_at = locked.destroyed_at
    return True
