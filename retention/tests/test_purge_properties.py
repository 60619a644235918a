"""The retention promise over time: no recording may ever be older than its retention.

A hypothesis scenario drives the purge through generated schedules, call times, retention
periods and clock moves (runs on time or late by less than the margin, skipped runs, the clock
jumping forward or back), with the time passed explicitly as `now` and django's clock frozen
at the same instant. Plain tests pin `next_run_after` across the daylight-saving changes of
2026 in Europe/Amsterdam and compare it with the instants at which celery beat really fires.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.test import override_settings
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from earshot.celery import app as celery_app
from organisations.tests.factories import OrganisationFactory
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create
from retention.constants import RunStatus
from retention.purge import overdue_recordings, purge_organisation
from retention.schedule import PURGE_ENTRY, next_run_after, purge_horizon

pytestmark = pytest.mark.django_db

# Every generated schedule fires at least once a day, so the next run is never more than a
# day away, plus the hour a day gains when the clocks go back.
LONGEST_DAY = timedelta(hours=25)
SPRING = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 CET becomes 03:00 CEST
AUTUMN = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 03:00 CEST becomes 02:00 CET


def utc(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


def cron(expression: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


def beat_schedule_with(schedule: crontab) -> dict:
    return {PURGE_ENTRY: {"task": "retention.tasks.purge_all", "schedule": schedule}}


class FrozenClock:
    """Stands in for django.utils.timezone.now: purged_at, overdue_recordings, audit rows and
    PurgeRun all read the scenario's time instead of the wall clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def beat_fires(expression: str, start: datetime, end: datetime) -> list[datetime]:
    """The instants at which celery beat fires the crontab between start and end: beat's own
    decision (crontab.is_due with the last run time it keeps), asked once a minute.

    Celery works in wall-clock time from the last run: a time in the hour skipped in spring
    fires an hour late by the clock (02:30 at 03:30 CEST), and the times of the schedule that
    the clock has then passed (02:45, 03:15, ...) do not fire that day. In the repeated autumn
    hour only the first pass fires."""
    clock = FrozenClock(start)
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    ticking = crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        nowfun=lambda: clock.now.astimezone(celery_app.timezone),
        app=celery_app,
    )
    last_run = start.astimezone(celery_app.timezone)
    fired = []
    while clock.now < end:
        if ticking.is_due(last_run).is_due:
            fired.append(clock.now)
            last_run = clock.now.astimezone(celery_app.timezone)
        clock.now += timedelta(minutes=1)
    return fired


# --- The scenario -------------------------------------------------------------------------


@st.composite
def crontabs(draw) -> str:
    minutes = draw(st.sets(st.integers(0, 59), min_size=1, max_size=2))
    kind = draw(st.sampled_from(["daily", "several a day", "every n hours"]))
    if kind == "daily":
        hours = {draw(st.integers(0, 23))}
    elif kind == "several a day":
        hours = draw(st.sets(st.integers(0, 23), min_size=2, max_size=4))
    else:
        step = draw(st.sampled_from([1, 2, 3, 4, 6, 8, 12]))
        hours = set(range(draw(st.integers(0, step - 1)), 24, step))
    return f"{','.join(map(str, sorted(minutes)))} {','.join(map(str, sorted(hours)))} * * *"


# Half the scenarios start within days of a daylight-saving change, the rest anywhere in 2026.
starts = st.one_of(
    st.builds(
        lambda change, seconds: change + timedelta(seconds=seconds),
        st.sampled_from([SPRING, AUTUMN]),
        st.integers(-3 * 86400, 2 * 86400),
    ),
    st.builds(
        lambda seconds: utc(1, 1, 0) + timedelta(seconds=seconds),
        st.integers(0, 364 * 86400),
    ),
)

