"""Calibration sessions: coaches score the same consented call blind, then compare.

A lead coach opens a session on a call the employee consented to, with a published form, and
invites coaches (and names an expert whose scores are the reference). Each participant scores
in an evaluation of their own, marked as a calibration score: nobody sees another's answers
until the lead closes the session, and calibration scores never count in the employee's own
results. A session whose closing date lies past the audio's purge deadline is flagged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from coaching.agreement import Comparison, compare
from coaching.consent import consent_granted
from coaching.constants import (
    ConsentUse,
    EvaluationStatus,
    SessionStatus,
    VersionStatus,
)
from coaching.evaluations import EvaluationError, evaluation_create, hearable_purposes
from coaching.models import CalibrationSession, Evaluation, FormVersion
from coaching.qm_forms import version_criteria
from organisations import roles
from organisations.models import Membership
from recordings.models import Recording


def _can_calibrate(membership: Membership, recording: Recording, purpose_code: str) -> bool:
    return membership.user.has_perm(
        f"organisations.{roles.EVALUATE_CALLS}", membership.organisation
    ) and any(p.code == purpose_code for p in hearable_purposes(membership, recording))


@transaction.atomic
def calibration_open(
    *,
    membership: Membership,
    recording: Recording,
    version: FormVersion,
    purpose_code: str,
    participant_ids: list[int],
    expert_id: int | None,
    closes_by: date,
    hide_employee: bool = True,
) -> CalibrationSession:
    organisation = membership.organisation
    if version.form.organisation_id != organisation.pk or version.status != (
        VersionStatus.PUBLISHED
    ):
        raise EvaluationError(_("Only a published form version can be used."))
    if not _can_calibrate(membership, recording, purpose_code):
        raise EvaluationError(_("You may not hear this call for that purpose."))
    consent = consent_granted(recording, ConsentUse.CALIBRATION)
    if consent is None:
        raise EvaluationError(
            _("The employee has not consented to this call being a calibration case.")
        )
    if closes_by < timezone.localdate():
        raise EvaluationError(_("The closing date lies in the past."))
    members = {
        m.user_id: m
        for m in Membership.objects.filter(
            organisation=organisation,
            active=True,
            user_id__in=set(participant_ids) | {membership.user_id},
        ).select_related("user", "organisation")
    }
    unknown = set(participant_ids) - members.keys()
    if unknown:
        raise EvaluationError(_("Invite only coaches of this organisation."))
    unable = [
        m.user.get_username()
        for m in members.values()
        if not _can_calibrate(m, recording, purpose_code)
    ]
    if unable:
        raise EvaluationError(
            _("These people may not hear this call for calibration: %(names)s")
            % {"names": ", ".join(sorted(unable))}
        )
    if len(members) < 2:
        raise EvaluationError(_("A calibration needs at least two coaches."))
    if expert_id is not None and expert_id not in members:
        raise EvaluationError(_("The expert must take part in the session."))
    session = CalibrationSession.objects.create(
        organisation=organisation,
        recording=recording,
        form_version=version,
        purpose=next(p for p in hearable_purposes(membership, recording) if p.code == purpose_code),
        consent=consent,
        lead=membership.user,
        expert_id=expert_id,
        hide_employee=hide_employee,
        closes_by=closes_by,
        call_started_at=recording.started_at,
    )
    session.participants.set(members.keys())
    audit.record(
        actor=membership.user,
        action="coaching.calibration.opened",
        organisation=organisation,
        target=session,
        purpose=purpose_code,
        detail={"participants": len(members), "recording": str(recording.pk)},
    )
    return session


def at_risk(session: CalibrationSession) -> bool:
    """The session is meant to close after the audio is erased: it may never be finished."""
    deadline = timezone.localtime(session.recording.purge_deadline).date()
    return session.status == SessionStatus.OPEN and session.closes_by >= deadline


def sessions_for(membership: Membership):
    return (
        CalibrationSession.objects.filter(organisation=membership.organisation_id)
        .filter(Q(lead=membership.user_id) | Q(participants=membership.user_id))
        .distinct()
        .select_related("form_version__form", "recording", "lead")
    )


def session_for(membership: Membership, session_id: Any) -> CalibrationSession | None:
    return sessions_for(membership).filter(pk=session_id).first()


@transaction.atomic
def calibration_score(*, membership: Membership, session_id: Any) -> Evaluation:
    """This participant's own (blind) score sheet for the session, made on first use."""
    session = session_for(membership, session_id)
    if session is None or not session.participants.filter(pk=membership.user_id).exists():
        raise EvaluationError(_("You do not take part in this session."))
    mine = Evaluation.objects.filter(calibration=session, coach=membership.user_id).first()
    if mine is not None:
        return mine
    if session.status != SessionStatus.OPEN:
        raise EvaluationError(_("This calibration session is closed."))
    return evaluation_create(
        membership=membership,
        recording=session.recording,
        version=session.form_version,
        purpose_code=session.purpose.code,
        calibration=session,
    )


def submitted(session: CalibrationSession):
    return Evaluation.objects.filter(
        calibration=session, status=EvaluationStatus.RELEASED
    ).select_related("coach")


@transaction.atomic
def calibration_close(*, membership: Membership, session_id: Any) -> CalibrationSession:
    session = (
        CalibrationSession.objects.select_for_update()
        .filter(pk=session_id, organisation=membership.organisation_id)
        .first()
    )
    if session is None or session.lead_id != membership.user_id:
        raise EvaluationError(_("Only the lead closes a session."))
    if session.status == SessionStatus.CLOSED:
        return session
    if submitted(session).count() < 2:
        raise EvaluationError(_("At least two coaches must have submitted their scores."))
    session.status = SessionStatus.CLOSED
    session.closed_at = timezone.now()
    comparison = calibration_comparison(session)
    session.alpha = comparison.alpha
    session.save(update_fields=["status", "closed_at", "alpha"])
    audit.record(
        actor=membership.user,
        action="coaching.calibration.closed",
        organisation=session.organisation,
        target=session,
        purpose=session.purpose.code,
        detail={"alpha": comparison.alpha, "scores": len(comparison.coaches)},
    )
    return session


def calibration_comparison(session: CalibrationSession) -> Comparison:
    """The side-by-side comparison; only for a closed session (scoring is blind until then)."""
    if session.status != SessionStatus.CLOSED:
        raise EvaluationError(_("The comparison is shown once the lead closes the session."))
    scores = list(submitted(session).order_by("coach__username"))
    criteria = version_criteria(session.form_version)
    answers = []
    for evaluation in scores:
        given = {a.criterion_id: a for a in evaluation.answers.all()}
        answers.append(
            [
                (
                    given[c.pk].value if c.pk in given else None,
                    bool(c.pk in given and given[c.pk].not_applicable),
                )
                for c in criteria
            ]
        )
    reference = next(
        (n for n, evaluation in enumerate(scores) if evaluation.coach_id == session.expert_id),
        None,
    )
    return compare(
        [evaluation.coach.get_username() for evaluation in scores],
        [(c.text, c.answer_type) for c in criteria],
        answers,
        reference,
    )
