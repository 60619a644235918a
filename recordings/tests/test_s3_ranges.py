"""Audio on S3 is read by ranges (recordings/s3_objects.py): a Range of a sealed call fetches
the segments it touches, not the whole recording, and reads back exactly the plaintext; a
missing or altered object is reported as before. Against the loopback S3 server (tests/s3.py),
counting what the storage's own boto3 client asks for through botocore's events."""

from __future__ import annotations

import io
import random

import pytest

from recordings import sealed
from recordings.s3_objects import (
    MERGE_GAP,
    SEQUENTIAL_READ_AHEAD,
    RangedS3Object,
    open_ranged,
    sealed_span,
)
from recordings.sealed_storage import AudioUnreadable, iter_plain, read_range
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create
from recordings.tests.sealing import sealed_recording_create
from tests.s3 import moto_s3, s3_audio_storage  # noqa: F401 (the loopback S3 fixtures)

pytestmark = pytest.mark.django_db

SEGMENT = sealed.SEGMENT
STRIDE = sealed.SEGMENT + sealed.TAG
PIECE = 256 * 1024  # the gate's largest answer (access.streaming.MAX_ANSWER_BYTES)
LONG = 2_400_000  # two and a half minutes of 8 kHz 16-bit audio: 37 segments


def _audio(size: int, seed: int = 1) -> bytes:
    """Random bytes: no window repeats, so a read from a wrong offset cannot pass."""
    return b"RIFF" + random.Random(seed).randbytes(size - 4)


class S3Calls:
    """What a boto3 client asked S3 for: (operation, status, body bytes) per call."""

    def __init__(self, client):
        self.client = client
        self.calls: list[tuple[str, int, int]] = []
        client.meta.events.register("after-call.s3", self._seen)

    def _seen(self, http_response, parsed, model, **kwargs):
        size = int(parsed.get("ContentLength") or 0) if model.name == "GetObject" else 0
        self.calls.append((model.name, http_response.status_code, size))

    def close(self):
        self.client.meta.events.unregister("after-call.s3", self._seen)

    def reset(self):
        self.calls.clear()

    def operations(self) -> list[str]:
        return [name for name, _, _ in self.calls]

    @property
    def gets(self) -> int:
        return self.operations().count("GetObject")

    @property
    def fetched(self) -> int:
        return sum(size for _, _, size in self.calls)


@pytest.fixture
def s3_calls(s3_audio_storage):  # noqa: F811
    calls = S3Calls(audio_storage().connection.meta.client)
    yield calls
    calls.close()


@pytest.fixture
def long_call(cast, s3_audio_storage):  # noqa: F811
    """LONG bytes of audio, sealed on S3."""
    plain = _audio(LONG, seed=5)
    recording = sealed_recording_create(organisation=cast.organisation, audio=plain)
    recording.stored_size = audio_storage().size(recording.storage_key)
    return recording, plain


def _object_key(s3, recording) -> str:
    return s3.object_key(recording.storage_key)


# read_range --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,length",
    [
        (0, 44),  # the WAV header
        (0, PIECE),  # the first piece a player asks for
        (SEGMENT - 1, 2),  # across a segment boundary
        (SEGMENT + 100, PIECE),  # near the start: fetched with the header, one request
        (3 * SEGMENT + 100, PIECE),  # further: the header, then the segments
        (LONG // 2, PIECE),  # the middle
        (LONG - PIECE, PIECE),  # the end, the last (short) segment included
        (LONG - 1, 1),
    ],
)
def test_a_range_of_a_sealed_call_fetches_only_the_segments_it_touches(
    long_call, s3_calls, start, length
):
    recording, plain = long_call
    s3_calls.reset()

    assert read_range(recording, start, length) == plain[start : start + length]

    span_start, span_end = sealed_span(start, length)
    touched = min(span_end, recording.stored_size) - span_start
    assert s3_calls.operations() in (["GetObject"], ["GetObject", "GetObject"])
    assert "HeadObject" not in s3_calls.operations()
    assert s3_calls.fetched <= sealed.HEADER_SIZE + touched + MERGE_GAP
    assert s3_calls.fetched < recording.stored_size / 4
    if span_start - sealed.HEADER_SIZE <= MERGE_GAP:
        assert s3_calls.gets == 1  # the header and the segments in one request
    else:
        # The header alone, then exactly the segments.
        assert s3_calls.fetched == sealed.HEADER_SIZE + touched


