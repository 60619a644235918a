"""The hourly purge (the default schedule): a call is erased within about an hour before its
deadline, never after it, across daylight-saving days; one missed run is covered by the margin;
two runs of one organisation never work at once; a bad schedule is refused at startup.

The purge runs on real PostgreSQL with the clock frozen at each run's instant (as in
test_purge_properties); beat's own firing decisions are the reference for the schedule.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test import override_settings
from django.utils import timezone

import retention.purge
from earshot.beat import DEFAULT_ENTRIES, beat_schedule
from organisations.tests.factories import OrganisationFactory
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create
from retention.constants import RunStatus, RunTrigger
from retention.models import PurgeRun
from retention.purge import purge_exclusively, purge_organisation
from retention.run_lock import NAMESPACE
from retention.schedule import PURGE_ENTRY, next_run_after, purge_horizon
from retention.tests.test_purge_properties import (
    AUTUMN,
    SPRING,
    FrozenClock,
    beat_fires,
    beat_schedule_with,
    cron,
    utc,
)

HOURLY = "0 * * * *"
ROOT = Path(__file__).resolve().parents[2]


def test_the_default_purge_runs_every_hour_and_expires_before_the_next():
    entry = next(e for e in DEFAULT_ENTRIES if e.name == PURGE_ENTRY)
    assert entry.cron == HOURLY
    assert 0 < entry.expires_seconds < 3600  # a run beat could not start is not queued twice
    assert beat_schedule()[PURGE_ENTRY]["schedule"] == crontab(minute="0")


# --- the schedule across the daylight-saving changes ----------------------------------------


@pytest.mark.parametrize("expression", [HOURLY, "30 * * * *", "*/15 * * * *"])
@pytest.mark.parametrize("change", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_next_run_after_is_when_beat_fires_an_hourly_schedule(expression, change):
    schedule = cron(expression)
    fires = beat_fires(expression, change - timedelta(hours=6), change + timedelta(hours=6))
    for fired, following in zip(fires, fires[1:], strict=False):
        assert next_run_after(fired, schedule) == following, fired
    # From any minute in between too (not only from a run): the horizon of a run started late
    # still reaches the run beat really makes next.
    moment = fires[0]
    while moment < fires[-1]:
        assert next_run_after(moment, schedule) == min(f for f in fires if f > moment), moment
        moment += timedelta(minutes=1)


def test_hourly_runs_on_the_daylight_saving_days():
    """Spring: the skipped hour costs no run (beat fires at 01:00 UTC, 03:00 CEST). Autumn:
    beat does not fire in the repeated hour, so one gap is two hours, and the horizon of the
    run before it reaches past the run after it."""
    schedule = cron(HOURLY)
    spring = beat_fires(HOURLY, utc(3, 28, 22), utc(3, 29, 4))
    assert spring == [utc(3, 28, 23), utc(3, 29, 0), utc(3, 29, 1), utc(3, 29, 2), utc(3, 29, 3)]
    autumn = beat_fires(HOURLY, utc(10, 24, 22), utc(10, 25, 4))
    assert autumn == [utc(10, 24, 23), utc(10, 25, 0), utc(10, 25, 2), utc(10, 25, 3)]
    with override_settings(CELERY_BEAT_SCHEDULE=beat_schedule_with(schedule)):
        margin = timedelta(minutes=settings.PURGE_MARGIN_MINUTES)
        assert purge_horizon(utc(10, 25, 0)) == utc(10, 25, 2) + margin


# --- the promise, run after run -------------------------------------------------------------


class HourlyWalk:
    """Calls with deadlines every 17 minutes over the walk, purged by the runs beat makes on
    the hourly schedule (late by up to `late` of the margin, some skipped); every check is on
    what a person would see: the call's status and its audio."""

    def __init__(self, start, hours: int, margin_minutes: int) -> None:
        self.schedule = cron(HOURLY)
        self.margin = timedelta(minutes=margin_minutes)
        self.start, self.end = start, start + timedelta(hours=hours)
        self.clock = FrozenClock(start)
        self.organisation = OrganisationFactory()
        self.deadlines: dict = {}
        self.erased_at: dict = {}
        moment = start + timedelta(minutes=3)
        while moment < self.end + timedelta(hours=3):
            call = recording_create(
                organisation=self.organisation,
                started_at=moment - timedelta(days=28),
                retention_days=28,
            )
            assert call.purge_deadline == moment
            self.deadlines[call.pk] = (moment, call.storage_key)
            moment += timedelta(minutes=17)

    def active(self) -> dict:
        return dict(
            Recording.objects.filter(
                organisation=self.organisation, status=RecordingStatus.ACTIVE
            ).values_list("pk", "purge_deadline")
        )

    def run(self, now) -> PurgeRun:
        """A run at `now`, checked: what it erased was due within the horizon, nothing due
        within the horizon is left, and nothing was erased more than the time to the next run
        plus the margin before its deadline."""
        self.clock.now = now
        run = purge_organisation(self.organisation, now=now)
        following = next_run_after(now, self.schedule)
        assert run.horizon == following + self.margin
        assert (run.status, run.failed, run.overdue) == (RunStatus.FINISHED, 0, 0)
        left = self.active()
        for pk, (deadline, key) in self.deadlines.items():
            if pk in self.erased_at:
                continue
            if deadline <= run.horizon:
                assert pk not in left, f"run at {now}: deadline {deadline} within the horizon"
                assert not audio_storage().exists(key)
                # Never before the deadline minus the time to the next run and the margin.
                assert deadline - now <= (following - now) + self.margin, (now, deadline)
                self.erased_at[pk] = now
            else:
                assert pk in left and audio_storage().exists(key), (now, deadline)
        return run

    def overdue_at(self, moment) -> list:
        return sorted(d for d in self.active().values() if d <= moment)


