"""The random sample: spread over the quarter, from calls still within retention, reproducible
from its seed, listed when an employee has too few calls, worked through by the coach."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

import pytest
import time_machine

from audit.models import AuditEvent
from coaching.models import SampleDraw, SampleItem, SamplingPolicy
from coaching.sampling import (
    draw_replay,
    draw_slot,
    draw_verified,
    draws_due,
    quarter_bounds,
    queue_for,
    sample_done,
    slot_windows,
    without_calls,
)
from coaching.tasks import draw_samples
from organisations.models import Membership
from organisations.tests.factories import EmployeeFactory
from recordings.constants import RecordingStatus
from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# The tests draw from November 2026, the second month of 2026Q4, as seen on the 20th: the
# clock is frozen there, so calls made "an hour ago" by the fixtures fall in that month
# whatever day the suite runs.
NOW = datetime(2026, 11, 20, 12, tzinfo=AMSTERDAM)
NOVEMBER = (datetime(2026, 11, 1, tzinfo=AMSTERDAM), datetime(2026, 12, 1, tzinfo=AMSTERDAM))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=True):
        yield NOW


def test_a_quarter_is_cut_into_equal_slots_that_cover_it():
    quarter, start, end = quarter_bounds(date(2026, 11, 29), AMSTERDAM)
    assert quarter == "2026Q4"
    assert (start, end) == (
        datetime(2026, 10, 1, tzinfo=AMSTERDAM),
        datetime(2027, 1, 1, tzinfo=AMSTERDAM),
    )
    windows = slot_windows(start, end, 3)
    assert windows[0][0] == start and windows[-1][1] == end
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))
    # Each slot is about a month: within reach of 28 days of audio when drawn at its end.
    assert all(timedelta(days=30) <= w[1] - w[0] <= timedelta(days=31) for w in windows)


@pytest.fixture
def population(world):
    """Team A's employees with calls in a window; one without calls; calls that must not count."""
    org = world.cast.organisation
    window = NOVEMBER
    me = world.own_call.employee
    calls = [
        recording_create(organisation=org, employee=me, started_at=window[0] + timedelta(days=d))
        for d in (1, 5, 9, 20)
    ]
    # Outside the window, erased, or held: never in the population.
    recording_create(organisation=org, employee=me, started_at=window[0] - timedelta(hours=1))
    recording_create(
        organisation=org,
        employee=me,
        started_at=window[0] + timedelta(days=2),
        status=RecordingStatus.PURGED,
    )
    idle = EmployeeFactory(organisation=org, team=me.team, name="Zonder Gesprekken")
    return window, calls, idle


def test_the_draw_is_reproducible_from_its_seed_and_population(world, population):
    window, calls, idle = population
    draw = draw_slot(
        organisation=world.cast.organisation,
        quarter="2026Q4",
        slot=2,
        window=window,
        seed="a" * 64,
    )
    me = world.own_call.employee
    # The world's own call (an hour ago) falls in the window too.
    expected = [*calls, world.own_call]
    assert sorted(draw.population[str(me.pk)]) == sorted(str(c.pk) for c in expected)
    assert draw.population[str(idle.pk)] == []
    assert idle in without_calls(draw)
    item = draw.items.get(employee=me)
    assert str(item.recording_id) in draw.population[str(me.pk)]
    assert draw_replay(draw) == {i.employee_id: str(i.recording_id) for i in draw.items.all()}
    assert draw_verified(draw)
    # A hand-picked call instead of the drawn one is caught by the check.
    other = next(c for c in calls if c.pk != item.recording_id)
    SampleItem.objects.filter(pk=item.pk).update(recording=other)
    assert not draw_verified(SampleDraw.objects.get(pk=draw.pk))
    event = AuditEvent.objects.get(action="coaching.sample.drawn")
    assert event.detail["seed"] == "a" * 64 and event.detail["without_calls"] >= 1


