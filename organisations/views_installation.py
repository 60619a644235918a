"""The installation pages: organisations and their first administrators, for the ICT staff who
run Earshot. They are no member of any organisation and see nothing of what one holds."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.constants import Role
from organisations.forms_installation import AdministratorInvitationForm, OrganisationForm
from organisations.installation import (
    is_installation_admin,
    organisation_get_for_installation,
    organisations_overview,
)
from organisations.invitations import InvitationUnusable, invitation_create, invitation_revoke
from organisations.models import Organisation
from organisations.models_installation import Invitation
from organisations.services import organisation_create
from organisations.views_invitations import sent_message

View = Callable[..., HttpResponse]


def installation_view(view: View) -> View:
    """Installation administrators only: anonymous users sign in first, everyone else 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_installation_admin(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.installation_view = True  # read by the tenancy test
    return wrapper


def _organisation_or_404(slug: str) -> Organisation:
    try:
        return organisation_get_for_installation(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404("No such organisation.") from None


@installation_view
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/installation/overview.html",
        {"organisations": organisations_overview()},
    )


@installation_view
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                timezone=form.cleaned_data["timezone"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is created. Invite its first administrator.")
                % {"name": organisation.name},
            )
            return redirect("installation:organisation", slug=organisation.slug)
    return render(request, "organisations/installation/organisation_new.html", {"form": form})


@installation_view
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_or_404(slug)
    form = AdministratorInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _invitation, token = invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=Role.ADMINISTRATOR,
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, sent_message(form.cleaned_data["email"], token))
            return redirect("installation:organisation", slug=organisation.slug)
    # Only invitations to the administrator role: who else an organisation invites is its own.
    invitations = organisation.invitations.filter(role=Role.ADMINISTRATOR)
    return render(
        request,
        "organisations/installation/organisation.html",
        {"organisation": organisation, "form": form, "invitations": invitations},
    )


@installation_view
@require_POST
def invitation_revoke_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = Invitation.objects.filter(pk=invitation_id, role=Role.ADMINISTRATOR).first()
    if invitation is None:
        raise Http404("No such invitation.")
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except InvitationUnusable as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation is revoked; its link no longer works."))
    return redirect("installation:organisation", slug=invitation.organisation.slug)
