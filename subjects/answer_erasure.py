"""Erasure (art. 17, and a granted objection under art. 21): the approved calls that no hold
keeps are erased early by the retention engine (retention.purge.erase_early: the purge's
confirmed deletion, tombstone and an audit event `retention.recording.erased_early` naming the
request); a held call stays and the answer names its hold (since when, for which case)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone

from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording
from retention.case_records import case_records_period
from retention.constants import HoldStatus
from retention.models import LegalHold
from retention.purge import erase_early
from subjects.answer_models import SubjectAnswer
from subjects.answer_outcome import today_iso

HOLDS_IN_FORCE = (HoldStatus.ACTIVE, HoldStatus.RELEASE_PENDING)


def hold_of(recording: Recording) -> LegalHold | None:
    """The hold in force on a call (the earliest approved), or None."""
    return (
        LegalHold.objects.filter(recordings=recording, status__in=HOLDS_IN_FORCE)
        .select_related("case")
        .order_by("approved_at", "created_at")
        .first()
    )


def _day(recording: Recording, zone: ZoneInfo) -> str:
    return timezone.localtime(recording.started_at, zone).date().isoformat()


def answer_erase(answer: SubjectAnswer, membership: Membership) -> None:
    """Erase the answer's calls that are still active and record in `answer.outcome` what is
    erased, held, or not yet erased, read from the calls as they are afterwards (not from what
    this attempt meant to do). Run outside any transaction: the retention engine commits per
    batch. Safe to repeat: a call already erased (by an earlier attempt or by the purge) counts
    as erased, and only calls still active are erased."""
    zone = ZoneInfo(answer.organisation.timezone)
    calls = Recording.objects.filter(pk__in=answer.recordings.values("pk"))
    active = list(calls.filter(status=RecordingStatus.ACTIVE))
    if active:
        erase_early(
            membership=membership,
            recordings=active,
            reason=f"data subject request {answer.subject_request_id}",
        )
    held, erased, failed = [], [], []
    for call in calls.order_by("started_at", "pk"):
        if call.status == RecordingStatus.HELD:
            hold = hold_of(call)
            since = (hold.approved_at or hold.created_at) if hold else None
            held.append(
                {
                    "id": str(call.pk),
                    "day": _day(call, zone),
                    "since": timezone.localtime(since, zone).date().isoformat() if since else "",
                    "case": hold.case.reference if hold and hold.case_id else "",
                }
            )
        elif call.status == RecordingStatus.PURGED:
            erased.append({"id": str(call.pk), "day": _day(call, zone)})
        else:  # still active: its audio could not be deleted (or another run holds it)
            failed.append({"id": str(call.pk), "day": _day(call, zone)})
    answer.outcome = {
        **answer.outcome,
        "done_on": today_iso(answer),
        "erased": erased,
        "held": held,
        "failed": failed,
        "case_records_days": _case_days(answer),
    }


def _case_days(answer: SubjectAnswer) -> int | None:
    period = case_records_period(answer.organisation)
    return period.days if period else None
