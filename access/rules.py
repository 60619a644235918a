"""The access policy as data: reading it, saving a change, and keeping every version.

The policy of an organisation is its standing rights plus one PurposeRule per purpose of the
register. A change is saved together with a PolicyVersion snapshot and an audit event, in one
transaction, so the trail shows who changed what and the snapshot shows what held after.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

import audit
from access.models import PolicyVersion, PurposeRule, StandingRight
from organisations.constants import Role
from organisations.models import Organisation
from register.models import Purpose


def rule_for(purpose: Purpose) -> PurposeRule | None:
    try:
        return purpose.access_rule
    except PurposeRule.DoesNotExist:
        return None


def policy_snapshot(organisation: Organisation) -> dict[str, Any]:
    """The whole policy as plain JSON, keyed by purpose code."""
    purposes = Purpose.objects.filter(activity__organisation=organisation).order_by(
        "activity__reference", "position"
    )
    rules = {
        rule.purpose_id: rule
        for rule in PurposeRule.objects.filter(organisation=organisation).prefetch_related(
            "disclosure_recipients"
        )
    }
    standing: dict[int, dict[str, str]] = {}
    for right in StandingRight.objects.filter(organisation=organisation):
        standing.setdefault(right.purpose_id, {})[right.role] = right.scope
    snapshot: dict[str, Any] = {}
    for purpose in purposes:
        rule = rules.get(purpose.pk)
        entry: dict[str, Any] = {"standing": standing.get(purpose.pk, {})}
        if rule is not None:
            entry.update(
                requester_roles=sorted(rule.requester_roles),
                approver_roles=sorted(rule.approver_roles),
                approvals_required=rule.approvals_required,
                grant_hours=rule.grant_hours,
                max_plays=rule.max_plays,
                case_required=rule.case_required,
                case_kind=rule.case_kind,
                employee_present=rule.employee_present,
                employee_request_listener=rule.employee_request_listener,
                request_expiry_hours=rule.request_expiry_hours,
                disclosure_recipients=sorted(r.name for r in rule.disclosure_recipients.all()),
                disclosure_link_days=rule.disclosure_link_days,
            )
        snapshot[purpose.code] = entry
    return snapshot


def current_policy_version(organisation: Organisation) -> int:
    return (
        PolicyVersion.objects.filter(organisation=organisation).aggregate(n=Max("number"))["n"] or 0
    )


@transaction.atomic
def policy_version_record(
    *, organisation: Organisation, actor: Any, summary: str, ip_address: str | None = None
) -> PolicyVersion:
    """Keep the policy as it now stands as the next version, and say so in the audit trail."""
    # Lock the organisation row: two administrators saving at once get consecutive numbers.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    version = PolicyVersion.objects.create(
        organisation=organisation,
        number=current_policy_version(organisation) + 1,
        created_by=actor,
        summary=summary[:300],
        snapshot=policy_snapshot(organisation),
    )
    audit.record(
        actor=actor,
        action="access.policy.changed",
        organisation=organisation,
        target=version,
        detail={"version": version.number, "summary": summary[:200]},
        ip_address=ip_address,
    )
    return version


@transaction.atomic
def purpose_policy_save(
    *,
    organisation: Organisation,
    purpose: Purpose,
    actor: Any,
    rule_fields: dict[str, Any],
    disclosure_recipients: list,
    standing: dict[str, str],
    ip_address: str | None = None,
) -> PolicyVersion:
    """Replace the policy of one purpose: its rule and its standing rights (role -> scope;
    a role left out holds no standing right for this purpose)."""
    rule, _created = PurposeRule.objects.update_or_create(
        purpose=purpose, defaults={"organisation": organisation, **rule_fields}
    )
    rule.full_clean()
    rule.disclosure_recipients.set(disclosure_recipients)
    StandingRight.objects.filter(organisation=organisation, purpose=purpose).exclude(
        role__in=list(standing)
    ).delete()
    for role, scope in standing.items():
        if role not in Role.values:
            raise ValueError(f"unknown role {role!r}")
        StandingRight.objects.update_or_create(
            organisation=organisation, purpose=purpose, role=role, defaults={"scope": scope}
        )
    return policy_version_record(
        organisation=organisation,
        actor=actor,
        summary=f"{purpose.code}",
        ip_address=ip_address,
    )
