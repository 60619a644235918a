"""Reads of data subject requests, always within the member's organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from organisations.models import Membership, Organisation
from subjects.constants import SubjectRequestStatus
from subjects.deadlines import DeadlineState, deadline_state
from subjects.models import PublicRequestForm, SubjectRequest

# Open first, then the others; within each, the soonest deadline first.
_STATUS_ORDER = {SubjectRequestStatus.OPEN: 0}


def subject_requests_for(organisation: Organisation) -> QuerySet[SubjectRequest]:
    """The organisation's requests, without those the requester has not yet confirmed."""
    return (
        SubjectRequest.objects.filter(organisation=organisation)
        .exclude(status=SubjectRequestStatus.UNCONFIRMED)
        .annotate(due=Coalesce("extended_deadline", "deadline"))
    )


def subject_request_get(*, membership: Membership, subject_request_id: Any) -> SubjectRequest:
    """The request of the member's organisation, or 404 (also for a forged or foreign id)."""
    try:
        pk = uuid.UUID(str(subject_request_id))
    except ValueError:
        raise Http404("No such request.") from None
    subject_request = (
        subject_requests_for(membership.organisation)
        .prefetch_related("identifiers")
        .filter(pk=pk)
        .first()
    )
    if subject_request is None:
        raise Http404("No such request.")
    return subject_request


@dataclass(frozen=True)
class RequestCounts:
    open: int
    due_soon: int
    overdue: int
    closed: int
    unconfirmed: int


def subject_request_list(
    organisation: Organisation, today, query: str = ""
) -> tuple[list, RequestCounts]:
    """Open requests first (soonest deadline first), then the closed ones (latest first); with
    a query, only those whose reference, requester's name or e-mail address contains it, and
    the counts of those."""
    requests = subject_requests_for(organisation).select_related("created_by")
    query = query.strip()[:200]
    if query:
        requests = requests.filter(
            Q(reference__icontains=query)
            | Q(requester_name__icontains=query)
            | Q(requester_email__icontains=query)
        )
    open_requests = list(
        requests.filter(status=SubjectRequestStatus.OPEN).order_by("due", "created_at")
    )
    closed = list(
        requests.exclude(status=SubjectRequestStatus.OPEN).order_by("-closed_at", "-created_at")[
            :200
        ]
    )
    for item in open_requests:
        item.deadline_state = deadline_state(item.due, today)
    for item in closed:
        item.deadline_state = None
    states = [item.deadline_state for item in open_requests]
    counts = RequestCounts(
        open=len(open_requests),
        due_soon=sum(s in (DeadlineState.DUE_SOON, DeadlineState.DUE_TODAY) for s in states),
        overdue=sum(s == DeadlineState.OVERDUE for s in states),
        closed=requests.exclude(status=SubjectRequestStatus.OPEN).count(),
        unconfirmed=SubjectRequest.objects.filter(
            organisation=organisation, status=SubjectRequestStatus.UNCONFIRMED
        ).count(),
    )
    return open_requests + closed, counts


def public_form_enabled(organisation: Organisation) -> bool:
    return PublicRequestForm.objects.filter(organisation=organisation, enabled=True).exists()
