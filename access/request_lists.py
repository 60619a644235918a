"""The approver's lists beside "waiting for your decision": what they decided, and the grants
now running that they may revoke. Both stay inside the member's organisation and the purposes
the policy lets their role decide (the same people who may open such a request)."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from access.constants import DecisionOutcome, RequestKind, RequestStatus
from access.models import Grant, PurposeRule, RequestDecision
from organisations import roles
from organisations.models import Membership


def may_oversee_requests(membership: Membership) -> bool:
    """Approvers and the privacy officer (who holds the approve right) see both lists."""
    return membership.user.has_perm(
        f"organisations.{roles.APPROVE_REQUESTS}", membership.organisation
    )


def decisions_by(membership: Membership) -> QuerySet[RequestDecision]:
    """This member's approvals and denials in this organisation, newest first."""
    return (
        RequestDecision.objects.filter(
            approver=membership.user_id,
            request__organisation=membership.organisation_id,
            outcome__in=(DecisionOutcome.APPROVE, DecisionOutcome.DENY),
        )
        .select_related("request__purpose", "request__requester", "request__grant")
        .order_by("-created_at", "-pk")
    )


def _purposes_decided_by(membership: Membership) -> list[int]:
    if roles.APPROVE_REQUESTS not in roles.ROLE_PERMISSIONS.get(membership.role, ()):
        return []
    return [
        rule.purpose_id
        for rule in PurposeRule.objects.filter(organisation=membership.organisation_id)
        if membership.role in rule.approver_roles
    ]


def active_grants_for(membership: Membership) -> QuerySet[Grant]:
    """Grants of the organisation that still open audio (approved, not revoked, not expired,
    plays left) and that this member may revoke as an approver: of a purpose the policy lets
    their role decide, never their own request nor one they listen under. Soonest end first."""
    if not may_oversee_requests(membership):
        return Grant.objects.none()
    return (
        Grant.objects.filter(
            request__organisation=membership.organisation_id,
            request__status=RequestStatus.APPROVED,
            request__kind=RequestKind.PLAYBACK,
            request__purpose__in=_purposes_decided_by(membership),
            revoked_at__isnull=True,
            starts_at__lte=timezone.now(),
            expires_at__gt=timezone.now(),
        )
        .filter(Q(max_plays__isnull=True) | Q(plays__lt=F("max_plays")))
        .exclude(request__requester=membership.user_id)
        .exclude(request__listener=membership.user_id)
        .select_related("request__purpose", "request__requester", "user")
        .order_by("expires_at")
    )
