"""Invariant 7: evaluations outlive the audio. After the purge the evaluation still reads the
same: its score, answers, comments, the day of the call and the employee."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coaching.evaluations import (
    AnswerInput,
    evaluation_release,
    evaluation_save_draft,
    evaluation_start,
    timed_comment_add,
)
from coaching.models import Criterion, Evaluation
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording
from retention.purge import purge_organisation

pytestmark = pytest.mark.django_db


def test_a_released_evaluation_reads_the_same_after_its_call_is_purged(world, published_form):
    cast = world.cast
    coach = Membership.objects.get(user=cast["coach"], organisation=cast.organisation)
    call = world.team_a_call
    evaluation = evaluation_start(
        membership=coach, recording=call, version=published_form, purpose_code="coaching"
    )
    criteria = Criterion.objects.filter(section__version=published_form).order_by(
        "section__position", "position"
    )
    evaluation_save_draft(
        membership=coach,
        evaluation_id=evaluation.pk,
        answers={c.pk: AnswerInput(5 if c.answer_type == "scale_1_5" else 1) for c in criteria},
    )
    timed_comment_add(membership=coach, evaluation_id=evaluation.pk, second=0.5, text="Goed")
    evaluation_release(membership=coach, evaluation_id=evaluation.pk)
    started, employee = call.started_at, call.employee

    Recording.objects.filter(pk=call.pk).update(purge_deadline=timezone.now() - timedelta(days=1))
    assert purge_organisation(cast.organisation).purged >= 1
    call.refresh_from_db()
    assert call.status == RecordingStatus.PURGED and call.employee is None

    kept = Evaluation.objects.get(pk=evaluation.pk)
    assert kept.score == Decimal("100.00") and not kept.fatal_failed
    assert kept.call_started_at == started and kept.employee == employee
    assert kept.answers.count() == criteria.count()
    assert kept.timed_comments.get().text == "Goed"
