"""Sealing the audio stored before issue 19: plaintext calls (sealing "") become sealed ones.

Per call, without ever leaving it readable neither way:
1. note the new object's key as a leftover (kind "sealed"), committed;
2. seal the plaintext object into a NEW object (recordings.storage.new_storage_key), under a
   new data key wrapped under the day key of the call's deadline (a held call: its hold's key),
   checking the plaintext against the row's SHA-256 on the way;
3. read the sealed copy back and check it decrypts to that SHA-256;
4. in one transaction: lock the row, check it is still live and unchanged (status, object,
   deadline, still plaintext, a held call still under the same hold), lock the key's row and
   check it is not destroyed, remove the leftover of step 1 (gone: a cleanup took it, so stop),
   switch the row to the sealed object and note the old object as a leftover (kind "plaintext");
5. delete the old object once it has been a leftover for AUDIO_SEAL_GRACE_SECONDS (a play that
   read the row just before the switch still finds it), confirm it gone, drop the leftover.

Until 4 commits the row names the plaintext object, which is untouched; from then on it names
a sealed object already verified. A run killed anywhere leaves at most leftovers: the next
run deletes each object a leftover names unless a live call names it. When a call changed
meanwhile (erased, held, released, given another deadline) its sealed copy is deleted and the
call is left for the next run. One run at a time (recordings/seal_lock.py).

Held calls: their key is the key of the hold that suspends their erasure, which only retention
knows; retention registers a provider (`hold_ref_provider`). Without one, held calls are left
in plaintext (counted, never put under a day key: a held call under a day key would keep that
key, and every backup of that day's other calls readable, past the day).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

import audit
from organisations.models import Organisation
from recordings import audio_keys, sealed, sealed_storage
from recordings.constants import RecordingStatus
from recordings.keystore import key_store
from recordings.models import LIVE, AudioKey, Recording
from recordings.seal_lock import seal_lock
from recordings.sealing_models import LeftoverKind, PlaintextLeftover, SealingFailure
from recordings.storage import audio_storage, delete_confirmed, new_storage_key

logger = logging.getLogger(__name__)

BATCH = 100
EXAMPLES = 5
_FIELDS = (
    "id",
    "organisation_id",
    "status",
    "storage_key",
    "sealing",
    "sha256",
    "size_bytes",
    "container",
    "purge_deadline",
)

# (organisation, ids of held calls) -> {id: hold_ref} for the held calls whose data key goes
# under a hold's key: the hold that suspends each one's erasure (retention knows which).
HoldRefs = Callable[[Organisation, list[UUID]], dict[UUID, str]]
_hold_refs: list[HoldRefs] = []


def hold_ref_provider(provider: HoldRefs) -> None:
    """Called by retention in its AppConfig.ready(): how held calls find their hold's key."""
    _hold_refs[:] = [provider]


class Progress(Protocol):
    def start(self, *, total: int, done: int) -> None: ...
    def advance(self) -> None: ...
    def finish(self) -> None: ...


@dataclass
class SealingOutcome:
    dry_run: bool = False
    locked: bool = False  # another run held the lock: this one did nothing
    to_seal: int = 0  # calls this run set out to seal (dry run: would seal)
    sealed: int = 0
    bytes_sealed: int = 0
    failed: int = 0
    changed: int = 0  # the call changed meanwhile: its sealed copy deleted, left for next run
    held_waiting: int = 0  # held calls left in plaintext: no hold key known
    due: int = 0  # past their deadline, left in plaintext to the purge that erases them
    leftovers_deleted: int = 0
    leftovers_left: int = 0
    remaining: int = 0  # plaintext calls and plaintext leftovers after the run
    stopped: str = ""  # "limit" or "time" when the run stopped before the end
    failures: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def fail(self, reason: str, recording_id: object) -> None:
        self.failed += 1
        self.failures[reason] += 1
        if len(self.examples[reason]) < EXAMPLES:
            self.examples[reason].append(str(recording_id))


