"""Pages of the four-eyes reset of a lost two-factor device (organisations.twofactor_resets)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organisations import roles
from organisations.decorators import organisation_view
from organisations.models_twofactor import OPEN_STATUSES, TwoFactorResetStatus
from organisations.twofactor_forms import ResetRequestForm
from organisations.twofactor_resets import (
    REQUESTER_ROLES,
    TwoFactorResetError,
    may_decide,
    reset_get_for_organisation,
    resets_for_organisation,
    two_factor_reset_decide,
    two_factor_reset_request,
)


def _page(request: HttpRequest, form: ResetRequestForm | None, status: int = 200) -> HttpResponse:
    organisation = request.organisation
    resets = resets_for_organisation(organisation=organisation)
    open_resets = list(resets.filter(status__in=OPEN_STATUSES))
    for reset in open_resets:
        reset.may_decide = may_decide(reset=reset, membership=request.membership)
    may_request = request.membership.role in REQUESTER_ROLES
    if may_request and form is None:
        form = ResetRequestForm(organisation=organisation)
    context = {
        "open_resets": open_resets,
        "decided_resets": resets.exclude(status__in=OPEN_STATUSES)[:20],
        "form": form if may_request else None,
    }
    return render(request, "organisations/two_factor_resets.html", context, status=status)


@organisation_view(roles.APPROVE_TWO_FACTOR_RESET)
@require_GET
def reset_list(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@organisation_view(roles.MANAGE_MEMBERS)
@require_POST
def reset_new(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            reset = two_factor_reset_request(
                organisation=request.organisation,
                member=form.cleaned_data["member"],
                motivation=form.cleaned_data["motivation"],
                actor=request.user,
            )
        except TwoFactorResetError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "The reset of %(user)s waits for another administrator or the privacy "
                    "officer to approve it."
                )
                % {"user": reset.member.get_username()},
            )
            return redirect("twofactor_resets:list", org_slug=request.organisation.slug)
    return _page(request, form, status=400)


def _decide(request: HttpRequest, reset_id: int, *, approve: bool) -> HttpResponse:
    # Another organisation's id answers 404 before anything is decided.
    reset_get_for_organisation(organisation=request.organisation, reset_id=reset_id)
    try:
        reset = two_factor_reset_decide(
            organisation=request.organisation,
            reset_id=reset_id,
            approve=approve,
            actor=request.user,
        )
    except TwoFactorResetError as error:
        messages.error(request, str(error))
    else:
        user = reset.member.get_username()
        if reset.status == TwoFactorResetStatus.COMPLETED:
            messages.success(
                request,
                _(
                    "%(user)s's two-factor device and backup codes are removed; they set up a "
                    "new device at their next sign-in."
                )
                % {"user": user},
            )
        elif reset.status == TwoFactorResetStatus.APPROVED:
            messages.success(
                request,
                _(
                    "Approved. %(user)s also signs in with two-factor for another organisation: "
                    "the device is removed once a reset is approved there as well."
                )
                % {"user": user},
            )
        else:
            messages.success(request, _("The reset of %(user)s is denied.") % {"user": user})
    return redirect("twofactor_resets:list", org_slug=request.organisation.slug)


@organisation_view(roles.APPROVE_TWO_FACTOR_RESET)
@require_POST
def reset_approve(request: HttpRequest, reset_id: int) -> HttpResponse:
    return _decide(request, reset_id, approve=True)


@organisation_view(roles.APPROVE_TWO_FACTOR_RESET)
@require_POST
def reset_deny(request: HttpRequest, reset_id: int) -> HttpResponse:
    return _decide(request, reset_id, approve=False)
