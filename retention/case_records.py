"""Retention of requests, cases and disclosures: erased once they have ended and the period the
register declares for them ("case" lines) has passed, by the same purge run as the calls.

What "ended" means, per record:
- a request: decided, withdrawn or revoked (closed_at), or left unanswered past its time; and
  its grant over (expired or revoked) and its disclosure link over (expired or cancelled);
- a case: closed (closed_at), every request hanging on it ended, and no legal hold on it still
  pending, active or waiting for release.
A request on a case goes with its case, never before it. Without a "case" line in the register
nothing is erased: the register page says the period is missing.

Erasing deletes the rows (with their decisions, grants, released holds and links to calls) after
any disclosure copy still in storage is deleted and confirmed gone; a copy that will not go
keeps its whole case or request for the next run. One audit event per erased case or request
says what went, when it had ended and under which period, by id: not the motivation, the
description or the reference typed in (any of those may identify people).

Records of higher apps under the same period (data subject requests) are erased by erasers
those apps register in `case_record_erasers`; retention/ never imports them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

import audit
from access.constants import CaseStatus, RequestStatus
from access.disclosures import DisclosureError, delete_copy
from access.models import AccessRequest, Case, Disclosure
from organisations.models import Organisation
from register.constants import DataCategory
from register.selectors import retention_for_category
from retention.constants import HoldStatus
from retention.models import LegalHold

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Holds in these states keep their case (and so its requests) whatever its age.
HOLDS_THAT_KEEP = (HoldStatus.PENDING, HoldStatus.ACTIVE, HoldStatus.RELEASE_PENDING)


@dataclass
class CaseRecordsOutcome:
    cases: int = 0
    requests: int = 0
    disclosures: int = 0
    failed: int = 0
    # Records of higher apps erased through case_record_erasers, by the eraser's name.
    others: dict = field(default_factory=dict)


# Higher apps keep records under the same "case" period (subjects/: data subject requests).
# They register an eraser in AppConfig.ready(); the purge run calls each after the cases and
# requests with the organisation, the cutoff (what ended before it is due), the period in days
# and the run's id. An eraser erases (and audits) what is due and returns (erased, left).
# An eraser may come with a label (what the purge report calls its records) and a counter
# (organisation, cutoff) -> how many are due, for a dry run and the retention page.
CaseRecordEraser = Callable[..., tuple[int, int]]
CaseRecordCounter = Callable[[Organisation, datetime], int]
case_record_erasers: dict[str, CaseRecordEraser] = {}
case_record_labels: dict[str, Any] = {}
case_record_counters: dict[str, CaseRecordCounter] = {}


def case_record_eraser(
    name: str, *, label: Any = None, count: CaseRecordCounter | None = None
) -> Callable[[CaseRecordEraser], CaseRecordEraser]:
    def register(eraser: CaseRecordEraser) -> CaseRecordEraser:
        case_record_erasers[name] = eraser
        case_record_labels[name] = label or name
        if count is not None:
            case_record_counters[name] = count
        return eraser

    return register


def case_record_label(name: str) -> str:
    """What the purge report calls the records of a registered eraser."""
    return str(case_record_labels.get(name, name))


def case_records_period(organisation: Organisation) -> timedelta | None:
    """The period the register declares for requests, cases and disclosures, or None."""
    return retention_for_category(organisation=organisation, category=DataCategory.CASE)


def _ended_requests(cutoff: datetime) -> Q:
    """Requests that had ended by `cutoff`."""
    answered = ~Q(status=RequestStatus.PENDING) & Q(closed_at__lte=cutoff)
    unanswered = Q(status=RequestStatus.PENDING, expires_at__lte=cutoff)
    return answered | unanswered


def _still_running(cutoff: datetime) -> Q:
    """Requests whose grant or disclosure link still ran after `cutoff`."""
    grant_runs = Q(grant__revoked_at__isnull=True, grant__expires_at__gt=cutoff) | Q(
        grant__revoked_at__gt=cutoff
    )
    link_runs = Q(disclosure__cancelled_at__isnull=True, disclosure__expires_at__gt=cutoff) | Q(
        disclosure__cancelled_at__gt=cutoff
    )
    return grant_runs | link_runs


def ended_requests(organisation: Organisation, cutoff: datetime) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.filter(organisation=organisation)
        .filter(_ended_requests(cutoff))
        .exclude(_still_running(cutoff))
    )


def due_requests(organisation: Organisation, cutoff: datetime) -> QuerySet[AccessRequest]:
    """Requests without a case that ended before `cutoff`."""
    return ended_requests(organisation, cutoff).filter(case__isnull=True)


def due_cases(organisation: Organisation, cutoff: datetime) -> QuerySet[Case]:
    """Closed cases whose closing and whose every request ended before `cutoff`, not held."""
    ended = ended_requests(organisation, cutoff).values("pk")
    open_request = AccessRequest.objects.filter(case=OuterRef("pk")).exclude(pk__in=ended)
    keeping_hold = LegalHold.objects.filter(case=OuterRef("pk"), status__in=HOLDS_THAT_KEEP)
    return Case.objects.filter(
        organisation=organisation, status=CaseStatus.CLOSED, closed_at__lte=cutoff
    ).exclude(Exists(open_request) | Exists(keeping_hold))


def delete_copies(disclosures: list[Disclosure]) -> bool:
    """Delete the copies still in storage; False when one would not go."""
    for disclosure in disclosures:
        if disclosure.copy_deleted_at is not None:
            continue
        try:
            delete_copy(disclosure)
        except (DisclosureError, OSError) as error:
            logger.warning("disclosure copy %s not deleted: %s", disclosure.pk, error)
            return False
    return True


def _erase_requests(requests: list[AccessRequest]) -> int | None:
    """Delete requests with their disclosures (copies first). The number of disclosures erased,
    or None when a copy would not go (then nothing is deleted)."""
    disclosures = list(Disclosure.objects.filter(request__in=requests))
    if not delete_copies(disclosures):
        return None
    Disclosure.objects.filter(pk__in=[d.pk for d in disclosures]).delete()
    # Decisions and grants go by CASCADE, the links to calls with the rows.
    AccessRequest.objects.filter(pk__in=[r.pk for r in requests]).delete()
    return len(disclosures)


def _erase_case(case: Case, days: int, run_id, outcome: CaseRecordsOutcome) -> bool:
    requests = list(case.requests.all())
    disclosures = _erase_requests(requests)
    if disclosures is None:
        return False
    LegalHold.objects.filter(case=case).delete()  # only released or denied holds are left
    audit.record(
        actor=None,
        action="retention.case.erased",
        organisation=case.organisation,
        target=case,
        detail={
            "kind": case.kind,
            "closed_at": case.closed_at.isoformat(),
            "requests": [str(r.pk) for r in requests],
            "disclosures": disclosures,
            "retention_days": days,
            "run": run_id,
        },
    )
    case.delete()
    outcome.cases += 1
    outcome.requests += len(requests)
    outcome.disclosures += disclosures
    return True


def _erase_request(request: AccessRequest, days: int, run_id, outcome: CaseRecordsOutcome) -> bool:
    disclosures = _erase_requests([request])
    if disclosures is None:
        return False
    audit.record(
        actor=None,
        action="retention.request.erased",
        organisation=request.organisation,
        target=request,
        purpose=request.purpose.code,
        detail={
            "kind": request.kind,
            "status": request.status,
            "closed_at": request.closed_at.isoformat() if request.closed_at else None,
            "retention_days": days,
            "run": run_id,
            "disclosures": disclosures,
        },
    )
    outcome.requests += 1
    outcome.disclosures += disclosures
    return True


def erase_each(queryset: QuerySet, erase: Callable[[Any], bool]) -> int:
    """Erase every row of `queryset` in batches locked with SKIP LOCKED (two runs never take
    the same row), each row in a savepoint of its own. A row `erase` could not finish is left
    for the next run. Returns how many were left."""
    left: set = set()
    while True:
        with transaction.atomic():
            rows = list(
                queryset.exclude(pk__in=left)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("closed_at")[:BATCH_SIZE]
            )
            for row in rows:
                with transaction.atomic():
                    if not erase(row):
                        left.add(row.pk)
        if not rows:
            return len(left)


def erase_case_records(
    organisation: Organisation, *, horizon: datetime, run_id=None
) -> CaseRecordsOutcome | None:
    """Erase what ended more than the declared period before `horizon` (the purge's own
    horizon: nothing may outlive its period until the next run). None when the register
    declares no period. Cases first, so a request on a case goes with it."""
    period = case_records_period(organisation)
    if period is None:
        return None
    cutoff, days = horizon - period, period.days
    outcome = CaseRecordsOutcome()
    outcome.failed += erase_each(
        due_cases(organisation, cutoff).select_related("organisation"),
        lambda case: _erase_case(case, days, run_id, outcome),
    )
    outcome.failed += erase_each(
        due_requests(organisation, cutoff).select_related("organisation", "purpose"),
        lambda request: _erase_request(request, days, run_id, outcome),
    )
    for name, eraser in case_record_erasers.items():
        erased, left = eraser(organisation, cutoff=cutoff, days=days, run_id=run_id)
        outcome.others[name] = erased
        outcome.failed += left
    return outcome


def case_records_status(organisation: Organisation, *, at: datetime | None = None) -> dict:
    """The declared period in days and how many closed cases, requests without a case (and
    records of higher apps, under "others") are past it at `at` (now by default; the purge's
    horizon for a dry run). Counts are None when the register declares no period. Past it now
    means the purge run missed them."""
    period = case_records_period(organisation)
    if period is None:
        return {"days": None, "cases": None, "requests": None, "others": None}
    cutoff = (at or timezone.now()) - period
    return {
        "days": period.days,
        "cases": due_cases(organisation, cutoff).count(),
        "requests": due_requests(organisation, cutoff).count(),
        # Records of higher apps past the period, by eraser name (data subject requests).
        "others": {
            name: count(organisation, cutoff) for name, count in case_record_counters.items()
        },
    }
