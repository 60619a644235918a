"""The privacy officer's dashboard: open data subject requests, each with its legal deadline
(the extended one where it was extended), the soonest first; past ones show as overdue."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from organisations import roles
from organisations.todo import Todo, WorkItem, todo_group
from subjects.constants import SubjectRequestStatus


def subject_requests_waiting(membership) -> list[Todo]:
    organisation = membership.organisation
    if not membership.user.has_perm(f"organisations.{roles.HANDLE_SUBJECT_REQUESTS}", organisation):
        return []
    from subjects.selectors import subject_requests_for

    open_requests = subject_requests_for(organisation).filter(status=SubjectRequestStatus.OPEN)

    def item(subject_request) -> WorkItem:
        return WorkItem(
            title=_("%(right)s · %(reference)s")
            % {"right": subject_request.get_right_display(), "reference": subject_request},
            url=reverse(
                "subjects:detail",
                kwargs={"org_slug": organisation.slug, "subject_request_id": subject_request.pk},
            ),
            deadline=subject_request.due,
            detail=subject_request.requester_name,
        )

    return [
        todo_group(
            _("Data subject requests to answer"),
            reverse("subjects:list", kwargs={"org_slug": organisation.slug}),
            open_requests.order_by("due", "received_on"),
            item,
        )
    ]
