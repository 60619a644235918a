"""The administrator's page for the organisation's ingest API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from organisations import roles
from organisations.decorators import organisation_view
from recordings.forms import TokenCreateForm, TokenExpiryForm
from recordings.tokens import (
    ingest_token_create,
    ingest_token_get_for_user,
    ingest_token_revoke,
    ingest_token_set_expiry,
    ingest_tokens_of_organisation,
)


def _list_context(request: HttpRequest) -> dict[str, object]:
    now = timezone.now()
    tokens = list(ingest_tokens_of_organisation(organisation=request.organisation))
    return {"rows": [(token, token.status_at(now)) for token in tokens]}


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error("expires_at", exc.messages)


# never_cache: the response to a create holds the raw token; no cache may keep it.
@never_cache
@organisation_view(roles.MANAGE_INGEST_TOKENS)
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    created = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw = ingest_token_create(
                organisation=request.organisation,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
                actor=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            form = TokenCreateForm()
    context = {**_list_context(request), "form": form, "created": created, "raw_token": raw}
    status = 400 if request.method == "POST" and created is None else 200
    return render(request, "recordings/tokens.html", context, status=status)


@organisation_view(roles.MANAGE_INGEST_TOKENS)
def token_expiry(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ingest_token_get_for_user(organisation=request.organisation, token_id=token_id)
    form = TokenExpiryForm(request.POST or None, initial={"expires_at": token.expires_at})
    if request.method == "POST" and form.is_valid():
        try:
            changed = ingest_token_set_expiry(
                token=token, expires_at=form.cleaned_data["expires_at"], actor=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if changed:
                messages.success(
                    request, _("The expiry of %(name)s is saved.") % {"name": token.name}
                )
            else:
                messages.info(
                    request, _("%(name)s already had that expiry.") % {"name": token.name}
                )
            return redirect("recordings_tokens:list", org_slug=request.organisation.slug)
    return render(
        request,
        "recordings/token_expiry.html",
        {"token": token, "status": token.status_at(timezone.now()), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@organisation_view(roles.MANAGE_INGEST_TOKENS)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    token = ingest_token_get_for_user(organisation=request.organisation, token_id=token_id)
    if request.method == "POST":
        if ingest_token_revoke(token=token, actor=request.user):
            messages.success(
                request,
                _("%(name)s is revoked: the API refuses it from now on.") % {"name": token.name},
            )
        else:
            messages.info(
                request,
                _("%(name)s was revoked already; nothing changed.") % {"name": token.name},
            )
        return redirect("recordings_tokens:list", org_slug=request.organisation.slug)
    return render(
        request,
        "recordings/token_revoke.html",
        {"token": token, "status": token.status_at(timezone.now())},
    )
