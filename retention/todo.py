"""Retention's work on the dashboard: legal holds and releases to approve, destruction lists to
approve, and (for the privacy officer) calls past their deadline that still exist."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations import roles
from organisations.constants import Role
from organisations.models import Membership
from organisations.todo import Todo, WorkItem, person, todo_group
from recordings.labels import call_title
from retention.constants import DestructionStatus, HoldStatus
from retention.models import DestructionList, LegalHold
from retention.purge import overdue_recordings


def _calls(n: int) -> str:
    return ngettext("%(n)d call", "%(n)d calls", n) % {"n": n}


def holds_waiting(membership: Membership) -> list[Todo]:
    """Legal holds and releases another person asked for, for an approver. A hold waiting for
    approval is due before the first of its calls would be erased; a release by its review
    date."""
    if not membership.user.has_perm(
        f"organisations.{roles.APPROVE_LEGAL_HOLD}", membership.organisation
    ):
        return []
    slug = membership.organisation.slug
    holds = (
        LegalHold.objects.filter(organisation=membership.organisation_id)
        .select_related("case", "placed_by", "release_requested_by")
        .annotate(calls=Count("recordings"), first_deadline=Min("recordings__purge_deadline"))
    )
    waiting = list(
        holds.filter(status=HoldStatus.PENDING).exclude(placed_by=membership.user_id)
    ) + list(
        holds.filter(status=HoldStatus.RELEASE_PENDING).exclude(
            release_requested_by=membership.user_id
        )
    )
    if not waiting:
        return []

    def item(hold: LegalHold) -> WorkItem:
        releasing = hold.status == HoldStatus.RELEASE_PENDING
        if releasing:
            title = _("Release of a legal hold, asked by %(who)s") % {
                "who": person(hold.release_requested_by)
            }
        else:
            title = _("Legal hold, asked by %(who)s") % {"who": person(hold.placed_by)}
        detail = _calls(hold.calls)
        if hold.case is not None:
            detail = _("%(calls)s · case %(case)s") % {"calls": detail, "case": hold.case.reference}
        return WorkItem(
            title=title,
            url=reverse("retention:hold", kwargs={"org_slug": slug, "hold_id": hold.pk}),
            deadline=hold.review_on if releasing else hold.first_deadline,
            detail=detail,
        )

    url = reverse("retention:overview", kwargs={"org_slug": slug})
    return [todo_group(_("Legal holds waiting for your approval"), url, waiting, item)]


def destruction_waiting(membership: Membership) -> list[Todo]:
    """Destruction lists another person proposed, for someone who may approve them."""
    if not membership.user.has_perm(
        f"organisations.{roles.CHANGE_RETENTION}", membership.organisation
    ):
        return []
    slug = membership.organisation.slug
    waiting = (
        DestructionList.objects.filter(
            organisation=membership.organisation_id, status=DestructionStatus.PROPOSED
        )
        .exclude(proposed_by=membership.user_id)
        .select_related("proposed_by")
        .order_by("proposed_at")
    )

    def item(proposed: DestructionList) -> WorkItem:
        n = len(proposed.items)
        return WorkItem(
            title=_("Destruction list %(number)d") % {"number": proposed.number},
            url=reverse("retention:destruction", kwargs={"org_slug": slug, "list_id": proposed.pk}),
            detail=ngettext(
                "%(n)d record · proposed by %(who)s", "%(n)d records · proposed by %(who)s", n
            )
            % {"n": n, "who": person(proposed.proposed_by)},
        )

    url = reverse("retention:overview", kwargs={"org_slug": slug})
    return [
        todo_group(
            _("Destruction lists waiting for your approval"),
            url,
            waiting,
            item,
        )
    ]


def overdue_calls(membership: Membership) -> list[Todo]:
    """The privacy officer's: calls past their deadline whose audio still exists (the purge has
    not reached them or failed on them)."""
    if membership.role != Role.PRIVACY_OFFICER:
        return []
    overdue = overdue_recordings(membership.organisation).select_related("employee__team")
    url = reverse("retention:overview", kwargs={"org_slug": membership.organisation.slug})

    def item(recording) -> WorkItem:
        return WorkItem(
            title=call_title(recording),
            url=url,
            deadline=recording.purge_deadline,
            detail=_("The purge has not erased it yet."),
        )

    return [
        todo_group(
            _("Calls past their retention deadline"),
            url,
            overdue.order_by("purge_deadline"),
            item,
        )
    ]
