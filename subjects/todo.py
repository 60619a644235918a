"""The privacy officer's dashboard: open data subject requests, those due within a week and
those overdue."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from organisations import roles
from organisations.todo import Todo
from subjects.constants import WARNING_DAYS, SubjectRequestStatus


def subject_requests_waiting(membership) -> list[Todo]:
    organisation = membership.organisation
    if not membership.user.has_perm(f"organisations.{roles.HANDLE_SUBJECT_REQUESTS}", organisation):
        return []
    from subjects.selectors import subject_requests_for
    from subjects.services import organisation_today

    today = organisation_today(organisation)
    open_requests = subject_requests_for(organisation).filter(status=SubjectRequestStatus.OPEN)
    url = reverse("subjects:list", kwargs={"org_slug": organisation.slug})
    return [
        Todo(_("Overdue data subject requests"), open_requests.filter(due__lt=today).count(), url),
        Todo(
            _("Data subject requests due within a week"),
            open_requests.filter(
                due__gte=today, due__lte=today + timedelta(days=max(WARNING_DAYS))
            ).count(),
            url,
        ),
        Todo(_("Open data subject requests"), open_requests.count(), url),
    ]
