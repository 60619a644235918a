"""Consent before a call is a calibration case; three coaches score blind; the comparison."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from audit.models import AuditEvent
from coaching.calibration import (
    at_risk,
    calibration_close,
    calibration_comparison,
    calibration_open,
    calibration_score,
)
from coaching.consent import consent_answer, consent_ask, consent_withdraw
from coaching.constants import ConsentStatus, ConsentUse, SessionStatus
from coaching.evaluations import (
    AnswerInput,
    EvaluationError,
    evaluation_for_reader,
    evaluation_release,
    evaluation_save_draft,
    evaluations_of_employee,
)
from coaching.models import Criterion
from organisations.constants import Role
from organisations.models import Membership
from organisations.tests.factories import UserFactory, membership
from recordings.models import Recording

pytestmark = pytest.mark.django_db


def _m(user, cast):
    return Membership.objects.select_related("user", "organisation").get(
        user=user, organisation=cast.organisation
    )


@pytest.fixture
def coaches(world):
    """Three coaches of team A: the cast's coach (the lead and expert) and two more."""
    team_a = world.own_call.employee.team
    people = [world.cast["coach"]]
    for name in ("coach-anna", "coach-bram"):
        user = UserFactory(username=name)
        membership(user, world.cast.organisation, Role.COACH).teams.set([team_a])
        people.append(user)
    return people


def _ask_and_grant(world, grant=True):
    consent = consent_ask(
        membership=_m(world.cast["coach"], world.cast),
        recording=world.own_call,
        use=ConsentUse.CALIBRATION,
        note="Een mooi voorbeeld van een lastige klantvraag.",
    )
    return consent_answer(
        membership=_m(world.cast["employee"], world.cast), consent_id=consent.pk, grant=grant
    )


def _open(world, version, coaches, **overrides):
    fields = {
        "membership": _m(coaches[0], world.cast),
        "recording": world.own_call,
        "version": version,
        "purpose_code": "coaching",
        "participant_ids": [c.pk for c in coaches],
        "expert_id": coaches[0].pk,
        "closes_by": timezone.localdate() + timedelta(days=7),
    }
    fields.update(overrides)
    return calibration_open(**fields)


def test_consent_is_asked_once_answered_by_the_employee_only_and_audited(world):
    coach = _m(world.cast["coach"], world.cast)
    first = consent_ask(membership=coach, recording=world.own_call, use=ConsentUse.CALIBRATION)
    again = consent_ask(membership=coach, recording=world.own_call, use=ConsentUse.CALIBRATION)
    assert first == again
    for role in ("coach", "manager", "privacy_officer"):
        with pytest.raises(EvaluationError):
            consent_answer(
                membership=_m(world.cast[role], world.cast), consent_id=first.pk, grant=True
            )
    employee = _m(world.cast["employee"], world.cast)
    consent_answer(membership=employee, consent_id=first.pk, grant=True)
    with pytest.raises(EvaluationError):  # a second answer
        consent_answer(membership=employee, consent_id=first.pk, grant=False)
    first.refresh_from_db()
    assert first.status == ConsentStatus.GRANTED
    actions = list(
        AuditEvent.objects.filter(action__startswith="coaching.consent").values_list(
            "action", flat=True
        )
    )
    assert actions == ["coaching.consent.asked", "coaching.consent.granted"]


def test_a_call_whose_employee_has_no_account_cannot_be_asked_about(world):
    with pytest.raises(EvaluationError):
        consent_ask(
            membership=_m(world.cast["coach"], world.cast),
            recording=world.team_a_call,  # the colleague has no user
            use=ConsentUse.CALIBRATION,
        )


def test_no_calibration_without_a_granted_consent(world, published_form, coaches):
    with translation.override("en"), pytest.raises(EvaluationError, match="consented"):
        _open(world, published_form, coaches)
    _ask_and_grant(world, grant=False)
    with pytest.raises(EvaluationError):
        _open(world, published_form, coaches)
    # Asked again and granted, then withdrawn: still nothing.
    consent = _ask_and_grant(world)
    consent_withdraw(membership=_m(world.cast["employee"], world.cast), consent_id=consent.pk)
    with pytest.raises(EvaluationError):
        _open(world, published_form, coaches)