def _lateness(n: int, margin: timedelta) -> timedelta:
    """Deterministic lateness of the n-th run: on time, or late by up to 9/10 of the margin."""
    return margin * ((n * 7) % 10) / 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start",
    [utc(3, 28, 21, 0), utc(10, 24, 21, 0), utc(6, 16, 8, 0)],
    ids=["spring-change", "autumn-change", "a-june-day"],
)
def test_the_hourly_purge_erases_within_about_an_hour_before_the_deadline_and_never_after(
    start, isolated_audio_storage
):
    walk = HourlyWalk(start, hours=9, margin_minutes=settings.PURGE_MARGIN_MINUTES)
    with (
        override_settings(CELERY_BEAT_SCHEDULE=beat_schedule_with(walk.schedule)),
        mock.patch("django.utils.timezone.now", walk.clock),
    ):
        walk.run(start)
        scheduled, n = next_run_after(start, walk.schedule), 0
        while scheduled < walk.end:
            late = scheduled + _lateness(n, walk.margin)
            # Never after: at the last moment before this run, nothing is past its deadline.
            assert walk.overdue_at(late) == [], late
            walk.run(late)
            scheduled, n = next_run_after(scheduled, walk.schedule), n + 1
    earliness = [walk.deadlines[pk][0] - at for pk, at in walk.erased_at.items()]
    assert len(earliness) > 25
    assert min(earliness) > timedelta(0)  # every call went before its deadline
    # Within about an hour: at most an hour plus the margin early, or two hours plus the margin
    # where the autumn night has a two-hour gap between runs.
    longest_gap = timedelta(hours=2 if start.month == 10 else 1)
    assert max(earliness) <= longest_gap + walk.margin


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("margin_minutes", "overdue_after_a_missed_run"), [(60, False), (15, True)]
)
def test_a_missed_hourly_run_is_covered_by_the_default_margin_of_an_hour(
    margin_minutes, overdue_after_a_missed_run, isolated_audio_storage
):
    """The default margin (60 minutes) is one hourly run: when beat misses a run (a worker
    restart, a run stuck behind a long task), nothing is past its deadline before the run
    after it. With a margin of 15 minutes the calls of the missed hour wait for that run."""
    start = utc(6, 16, 8, 0)
    walk = HourlyWalk(start, hours=4, margin_minutes=margin_minutes)
    with (
        override_settings(
            CELERY_BEAT_SCHEDULE=beat_schedule_with(walk.schedule),
            PURGE_MARGIN_MINUTES=margin_minutes,
        ),
        mock.patch("django.utils.timezone.now", walk.clock),
    ):
        walk.run(start)
        missed = next_run_after(start, walk.schedule)  # 09:00 UTC does not run
        after = next_run_after(missed, walk.schedule)  # 10:00, on time
        assert (walk.overdue_at(after) != []) is overdue_after_a_missed_run
        walk.run(after)
        assert walk.overdue_at(after) == []  # the run after erases everything overdue


