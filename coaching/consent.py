"""The employee's consent to use a call as a calibration case or as training material.

RVO's register: the coach "asks the employee whether he may". The coach asks in the app, the
employee grants or refuses (and may withdraw later); nothing is used without a grant; every step
is in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from coaching.constants import ConsentStatus
from coaching.evaluations import EvaluationError, hearable_purposes
from coaching.models import Consent
from organisations import roles
from organisations.models import Membership
from recordings.models import Recording


def consent_for(recording: Recording, use: str) -> Consent | None:
    """The live (pending or granted) consent question for this call and use, if any."""
    return Consent.objects.filter(
        recording=recording, use=use, status__in=(ConsentStatus.PENDING, ConsentStatus.GRANTED)
    ).first()


def consent_granted(recording: Recording, use: str) -> Consent | None:
    return Consent.objects.filter(
        recording=recording, use=use, status=ConsentStatus.GRANTED
    ).first()


def consent_ask(
    *, membership: Membership, recording: Recording, use: str, note: str = ""
) -> Consent:
    """Ask the call's employee. Asking again returns the question already open (or the consent
    already given) instead of a second one."""
    if not membership.user.has_perm(
        f"organisations.{roles.EVALUATE_CALLS}", membership.organisation
    ) or not hearable_purposes(membership, recording):
        raise EvaluationError(_("You may not hear this call, so you cannot ask to use it."))
    employee = recording.employee
    if employee is None or employee.user_id is None:
        raise EvaluationError(
            _("This call's employee has no account in Earshot to answer; ask them in person.")
        )
    existing = consent_for(recording, use)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                organisation=membership.organisation,
                recording=recording,
                employee=employee,
                use=use,
                note=note.strip()[:2000],
                asked_by=membership.user,
            )
            audit.record(
                actor=membership.user,
                action="coaching.consent.asked",
                organisation=membership.organisation,
                target=consent,
                detail={"use": use},
            )
    except IntegrityError:  # asked at the same moment by someone else
        return consent_for(recording, use)
    return consent


def consents_waiting_for(membership: Membership):
    return Consent.objects.filter(
        organisation=membership.organisation_id,
        employee__user=membership.user_id,
        status=ConsentStatus.PENDING,
    ).select_related("recording", "asked_by")


@transaction.atomic
def consent_answer(*, membership: Membership, consent_id: Any, grant: bool) -> Consent:
    """The employee grants or refuses. Only the call's own employee answers, once."""
    consent = (
        Consent.objects.select_for_update()
        .filter(
            pk=consent_id,
            organisation=membership.organisation_id,
            employee__user=membership.user_id,
        )
        .first()
    )
    if consent is None:
        raise EvaluationError(_("This question is not yours to answer."))
    if consent.status != ConsentStatus.PENDING:
        raise EvaluationError(_("This question has already been answered."))
    consent.status = ConsentStatus.GRANTED if grant else ConsentStatus.REFUSED
    consent.answered_at = timezone.now()
    consent.save(update_fields=["status", "answered_at"])
    audit.record(
        actor=membership.user,
        action="coaching.consent.granted" if grant else "coaching.consent.refused",
        organisation=consent.organisation,
        target=consent,
        detail={"use": consent.use},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, membership: Membership, consent_id: Any) -> Consent:
    """The employee takes a consent back: from now on the call is not used for it."""
    consent = (
        Consent.objects.select_for_update()
        .filter(
            pk=consent_id,
            organisation=membership.organisation_id,
            employee__user=membership.user_id,
            status=ConsentStatus.GRANTED,
        )
        .first()
    )
    if consent is None:
        raise EvaluationError(_("There is no consent of yours to withdraw here."))
    consent.status = ConsentStatus.WITHDRAWN
    consent.answered_at = timezone.now()
    consent.save(update_fields=["status", "answered_at"])
    audit.record(
        actor=membership.user,
        action="coaching.consent.withdrawn",
        organisation=consent.organisation,
        target=consent,
        detail={"use": consent.use},
    )
    return consent
