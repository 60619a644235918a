"""Daily counts of the audit trail: the sums the register shows equal a live count of the trail,
whatever days were counted before, across midnight and the time-zone change, per organisation."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

import audit
from audit.daily import counts_per_purpose, daily_counts_refresh, window_start
from audit.models import AuditEvent, DailyActionCount, DailyCountsDone

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LISTENED = "access.recording.listened"


def _listen_at(when: datetime, organisation, purpose: str) -> None:
    with mock.patch("django.utils.timezone.now", return_value=when):
        audit.record(actor=None, action=LISTENED, organisation=organisation, purpose=purpose)


def _live(organisation, days: int, now: datetime) -> Counter:
    """The reference: count the trail itself."""
    rows = (
        AuditEvent.objects.filter(
            organisation=organisation,
            action=LISTENED,
            created_at__gte=window_start(organisation, days, now=now),
        )
        .values("purpose")
        .annotate(n=Count("pk"))
    )
    return Counter({row["purpose"]: row["n"] for row in rows})


def test_counts_equal_the_trail_whenever_they_are_asked(cast):
    rng = random.Random(20261129)
    organisation = cast.organisation
    # 120 days of listens around the October clock change, in both organisations.
    start = datetime(2026, 8, 20, 0, 0, tzinfo=AMSTERDAM)
    moments = sorted(start + timedelta(minutes=rng.randrange(0, 120 * 24 * 60)) for _ in range(400))
    asked = [moments[100], moments[250], moments[399] + timedelta(minutes=5)]
    for when in moments:
        _listen_at(when, organisation, rng.choice(["coaching", "misconduct", ""]))
        if rng.random() < 0.2:
            _listen_at(when, cast.other_organisation, "coaching")
        if asked and when >= asked[0]:
            now = asked.pop(0)
            counted = counts_per_purpose(organisation, LISTENED, (30, 90), now=now)
            assert counted[30] == _live(organisation, 30, now)
            assert counted[90] == _live(organisation, 90, now)
    now = moments[-1] + timedelta(hours=3)
    counted = counts_per_purpose(organisation, LISTENED, (1, 30, 90), now=now)
    for days in (1, 30, 90):
        assert counted[days] == _live(organisation, days, now), days
    # Counting again changes nothing: every ended day is counted exactly once.
    rows = DailyActionCount.objects.count()
    assert daily_counts_refresh(organisation, now=now) == 0
    assert DailyActionCount.objects.count() == rows


def test_an_event_just_before_midnight_is_counted_even_when_asked_just_after(cast):
    organisation = cast.organisation
    late = datetime(2026, 11, 20, 23, 59, 59, tzinfo=AMSTERDAM)
    _listen_at(late, organisation, "coaching")
    just_after = datetime(2026, 11, 21, 0, 0, 30, tzinfo=AMSTERDAM)
    counts_per_purpose(organisation, LISTENED, (30,), now=just_after)
    # The 20th is not counted yet: it ended less than an hour ago and a transaction that
    # began before midnight may still commit an event for it.
    assert DailyCountsDone.objects.get(organisation=organisation).through_day < late.date()
    _listen_at(late, organisation, "coaching")  # that late commit
    later = datetime(2026, 11, 21, 9, 0, tzinfo=AMSTERDAM)
    assert counts_per_purpose(organisation, LISTENED, (30,), now=later)[30]["coaching"] == 2


def test_windows_are_whole_local_days(cast):
    organisation = cast.organisation
    now = datetime(2026, 11, 29, 10, 0, tzinfo=AMSTERDAM)
    _listen_at(datetime(2026, 10, 31, 0, 5, tzinfo=AMSTERDAM), organisation, "coaching")  # day 30
    _listen_at(datetime(2026, 10, 30, 23, 55, tzinfo=AMSTERDAM), organisation, "coaching")  # 31
    counted = counts_per_purpose(organisation, LISTENED, (30, 90), now=now)
    assert counted[30]["coaching"] == 1
    assert counted[90]["coaching"] == 2


def test_the_nightly_task_counts_every_organisation(cast):
    from audit.tasks import count_audit_days

    yesterday = datetime.now(AMSTERDAM) - timedelta(days=1, hours=2)
    _listen_at(yesterday, cast.organisation, "coaching")
    _listen_at(yesterday, cast.other_organisation, "misconduct")
    assert count_audit_days() >= 2
    assert set(DailyCountsDone.objects.values_list("organisation__slug", flat=True)) >= {
        "acme",
        "other",
    }
