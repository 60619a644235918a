"""{% setup_checklist %}: on the dashboard of those who manage members (the organisation's
administrator), what the organisation still needs, each item linking to where it is done."""

from __future__ import annotations

from django import template

from organisations import roles
from organisations.checklist import checklist_for

register = template.Library()


@register.inclusion_tag("organisations/includes/setup_checklist.html", takes_context=True)
def setup_checklist(context: template.Context) -> dict:
    request = context.get("request")
    organisation = getattr(request, "organisation", None)
    if organisation is None or not request.user.has_perm(
        f"organisations.{roles.MANAGE_MEMBERS}", organisation
    ):
        return {"items": []}
    items = checklist_for(organisation=organisation)
    return {"items": items, "done": sum(item.done for item in items)}
