"""{% employee_presence %}: in the player, for each purpose offered that plays this call only
with its employee present, the confirmation the listener gives before the first byte."""

from __future__ import annotations

from django import template

from access.policy import listen_decision
from access.presence import employee_confirmed, presence_key

register = template.Library()


def _code(purpose) -> str:
    return purpose["code"] if isinstance(purpose, dict) else purpose.code


@register.inclusion_tag("access/includes/employee_presence.html", takes_context=True)
def employee_presence(context: template.Context) -> dict:
    request, recording = context.get("request"), context.get("recording")
    membership = getattr(request, "membership", None)
    if membership is None or recording is None:
        return {"forms": []}
    forms = []
    for purpose in context.get("purposes") or []:
        code = _code(purpose)
        confirmed = employee_confirmed(request, presence_key(recording.pk, code))
        decision = listen_decision(
            membership=membership,
            recording=recording,
            purpose_code=code,
            employee_present=confirmed,
        )
        if decision.awaits_employee or decision.with_employee:
            forms.append({"purpose": purpose, "code": code, "confirmed": decision.with_employee})
    return {
        "forms": forms,
        "recording": recording,
        # A blind calibration hides whose call it is: the form does not name them either.
        "employee_name": recording.employee.name
        if recording.employee and context.get("show_employee", True)
        else "",
        "next": request.get_full_path(),
        "current_organisation": context.get("current_organisation"),
    }
