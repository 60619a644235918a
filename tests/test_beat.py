"""The beat schedule is built in code, overridable from the environment, and names real tasks."""

import pytest
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from earshot.beat import DEFAULT_ENTRIES, beat_schedule
from earshot.celery import app


def test_every_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in beat_schedule().items():
        assert entry["task"] in app.tasks, f"beat entry {name} names unknown task {entry['task']}"


def test_every_entry_expires_before_its_next_run():
    for entry in DEFAULT_ENTRIES:
        assert 0 < entry.expires_seconds < 24 * 3600


def test_an_entry_can_be_moved_from_the_environment(monkeypatch):
    monkeypatch.setenv("EARSHOT_BEAT_VERIFY_AUDIT_CHAINS", "15 4 * * 1")
    schedule = beat_schedule()["verify-audit-chains"]["schedule"]
    assert schedule == crontab(minute="15", hour="4", day_of_week="1")


def test_an_entry_can_be_disabled_from_the_environment(monkeypatch):
    monkeypatch.setenv("EARSHOT_BEAT_VERIFY_AUDIT_CHAINS", "disable")
    assert "verify-audit-chains" not in beat_schedule()


def test_a_malformed_crontab_fails_loudly(monkeypatch):
    monkeypatch.setenv("EARSHOT_BEAT_VERIFY_AUDIT_CHAINS", "every night")
    with pytest.raises(ImproperlyConfigured, match="EARSHOT_BEAT_VERIFY_AUDIT_CHAINS"):
        beat_schedule()
