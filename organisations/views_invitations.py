"""Invitations: an organisation's administrator invites members; the invited person accepts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import roles
from organisations.decorators import organisation_view
from organisations.forms_installation import AcceptForm, InvitationForm
from organisations.invitations import (
    InvitationUnusable,
    invitation_accept,
    invitation_approve,
    invitation_create,
    invitation_deny,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    unusable_reason,
)
from organisations.people import is_decider


@organisation_view(roles.MANAGE_MEMBERS)
def invitation_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _invitation, token = invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, sent_message(form.cleaned_data["email"], token))
            return redirect("invitations:list", org_slug=organisation.slug)
    return render(
        request,
        "organisations/invitations.html",
        {"form": form, "invitations": organisation.invitations.select_related("invited_by")},
    )


def sent_message(email: str, token: str | None) -> str:
    if token is None:
        return _(
            "This role may hear calls: the invitation to %(email)s is sent once another "
            "administrator or the privacy officer approves it."
        ) % {"email": email}
    return _("The invitation is sent to %(email)s.") % {"email": email}


def _decided_redirect(request: HttpRequest) -> HttpResponse:
    """Back to the page the decision was made on: the invitations list for who manages
    members, the role changes page (where the privacy officer decides) otherwise."""
    slug = request.organisation.slug
    if request.POST.get("back") != "role_changes" and request.user.has_perm(
        f"organisations.{roles.MANAGE_MEMBERS}", request.organisation
    ):
        return redirect("invitations:list", org_slug=slug)
    return redirect("organisations:role_changes", org_slug=slug)


def _invitation_decision(request: HttpRequest, invitation_id: int, approve: bool) -> HttpResponse:
    # Who may decide is the role change rule (organisations.people.is_decider); the service
    # checks it again with the row locked, and that the decider did not invite.
    if not is_decider(request.membership):
        raise PermissionDenied
    # Looked up inside the current organisation only: another tenant's id answers 404.
    invitation = get_object_or_404(request.organisation.invitations, pk=invitation_id)
    decide = invitation_approve if approve else invitation_deny
    try:
        decide(invitation=invitation, actor=request.user)
    except InvitationUnusable as exc:
        messages.error(request, exc.message)
        return _decided_redirect(request)
    if approve:
        messages.success(
            request,
            _("Approved: the invitation is sent to %(email)s.") % {"email": invitation.email},
        )
    else:
        messages.success(
            request,
            _("Denied: no invitation is sent to %(email)s.") % {"email": invitation.email},
        )
    return _decided_redirect(request)


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def invitation_approve_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _invitation_decision(request, invitation_id, approve=True)


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def invitation_deny_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _invitation_decision(request, invitation_id, approve=False)


@organisation_view(roles.MANAGE_MEMBERS)
@require_POST
def invitation_revoke_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    # Looked up inside the current organisation only: another tenant's id answers 404.
    invitation = get_object_or_404(request.organisation.invitations, pk=invitation_id)
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except InvitationUnusable as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation is revoked; its link no longer works."))
    return redirect("invitations:list", org_slug=request.organisation.slug)


@organisation_view(roles.MANAGE_MEMBERS)
@require_POST
def invitation_resend_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(request.organisation.invitations, pk=invitation_id)
    try:
        invitation_resend(invitation=invitation, actor=request.user)
    except InvitationUnusable as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "The invitation is sent again to %(email)s with a new link; the old link no "
                "longer works."
            )
            % {"email": invitation.email},
        )
    return redirect("invitations:list", org_slug=request.organisation.slug)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the link from the e-mail. A link that cannot be used says why and changes
    nothing."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(
            request,
            "organisations/invitation_unusable.html",
            {"reason": _("This invitation link is not valid. Check that you copied all of it.")},
            status=404,
        )
    reason = unusable_reason(invitation)
    if reason is not None:
        return render(
            request, "organisations/invitation_unusable.html", {"reason": reason}, status=410
        )
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (signed_in or form.is_valid()):
        user = request.user if signed_in else form.save(commit=False)
        try:
            membership = invitation_accept(invitation=invitation, user=user, new_user=not signed_in)
        except InvitationUnusable as exc:
            return render(
                request,
                "organisations/invitation_unusable.html",
                {"reason": exc.message},
                status=409 if signed_in else 410,
            )
        if not signed_in:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to %(organisation)s.") % {"organisation": membership.organisation.name},
        )
        # The dashboard; a role that needs two-factor sign-in is sent to set it up first.
        return redirect("organisations:dashboard", org_slug=membership.organisation.slug)
    return render(
        request,
        "organisations/invitation_accept.html",
        {"invitation": invitation, "form": form, "signed_in": signed_in},
    )
