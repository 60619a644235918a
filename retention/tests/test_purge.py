"""The purge: erases what would outlive its retention, provably, and nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from audit.verification import chains_verify
from organisations.tests.factories import EmployeeFactory
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create
from retention.constants import RunStatus
from retention.purge import overdue_recordings, purge_organisation
from retention.schedule import purge_horizon

pytestmark = pytest.mark.django_db


def _call(organisation, *, deadline_in: timedelta, **fields) -> Recording:
    recording = recording_create(
        organisation=organisation,
        employee=EmployeeFactory(organisation=organisation),
        customer_phone="+31612345678",
        **fields,
    )
    Recording.objects.filter(pk=recording.pk).update(purge_deadline=timezone.now() + deadline_in)
    recording.refresh_from_db()
    return recording


def test_what_would_outlive_its_deadline_before_the_next_run_is_erased_and_nothing_else(cast):
    org = cast.organisation
    horizon = purge_horizon(timezone.now())
    overdue = _call(org, deadline_in=-timedelta(days=1))
    before_next_run = _call(org, deadline_in=horizon - timezone.now() - timedelta(minutes=1))
    after_next_run = _call(org, deadline_in=horizon - timezone.now() + timedelta(minutes=5))
    held = _call(org, deadline_in=-timedelta(days=1), status=RecordingStatus.HELD)
    other_tenant = _call(cast.other_organisation, deadline_in=-timedelta(days=1))

    run = purge_organisation(org)

    assert run.status == RunStatus.FINISHED
    assert (run.purged, run.failed, run.held, run.overdue) == (2, 0, 1, 0)
    for erased in (overdue, before_next_run):
        keys = erased.storage_key
        erased.refresh_from_db()
        assert erased.status == RecordingStatus.PURGED
        assert not audio_storage().exists(keys)
    for kept in (after_next_run, held, other_tenant):
        kept.refresh_from_db()
        assert kept.status != RecordingStatus.PURGED
        assert audio_storage().exists(kept.storage_key)
    assert run.bytes_freed == overdue.size_bytes + before_next_run.size_bytes


def test_a_tombstone_keeps_nothing_that_identifies_a_person(cast):
    recording = _call(cast.organisation, deadline_in=-timedelta(hours=1), queue="klachten")
    sha256, size, deadline = recording.sha256, recording.size_bytes, recording.purge_deadline
    purge_organisation(cast.organisation)
    tombstone = Recording.objects.get(pk=recording.pk)
    assert tombstone.call_id == str(recording.pk)
    assert tombstone.employee_id is None
    assert (tombstone.customer_phone, tombstone.queue, tombstone.announcement) == ("", "", "")
    local = tombstone.started_at.astimezone(ZoneInfo(cast.organisation.timezone))
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert local.date() == recording.started_at.astimezone(local.tzinfo).date()
    assert (tombstone.sha256, tombstone.size_bytes, tombstone.purge_deadline) == (
        sha256,
        size,
        deadline,
    )
    assert tombstone.purged_at is not None
    event = AuditEvent.objects.get(action="retention.recording.purged", target_id=str(recording.pk))
    assert event.detail["sha256"] == sha256
    assert all(report.ok for report in chains_verify())


def test_a_storage_that_fails_leaves_a_retry_state_the_next_run_finishes(cast, monkeypatch):
    recording = _call(cast.organisation, deadline_in=-timedelta(hours=1))
    storage_class = type(audio_storage())
    real_delete = storage_class.delete

    def broken(self, name):
        raise OSError("object store unavailable")

    monkeypatch.setattr(storage_class, "delete", broken)
    run = purge_organisation(cast.organisation)
    assert (run.purged, run.failed, run.overdue) == (0, 1, 1)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.ACTIVE and "unavailable" in recording.purge_error
    assert audio_storage().exists(recording.storage_key)
    assert list(overdue_recordings(cast.organisation)) == [recording]
    # The privacy officer hears of it.
    assert [m.to for m in mail.outbox] == [[cast["privacy_officer"].email]]

    monkeypatch.setattr(storage_class, "delete", real_delete)
    run = purge_organisation(cast.organisation)
    assert (run.purged, run.failed, run.overdue) == (1, 0, 0)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.PURGED and recording.purge_error == ""


def test_an_object_already_gone_after_a_crash_is_confirmed_and_the_row_finished(cast):
    recording = _call(cast.organisation, deadline_in=-timedelta(hours=1))
    audio_storage().delete(recording.storage_key)  # the crashed run got this far
    run = purge_organisation(cast.organisation)
    assert run.purged == 1
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.PURGED


def test_a_second_run_finds_nothing_to_do(cast):
    _call(cast.organisation, deadline_in=-timedelta(hours=1))
    assert purge_organisation(cast.organisation).purged == 1
    again = purge_organisation(cast.organisation)
    assert (again.purged, again.failed) == (0, 0)
    assert AuditEvent.objects.filter(action="retention.recording.purged").count() == 1


def test_the_command_reports_and_dry_run_changes_nothing(cast, capsys):
    recording = _call(cast.organisation, deadline_in=-timedelta(hours=1))
    call_command("purge", "--org", "acme", "--dry-run")
    assert "would erase 1 recording(s)" in capsys.readouterr().out
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.ACTIVE
    call_command("purge", "--org", "acme")
    assert "erased 1" in capsys.readouterr().out
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.PURGED
    with pytest.raises(CommandError, match="No organisation"):
        call_command("purge", "--org", "nope")


def test_early_erasure_uses_the_same_engine_and_refuses_held_calls(cast, client_for):
    young = _call(cast.organisation, deadline_in=timedelta(days=20))
    held = _call(cast.organisation, deadline_in=timedelta(days=20), status=RecordingStatus.HELD)
    url = "/o/acme/retention/erase-early"
    client_for(cast["manager"]).post(
        url, {"call_ids": young.call_id, "reason": "AVG art. 17", "confirm": "1"}
    )
    assert Recording.objects.get(pk=young.pk).status == RecordingStatus.ACTIVE  # 403
    officer = client_for(cast["privacy_officer"])
    officer.post(
        url,
        {"call_ids": f"{young.call_id} {held.call_id}", "reason": "AVG art. 17", "confirm": "1"},
    )
    assert Recording.objects.get(pk=young.pk).status == RecordingStatus.ACTIVE
    officer.post(url, {"call_ids": young.call_id, "reason": "", "confirm": "1"})
    assert Recording.objects.get(pk=young.pk).status == RecordingStatus.ACTIVE
    unconfirmed = {"call_ids": young.call_id, "reason": "Verzoek betrokkene AVG art. 17"}
    page = officer.post(url, unconfirmed, follow=True)
    assert "Niets is gedaan" in page.content.decode()  # the box "cannot be undone" unticked
    assert Recording.objects.get(pk=young.pk).status == RecordingStatus.ACTIVE
    officer.post(url, {**unconfirmed, "confirm": "1"})
    assert Recording.objects.get(pk=young.pk).status == RecordingStatus.PURGED
    assert not audio_storage().exists(young.storage_key)
    event = AuditEvent.objects.get(action="retention.recording.erased_early")
    assert event.actor_id == cast["privacy_officer"].pk
    assert event.detail["reason"] == "Verzoek betrokkene AVG art. 17"
    assert Recording.objects.get(pk=held.pk).status == RecordingStatus.HELD


def test_a_killed_run_is_reported_as_failed_by_the_next(cast):
    from retention.models import PurgeRun

    killed = PurgeRun.objects.create(
        organisation=cast.organisation,
        trigger="schedule",
        started_at=timezone.now() - timedelta(hours=5),
        horizon=timezone.now(),
    )
    purge_organisation(cast.organisation)
    killed.refresh_from_db()
    assert killed.status == RunStatus.FAILED and "interrupted" in killed.error
    assert [m.to for m in mail.outbox] == [[cast["privacy_officer"].email]]


def test_a_tombstone_keeps_the_local_day_also_west_of_utc(cast):
    from organisations.models import Organisation

    Organisation.objects.filter(pk=cast.organisation.pk).update(timezone="America/New_York")
    cast.organisation.refresh_from_db()
    zone = ZoneInfo("America/New_York")
    evening = datetime(2026, 10, 19, 22, 30, tzinfo=zone)  # 02:30 UTC on the 20th
    recording = _call(cast.organisation, deadline_in=-timedelta(hours=1), started_at=evening)
    purge_organisation(cast.organisation)
    tombstone = Recording.objects.get(pk=recording.pk)
    assert tombstone.started_at == datetime(2026, 10, 19, 0, 0, tzinfo=zone)