# A deadline anywhere from a day before the start to five days after it, or exactly on (a
# second either side of) the k-th scheduled run or its horizon, where off-by-one bugs live.
deadlines = st.one_of(
    st.tuples(st.just("after start"), st.integers(-86400, 4 * 86400)),
    st.tuples(
        st.just("at run"),
        st.integers(1, 6),
        st.booleans(),  # plus the margin: on the horizon of the run before
        st.sampled_from([-1, 0, 1]),
    ),
    st.tuples(
        st.just("at run"),
        st.integers(1, 6),
        st.booleans(),  # plus the margin: on the horizon of the run before
        st.sampled_from([-1, 0, 1]),
    ),
)

calls = st.lists(
    st.tuples(deadlines, st.integers(1, 90), st.sampled_from([False, False, True])),
    min_size=1,
    max_size=6,
)

# What happens after each run: the next scheduled run on time or late by a fraction of what is
# allowed (less than the margin and less than the time to the run after it), a skipped run
# (the one after it runs, late), or the clock jumping forward or back before an unscheduled run.
lateness = st.floats(0, 1, exclude_max=True, allow_nan=False)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("run"), lateness),
        st.tuples(st.just("run"), lateness),
        st.tuples(st.just("skip"), lateness),
        st.tuples(st.just("forward"), st.integers(60, 3 * 86400)),
        st.tuples(st.just("back"), st.integers(60, 2 * 86400)),
    ),
    min_size=1,
    max_size=6,
)


def _deadline(spec: tuple, start: datetime, schedule: crontab, margin: timedelta) -> datetime:
    if spec[0] == "after start":
        return start + timedelta(seconds=spec[1])
    _, k, on_horizon, shift = spec
    run = start
    for _ in range(k):
        run = next_run_after(run, schedule)
    return run + (margin if on_horizon else timedelta(0)) + timedelta(seconds=shift)


