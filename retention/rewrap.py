"""Keeping each sealed call's data key under the key that matches why the call still exists
(issue 19, recordings/audio_keys.py).

- A call no hold suspends is under the day key of its deadline, which dies with that day.
- A held call is under the key of one hold that suspends it, which lives as long as that hold:
  destroying the day key of its old deadline leaves it readable.
- Releasing a hold moves its calls to another hold that still suspends them, or back to the
  day key of their deadline; calls whose deadline has passed are erased at once by the purge's
  own engine, and the hold's key is destroyed once nothing uses it.
- A confirmed change of existing calls' retention moves them to the day key of the new deadline.

- Each purge run puts back what a failed key store or a race left off (reconcile_keys).

Plaintext calls (sealing "") are left alone by audio_keys.rewrap: the sealing migration puts
them under the right key. Every function here but reconcile_keys runs inside the caller's
transaction with the calls' rows locked."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, QuerySet
from django.db.models.fields import DateTimeField
from django.utils import timezone

import audit
from organisations.models import Organisation
from recordings import audio_keys
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.keystore import KeyUnavailable
from recordings.models import AudioKey, Recording
from retention.constants import HoldStatus, RunTrigger
from retention.models import LegalHold

logger = logging.getLogger(__name__)

SUSPENDING = (HoldStatus.ACTIVE, HoldStatus.RELEASE_PENDING)
#: Calls re-wrapped per statement batch when a retention change moves existing calls.
CHUNK = 1000
# What audio_keys.rewrap needs of a call (its context, its wrapped key) and what picks its
# target key (the deadline).
_FIELDS = ("id", "organisation", "audio_key", "wrapped_key", "sealing", "purge_deadline")


def _hold_keys(organisation: Organisation) -> Callable[[Any], AudioKey]:
    """A hold's key by hold id, read or created once per batch."""
    known: dict[str, AudioKey] = {}

    def key_for(hold_id: Any) -> AudioKey:
        ref = str(hold_id)
        if ref not in known:
            known[ref] = audio_keys.hold_key(organisation, ref)
        return known[ref]

    return key_for


def _day_key_for(organisation: Organisation) -> Callable[[Recording], AudioKey]:
    day_keys = audio_keys.DayKeys(organisation)
    return lambda recording: day_keys.for_deadline(recording.purge_deadline)[0]


def _sealed(queryset: QuerySet[Recording], *fields: str) -> QuerySet[Recording]:
    """The sealed calls of `queryset` with what a re-wrap needs. A sealed call always has a
    key; the plaintext ones wait for the sealing migration."""
    return queryset.exclude(sealing="").only(*_FIELDS, *fields).order_by("pk")


def live_hold_key(organisation: Organisation, hold_id: Any) -> AudioKey | None:
    return AudioKey.objects.filter(
        organisation=organisation,
        kind=AudioKeyKind.HOLD,
        hold_ref=str(hold_id),
        destroyed_at__isnull=True,
    ).first()


def suspending_hold_of(recordings: Any, *, excluding: Any = None) -> dict[UUID, UUID]:
    """{recording id: id of the hold whose key it belongs under}: of the holds that suspend
    its erasure (but `excluding`), the one approved first. `recordings`: ids or a query of
    ids. Calls no hold suspends are left out."""
    pairs = LegalHold.recordings.through.objects.filter(
        recording__in=recordings, legalhold__status__in=SUSPENDING
    )
    if excluding is not None:
        pairs = pairs.exclude(legalhold_id=excluding)
    first: dict[UUID, UUID] = {}
    for recording_id, hold_id in pairs.order_by(
        "legalhold__approved_at", "legalhold_id"
    ).values_list("recording_id", "legalhold_id"):
        first.setdefault(recording_id, hold_id)
    return first


def rewrap_on_hold(hold: LegalHold) -> int:
    """The hold is now active (its calls HELD, their rows locked by the caller): its calls go
    under this hold's key, except those already under the key of another hold that suspends
    them, which stay there (one hold key per call, whichever came first). A call left under
    the key of a released hold (its erasure failed) moves too."""
    recordings = Recording.objects.filter(pk__in=hold.recordings.values("pk"))
    others = (
        LegalHold.objects.filter(status__in=SUSPENDING, recordings__in=recordings)
        .exclude(pk=hold.pk)
        .values_list("pk", flat=True)
        .distinct()
    )
    moving = _sealed(recordings).exclude(
        audio_key__kind=AudioKeyKind.HOLD, audio_key__hold_ref__in=[str(pk) for pk in others]
    )
    key_for = _hold_keys(hold.organisation)
    return audio_keys.rewrap(moving, lambda recording: key_for(hold.pk))