def test_only_coaches_who_may_hear_the_call_are_invited(world, published_form, coaches):
    _ask_and_grant(world)
    stranger = UserFactory(username="coach-elsewhere")
    membership(stranger, world.cast.organisation, Role.COACH)  # coaches no team
    with pytest.raises(EvaluationError, match="coach-elsewhere"):
        _open(world, published_form, [*coaches, stranger])
    with pytest.raises(EvaluationError):  # someone of another organisation
        _open(world, published_form, [*coaches, world.cast.outsider])


def _score(world, session, user, values):
    sheet = calibration_score(membership=_m(user, world.cast), session_id=session.pk)
    criteria = Criterion.objects.filter(section__version=session.form_version).order_by(
        "section__position", "position"
    )
    evaluation_save_draft(
        membership=_m(user, world.cast),
        evaluation_id=sheet.pk,
        answers={c.pk: AnswerInput(v) for c, v in zip(criteria, values, strict=True)},
    )
    evaluation_release(membership=_m(user, world.cast), evaluation_id=sheet.pk)
    return sheet


def test_three_coaches_score_blind_then_compare(world, published_form, coaches):
    _ask_and_grant(world)
    session = _open(world, published_form, coaches)
    lead, anna, bram = coaches
    sheets = {
        lead: _score(world, session, lead, [1, 1, 4, 1, 1]),
        anna: _score(world, session, anna, [1, 0, 3, 1, 1]),
    }
    # Blind: neither the lead nor another participant reads anna's sheet, nor the comparison.
    for other in (lead, bram):
        assert evaluation_for_reader(_m(other, world.cast), sheets[anna].pk) is None
    with pytest.raises(EvaluationError):
        calibration_comparison(session)
    with pytest.raises(EvaluationError):  # only the lead closes
        calibration_close(membership=_m(anna, world.cast), session_id=session.pk)
    sheets[bram] = _score(world, session, bram, [0, 1, 5, 1, 1])
    calibration_close(membership=_m(lead, world.cast), session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    comparison = calibration_comparison(session)
    assert comparison.coaches == ["acme-coach", "coach-anna", "coach-bram"]
    assert comparison.rows[0].answers == [1, 1, 0]
    assert comparison.rows[2].spread == 5.0  # 3, 4 and 5 of 1-5: 5 to 10 on the common scale
    assert comparison.reference_coach == "acme-coach"
    # anna: 0 on criterion 1 vs 10, and 5 vs 7.5 -> (10 + 2.5) / 5 = 2.5
    assert comparison.deviations[1] == 2.5
    assert comparison.alpha is not None and -1 <= comparison.alpha <= 1
    event = AuditEvent.objects.get(action="coaching.calibration.closed")
    assert event.detail["alpha"] == comparison.alpha
    # A sheet cannot change after it is submitted; the scores never reach the employee.
    mine = calibration_score(membership=_m(lead, world.cast), session_id=session.pk)
    assert mine == sheets[lead]
    with pytest.raises(EvaluationError):
        evaluation_save_draft(
            membership=_m(lead, world.cast), evaluation_id=mine.pk, answers={}, summary="x"
        )
    assert not evaluations_of_employee(_m(world.cast["employee"], world.cast)).exists()


def test_a_session_meant_to_close_after_the_audio_is_erased_is_flagged(
    world, published_form, coaches
):
    _ask_and_grant(world)
    deadline = timezone.localtime(world.own_call.purge_deadline).date()
    late = _open(world, published_form, coaches, closes_by=deadline + timedelta(days=1))
    assert at_risk(late)
    Recording.objects.filter(pk=world.own_call.pk).update(
        purge_deadline=timezone.now() + timedelta(days=30)
    )
    late.recording.refresh_from_db()
    assert not at_risk(late)
