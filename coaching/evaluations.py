"""Evaluations: a coach scores one call against a published QM form version.

Draft answers are saved as the coach goes (the page saves them automatically); releasing
computes the score and shows the evaluation to the employee. A coach evaluates only a call they
may hear for the purpose the evaluation names: the same gate as the player.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access.policy import granted_purposes, standing_purposes
from coaching.constants import (
    ANSWER_VALUES,
    ARBITER_ROLES,
    AnswerType,
    EvaluationStatus,
    SessionStatus,
    VersionStatus,
)
from coaching.models import (
    Answer,
    CoachingSettings,
    Criterion,
    Dispute,
    Evaluation,
    FormVersion,
    TimedComment,
)
from coaching.qm_forms import version_criteria
from coaching.rollups import rollup_refresh
from coaching.scoring import Score, ScoredCriterion, compute_score
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording


class EvaluationError(Exception):
    """Refused; the message is for the person who tried."""


@dataclass(frozen=True)
class AnswerInput:
    value: int | None = None
    not_applicable: bool = False
    comment: str = ""


def hearable_purposes(membership: Membership, recording: Recording) -> list:
    """The purposes for which this member may hear (and so evaluate) this call now."""
    purposes = standing_purposes(membership=membership, recording=recording)
    purposes += [p for p, _grant in granted_purposes(membership=membership, recording=recording)]
    return purposes


@transaction.atomic
def evaluation_start(
    *, membership: Membership, recording: Recording, version: FormVersion, purpose_code: str
) -> Evaluation:
    organisation = membership.organisation
    if recording.organisation_id != organisation.pk or version.form.organisation_id != (
        organisation.pk
    ):
        raise EvaluationError(_("This call or form is not of this organisation."))
    if version.status != VersionStatus.PUBLISHED:
        raise EvaluationError(_("Only a published form version can be used."))
    if recording.status not in (RecordingStatus.ACTIVE, RecordingStatus.HELD):
        raise EvaluationError(_("This call's audio is no longer available."))
    return evaluation_create(
        membership=membership, recording=recording, version=version, purpose_code=purpose_code
    )


def evaluation_create(
    *,
    membership: Membership,
    recording: Recording,
    version: FormVersion,
    purpose_code: str,
    calibration: Any = None,
) -> Evaluation:
    """An evaluation of a call this member may hear for the purpose (the player's gate)."""
    purpose = next(
        (p for p in hearable_purposes(membership, recording) if p.code == purpose_code), None
    )
    if purpose is None:
        raise EvaluationError(_("You may not hear this call for that purpose."))
    evaluation = Evaluation.objects.create(
        organisation=membership.organisation,
        form_version=version,
        recording=recording,
        purpose=purpose,
        employee=recording.employee,
        call_started_at=recording.started_at,
        coach=membership.user,
        calibration=calibration,
    )
    audit.record(
        actor=membership.user,
        action="coaching.evaluation.started",
        organisation=membership.organisation,
        target=evaluation,
        purpose=purpose.code,
        detail={"recording": str(recording.pk), "form_version": version.pk},
    )
    return evaluation


def check_answer(criterion: Criterion, answer: AnswerInput) -> None:
    if answer.not_applicable:
        if not criterion.not_applicable_allowed:
            raise EvaluationError(
                _("“%(criterion)s” cannot be answered “not applicable”.")
                % {"criterion": criterion.text}
            )
        if answer.value is not None:
            raise EvaluationError(_("An answer is either a value or “not applicable”."))
        return
    if (
        answer.value is not None
        and answer.value not in ANSWER_VALUES[AnswerType(criterion.answer_type)]
    ):
        raise EvaluationError(
            _("“%(value)s” is not an answer to “%(criterion)s”.")
            % {"value": answer.value, "criterion": criterion.text}
        )


def _editable(membership: Membership, evaluation_id: Any) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_for_update()
        .filter(pk=evaluation_id, organisation=membership.organisation_id)
        .first()
    )
    if evaluation is None or evaluation.coach_id != membership.user_id:
        raise EvaluationError(_("This evaluation is not yours to change."))
    if evaluation.status != EvaluationStatus.DRAFT:
        raise EvaluationError(_("This evaluation has been released and can no longer change."))
    return evaluation


@transaction.atomic
def evaluation_save_draft(
    *,
    membership: Membership,
    evaluation_id: Any,
    answers: dict[int, AnswerInput],
    summary: str | None = None,
) -> Evaluation:
    """Save what the coach has answered so far. Unknown criteria are refused; nothing is
    saved when one answer is wrong."""
    evaluation = _editable(membership, evaluation_id)
    criteria = {criterion.pk: criterion for criterion in version_criteria(evaluation.form_version)}
    unknown = set(answers) - criteria.keys()
    if unknown:
        raise EvaluationError(_("The answers refer to criteria that are not on this form."))
    for criterion_id, answer in answers.items():
        check_answer(criteria[criterion_id], answer)
    for criterion_id, answer in answers.items():
        Answer.objects.update_or_create(
            evaluation=evaluation,
            criterion_id=criterion_id,
            defaults={
                "value": answer.value,
                "not_applicable": answer.not_applicable,
                "comment": answer.comment[:2000],
            },
        )
    if summary is not None:
        evaluation.summary = summary[:5000]
    evaluation.save()
    return evaluation


def evaluation_score(evaluation: Evaluation) -> Score:
    answers = {answer.criterion_id: answer for answer in evaluation.answers.all()}
    return compute_score(
        ScoredCriterion(
            answer_type=criterion.answer_type,
            weight=criterion.weight,
            kind=criterion.kind,
            value=None if criterion.pk not in answers else answers[criterion.pk].value,
        )
        for criterion in version_criteria(evaluation.form_version)
    )


