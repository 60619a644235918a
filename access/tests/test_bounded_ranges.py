"""Audio goes out in bounded pieces: each answer holds about ten seconds of audio (64-256 KiB),
so a revoked grant stops the next piece whatever the call's length. The range arithmetic, and
the gate asked again for every piece."""

from __future__ import annotations

import pytest

from access.four_eyes import grant_revoke
from access.streaming import (
    MAX_ANSWER_BYTES,
    MIN_ANSWER_BYTES,
    bounded,
    chunk_limit,
    parse_range,
)
from access.tests.test_gate import audio_url, body
from audit.models import AuditEvent
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create, wav_bytes

SIZE = 1_000_000


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-", (0, SIZE - 1)),
        ("bytes=100-199", (100, 199)),
        ("bytes=-500", (SIZE - 500, SIZE - 1)),  # the last 500 bytes
        (f"bytes=-{SIZE * 2}", (0, SIZE - 1)),  # a suffix longer than the call: all of it
        (f"bytes=10-{SIZE * 5}", (10, SIZE - 1)),  # an end beyond the call is cut at its end
        (f"bytes={SIZE}-", "unsatisfiable"),  # starts beyond the end: 416
        (f"bytes={SIZE + 10}-{SIZE + 20}", "unsatisfiable"),
        ("bytes=-0", "unsatisfiable"),
        ("bytes=0-1,5-9", None),  # several ranges: answered as if none (RFC 9110 allows it)
        ("bytes=9-5", "unsatisfiable"),
        ("items=0-5", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, SIZE) == expected


def test_one_answer_holds_about_ten_seconds_within_its_bounds():
    # 16 kB/s (8 kHz, 16 bit, mono): ten seconds are 160,000 bytes.
    assert chunk_limit(16_000 * 600, 600.0) == 160_000
    # A low bit rate still gets a useful piece; a high one no more than the maximum.
    assert chunk_limit(4_000 * 600, 600.0) == MIN_ANSWER_BYTES
    assert chunk_limit(176_400 * 600, 600.0) == MAX_ANSWER_BYTES
    assert chunk_limit(SIZE, None) == MAX_ANSWER_BYTES


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ((0, SIZE - 1), (0, 99_999, True)),  # bytes=0- : capped end, 206
        ((SIZE - 500, SIZE - 1), (SIZE - 500, SIZE - 1, True)),  # a short suffix fits
        ((100, 199), (100, 199, True)),
        ((500_000, SIZE - 1), (500_000, 599_999, True)),
        (None, (0, 99_999, True)),  # no Range, a long call: the first piece, 206
    ],
)
def test_bounded_answers(wanted, expected):
    assert bounded(wanted, SIZE, 100_000) == expected


def test_a_short_call_without_range_is_one_whole_answer():
    assert bounded(None, 50_000, 100_000) == (0, 49_999, False)


@pytest.fixture
def long_call(world):
    """A minute of 8 kHz 16-bit audio: 960 kB, six pieces of ten seconds."""
    call = recording_create(
        organisation=world.cast.organisation,
        employee=world.own_call.employee,
        audio=wav_bytes(seconds=60),
        duration_seconds=60.0,
    )
    type(call).objects.filter(pk=call.pk).update(audio_duration_seconds=60.0)
    call.refresh_from_db()
    with audio_storage().open(call.storage_key, "rb") as handle:
        return call, handle.read()


@pytest.mark.django_db
def test_an_open_range_gets_a_capped_206_and_the_rest_piece_by_piece(world, client_for, long_call):
    call, data = long_call
    client = client_for(world.cast["employee"])
    response = client.get(audio_url(call), HTTP_RANGE="bytes=0-")
    assert response.status_code == 206
    piece = chunk_limit(len(data), 60.0)  # ten seconds and the WAV header's share
    assert 160_000 <= piece < 160_100
    assert response["Content-Range"] == f"bytes 0-{piece - 1}/{len(data)}"
    assert response["Content-Length"] == str(piece)
    received = body(response)
    while len(received) < len(data):
        part = client.get(audio_url(call), HTTP_RANGE=f"bytes={len(received)}-")
        assert part.status_code == 206
        received += body(part)
    assert received == data
    suffix = client.get(audio_url(call), HTTP_RANGE="bytes=-1000")
    assert suffix.status_code == 206 and body(suffix) == data[-1000:]
    beyond = client.get(audio_url(call), HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(data)}"


@pytest.mark.django_db
def test_without_range_a_long_call_gets_its_first_piece(world, client_for, long_call):
    call, data = long_call
    response = client_for(world.cast["employee"]).get(audio_url(call))
    piece = chunk_limit(len(data), 60.0)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-{piece - 1}/{len(data)}"
    assert body(response) == data[:piece]
    several = client_for(world.cast["employee"]).get(audio_url(call), HTTP_RANGE="bytes=0-1,5-9")
    assert several.status_code == 206 and body(several) == data[:piece]


@pytest.mark.django_db
def test_a_revoked_grant_stops_the_next_piece_of_the_same_playback(four_eyes, client_for):
    call = recording_create(
        organisation=four_eyes.cast.organisation,
        employee=four_eyes.call.employee,
        audio=wav_bytes(seconds=60, seed=3),
        duration_seconds=60.0,
    )
    type(call).objects.filter(pk=call.pk).update(audio_duration_seconds=60.0)
    request = four_eyes.ask(recordings=[call])
    four_eyes.decide("privacy_officer", request)
    manager = client_for(four_eyes.cast["manager"])
    url = audio_url(call, purpose=four_eyes.purpose.code)
    first = manager.get(url, HTTP_RANGE="bytes=0-")
    assert first.status_code == 206
    assert int(first["Content-Length"]) == chunk_limit(call.size_bytes, 60.0)
    grant_revoke(
        membership=four_eyes.membership("privacy_officer"),
        request_id=request.pk,
        comment="Onderzoek afgerond",
    )
    second = manager.get(url, HTTP_RANGE="bytes=160000-")
    assert second.status_code == 403
    assert not getattr(second, "streaming", False)
    assert AuditEvent.objects.filter(
        action="access.recording.refused", target_id=str(call.pk)
    ).exists()
