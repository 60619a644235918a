"""Keeping each sealed call's data key under the key that matches why the call still exists
(issue 19, recordings/audio_keys.py).

- A call no hold suspends is under the day key of its deadline, which dies with that day.
- A held call is under the key of one hold that suspends it, which lives as long as that hold:
  destroying the day key of its old deadline leaves it readable.
- Releasing a hold moves its calls to another hold that still suspends them, or back to the
  day key of their deadline; calls whose deadline has passed are erased at once by the purge's
  own engine, and the hold's key is destroyed once nothing uses it.
- A confirmed change of existing calls' retention moves them to the day key of the new deadline.

Plaintext calls (sealing "") are left alone by audio_keys.rewrap: the sealing migration puts
them under the right key. Every function here runs inside the caller's transaction with the
calls' rows locked."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import ExpressionWrapper, F, QuerySet
from django.db.models.fields import DateTimeField
from django.utils import timezone

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

    return audio_keys.rewrap(_sealed(under_own).select_for_update(), target)


#: What a key store that cannot be read or written raises (a missing or damaged key file, a
#: volume that fails).
KEY_STORE_ERRORS = (OSError, KeyUnavailable)


def rewrap_or_log(what: str, hold: LegalHold, step: Callable[[], Any]) -> Any:
    """Run a re-wrap step of a hold in a savepoint; when the key store fails, log it and go on
    without it (None). A hold must take effect, and its release too: a call left under its
    day key keeps that key alive (a key is destroyed only when no live call uses it) and a
    call left under a released hold's key keeps that one, so nothing becomes unreadable; the
    key just lives longer than it should, which the register's key evidence shows."""
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
