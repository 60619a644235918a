"""The coaching settings of an organisation in one place: the random sample (size per quarter,
spread or at once, the purpose it serves) and disputes (window, number, arbiter).

Changed through the settings page or `manage.py coaching_settings`; each change is one audit
event with the old and new values (codes and ids, no personal data). The sampler reads the
policy at each draw, so a change applies from the next draw; drawn slots are never redrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

import audit
from coaching.constants import ARBITER_ROLES, SampleMode
from coaching.models import CoachingSettings, SamplingPolicy
from organisations.models import Organisation
from register.models import Purpose

MAX_PER_QUARTER = 12  # SamplingPolicy.per_quarter's validator
MAX_DISPUTE_DAYS = 365
MAX_DISPUTES = 20  # CoachingSettings.max_disputes' validator


@dataclass(frozen=True)
class SettingsValues:
    per_quarter: int
    mode: str
    purpose: Purpose | None
    dispute_days: int
    max_disputes: int
    arbiter: Any  # a user or None

    def as_detail(self) -> dict[str, Any]:
        return {
            "per_quarter": self.per_quarter,
            "mode": self.mode,
            "purpose": self.purpose.code if self.purpose else None,
            "dispute_days": self.dispute_days,
            "max_disputes": self.max_disputes,
            "arbiter": self.arbiter.pk if self.arbiter else None,
        }


def arbiter_candidates(organisation: Organisation) -> QuerySet:
    """Active users with an active coaching role in this organisation, by name."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__active=True,
            memberships__role__in=ARBITER_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def sample_purposes(organisation: Organisation) -> QuerySet:
    return Purpose.objects.filter(activity__organisation=organisation).order_by("code")


def coaching_settings_get(*, organisation: Organisation) -> SettingsValues:
    policy = (
        SamplingPolicy.objects.filter(organisation=organisation).select_related("purpose").first()
    )
    rules = CoachingSettings.objects.filter(organisation=organisation).first() or (
        CoachingSettings(organisation=organisation)
    )
    return SettingsValues(
        per_quarter=policy.per_quarter if policy else 0,
        mode=policy.mode if policy else SampleMode.SPREAD,
        purpose=policy.purpose if policy else None,
        dispute_days=rules.dispute_days,
        max_disputes=rules.max_disputes,
        arbiter=rules.arbiter,
    )


def _check(organisation: Organisation, new: SettingsValues) -> None:
    errors: dict[str, str] = {}
    if not 0 <= new.per_quarter <= MAX_PER_QUARTER:
        errors["per_quarter"] = _("Choose 0 to %(n)d calls.") % {"n": MAX_PER_QUARTER}
    if new.mode not in SampleMode.values:
        errors["mode"] = _("Choose when the sample is drawn.")
    if new.purpose is None and new.per_quarter:
        errors["purpose"] = _("Choose the purpose the sample serves.")
    if (
        new.purpose is not None
        and not sample_purposes(organisation).filter(pk=new.purpose.pk).exists()
    ):
        errors["purpose"] = _("Choose a purpose of this organisation's register.")
    if not 0 <= new.dispute_days <= MAX_DISPUTE_DAYS:
        errors["dispute_days"] = _("Choose 0 to %(n)d days.") % {"n": MAX_DISPUTE_DAYS}
    if not 0 <= new.max_disputes <= MAX_DISPUTES:
        errors["max_disputes"] = _("Choose 0 to %(n)d disputes.") % {"n": MAX_DISPUTES}
    if (
        new.arbiter is not None
        and not arbiter_candidates(organisation).filter(pk=new.arbiter.pk).exists()
    ):
        errors["arbiter"] = _(
            "The arbiter must be an active coach, team leader or manager of this organisation."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def coaching_settings_update(
    *, organisation: Organisation, actor: Any, new: SettingsValues
) -> bool:
    """Store the settings; one audit event with what changed. False when nothing changed."""
    _check(organisation, new)
    old = coaching_settings_get(organisation=organisation)
    before, after = old.as_detail(), new.as_detail()
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changed:
        return False
    if new.purpose is None:
        # No sample (0 calls) and no purpose: the organisation has no sampling policy.
        SamplingPolicy.objects.filter(organisation=organisation).delete()
    else:
        policy = SamplingPolicy.objects.filter(organisation=organisation).first() or (
            SamplingPolicy(organisation=organisation)
        )
        policy.per_quarter, policy.mode, policy.purpose = new.per_quarter, new.mode, new.purpose
        policy.full_clean()
        policy.save()
    rules = CoachingSettings.objects.filter(organisation=organisation).first() or (
        CoachingSettings(organisation=organisation)
    )
    rules.dispute_days, rules.max_disputes = new.dispute_days, new.max_disputes
    rules.arbiter = new.arbiter
    rules.full_clean()
    rules.save()
    audit.record(
        actor=actor,
        action="coaching.settings.changed",
        organisation=organisation,
        target=rules,
        detail={"changed": changed},
    )
    return True
