"""Consent and calibration pages: the coach asks, the employee answers, the lead runs a session
and everyone sees the comparison once it is closed."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from access.actions import RecordingAction
from access.selectors import recording_get_for_user
from coaching.agreement import answer_label, on_common_scale
from coaching.calibration import (
    at_risk,
    calibration_close,
    calibration_comparison,
    calibration_open,
    calibration_score,
    session_for,
    submitted,
)
from coaching.consent import (
    consent_answer,
    consent_ask,
    consent_granted,
    consent_withdraw,
)
from coaching.constants import ConsentStatus, ConsentUse, SessionStatus
from coaching.evaluations import EvaluationError, hearable_purposes
from coaching.models import Consent
from coaching.qm_forms import published_versions
from organisations import roles
from organisations.decorators import organisation_view
from organisations.models import Membership
from organisations.widgets import DateInput


class ConsentAskForm(forms.Form):
    use = forms.ChoiceField(label=gettext_lazy("Use the call"), choices=ConsentUse.choices)
    note = forms.CharField(
        label=gettext_lazy("Why you ask (the employee reads this)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@organisation_view(roles.EVALUATE_CALLS)
def consent_ask_view(request: HttpRequest, recording_id: uuid.UUID) -> HttpResponse:
    recording = recording_get_for_user(membership=request.membership, recording_id=recording_id)
    form = ConsentAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_ask(
                membership=request.membership,
                recording=recording,
                use=form.cleaned_data["use"],
                note=form.cleaned_data["note"],
            )
        except EvaluationError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Asked. Status: %(status)s.") % {"status": consent.get_status_display()},
            )
            return redirect(
                "access:recording_detail",
                org_slug=request.organisation.slug,
                recording_id=recording.pk,
            )
    return render(
        request,
        "coaching/consent_ask.html",
        {"recording": recording, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def consent_answer_view(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    decision = request.POST.get("decision")
    try:
        if decision == "withdraw":
            consent_withdraw(membership=request.membership, consent_id=consent_id)
        elif decision in ("grant", "refuse"):
            consent_answer(
                membership=request.membership, consent_id=consent_id, grant=decision == "grant"
            )
        else:
            raise EvaluationError(_("Choose to grant or to refuse."))
    except EvaluationError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("coaching:overview", org_slug=request.organisation.slug)


class SessionForm(forms.Form):
    version = forms.TypedChoiceField(label=gettext_lazy("QM form"), coerce=int)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"))
    participants = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Coaches"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    expert = forms.TypedChoiceField(
        label=gettext_lazy("Expert (the reference)"), coerce=int, required=False, empty_value=None
    )
    closes_by = forms.DateField(label=gettext_lazy("To be closed by"), widget=DateInput())
    hide_employee = forms.BooleanField(
        label=gettext_lazy("Hide the employee's name until the session is closed"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, versions, purposes, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [(v.pk, f"{v.form.name} (v{v.number})") for v in versions]
        self.fields["purpose"].choices = [(p.code, p.label) for p in purposes]
        people = [(m.user_id, m.user.get_username()) for m in coaches]
        self.fields["participants"].choices = people
        self.fields["expert"].choices = [("", "—"), *people]


@organisation_view(roles.EVALUATE_CALLS)
def calibration_new(request: HttpRequest, recording_id: uuid.UUID) -> HttpResponse:
    recording = recording_get_for_user(membership=request.membership, recording_id=recording_id)
    versions = list(published_versions(request.organisation))
    coaches = [
        m
        for m in Membership.objects.filter(organisation=request.organisation).select_related(
            "user", "organisation"
        )
        if m.user.has_perm(f"organisations.{roles.EVALUATE_CALLS}", request.organisation)
    ]
    form = SessionForm(
        request.POST or None,
        versions=versions,
        purposes=hearable_purposes(request.membership, recording),
        coaches=coaches,
        initial={
            "closes_by": min(
                timezone.localdate() + timedelta(days=7),
                timezone.localtime(recording.purge_deadline).date() - timedelta(days=1),
            ),
            "participants": [request.user.pk],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = calibration_open(
                membership=request.membership,
                recording=recording,
                version=next(v for v in versions if v.pk == data["version"]),
                purpose_code=data["purpose"],
                participant_ids=data["participants"],
                expert_id=data["expert"],
                closes_by=data["closes_by"],
                hide_employee=data["hide_employee"],
            )
        except EvaluationError as refusal:
            messages.error(request, str(refusal))
        else:
            return redirect(
                "coaching:calibration", org_slug=request.organisation.slug, session_id=session.pk
            )
    return render(
        request,
        "coaching/calibration_new.html",
        {
            "recording": recording,
            "form": form,
            "consent": consent_granted(recording, ConsentUse.CALIBRATION),
        },
        status=400 if request.method == "POST" else 200,
    )


def _chart(comparison) -> list[dict]:
    """One row of dots per criterion on the 0-10 scale, for the SVG chart (no script)."""
    rows = []
    for n, row in enumerate(comparison.rows):
        dots = []
        for coach, value in enumerate(row.answers):
            scaled = on_common_scale(row.answer_type, value)
            if scaled is not None:
                dots.append(
                    {
                        "x": 20 + scaled * 30,
                        "coach": comparison.coaches[coach],
                        "reference": comparison.coaches[coach] == comparison.reference_coach,
                    }
                )
        rows.append({"y": 20 + n * 24, "dots": dots, "label": n + 1})
    return rows


@organisation_view(roles.EVALUATE_CALLS)
def calibration_detail(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = session_for(request.membership, session_id)
    if session is None:
        raise Http404
    closed = session.status == SessionStatus.CLOSED
    comparison = calibration_comparison(session) if closed else None
    table = []
    if comparison:
        for row in comparison.rows:
            table.append(
                {
                    "row": row,
                    "labels": [
                        answer_label(row.answer_type, value, na)
                        for value, na in zip(row.answers, row.not_applicable, strict=True)
                    ],
                }
            )
    done = {e.coach_id for e in submitted(session)}
    return render(
        request,
        "coaching/calibration.html",
        {
            "session": session,
            "participants": [(p, p.pk in done) for p in session.participants.order_by("username")],
            "is_lead": session.lead_id == request.user.pk,
            "is_participant": session.participants.filter(pk=request.user.pk).exists(),
            "at_risk": at_risk(session),
            "comparison": comparison,
            "table": table,
            "chart": _chart(comparison) if comparison else [],
            "chart_height": 40 + 24 * len(table),
            "show_employee": closed or not session.hide_employee,
        },
    )


@organisation_view(roles.EVALUATE_CALLS)
@require_POST
def calibration_score_view(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    try:
        sheet = calibration_score(membership=request.membership, session_id=session_id)
    except EvaluationError as refusal:
        messages.error(request, str(refusal))
        return redirect("coaching:overview", org_slug=request.organisation.slug)
    return redirect(
        "coaching:evaluation", org_slug=request.organisation.slug, evaluation_id=sheet.pk
    )


@organisation_view(roles.EVALUATE_CALLS)
@require_POST
def calibration_close_view(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    try:
        calibration_close(membership=request.membership, session_id=session_id)
    except EvaluationError as refusal:
        messages.error(request, str(refusal))
    return redirect(
        "coaching:calibration", org_slug=request.organisation.slug, session_id=session_id
    )


def consent_and_calibration_actions(membership, recording) -> list:
    """Ask consent, or open a calibration session once it is granted. For a coach who may
    hear the call (coaching.views.coaching_actions checks that once for all its actions)."""
    slug = membership.organisation.slug
    kwargs = {"org_slug": slug, "recording_id": recording.pk}
    # One read of the live (pending or granted) questions answers both "granted?" and "asked?".
    live = list(
        Consent.objects.filter(
            recording=recording,
            use=ConsentUse.CALIBRATION,
            status__in=(ConsentStatus.PENDING, ConsentStatus.GRANTED),
        ).only("status")
    )
    if any(consent.status == ConsentStatus.GRANTED for consent in live):
        return [
            RecordingAction(
                _("Open a calibration session on this call"),
                reverse("coaching:calibration_new", kwargs=kwargs),
            )
        ]
    if live:
        return [RecordingAction(_("Consent asked, waiting for the employee"), "")]
    if recording.employee is None or recording.employee.user_id is None:
        return []
    return [
        RecordingAction(
            _("Ask the employee's consent to use this call"),
            reverse("coaching:consent_ask", kwargs=kwargs),
        )
    ]
