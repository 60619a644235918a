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
    purposes = {
        purpose.pk: purpose for purpose in purposes_for_organisation(organisation=organisation)
    }
    decided = set(
        PurposeRule.objects.filter(organisation=organisation).values_list("purpose_id", flat=True)
    ) | set(
        StandingRight.objects.filter(organisation=organisation).values_list("purpose_id", flat=True)
    )
    # Named as pages name them: by the short name, never the code.
    open_labels = [purpose.label for pk, purpose in purposes.items() if pk not in decided]
    if not purposes:
        detail = _("The register has no purposes yet.")
    elif open_labels:
        detail = _("No policy yet for: %(codes)s.") % {"codes": ", ".join(open_labels)}
    else:
        detail = _("All %(count)d purposes have a policy.") % {"count": len(purposes)}
    return [
        ChecklistItem(
            order=30,
            label=_("An access policy for each purpose"),
            done=bool(purposes) and not open_labels,
            detail=detail,
            url=reverse("policy:overview", kwargs={"org_slug": organisation.slug}),
        )
    ]