@pytest.mark.django_db
def test_a_call_due_within_the_horizon_goes_in_this_run_not_after_its_deadline(
    isolated_audio_storage,
):
    """At 14:00 (hourly, margin 60) the horizon is 16:00: calls due at 14:30, 15:00, 15:59
    and 16:00 go now; the one due at 16:00:01 stays until the 15:00 run, still before its
    deadline."""
    schedule = cron(HOURLY)
    organisation = OrganisationFactory()
    run_at = utc(6, 16, 14, 0)
    due = {
        "14:30": run_at + timedelta(minutes=30),
        "15:00": run_at + timedelta(hours=1),
        "15:59": run_at + timedelta(minutes=119),
        "16:00": run_at + timedelta(hours=2),
        "16:00:01": run_at + timedelta(hours=2, seconds=1),
    }
    calls = {
        name: recording_create(
            organisation=organisation, started_at=at - timedelta(days=28), retention_days=28
        )
        for name, at in due.items()
    }

    def statuses():
        return {name: Recording.objects.get(pk=c.pk).status for name, c in calls.items()}

    clock = FrozenClock(run_at)
    with (
        override_settings(CELERY_BEAT_SCHEDULE=beat_schedule_with(schedule)),
        mock.patch("django.utils.timezone.now", clock),
    ):
        first = purge_organisation(organisation, now=run_at)
        assert first.horizon == utc(6, 16, 16, 0)
        assert first.purged == 4
        assert statuses() == {**dict.fromkeys(due, RecordingStatus.PURGED), "16:00:01": "active"}
        clock.now = run_at + timedelta(hours=1)
        second = purge_organisation(organisation, now=clock.now)
    assert second.purged == 1
    assert set(statuses().values()) == {RecordingStatus.PURGED}
    erased = Recording.objects.get(pk=calls["16:00:01"].pk)
    assert erased.purged_at < due["16:00:01"]  # before its deadline, not after


# --- two runs of one organisation -----------------------------------------------------------


def _slow_deletes(monkeypatch, release: threading.Event, started: threading.Event) -> None:
    """Storage deletes that wait for `release`: a run that takes as long as the test wants."""
    real = retention.purge._delete_confirmed

    def slow(key):
        started.set()
        assert release.wait(timeout=60)
        return real(key)

    monkeypatch.setattr(retention.purge, "_delete_confirmed", slow)


@pytest.mark.django_db(transaction=True)
def test_a_second_run_while_one_works_does_nothing_says_so_and_the_first_covers_it(
    cast, isolated_audio_storage, monkeypatch, caplog
):
    """A run that outlasts its hour: the next one (beat, "run now", a late call) takes no
    batch of it and reports that it stood aside; what became due while the first worked is
    erased by the first before it ends, in a second round with the horizon of that moment."""
    org = cast.organisation
    clock = FrozenClock(utc(6, 16, 14, 0))
    monkeypatch.setattr("django.utils.timezone.now", clock)
    first_due = recording_create(organisation=org)
    Recording.objects.filter(pk=first_due.pk).update(purge_deadline=clock.now)
    # Due at 16:30: beyond the horizon of the 14:00 run (16:00), within that of 15:00 (17:00).
    next_hour = recording_create(organisation=org)
    Recording.objects.filter(pk=next_hour.pk).update(
        purge_deadline=clock.now + timedelta(hours=2, minutes=30)
    )
    release, started, outcome = threading.Event(), threading.Event(), {}
    _slow_deletes(monkeypatch, release, started)

    def first_run():
        try:
            outcome["first"] = purge_exclusively(org, trigger=RunTrigger.SCHEDULE)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert started.wait(timeout=30)
        running = PurgeRun.objects.get(organisation=org, status=RunStatus.RUNNING)
        assert running.horizon == utc(6, 16, 16, 0)
        clock.now = utc(6, 16, 15, 0)  # the hour turns while the 14:00 run still works
        with caplog.at_level("WARNING", logger="retention.purge"):
            second = purge_exclusively(org, trigger=RunTrigger.SCHEDULE)
        assert second.skipped and second.runs == []
        assert second.skipped_for == running
        assert "skipped: another run of this organisation is still running" in caplog.text
        # The second made no run of its own and took nothing.
        assert PurgeRun.objects.filter(organisation=org).count() == 1
        assert Recording.objects.get(pk=next_hour.pk).status == RecordingStatus.ACTIVE
    finally:
        release.set()
        thread.join(timeout=60)
    first = outcome["first"]
    assert not first.skipped
    # A second round for what the skipped 15:00 run would have erased.
    assert [(run.purged, run.horizon) for run in first.runs] == [
        (1, utc(6, 16, 16, 0)),
        (1, utc(6, 16, 17, 0)),
    ]
    assert all(run.status == RunStatus.FINISHED for run in first.runs)
    for call in (first_due, next_hour):
        assert Recording.objects.get(pk=call.pk).status == RecordingStatus.PURGED
        assert not audio_storage().exists(call.storage_key)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_while_holding_the_lock_does_not_block_the_next(cast, isolated_audio_storage):
    """The lock is the database session's: when the process holding it dies (kill -9 of the
    worker closes its connections), the next run takes it. While it lives, runs stand aside."""
    org = cast.organisation
    call = recording_create(organisation=org)
    Recording.objects.filter(pk=call.pk).update(purge_deadline=timezone.now())
    holder = psycopg.connect(_database_url(), autocommit=True)
    try:
        holder.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [f"{NAMESPACE}{org.pk}"])
        assert purge_exclusively(org, trigger=RunTrigger.SCHEDULE).skipped
        assert Recording.objects.get(pk=call.pk).status == RecordingStatus.ACTIVE
    finally:
        holder.close()  # what the death of the holder's process does to its session
    done = purge_exclusively(org, trigger=RunTrigger.SCHEDULE)
    assert not done.skipped and done.runs[0].purged == 1
    assert Recording.objects.get(pk=call.pk).status == RecordingStatus.PURGED


