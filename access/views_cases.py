"""The case register pages: list, open a case, a case with its timeline."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.actions import selection_actions
from access.case_sections import case_sections
from access.cases import case_create, case_get, case_set_status, case_timeline
from access.constants import CaseStatus
from access.forms_four_eyes import CaseForm
from access.four_eyes import RequestError, case_kinds_visible_to, cases_visible_to
from access.policy import recordings_visible_to
from access.selection import (
    selection_initial,
    selection_query,
    selection_read,
    selection_refusal,
)
from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view


@organisation_view(roles.VIEW_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CaseStatus.OPEN)
    cases = cases_visible_to(request.membership)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    return render(
        request,
        "access/case_list.html",
        {
            "cases": cases[:200],
            "status": status,
            "may_open": bool(case_kinds_visible_to(request.membership)),
        },
    )


@organisation_view(roles.VIEW_CASES)
def case_new(request: HttpRequest) -> HttpResponse:
    kinds = case_kinds_visible_to(request.membership)
    if not kinds:
        raise Http404
    selection = selection_read(request, recordings_visible_to(membership=request.membership))
    selection_refusal(request, selection)
    form = CaseForm(
        request.POST or None,
        initial={"received_on": timezone.localdate(), "recording": selection_initial(selection)},
        kinds=kinds,
        offered=selection.recordings,
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = case_create(
                membership=request.membership,
                kind=form.cleaned_data["kind"],
                reference=form.cleaned_data["reference"],
                received_via=form.cleaned_data["received_via"],
                received_on=form.cleaned_data["received_on"],
                customer_contact=form.cleaned_data["customer_contact"],
                description=form.cleaned_data["description"],
                recordings=form.cleaned_data["recording"],
                ip_address=client_ip(request),
            )
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case was opened."))
            return redirect("cases:detail", org_slug=request.organisation.slug, case_id=case.pk)
    return render(request, "access/case_new.html", {"form": form})


def _call_actions(request: HttpRequest, case, recordings) -> list[tuple[str, str]]:
    """(label, url) of what an open case's calls can be carried into: a request, a hold."""
    if not recordings or case.status != CaseStatus.OPEN:
        return []
    query = f"{selection_query(recordings)}&case={case.pk}"
    return [
        (action.label, f"{action.url}?{query}")
        for action in selection_actions(request.membership)
        if action.on_case
    ]


@organisation_view(roles.VIEW_CASES)
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    try:
        case = case_get(membership=request.membership, case_id=case_id)
    except RequestError:
        raise Http404 from None
    recordings = list(case.recordings.select_related("employee__team").order_by("started_at"))
    findable = set(
        recordings_visible_to(membership=request.membership)
        .filter(pk__in=[r.pk for r in recordings])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "access/case_detail.html",
        {
            "case": case,
            "recordings": recordings,
            # Only the calls this person may find are linked and carried into a request or hold.
            "findable": findable,
            "call_actions": _call_actions(
                request, case, [r for r in recordings if r.pk in findable]
            ),
            "requests": case.requests.select_related("purpose", "requester"),
            "timeline": case_timeline(case),
            "sections": case_sections(request.membership, case),
        },
    )


@organisation_view(roles.VIEW_CASES)
@require_POST
def case_status(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    try:
        case_set_status(
            membership=request.membership,
            case_id=case_id,
            status=request.POST.get("status", ""),
            ip_address=client_ip(request),
        )
    except RequestError as error:
        if str(error) == _("No such case."):
            raise Http404 from None
        messages.error(request, str(error))
    return redirect("cases:detail", org_slug=request.organisation.slug, case_id=case_id)
