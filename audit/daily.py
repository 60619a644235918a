"""Counts of audit events per organisation, local day, action and purpose.

A count over the last 30 or 90 days of a busy trail (a million listens) is too slow for a page
that must answer in 300 ms. Days that have ended are counted once, nightly or at the first
question after; only the events since then are counted live. The sum is exact: events are
never changed or removed, and a day is counted only once it ended SETTLE ago, so an event of a
transaction that committed just after midnight is not missed.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from audit.models import AuditEvent, DailyActionCount, DailyCountsDone

SETTLE = timedelta(hours=1)


def _zone(organisation) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(organisation.timezone)


def _start_of(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _last_settled_day(organisation, now: datetime) -> date:
    """The newest local day that ended at least SETTLE ago."""
    return (now - SETTLE).astimezone(_zone(organisation)).date() - timedelta(days=1)


def daily_counts_refresh(organisation=None, *, now: datetime | None = None) -> int:
    """Count every settled day not yet counted, for one organisation or all. Returns the number
    of count rows written."""
    from organisations.models import Organisation

    now = now or timezone.now()
    organisations = [organisation] if organisation else Organisation.objects.all()
    written = 0
    for org in organisations:
        # The register page asks on every visit; most days there is nothing to count, and
        # then no row is locked.
        done = DailyCountsDone.objects.filter(organisation=org).values_list(
            "through_day", flat=True
        )
        if done and done[0] >= _last_settled_day(org, now):
            continue
        written += _refresh_one(org, now)
    return written


@transaction.atomic
def _refresh_one(organisation, now: datetime) -> int:
    zone = _zone(organisation)
    through = _last_settled_day(organisation, now)
    done = DailyCountsDone.objects.select_for_update().filter(organisation=organisation).first()
    if done is not None and done.through_day >= through:
        return 0
    events = AuditEvent.objects.filter(
        organisation=organisation, created_at__lt=_start_of(through + timedelta(days=1), zone)
    )
    if done is not None:
        start = _start_of(done.through_day + timedelta(days=1), zone)
        events = events.filter(created_at__gte=start)
    rows = (
        events.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day", "action", "purpose")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = [
        DailyActionCount(
            organisation=organisation,
            day=row["day"],
            action=row["action"],
            purpose=row["purpose"],
            count=row["n"],
        )
        for row in rows
    ]
    DailyActionCount.objects.bulk_create(counts, batch_size=1000)
    DailyCountsDone.objects.update_or_create(
        organisation=organisation, defaults={"through_day": through}
    )  # counted_at (auto_now) is the time the page shows beside the figures
    return len(counts)


def window_start(organisation, days: int, *, now: datetime | None = None) -> datetime:
    """The start of a window of N days: local midnight of the day N-1 days before today."""
    zone = _zone(organisation)
    today = (now or timezone.now()).astimezone(zone).date()
    return _start_of(today - timedelta(days=days - 1), zone)


def counted_through(organisation) -> DailyCountsDone | None:
    """Up to which day the counts are precomputed and when that was done (for the page)."""
    return DailyCountsDone.objects.filter(organisation=organisation).first()


def counts_per_purpose(
    organisation, action: str, windows: tuple[int, ...], *, now: datetime | None = None
) -> dict[int, Counter]:
    """For each window of N days (today and the N-1 days before, in the organisation's time
    zone): the number of `action` events per purpose."""
    now = now or timezone.now()
    zone = _zone(organisation)
    daily_counts_refresh(organisation, now=now)
    done = DailyCountsDone.objects.get(organisation=organisation).through_day
    today = now.astimezone(zone).date()
    result: dict[int, Counter] = {}
    live_from = _start_of(done + timedelta(days=1), zone)
    live = (
        AuditEvent.objects.filter(
            organisation=organisation, action=action, created_at__gte=live_from
        )
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day", "purpose")
        .annotate(n=Count("pk"))
        .order_by()
    )
    live_rows = list(live)
    oldest = today - timedelta(days=max(windows) - 1)
    counted = list(
        DailyActionCount.objects.filter(
            organisation=organisation, action=action, day__gte=oldest, day__lte=done
        )
        .values("day", "purpose")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for days in windows:
        first = today - timedelta(days=days - 1)
        total: Counter = Counter()
        for row in (*counted, *live_rows):
            if row["day"] >= first:
                total[row["purpose"]] += row["n"]
        result[days] = total
    return result