class Scenario:
    """One organisation's recordings and the purge runs over them, with every check."""

    def __init__(self, schedule: crontab, margin: timedelta, clock: FrozenClock) -> None:
        self.schedule, self.margin, self.clock = schedule, margin, clock
        self.organisation = OrganisationFactory()
        self.keys: dict = {}

    def call(self, deadline: datetime, retention_days: int, held: bool) -> None:
        recording = recording_create(
            organisation=self.organisation,
            started_at=deadline - timedelta(days=retention_days),
            retention_days=retention_days,
            status=RecordingStatus.HELD if held else RecordingStatus.ACTIVE,
        )
        assert recording.purge_deadline == deadline
        self.keys[recording.pk] = recording.storage_key

    def rows(self) -> dict:
        return {r.pk: r for r in Recording.objects.filter(organisation=self.organisation)}

    def overdue_at(self, moment: datetime) -> list[Recording]:
        """ACTIVE calls at or past their deadline at `moment`, by the purge's own query."""
        self.clock.now = moment
        return list(overdue_recordings(self.organisation))

    def run(self, now: datetime) -> None:
        before = self.rows()
        self.clock.now = now
        run = purge_organisation(self.organisation, now=now)

        following = next_run_after(now, self.schedule)
        horizon = following + self.margin
        assert now < following <= now + LONGEST_DAY
        assert run.horizon == horizon == purge_horizon(now)
        assert (run.status, run.failed) == (RunStatus.FINISHED, 0)

        after = self.rows()
        purged_now = 0
        for pk, was in before.items():
            row, key = after[pk], self.keys[pk]
            if was.status == RecordingStatus.HELD:
                # Nothing held is ever purged, whatever its deadline.
                assert row.status == RecordingStatus.HELD, (now, was.purge_deadline)
                assert audio_storage().exists(key)
            elif was.status == RecordingStatus.PURGED:
                assert row.status == RecordingStatus.PURGED  # a tombstone stays one
            else:
                # Exactly what would outlive its deadline before the next run (plus the margin
                # for a late run) is erased: nothing with a later deadline, everything before.
                due = was.purge_deadline <= horizon
                assert (row.status == RecordingStatus.PURGED) == due, (
                    f"run at {now}: deadline {was.purge_deadline}, next run {following}, "
                    f"horizon {horizon}, status {row.status}"
                )
                if due:
                    purged_now += 1
                    if was.purge_deadline > following:
                        event("erased for a late next run (deadline in the margin)")
                    assert was.purge_deadline - now <= (following - now) + self.margin
                    assert row.purged_at == now
                    assert not audio_storage().exists(key)
                else:
                    assert row.status == RecordingStatus.ACTIVE and audio_storage().exists(key)
        assert run.purged == purged_now
        assert run.held == sum(
            1
            for r in before.values()
            if r.status == RecordingStatus.HELD and r.purge_deadline <= horizon
        )
        # After any run, on time or not, nothing is left past its deadline.
        assert run.overdue == 0
        assert self.overdue_at(now) == []


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    expression=crontabs(),
    start=starts,
    margin_minutes=st.sampled_from([60, 60, 15, 120]),
    recordings=calls,
    moves=steps,
)
def test_no_recording_outlives_its_retention_whatever_the_schedule_and_clock(
    expression, start, margin_minutes, recordings, moves
):
    schedule = cron(expression)
    margin = timedelta(minutes=margin_minutes)
    clock = FrozenClock(start)
    with (
        override_settings(
            CELERY_BEAT_SCHEDULE=beat_schedule_with(schedule), PURGE_MARGIN_MINUTES=margin_minutes
        ),
        mock.patch("django.utils.timezone.now", clock),
    ):
        scenario = Scenario(schedule, margin, clock)  # a fresh organisation per example
        for deadline, retention_days, held in recordings:
            scenario.call(_deadline(deadline, start, schedule, margin), retention_days, held)

        now = start
        scenario.run(now)  # the purge was already running before the scenario starts
        for move, amount in moves:
            if move in ("run", "skip"):
                scheduled = next_run_after(now, schedule)
                if move == "skip":
                    scheduled = next_run_after(scheduled, schedule)
                allowed = min(margin, next_run_after(scheduled, schedule) - scheduled)
                later = scheduled + timedelta(seconds=int(amount * allowed.total_seconds()))
                previous_horizon = next_run_after(now, schedule) + margin
                overdue = scenario.overdue_at(later)
                if move == "run":
                    # Every scheduled run happened (late by less than the margin): at no moment
                    # between two runs is anything past its deadline. Nothing changes between
                    # runs, so the last moment before this run is the one to check.
                    assert overdue == [], (now, later, [r.purge_deadline for r in overdue])
                else:
                    # A run was skipped: only what the missed run would have erased is late.
                    assert all(r.purge_deadline > previous_horizon for r in overdue)
                    if overdue:
                        event("a skipped run left calls overdue")
                now = later
            elif move == "forward":
                now += timedelta(seconds=amount)
            else:
                now -= timedelta(seconds=amount)
            # Whatever happened before, this run erases everything overdue (checked in run()).
            scenario.run(now)


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    expression=crontabs(),
    start=starts,
    missed=st.one_of(st.integers(1, 3), st.timedeltas(timedelta(minutes=1), timedelta(days=3))),
    late=lateness,
    offsets=st.lists(st.integers(-86400, 2 * 86400), min_size=1, max_size=6),
)
def test_after_a_missed_run_or_a_jump_the_next_run_erases_everything_overdue(
    expression, start, missed, late, offsets
):
    schedule = cron(expression)
    margin = timedelta(minutes=settings.PURGE_MARGIN_MINUTES)
    clock = FrozenClock(start)
    with (
        override_settings(CELERY_BEAT_SCHEDULE=beat_schedule_with(schedule)),
        mock.patch("django.utils.timezone.now", clock),
    ):
        scenario = Scenario(schedule, margin, clock)
        first_horizon = purge_horizon(start)
        for offset in offsets:  # around the horizon of the run at `start`
            scenario.call(first_horizon + timedelta(seconds=offset), 30, held=False)
        scenario.run(start)
        if isinstance(missed, timedelta):  # the clock jumps forward
            now = start + missed
        else:  # beat misses `missed` runs; the one after them is late
            scheduled = start
            for _ in range(missed + 1):
                scheduled = next_run_after(scheduled, schedule)
            allowed = min(margin, next_run_after(scheduled, schedule) - scheduled)
            now = scheduled + timedelta(seconds=int(late * allowed.total_seconds()))
        overdue = scenario.overdue_at(now)
        # Late only because of the gap: the first run covered up to its horizon.
        assert all(r.purge_deadline > first_horizon for r in overdue)
        if overdue:
            event("calls were overdue when the purge came back")
        scenario.run(now)  # nothing overdue after it, exactly the horizon erased


