"""When the next purge runs, and so what this run must erase.

"At the latest N days after the call" is meant literally: a run erases everything whose
deadline falls before the next scheduled run plus a margin. The next run is computed from the
beat schedule in the schedule's own time zone (Europe/Amsterdam), so daylight-saving changes
move it the way beat moves it.
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
    """The first time after `moment` at which the crontab fires, in its zone, as an aware
    datetime. A local time that does not exist (the hour skipped in spring) resolves to the
    instant of the change, which is when beat fires it too."""
    schedule = schedule if schedule is not None else purge_crontab()
    if schedule is None:
        return None
    zone = ZoneInfo(settings.CELERY_TIMEZONE)
    local = moment.astimezone(zone)
    for offset in range(0, 366 * 4 + 1):
        day = local.date() + timedelta(days=offset)
        if not _days_match(schedule, day):
            continue
        for hour in sorted(schedule.hour):
            for minute in sorted(schedule.minute):
                candidate = _instant(datetime.combine(day, time(hour, minute)), zone)
                if candidate > moment:
                    return candidate
    return None


def _instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local time. A time in the hour skipped in spring does not
    exist: beat fires such times once, at the change itself, so they all become that instant."""
    utc = ZoneInfo("UTC")
    first = local.replace(tzinfo=zone, fold=1).astimezone(utc)
    if first.astimezone(zone).replace(tzinfo=None) == local:
        return local.replace(tzinfo=zone, fold=0).astimezone(utc)  # exists (first of two)
    # Skipped: the change is the first minute whose local time has passed `local`.
    probe = first
    while probe.astimezone(zone).replace(tzinfo=None) < local:
        probe += timedelta(minutes=1)
    return probe.replace(second=0, microsecond=0)


def purge_crontab() -> crontab | None:
    entry = settings.CELERY_BEAT_SCHEDULE.get(PURGE_ENTRY)
    return entry["schedule"] if entry else None


def purge_horizon(now: datetime, schedule: crontab | None = None) -> datetime:
    """Everything with a deadline at or before this moment must be erased now."""
    following = next_run_after(now, schedule) or now + FALLBACK_INTERVAL
    return following + timedelta(minutes=settings.PURGE_MARGIN_MINUTES)
