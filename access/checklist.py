"""The access policy's item of the setup checklist (organisations.checklist)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from access.models import PurposeRule, StandingRight
from organisations.checklist import ChecklistItem
from organisations.models import Organisation
from register.selectors import purposes_for_organisation


def access_checklist(organisation: Organisation) -> list[ChecklistItem]:
    """Every purpose of the register has a policy: a rule for who asks and approves, or a
    standing right. A purpose without either is one nobody has decided on yet."""
    codes = dict(purposes_for_organisation(organisation=organisation).values_list("pk", "code"))
    decided = set(
        PurposeRule.objects.filter(organisation=organisation).values_list("purpose_id", flat=True)
    ) | set(
        StandingRight.objects.filter(organisation=organisation).values_list("purpose_id", flat=True)
    )
    open_codes = sorted(code for pk, code in codes.items() if pk not in decided)
    if not codes:
        detail = _("The register has no purposes yet.")
    elif open_codes:
        detail = _("No policy yet for: %(codes)s.") % {"codes": ", ".join(open_codes)}
    else:
        detail = _("All %(count)d purposes have a policy.") % {"count": len(codes)}
    return [
        ChecklistItem(
            order=30,
            label=_("An access policy for each purpose"),
            done=bool(codes) and not open_codes,
            detail=detail,
            url=reverse("policy:overview", kwargs={"org_slug": organisation.slug}),
        )
    ]
