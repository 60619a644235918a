"""The recording policy employees acknowledge: publishing a version, acknowledging it, coverage.

Every member of an organisation (whatever the role: each of them is recorded or works with
recordings) acknowledges the current version before going on; publishing a new version asks
everyone again. Both steps are in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
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

    Run on every request of a signed-in user by the middleware: the newest version per
    organisation the user belongs to, without an acknowledgement by this user. Whether there is
    one at all is asked first in one plain statement (the common answer, "none", then costs
    about a tenth of the ORM query: issue 18, the player's byte ranges pass here too)."""
    if not _policy_waiting(user.pk):
        return None
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


def _policy_waiting(user_id: int) -> bool:
    """The same question as policy_waiting_for's query, yes or no, without building it."""
    policies = connection.ops.quote_name(RecordingPolicy._meta.db_table)
    memberships = connection.ops.quote_name(Membership._meta.db_table)
    acknowledgements = connection.ops.quote_name(PolicyAcknowledgement._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT 1 FROM {policies} p
            JOIN {memberships} m ON m.organisation_id = p.organisation_id
            WHERE m.user_id = %s AND m.active
              AND p.version = (SELECT MAX(n.version) FROM {policies} n
                               WHERE n.organisation_id = p.organisation_id)
              AND NOT EXISTS (SELECT 1 FROM {acknowledgements} a
                              WHERE a.policy_id = p.id AND a.user_id = %s)
            LIMIT 1""",  # noqa: S608 (table names from the models, values are parameters)
            [user_id, user_id],
        )
        return cursor.fetchone() is not None


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
