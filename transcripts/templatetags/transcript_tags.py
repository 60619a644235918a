"""{% transcript_purpose_switch purpose %}: on the access policy's edit page of a purpose,
whether its grants produce anonymised transcripts, and the switch for those who may flip it."""

from __future__ import annotations

from django import template

from transcripts.models import TranscriptPurpose
from transcripts.services import PURPOSE_ROLES

register = template.Library()


@register.inclusion_tag("transcripts/includes/policy_purpose.html", takes_context=True)
def transcript_purpose_switch(context: template.Context, purpose) -> dict:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return {
        "purpose": purpose,
        "marked": TranscriptPurpose.objects.filter(purpose=purpose).exists(),
        "may_change": membership is not None and membership.role in PURPOSE_ROLES,
        "next": request.get_full_path() if request else "",
        "current_organisation": context.get("current_organisation"),
        "csrf_token": context.get("csrf_token"),
    }
