"""The coaching settings page: readers of the access policy see them, whoever may change the
access policy (the organisation's administrator) changes them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coaching.coaching_settings import (
    arbiter_candidates,
    coaching_settings_get,
    coaching_settings_update,
)
from coaching.models import SampleDraw
from coaching.settings_forms import CoachingSettingsForm
from organisations import roles
from organisations.decorators import organisation_view


@organisation_view(roles.VIEW_ACCESS_POLICY)
def coaching_settings(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    may_change = request.user.has_perm(f"organisations.{roles.CHANGE_ACCESS_POLICY}", organisation)
    current = coaching_settings_get(organisation=organisation)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = CoachingSettingsForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                changed = coaching_settings_update(
                    organisation=organisation, actor=request.user, new=form.values()
                )
            except ValidationError as refusal:
                for field, errors in refusal.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if changed:
                    messages.success(request, _("Coaching settings saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("coaching:settings", org_slug=organisation.slug)
    else:
        form = CoachingSettingsForm(
            initial=CoachingSettingsForm.initial_from(current), organisation=organisation
        )
    if not may_change:
        for field in form.fields.values():
            field.disabled = True
    last_draw = SampleDraw.objects.filter(organisation=organisation).first()
    # An arbiter deactivated or moved to another role since: say so rather than show "none".
    arbiter_gone = (
        current.arbiter is not None
        and not arbiter_candidates(organisation).filter(pk=current.arbiter.pk).exists()
    )
    return render(
        request,
        "coaching/settings.html",
        {
            "form": form,
            "may_change": may_change,
            "last_draw": last_draw,
            "arbiter_gone": arbiter_gone,
        },
    )