# --- next_run_after across the daylight-saving changes of 2026 ------------------------------


@pytest.mark.parametrize(
    ("expression", "moment", "expected"),
    [
        # Spring: 02:00 local does not exist on 29 March; beat fires at 03:00 CEST (01:00 UTC).
        ("0 2 * * *", utc(3, 28, 12), utc(3, 29, 1)),
        ("0 2 * * *", utc(3, 29, 0, 59, 59), utc(3, 29, 1)),
        ("0 2 * * *", utc(3, 29, 1), utc(3, 30, 0)),  # a 23-hour day
        # "30 2" falls in the skipped hour too: 03:30 CEST (01:30 UTC).
        ("30 2 * * *", utc(3, 28, 12), utc(3, 29, 1, 30)),
        ("30 2 * * *", utc(3, 29, 1), utc(3, 29, 1, 30)),
        ("30 2 * * *", utc(3, 29, 1, 30), utc(3, 30, 0, 30)),
        # Autumn: 02:00-03:00 local happens twice on 25 October; beat fires the first pass only.
        ("0 2 * * *", utc(10, 24, 12), utc(10, 25, 0)),
        ("0 2 * * *", utc(10, 25, 0), utc(10, 26, 1)),  # a 25-hour day
        ("0 2 * * *", utc(10, 25, 0, 30), utc(10, 26, 1)),
        ("0 2 * * *", utc(10, 25, 1), utc(10, 26, 1)),  # 02:00 CET, the second pass
        ("30 2 * * *", utc(10, 24, 12), utc(10, 25, 0, 30)),
        ("30 2 * * *", utc(10, 25, 0, 45), utc(10, 26, 1, 30)),
        ("30 2 * * *", utc(10, 25, 1, 10), utc(10, 26, 1, 30)),  # 02:10 CET, second pass
    ],
)
def test_next_run_after_at_the_daylight_saving_changes(expression, moment, expected):
    assert next_run_after(moment, cron(expression)) == expected


