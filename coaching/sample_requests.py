"""Working the random sample where nobody holds a standing right for its purpose (TBI): the
members whom the purpose's access rule lets ask (a team leader, a manager) see the sampled
calls and ask, per call, to hear it with the employee; the request is decided by another
person like any other (access/four_eyes.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from access.models import PurposeRule
from access.policy import METADATA_ROLES
from coaching.models import SampleItem, SamplingPolicy
from coaching.sampling import queue_for
from organisations import roles
from organisations.models import Membership


def sample_rule(membership: Membership) -> PurposeRule | None:
    """The access rule of the purpose the organisation's sample serves, if any."""
    policy = SamplingPolicy.objects.filter(organisation=membership.organisation_id).first()
    if policy is None:
        return None
    return PurposeRule.objects.filter(purpose=policy.purpose_id).select_related("purpose").first()


def may_ask_for_samples(membership: Membership) -> bool:
    rule = sample_rule(membership)
    return rule is not None and membership.role in rule.requester_roles


def may_work_samples(membership: Membership) -> bool:
    """Coaches (who evaluate) and those whom the sample's rule lets ask."""
    evaluates = membership.user.has_perm(
        f"organisations.{roles.EVALUATE_CALLS}", membership.organisation
    )
    return evaluates or may_ask_for_samples(membership)


def sample_items_for(membership: Membership) -> QuerySet[SampleItem]:
    """Open sampled calls of the teams the member works with; a member who may ask for the
    sample, sees every call's metadata and works with no team (a manager): all of them."""
    if (
        may_ask_for_samples(membership)
        and membership.role in METADATA_ROLES
        and not membership.teams.exists()
    ):
        return (
            SampleItem.objects.filter(
                draw__organisation=membership.organisation_id, done_at__isnull=True
            )
            .select_related("employee", "recording", "draw")
            .order_by("draw__window_end", "employee__name")
        )
    return queue_for(membership)
