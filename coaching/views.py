"""Coaching pages: the coach's and the employee's overview, evaluating a call beside the player,
and the employee reading and acknowledging a released evaluation."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.actions import RecordingAction
from access.selectors import recording_get_for_user
from coaching.calibration import sessions_for
from coaching.constants import (
    ANSWER_VALUES,
    ARBITER_ROLES,
    AnswerType,
    DisputeStatus,
    EvaluationStatus,
    SessionStatus,
)
from coaching.disputes import dispute_deadline, disputes_left, settings_for
from coaching.evaluations import (
    EvaluationError,
    answers_from_post,
    evaluation_acknowledge,
    evaluation_for_reader,
    evaluation_release,
    evaluation_save_draft,
    evaluation_start,
    evaluations_of_employee,
    hearable_purposes,
    timed_comment_add,
)
from coaching.models import Consent, Evaluation
from coaching.qm_forms import published_versions, version_criteria
from organisations import roles
from organisations.confirm import irreversible_confirmed
from organisations.decorators import organisation_view

_RELEASED_STATES = (
    EvaluationStatus.RELEASED,
    EvaluationStatus.ACKNOWLEDGED,
    EvaluationStatus.DISPUTED,
)
# Within this long of the audio's purge the coach is warned on the evaluation page.
NEAR_DEADLINE = timedelta(days=3)


def _may_evaluate(request: HttpRequest) -> bool:
    return request.user.has_perm(f"organisations.{roles.EVALUATE_CALLS}", request.organisation)


@organisation_view(roles.VIEW_DASHBOARD)
def overview(request: HttpRequest) -> HttpResponse:
    given = Evaluation.objects.none()
    if _may_evaluate(request):
        given = (
            Evaluation.objects.filter(organisation=request.organisation, coach=request.user)
            .select_related("form_version__form", "employee", "purpose")
            .order_by("-updated_at")[:100]
        )
    return render(
        request,
        "coaching/overview.html",
        {
            "given": given,
            "received": evaluations_of_employee(request.membership)[:100],
            "consents": Consent.objects.filter(
                organisation=request.organisation, employee__user=request.user
            ).select_related("recording", "asked_by")[:50],
            "sessions": sessions_for(request.membership)[:50] if _may_evaluate(request) else [],
            "may_manage_forms": request.user.has_perm(
                f"organisations.{roles.MANAGE_QM_FORMS}", request.organisation
            ),
        },
    )


@organisation_view(roles.EVALUATE_CALLS)
def evaluation_new(request: HttpRequest, recording_id: uuid.UUID) -> HttpResponse:
    recording = recording_get_for_user(membership=request.membership, recording_id=recording_id)
    purposes = hearable_purposes(request.membership, recording)
    versions = list(published_versions(request.organisation))
    error = ""
    if request.method == "POST":
        version = next((v for v in versions if str(v.pk) == request.POST.get("version")), None)
        try:
            if version is None:
                raise EvaluationError(_("Choose a QM form."))
            evaluation = evaluation_start(
                membership=request.membership,
                recording=recording,
                version=version,
                purpose_code=request.POST.get("purpose", ""),
            )
        except EvaluationError as refusal:
            error = str(refusal)
        else:
            return redirect(
                "coaching:evaluation",
                org_slug=request.organisation.slug,
                evaluation_id=evaluation.pk,
            )
    return render(
        request,
        "coaching/evaluation_new.html",
        {"recording": recording, "purposes": purposes, "versions": versions, "error": error},
        status=400 if error else 200,
    )


def _reader_or_404(request: HttpRequest, evaluation_id: uuid.UUID) -> Evaluation:
    evaluation = evaluation_for_reader(request.membership, evaluation_id)
    if evaluation is None:
        raise Http404
    return evaluation


@organisation_view(roles.VIEW_DASHBOARD)
def evaluation_detail(request: HttpRequest, evaluation_id: uuid.UUID) -> HttpResponse:
    evaluation = _reader_or_404(request, evaluation_id)
    editing = evaluation.status == EvaluationStatus.DRAFT and evaluation.coach_id == request.user.pk
    answers = {answer.criterion_id: answer for answer in evaluation.answers.all()}
    sections: dict[int, dict] = {}
    for criterion in version_criteria(evaluation.form_version):
        section = sections.setdefault(
            criterion.section_id, {"title": criterion.section.title, "rows": []}
        )
        values = ANSWER_VALUES[AnswerType(criterion.answer_type)]
        section["rows"].append((criterion, answers.get(criterion.pk), values))
    recording = evaluation.recording
    deadline_near = editing and recording.purge_deadline - timezone.now() < NEAR_DEADLINE
    disputes = list(evaluation.disputes.select_related("criterion", "answered_by"))
    open_criteria = {d.criterion_id for d in disputes if d.status == DisputeStatus.OPEN}
    is_coach = evaluation.coach_id == request.user.pk
    # The call's own employee (the arbiter also reads disputed evaluations, but is neither).
    is_employee = evaluation.employee is not None and evaluation.employee.user_id == (
        request.user.pk
    )
    deadline = dispute_deadline(evaluation)
    released = evaluation.calibration_id is None and evaluation.status in _RELEASED_STATES
    may_dispute = (
        is_employee
        and released
        and deadline is not None
        and timezone.now() <= deadline
        and disputes_left(evaluation) > 0
    )
    arbiter = settings_for(evaluation.organisation).arbiter_id
    return render(
        request,
        "coaching/evaluation.html",
        {
            "evaluation": evaluation,
            "disputes": disputes,
            "open_criteria": open_criteria,
            "may_dispute": may_dispute,
            "dispute_deadline": deadline,
            "disputes_left": disputes_left(evaluation),
            "may_answer_disputes": request.user.pk == evaluation.coach_id
            or (request.user.pk == arbiter and request.membership.role in ARBITER_ROLES),
            "may_retract": is_coach and released,
            "revisions": evaluation.revisions.all(),
            "sections": list(sections.values()),
            "editing": editing,
            "recording": recording,
            "audio_available": recording.status in ("active", "held"),
            "deadline_near": deadline_near,
            "purposes": [
                {
                    "code": evaluation.purpose.code,
                    "description": evaluation.purpose.description,
                    "label": evaluation.purpose.label,
                    "until": None,
                }
            ],
            "is_employee": is_employee,
            "calibration": evaluation.calibration,
            # A blind calibration may hide whose call it is until the lead closes it.
            "show_employee": not (
                evaluation.calibration
                and evaluation.calibration.hide_employee
                and evaluation.calibration.status == SessionStatus.OPEN
            ),
        },
    )


@organisation_view(roles.EVALUATE_CALLS)
@require_POST
def evaluation_draft(request: HttpRequest, evaluation_id: uuid.UUID) -> HttpResponse:
    """Autosave (the page posts the whole form as the coach answers) and the Save button."""
    evaluation = _reader_or_404(request, evaluation_id)
    try:
        evaluation_save_draft(
            membership=request.membership,
            evaluation_id=evaluation.pk,
            answers=answers_from_post(request.POST, version_criteria(evaluation.form_version)),
            summary=request.POST.get("summary", ""),
        )
    except EvaluationError as refusal:
        if request.headers.get("X-Autosave"):
            return JsonResponse({"error": str(refusal)}, status=400)
        messages.error(request, str(refusal))
    else:
        saved = timezone.localtime().strftime("%H:%M:%S")
        if request.headers.get("X-Autosave"):
            return JsonResponse({"saved_at": saved})
        if "release" in request.POST:
            return _release(request, evaluation)
        messages.success(request, _("Draft saved at %(time)s.") % {"time": saved})
    return redirect(
        "coaching:evaluation", org_slug=request.organisation.slug, evaluation_id=evaluation.pk
    )


def _release(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    # Releasing to the employee cannot be undone: the draft was saved, the release waits for
    # the box "I understand this cannot be undone". Calibration scores are not shown to anyone.
    if not evaluation.calibration_id and not irreversible_confirmed(request):
        return redirect(
            "coaching:evaluation", org_slug=request.organisation.slug, evaluation_id=evaluation.pk
        )
    try:
        released = evaluation_release(membership=request.membership, evaluation_id=evaluation.pk)
    except EvaluationError as refusal:
        messages.error(request, str(refusal))
    else:
        if released.calibration_id:
            messages.success(request, _("Your calibration scores are submitted."))
            return redirect(
                "coaching:calibration",
                org_slug=request.organisation.slug,
                session_id=released.calibration_id,
            )
        messages.success(
            request,
            _("Released to the employee. Score: %(score)s.")
            % {"score": "—" if released.score is None else f"{number_format(released.score)} %"},
        )
    return redirect(
        "coaching:evaluation", org_slug=request.organisation.slug, evaluation_id=evaluation.pk
    )


@organisation_view(roles.EVALUATE_CALLS)
@require_POST
def evaluation_comment(request: HttpRequest, evaluation_id: uuid.UUID) -> HttpResponse:
    evaluation = _reader_or_404(request, evaluation_id)
    try:
        second = float(request.POST.get("second", ""))
        comment = timed_comment_add(
            membership=request.membership,
            evaluation_id=evaluation.pk,
            second=second,
            text=request.POST.get("text", ""),
        )
    except ValueError:
        return JsonResponse({"error": _("That moment is not in the call.")}, status=400)
    except EvaluationError as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    return JsonResponse({"second": float(comment.second), "text": comment.text})


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def evaluation_acknowledge_view(request: HttpRequest, evaluation_id: uuid.UUID) -> HttpResponse:
    try:
        evaluation_acknowledge(membership=request.membership, evaluation_id=evaluation_id)
    except EvaluationError as refusal:
        raise Http404 from refusal
    messages.success(request, _("You have acknowledged this evaluation."))
    return redirect(
        "coaching:evaluation", org_slug=request.organisation.slug, evaluation_id=evaluation_id
    )


def coaching_actions(membership, recording) -> list[RecordingAction]:
    """On the call's page, for a coach who may hear it: evaluate it, and ask consent to use it
    or open a calibration session on it. Whether they may hear it is asked once."""
    from access.request_memo import member_has_perm
    from coaching.views_calibration import consent_and_calibration_actions

    if not member_has_perm(
        membership, f"organisations.{roles.EVALUATE_CALLS}"
    ) or not hearable_purposes(membership, recording):
        return []
    url = reverse(
        "coaching:evaluation_new",
        kwargs={"org_slug": membership.organisation.slug, "recording_id": recording.pk},
    )
    return [
        RecordingAction(_("Evaluate this call with a QM form"), url),
        *consent_and_calibration_actions(membership, recording),
    ]
