"""{% own_listens %}: in the player, the listener's own listens to this call, newest first.

One listen is one listening session: the gate writes one `access.recording.listened` event when
a playback starts and counts the byte ranges of the next 30 minutes (seeking, reading ahead,
pausing) as the same session. Only the listener's own: who else listened is for the privacy
officer and the audit trail, not for this page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import template
from django.utils.translation import gettext as _

from access.listens import listen_events
from register.models import Purpose

register = template.Library()

SHOWN = 10


@register.inclusion_tag("access/includes/own_listens.html", takes_context=True)
def own_listens(context: template.Context) -> dict:
    request, recording = context.get("request"), context.get("recording")
    organisation = getattr(request, "organisation", None)
    if organisation is None or recording is None or not request.user.is_authenticated:
        return {"listens": []}
    events = list(
        listen_events(organisation, [recording.pk])
        .filter(actor_id=request.user.pk)
        .order_by("-created_at", "-sequence")
        .values_list("created_at", "purpose")[:SHOWN]
    )
    labels = {
        purpose.code: purpose.label
        for purpose in Purpose.objects.filter(
            activity__organisation=organisation, code__in={code for _, code in events}
        )
    }
    zone = ZoneInfo(organisation.timezone)
    return {
        "listens": [
            {
                "at": at.astimezone(zone),
                "purpose": labels.get(code) or _("a purpose no longer in the register"),
            }
            for at, code in events
        ],
    }