def released_due(hold: LegalHold, *, horizon) -> list[UUID]:
    """The released hold's calls no hold suspends any more whose deadline falls before
    `horizon` (what the purge would erase now): erased at once after the commit."""
    return list(
        Recording.objects.filter(
            pk__in=hold.recordings.values("pk"),
            status=RecordingStatus.ACTIVE,
            purge_deadline__lte=horizon,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def rewrap_on_release(hold: LegalHold, *, horizon) -> int:
    """The hold is released (its status saved, its calls no other hold suspends set ACTIVE):
    its calls under its key go under the key of another hold that still suspends them (the one
    approved first), or under the day key of their deadline. Those due before `horizon`
    (released_due) stay where they are until they are erased."""
    own_key = live_hold_key(hold.organisation, hold.pk)
    if own_key is None:  # nothing sealed was ever put under this hold
        return 0
    under_own = Recording.objects.filter(
        pk__in=hold.recordings.values("pk"), audio_key=own_key
    ).exclude(status=RecordingStatus.ACTIVE, purge_deadline__lte=horizon)
    other = suspending_hold_of(
        under_own.filter(status=RecordingStatus.HELD).values("pk"), excluding=hold.pk
    )
    hold_key_for = _hold_keys(hold.organisation)
    day_key_for = _day_key_for(hold.organisation)

    def target(recording: Recording) -> AudioKey:
        if recording.pk in other:
            return hold_key_for(other[recording.pk])
        return day_key_for(recording)

    # The caller locked the hold's calls (holds._lock_calls). In deadline order, so that two
    # releases creating the same missing day keys create them in the same order.
    return audio_keys.rewrap(_sealed(under_own).order_by("purge_deadline", "pk"), target)


#: What a key store that cannot be read or written raises (a missing or damaged key file, a
#: volume that fails).
KEY_STORE_ERRORS = (OSError, KeyUnavailable)


def rewrap_or_log(what: str, hold: LegalHold, step: Callable[[], Any]) -> Any:
    """Run a re-wrap step of a hold in a savepoint; when the key store fails, log it and go on
    without it (None). A hold must take effect, and its release too: a call left under its
    day key keeps that key alive (a key is destroyed only when no live call uses it) and a
    call left under a released hold's key keeps that one, so nothing becomes unreadable; the
    key lives longer than it should (the register's key evidence shows it) until the next
    purge run's reconcile_keys moves the calls where they belong."""
    try:
        with transaction.atomic():
            return step()
    except KEY_STORE_ERRORS:
        logger.exception("hold %s: calls not re-wrapped on %s; the key store failed", hold.pk, what)
        return None


def erase_released(organisation_id: int, hold_id: Any, due: Iterable[UUID]) -> None:
    """After a release committed: erase its calls that were past their deadline (each still
    ACTIVE and due: a hold placed meanwhile keeps it), as the purge does, then destroy the
    hold's key if nothing uses it any more. A call whose object would not go stays for the
    purge, and the key for the purge's key sweep. More than a batch is left to a purge queued
    now (the person who released waits for one batch at most); it destroys the key too."""
    from retention.purge import due_recordings, erase_all
    from retention.schedule import purge_horizon

    organisation = Organisation.objects.get(pk=organisation_id)
    due = list(due)
    if len(due) > settings.PURGE_BATCH_SIZE:
        from retention.tasks import purge_organisation_task

        purge_organisation_task.delay(organisation.slug, RunTrigger.REQUESTED)
        return
    if due:
        queryset = due_recordings(organisation, purge_horizon(timezone.now())).filter(pk__in=due)
        outcome = erase_all(organisation, queryset, run=None, reason="retention")
        if outcome.failed:
            logger.warning(
                "release of hold %s: %d calls past their deadline not erased; the purge retries",
                hold_id,
                outcome.failed,
            )
    key = live_hold_key(organisation, hold_id)
    if key is not None:
        audio_keys.destroy_key(key)


def erase_released_on_commit(hold: LegalHold, due: list[UUID]) -> None:
    organisation_id, hold_id = hold.organisation_id, hold.pk
    transaction.on_commit(lambda: erase_released(organisation_id, hold_id, due), robust=True)


def deadlines_apply(
    organisation: Organisation, queryset: QuerySet[Recording], retention_days: int
) -> tuple[int, int]:
    """Give every call of `queryset` the deadline `retention_days` after its start and put
    each sealed one no hold suspends under the day key of its new deadline, in the caller's
    transaction: all rows locked first, then CHUNK at a time (one UPDATE of deadlines, one
    read, the re-wrap; each day's key read once). Returns (calls updated, re-wrapped)."""
    ids = list(queryset.select_for_update().order_by("pk").values_list("pk", flat=True))
    target = _day_key_for(organisation)
    rewrapped = 0
    for start in range(0, len(ids), CHUNK):
        chunk = Recording.objects.filter(pk__in=ids[start : start + CHUNK])
        chunk.update(
            retention_days=retention_days,
            purge_deadline=ExpressionWrapper(
                F("started_at") + timedelta(days=retention_days), output_field=DateTimeField()
            ),
        )
        # A held call stays under its hold's key; its new deadline counts from the release.
        rewrapped += audio_keys.rewrap(
            _sealed(chunk).filter(audio_key__kind=AudioKeyKind.DAY), target
        )
    return len(ids), rewrapped


# --- Reconciliation (each purge run) -------------------------------------------------------


@dataclass
class Reconciled:
    """What reconcile_keys put right: calls set HELD (a hold suspends them), calls set ACTIVE
    (every hold naming them is released), calls re-wrapped, and calls whose re-wrap the key
    store refused (tried again next run)."""

    held: int = 0
    released: int = 0
    rewrapped: int = 0
    failed: int = 0

    def __int__(self) -> int:
        return self.held + self.released + self.rewrapped

    def detail(self) -> dict[str, int]:
        return asdict(self)


def _pairs() -> QuerySet:
    return LegalHold.recordings.through.objects.all()


def _astray_ids(organisation: Organisation, horizon, skip: set[UUID], limit: int) -> list[UUID]:
    """Up to `limit` ids of live calls whose status or key does not match the holds naming
    them. Four indexed queries, each empty when nothing is off:
    - ACTIVE calls a suspending hold names (from the holds' side: the few held pairs);
    - HELD calls every hold of which is released, none suspending (a race's leftover);
    - HELD sealed calls a hold suspends under a day key or a key of no suspending hold;
    - ACTIVE sealed calls not due before `horizon` under a live hold key (its index on
      audio_key, through the organisation's few hold keys)."""
    suspending_ids = list(
        LegalHold.objects.filter(organisation=organisation, status__in=SUSPENDING).values_list(
            "pk", flat=True
        )
    )
    suspended = Exists(
        _pairs().filter(recording_id=OuterRef("pk"), legalhold_id__in=suspending_ids)
    )
    released = Exists(
        _pairs().filter(recording_id=OuterRef("pk"), legalhold__status=HoldStatus.RELEASED)
    )
    live = Recording.objects.filter(organisation=organisation).exclude(pk__in=skip)
    queries = [
        _pairs()
        .filter(legalhold_id__in=suspending_ids, recording__status=RecordingStatus.ACTIVE)
        .exclude(recording_id__in=skip)
        .values_list("recording_id", flat=True)
        .distinct(),
        live.filter(status=RecordingStatus.HELD)
        .filter(released)
        .exclude(suspended)
        .values_list("pk", flat=True),
        live.filter(status=RecordingStatus.HELD, audio_key__isnull=False)
        .exclude(sealing="")
        .filter(suspended)
        .exclude(
            audio_key__kind=AudioKeyKind.HOLD,
            audio_key__hold_ref__in=[str(pk) for pk in suspending_ids],
        )
        .values_list("pk", flat=True),
        live.filter(
            status=RecordingStatus.ACTIVE,
            purge_deadline__gt=horizon,
            audio_key__in=AudioKey.objects.filter(
                organisation=organisation, kind=AudioKeyKind.HOLD, destroyed_at__isnull=True
            ).values("pk"),
        ).values_list("pk", flat=True),
    ]
    found: dict[UUID, None] = {}
    for query in queries:
        if not suspending_ids and query is queries[0]:
            continue
        found.update(dict.fromkeys(query[: limit - len(found)]))
        if len(found) >= limit:
            break
    return list(found)


def _reconcile_batch(organisation: Organisation, ids: list[UUID], horizon, done: Reconciled):
    """Lock the calls (by id, as a hold decision does; no hold row), then decide from fresh
    statements: whatever hold decision raced the detection has committed or waits for us."""
    with transaction.atomic():
        ids = list(
            Recording.objects.select_for_update(no_key=True)
            .filter(
                pk__in=ids,
                organisation=organisation,
                status__in=(RecordingStatus.ACTIVE, RecordingStatus.HELD),
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        holds_of: dict[UUID, set[str]] = defaultdict(set)
        for recording_id, hold_id in (
            _pairs()
            .filter(recording_id__in=ids, legalhold__status__in=SUSPENDING)
            .values_list("recording_id", "legalhold_id")
        ):
            holds_of[recording_id].add(str(hold_id))
        released = set(
            _pairs()
            .filter(recording_id__in=ids, legalhold__status=HoldStatus.RELEASED)
            .values_list("recording_id", flat=True)
        )
        # Keeping is the safe side: a call a hold suspends is held whatever else is off; a call
        # is let go only when holds named it and all of them are released.
        done.held += Recording.objects.filter(
            pk__in=[pk for pk in ids if pk in holds_of], status=RecordingStatus.ACTIVE
        ).update(status=RecordingStatus.HELD)
        done.released += Recording.objects.filter(
            pk__in=[pk for pk in ids if pk not in holds_of and pk in released],
            status=RecordingStatus.HELD,
        ).update(status=RecordingStatus.ACTIVE)
        owner = suspending_hold_of(ids)
        calls = list(_sealed(Recording.objects.filter(pk__in=ids), "status"))
        keys = {
            key.pk: key
            for key in AudioKey.objects.filter(pk__in={call.audio_key_id for call in calls})
        }

        def astray(call: Recording) -> bool:
            key = keys.get(call.audio_key_id)
            if key is None:
                return False
            if call.status == RecordingStatus.HELD:
                return call.pk in owner and not (
                    key.kind == AudioKeyKind.HOLD and key.hold_ref in holds_of[call.pk]
                )
            return key.kind == AudioKeyKind.HOLD and call.purge_deadline > horizon

        moving = sorted(filter(astray, calls), key=lambda call: (call.purge_deadline, call.pk))
        hold_key_for = _hold_keys(organisation)
        day_key_for = _day_key_for(organisation)

        def target(call: Recording) -> AudioKey:
            if call.status == RecordingStatus.HELD:
                return hold_key_for(owner[call.pk])
            return day_key_for(call)

        try:
            with transaction.atomic():
                done.rewrapped += audio_keys.rewrap(moving, target)
        except KEY_STORE_ERRORS:
            logger.exception(
                "purge %s: %d calls not re-wrapped; the key store failed",
                organisation.slug,
                len(moving),
            )
            done.failed += len(moving)


def reconcile_keys(organisation: Organisation, *, horizon=None) -> Reconciled:
    """Put each live call's status and key back where the holds naming it say, in batches of
    CHUNK. What leaves them off: a key store that failed during a hold's approval or release
    (rewrap_or_log lets the hold take effect; a held call stays under its day key, which then
    lives as long as the hold, and keeps that day's backups readable) and, before the hold
    decisions locked their calls, a release racing another decision. Run by every purge
    before it erases (a call a hold suspends is never erased as ACTIVE) and before it destroys
    keys (a day key a held call was left under can go).

    - ACTIVE calls a suspending hold names -> HELD; HELD calls whose holds are all released ->
      ACTIVE (HELD calls no hold names at all are left alone: nothing says why they are held);
    - HELD sealed calls under a day key, or under the key of a hold that does not suspend them
      -> the key of suspending_hold_of (the hold approved first);
    - ACTIVE sealed calls under a hold key -> the day key of their deadline (those due before
      `horizon` stay for the purge to erase; their hold key goes after them).

    Costs four indexed queries when nothing is off. Something put right is logged and audited
    (retention.keys.reconciled); a key store that fails is logged and tried again next run."""
    from retention.schedule import purge_horizon

    horizon = horizon or purge_horizon(timezone.now())
    done = Reconciled()
    tried: set[UUID] = set()
    while ids := _astray_ids(organisation, horizon, tried, CHUNK):
        tried.update(ids)
        _reconcile_batch(organisation, ids, horizon, done)
    if int(done) or done.failed:
        logger.warning(
            "purge %s: calls put back under the right hold and key: %s",
            organisation.slug,
            done.detail(),
        )
        audit.record(
            actor=None,
            action="retention.keys.reconciled",
            organisation=organisation,
            detail=done.detail(),
        )
    return done
