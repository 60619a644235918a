"""The drop folder: complete files in, rejected files explained, nothing taken twice."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone

from access.tests.conftest import register_for
from recordings.constants import Direction, IngestChannel, RecordingStatus
from recordings.dropfolder import (
    drop_folder_scan,
    drop_folder_sweep_rejected,
    parse_asterisk_name,
)
from recordings.models import Recording
from recordings.tasks import scan_drop_folders
from recordings.tests.audio import corrupt, make_wav


def declare_register(organisation, *, customer_fields=("phone",)) -> None:
    register_for(organisation, customer_fields=customer_fields)


@pytest.fixture
def org(cast):
    declare_register(cast.organisation)
    return cast.organisation


@pytest.fixture(autouse=True)
def audio_dir(settings, tmp_path) -> Path:
    """Audio storage of its own, so a test can see that nothing was stored."""
    location = tmp_path / "audio"
    settings.STORAGES = {
        **settings.STORAGES,
        "audio": {
            **settings.STORAGES["audio"],
            "OPTIONS": {**settings.STORAGES["audio"]["OPTIONS"], "location": str(location)},
        },
    }
    return location


@pytest.fixture
def drop(tmp_path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def stored_files() -> list[Path]:
    location = Path(django_settings.STORAGES["audio"]["OPTIONS"]["location"])
    return [p for p in location.rglob("*") if p.is_file()] if location.exists() else []


def sidecar(folder: Path, stem: str, **metadata) -> Path:
    values = {
        "call_id": stem,
        "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "direction": "inbound",
        **metadata,
    }
    path = folder / f"{stem}.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    return path


def asterisk_name(direction: str, to: str, from_: str, uniqueid: str) -> str:
    local = timezone.now().astimezone(ZoneInfo("Europe/Amsterdam")) - timedelta(hours=1)
    return f"{direction}-{to}-{from_}-{local:%Y%m%d-%H%M%S}-{uniqueid}.wav"


def scan(org, folder, **kwargs):
    return drop_folder_scan(organisation=org, folder=folder, settle_seconds=0, **kwargs)


# Asterisk names ---------------------------------------------------------------------------


def test_inbound_name_gives_the_caller_as_customer():
    assert parse_asterisk_name("in-0302345678-0612345678-20261120-143005-1700490605.123.wav") == {
        "call_id": "1700490605.123",
        "started_at": "2026-11-20T14:30:05",
        "direction": Direction.INBOUND,
        "customer_phone": "0612345678",
    }


def test_outbound_name_gives_the_called_number_as_customer():
    meta = parse_asterisk_name("out-0612345678-201-20261120-090000-1700490605.7.WAV")
    assert meta["direction"] == Direction.OUTBOUND
    assert meta["customer_phone"] == "0612345678"
    assert meta["call_id"] == "1700490605.7"


def test_internal_name_has_no_customer():
    meta = parse_asterisk_name("internal-201-202-20261120-090000-pbx1-1700490605.8.wav")
    assert meta["direction"] == Direction.INTERNAL
    assert meta["call_id"] == "pbx1-1700490605.8"
    assert "customer_phone" not in meta


def test_a_withheld_number_is_no_customer_phone():
    meta = parse_asterisk_name("in-0302345678-anonymous-20261120-143005-1700490605.1.wav")
    assert meta is not None and "customer_phone" not in meta


@pytest.mark.parametrize(
    "name",
    [
        "call-1234.wav",
        "sideways-030-061-20261120-143005-1.wav",
        "in-030-061-20261340-143005-1.wav",  # no 40th of a month
        "in-030-061-2026112-143005-1.wav",
        "in-030-061-20261120-143005-1.txt",
        "in-030-061-20261120-143005-.wav",
    ],
)
def test_other_names_are_not_asterisk_names(name):
    assert parse_asterisk_name(name) is None


# Scanning ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_complete_file_with_sidecar_is_ingested_and_removed(org, drop):
    make_wav(drop / "call-1.wav", seconds=1.0)
    sidecar(drop, "call-1", queue="algemeen", customer_phone="06 1234 5678")

    report = scan(org, drop)

    assert report.counts() == {"ingested": 1, "rejected": 0, "waiting": 0, "failed": 0}
    recording = Recording.objects.get(organisation=org, call_id="call-1")
    assert recording.status == RecordingStatus.ACTIVE
    assert recording.ingested_via == IngestChannel.DROP_FOLDER
    assert recording.queue == "algemeen"
    assert recording.customer_phone == "+31612345678"
    assert sorted(p.name for p in drop.iterdir() if p.is_file()) == []
    assert len(stored_files()) == 1


@pytest.mark.django_db
def test_an_asterisk_file_without_sidecar_is_ingested_from_its_name(org, drop):
    make_wav(drop / asterisk_name("out", "0612345678", "201", "1700490605.42"), seconds=1.0)

    assert scan(org, drop).ingested == 1

    recording = Recording.objects.get(organisation=org)
    assert recording.call_id == "1700490605.42"
    assert recording.direction == Direction.OUTBOUND
    assert recording.customer_phone == "+31612345678"
    assert not any(p.is_file() for p in drop.iterdir())


@pytest.mark.django_db
def test_an_undeclared_number_in_an_asterisk_name_is_not_kept(cast, drop):
    declare_register(cast.organisation, customer_fields=())
    make_wav(drop / asterisk_name("in", "0302345678", "0612345678", "1700.1"), seconds=1.0)

    assert scan(cast.organisation, drop).ingested == 1
    assert Recording.objects.get(organisation=cast.organisation).customer_phone == ""


@pytest.mark.django_db
def test_a_file_still_being_written_is_left_alone(org, drop):
    make_wav(drop / "call-1.wav", seconds=1.0)
    sidecar(drop, "call-1")

    report = drop_folder_scan(organisation=org, folder=drop, settle_seconds=10)

    assert report.counts() == {"ingested": 0, "rejected": 0, "waiting": 1, "failed": 0}
    assert (drop / "call-1.wav").exists() and (drop / "call-1.json").exists()
    assert not Recording.objects.exists()


@pytest.mark.django_db
def test_a_settled_file_with_a_fresh_sidecar_waits_for_the_sidecar(org, drop):
    make_wav(drop / "call-1.wav", seconds=1.0)
    old = time.time() - 60
    os.utime(drop / "call-1.wav", (old, old))
    sidecar(drop, "call-1")

    assert drop_folder_scan(organisation=org, folder=drop, settle_seconds=10).waiting == 1
    assert (drop / "call-1.wav").exists()


@pytest.mark.django_db
def test_a_corrupt_file_is_rejected_with_its_reason_and_nothing_stored(org, drop):
    make_wav(drop / "call-1.wav", seconds=1.0)
    corrupt(drop / "call-1.wav")
    sidecar(drop, "call-1")

    report = scan(org, drop)

    assert report.rejected == 1 and report.ingested == 0
    [(name, reason)] = report.rejections
    assert name == "call-1.wav" and reason
    rejected = drop / "rejected"
    assert (rejected / "call-1.wav").exists() and (rejected / "call-1.json").exists()
    error = (rejected / "call-1.wav.error.txt").read_text()
    assert reason in error and "code:" in error and "time:" in error
    assert not (drop / "call-1.wav").exists()
    assert not Recording.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_a_file_without_any_metadata_is_rejected(org, drop):
    make_wav(drop / "recording 12.wav", seconds=1.0)

    report = scan(org, drop)

    assert report.rejected == 1
    error = (drop / "rejected" / "recording 12.wav.error.txt").read_text()
    assert "no_metadata" in error and "recording 12.json" in error


@pytest.mark.django_db
def test_an_invalid_sidecar_is_rejected(org, drop):
    make_wav(drop / "call-1.wav", seconds=1.0)
    (drop / "call-1.json").write_text("{not json")

    assert scan(org, drop).rejected == 1
    assert "code: metadata" in (drop / "rejected" / "call-1.wav.error.txt").read_text()
    assert (drop / "rejected" / "call-1.json").exists()


@pytest.mark.django_db
def test_the_same_call_twice_is_rejected_the_second_time(org, drop):
    for stem in ("a", "b"):
        make_wav(drop / f"{stem}.wav", seconds=1.0)
        sidecar(drop, stem, call_id="same-call")

    report = scan(org, drop)

    assert (report.ingested, report.rejected) == (1, 1)
    assert Recording.objects.filter(call_id="same-call").count() == 1
    [(name, _reason)] = report.rejections
    assert (drop / "rejected" / name).exists()
    assert len(stored_files()) == 1


@pytest.mark.django_db
def test_a_rejected_name_never_overwrites_an_earlier_rejection(org, drop):
    for _ in range(2):
        make_wav(drop / "x.wav", seconds=1.0)
        scan(org, drop)
    names = sorted(p.name for p in (drop / "rejected").iterdir())
    assert names == ["x-2.wav", "x-2.wav.error.txt", "x.wav", "x.wav.error.txt"]


@pytest.mark.django_db
def test_a_claimed_file_is_not_taken_by_a_second_scan(org, drop):
    claim = drop / ".processing" / "claim-of-another-scan"
    claim.mkdir(parents=True)
    make_wav(claim / "call-1.wav", seconds=1.0)
    sidecar(claim, "call-1")

    assert scan(org, drop).counts() == {"ingested": 0, "rejected": 0, "waiting": 0, "failed": 0}
    assert (claim / "call-1.wav").exists()
    assert not Recording.objects.exists()


@pytest.mark.django_db
def test_a_file_is_claimed_before_it_is_read(org, drop, monkeypatch):
    make_wav(drop / "call-1.wav", seconds=1.0)
    sidecar(drop, "call-1")
    seen = []

    def ingest(*, items, **kwargs):
        seen.append([p.relative_to(drop) for p in drop.rglob("*.wav")])
        raise OperationalError("database went away")

    monkeypatch.setattr("recordings.dropfolder.recordings_ingest_batch", ingest)
    report = scan(org, drop)

    [[claimed]] = seen
    assert claimed.parts[0] == ".processing" and claimed.name == "call-1.wav"
    # An error of the system leaves the claim, so neither this nor the next scan takes it again.
    assert report.failed == 1 and (drop / claimed).exists()
    assert scan(org, drop).counts()["failed"] == 0
    assert (
        "OperationalError: database went away"
        in ((drop / claimed).parent / ".last-error").read_text()
    )


@pytest.mark.django_db
def test_a_claim_left_by_a_crashed_scan_is_taken_back_after_an_hour(org, drop):
    claim = drop / ".processing" / "claim-of-a-dead-scan"
    claim.mkdir(parents=True)
    make_wav(claim / "call-1.wav", seconds=1.0)
    sidecar(claim, "call-1")
    two_hours_ago = time.time() - 7200
    os.utime(claim, (two_hours_ago, two_hours_ago))

    assert scan(org, drop).ingested == 1
    assert not claim.exists()
    assert Recording.objects.filter(call_id="call-1").exists()


@pytest.mark.django_db
def test_only_audio_directly_in_the_folder_is_taken_with_progress(org, drop):
    (drop / "sub").mkdir()
    make_wav(drop / "sub" / "call-9.wav", seconds=1.0)
    sidecar(drop / "sub", "call-9")
    (drop / "notes.txt").write_text("not audio")
    for n, stem in enumerate(("call-1", "call-2")):
        make_wav(drop / f"{stem}.WAV", seconds=1.0 + n)
        sidecar(drop, stem)
    calls = []

    report = scan(org, drop, progress=lambda done, total, name: calls.append((done, total)))

    # The folder and the text file are refused with their reasons, never taken as calls.
    assert (report.ingested, report.rejected) == (2, 2)
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    rejected = drop / "rejected"
    assert (rejected / "sub" / "call-9.wav").exists() and (rejected / "notes.txt").exists()
    assert "code: folder" in (rejected / "sub.error.txt").read_text()
    assert "code: unknown_type" in (rejected / "notes.txt.error.txt").read_text()
    assert Recording.objects.count() == 2


# The command ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_summarises_and_fails_on_a_rejection(org, drop):
    make_wav(drop / "good.wav", seconds=1.0)
    sidecar(drop, "good")
    make_wav(drop / "bad.wav", seconds=2.0)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command("ingest", str(drop), "--org", "acme", stdout=out, stderr=err)

    assert "Ingested: 1" in out.getvalue()
    assert "Rejected: 1" in out.getvalue() and "bad.wav: " in out.getvalue()
    assert "2/2" in err.getvalue() and "\r[" in err.getvalue()


@pytest.mark.django_db
def test_the_command_succeeds_when_all_is_ingested(org, drop):
    make_wav(drop / "good.wav", seconds=1.0)
    sidecar(drop, "good")
    out = StringIO()
    call_command("ingest", str(drop), "--org", "acme", stdout=out, stderr=StringIO())
    assert "Ingested: 1" in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_organisation_or_folder(org, drop):
    with pytest.raises(CommandError, match="nope"):
        call_command("ingest", str(drop), "--org", "nope")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("ingest", str(drop / "missing"), "--org", "acme")


# The task and the sweep -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_scans_each_organisations_own_folder(org, cast, settings, tmp_path):
    settings.DROP_FOLDER = str(tmp_path / "drops")
    settings.DROP_SETTLE_SECONDS = 0
    folder = tmp_path / "drops" / "acme"
    folder.mkdir(parents=True)
    make_wav(folder / "call-1.wav", seconds=1.0)
    sidecar(folder, "call-1")

    result = scan_drop_folders()

    assert result == {"acme": {"ingested": 1, "rejected": 0, "waiting": 0, "failed": 0, "swept": 0}}
    assert Recording.objects.get().organisation == org
    assert not Recording.objects.filter(organisation=cast.other_organisation).exists()


@pytest.mark.django_db
def test_the_sweep_removes_only_rejected_files_past_the_retention(org, drop):
    rejected = drop / "rejected"
    rejected.mkdir()
    for name in ("old.wav", "old.json", "old.wav.error.txt", "new.wav", "new.wav.error.txt"):
        (rejected / name).write_text("x")
    forty_days_ago = time.time() - 40 * 86400
    os.utime(rejected / "old.wav", (forty_days_ago, forty_days_ago))

    deleted = drop_folder_sweep_rejected(organisation=org, folder=drop, max_age_days=28)

    assert deleted == 3  # the old audio takes its sidecar and explanation with it
    assert sorted(p.name for p in rejected.iterdir()) == ["new.wav", "new.wav.error.txt"]