def test_different_seeds_choose_differently_over_many_employees(world):
    org = world.cast.organisation
    start = NOVEMBER[0]
    for n in range(20):
        employee = EmployeeFactory(organisation=org)
        for d in range(6):
            recording_create(
                organisation=org, employee=employee, started_at=start + timedelta(days=d, hours=n)
            )
    picks = []
    for slot, seed in ((1, "1" * 64), (2, "2" * 64)):
        draw = draw_slot(
            organisation=org,
            quarter="2026Q4",
            slot=slot,
            window=(start, start + timedelta(days=10)),
            seed=seed,
        )
        picks.append({i.employee_id: i.recording_id for i in draw.items.all()})
    assert picks[0] != picks[1]


def test_slots_are_drawn_once_as_they_end_and_the_quarter_is_covered(world, population):
    org = world.cast.organisation
    SamplingPolicy.objects.create(
        organisation=org, per_quarter=3, purpose=world.purposes["coaching"]
    )
    assert draws_due(org, now=datetime(2026, 10, 20, tzinfo=AMSTERDAM)) == 0
    assert draws_due(org, now=datetime(2026, 11, 1, 12, tzinfo=AMSTERDAM)) == 1
    assert draws_due(org, now=datetime(2026, 11, 2, tzinfo=AMSTERDAM)) == 0  # no second draw
    # The quarter's last slot is drawn the day after it ends, from the next quarter.
    assert draws_due(org, now=datetime(2027, 1, 1, 7, tzinfo=AMSTERDAM)) == 2
    assert sorted(
        SampleDraw.objects.filter(organisation=org, quarter="2026Q4").values_list("slot", flat=True)
    ) == [1, 2, 3]
    # The slot of November drew from November's calls.
    november = SampleDraw.objects.get(quarter="2026Q4", slot=2)
    assert november.items.filter(employee=world.own_call.employee).exists()


def test_the_daily_task_draws_for_every_organisation_with_a_policy(world):
    SamplingPolicy.objects.create(
        organisation=world.cast.organisation, per_quarter=12, purpose=world.purposes["coaching"]
    )
    assert draw_samples.run() >= 1  # twelve slots a quarter: at least one has ended by now
    assert not SampleDraw.objects.filter(organisation=world.cast.other_organisation).exists()


def test_the_coach_works_through_the_queue_with_the_employee_present(world, population):
    window, _calls, _idle = population
    draw = draw_slot(organisation=world.cast.organisation, quarter="2026Q4", slot=2, window=window)
    coach = Membership.objects.get(user=world.cast["coach"], organisation=world.cast.organisation)
    queued = list(queue_for(coach))
    # Team A's employees with calls in the window: the employee and the colleague.
    assert {item.employee for item in queued} == {
        world.own_call.employee,
        world.team_a_call.employee,
    }
    manager = Membership.objects.get(
        user=world.cast["manager"], organisation=world.cast.organisation
    )
    assert not queue_for(manager).exists()  # coaches no team
    sample_done(membership=coach, item_id=queued[0].pk, employee_present=True)
    item = SampleItem.objects.get(pk=queued[0].pk)
    assert item.employee_present and item.done_at is not None
    assert list(queue_for(coach)) == queued[1:]
    assert AuditEvent.objects.filter(action="coaching.sample.done").count() == 1
    assert list(draw.items.filter(done_at__isnull=False)) == [item]


def test_the_pages_show_the_queue_and_the_proof_of_each_draw(world, population, client_for):
    from django.urls import reverse

    window, _calls, idle = population
    draw = draw_slot(organisation=world.cast.organisation, quarter="2026Q4", slot=2, window=window)
    coach = client_for(world.cast["coach"])
    queue = coach.get(reverse("coaching:samples", kwargs={"org_slug": "acme"})).content.decode()
    assert queue.count("data-sample-item") == 2
    page = coach.get(
        reverse("coaching:sample_draw", kwargs={"org_slug": "acme", "draw_id": draw.pk})
    ).content.decode()
    assert 'data-verified="yes"' in page and draw.seed in page
    assert "data-without-calls" in page and idle.name in page
    employee = client_for(world.cast["employee"])
    assert employee.get(reverse("coaching:samples", kwargs={"org_slug": "acme"})).status_code == 403
