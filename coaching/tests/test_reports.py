"""Coaching reports: what counts, per scope, the weakest criteria, CSV, who may read them."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import Answer, Criterion, Evaluation
from coaching.reports import Scope, coaching_report
from coaching.rollups import rollups_rebuild
from organisations.tests.factories import EmployeeFactory
from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _evaluation(world, version, *, employee, score, released, status="released", **extra):
    call = recording_create(organisation=world.cast.organisation, employee=employee)
    return Evaluation.objects.create(
        organisation=world.cast.organisation,
        form_version=version,
        recording=call,
        purpose=world.purposes["coaching"],
        employee=employee,
        call_started_at=call.started_at,
        coach=world.cast["coach"],
        status=status,
        score=Decimal(score),
        released_at=released,
        **extra,
    )


@pytest.fixture
def history(world, published_form):
    me = world.own_call.employee
    other_team = EmployeeFactory(organisation=world.cast.organisation)
    now = timezone.now()
    last_month = now - timedelta(days=35)
    made = [
        _evaluation(world, published_form, employee=me, score="80", released=now),
        _evaluation(world, published_form, employee=me, score="60", released=now),
        _evaluation(world, published_form, employee=other_team, score="40", released=last_month),
    ]
    # Never counted: a draft and a retracted one.
    _evaluation(world, published_form, employee=me, score="0", released=now, status="draft")
    _evaluation(world, published_form, employee=me, score="0", released=now, status="retracted")
    criteria = list(Criterion.objects.filter(section__version=published_form))
    greeting, scale = criteria[0], next(c for c in criteria if c.answer_type == "scale_1_5")
    for evaluation, greeted, rating in zip(made, (1, 0, 0), (5, 3, 2), strict=True):
        Answer.objects.create(evaluation=evaluation, criterion=greeting, value=greeted)
        Answer.objects.create(evaluation=evaluation, criterion=scale, value=rating)
    # Made here without the services, so the monthly sums are built the way an import is.
    rollups_rebuild(world.cast.organisation)
    return made, me, other_team, greeting, scale


def test_the_report_counts_released_evaluations_only(world, history):
    made, me, other_team, greeting, scale = history
    report = coaching_report(world.cast.organisation, Scope())
    assert sum(m["evaluations"] for m in report.months) == 3
    this_month = report.months[-1]
    assert this_month["evaluations"] == 2 and this_month["average"] == Decimal("70")
    # Greeting: 1 of 3 yes -> 33.3; scale 5, 3, 2 of 1-5 -> (1 + 0.5 + 0.25) / 3 -> 58.3
    weakest = {w["criterion_text"]: w["average"] for w in report.weakest}
    assert weakest == {greeting.text: 33.3, scale.text: 58.3}
    assert report.weakest[0]["criterion_text"] == greeting.text


def test_scopes_narrow_the_report(world, history):
    _made, me, other_team, _greeting, _scale = history
    mine = coaching_report(world.cast.organisation, Scope(employee_id=me.pk))
    assert sum(m["evaluations"] for m in mine.months) == 2
    team = coaching_report(world.cast.organisation, Scope(team_id=other_team.team_id))
    assert sum(m["evaluations"] for m in team.months) == 1
    nobody = coaching_report(world.cast.other_organisation, Scope())
    assert nobody.months == [] and nobody.people == []


def test_the_page_and_the_csv_for_a_manager(world, history, client_for):
    manager = client_for(world.cast["manager"])
    url = reverse("coaching:reports", kwargs={"org_slug": "acme"})
    page = manager.get(url).content.decode()
    assert "data-report-months" in page and page.count("<rect") >= 2
    response = manager.get(url, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[0] == ["section", "label", "count", "average"]
    assert sum(int(r[2]) for r in rows if r[0] == "month") == 3


def test_the_csv_neutralises_spreadsheet_formulas(world, history, client_for):
    _made, me, other_team, _greeting, _scale = history
    me.name = '=HYPERLINK("http://evil.example")'
    me.save()
    other_team.name = "@SUM(1+1)"
    other_team.save()
    url = reverse("coaching:reports", kwargs={"org_slug": "acme"})
    response = client_for(world.cast["manager"]).get(url, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    labels = {row[1] for row in rows}
    assert '\'=HYPERLINK("http://evil.example")' in labels and "'@SUM(1+1)" in labels
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_who_may_read_reports(world, history, client_for):
    url = reverse("coaching:reports", kwargs={"org_slug": "acme"})
    for role, status in (("coach", 200), ("team_leader", 200), ("employee", 403)):
        assert client_for(world.cast[role]).get(url).status_code == status, role
    assert client_for(world.cast.outsider).get(url).status_code == 404
    # A team of another organisation in the query is not found, not silently ignored.
    foreign = EmployeeFactory(organisation=world.cast.other_organisation)
    response = client_for(world.cast["manager"]).get(url, {"team": foreign.team_id})
    assert response.status_code == 404


def test_months_follow_the_organisations_time_zone(world, published_form):
    me = world.own_call.employee
    # 23:30 on 31 October in Amsterdam is still October there (22:30 UTC).
    late = datetime(2026, 10, 31, 23, 30, tzinfo=AMSTERDAM)
    _evaluation(world, published_form, employee=me, score="50", released=late)
    rollups_rebuild(world.cast.organisation)
    report = coaching_report(
        world.cast.organisation, Scope(), now=datetime(2026, 11, 5, tzinfo=AMSTERDAM)
    )
    assert [m["month"].month for m in report.months] == [10]
