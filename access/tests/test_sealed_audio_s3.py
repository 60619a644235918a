"""A sealed call on S3 through the gate, with EARSHOT_AUDIO_DELIVERY=s3: the app decrypts it
(a presigned URL would hand over ciphertext), and each piece fetches from S3 the segments it
touches, not the whole recording. Against the loopback S3 server (tests/s3.py)."""

from __future__ import annotations

import re

import pytest

from access.streaming import MAX_ANSWER_BYTES
from access.tests.test_gate import audio_url, body
from recordings import sealed
from recordings.s3_objects import MERGE_GAP
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create
from recordings.tests.sealing import sealed_recording_create
from recordings.tests.test_s3_ranges import S3Calls, _audio
from tests.s3 import moto_s3, s3_audio_storage  # noqa: F401 (the loopback S3 fixtures)

pytestmark = pytest.mark.django_db

SECONDS = 60
STRIDE = sealed.SEGMENT + sealed.TAG


@pytest.fixture
def plain():
    return _audio(16_000 * SECONDS, seed=31)  # 8 kHz 16-bit mono: 15 segments


@pytest.fixture
def call(settings, s3_audio_storage, world, plain):  # noqa: F811 (S3 before the world's calls)
    settings.AUDIO_DELIVERY = "s3"
    recording = sealed_recording_create(
        organisation=world.cast.organisation,
        employee=world.team_a_call.employee,
        audio=plain,
        duration_seconds=float(SECONDS),
    )
    type(recording).objects.filter(pk=recording.pk).update(audio_duration_seconds=SECONDS)
    recording.refresh_from_db()
    recording.stored_size = audio_storage().size(recording.storage_key)
    return recording


@pytest.fixture
def coach(world, client_for):
    return client_for(world.cast["coach"])


@pytest.fixture
def s3_calls(call):
    calls = S3Calls(audio_storage().connection.meta.client)
    yield calls
    calls.close()


def test_a_range_is_decrypted_by_the_app_from_the_segments_it_touches(coach, call, plain, s3_calls):
    start, end = 500_000, 500_000 + 100_000 - 1
    response = coach.get(audio_url(call), HTTP_RANGE=f"bytes={start}-{end}")

    assert response.status_code == 206
    assert "Location" not in response
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(plain)}"
    assert body(response) == plain[start : end + 1]
    # The header, then the three segments the range touches: nothing else of the recording.
    assert s3_calls.operations() == ["GetObject", "GetObject"]
    assert s3_calls.fetched == sealed.HEADER_SIZE + 3 * STRIDE
    assert s3_calls.fetched < call.stored_size / 4


def test_a_player_reading_piece_by_piece_gets_the_call_fetching_it_about_once(
    coach, call, plain, s3_calls
):
    received, start = [], 0
    while start < len(plain):
        response = coach.get(audio_url(call), HTTP_RANGE=f"bytes={start}-")
        assert response.status_code == 206
        piece = body(response)
        assert 0 < len(piece) <= MAX_ANSWER_BYTES
        first, last, total = map(
            int, re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", response["Content-Range"]).groups()
        )
        assert (first, last - first + 1, total) == (start, len(piece), len(plain))
        received.append(piece)
        start = last + 1
    assert b"".join(received) == plain
    pieces = len(received)
    # Each piece: the header and its segments (one on a border is fetched by both pieces),
    # near the start what lies between them.
    assert s3_calls.gets <= 2 * pieces
    assert s3_calls.fetched <= (
        call.stored_size + pieces * (sealed.HEADER_SIZE + STRIDE) + MERGE_GAP
    )


def test_a_tampered_object_on_s3_is_refused(coach, call, s3_audio_storage):  # noqa: F811
    key = s3_audio_storage.object_key(call.storage_key)
    client, bucket = s3_audio_storage.client, s3_audio_storage.bucket
    stored = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    stored[sealed.HEADER_SIZE + 5 * STRIDE + 10] ^= 0x01
    client.put_object(Bucket=bucket, Key=key, Body=bytes(stored))

    response = coach.get(audio_url(call), HTTP_RANGE=f"bytes={5 * sealed.SEGMENT}-")
    assert response.status_code == 409
    assert coach.get(audio_url(call), HTTP_RANGE="bytes=0-99").status_code == 206


def test_a_plaintext_call_is_still_handed_to_s3(coach, world, call):
    plaintext = recording_create(
        organisation=world.cast.organisation, employee=world.team_a_call.employee
    )
    response = coach.get(audio_url(plaintext))
    assert response.status_code == 302
    assert plaintext.storage_key in response["Location"]
