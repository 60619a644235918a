"""Disputes: within the window and the number allowed, answered by the coach or the arbiter,
re-scored with the earlier version kept; retraction with a reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from coaching.constants import DisputeStatus, EvaluationStatus
from coaching.disputes import dispute_answer, dispute_raise, evaluation_retract
from coaching.evaluations import (
    AnswerInput,
    EvaluationError,
    evaluation_for_reader,
    evaluation_release,
    evaluation_save_draft,
    evaluation_start,
    evaluations_of_employee,
)
from coaching.models import CoachingSettings, Criterion, Evaluation
from organisations.models import Membership

pytestmark = pytest.mark.django_db
REASON = "De klant werd wel met naam begroet, luister vanaf het begin"


def _m(cast, role):
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=cast.organisation
    )


@pytest.fixture
def released(world, published_form):
    coach = _m(world.cast, "coach")
    evaluation = evaluation_start(
        membership=coach, recording=world.own_call, version=published_form, purpose_code="coaching"
    )
    criteria = list(
        Criterion.objects.filter(section__version=published_form).order_by(
            "section__position", "position"
        )
    )
    # no, yes, 3 of 5 (w2), critical yes, fatal yes -> (0 + 1 + 2 * 0.5) / 4 = 50 %
    values = [0, 1, 3, 1, 1]
    evaluation_save_draft(
        membership=coach,
        evaluation_id=evaluation.pk,
        answers={c.pk: AnswerInput(v) for c, v in zip(criteria, values, strict=True)},
    )
    evaluation = evaluation_release(membership=coach, evaluation_id=evaluation.pk)
    assert evaluation.score == Decimal("50.00")
    return evaluation, criteria


def test_a_dispute_upheld_re_scores_and_keeps_the_earlier_version(world, released):
    evaluation, criteria = released
    dispute = dispute_raise(
        membership=_m(world.cast, "employee"),
        evaluation_id=evaluation.pk,
        criterion_id=criteria[0].pk,
        reason=REASON,
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DISPUTED
    dispute_answer(
        membership=_m(world.cast, "coach"),
        dispute_id=dispute.pk,
        uphold=True,
        answer="Klopt, ik heb het begin gemist.",
        new_answer=AnswerInput(1),
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RELEASED
    assert evaluation.score == Decimal("75.00")  # (1 + 1 + 1) / 4
    revision = evaluation.revisions.get()
    assert revision.score == Decimal("50.00")
    assert revision.answers[str(criteria[0].pk)] == [0, False]
    actions = set(
        AuditEvent.objects.filter(action__startswith="coaching.").values_list("action", flat=True)
    )
    assert {"coaching.evaluation.disputed", "coaching.dispute.upheld"} <= actions


def test_disputes_are_limited_in_time_and_number_and_to_the_employee(world, released):
    evaluation, criteria = released
    employee = _m(world.cast, "employee")
    for role in ("coach", "manager"):
        with pytest.raises(EvaluationError):
            dispute_raise(
                membership=_m(world.cast, role),
                evaluation_id=evaluation.pk,
                criterion_id=criteria[0].pk,
                reason=REASON,
            )
    with pytest.raises(EvaluationError):  # a reason of one word
        dispute_raise(
            membership=employee,
            evaluation_id=evaluation.pk,
            criterion_id=criteria[0].pk,
            reason="nee",
        )
    CoachingSettings.objects.create(organisation=world.cast.organisation, max_disputes=1)
    first = dispute_raise(
        membership=employee, evaluation_id=evaluation.pk, criterion_id=criteria[0].pk, reason=REASON
    )
    with pytest.raises(EvaluationError):  # one allowed
        dispute_raise(
            membership=employee,
            evaluation_id=evaluation.pk,
            criterion_id=criteria[1].pk,
            reason=REASON,
        )
    dispute_answer(
        membership=_m(world.cast, "coach"),
        dispute_id=first.pk,
        uphold=False,
        answer="Na terugluisteren blijft het antwoord staan.",
    )
    with pytest.raises(EvaluationError):  # a second answer
        dispute_answer(
            membership=_m(world.cast, "coach"), dispute_id=first.pk, uphold=False, answer="x"
        )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        released_at=timezone.now() - timedelta(days=15)
    )
    CoachingSettings.objects.filter(organisation=world.cast.organisation).update(max_disputes=5)
    with pytest.raises(EvaluationError):  # past the 14 days
        dispute_raise(
            membership=employee,
            evaluation_id=evaluation.pk,
            criterion_id=criteria[1].pk,
            reason=REASON,
        )


def test_the_named_arbiter_reads_and_answers_disputes(world, released, client_for):
    evaluation, criteria = released
    CoachingSettings.objects.create(
        organisation=world.cast.organisation, arbiter=world.cast["team_leader"]
    )
    arbiter = _m(world.cast, "team_leader")
    assert evaluation_for_reader(arbiter, evaluation.pk) is None  # nothing disputed yet
    dispute = dispute_raise(
        membership=_m(world.cast, "employee"),
        evaluation_id=evaluation.pk,
        criterion_id=criteria[2].pk,
        reason=REASON,
    )
    assert evaluation_for_reader(arbiter, evaluation.pk) == evaluation
    # The arbiter answers on the page, but is not the employee: no dispute or acknowledge form.
    page = (
        client_for(world.cast["team_leader"])
        .get(
            reverse(
                "coaching:evaluation", kwargs={"org_slug": "acme", "evaluation_id": evaluation.pk}
            )
        )
        .content.decode()
    )
    assert "coaching/disputes/" in page
    assert "data-dispute-form" not in page and "data-acknowledge-evaluation" not in page
    with pytest.raises(EvaluationError):  # not the manager
        dispute_answer(
            membership=_m(world.cast, "manager"), dispute_id=dispute.pk, uphold=False, answer="x"
        )
    dispute_answer(
        membership=arbiter,
        dispute_id=dispute.pk,
        uphold=True,
        answer="Het antwoord was volledig.",
        new_answer=AnswerInput(5),
    )
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("75.00")  # (0 + 1 + 2 * 1) / 4
    dispute.refresh_from_db()
    assert (
        dispute.status == DisputeStatus.UPHELD and dispute.answered_by == world.cast["team_leader"]
    )


def test_a_retracted_evaluation_leaves_the_employees_results(world, released):
    evaluation, _criteria = released
    coach = _m(world.cast, "coach")
    with pytest.raises(EvaluationError):
        evaluation_retract(membership=coach, evaluation_id=evaluation.pk, reason="fout")
    evaluation_retract(
        membership=coach,
        evaluation_id=evaluation.pk,
        reason="Verkeerd formulier gebruikt voor dit gesprek",
    )
    assert not evaluations_of_employee(_m(world.cast, "employee")).exists()
    assert AuditEvent.objects.filter(action="coaching.evaluation.retracted").exists()


def test_the_employee_reads_a_retracted_evaluation_with_its_reason_and_cannot_act_on_it(
    world, released, client_for
):
    evaluation, criteria = released
    reason = "Verkeerd formulier gebruikt voor dit gesprek"
    coach = client_for(world.cast["coach"])
    kwargs = {"org_slug": "acme", "evaluation_id": evaluation.pk}
    coach.post(reverse("coaching:retract", kwargs=kwargs), {"reason": reason})
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RETRACTED
    employee = client_for(world.cast["employee"])
    page = employee.get(reverse("coaching:evaluation", kwargs=kwargs))
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-retracted" in html and reason in html
    assert "data-acknowledge-evaluation" not in html and "data-dispute-form" not in html
    employee.post(reverse("coaching:acknowledge", kwargs=kwargs))
    employee.post(
        reverse("coaching:dispute", kwargs=kwargs),
        {"criterion": criteria[0].pk, "reason": REASON},
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RETRACTED and not evaluation.disputes.exists()
    # Another employee, and another organisation, still find nothing.
    assert (
        client_for(world.cast.outsider)
        .get(reverse("coaching:evaluation", kwargs=kwargs))
        .status_code
        == 404
    )


def test_the_employee_disputes_through_the_page(world, released, client_for):
    evaluation, criteria = released
    url = reverse(
        "coaching:evaluation", kwargs={"org_slug": "acme", "evaluation_id": evaluation.pk}
    )
    employee = client_for(world.cast["employee"])
    assert "data-dispute-form" in employee.get(url).content.decode()
    employee.post(
        reverse("coaching:dispute", kwargs={"org_slug": "acme", "evaluation_id": evaluation.pk}),
        {"criterion": criteria[0].pk, "reason": REASON},
    )
    coach_page = client_for(world.cast["coach"]).get(url).content.decode()
    assert "data-disputes" in coach_page and REASON in coach_page
    dispute = evaluation.disputes.get()
    client_for(world.cast["coach"]).post(
        reverse("coaching:dispute_answer", kwargs={"org_slug": "acme", "dispute_id": dispute.pk}),
        {"decision": "uphold", "new_answer": "1", "answer": "Terecht, aangepast."},
    )
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("75.00")
    assert "data-revisions" in employee.get(url).content.decode()


def test_the_report_sums_follow_release_re_score_and_retraction(world, released):
    from coaching.models import EvaluationMonth
    from coaching.reports import Scope, coaching_report
    from coaching.rollups import rollups_rebuild

    evaluation, criteria = released

    def month():
        (row,) = coaching_report(world.cast.organisation, Scope()).months
        return row["evaluations"], row["average"]

    def cells():
        return sorted(
            EvaluationMonth.objects.values_list(
                "month", "employee", "coach", "evaluations", "score_sum"
            )
        )

    assert month() == (1, Decimal("50.00"))
    dispute = dispute_raise(
        membership=_m(world.cast, "employee"),
        evaluation_id=evaluation.pk,
        criterion_id=criteria[0].pk,
        reason=REASON,
    )
    dispute_answer(
        membership=_m(world.cast, "coach"),
        dispute_id=dispute.pk,
        uphold=True,
        answer="Terecht, aangepast.",
        new_answer=AnswerInput(1),
    )
    assert month() == (1, Decimal("75.00"))
    incremental = cells()
    rollups_rebuild(world.cast.organisation)
    assert cells() == incremental  # kept in step, equal to a rebuild from scratch
    evaluation_retract(
        membership=_m(world.cast, "coach"),
        evaluation_id=evaluation.pk,
        reason="Verkeerd formulier gebruikt voor dit gesprek",
    )
    assert coaching_report(world.cast.organisation, Scope()).months == []
