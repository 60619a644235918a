"""The QM form builder: coaches list, build, edit and publish their organisation's forms.

Editing a version an evaluation has used saves into a new version; the used one never changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching.forms import (
    CriterionRowFormSet,
    NewFormForm,
    content_from_formset,
    rows_from_content,
)
from coaching.models import FormVersion, QMForm
from coaching.qm_forms import (
    FormError,
    form_create,
    version_content,
    version_for_editing,
    version_publish,
    version_replace_content,
)
from organisations import roles
from organisations.decorators import organisation_view


def _form_or_404(request: HttpRequest, form_id: int) -> QMForm:
    form = QMForm.objects.filter(organisation=request.organisation, pk=form_id).first()
    if form is None:
        raise Http404
    return form


@organisation_view(roles.MANAGE_QM_FORMS)
def form_list(request: HttpRequest) -> HttpResponse:
    forms = QMForm.objects.filter(organisation=request.organisation).prefetch_related("versions")
    return render(request, "coaching/form_list.html", {"forms": forms})


@transaction.atomic  # a refused edit leaves no new draft behind
def _save(request: HttpRequest, formset, *, form: QMForm | None, name: str = ""):
    content = content_from_formset(formset)
    if form is None:
        return form_create(
            organisation=request.organisation, name=name, sections=content, actor=request.user
        )
    version = version_for_editing(form=form, actor=request.user)
    version_replace_content(version=version, sections=content)
    return version


@organisation_view(roles.MANAGE_QM_FORMS)
def form_edit(request: HttpRequest, form_id: int | None = None) -> HttpResponse:
    form = _form_or_404(request, form_id) if form_id is not None else None
    latest = form.versions.order_by("-number").first() if form else None
    name_form = NewFormForm(request.POST or None) if form is None else None
    if request.method == "POST":
        formset = CriterionRowFormSet(request.POST, prefix="rows")
        if formset.is_valid() and (name_form is None or name_form.is_valid()):
            try:
                version = _save(
                    request,
                    formset,
                    form=form,
                    name=name_form.cleaned_data["name"] if name_form else "",
                )
            except FormError as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    _("Saved as version %(number)d (not yet in use: publish it).")
                    % {"number": version.number},
                )
                return redirect("coaching:forms", org_slug=request.organisation.slug)
    else:
        rows = rows_from_content(version_content(latest)) if latest else []
        formset = CriterionRowFormSet(initial=rows, prefix="rows")
    return render(
        request,
        "coaching/form_edit.html",
        {
            "form": form,
            "latest": latest,
            "name_form": name_form,
            "formset": formset,
            "makes_new_version": bool(latest and latest.in_use),
        },
        status=400 if request.method == "POST" else 200,
    )


@organisation_view(roles.MANAGE_QM_FORMS)
@require_POST
def form_publish(request: HttpRequest, form_id: int, number: int) -> HttpResponse:
    form = _form_or_404(request, form_id)
    version = FormVersion.objects.filter(form=form, number=number).first()
    if version is None:
        raise Http404
    version_publish(version=version, actor=request.user)
    messages.success(
        request,
        _("Version %(number)d of “%(name)s” is now the one new evaluations use.")
        % {"number": number, "name": form.name},
    )
    return redirect("coaching:forms", org_slug=request.organisation.slug)


@organisation_view(roles.MANAGE_QM_FORMS)
def version_detail(request: HttpRequest, form_id: int, number: int) -> HttpResponse:
    form = _form_or_404(request, form_id)
    version = FormVersion.objects.filter(form=form, number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "coaching/version_detail.html",
        {"qm_form": form, "version": version, "content": version_content(version)},
    )
