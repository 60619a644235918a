"""Asterisk names on the nights the clocks change (issue 14, item 9).

The name holds the PBX's local wall time; its uniqueid holds the UTC epoch second the channel
was created. Where the wall time is ambiguous (25 October 2026, 02:00-03:00 twice) or missing
(29 March 2026, 02:00-03:00), the epoch says which instant the call was.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recordings.dropfolder import drop_folder_scan, parse_asterisk_name
from recordings.models import Recording
from recordings.tests.audio import make_wav
from recordings.tests.test_dropfolder import declare_register

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
AUTUMN_FIRST = datetime(2026, 10, 25, 0, 30, 10, tzinfo=UTC)  # 02:30:10 CEST
AUTUMN_SECOND = datetime(2026, 10, 25, 1, 30, 10, tzinfo=UTC)  # 02:30:10 CET, an hour later
SPRING = datetime(2026, 3, 29, 1, 30, 10, tzinfo=UTC)  # 03:30:10 CEST; a PBX clock said 02:30


def name(local: str, epoch: datetime | None, seq: int = 1) -> str:
    uniqueid = f"{int(epoch.timestamp())}.{seq}" if epoch else f"pbx-abc.{seq}"
    return f"in-0302345678-0612345678-{local}-{uniqueid}.wav"


def started(filename: str) -> str:
    return parse_asterisk_name(filename, tz=AMSTERDAM)["started_at"]


# The reading of a name ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [
        (AUTUMN_FIRST - timedelta(seconds=4), "2026-10-25T02:30:10+02:00"),
        (AUTUMN_SECOND - timedelta(seconds=4), "2026-10-25T02:30:10+01:00"),
        # A call that waited ten minutes in a queue before MixMonitor started.
        (AUTUMN_SECOND - timedelta(minutes=10), "2026-10-25T02:30:10+01:00"),
    ],
)
def test_the_uniqueid_says_which_of_the_repeated_hours_a_call_was(epoch, expected):
    assert started(name("20261025-023010", epoch)) == expected


def test_the_uniqueid_places_a_wall_time_of_the_skipped_spring_hour():
    assert started(name("20260329-023010", SPRING)) == "2026-03-29T03:30:10+02:00"


@pytest.mark.parametrize(
    "epoch",
    [None, AUTUMN_FIRST - timedelta(hours=5), datetime(2001, 9, 9, 1, 46, 40, tzinfo=UTC)],
    ids=["no epoch", "far from the name", "another day"],
)
def test_without_an_agreeing_epoch_the_local_time_is_passed_on_as_written(epoch):
    # The metadata form then takes the earlier reading and records that it was ambiguous.
    assert started(name("20261025-023010", epoch)) == "2026-10-25T02:30:10"


def test_an_ordinary_hour_stays_a_local_time_of_the_organisation():
    epoch = datetime(2026, 11, 20, 13, 30, 0, tzinfo=UTC)
    assert started(name("20261120-143005", epoch)) == "2026-11-20T14:30:05"


# Through the drop folder -------------------------------------------------------------------


@pytest.fixture
def org(cast):
    declare_register(cast.organisation)
    return cast.organisation


@pytest.fixture(autouse=True)
def audio_dir(settings, tmp_path) -> Path:
    audio = settings.STORAGES["audio"]
    options = {**audio["OPTIONS"], "location": str(tmp_path / "audio")}
    settings.STORAGES = {**settings.STORAGES, "audio": {**audio, "OPTIONS": options}}
    return tmp_path / "audio"


def written(path: Path, at: datetime) -> Path:
    os.utime(path, (at.timestamp(), at.timestamp()))
    return path


@pytest.mark.django_db
def test_two_calls_in_the_repeated_autumn_hour_are_both_kept_an_hour_apart(org, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    with time_machine.travel(datetime(2026, 10, 25, 4, 0, tzinfo=UTC), tick=True):
        for seq, instant in enumerate((AUTUMN_FIRST, AUTUMN_SECOND), start=1):
            path = drop / name("20261025-023010", instant - timedelta(seconds=3), seq)
            # Copied in by a nightly sync: the mtime cannot tell the two hours apart.
            written(make_wav(path, seconds=1.0 + seq / 10), datetime(2026, 10, 25, 3, tzinfo=UTC))

        report = drop_folder_scan(organisation=org, folder=drop, settle_seconds=10)

    assert report.counts() == {"ingested": 2, "rejected": 0, "waiting": 0, "failed": 0}
    first, second = Recording.objects.filter(organisation=org).order_by("started_at")
    assert (first.started_at, second.started_at) == (AUTUMN_FIRST, AUTUMN_SECOND)
    assert second.purge_deadline - first.purge_deadline == timedelta(hours=1)


@pytest.mark.django_db
def test_a_call_named_in_the_skipped_spring_hour_is_kept_at_its_instant(org, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    with time_machine.travel(datetime(2026, 3, 29, 4, 0, tzinfo=UTC), tick=True):
        path = make_wav(drop / name("20260329-023010", SPRING - timedelta(seconds=3)))
        written(path, SPRING + timedelta(seconds=2))

        assert drop_folder_scan(organisation=org, folder=drop, settle_seconds=10).ingested == 1

    assert Recording.objects.get(organisation=org).started_at == SPRING


@pytest.mark.django_db
@pytest.mark.parametrize("ended", [AUTUMN_FIRST, AUTUMN_SECOND], ids=["first", "second"])
def test_a_sidecars_local_time_in_the_repeated_hour_is_settled_by_the_files_mtime(
    org, tmp_path, ended
):
    drop = tmp_path / "drop"
    drop.mkdir()
    with time_machine.travel(datetime(2026, 10, 25, 4, 0, tzinfo=UTC), tick=True):
        audio = make_wav(drop / "call-1.wav", seconds=1.0)
        sidecar = drop / "call-1.json"
        sidecar.write_text(
            json.dumps(
                {"call_id": "c1", "started_at": "2026-10-25T02:30:10", "direction": "inbound"}
            )
        )
        for path in (audio, sidecar):  # written as the call ended
            written(path, ended + timedelta(seconds=1))

        assert drop_folder_scan(organisation=org, folder=drop, settle_seconds=10).ingested == 1

    assert Recording.objects.get(organisation=org).started_at == ended
