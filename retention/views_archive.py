"""Archival records on the Retention page: propose a destruction list, approve or reject it as
a second person, download the destruction statement."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from access.four_eyes import RequestError
from organisations import roles
from organisations.confirm import irreversible_confirmed
from organisations.decorators import organisation_view
from retention.archive import (
    destruction_decide,
    destruction_propose,
    period_label,
    statement_pdf,
)
from retention.constants import DestructionStatus
from retention.models import DestructionList


def _list_or_404(request: HttpRequest, list_id: uuid.UUID) -> DestructionList:
    proposal = DestructionList.objects.filter(organisation=request.organisation, pk=list_id).first()
    if proposal is None:
        raise Http404
    return proposal


@organisation_view(roles.CHANGE_RETENTION)
@require_POST
def destruction_propose_view(request: HttpRequest) -> HttpResponse:
    try:
        proposal = destruction_propose(membership=request.membership)
    except RequestError as refusal:
        messages.error(request, str(refusal))
        return redirect("retention:overview", org_slug=request.organisation.slug)
    return redirect(
        "retention:destruction", org_slug=request.organisation.slug, list_id=proposal.pk
    )


@organisation_view(roles.VIEW_RETENTION)
def destruction_detail(request: HttpRequest, list_id: uuid.UUID) -> HttpResponse:
    proposal = _list_or_404(request, list_id)
    return render(
        request,
        "retention/destruction.html",
        {
            "proposal": proposal,
            "grounds": [
                (kind, period_label(ground), ground["register"])
                for kind, ground in proposal.grounds.items()
            ],
            "may_decide": request.user.has_perm(
                f"organisations.{roles.CHANGE_RETENTION}", request.organisation
            )
            and proposal.status == DestructionStatus.PROPOSED
            and proposal.proposed_by_id != request.user.pk,
        },
    )


@organisation_view(roles.CHANGE_RETENTION)
@require_POST
def destruction_decide_view(request: HttpRequest, list_id: uuid.UUID) -> HttpResponse:
    proposal = _list_or_404(request, list_id)
    approve = request.POST.get("decision") == "approve"
    if approve and not irreversible_confirmed(request):
        return redirect(
            "retention:destruction", org_slug=request.organisation.slug, list_id=proposal.pk
        )
    try:
        destruction_decide(
            membership=request.membership,
            list_id=proposal.pk,
            approve=approve,
        )
    except RequestError as refusal:
        messages.error(request, str(refusal))
    return redirect(
        "retention:destruction", org_slug=request.organisation.slug, list_id=proposal.pk
    )


@organisation_view(roles.VIEW_RETENTION)
def destruction_statement(request: HttpRequest, list_id: uuid.UUID) -> HttpResponse:
    proposal = _list_or_404(request, list_id)
    if proposal.status != DestructionStatus.DESTROYED:
        raise Http404
    response = HttpResponse(statement_pdf(proposal), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="destruction-statement-{proposal.number}.pdf"'
    )
    return response
