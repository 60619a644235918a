"""The privacy officer's pages of data subject requests: the list, register a request, a
request with its findings and deadline, extend the deadline, publish the public form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view
from subjects.deadlines import deadline_state
from subjects.forms import ExtensionForm, SubjectRequestForm
from subjects.search import subject_request_search
from subjects.selectors import public_form_enabled, subject_request_get, subject_request_list
from subjects.services import (
    SubjectRequestError,
    bsn_declared,
    organisation_today,
    public_form_set,
    subject_request_extend,
    subject_request_register,
)


@organisation_view(roles.HANDLE_SUBJECT_REQUESTS)
def request_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    query = request.GET.get("q", "")
    requests, counts = subject_request_list(
        organisation, organisation_today(organisation), query=query
    )
    return render(
        request,
        "subjects/request_list.html",
        {
            "subject_requests": requests,
            "counts": counts,
            "query": query.strip(),
            "public_form_enabled": public_form_enabled(organisation),
            "public_form_url": request.build_absolute_uri(
                reverse("subjects_public:form", kwargs={"slug": organisation.slug})
            ),
        },
    )


@organisation_view(roles.HANDLE_SUBJECT_REQUESTS)
def request_new(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = SubjectRequestForm(
        request.POST or None,
        bsn_declared=bsn_declared(organisation),
        initial={"received_on": organisation_today(organisation)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject_request = subject_request_register(
                membership=request.membership,
                right=data["right"],
                received_on=data["received_on"],
                received_via=data["received_via"],
                requester_name=data["requester_name"],
                requester_email=data["requester_email"],
                description=data["description"],
                identifiers=form.given_identifiers(),
                answer_language=data["answer_language"],
                ip_address=client_ip(request),
            )
        except SubjectRequestError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Request %(reference)s was registered.")
                % {"reference": subject_request.reference},
            )
            return redirect(
                "subjects:detail",
                org_slug=organisation.slug,
                subject_request_id=subject_request.pk,
            )
    return render(request, "subjects/request_new.html", {"form": form})


@organisation_view(roles.HANDLE_SUBJECT_REQUESTS)
def request_detail(request: HttpRequest, subject_request_id) -> HttpResponse:
    subject_request = subject_request_get(
        membership=request.membership, subject_request_id=subject_request_id
    )
    findings = subject_request_search(
        membership=request.membership,
        subject_request=subject_request,
        ip_address=client_ip(request),
    )
    today = organisation_today(request.organisation)
    return render(
        request,
        "subjects/request_detail.html",
        {
            "subject_request": subject_request,
            "findings": findings,
            "membership": request.membership,
            "deadline_state": deadline_state(subject_request.effective_deadline, today)
            if subject_request.is_open
            else None,
            "extension_form": ExtensionForm()
            if subject_request.is_open and subject_request.extended_deadline is None
            else None,
        },
    )


@organisation_view(roles.HANDLE_SUBJECT_REQUESTS)
@require_POST
def request_extend(request: HttpRequest, subject_request_id) -> HttpResponse:
    subject_request = subject_request_get(
        membership=request.membership, subject_request_id=subject_request_id
    )
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            subject_request_extend(
                membership=request.membership,
                subject_request_id=subject_request.pk,
                months=form.cleaned_data["months"],
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except SubjectRequestError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The deadline was extended."))
    return redirect(
        "subjects:detail",
        org_slug=request.organisation.slug,
        subject_request_id=subject_request.pk,
    )


@organisation_view(roles.HANDLE_SUBJECT_REQUESTS)
@require_POST
def public_form_switch(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("enabled") == "1"
    public_form_set(membership=request.membership, enabled=enabled, ip_address=client_ip(request))
    messages.success(
        request,
        _("The public request form is published.")
        if enabled
        else _("The public request form is withdrawn."),
    )
    return redirect("subjects:list", org_slug=request.organisation.slug)
