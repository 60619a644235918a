"""Importing a register file in the browser: upload, preview of what would happen, confirm.

The file waits in the session between preview and confirm (by its SHA-256), and is checked
again on confirm: the register may have changed in between."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view
from register.import_reading import MAX_BYTES
from register.importing import (
    ImportPlan,
    ImportRefused,
    import_plan,
    import_refusal_record,
    register_import,
)

_SESSION_KEY = "register_import"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Earshot register export (JSON)"),
        help_text=gettext_lazy(
            "The JSON file Earshot's register page exports (Export as JSON), from this or "
            "another installation. Nothing changes before you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )


def _render(request: HttpRequest, form: ImportForm, plan: ImportPlan | None, status: int):
    return render(request, "register/import.html", {"form": form, "plan": plan}, status=status)


@organisation_view(roles.CHANGE_REGISTER)
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, ImportForm(), None, 200)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form, None, 400)
    upload = form.cleaned_data["file"]
    # One byte over the limit is enough to say it is too large.
    content = upload.read(MAX_BYTES + 1)
    plan = import_plan(organisation=request.organisation, content=content)
    if not plan.ok:
        import_refusal_record(
            organisation=request.organisation,
            actor=request.user,
            plan=plan,
            source="browser",
            ip_address=client_ip(request),
        )
        return _render(request, ImportForm(), plan, 400)
    request.session[_SESSION_KEY] = {
        "organisation": request.organisation.pk,
        "sha256": plan.digest,
        "content": base64.b64encode(content).decode("ascii"),
    }
    return _render(request, ImportForm(), plan, 200)


@organisation_view(roles.CHANGE_REGISTER)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    stashed = request.session.get(_SESSION_KEY) or {}
    if stashed.get("organisation") != request.organisation.pk or stashed.get(
        "sha256"
    ) != request.POST.get("sha256"):
        messages.error(request, _("That preview is no longer available; upload the file again."))
        return redirect("register:import", org_slug=request.organisation.slug)
    content = base64.b64decode(stashed["content"])
    try:
        plan = register_import(
            organisation=request.organisation,
            actor=request.user,
            content=content,
            source="browser",
            ip_address=client_ip(request),
        )
    except ImportRefused as refused:
        request.session.pop(_SESSION_KEY, None)
        return _render(request, ImportForm(), refused.plan, 400)
    request.session.pop(_SESSION_KEY, None)
    messages.success(
        request,
        _("Imported: %(references)s.")
        % {"references": ", ".join(p.document["reference"] for p in plan.activities)},
    )
    return redirect("register:overview", org_slug=request.organisation.slug)