class _Budget:
    def __init__(self, limit: int | None, seconds: float | None):
        self.left = limit
        self.stop_at = time.monotonic() + seconds if seconds else None

    def spend(self) -> None:
        if self.left is not None:
            self.left -= 1

    def bounded(self) -> bool:
        """A run with a limit or a time budget (the beat task), not seal_audio's whole run."""
        return self.left is not None or self.stop_at is not None

    def exhausted(self) -> str:
        if self.left is not None and self.left <= 0:
            return "limit"
        if self.stop_at is not None and time.monotonic() >= self.stop_at:
            return "time"
        return ""


def grace_seconds() -> float:
    return float(getattr(settings, "AUDIO_SEAL_GRACE_SECONDS", 90))


# What is left --------------------------------------------------------------------------------


def _plaintext_calls(organisation: Organisation) -> QuerySet[Recording]:
    return Recording.objects.filter(
        organisation=organisation,
        sealing="",
        status__in=(RecordingStatus.ACTIVE, RecordingStatus.HELD),
    )


def plaintext_remaining(organisation: Organisation) -> int:
    """Calls of the organisation still stored in plaintext, and old plaintext objects of sealed
    calls not yet deleted: what the register's evidence shows until it is 0."""
    leftovers = PlaintextLeftover.objects.filter(
        organisation=organisation, kind=LeftoverKind.PLAINTEXT
    ).count()
    return _plaintext_calls(organisation).count() + leftovers


def _candidates(
    organisation: Organisation, *, now, with_held: bool, skip_failed: bool = False
) -> QuerySet[Recording]:
    """Calls to seal now: live, plaintext, not past their deadline (the purge erases those);
    held ones only when their hold's key can be found. With `skip_failed` (a bounded run) not
    the calls that failed before and are not due for another try (SealingFailure)."""
    wanted = Q(status=RecordingStatus.ACTIVE, purge_deadline__gt=now)
    if with_held:
        wanted |= Q(status=RecordingStatus.HELD)
    calls = _plaintext_calls(organisation).filter(wanted)
    if skip_failed:
        waiting = SealingFailure.objects.filter(organisation=organisation, retry_after__gt=now)
        calls = calls.exclude(pk__in=waiting.values("recording_id"))
    return calls


# A call that failed is left out of bounded runs for an hour, doubled at each further failure,
# at most a day (FAILURE_RETRY_MAX).
FAILURE_RETRY_FIRST = timedelta(hours=1)
FAILURE_RETRY_MAX = timedelta(days=1)


def _remember_failure(recording: Recording, reason: str) -> None:
    """Note that the call failed, so bounded runs leave it alone for a while."""
    now = timezone.now()
    failure = SealingFailure.objects.filter(recording_id=recording.pk).first()
    attempts = failure.attempts + 1 if failure is not None else 1
    pause = min(FAILURE_RETRY_FIRST * 2 ** min(attempts - 1, 16), FAILURE_RETRY_MAX)
    SealingFailure.objects.update_or_create(
        recording_id=recording.pk,
        defaults={
            "organisation_id": recording.organisation_id,
            "reason": reason[:32],
            "attempts": attempts,
            "failed_at": now,
            "retry_after": now + pause,
        },
    )


# Leftovers ------------------------------------------------------------------------------------


def _finish_leftover(pk: int) -> bool:
    """Delete the object a leftover names (unless a live call names it) and then the leftover;
    under the leftover's row lock, so a switch that wants it waits or finds it gone."""
    with transaction.atomic():
        leftover = PlaintextLeftover.objects.select_for_update(skip_locked=True).filter(pk=pk)
        leftover = leftover.first()
        if leftover is None:
            return False
        named = Recording.objects.filter(LIVE, storage_key=leftover.storage_key).exists()
        if not named:
            error = delete_confirmed(leftover.storage_key)
            if error is not None:
                logger.warning("sealing: %s not deleted, retried later: %s", leftover, error)
                return False
        leftover.delete()
    return True