def test_a_player_reading_a_call_piece_by_piece_fetches_it_about_once(long_call, s3_calls):
    recording, plain = long_call
    s3_calls.reset()
    pieces = []
    for start in range(0, len(plain), PIECE):
        pieces.append(read_range(recording, start, min(PIECE, len(plain) - start)))
    assert b"".join(pieces) == plain
    # Each piece costs its segments (a segment on a piece's border is fetched by both), the
    # header and, near the start, what lies between them.
    assert s3_calls.fetched < 1.35 * recording.stored_size


def test_a_plaintext_call_on_s3_is_read_by_range_too(cast, s3_audio_storage, s3_calls):  # noqa: F811
    plain = _audio(1_000_000, seed=7)
    recording = recording_create(organisation=cast.organisation, audio=plain)
    assert recording.sealing == ""
    s3_calls.reset()

    assert read_range(recording, 500_000, 1000) == plain[500_000:501_000]

    assert s3_calls.calls == [("GetObject", 206, 1000)]


# iter_plain ----------------------------------------------------------------------------------


def test_the_whole_call_is_read_in_large_requests_each_byte_once(long_call, s3_calls):
    recording, plain = long_call
    s3_calls.reset()

    assert b"".join(iter_plain(recording)) == plain

    stored = recording.stored_size
    assert s3_calls.fetched == stored
    # One request per SEQUENTIAL_READ_AHEAD, and one more that finds the end.
    assert s3_calls.gets <= -(-stored // SEQUENTIAL_READ_AHEAD) + 1
    assert "HeadObject" not in s3_calls.operations()


def test_a_plaintext_call_is_read_whole_from_s3(cast, s3_audio_storage):  # noqa: F811
    plain = _audio(300_000, seed=8)
    recording = recording_create(organisation=cast.organisation, audio=plain)
    assert b"".join(iter_plain(recording)) == plain


# Faults --------------------------------------------------------------------------------------


def test_a_missing_object_is_reported_as_missing(long_call, s3_audio_storage):  # noqa: F811
    recording, _ = long_call
    s3_audio_storage.client.delete_object(
        Bucket=s3_audio_storage.bucket, Key=_object_key(s3_audio_storage, recording)
    )

    with pytest.raises(AudioUnreadable) as by_range:
        read_range(recording, 0, 100)
    assert by_range.value.reason == "missing_object"
    with pytest.raises(AudioUnreadable) as whole:
        b"".join(iter_plain(recording))
    assert whole.value.reason == "missing_object"


def test_a_missing_plaintext_object_is_reported_as_missing(cast, s3_audio_storage):  # noqa: F811
    recording = recording_create(organisation=cast.organisation, audio=_audio(1000))
    audio_storage().delete(recording.storage_key)
    with pytest.raises(AudioUnreadable) as refused:
        read_range(recording, 10, 10)
    assert refused.value.reason == "missing_object"


def _replace_object(s3, recording, data: bytes) -> None:
    s3.client.put_object(Bucket=s3.bucket, Key=_object_key(s3, recording), Body=data)


def _stored(s3, recording) -> bytes:
    key = _object_key(s3, recording)
    return s3.client.get_object(Bucket=s3.bucket, Key=key)["Body"].read()


def test_a_tampered_segment_is_refused_where_it_is_read(long_call, s3_audio_storage):  # noqa: F811
    recording, plain = long_call
    stored = bytearray(_stored(s3_audio_storage, recording))
    flipped = sealed.HEADER_SIZE + 20 * STRIDE + 1000  # in segment 20
    stored[flipped] ^= 0x04
    _replace_object(s3_audio_storage, recording, bytes(stored))

    with pytest.raises(AudioUnreadable) as refused:
        read_range(recording, 20 * SEGMENT + 500, 1000)
    assert refused.value.reason == "tampered"
    with pytest.raises(AudioUnreadable) as whole:
        b"".join(iter_plain(recording))
    assert whole.value.reason == "tampered"
    # A range of segments nobody touched still decrypts (only what is read is checked).
    assert read_range(recording, 0, 1000) == plain[:1000]


def test_a_cut_off_or_lengthened_object_is_refused(long_call, s3_audio_storage):  # noqa: F811
    recording, plain = long_call
    stored = _stored(s3_audio_storage, recording)

    _replace_object(s3_audio_storage, recording, stored[: -STRIDE - 10])
    with pytest.raises(AudioUnreadable) as cut:
        read_range(recording, len(plain) - 10, 10)
    assert cut.value.reason in {"truncated", "tampered"}
    with pytest.raises(AudioUnreadable) as cut_whole:
        b"".join(iter_plain(recording))
    assert cut_whole.value.reason in {"truncated", "tampered"}

    _replace_object(s3_audio_storage, recording, stored + b"\0" * 10)
    with pytest.raises(AudioUnreadable) as longer:
        b"".join(iter_plain(recording))
    assert longer.value.reason == "tampered"


# RangedS3Object as a file ----------------------------------------------------------------------


@pytest.fixture
def object_on_s3(moto_s3):  # noqa: F811
    data = _audio(300_000, seed=11)
    key = "ranged-tests/object"
    moto_s3.client.put_object(Bucket=moto_s3.bucket, Key=key, Body=data)
    yield moto_s3, key, data
    moto_s3.client.delete_object(Bucket=moto_s3.bucket, Key=key)


@pytest.mark.parametrize("read_ahead", [0, 1000, 100_000, 1_000_000])
def test_the_object_reads_like_a_local_file_whatever_its_read_ahead(object_on_s3, read_ahead):
    s3, key, data = object_on_s3
    rng = random.Random(read_ahead)
    remote = RangedS3Object(s3.client, s3.bucket, key, read_ahead=read_ahead)
    local = io.BytesIO(data)
    for _ in range(300):
        action = rng.random()
        if action < 0.4:
            size = rng.choice([0, 1, 17, 4096, 65_552, 200_000, -1])
            assert remote.read(size) == local.read(size)
        elif action < 0.6:
            buffer_remote, buffer_local = bytearray(5000), bytearray(5000)
            assert remote.readinto(buffer_remote) == local.readinto(buffer_local)
            assert buffer_remote == buffer_local
        elif action < 0.9:
            offset = rng.randrange(0, len(data) + 100)
            assert remote.seek(offset) == local.seek(offset)
        elif action < 0.95:
            offset = rng.randrange(-1000, 10)
            assert remote.seek(offset, io.SEEK_END) == local.seek(offset, io.SEEK_END)
        else:
            start = rng.randrange(0, len(data))
            remote.expect(start, start + rng.randrange(1, 100_000))
        assert remote.tell() == local.tell()
    assert remote.size == len(data)
    remote.close()
    with pytest.raises(ValueError):
        remote.read(1)


def test_reads_inside_what_was_fetched_ask_nothing_more(object_on_s3):
    s3, key, data = object_on_s3
    remote = RangedS3Object(s3.client, s3.bucket, key, read_ahead=100_000)
    assert remote.read(10) == data[:10]
    assert remote.requests == 1 and remote.bytes_fetched == 100_000
    remote.seek(50_000)
    assert remote.read(50_000) == data[50_000:100_000]
    assert remote.requests == 1
    # Half buffered, half not: the buffered half and one request for the rest.
    remote.seek(90_000)
    assert remote.read(20_000) == data[90_000:110_000]
    assert remote.requests == 2
    assert remote.bytes_fetched == 100_000 + 100_000


def test_an_expected_span_near_a_small_read_is_fetched_with_it(object_on_s3):
    s3, key, data = object_on_s3
    near = RangedS3Object(s3.client, s3.bucket, key)
    near.expect(1000, 51_000)
    assert near.read(17) == data[:17]
    near.seek(1000)
    assert near.read(50_000) == data[1000:51_000]
    assert (near.requests, near.bytes_fetched) == (1, 51_000)

    far = RangedS3Object(s3.client, s3.bucket, key)
    far.expect(MERGE_GAP + 1000, MERGE_GAP + 2000)
    assert far.read(17) == data[:17]
    far.seek(MERGE_GAP + 1000)
    assert far.read(1000) == data[MERGE_GAP + 1000 : MERGE_GAP + 2000]
    assert (far.requests, far.bytes_fetched) == (2, 1017)


def test_an_empty_object_and_reads_past_the_end(moto_s3):  # noqa: F811
    key = "ranged-tests/empty"
    moto_s3.client.put_object(Bucket=moto_s3.bucket, Key=key, Body=b"")
    try:
        remote = RangedS3Object(moto_s3.client, moto_s3.bucket, key)
        assert remote.read(10) == b""
        assert remote.read() == b""
        assert remote.size == 0
    finally:
        moto_s3.client.delete_object(Bucket=moto_s3.bucket, Key=key)


def test_an_absent_object_raises_file_not_found(moto_s3):  # noqa: F811
    remote = RangedS3Object(moto_s3.client, moto_s3.bucket, "ranged-tests/absent")
    with pytest.raises(FileNotFoundError):
        remote.read(1)
    with pytest.raises(FileNotFoundError):
        remote.size  # noqa: B018


def test_open_ranged_names_the_object_as_the_storage_does(cast, s3_audio_storage):  # noqa: F811
    plain = _audio(10_000, seed=3)
    recording = recording_create(organisation=cast.organisation, audio=plain)
    handle = open_ranged(audio_storage(), recording.storage_key)
    assert handle.read() == plain
    assert handle.size == len(plain)
