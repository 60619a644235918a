"""Disputes and retraction on the evaluation page: the employee disputes an answer, the coach or
arbiter answers (and may re-score), the coach retracts with a reason."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching.disputes import dispute_answer, dispute_raise, evaluation_retract
from coaching.evaluations import AnswerInput, EvaluationError
from coaching.models import Dispute
from organisations import roles
from organisations.decorators import organisation_view


def _back(request: HttpRequest, evaluation_id) -> HttpResponse:
    return redirect(
        "coaching:evaluation", org_slug=request.organisation.slug, evaluation_id=evaluation_id
    )


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def dispute_raise_view(request: HttpRequest, evaluation_id: uuid.UUID) -> HttpResponse:
    try:
        dispute_raise(
            membership=request.membership,
            evaluation_id=evaluation_id,
            criterion_id=int(request.POST.get("criterion") or 0),
            reason=request.POST.get("reason", ""),
        )
    except (EvaluationError, ValueError) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Your dispute is sent to the coach."))
    return _back(request, evaluation_id)


def _new_answer(raw: str) -> AnswerInput | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw == "na":
        return AnswerInput(not_applicable=True)
    try:
        return AnswerInput(value=int(raw))
    except ValueError as error:
        raise EvaluationError(_("Give the new answer to re-score.")) from error


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def dispute_answer_view(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = Dispute.objects.filter(
        pk=dispute_id, evaluation__organisation=request.organisation
    ).first()
    if dispute is None:
        raise Http404
    try:
        dispute_answer(
            membership=request.membership,
            dispute_id=dispute.pk,
            uphold=request.POST.get("decision") == "uphold",
            answer=request.POST.get("answer", ""),
            new_answer=_new_answer(request.POST.get("new_answer", "")),
        )
    except EvaluationError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Your answer is sent to the employee."))
    return _back(request, dispute.evaluation_id)


@organisation_view(roles.EVALUATE_CALLS)
@require_POST
def retract_view(request: HttpRequest, evaluation_id: uuid.UUID) -> HttpResponse:
    try:
        evaluation_retract(
            membership=request.membership,
            evaluation_id=evaluation_id,
            reason=request.POST.get("reason", ""),
        )
    except EvaluationError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The evaluation is retracted."))
    return _back(request, evaluation_id)
