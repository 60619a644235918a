"""The processing register pages: the register with its evidence, its exports, editing and
versions; the recording policy, its publication and its acknowledgement."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

import audit
from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view
from register import exports
from register.acknowledgement import (
    current_policy,
    policy_acknowledge,
    policy_coverage,
    policy_publish,
)
from register.constants import DataCategory
from register.document import ENTRY_FIELDS, PURPOSE_FIELDS, RECIPIENT_FIELDS
from register.evidence import Evidence, evidence_for_member
from register.forms import (
    ActivityCreateForm,
    ActivityForm,
    EntryFormSet,
    NewEntryFormSet,
    NewPurposeFormSet,
    NewRecipientFormSet,
    PurposeFormSet,
    RecipientFormSet,
    RecordingPolicyForm,
    formset_rows,
)
from register.models import ProcessingActivity, RecordingPolicy, RegisterVersion
from register.selectors import activities_for_organisation
from register.services import (
    RegisterError,
    activity_create,
    activity_rule_problems,
    activity_update,
)


def _may_change(request: HttpRequest) -> bool:
    return request.user.has_perm(f"organisations.{roles.CHANGE_REGISTER}", request.organisation)


def _activity_rows(activity: ProcessingActivity, by_key: dict[str, list[Evidence]]) -> dict:
    """An activity with each declared line beside the evidence that concerns it."""
    entries = [
        (e, e.data_category == DataCategory.RECORDING) for e in activity.data_subject_entries.all()
    ]
    declares_recordings = any(is_recording for _entry, is_recording in entries)
    return {
        "activity": activity,
        "purposes": [(p, by_key.get(f"purpose:{p.code}", [])) for p in activity.purposes.all()],
        "entries": entries,
        "recipients": [
            (r, by_key.get(f"recipient:{r.name}", [])) for r in activity.recipients.all()
        ],
        "retention_evidence": (
            by_key.get(f"category:{DataCategory.RECORDING}", []) if declares_recordings else []
        ),
    }


@organisation_view(roles.VIEW_REGISTER)
def overview(request: HttpRequest) -> HttpResponse:
    evidence = evidence_for_member(request.membership)
    by_key: dict[str, list[Evidence]] = {}
    for line in evidence:
        if line.key:
            by_key.setdefault(line.key, []).append(line)
    return render(
        request,
        "register/overview.html",
        {
            "activities": [
                _activity_rows(activity, by_key)
                for activity in activities_for_organisation(organisation=request.organisation)
            ],
            "summary": [line for line in evidence if not line.key],
            "mismatches": [line for line in evidence if not line.ok],
            "evidence_time": timezone.now(),
            "may_change": _may_change(request),
        },
    )


@organisation_view(roles.VIEW_REGISTER)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The register with its evidence as JSON, CSV or PDF, in the language of the page."""
    makers = {"json": exports.as_json, "csv": exports.as_csv, "pdf": exports.as_pdf}
    if fmt not in makers:
        raise Http404
    response = makers[fmt](request.organisation)
    audit.record(
        actor=request.user,
        action="register.exported",
        organisation=request.organisation,
        detail={"format": fmt},
        ip_address=client_ip(request),
    )
    return response


def _activity_or_404(request: HttpRequest, activity_id: int) -> ProcessingActivity:
    activity = ProcessingActivity.objects.filter(
        organisation=request.organisation, pk=activity_id
    ).first()
    if activity is None:
        raise Http404
    return activity


# The formset prefix of each section of the document.
_PREFIX = {"purposes": "purposes", "data_subject_entries": "entries", "recipients": "recipients"}


def _kept_forms(formset) -> list:
    """The forms of the lines a valid formset keeps, in the order formset_rows gives them."""
    return [
        form
        for form in formset.forms
        if (form.has_changed() or form.instance.pk) and not form.cleaned_data.get("DELETE")
    ]


@organisation_view(roles.CHANGE_REGISTER)
def activity_new(request: HttpRequest) -> HttpResponse:
    """A new processing activity with as many purposes, data-subject entries and recipients as
    it needs, in one save (the page's script adds lines; without it, a few empty ones)."""
    data = request.POST if request.method == "POST" else None
    blank = ProcessingActivity(organisation=request.organisation)
    form = ActivityCreateForm(data, instance=blank, organisation=request.organisation)
    formsets = {
        "purposes": NewPurposeFormSet(data, instance=blank, prefix="purposes"),
        "entries": NewEntryFormSet(data, instance=blank, prefix="entries"),
        "recipients": NewRecipientFormSet(data, instance=blank, prefix="recipients"),
    }
    section_errors: dict[str, list[str]] = {}
    error = ""
    if data is not None and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        try:
            rows = {
                "purposes": formset_rows(formsets["purposes"], PURPOSE_FIELDS),
                "data_subject_entries": formset_rows(formsets["entries"], ENTRY_FIELDS),
                "recipients": formset_rows(formsets["recipients"], RECIPIENT_FIELDS),
            }
            problems = activity_rule_problems(
                organisation=request.organisation,
                purposes=rows["purposes"],
                data_subject_entries=rows["data_subject_entries"],
            )
            for problem in problems:
                prefix = _PREFIX[problem.section]
                if problem.line is None:
                    section_errors.setdefault(prefix, []).append(problem.message)
                else:
                    # Beside the field of the line it concerns.
                    line = _kept_forms(formsets[prefix])[problem.line - 1]
                    line.add_error(problem.field, problem.message)
            if not problems:
                activity = activity_create(
                    organisation=request.organisation,
                    actor=request.user,
                    ip_address=client_ip(request),
                    **{name: form.cleaned_data[name] for name in form.fields},
                    **rows,
                )
        except RegisterError as refusal:
            error = str(refusal)
        else:
            if not problems:
                messages.success(
                    request,
                    _("%(reference)s is in the register as version 1.")
                    % {"reference": activity.reference},
                )
                return redirect(
                    reverse("register:overview", kwargs={"org_slug": request.organisation.slug})
                    + f"#activity-{activity.pk}"
                )
    return render(
        request,
        "register/activity_new.html",
        {
            "form": form,
            "sections": [
                (name, formset, section_errors.get(name, [])) for name, formset in formsets.items()
            ],
            "error": error,
        },
        status=400 if data is not None else 200,
    )


