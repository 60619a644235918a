"""The recording policy employees acknowledge: publishing a version, acknowledging it, coverage.

Every member of an organisation (whatever the role: each of them is recorded or works with
recordings) acknowledges the current version before going on; publishing a new version asks
everyone again. Both steps are in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery

import audit
from organisations.models import Membership, Organisation
from register.models import PolicyAcknowledgement, RecordingPolicy


def current_policy(organisation: Organisation) -> RecordingPolicy | None:
    return RecordingPolicy.objects.filter(organisation=organisation).order_by("-version").first()


@transaction.atomic
def policy_publish(
    *,
    organisation: Organisation,
    actor: Any,
    title_nl: str,
    title_en: str,
    text_nl: str,
    text_en: str,
    ip_address: str | None = None,
) -> RecordingPolicy:
    # Lock the organisation row so two publishers get consecutive version numbers.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    number = (
        RecordingPolicy.objects.filter(organisation=organisation).aggregate(n=Max("version"))["n"]
        or 0
    ) + 1
    policy = RecordingPolicy(
        organisation=organisation,
        version=number,
        title_nl=title_nl.strip(),
        title_en=title_en.strip(),
        text_nl=text_nl.strip(),
        text_en=text_en.strip(),
        published_by=actor,
    )
    policy.full_clean()
    policy.save()
    audit.record(
        actor=actor,
        action="register.policy.published",
        organisation=organisation,
        target=policy,
        detail={"version": number},
        ip_address=ip_address,
    )
    return policy


def policy_acknowledge(
    *, policy: RecordingPolicy, user: Any, language: str, ip_address: str | None = None
) -> bool:
    """Record that `user` read and accepted `policy`. False when they already had: a second
    click (or a second tab) changes nothing and writes no second event."""
    try:
        with transaction.atomic():
            PolicyAcknowledgement.objects.create(policy=policy, user=user, language=language[:8])
            audit.record(
                actor=user,
                action="register.policy.acknowledged",
                organisation=policy.organisation,
                target=policy,
                detail={"version": policy.version, "language": language[:8]},
                ip_address=ip_address,
            )
    except IntegrityError:
        return False
    return True


def policy_waiting_for(user: Any) -> RecordingPolicy | None:
    """The first current policy, over the user's organisations, they have not acknowledged.

    One query, run on every request of a signed-in user by the middleware: the newest version
    per organisation the user belongs to, without an acknowledgement by this user."""
    newest = (
        RecordingPolicy.objects.filter(organisation=OuterRef("organisation"))
        .order_by("-version")
        .values("pk")[:1]
    )
    return (
        RecordingPolicy.objects.filter(
            organisation__memberships__user=user,
            organisation__memberships__active=True,
            pk=Subquery(newest),
        )
        .exclude(acknowledgements__user=user)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )


@dataclass(frozen=True)
class Coverage:
    policy: RecordingPolicy | None
    members: int
    acknowledged: int
    missing: list[Membership]

    @property
    def complete(self) -> bool:
        return self.policy is not None and not self.missing


def policy_coverage(organisation: Organisation) -> Coverage:
    """Who of the organisation's members has acknowledged the current version, and who not."""
    policy = current_policy(organisation)
    memberships = list(
        Membership.objects.filter(organisation=organisation, active=True)
        .select_related("user")
        .order_by("user__username")
    )
    if policy is None:
        return Coverage(None, len(memberships), 0, memberships)
    done = set(policy.acknowledgements.values_list("user_id", flat=True))
    missing = [m for m in memberships if m.user_id not in done]
    return Coverage(policy, len(memberships), len(memberships) - len(missing), missing)
