"""When the next purge runs, and so what this run must erase.

"At the latest N days after the call" is meant literally: a run erases everything whose
deadline falls before the next scheduled run plus a margin. The next run is computed from the
beat schedule in the schedule's own time zone (Europe/Amsterdam), so daylight-saving changes
move it the way beat moves it.

The default schedule is hourly (earshot/beat.py), so a run erases what falls due within the
next hour plus the margin: a call goes between one and two hours before its deadline, and one
missed run still leaves nothing past it (docs/retention.md). On the autumn change beat does not
fire in the repeated hour; next_run_after knows it, so the run before the two-hour gap reaches
across it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from celery.schedules import crontab
from django.conf import settings

PURGE_ENTRY = "purge-recordings"
# Without a schedule (beat disabled, manual runs only) assume the next run is a day away.
FALLBACK_INTERVAL = timedelta(days=1)


def _days_match(schedule: crontab, day: date) -> bool:
    # crontab's day_of_week counts Sunday as 0; date.isoweekday() counts Monday as 1..Sunday 7.
    return (
        day.month in schedule.month_of_year
        and day.day in schedule.day_of_month
        and day.isoweekday() % 7 in schedule.day_of_week
    )


def next_run_after(moment: datetime, schedule: crontab | None = None) -> datetime | None:
    """The first time after `moment` at which beat fires the crontab, as an aware datetime.

    Beat works in wall-clock time from its last run: a time in the hour skipped in spring fires
    an hour late by the clock (02:30 at 03:30 CEST), and any later time that day the clock has
    already passed is skipped. So the chain of runs is replayed from the day before `moment`.
    """
    schedule = schedule if schedule is not None else purge_crontab()
    if schedule is None:
        return None
    zone = ZoneInfo(settings.CELERY_TIMEZONE)
    utc = ZoneInfo("UTC")
    first_day = moment.astimezone(zone).date() - timedelta(days=1)
    last_wall = None
    for offset in range(0, 366 * 4 + 2):
        day = first_day + timedelta(days=offset)
        if not _days_match(schedule, day):
            continue
        for hour in sorted(schedule.hour):
            for minute in sorted(schedule.minute):
                wall = datetime.combine(day, time(hour, minute))
                if last_wall is not None and wall <= last_wall:
                    continue  # beat's clock has already passed this time
                fired = wall.replace(tzinfo=zone).astimezone(utc)
                if fired > moment:
                    return fired
                last_wall = fired.astimezone(zone).replace(tzinfo=None)
    return None


def purge_crontab() -> crontab | None:
    entry = settings.CELERY_BEAT_SCHEDULE.get(PURGE_ENTRY)
    return entry["schedule"] if entry else None


# The last next run worked out: (schedule, time zone, local day replayed from, since, run).
# Replaying a day of the schedule takes ~1 ms, and every stored call asks (a drop folder's
# batch, thousands of times a minute); the answer stays the same until that run.
_last_run: tuple | None = None


def purge_horizon(now: datetime, schedule: crontab | None = None) -> datetime:
    """Everything with a deadline at or before this moment must be erased now."""
    global _last_run
    schedule = schedule if schedule is not None else purge_crontab()
    margin = timedelta(minutes=settings.PURGE_MARGIN_MINUTES)
    if schedule is None:
        return now + FALLBACK_INTERVAL + margin
    zone_name = settings.CELERY_TIMEZONE
    day = now.astimezone(ZoneInfo(zone_name)).date()
    last = _last_run
    # The first run after `since` is the first after any moment before it: no run between.
    # Same schedule, time zone and replayed day, so beat's wall-clock chain is the same one.
    if (
        last is not None
        and last[3] <= now < last[4]
        and last[2] == day
        and last[1] == zone_name
        and (last[0] is schedule or last[0] == schedule)
    ):
        return last[4] + margin
    following = next_run_after(now, schedule)
    if following is None:
        return now + FALLBACK_INTERVAL + margin
    _last_run = (schedule, zone_name, day, now, following)
    return following + margin
