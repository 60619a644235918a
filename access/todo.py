"""The approver's work on the dashboard: the requests waiting for their decision, each with its
purpose, requester, calls and the moment it lapses unanswered."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access.constants import RequestStatus
from access.models import AccessRequest
from organisations import roles
from organisations.models import Membership
from organisations.todo import ITEMS_SHOWN, Todo, WorkItem, person, todo_group
from recordings.labels import call_title


def calls_detail(recordings: list) -> str:
    """'Call of 3 Dec 14:05 · team Zuid', or the first call and how many more."""
    if not recordings:
        return ""
    first = call_title(recordings[0])
    more = len(recordings) - 1
    if not more:
        return first
    return ngettext("%(call)s and %(n)d more call", "%(call)s and %(n)d more calls", more) % {
        "call": first,
        "n": more,
    }


def requests_waiting_for(membership: Membership) -> list[AccessRequest]:
    """Pending requests this member may decide and has not decided yet, soonest lapse first."""
    from access.four_eyes import decision_refusal

    if not membership.user.has_perm(
        f"organisations.{roles.APPROVE_REQUESTS}", membership.organisation
    ):
        return []
    pending = (
        AccessRequest.objects.filter(
            organisation=membership.organisation_id,
            status=RequestStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .exclude(requester=membership.user_id)
        .exclude(decisions__approver=membership.user_id)
        .select_related("purpose", "requester", "organisation")
        .order_by("expires_at")
    )
    return [item for item in pending if not decision_refusal(membership, item)]


def _request_item(access_request: AccessRequest) -> WorkItem:
    slug = access_request.organisation.slug
    recordings = list(
        access_request.recordings.select_related("employee__team").order_by("started_at")
    )
    return WorkItem(
        title=_("%(purpose)s · asked by %(who)s")
        % {"purpose": access_request.purpose.label, "who": person(access_request.requester)},
        url=reverse("requests:detail", kwargs={"org_slug": slug, "request_id": access_request.pk}),
        deadline=access_request.expires_at,
        detail=calls_detail(recordings),
    )


def requests_waiting(membership: Membership) -> list[Todo]:
    """Dashboard: the requests waiting for this member's decision."""
    waiting = requests_waiting_for(membership)
    if not waiting:
        return []
    url = reverse("requests:list", kwargs={"org_slug": membership.organisation.slug})
    return [
        todo_group(
            _("Requests waiting for your decision"),
            url,
            waiting[:ITEMS_SHOWN],
            _request_item,
            count=len(waiting),
        )
    ]
