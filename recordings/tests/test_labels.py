"""A call is named by when it was made (in the page's language and the local time) and its
team, never by its PBX id."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import translation

from organisations.models import Employee, Team
from recordings.labels import call_title
from recordings.models import Recording

# 13:05 UTC on 3 December is 14:05 in Amsterdam.
STARTED = datetime(2026, 12, 3, 13, 5, tzinfo=UTC)


def _call(team_name: str | None) -> Recording:
    employee = None
    if team_name is not None:
        employee = Employee(name="Sanne", team=Team(name=team_name))
    return Recording(call_id="pbx-77", started_at=STARTED, employee=employee)


def test_a_call_is_named_by_its_day_time_and_team_in_dutch():
    assert call_title(_call("Zuid")) == "Gesprek van 3 dec 14:05 · team Zuid"


def test_a_team_whose_name_says_team_is_not_called_team_twice():
    assert call_title(_call("Team Zuid")) == "Gesprek van 3 dec 14:05 · Team Zuid"


def test_without_an_employee_only_the_moment_and_in_english_day_month_24_hours():
    assert call_title(_call(None)) == "Gesprek van 3 dec 14:05"
    with translation.override("en"):
        assert call_title(_call("Zuid")) == "Call of 3 Dec 14:05 · team Zuid"


def test_an_erased_call_is_named_by_its_day_alone():
    from django.utils import timezone

    from recordings.constants import RecordingStatus

    # The tombstone keeps midnight of the call's day in Amsterdam (23:00 UTC the day before).
    midnight = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)
    tombstone = Recording(call_id="", started_at=midnight, status=RecordingStatus.PURGED)
    with timezone.override("Europe/Amsterdam"):
        assert call_title(tombstone) == "Gesprek van 3 dec"
