"""The coaching pages: start from the call's page, evaluate beside the player with autosave,
release; the employee reads and acknowledges; nobody else sees the evaluation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from coaching.constants import EvaluationStatus
from coaching.models import Criterion, Evaluation

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"coaching:{name}", kwargs={"org_slug": "acme", **kwargs})


def _start(client, world, version, call=None):
    call = call or world.own_call
    response = client.post(
        _url("evaluation_new", recording_id=call.pk),
        {"version": version.pk, "purpose": "coaching"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Evaluation.objects.get(recording=call)


def _all_yes(version) -> dict:
    data = {}
    for criterion in Criterion.objects.filter(section__version=version):
        data[f"answer-{criterion.pk}"] = "5" if criterion.answer_type == "scale_1_5" else "1"
    return data


def test_the_call_page_offers_the_evaluation_to_a_coach_who_may_hear_it(
    world, published_form, client_for
):
    page = client_for(world.cast["coach"]).get(
        reverse(
            "access:recording_detail",
            kwargs={"org_slug": "acme", "recording_id": world.team_a_call.pk},
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Evaluate this call with a QM form" in page.content.decode()
    manager_page = client_for(world.cast["manager"]).get(
        reverse(
            "access:recording_detail",
            kwargs={"org_slug": "acme", "recording_id": world.team_a_call.pk},
        )
    )
    # The manager may place a legal hold on it, but not evaluate it.
    assert "/coaching/evaluate/" not in manager_page.content.decode()


def test_a_coach_evaluates_beside_the_player_and_releases(world, published_form, client_for):
    coach = client_for(world.cast["coach"])
    evaluation = _start(coach, world, published_form)
    page = coach.get(_url("evaluation", evaluation_id=evaluation.pk)).content.decode()
    assert "data-player" in page and "data-evaluation-form" in page
    assert "Deelt geen persoonsgegevens met onbevoegden" in page

    # Autosave: the page posts the form as the coach answers.
    first = Criterion.objects.filter(section__version=published_form).first()
    saved = coach.post(
        _url("draft", evaluation_id=evaluation.pk),
        {f"answer-{first.pk}": "1", "summary": "Goed begin"},
        HTTP_X_AUTOSAVE="1",
    )
    assert saved.status_code == 200 and "saved_at" in saved.json()
    assert evaluation.answers.get().value == 1
    refused = coach.post(
        _url("draft", evaluation_id=evaluation.pk),
        {f"answer-{first.pk}": "7"},
        HTTP_X_AUTOSAVE="1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400 and "is not an answer" in refused.json()["error"]
    assert evaluation.answers.get().value == 1

    pinned = coach.post(
        _url("comment", evaluation_id=evaluation.pk), {"second": "0.8", "text": "Naam gemist"}
    )
    assert pinned.json() == {"second": 0.8, "text": "Naam gemist"}

    unconfirmed = coach.post(
        _url("draft", evaluation_id=evaluation.pk),
        {**_all_yes(published_form), "release": "1"},
        follow=True,
    )
    assert "Niets is gedaan" in unconfirmed.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT  # saved, not released
    released = coach.post(
        _url("draft", evaluation_id=evaluation.pk),
        {**_all_yes(published_form), "release": "1", "confirm": "1"},
    )
    assert released.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RELEASED
    assert str(evaluation.score) == "100.00"
    read_only = coach.get(_url("evaluation", evaluation_id=evaluation.pk)).content.decode()
    assert "data-score" in read_only and "data-evaluation-form" in read_only
    assert 'name="release"' not in read_only


def test_the_employee_sees_it_only_once_released_and_acknowledges_it_once(
    world, published_form, client_for
):
    coach = client_for(world.cast["coach"])
    employee = client_for(world.cast["employee"])
    evaluation = _start(coach, world, published_form)
    assert employee.get(_url("evaluation", evaluation_id=evaluation.pk)).status_code == 404
    assert "data-received" not in employee.get(_url("overview")).content.decode()
    coach.post(
        _url("draft", evaluation_id=evaluation.pk),
        {**_all_yes(published_form), "release": "1", "confirm": "1"},
    )
    overview = employee.get(_url("overview")).content.decode()
    assert "data-received" in overview
    page = employee.get(_url("evaluation", evaluation_id=evaluation.pk)).content.decode()
    assert "data-acknowledge-evaluation" in page
    for _ in range(2):
        assert employee.post(_url("acknowledge", evaluation_id=evaluation.pk)).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ACKNOWLEDGED
    assert AuditEvent.objects.filter(action="coaching.evaluation.acknowledged").count() == 1
    # The employee cannot change it.
    assert employee.post(_url("draft", evaluation_id=evaluation.pk), {}).status_code == 403


@pytest.mark.parametrize("who", ["manager", "team_leader", "auditor", "outsider"])
def test_nobody_else_reads_an_evaluation(world, published_form, client_for, who):
    evaluation = _start(client_for(world.cast["coach"]), world, published_form)
    user = world.cast.outsider if who == "outsider" else world.cast[who]
    response = client_for(user).get(_url("evaluation", evaluation_id=evaluation.pk))
    assert response.status_code == 404


def test_a_coach_cannot_start_on_a_call_they_may_not_hear(world, published_form, client_for):
    coach = client_for(world.cast["coach"])
    response = coach.post(
        _url("evaluation_new", recording_id=world.team_b_call.pk),
        {"version": published_form.pk, "purpose": "coaching"},
    )
    assert response.status_code == 404  # not even in the coach's list
    assert not Evaluation.objects.exists()
