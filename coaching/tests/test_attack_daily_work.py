"""Attacks on the dashboard work list (issue 17): a coach's sample queue counts only the teams
they coach, never another team's or another organisation's sampled calls; the employee is
told of none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.models import SampleDraw, SampleItem
from organisations.models import Membership
from organisations.tests.factories import EmployeeFactory
from organisations.todo import todos_for
from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db


def _draw(organisation, items):
    now = timezone.now()
    draw = SampleDraw.objects.create(
        organisation=organisation,
        quarter="2026Q4",
        slot=1,
        window_start=now - timedelta(days=7),
        window_end=now,
        seed="x",
        population={},
    )
    for employee, recording in items:
        SampleItem.objects.create(draw=draw, employee=employee, recording=recording)


def _groups(cast, role):
    membership = Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=cast.organisation
    )
    return {todo.label: todo for todo in todos_for(membership)}


def test_the_coach_counts_sampled_calls_of_coached_teams_only(world):
    cast = world.cast
    coached = world.team_a_call.employee
    uncoached = world.team_b_call.employee
    _draw(
        cast.organisation,
        [(coached, world.team_a_call), (uncoached, world.team_b_call)],
    )
    foreign = EmployeeFactory(organisation=cast.other_organisation)
    _draw(
        cast.other_organisation,
        [(foreign, recording_create(organisation=cast.other_organisation, employee=foreign))],
    )
    (queue,) = [
        todo for label, todo in _groups(cast, "coach").items() if "steekproef" in label.lower()
    ]
    assert queue.count == 1
    assert [item.detail for item in queue.items] == [coached.name]
    for role in ("employee", "auditor", "administrator"):
        assert not any("steekproef" in label.lower() for label in _groups(cast, role)), role
