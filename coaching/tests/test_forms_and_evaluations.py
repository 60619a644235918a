"""QM form versions that never change once used, and evaluations through the gate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import translation

from audit.models import AuditEvent
from coaching.constants import EvaluationStatus, VersionStatus
from coaching.evaluations import (
    AnswerInput,
    EvaluationError,
    evaluation_release,
    evaluation_save_draft,
    evaluation_start,
    timed_comment_add,
)
from coaching.models import Criterion, FormSection, FormVersionInUse
from coaching.qm_forms import (
    FormError,
    form_create,
    version_content,
    version_for_editing,
    version_publish,
    version_replace_content,
)
from coaching.tests.conftest import SECTIONS
from organisations.models import Membership
from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db


def _member(cast, role="coach"):
    return Membership.objects.select_related("organisation", "user").get(
        user=cast[role], organisation=cast.organisation
    )


def _start(world, version, recording=None, role="coach", purpose="coaching"):
    return evaluation_start(
        membership=_member(world.cast, role),
        recording=recording or world.team_a_call,
        version=version,
        purpose_code=purpose,
    )


def _criteria(version):
    return list(
        Criterion.objects.filter(section__version=version).order_by("section__position", "position")
    )


def test_a_published_version_is_the_one_in_use_and_its_publication_is_audited(
    world, published_form
):
    assert published_form.status == VersionStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="coaching.form.published").count() == 1
    assert [s["title"] for s in version_content(published_form)] == ["Opening", "Afhandeling"]


def test_a_used_version_never_changes_not_even_through_the_database(world, published_form):
    _start(world, published_form)
    criterion = _criteria(published_form)[0]
    criterion.text = "Iets anders"
    with pytest.raises(FormVersionInUse):
        criterion.save()
    with pytest.raises(FormVersionInUse):
        FormSection.objects.filter(version=published_form).first().delete()
    # Around the model: a queryset update, a bulk delete and a new criterion are refused by
    # the database itself.
    for change in (
        lambda: Criterion.objects.filter(pk=criterion.pk).update(weight=9),
        lambda: Criterion.objects.filter(pk=criterion.pk).delete(),
        lambda: Criterion.objects.bulk_create(
            [Criterion(section=criterion.section, text="Nieuw", position=9)]
        ),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    with pytest.raises(FormVersionInUse):
        version_replace_content(version=published_form, sections=SECTIONS[:1])
    assert Criterion.objects.get(pk=criterion.pk).text == SECTIONS[0]["criteria"][0]["text"]


def test_editing_a_used_form_makes_a_new_version_and_the_old_evaluation_keeps_its_own(
    world, published_form
):
    evaluation = _start(world, published_form)
    draft = version_for_editing(form=published_form.form, actor=world.cast["coach"])
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert version_content(draft) == version_content(published_form)
    changed = version_content(draft)
    changed[0]["criteria"][0]["weight"] = 3
    version_replace_content(version=draft, sections=changed)
    version_publish(version=draft, actor=world.cast["coach"])
    published_form.refresh_from_db()
    assert published_form.status == VersionStatus.RETIRED
    assert evaluation.form_version == published_form
    assert version_content(published_form)[0]["criteria"][0]["weight"] == 1
    # An unused version is edited in place: no third version.
    assert version_for_editing(form=draft.form, actor=None) == draft


def test_forms_are_checked_before_they_are_saved(world):
    org = world.cast.organisation
    with pytest.raises(FormError):
        form_create(organisation=org, name="Leeg", sections=[{"title": "A"}], actor=None)
    with pytest.raises(FormError):
        form_create(
            organisation=org,
            name="Fataal",
            sections=[
                {
                    "title": "A",
                    "criteria": [{"text": "x", "kind": "fatal", "answer_type": "scale_0_10"}],
                }
            ],
            actor=None,
        )
    with pytest.raises(FormError):
        form_create(
            organisation=org,
            name="Gewicht",
            sections=[{"title": "A", "criteria": [{"text": "x", "weight": 500}]}],
            actor=None,
        )


def test_a_coach_evaluates_only_what_they_may_hear(world, published_form):
    with pytest.raises(EvaluationError):  # team B: the coach does not coach it
        _start(world, published_form, recording=world.team_b_call)
    with pytest.raises(EvaluationError):  # no standing right for this purpose
        _start(world, published_form, purpose="misconduct")
    other_call = recording_create(organisation=world.cast.other_organisation)
    with pytest.raises(EvaluationError):  # another organisation's call
        _start(world, published_form, recording=other_call)
    draft = form_create(
        organisation=world.cast.organisation, name="Concept", sections=SECTIONS, actor=None
    )
    with pytest.raises(EvaluationError):  # a draft form
        _start(world, draft)


def _answer_all(world, evaluation, values):
    criteria = _criteria(evaluation.form_version)
    answers = {c.pk: value for c, value in zip(criteria, values, strict=True)}
    return evaluation_save_draft(
        membership=_member(world.cast), evaluation_id=evaluation.pk, answers=answers
    )


def test_release_computes_the_score_as_worked_out_by_hand(world, published_form):
    evaluation = _start(world, published_form)
    # yes (w1), n/a (w1), 4 of 1-5 (w2) -> (1 + 2 * 0.75) / 3 = 83.33 %; critical yes -> 100 %;
    # fatal met.
    _answer_all(
        world,
        evaluation,
        [
            AnswerInput(1),
            AnswerInput(not_applicable=True),
            AnswerInput(4, comment="Volledig, op één detail na"),
            AnswerInput(1),
            AnswerInput(1),
        ],
    )
    released = evaluation_release(membership=_member(world.cast), evaluation_id=evaluation.pk)
    assert released.status == EvaluationStatus.RELEASED
    assert released.score == Decimal("83.33")
    assert released.critical_score == Decimal("100.00")
    assert not released.fatal_failed
    event = AuditEvent.objects.get(action="coaching.evaluation.released")
    assert event.purpose == "coaching" and event.detail["score"] == "83.33"


def test_a_fatal_no_fails_the_evaluation(world, published_form):
    evaluation = _start(world, published_form)
    _answer_all(
        world,
        evaluation,
        [AnswerInput(1), AnswerInput(1), AnswerInput(5), AnswerInput(1), AnswerInput(0)],
    )
    released = evaluation_release(membership=_member(world.cast), evaluation_id=evaluation.pk)
    assert released.fatal_failed and released.score == Decimal("100.00")


def test_bad_answers_are_refused_and_change_nothing(world, published_form):
    evaluation = _start(world, published_form)
    criteria = _criteria(published_form)
    member = _member(world.cast)
    for answers in (
        {criteria[0].pk: AnswerInput(1), criteria[2].pk: AnswerInput(6)},  # 6 of 1-5
        {criteria[4].pk: AnswerInput(not_applicable=True)},  # n/a not allowed here
        {criteria[0].pk: AnswerInput(1, not_applicable=True)},
        {999999: AnswerInput(1)},  # not on this form
    ):
        with pytest.raises(EvaluationError):
            evaluation_save_draft(membership=member, evaluation_id=evaluation.pk, answers=answers)
    assert not evaluation.answers.exists()
    with translation.override("en"), pytest.raises(EvaluationError, match="Answer every"):
        evaluation_release(membership=member, evaluation_id=evaluation.pk)


def test_only_its_coach_changes_a_draft_and_nobody_changes_a_released_one(world, published_form):
    evaluation = _start(world, published_form)
    criteria = _criteria(published_form)
    for role in ("manager", "employee"):
        with pytest.raises(EvaluationError):
            evaluation_save_draft(
                membership=_member(world.cast, role),
                evaluation_id=evaluation.pk,
                answers={criteria[0].pk: AnswerInput(0)},
            )
    _answer_all(world, evaluation, [AnswerInput(1)] * 5)
    evaluation_release(membership=_member(world.cast), evaluation_id=evaluation.pk)
    with pytest.raises(EvaluationError):  # a second click
        evaluation_release(membership=_member(world.cast), evaluation_id=evaluation.pk)
    with pytest.raises(EvaluationError):
        _answer_all(world, evaluation, [AnswerInput(0)] * 5)
    assert evaluation.answers.filter(value=0).count() == 0


def test_a_comment_is_pinned_to_a_moment_of_the_call(world, published_form):
    evaluation = _start(world, published_form)
    member = _member(world.cast)
    comment = timed_comment_add(
        membership=member, evaluation_id=evaluation.pk, second=0.44, text="Hier mist de naam"
    )
    comment.refresh_from_db()
    assert comment.second == Decimal("0.4")
    with pytest.raises(EvaluationError):
        timed_comment_add(membership=member, evaluation_id=evaluation.pk, second=3600, text="x")
    with pytest.raises(EvaluationError):
        timed_comment_add(membership=member, evaluation_id=evaluation.pk, second=0.5, text=" ")
