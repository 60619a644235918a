"""Warn the privacy officers before a request's deadline passes: WARNING_DAYS before it
(7 and 1), once each per deadline (an extended deadline is warned about again). What was sent
is stored (SubjectDeadlineWarning), so a second run, or two at once, sends nothing twice."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from subjects import notify
from subjects.constants import WARNING_DAYS, SubjectRequestStatus
from subjects.models import SubjectDeadlineWarning, SubjectRequest


def _claim(subject_request: SubjectRequest, days_before: int) -> bool:
    try:
        with transaction.atomic():
            SubjectDeadlineWarning.objects.create(
                request=subject_request,
                deadline=subject_request.effective_deadline,
                days_before=days_before,
            )
    except IntegrityError:
        return False
    return True


def deadline_warnings_send() -> int:
    """Returns how many warning e-mails went out (one per request and threshold reached)."""
    now = timezone.now()
    horizon = now.date() + timedelta(days=max(WARNING_DAYS) + 1)
    candidates = (
        SubjectRequest.objects.filter(status=SubjectRequestStatus.OPEN)
        .annotate(due=Coalesce("extended_deadline", "deadline"))
        .filter(due__lte=horizon, due__gte=now.date() - timedelta(days=1))
        .select_related("organisation")
    )
    sent = 0
    for subject_request in candidates:
        today = now.astimezone(ZoneInfo(subject_request.organisation.timezone)).date()
        days_left = (subject_request.effective_deadline - today).days
        if days_left < 0:
            continue  # overdue: the dashboard and the list show it in red
        reached = [days for days in sorted(WARNING_DAYS) if days_left <= days]
        # Claim every threshold reached; one e-mail says how many days are left.
        claimed = [days for days in reached if _claim(subject_request, days)]
        if claimed:
            notify.deadline_warning(subject_request, days_left)
            SubjectDeadlineWarning.objects.filter(
                request=subject_request,
                deadline=subject_request.effective_deadline,
                days_before__in=claimed,
            ).update(recipients=notify.privacy_officers(subject_request.organisation).count())
            sent += 1
    return sent