def finish_leftovers(
    organisation: Organisation | None,
    *,
    wait: bool = False,
    on_wait: Callable[[float], None] | None = None,
) -> tuple[int, int]:
    """Delete the objects of leftovers older than the grace period; with `wait`, of all of
    them, waiting for the youngest to come of age (`on_wait(seconds)` is told first).
    Returns (deleted, still left)."""
    deleted = 0
    grace = grace_seconds()
    leftovers = PlaintextLeftover.objects.all()
    if organisation is not None:
        leftovers = leftovers.filter(organisation=organisation)
    told = False
    while True:
        cutoff = timezone.now() - timedelta(seconds=grace)
        aged = leftovers.filter(recorded_at__lte=cutoff).order_by("pk")
        for pk in list(aged.values_list("pk", flat=True)):
            deleted += _finish_leftover(pk)
        youngest = leftovers.order_by("-recorded_at").values_list("recorded_at", flat=True)
        youngest = youngest.first()
        if not wait or youngest is None or youngest <= cutoff:
            break
        pause = (youngest + timedelta(seconds=grace) - timezone.now()).total_seconds()
        if on_wait is not None and not told:
            on_wait(max(pause, 0.0))
            told = True
        time.sleep(min(max(pause, 0.05), grace))
    return deleted, leftovers.count()


# One call -------------------------------------------------------------------------------------


class _Keys:
    """The run's keys of one organisation: the day keys by deadline day, hold keys by hold."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        self.days = audio_keys.DayKeys(organisation)
        self.holds: dict[str, tuple[AudioKey, bytes]] = {}

    def for_call(self, recording: Recording, hold_ref: str | None) -> tuple[AudioKey, bytes]:
        if hold_ref is None:
            return self.days.for_deadline(recording.purge_deadline)
        if hold_ref not in self.holds:
            key = audio_keys.hold_key(self.organisation, hold_ref)
            self.holds[hold_ref] = (key, audio_keys.key_material(key))
        return self.holds[hold_ref]


class _Unverified(Exception):
    pass


def _verify(copy: Recording, data_key: bytes, sha256: str, size: int) -> None:
    """The sealed copy, read back from the storage, decrypts to the call's audio."""
    digest, length = hashlib.sha256(), 0
    with audio_storage().open(copy.storage_key, "rb") as handle:
        context = sealed_storage.recording_context(copy)
        for piece in sealed.iter_plain(handle, data_key, context):
            digest.update(piece)
            length += len(piece)
    if digest.hexdigest() != sha256 or length != size:
        raise _Unverified("the sealed copy does not decrypt to the call's audio")


def _switch(
    organisation: Organisation,
    recording: Recording,
    copy: Recording,
    audio_key: AudioKey,
    hold_ref: str | None,
) -> bool:
    """Step 4: the row names the verified sealed copy; its plaintext object becomes a leftover.
    False (nothing changed) when the call or its key changed meanwhile."""
    with transaction.atomic():
        now = (
            Recording.objects.select_for_update(of=("self",))
            .filter(pk=recording.pk)
            .values_list("status", "storage_key", "sealing", "purge_deadline")
            .first()
        )
        seen = (recording.status, recording.storage_key, "", recording.purge_deadline)
        if now != seen:
            return False
        # The key's row locked against destroy_key (audio_keys.lock_for_writing): either it is
        # destroyed already and we stop, or it waits and then sees this call using the key.
        if audio_keys.lock_for_writing([audio_key.pk]):
            return False
        if not key_store().exists(audio_keys.key_name(audio_key)):
            return False
        # A held call: still under the hold we sealed it for (_held_refs is {} for others).
        if _held_refs(organisation, [recording]).get(recording.pk) != hold_ref:
            return False
        pending = PlaintextLeftover.objects.filter(
            storage_key=copy.storage_key, kind=LeftoverKind.SEALED
        ).delete()[0]
        if pending != 1:  # a cleanup deleted the copy: the row must not name it
            return False
        Recording.objects.filter(pk=recording.pk).update(
            storage_key=copy.storage_key,
            audio_key=audio_key,
            wrapped_key=copy.wrapped_key,
            sealing=copy.sealing,
        )
        PlaintextLeftover.objects.create(
            organisation_id=recording.organisation_id,
            storage_key=recording.storage_key,
            kind=LeftoverKind.PLAINTEXT,
        )
    return True