@transaction.atomic
def evaluation_release(*, membership: Membership, evaluation_id: Any) -> Evaluation:
    """Compute the score and show the evaluation to the employee. Every criterion must be
    answered (a value, or "not applicable" where the form allows it)."""
    evaluation = _editable(membership, evaluation_id)
    if evaluation.calibration_id and evaluation.calibration.status != SessionStatus.OPEN:
        raise EvaluationError(_("This calibration session is closed."))
    answered = {
        a.criterion_id for a in evaluation.answers.all() if a.not_applicable or a.value is not None
    }
    missing = [c.text for c in version_criteria(evaluation.form_version) if c.pk not in answered]
    if missing:
        raise EvaluationError(
            _("Answer every criterion first; still open: %(open)s")
            % {"open": "; ".join(missing[:5]) + (" …" if len(missing) > 5 else "")}
        )
    score = evaluation_score(evaluation)
    evaluation.score = score.score
    evaluation.critical_score = score.critical_score
    evaluation.fatal_failed = score.fatal_failed
    evaluation.status = EvaluationStatus.RELEASED
    evaluation.released_at = timezone.now()
    evaluation.save()
    rollup_refresh(evaluation)
    audit.record(
        actor=membership.user,
        action=(
            "coaching.calibration.scored"
            if evaluation.calibration_id
            else "coaching.evaluation.released"
        ),
        organisation=evaluation.organisation,
        target=evaluation,
        purpose=evaluation.purpose.code,
        detail={
            "score": None if score.score is None else str(score.score),
            "fatal_failed": score.fatal_failed,
        },
    )
    return evaluation


@transaction.atomic
def timed_comment_add(
    *, membership: Membership, evaluation_id: Any, second: float, text: str
) -> TimedComment:
    evaluation = _editable(membership, evaluation_id)
    if not text.strip():
        raise EvaluationError(_("A comment needs text."))
    if second < 0 or second > float(evaluation.recording.audio_duration_seconds or 0) + 1:
        raise EvaluationError(_("That moment is not in the call."))
    return TimedComment.objects.create(
        evaluation=evaluation, second=round(second, 1), text=text.strip()[:2000]
    )


def evaluations_of_employee(membership: Membership):
    """The released evaluations of the calls of this member's own employee record."""
    return (
        Evaluation.objects.filter(
            organisation=membership.organisation_id,
            employee__user=membership.user_id,
            # Calibration scores never count in (nor show up among) the employee's results.
            calibration__isnull=True,
        )
        .exclude(status__in=(EvaluationStatus.DRAFT, EvaluationStatus.RETRACTED))
        .select_related("form_version__form", "purpose")
    )


def evaluations_readable_by(membership: Membership) -> QuerySet[Evaluation]:
    """The evaluations this member may read: their coach's; the employee's own once released
    (also after it was retracted: it stays readable with the coach's reason, out of their
    results); every disputed one for the organisation's arbiter. Calibration scores are never
    the employee's to read. Anyone else (another coach, another organisation) finds nothing."""
    readable = Q(coach=membership.user_id) | (
        Q(employee__user=membership.user_id, calibration__isnull=True)
        & ~Q(status=EvaluationStatus.DRAFT)
    )
    if (
        membership.role in ARBITER_ROLES
        and CoachingSettings.objects.filter(
            organisation=membership.organisation_id, arbiter=membership.user_id
        ).exists()
    ):
        readable |= Q(Exists(Dispute.objects.filter(evaluation=OuterRef("pk"))))
    return Evaluation.objects.filter(readable, organisation=membership.organisation_id)


def evaluation_for_reader(membership: Membership, evaluation_id: Any) -> Evaluation | None:
    """The evaluation if this member may read it (evaluations_readable_by), else None."""
    return (
        evaluations_readable_by(membership)
        .filter(pk=evaluation_id)
        .select_related("form_version__form", "purpose", "employee", "recording", "coach")
        .first()
    )


@transaction.atomic
def evaluation_acknowledge(*, membership: Membership, evaluation_id: Any) -> Evaluation:
    """The employee has read their released evaluation. A second click changes nothing."""
    evaluation = (
        evaluations_of_employee(membership).select_for_update().filter(pk=evaluation_id).first()
    )
    if evaluation is None:
        raise EvaluationError(_("This evaluation is not yours to acknowledge."))
    if evaluation.status != EvaluationStatus.RELEASED:
        return evaluation
    evaluation.status = EvaluationStatus.ACKNOWLEDGED
    evaluation.acknowledged_at = timezone.now()
    evaluation.save(update_fields=["status", "acknowledged_at", "updated_at"])
    audit.record(
        actor=membership.user,
        action="coaching.evaluation.acknowledged",
        organisation=evaluation.organisation,
        target=evaluation,
        purpose=evaluation.purpose.code,
    )
    return evaluation


def answers_from_post(post, criteria: list[Criterion]) -> dict[int, AnswerInput]:
    """The answers a form post holds: answer-<id> is a number or "na"; comment-<id> is text.
    A criterion left blank is not in the result (a draft may be incomplete)."""
    answers = {}
    for criterion in criteria:
        raw = (post.get(f"answer-{criterion.pk}") or "").strip()
        comment = post.get(f"comment-{criterion.pk}") or ""
        if not raw and not comment:
            continue
        if raw == "na":
            answers[criterion.pk] = AnswerInput(not_applicable=True, comment=comment)
        elif raw:
            try:
                answers[criterion.pk] = AnswerInput(value=int(raw), comment=comment)
            except ValueError as error:
                raise EvaluationError(
                    _("“%(value)s” is not an answer to “%(criterion)s”.")
                    % {"value": raw[:20], "criterion": criterion.text}
                ) from error
        else:
            answers[criterion.pk] = AnswerInput(comment=comment)
    return answers
