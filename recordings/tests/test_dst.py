"""Daylight saving: a call is never refused because its local start falls where the clocks
change, and one instant gets one purge deadline however its start was written."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from access.tests.conftest import register_for
from audit.models import AuditEvent
from recordings.constants import IngestChannel
from recordings.metadata import (
    REPEATED_BY_FOLD,
    REPEATED_BY_HINT,
    REPEATED_EARLIER,
    SKIPPED,
    start_instant,
)
from recordings.services import recording_ingest
from recordings.tests.factories import wav_bytes
from recordings.tokens import ingest_token_create

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# 2026: clocks go forward on 29 March at 02:00 CET (01:00 UTC), back on 25 October at
# 03:00 CEST (01:00 UTC).
SPRING_GAP = datetime(2026, 3, 29, 2, 30)  # no such wall time in Amsterdam
AUTUMN_TWICE = datetime(2026, 10, 25, 2, 30)  # this wall time happens twice
AUTUMN_FIRST = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
AUTUMN_SECOND = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
_seeds = itertools.count(500)


# The reading itself, without a database.


def test_an_ordinary_local_time_is_read_in_the_zone_without_a_note():
    start = start_instant(datetime(2026, 7, 1, 12, 0), AMSTERDAM)
    assert start.instant == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert start.reading == ""


def test_a_time_with_an_offset_is_that_instant_even_in_the_repeated_hour():
    written = datetime.fromisoformat("2026-10-25T02:30:00+01:00")
    assert start_instant(written, AMSTERDAM) == start_instant(AUTUMN_SECOND, AMSTERDAM)
    assert start_instant(written, AMSTERDAM).instant == AUTUMN_SECOND
    assert start_instant(written, AMSTERDAM).reading == ""


def test_the_repeated_hour_without_anything_else_is_the_earlier_instant_and_says_so():
    start = start_instant(AUTUMN_TWICE, AMSTERDAM)
    assert (start.instant, start.reading) == (AUTUMN_FIRST, REPEATED_EARLIER)


def test_fold_one_asks_for_the_second_reading():
    start = start_instant(AUTUMN_TWICE.replace(fold=1), AMSTERDAM)
    assert (start.instant, start.reading) == (AUTUMN_SECOND, REPEATED_BY_FOLD)


@pytest.mark.parametrize(
    "latest, expected, reading",
    [
        # The call cannot have started after `latest`:
        (AUTUMN_FIRST + timedelta(minutes=20), AUTUMN_FIRST, REPEATED_BY_HINT),
        (AUTUMN_SECOND, AUTUMN_SECOND, REPEATED_BY_HINT),
        (AUTUMN_SECOND + timedelta(hours=5), AUTUMN_SECOND, REPEATED_BY_HINT),
        # A hint before both readings (a wrong clock) decides nothing.
        (AUTUMN_FIRST - timedelta(minutes=1), AUTUMN_FIRST, REPEATED_EARLIER),
    ],
)
def test_a_latest_possible_start_picks_the_later_reading_that_fits(latest, expected, reading):
    start = start_instant(AUTUMN_TWICE, AMSTERDAM, latest=latest)
    assert (start.instant, start.reading) == (expected, reading)


def test_the_skipped_hour_is_read_with_the_winter_offset():
    start = start_instant(SPRING_GAP, AMSTERDAM)
    # 02:30 at +01:00: 01:30 UTC, which the clocks showed as 03:30 summer time.
    assert start.instant == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert start.instant.astimezone(AMSTERDAM).hour == 3
    assert start.reading == SKIPPED


def test_the_hours_around_the_changes_are_ordinary():
    for naive in (datetime(2026, 3, 29, 1, 59), datetime(2026, 3, 29, 3, 0)):
        assert start_instant(naive, AMSTERDAM).reading == ""
    for naive in (datetime(2026, 10, 25, 1, 59), datetime(2026, 10, 25, 3, 0)):
        assert start_instant(naive, AMSTERDAM).reading == ""


# Through the ingest service and the API.


@pytest.fixture
def org(cast):
    register_for(cast.organisation)
    return cast.organisation


def ingest(org, tmp_path, started_at: str, *, hint: datetime | None = None, seconds: int = 2):
    source = tmp_path / f"call-{next(_seeds)}.wav"
    # A low sample rate keeps a long call small.
    source.write_bytes(wav_bytes(seconds=seconds, rate=100, seed=next(_seeds)))
    return recording_ingest(
        organisation=org,
        source=source,
        metadata={"call_id": source.stem, "started_at": started_at, "direction": "inbound"},
        channel=IngestChannel.DROP_FOLDER,
        started_at_hint=hint,
    )


def ingest_event(recording) -> dict:
    return AuditEvent.objects.get(
        action="recordings.recording.ingested", target_id=str(recording.pk)
    ).detail


@pytest.mark.django_db
@time_machine.travel(AUTUMN_SECOND + timedelta(hours=2), tick=False)
def test_a_call_in_the_repeated_hour_is_stored_at_the_earlier_instant_and_the_trail_says_so(
    org, tmp_path
):
    recording = ingest(org, tmp_path, "2026-10-25T02:30:00")
    recording.refresh_from_db()
    assert recording.started_at == AUTUMN_FIRST
    detail = ingest_event(recording)
    assert detail["started_at_reading"] == REPEATED_EARLIER
    assert detail["started_at_written"] == "2026-10-25T02:30:00"


@pytest.mark.django_db
@time_machine.travel(AUTUMN_SECOND + timedelta(hours=2), tick=False)
def test_the_file_time_settles_the_repeated_hour(org, tmp_path):
    # A 2-second call whose file was finished at 02:31 winter time can only be the second.
    second = ingest(org, tmp_path, "2026-10-25T02:30:00", hint=AUTUMN_SECOND + timedelta(minutes=1))
    # One finished at 02:40 summer time can only be the first, though both are "02:30".
    first = ingest(org, tmp_path, "2026-10-25T02:30:00", hint=AUTUMN_FIRST + timedelta(minutes=10))
    assert second.started_at == AUTUMN_SECOND
    assert first.started_at == AUTUMN_FIRST
    assert ingest_event(second)["started_at_reading"] == REPEATED_BY_HINT
    assert ingest_event(first)["started_at_reading"] == REPEATED_BY_HINT


@pytest.mark.django_db
@time_machine.travel(AUTUMN_FIRST + timedelta(minutes=80), tick=False)
def test_a_long_call_finished_after_the_second_reading_began_is_still_the_first(org, tmp_path):
    # Started 02:30 CEST, 70 minutes long, file finished at 02:40 CET: the second reading
    # (02:30 CET) plus 70 minutes would end after the file was written.
    recording = ingest(
        org,
        tmp_path,
        "2026-10-25T02:30:00",
        hint=AUTUMN_FIRST + timedelta(minutes=70),
        seconds=70 * 60,
    )
    assert recording.started_at == AUTUMN_FIRST


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 29, 4, 0, tzinfo=UTC), tick=False)
def test_a_call_in_the_skipped_hour_is_stored_and_the_trail_says_how_it_was_read(org, tmp_path):
    recording = ingest(org, tmp_path, "2026-03-29T02:30:00")
    assert recording.started_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert ingest_event(recording)["started_at_reading"] == SKIPPED


@pytest.mark.django_db
@time_machine.travel(AUTUMN_SECOND + timedelta(hours=2), tick=False)
def test_an_unambiguous_start_leaves_no_note_in_the_trail(org, tmp_path):
    recording = ingest(org, tmp_path, "2026-10-25T02:30:00+01:00")
    assert recording.started_at == AUTUMN_SECOND
    assert "started_at_reading" not in ingest_event(recording)


@pytest.mark.django_db
@time_machine.travel(AUTUMN_SECOND + timedelta(hours=2), tick=False)
def test_the_api_accepts_the_repeated_hour_and_tells_the_recorder_how_it_read_it(org):
    _, raw = ingest_token_create(organisation=org, name="PBX", actor=None)
    metadata = {"call_id": "dst-1", "direction": "in", "started_at": "2026-10-25T02:30:00"}
    response = Client().post(
        "/api/v1/recordings",
        {
            "metadata": json.dumps(metadata),
            "audio": SimpleUploadedFile("c.wav", wav_bytes(seed=7), "audio/wav"),
        },
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["started_at"] == "2026-10-25T02:30:00+02:00"
    assert [w["code"] for w in body["warnings"]] == [REPEATED_EARLIER]
    assert "earlier" in body["warnings"][0]["detail"]


# One instant, one deadline.

SPELLINGS = {
    # instant: spellings of it (naive local first), across both changes of 2026.
    datetime(2026, 3, 10, 9, 0, tzinfo=UTC): [
        "2026-03-10T10:00:00",
        "2026-03-10T09:00:00Z",
        "2026-03-10T10:00:00+01:00",
        "2026-03-10T11:00:00+02:00",
    ],
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC): [
        "2026-03-29T02:30:00",  # the skipped hour
        "2026-03-29T01:30:00+00:00",
        "2026-03-29T02:30:00+01:00",
        "2026-03-29T03:30:00+02:00",
    ],
    datetime(2026, 10, 10, 10, 0, tzinfo=UTC): [
        "2026-10-10T12:00:00",
        "2026-10-10T10:00:00Z",
        "2026-10-10T12:00:00+02:00",
        "2026-10-10T11:00:00+01:00",
    ],
    AUTUMN_FIRST: [
        "2026-10-25T02:30:00",  # the repeated hour, earlier reading
        "2026-10-25T00:30:00Z",
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T01:30:00+01:00",
    ],
    AUTUMN_SECOND: [
        "2026-10-25T02:30:00",  # the repeated hour, later reading (by the file's time)
        "2026-10-25T01:30:00Z",
        "2026-10-25T02:30:00+01:00",
        "2026-10-25T03:30:00+02:00",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("instant", list(SPELLINGS), ids=lambda i: i.isoformat())
def test_one_instant_gets_one_deadline_however_its_start_is_written(org, tmp_path, instant):
    with time_machine.travel(instant + timedelta(minutes=30), tick=False):
        hint = instant + timedelta(minutes=2)  # the file was finished just after the call
        deadlines = {}
        for spelling in SPELLINGS[instant]:
            recording = ingest(org, tmp_path, spelling, hint=hint)
            recording.refresh_from_db()
            assert recording.started_at == instant, spelling
            deadlines[spelling] = recording.purge_deadline
    assert set(deadlines.values()) == {instant + timedelta(days=28)}, deadlines
