"""{% recording_retention_notice %}: on every page where it matters (the register, retention,
upload, the dashboard), a register that declares no retention for recordings says so, what
to do next and where, instead of letting every call be refused without a word."""

from __future__ import annotations

from django import template

from organisations import roles
from register.constants import DataCategory
from register.models import ProcessingActivity
from register.selectors import retention_entry_for_category

register = template.Library()


@register.inclusion_tag("register/includes/retention_notice.html", takes_context=True)
def recording_retention_notice(context: template.Context) -> dict:
    request = context.get("request")
    organisation = getattr(request, "organisation", None)
    if organisation is None or retention_entry_for_category(
        organisation=organisation, category=DataCategory.RECORDING
    ):
        return {"missing": False}
    may_change = request.user.has_perm(f"organisations.{roles.CHANGE_REGISTER}", organisation)
    return {
        "missing": True,
        "organisation": organisation,
        "may_change": may_change,
        "activity": ProcessingActivity.objects.filter(organisation=organisation).first(),
    }