@pytest.mark.django_db
def test_a_failing_delete_does_not_make_a_locked_run_loop(
    cast, isolated_audio_storage, monkeypatch
):
    """A call whose object will not go stays due; the run reports it once and stops (the next
    scheduled run retries), rather than running again and again."""
    org = cast.organisation
    call = recording_create(organisation=org)
    Recording.objects.filter(pk=call.pk).update(purge_deadline=timezone.now())
    monkeypatch.setattr(retention.purge, "_delete_confirmed", lambda key: "store unavailable")
    done = purge_exclusively(org, trigger=RunTrigger.SCHEDULE)
    assert len(done.runs) == 1
    assert (done.runs[0].failed, done.runs[0].overdue) == (1, 1)


# --- a bad schedule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("every hour", "must be a crontab of five fields or 'disable'"),
        ("61 * * * *", "is not a valid crontab ('61 * * * *'): Invalid end range: 61 > 59"),
        ("0 2 30 2 *", "is not a valid crontab ('0 2 30 2 *')"),
    ],
)
def test_a_bad_purge_schedule_is_refused_by_name(monkeypatch, value, says):
    monkeypatch.setenv("EARSHOT_BEAT_PURGE_RECORDINGS", value)
    with pytest.raises(ImproperlyConfigured, match="EARSHOT_BEAT_PURGE_RECORDINGS") as refused:
        beat_schedule()
    assert says in str(refused.value)


@pytest.mark.parametrize(
    "command",
    [["manage.py", "check"], ["-m", "celery", "-A", "earshot", "worker", "--pool=solo"]],
    ids=["check", "worker"],
)
def test_a_bad_purge_schedule_stops_startup_with_a_clear_message(command):
    """The operator's mistake stops the web check and the worker before anything runs, and
    the last line says which setting and why (no purge silently off or on another hour)."""
    done = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={
            **_environ(),
            "EARSHOT_BEAT_PURGE_RECORDINGS": "0 25 * * *",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        "django.core.exceptions.ImproperlyConfigured: EARSHOT_BEAT_PURGE_RECORDINGS is not a "
        "valid crontab ('0 25 * * *'): Invalid end range: 25 > 23."
    )


def _environ() -> dict[str, str]:
    import os

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "earshot.test_settings",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }


# --- what the register says about the purge --------------------------------------------------


@pytest.mark.django_db
def test_the_register_names_the_next_purge_and_finds_the_last_stale_once_a_run_is_late(
    cast, isolated_audio_storage
):
    from django.utils import translation

    from retention.evidence import retention_evidence

    clock = FrozenClock(utc(6, 16, 14, 0))

    def line(label: str):
        with translation.override("nl"):
            return next(e for e in retention_evidence(cast.organisation) if e.label == label)

    with mock.patch("django.utils.timezone.now", clock):
        purge_organisation(cast.organisation)
        clock.now = utc(6, 16, 14, 30)
        upcoming = line(translation.gettext("Next purge"))
        # 15:00 UTC is 17:00 in Amsterdam; it erases every call due before the run after it
        # (18:00) plus the margin: 19:00.
        assert "16-6-2026 17:00" in upcoming.value
        assert "16-6-2026 19:00" in upcoming.value
        last = translation.gettext("Last purge")
        # The 15:00 run may be late by the margin (an hour) before the last one is stale.
        clock.now = utc(6, 16, 15, 59)
        assert line(last).ok
        clock.now = utc(6, 16, 16, 1)
        assert not line(last).ok
