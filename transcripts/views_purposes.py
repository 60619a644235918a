"""Which purposes produce anonymised transcripts: read with the access policy, switched by the
administrator or the privacy officer (each switch audited)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view
from register.models import Purpose
from transcripts import services
from transcripts.models import TranscriptPurpose
from transcripts.policy import TranscriptError
from transcripts.services import PURPOSE_ROLES


@organisation_view(roles.VIEW_ACCESS_POLICY)
def purpose_list(request: HttpRequest) -> HttpResponse:
    marked = set(
        TranscriptPurpose.objects.filter(organisation=request.organisation).values_list(
            "purpose_id", flat=True
        )
    )
    purposes = Purpose.objects.filter(activity__organisation=request.organisation).order_by(
        "activity__reference", "position"
    )
    return render(
        request,
        "transcripts/purposes.html",
        {
            "rows": [(purpose, purpose.pk in marked) for purpose in purposes],
            "may_change": request.membership.role in PURPOSE_ROLES,
        },
    )


@organisation_view(roles.VIEW_ACCESS_POLICY)
@require_POST
def purpose_switch_view(request: HttpRequest, purpose_id: int) -> HttpResponse:
    on = request.POST.get("on") == "1"
    try:
        changed = services.purpose_switch(
            membership=request.membership,
            purpose_id=purpose_id,
            on=on,
            ip_address=client_ip(request),
        )
    except TranscriptError as error:
        messages.error(request, str(error))
    else:
        if changed:
            messages.success(
                request,
                _("Grants for this purpose now let their holder type an anonymised transcript.")
                if on
                else _("This purpose no longer produces anonymised transcripts."),
            )
    back = request.POST.get("next", "")
    if back.startswith(f"/o/{request.organisation.slug}/"):
        return redirect(back)
    return redirect("transcripts:purposes", org_slug=request.organisation.slug)
