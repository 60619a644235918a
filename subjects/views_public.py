"""The organisation's public request form at rights/<slug>/: no account. An unknown
organisation and one that has not published its form get the same 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from organisations.client_ip import client_ip
from subjects.forms import PublicRequestForm
from subjects.public import (
    ConfirmationError,
    RateLimited,
    public_link_usable,
    public_organisation_get,
    public_request_confirm,
    public_request_submit,
)
from subjects.services import SubjectRequestError, bsn_declared


def _organisation(slug: str):
    organisation = public_organisation_get(slug)
    if organisation is None:
        raise Http404
    return organisation


@never_cache
@csrf_protect
def public_form(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    form = PublicRequestForm(request.POST or None, bsn_declared=bsn_declared(organisation))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            public_request_submit(
                organisation=organisation,
                right=data["right"],
                requester_name=data["requester_name"],
                requester_email=data["requester_email"],
                description=data["description"],
                identifiers=form.given_identifiers(),
                client_address=client_ip(request),
                honeypot_filled=form.honeypot_filled,
                language=translation.get_language() or "nl",
            )
        except RateLimited:
            status = 429
            form.add_error(
                None,
                translation.gettext(
                    "Too many requests were sent from here in a short time. Try again in an hour."
                ),
            )
        except SubjectRequestError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("subjects_public:sent", slug=organisation.slug)
    return render(
        request,
        "subjects/public_form.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@never_cache
def public_sent(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    return render(request, "subjects/public_sent.html", {"organisation": organisation})


@never_cache
@csrf_protect
def public_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: a mail scanner that opens links confirms nothing."""
    organisation = _organisation(slug)
    context = {"organisation": organisation}
    if request.method == "POST":
        try:
            confirmed = public_request_confirm(organisation=organisation, token=token)
        except ConfirmationError:
            return render(
                request, "subjects/public_confirm.html", {**context, "invalid": True}, status=404
            )
        return render(
            request,
            "subjects/public_confirm.html",
            {**context, "confirmed": confirmed.subject_request, "already": confirmed.already},
        )
    if not public_link_usable(organisation=organisation, token=token):
        return render(
            request, "subjects/public_confirm.html", {**context, "invalid": True}, status=404
        )
    return render(request, "subjects/public_confirm.html", context)
