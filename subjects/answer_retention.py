"""A data subject request is a case record: the nightly run erases it (with its identifiers,
answers and the copy it disclosed) once it has ended and the register's "case" period passed.
Registered in retention's case_record_erasers by SubjectsConfig.ready()."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

import audit
from access.models import Disclosure
from organisations.models import Organisation
from retention.case_records import delete_copies, erase_each
from subjects.answer_models import SubjectAnswer
from subjects.constants import SubjectRequestStatus
from subjects.models import SubjectRequest


def due_subject_requests(organisation: Organisation, cutoff: datetime) -> QuerySet[SubjectRequest]:
    """Requests answered or withdrawn before `cutoff`, and public-form requests never
    confirmed that were sent before it; none whose disclosure link still ran after it."""
    ended = Q(
        status__in=[SubjectRequestStatus.ANSWERED, SubjectRequestStatus.WITHDRAWN],
        closed_at__lte=cutoff,
    ) | Q(status=SubjectRequestStatus.UNCONFIRMED, created_at__lte=cutoff)
    running = SubjectAnswer.objects.filter(
        Q(disclosure__cancelled_at__isnull=True, disclosure__expires_at__gt=cutoff)
        | Q(disclosure__cancelled_at__gt=cutoff)
    ).values("subject_request")
    return (
        SubjectRequest.objects.filter(organisation=organisation)
        .filter(ended)
        .exclude(pk__in=running)
    )


def _erase(subject_request: SubjectRequest, days: int, run_id) -> bool:
    disclosure_ids = list(
        SubjectAnswer.objects.filter(
            subject_request=subject_request, disclosure__isnull=False
        ).values_list("disclosure", flat=True)
    )
    disclosures = list(Disclosure.objects.filter(pk__in=disclosure_ids))
    if not delete_copies(disclosures):
        return False  # a copy that will not go keeps the request for the next run
    Disclosure.objects.filter(pk__in=disclosure_ids).delete()
    audit.record(
        actor=None,
        action="subjects.request.erased",
        organisation=subject_request.organisation,
        target=subject_request,
        detail={
            "right": subject_request.right,
            "status": subject_request.status,
            "decision": subject_request.decision,
            "closed_at": (
                subject_request.closed_at.isoformat() if subject_request.closed_at else None
            ),
            "retention_days": days,
            "run": run_id,
            "disclosures": len(disclosures),
        },
    )
    # Identifiers, answers and warnings go by CASCADE.
    subject_request.delete()
    return True


def erase_subject_requests(
    organisation: Organisation, *, cutoff: datetime, days: int, run_id=None
) -> tuple[int, int]:
    """Erase the due requests; returns (erased, left for the next run)."""
    erased = 0

    def erase(subject_request: SubjectRequest) -> bool:
        nonlocal erased
        if _erase(subject_request, days, run_id):
            erased += 1
            return True
        return False

    queryset = due_subject_requests(organisation, cutoff).select_related("organisation")
    left = erase_each(queryset, erase)
    return erased, left