def _discard(new_key: str) -> None:
    """The sealed copy is not used: delete it and its leftover (a failure leaves both for the
    next run)."""
    pk = (
        PlaintextLeftover.objects.filter(storage_key=new_key, kind=LeftoverKind.SEALED)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is not None:
        _finish_leftover(pk)


def _reason(error: Exception) -> str:
    from recordings.keystore import KeyUnavailable
    from recordings.services import IngestRejected

    if isinstance(error, FileNotFoundError) or sealed_storage._is_missing(error):
        return "missing_object"
    if isinstance(error, IngestRejected):
        return "sha256_differs"  # the plaintext object is not the audio the row describes
    if isinstance(error, KeyUnavailable):
        return f"key_{error.reason}"
    if isinstance(error, sealed_storage.AudioUnreadable):
        return error.reason
    if isinstance(error, (_Unverified, sealed.SealedAudioError)):
        return "verify_failed"
    return "storage_error"


def _row_changed(recording: Recording) -> bool:
    now = (
        Recording.objects.filter(pk=recording.pk)
        .values_list("status", "storage_key", "sealing")
        .first()
    )
    return now != (recording.status, recording.storage_key, "")


def seal_one(
    recording: Recording, keys: _Keys, hold_ref: str | None, outcome: SealingOutcome
) -> None:
    """Steps 1 to 4 for one call (see the module's docstring)."""
    organisation = keys.organisation
    copy = Recording(
        id=recording.id,
        organisation_id=recording.organisation_id,
        storage_key=new_storage_key(organisation_id=organisation.pk, container=recording.container),
    )
    PlaintextLeftover.objects.create(
        organisation=organisation, storage_key=copy.storage_key, kind=LeftoverKind.SEALED
    )
    try:
        audio_key, key_bytes = keys.for_call(recording, hold_ref)
        data_key = audio_keys.new_data_key(copy, audio_key, key_bytes)
        with audio_storage().open(recording.storage_key, "rb") as source:
            stored = sealed_storage.store_sealed(
                copy,
                source,
                data_key=data_key,
                expected_sha256=recording.sha256,
                expected_size=recording.size_bytes,
            )
        if stored != copy.storage_key:  # the storage chose another name: never expected
            PlaintextLeftover.objects.create(
                organisation=organisation, storage_key=stored, kind=LeftoverKind.SEALED
            )
            raise OSError(f"the storage stored the sealed copy as {stored!r}")
        _verify(copy, data_key, recording.sha256, recording.size_bytes)
    except DatabaseError:
        raise
    except Exception as error:
        _discard(copy.storage_key)
        if _row_changed(recording):  # erased (or otherwise changed) while it was being read
            outcome.changed += 1
        else:
            logger.warning("sealing recording %s failed: %s", recording.pk, error)
            outcome.fail(_reason(error), recording.pk)
            _remember_failure(recording, _reason(error))
        return
    if _switch(organisation, recording, copy, audio_key, hold_ref):
        SealingFailure.objects.filter(recording_id=recording.pk).delete()
        outcome.sealed += 1
        outcome.bytes_sealed += recording.size_bytes
    else:
        _discard(copy.storage_key)
        outcome.changed += 1


# A run ----------------------------------------------------------------------------------------


def _held_refs(organisation: Organisation, batch: list[Recording]) -> dict[UUID, str]:
    held = [r.pk for r in batch if r.status == RecordingStatus.HELD]
    if not held or not _hold_refs:
        return {}
    return _hold_refs[0](organisation, held)


def _count(organisation: Organisation, outcome: SealingOutcome, now) -> int:
    """How many calls to seal; counts those past their deadline into the outcome."""
    plaintext = _plaintext_calls(organisation)
    outcome.due += plaintext.filter(status=RecordingStatus.ACTIVE, purge_deadline__lte=now).count()
    return _candidates(organisation, now=now, with_held=bool(_hold_refs)).count()


def _held_without_key(organisations: list[Organisation]) -> int:
    if _hold_refs:
        return 0  # counted call by call as the run meets them
    return sum(
        _plaintext_calls(org).filter(status=RecordingStatus.HELD).count() for org in organisations
    )


def _seal_organisation(
    organisation: Organisation,
    to_seal: int,
    outcome: SealingOutcome,
    budget: _Budget,
    progress: Progress | None,
) -> None:
    before = (outcome.sealed, outcome.failed, outcome.changed, outcome.bytes_sealed)
    leftovers = PlaintextLeftover.objects.filter(organisation=organisation).count()
    if not to_seal and not leftovers:
        return
    audit.record(
        actor=None,
        action="recordings.sealing.started",
        organisation=organisation,
        detail={"plaintext": to_seal, "leftovers": leftovers},
    )
    deleted, _left = finish_leftovers(organisation)
    outcome.leftovers_deleted += deleted
    keys = _Keys(organisation)
    held_waiting_before = outcome.held_waiting
    last = None
    while to_seal and not budget.exhausted():
        now = timezone.now()
        batch_query = _candidates(
            organisation, now=now, with_held=bool(_hold_refs), skip_failed=budget.bounded()
        )
        if last is not None:
            batch_query = batch_query.filter(pk__gt=last)
        batch = list(batch_query.only(*_FIELDS).order_by("pk")[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        refs = _held_refs(organisation, batch)
        for recording in batch:
            if budget.exhausted():
                break
            hold_ref = None
            if recording.status == RecordingStatus.HELD:
                hold_ref = refs.get(recording.pk)
                if hold_ref is None:  # held, but retention names no hold: left in plaintext
                    outcome.held_waiting += 1
                    continue
            budget.spend()
            seal_one(recording, keys, hold_ref, outcome)
            if progress is not None:
                progress.advance()
        deleted, _left = finish_leftovers(organisation)
        outcome.leftovers_deleted += deleted
    outcome.stopped = outcome.stopped or budget.exhausted()
    sealed_now, failed_now, changed_now, bytes_now = (
        outcome.sealed - before[0],
        outcome.failed - before[1],
        outcome.changed - before[2],
        outcome.bytes_sealed - before[3],
    )
    audit.record(
        actor=None,
        action="recordings.sealing.finished",
        organisation=organisation,
        detail={
            "sealed": sealed_now,
            "bytes_sealed": bytes_now,
            "failed": failed_now,
            "changed": changed_now,
            "held_waiting": outcome.held_waiting - held_waiting_before,
            "remaining": plaintext_remaining(organisation),
            "stopped": outcome.stopped,
        },
    )


def seal_existing(
    *,
    organisation: Organisation | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    time_budget: float | None = None,
    wait_for_leftovers: bool = True,
    on_wait: Callable[[float], None] | None = None,
) -> SealingOutcome:
    """Seal the plaintext calls of one organisation (or all), at most `limit` calls and for
    about `time_budget` seconds. Resumable: run it again after an interruption or a kill.
    With `wait_for_leftovers` the run ends only when the old plaintext objects of the calls it
    sealed are deleted too (up to AUDIO_SEAL_GRACE_SECONDS more); without, the next run deletes
    them. A dry run counts and changes nothing."""
    outcome = SealingOutcome(dry_run=dry_run)
    organisations = (
        [organisation] if organisation is not None else list(Organisation.objects.order_by("slug"))
    )
    now = timezone.now()
    if dry_run:
        for org in organisations:
            outcome.to_seal += _count(org, outcome, now)
            outcome.leftovers_left += PlaintextLeftover.objects.filter(organisation=org).count()
            outcome.remaining += plaintext_remaining(org)
        outcome.held_waiting = _held_without_key(organisations)
        return outcome
    with seal_lock() as held:
        if not held:
            outcome.locked = True
            return outcome
        # A key store that is not there (its volume not mounted) stops the run before anything
        # is sealed or deleted: KeyUnavailable, an error of the system.
        audio_keys.writable_store()
        budget = _Budget(limit, time_budget)
        counts = {org.pk: _count(org, outcome, now) for org in organisations}
        outcome.to_seal = sum(counts.values())
        if limit is not None:
            outcome.to_seal = min(outcome.to_seal, limit)
        if progress is not None:
            progress.start(total=outcome.to_seal, done=0)
        for org in organisations:
            if budget.exhausted():
                outcome.stopped = budget.exhausted()
                break
            _seal_organisation(org, counts[org.pk], outcome, budget, progress)
        if progress is not None:
            progress.finish()
        outcome.held_waiting += _held_without_key(organisations)
        deleted, left = finish_leftovers(organisation, wait=wait_for_leftovers, on_wait=on_wait)
        outcome.leftovers_deleted += deleted
        outcome.leftovers_left = left
    outcome.remaining = sum(plaintext_remaining(org) for org in organisations)
    return outcome