def _moments_around(change: datetime) -> list[datetime]:
    """Every 7 minutes for two days around a change, plus the instants next to it."""
    start = change - timedelta(hours=26)
    sweep = [start + timedelta(minutes=7 * i) for i in range(48 * 60 // 7)]
    edges = [change + timedelta(microseconds=d) for d in (-1, 0, 1)]
    return sorted(sweep + edges)


@pytest.mark.parametrize("change", [SPRING, AUTUMN], ids=["spring", "autumn"])
@pytest.mark.parametrize("expression", ["0 2 * * *", "30 2 * * *"])
def test_the_next_nightly_run_is_a_real_instant_within_a_day(expression, change):
    schedule = cron(expression)
    zone = celery_app.timezone
    minute, hour = int(expression.split()[0]), int(expression.split()[1])
    for moment in _moments_around(change):
        following = next_run_after(moment, schedule)
        assert following.utcoffset() == timedelta(0)
        assert moment < following <= moment + LONGEST_DAY, moment
        # A real instant: it reads as an existing local time, the scheduled one or, on the
        # spring day, the same minute of the hour after the skipped one.
        local = following.astimezone(zone)
        assert local.astimezone(UTC) == following
        assert local.minute == minute
        assert local.hour == hour or (local.date() == change.date() and local.hour == hour + 1)


BEAT_CASES = [
    pytest.param(expression, change, id=f"{expression}-{name}")
    for expression in [
        "0 2 * * *",
        "30 2 * * *",
        "0,30 2 * * *",
        "15 1,2,3 * * *",
        "0 */6 * * *",
        "45 0,2,23 * * *",
        "59 1 * * *",
        "59 2 * * *",
    ]
    for change, name in [(SPRING, "spring"), (AUTUMN, "autumn")]
]


@pytest.mark.parametrize(("expression", "change"), BEAT_CASES)
def test_next_run_after_is_when_celery_beat_fires(expression, change):
    schedule = cron(expression)
    start, end = change - timedelta(hours=30), change + timedelta(hours=30)
    fires = beat_fires(expression, start, end)
    assert len(fires) >= 2
    # From each run beat makes, the next run is the next one beat makes: the horizon of a run
    # reaches (at least) to when the following run really happens.
    for fired, following in zip(fires, fires[1:], strict=False):
        expected = next_run_after(fired, schedule)
        assert expected >= following, f"after {fired} beat runs at {following}, not {expected}"
        assert expected == following, f"after {fired} beat runs at {following}, not {expected}"
    # And from any moment, the first run beat makes after it.
    for moment in _moments_around(change):
        if moment < fires[0] or moment >= fires[-1]:
            continue
        assert next_run_after(moment, schedule) == min(f for f in fires if f > moment), moment


@hypothesis_settings(max_examples=25, deadline=None, database=None)
@given(expression=crontabs(), change=st.sampled_from([SPRING, AUTUMN]))
def test_from_each_beat_run_the_next_run_is_the_next_one_beat_makes(expression, change):
    schedule = cron(expression)
    fires = beat_fires(expression, change - timedelta(hours=26), change + timedelta(hours=26))
    for fired, following in zip(fires, fires[1:], strict=False):
        expected = next_run_after(fired, schedule)
        assert expected >= following, f"after {fired} beat runs at {following}, not {expected}"
        assert expected == following, f"after {fired} beat runs at {following}, not {expected}"


@pytest.mark.parametrize(
    ("expression", "moment", "following"),
    [
        ("0 2 * * *", utc(3, 28, 12), utc(3, 29, 1)),  # next run at the spring change
        ("0 2 * * *", utc(3, 29, 1), utc(3, 30, 0)),  # a run at the change itself
        ("30 2 * * *", utc(3, 29, 0, 59), utc(3, 29, 1, 30)),
        ("0 2 * * *", utc(10, 24, 23, 59), utc(10, 25, 0)),  # first pass of the autumn hour
        ("0 2 * * *", utc(10, 25, 0), utc(10, 26, 1)),  # a run before the 25-hour day
        ("30 2 * * *", utc(10, 25, 1, 10), utc(10, 26, 1, 30)),  # in the repeated hour
    ],
)
def test_the_horizon_edge_across_the_changes(expression, moment, following):
    schedule = cron(expression)
    margin = timedelta(minutes=settings.PURGE_MARGIN_MINUTES)
    assert next_run_after(moment, schedule) == following
    horizon = following + margin
    clock = FrozenClock(moment)
    with (
        override_settings(CELERY_BEAT_SCHEDULE=beat_schedule_with(schedule)),
        mock.patch("django.utils.timezone.now", clock),
    ):
        assert purge_horizon(moment) == horizon
        organisation = OrganisationFactory()
        deadlines = {
            "just before the next run": following - timedelta(seconds=1),
            "on the horizon": horizon,
            "just after the horizon": horizon + timedelta(seconds=1),
        }
        made = {
            name: recording_create(
                organisation=organisation,
                started_at=deadline - timedelta(days=28),
                retention_days=28,
            ).pk
            for name, deadline in deadlines.items()
        }
        run = purge_organisation(organisation, now=moment)
    statuses = {name: Recording.objects.get(pk=pk).status for name, pk in made.items()}
    assert run.horizon == horizon
    assert statuses == {
        "just before the next run": RecordingStatus.PURGED,
        "on the horizon": RecordingStatus.PURGED,
        "just after the horizon": RecordingStatus.ACTIVE,
    }