@organisation_view(roles.CHANGE_REGISTER)
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _activity_or_404(request, activity_id)
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, instance=activity)
    formsets = {
        "purposes": PurposeFormSet(data, instance=activity, prefix="purposes"),
        "entries": EntryFormSet(data, instance=activity, prefix="entries"),
        "recipients": RecipientFormSet(data, instance=activity, prefix="recipients"),
    }
    error = ""
    if data is not None and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        try:
            rows = {
                "purposes": formset_rows(formsets["purposes"], PURPOSE_FIELDS),
                "data_subject_entries": formset_rows(formsets["entries"], ENTRY_FIELDS),
                "recipients": formset_rows(formsets["recipients"], RECIPIENT_FIELDS),
            }
            version = activity_update(
                activity=activity,
                actor=request.user,
                fields={name: form.cleaned_data[name] for name in form.fields},
                **rows,
                ip_address=client_ip(request),
            )
        except RegisterError as refusal:
            error = str(refusal)
        else:
            if version is None:
                messages.info(request, _("Nothing changed; no new version was made."))
            else:
                messages.success(
                    request,
                    _("Saved as version %(number)d of %(reference)s.")
                    % {"number": version.number, "reference": activity.reference},
                )
            return redirect("register:overview", org_slug=request.organisation.slug)
    return render(
        request,
        "register/activity_edit.html",
        {"activity": activity, "form": form, "formsets": formsets, "error": error},
        status=400 if data is not None else 200,
    )


@organisation_view(roles.VIEW_REGISTER)
def versions(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _activity_or_404(request, activity_id)
    return render(
        request,
        "register/versions.html",
        {"activity": activity, "versions": activity.versions.select_related("created_by")},
    )


@organisation_view(roles.VIEW_REGISTER)
def version_detail(request: HttpRequest, activity_id: int, number: int) -> HttpResponse:
    activity = _activity_or_404(request, activity_id)
    version = RegisterVersion.objects.filter(activity=activity, number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "register/version_detail.html",
        {
            "activity": activity,
            "version": version,
            "document": exports.labelled(version.snapshot),
        },
    )


# --- the recording policy ---------------------------------------------------------------------


@organisation_view(roles.VIEW_REGISTER)
def policy(request: HttpRequest) -> HttpResponse:
    coverage = policy_coverage(request.organisation)
    language = get_language() or "en"
    return render(
        request,
        "register/policy.html",
        {
            "coverage": coverage,
            "title": coverage.policy.title_in(language) if coverage.policy else "",
            "text": coverage.policy.text_in(language) if coverage.policy else "",
            "versions": RecordingPolicy.objects.filter(organisation=request.organisation)
            .select_related("published_by")
            .order_by("-version"),
            "may_change": _may_change(request),
        },
    )


@organisation_view(roles.CHANGE_REGISTER)
def policy_publish_view(request: HttpRequest) -> HttpResponse:
    current = current_policy(request.organisation)
    if request.method == "POST":
        form = RecordingPolicyForm(request.POST)
        if form.is_valid():
            published = policy_publish(
                organisation=request.organisation,
                actor=request.user,
                ip_address=client_ip(request),
                **form.cleaned_data,
            )
            messages.success(
                request,
                _("Version %(version)d is published; every member will be asked to acknowledge it.")
                % {"version": published.version},
            )
            return redirect("register:policy", org_slug=request.organisation.slug)
    else:
        initial = (
            {f: getattr(current, f) for f in ("title_nl", "title_en", "text_nl", "text_en")}
            if current
            else {}
        )
        form = RecordingPolicyForm(initial=initial)
    return render(
        request,
        "register/policy_publish.html",
        {"form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("organisations:dashboard", kwargs={"org_slug": request.organisation.slug})


# Every member reaches this page (the dashboard right is every role's), also before they
# have acknowledged: the middleware lets this one path through.
@organisation_view(roles.VIEW_DASHBOARD)
def policy_acknowledge_view(request: HttpRequest) -> HttpResponse:
    current = current_policy(request.organisation)
    if current is None:
        return redirect(_next_url(request))
    language = get_language() or "en"
    already = current.acknowledgements.filter(user=request.user).exists()
    if request.method == "POST":
        shown = request.POST.get("version", "")
        if shown != str(current.version):
            # A newer version was published while this page was open: show that one.
            messages.warning(
                request, _("A newer version of the policy was published. Please read it first.")
            )
            return redirect(request.get_full_path())
        policy_acknowledge(
            policy=current, user=request.user, language=language, ip_address=client_ip(request)
        )
        return redirect(_next_url(request))
    return render(
        request,
        "register/policy_acknowledge.html",
        {
            "policy": current,
            "title": current.title_in(language),
            "text": current.text_in(language),
            "already": already,
            "next": _next_url(request),
        },
    )
