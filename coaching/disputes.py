"""The employee disputes an answer of a released evaluation; the coach (or the arbiter) answers
and may re-score, keeping the evaluation as it stood before; the coach may retract it.

Disputes are allowed within the organisation's window after release and up to its number per
evaluation (CoachingSettings; 14 days and 2 by default). While a dispute is open the evaluation
is "disputed"; answering the last one returns it to "released".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from coaching.constants import ARBITER_ROLES, DisputeStatus, EvaluationStatus
from coaching.evaluations import (
    AnswerInput,
    EvaluationError,
    check_answer,
    evaluation_score,
    evaluations_of_employee,
)
from coaching.models import (
    Answer,
    CoachingSettings,
    Criterion,
    Dispute,
    Evaluation,
    EvaluationRevision,
)
from coaching.rollups import rollup_refresh
from organisations.models import Membership

MIN_REASON_WORDS = 4


def settings_for(organisation) -> CoachingSettings:
    return CoachingSettings.objects.filter(organisation=organisation).first() or (
        CoachingSettings(organisation=organisation)
    )


def dispute_deadline(evaluation: Evaluation):
    days = settings_for(evaluation.organisation).dispute_days
    return evaluation.released_at + timedelta(days=days) if evaluation.released_at else None


def disputes_left(evaluation: Evaluation) -> int:
    allowed = settings_for(evaluation.organisation).max_disputes
    return max(0, allowed - evaluation.disputes.count())


@transaction.atomic
def dispute_raise(
    *, membership: Membership, evaluation_id: Any, criterion_id: int, reason: str
) -> Dispute:
    evaluation = (
        evaluations_of_employee(membership)
        .select_for_update(of=("self",))
        .filter(pk=evaluation_id)
        .first()
    )
    if evaluation is None:
        raise EvaluationError(_("This evaluation is not yours to dispute."))
    if evaluation.status not in (
        EvaluationStatus.RELEASED,
        EvaluationStatus.ACKNOWLEDGED,
        EvaluationStatus.DISPUTED,
    ):
        raise EvaluationError(_("This evaluation cannot be disputed."))
    if timezone.now() > dispute_deadline(evaluation):
        raise EvaluationError(_("The time to dispute this evaluation has passed."))
    if not disputes_left(evaluation):
        raise EvaluationError(_("You have used every dispute this evaluation allows."))
    if len(reason.split()) < MIN_REASON_WORDS:
        raise EvaluationError(_("Say in a few words why the answer is not right."))
    criterion = Criterion.objects.filter(
        pk=criterion_id, section__version=evaluation.form_version
    ).first()
    if criterion is None:
        raise EvaluationError(_("That criterion is not on this evaluation."))
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                evaluation=evaluation,
                criterion=criterion,
                reason=reason.strip()[:3000],
                raised_by=membership.user,
            )
    except IntegrityError as error:
        raise EvaluationError(_("This answer is already disputed.")) from error
    evaluation.status = EvaluationStatus.DISPUTED
    evaluation.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=membership.user,
        action="coaching.evaluation.disputed",
        organisation=evaluation.organisation,
        target=evaluation,
        purpose=evaluation.purpose.code,
        detail={"criterion": criterion.pk},
    )
    return dispute


def _may_answer(membership: Membership, evaluation: Evaluation) -> bool:
    if membership.user_id == evaluation.coach_id:
        return True
    # The arbiter answers only while still in a coaching role (a role change ends it).
    arbiter = settings_for(evaluation.organisation).arbiter_id
    return membership.user_id == arbiter and membership.role in ARBITER_ROLES


@transaction.atomic
def dispute_answer(
    *,
    membership: Membership,
    dispute_id: int,
    uphold: bool,
    answer: str,
    new_answer: AnswerInput | None = None,
) -> Dispute:
    """Reject, or uphold and re-score the disputed answer. The evaluation as it stood before a
    re-score is kept as a revision; the score is computed again."""
    dispute = (
        Dispute.objects.select_for_update()
        .filter(pk=dispute_id, evaluation__organisation=membership.organisation_id)
        .select_related("evaluation", "criterion")
        .first()
    )
    if dispute is None or not _may_answer(membership, dispute.evaluation):
        raise EvaluationError(_("This dispute is not yours to answer."))
    if dispute.status != DisputeStatus.OPEN:
        raise EvaluationError(_("This dispute has already been answered."))
    if not answer.strip():
        raise EvaluationError(_("Give the employee your answer."))
    evaluation = Evaluation.objects.select_for_update().get(pk=dispute.evaluation_id)
    if uphold:
        if new_answer is None:
            raise EvaluationError(_("Give the new answer to re-score."))
        check_answer(dispute.criterion, new_answer)
        _keep_revision(evaluation, dispute)
        Answer.objects.update_or_create(
            evaluation=evaluation,
            criterion=dispute.criterion,
            defaults={"value": new_answer.value, "not_applicable": new_answer.not_applicable},
        )
        score = evaluation_score(evaluation)
        evaluation.score = score.score
        evaluation.critical_score = score.critical_score
        evaluation.fatal_failed = score.fatal_failed
    dispute.status = DisputeStatus.UPHELD if uphold else DisputeStatus.REJECTED
    dispute.answer = answer.strip()[:3000]
    dispute.answered_by = membership.user
    dispute.answered_at = timezone.now()
    dispute.save()
    if not evaluation.disputes.filter(status=DisputeStatus.OPEN).exists():
        evaluation.status = EvaluationStatus.RELEASED
    evaluation.save()
    rollup_refresh(evaluation)
    audit.record(
        actor=membership.user,
        action="coaching.dispute.upheld" if uphold else "coaching.dispute.rejected",
        organisation=evaluation.organisation,
        target=evaluation,
        purpose=evaluation.purpose.code,
        detail={
            "criterion": dispute.criterion_id,
            "score": None if evaluation.score is None else str(evaluation.score),
        },
    )
    return dispute


def _keep_revision(evaluation: Evaluation, dispute: Dispute) -> EvaluationRevision:
    number = (evaluation.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return EvaluationRevision.objects.create(
        evaluation=evaluation,
        number=number,
        answers={
            str(a.criterion_id): [a.value, a.not_applicable] for a in evaluation.answers.all()
        },
        score=evaluation.score,
        critical_score=evaluation.critical_score,
        fatal_failed=evaluation.fatal_failed,
        dispute=dispute,
    )


@transaction.atomic
def evaluation_retract(*, membership: Membership, evaluation_id: Any, reason: str) -> Evaluation:
    """The coach takes a released evaluation back, with a reason; it no longer counts."""
    evaluation = (
        Evaluation.objects.select_for_update()
        .filter(pk=evaluation_id, organisation=membership.organisation_id)
        .first()
    )
    if evaluation is None or evaluation.coach_id != membership.user_id:
        raise EvaluationError(_("This evaluation is not yours to retract."))
    if evaluation.status in (EvaluationStatus.DRAFT, EvaluationStatus.RETRACTED):
        raise EvaluationError(_("Only a released evaluation can be retracted."))
    if len(reason.split()) < MIN_REASON_WORDS:
        raise EvaluationError(_("Say in a few words why you retract it."))
    evaluation.status = EvaluationStatus.RETRACTED
    evaluation.retracted_reason = reason.strip()[:3000]
    evaluation.save(update_fields=["status", "retracted_reason", "updated_at"])
    rollup_refresh(evaluation)  # a retracted evaluation leaves the sums
    evaluation.disputes.filter(status=DisputeStatus.OPEN).update(
        status=DisputeStatus.REJECTED,
        answer=_("The evaluation was retracted."),
        answered_by=membership.user,
        answered_at=timezone.now(),
    )
    audit.record(
        actor=membership.user,
        action="coaching.evaluation.retracted",
        organisation=evaluation.organisation,
        target=evaluation,
        purpose=evaluation.purpose.code,
    )
    return evaluation
