"""{% purpose_label code %}: a purpose as a page shows it, by its short name with the register's
full wording as its title, where a page holds only the code (audit events, timelines)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from register.models import Purpose

register = template.Library()


def _purposes(context: template.Context) -> dict[str, Purpose]:
    request = context.get("request")
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return {}
    cached = getattr(request, "_purposes_by_code", None)
    if cached is None:
        cached = {
            purpose.code: purpose
            for purpose in Purpose.objects.filter(activity__organisation=organisation)
        }
        request._purposes_by_code = cached
    return cached


@register.simple_tag(takes_context=True)
def purpose_label(context: template.Context, purpose: Purpose | str | None) -> str:
    if not purpose:
        return "—"
    if isinstance(purpose, str):
        found = _purposes(context).get(purpose)
        if found is None:
            return purpose  # a purpose no longer in the register: its code is all there is
        purpose = found
    return format_html('<span title="{}">{}</span>', purpose.description, purpose.label)
