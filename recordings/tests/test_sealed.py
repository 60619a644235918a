"""Sealed audio v1 (recordings/sealed.py): ranges decrypt to the plaintext's same bytes, and any
flipped bit, truncation, reordering, other key or other recording's context is refused."""

from __future__ import annotations

import hashlib
import io
import os
import random

import pytest
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recordings.sealed import (
    HEADER_SIZE,
    SEGMENT,
    TAG,
    SealedAudioError,
    Sealer,
    iter_plain,
    plain_size_of,
    read_range,
    sealed_size,
)
from tests.s3 import moto_s3  # noqa: F401 (the loopback S3 server fixture)

KEY = bytes(range(32))
CONTEXT = b"earshot-audio/v1/7/42"
EDGES = [0, 1, 2, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT, 3 * SEGMENT - 1, 4 * SEGMENT]
sizes = st.one_of(st.sampled_from(EDGES), st.integers(0, 300 * 1024))
PROPERTY = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def plaintext(size: int, seed: int = 0) -> bytes:
    return random.Random(f"{size}/{seed}").randbytes(size)


def seal(data: bytes, key: bytes = KEY, context: bytes = CONTEXT) -> bytes:
    return Sealer(io.BytesIO(data), len(data), key, context).read()


def refused(sealed: bytes, size: int) -> None:
    """Both readers refuse `sealed` (read_range over the whole plaintext, and iter_plain).
    (A range of no bytes decrypts nothing, so it verifies nothing either.)"""
    if size:
        with pytest.raises(SealedAudioError):
            read_range(io.BytesIO(sealed), KEY, CONTEXT, 0, size)
    with pytest.raises(SealedAudioError):
        list(iter_plain(io.BytesIO(sealed), KEY, CONTEXT))


# Round trips -----------------------------------------------------------------------------------


@PROPERTY
@given(size=sizes, data=st.data())
def test_any_range_of_any_file_decrypts_to_the_same_range(size, data):
    plain = plaintext(size)
    sealed = seal(plain)
    assert len(sealed) == sealed_size(size)
    start = data.draw(st.integers(0, size), label="start")
    length = data.draw(st.integers(0, size - start), label="length")

    assert read_range(io.BytesIO(sealed), KEY, CONTEXT, start, length) == plain[start:][:length]


@PROPERTY
@given(size=sizes)
def test_the_whole_file_decrypts_a_segment_at_a_time(size):
    plain = plaintext(size)
    sealer = Sealer(io.BytesIO(plain), size, KEY, CONTEXT)
    sealed = sealer.read()

    pieces = list(iter_plain(io.BytesIO(sealed), KEY, CONTEXT))
    assert b"".join(pieces) == plain
    assert all(len(piece) <= SEGMENT for piece in pieces)
    assert plain_size_of(io.BytesIO(sealed)) == size
    assert sealer.sha256.hexdigest() == hashlib.sha256(plain).hexdigest()
    assert sealer.size == len(sealed)


def test_sizes_are_the_header_plus_a_tag_per_segment():
    assert sealed_size(0) == HEADER_SIZE + TAG
    assert sealed_size(1) == HEADER_SIZE + 1 + TAG
    assert sealed_size(SEGMENT) == HEADER_SIZE + SEGMENT + TAG
    assert sealed_size(SEGMENT + 1) == HEADER_SIZE + SEGMENT + 1 + 2 * TAG
    assert sealed_size(3 * SEGMENT) == HEADER_SIZE + 3 * SEGMENT + 3 * TAG


def test_an_empty_recording_is_one_empty_last_segment():
    sealed = seal(b"")
    assert len(sealed) == HEADER_SIZE + TAG
    assert list(iter_plain(io.BytesIO(sealed), KEY, CONTEXT)) == [b""]
    assert read_range(io.BytesIO(sealed), KEY, CONTEXT, 0, 0) == b""


@pytest.mark.parametrize("chunk", [1, 7, 16, 4096, SEGMENT, SEGMENT + 16, 1 << 20])
def test_reading_the_sealer_in_any_chunk_size_gives_the_same_bytes(chunk):
    plain = plaintext(3 * SEGMENT + 5)
    whole = seal(plain)
    sealer = Sealer(io.BytesIO(plain), len(plain), KEY, CONTEXT)
    parts = []
    while part := sealer.read(chunk):
        assert len(part) <= chunk
        parts.append(part)
    assert b"".join(parts) == whole
    assert sealer.tell() == len(whole)


def test_each_recording_gets_different_ciphertext_under_its_own_key():
    plain = plaintext(1000)
    assert seal(plain, key=os.urandom(32)) != seal(plain, key=os.urandom(32))
    assert plain not in seal(plain)


# Tampering -------------------------------------------------------------------------------------


@PROPERTY
@given(size=sizes, data=st.data())
def test_any_flipped_bit_is_detected(size, data):
    sealed = bytearray(seal(plaintext(size)))
    bit = data.draw(st.integers(0, len(sealed) * 8 - 1), label="bit")
    sealed[bit // 8] ^= 1 << (bit % 8)

    refused(bytes(sealed), size)


def test_every_header_bit_flipped_is_detected():
    size = 2 * SEGMENT + 3
    original = seal(plaintext(size))
    for bit in range(HEADER_SIZE * 8):
        sealed = bytearray(original)
        sealed[bit // 8] ^= 1 << (bit % 8)
        refused(bytes(sealed), size)


@PROPERTY
@given(size=sizes, data=st.data())
def test_truncation_at_any_point_is_detected(size, data):
    sealed = seal(plaintext(size))
    cut = data.draw(st.integers(0, len(sealed) - 1), label="cut")

    refused(sealed[:cut], size)


def test_truncation_at_a_segment_boundary_is_reported_as_truncated():
    size = 3 * SEGMENT
    sealed = seal(plaintext(size))
    cut = sealed[: HEADER_SIZE + 2 * (SEGMENT + TAG)]
    with pytest.raises(SealedAudioError) as caught:
        list(iter_plain(io.BytesIO(cut), KEY, CONTEXT))
    assert caught.value.reason == "truncated"
    with pytest.raises(SealedAudioError) as caught:
        read_range(io.BytesIO(cut), KEY, CONTEXT, size - 10, 10)
    assert caught.value.reason == "truncated"
    # The segments still there decrypt: a Range before the cut is served.
    assert read_range(io.BytesIO(cut), KEY, CONTEXT, 0, 10) == plaintext(size)[:10]


def test_bytes_appended_after_the_last_segment_are_detected():
    sealed = seal(plaintext(SEGMENT + 10)) + b"\0"
    with pytest.raises(SealedAudioError) as caught:
        list(iter_plain(io.BytesIO(sealed), KEY, CONTEXT))
    assert caught.value.reason == "tampered"


@PROPERTY
@given(full=st.integers(2, 6), tail=st.integers(0, SEGMENT - 1), data=st.data())
def test_swapping_two_segments_is_detected(full, tail, data):
    # `full` whole segments, then a shorter last one when there is a tail.
    size = full * SEGMENT + tail
    segments = full + (1 if tail else 0)
    plain = plaintext(size)
    sealed = seal(plain)
    stride = SEGMENT + TAG
    i = data.draw(st.integers(0, full - 2), label="i")
    j = data.draw(st.integers(i + 1, full - 1), label="j")
    body = sealed[HEADER_SIZE:]
    parts = [body[k * stride : (k + 1) * stride] for k in range(segments)]
    parts[i], parts[j] = parts[j], parts[i]
    swapped = sealed[:HEADER_SIZE] + b"".join(parts)
    assert len(swapped) == len(sealed)

    refused(swapped, size)
    for k in (i, j):
        with pytest.raises(SealedAudioError) as caught:
            read_range(io.BytesIO(swapped), KEY, CONTEXT, k * SEGMENT, 1)
        assert caught.value.reason == "tampered"
    untouched = next((k for k in range(segments) if k not in (i, j)), None)
    if untouched is not None:
        start = untouched * SEGMENT
        piece = plain[start : start + 5]
        assert read_range(io.BytesIO(swapped), KEY, CONTEXT, start, len(piece)) == piece


def test_a_segment_dropped_from_the_middle_is_detected():
    size = 4 * SEGMENT
    sealed = seal(plaintext(size))
    stride = SEGMENT + TAG
    dropped = sealed[: HEADER_SIZE + stride] + sealed[HEADER_SIZE + 2 * stride :]
    refused(dropped, size - SEGMENT)
    refused(dropped, size)


def test_another_recordings_context_cannot_open_it():
    plain = plaintext(2 * SEGMENT + 1)
    sealed = seal(plain, context=b"earshot-audio/v1/7/42")
    for other in (b"earshot-audio/v1/8/42", b"earshot-audio/v1/7/43", b"", b"earshot-audio/v1/7/4"):
        with pytest.raises(SealedAudioError) as caught:
            read_range(io.BytesIO(sealed), KEY, other, 0, 1)
        assert caught.value.reason == "tampered"
        with pytest.raises(SealedAudioError):
            list(iter_plain(io.BytesIO(sealed), KEY, other))


def test_another_key_cannot_open_it():
    sealed = seal(plaintext(SEGMENT + 1))
    other = bytes(reversed(KEY))
    with pytest.raises(SealedAudioError) as caught:
        read_range(io.BytesIO(sealed), other, CONTEXT, SEGMENT, 1)
    assert caught.value.reason == "tampered"
    with pytest.raises(SealedAudioError):
        list(iter_plain(io.BytesIO(sealed), other, CONTEXT))


def test_a_file_sealed_for_another_recording_cannot_stand_in_for_this_one():
    """Same size, same key even: the context in every segment ties it to its recording."""
    plain = plaintext(1000)
    mine = seal(plain, context=b"earshot-audio/v1/7/42")
    theirs = seal(plaintext(1000, seed=1), context=b"earshot-audio/v1/7/41")
    assert read_range(io.BytesIO(mine), KEY, b"earshot-audio/v1/7/42", 0, 1000) == plain
    with pytest.raises(SealedAudioError):
        read_range(io.BytesIO(theirs), KEY, b"earshot-audio/v1/7/42", 0, 1000)


# What is not sealed audio, and bad calls ---------------------------------------------------------


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(100), "not_sealed"),
        (b"ID3\x04" + bytes(100), "not_sealed"),
        (b"", "truncated"),
        (b"ES", "truncated"),
        (b"ESA1\x01\x00", "truncated"),
    ],
)
def test_what_is_not_a_whole_header_is_refused_with_its_reason(content, reason):
    with pytest.raises(SealedAudioError) as caught:
        plain_size_of(io.BytesIO(content))
    assert caught.value.reason == reason
    with pytest.raises(SealedAudioError) as caught:
        list(iter_plain(io.BytesIO(content), KEY, CONTEXT))
    assert caught.value.reason == reason


def test_a_range_past_the_headers_size_is_refused_and_a_negative_one_is_a_bug():
    sealed = seal(plaintext(100))
    with pytest.raises(SealedAudioError) as caught:
        read_range(io.BytesIO(sealed), KEY, CONTEXT, 90, 11)
    assert caught.value.reason == "truncated"
    with pytest.raises(ValueError):
        read_range(io.BytesIO(sealed), KEY, CONTEXT, -1, 5)
    with pytest.raises(ValueError):
        read_range(io.BytesIO(sealed), KEY, CONTEXT, 0, -5)


def test_a_data_key_must_be_32_bytes():
    with pytest.raises(ValueError):
        Sealer(io.BytesIO(b"x"), 1, KEY[:16], CONTEXT)
    with pytest.raises(ValueError):
        read_range(io.BytesIO(seal(b"x")), KEY[:16], CONTEXT, 0, 1)


# The source changing under the sealer ----------------------------------------------------------


@pytest.mark.parametrize("actual", [0, 10, SEGMENT, SEGMENT + 9])
def test_a_source_shorter_than_stated_is_refused(actual):
    sealer = Sealer(io.BytesIO(plaintext(actual)), SEGMENT + 10, KEY, CONTEXT)
    with pytest.raises(SealedAudioError) as caught:
        while sealer.read(4096):
            pass
    assert caught.value.reason == "truncated"


@pytest.mark.parametrize("stated", [0, 10, SEGMENT, SEGMENT + 9])
def test_a_source_longer_than_stated_is_refused(stated):
    sealer = Sealer(io.BytesIO(plaintext(SEGMENT + 10)), stated, KEY, CONTEXT)
    with pytest.raises(SealedAudioError) as caught:
        sealer.read()
    assert caught.value.reason == "truncated"


class Trickle(io.RawIOBase):
    """A source that hands out at most 1000 bytes a read, as a pipe or socket may."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)

    def readable(self):
        return True

    def read(self, size=-1):
        return self.data.read(min(size, 1000) if size >= 0 else 1000)


def test_a_source_that_returns_short_reads_is_read_in_full():
    plain = plaintext(2 * SEGMENT + 3)
    sealer = Sealer(Trickle(plain), len(plain), KEY, CONTEXT)
    assert sealer.read() == seal(plain)


def test_iter_plain_reads_a_stream_that_cannot_seek_and_returns_short_reads():
    """An object body streamed from S3, say: read from where it is, in pieces of any size."""
    plain = plaintext(3 * SEGMENT + 17)
    stream = Trickle(seal(plain))
    stream.seekable = lambda: False
    assert b"".join(iter_plain(stream, KEY, CONTEXT)) == plain


def test_the_sealer_rewinds_only_before_it_is_read():
    sealer = Sealer(io.BytesIO(b"abc"), 3, KEY, CONTEXT)
    assert sealer.seek(0) == 0
    assert not sealer.seekable()
    sealer.read(5)
    with pytest.raises(OSError) as caught:
        sealer.seek(0)
    assert not isinstance(caught.value, io.UnsupportedOperation)  # File.chunks would swallow it


# Storages ----------------------------------------------------------------------------------------


def test_django_file_system_storage_saves_the_sealed_stream(tmp_path):
    plain = plaintext(5 * SEGMENT + 123)
    storage = FileSystemStorage(location=tmp_path)
    sealer = Sealer(io.BytesIO(plain), len(plain), KEY, CONTEXT)

    name = storage.save("7/ab/cd/abcd.wav", File(sealer))

    assert name == "7/ab/cd/abcd.wav"
    assert storage.size(name) == sealed_size(len(plain)) == sealer.size
    assert sealer.sha256.hexdigest() == hashlib.sha256(plain).hexdigest()
    with storage.open(name) as handle:
        assert b"".join(iter_plain(handle, KEY, CONTEXT)) == plain
        assert read_range(handle, KEY, CONTEXT, SEGMENT - 3, 7) == plain[SEGMENT - 3 : SEGMENT + 4]
    assert plain not in (tmp_path / name).read_bytes()


def test_s3_storage_saves_the_sealed_stream_in_parts(moto_s3):  # noqa: F811
    from storages.backends.s3 import S3Storage

    from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY

    storage = S3Storage(
        bucket_name=moto_s3.bucket,
        endpoint_url=moto_s3.endpoint_url,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        region_name=REGION,
        location="sealed-test",
        file_overwrite=False,
    )
    # Past boto's 8 MiB multipart threshold: a stream that cannot seek goes up in parts.
    plain = plaintext(9 * 1024 * 1024 + 5)
    sealer = Sealer(io.BytesIO(plain), len(plain), KEY, CONTEXT)
    name = storage.save("7/ab/cd/abcd.wav", File(sealer))
    try:
        assert storage.size(name) == sealer.size
        with storage.open(name) as handle:
            assert (
                read_range(handle, KEY, CONTEXT, 5 * SEGMENT + 1, 10)
                == plain[5 * SEGMENT + 1 : 5 * SEGMENT + 11]
            )
            assert hashlib.sha256(b"".join(iter_plain(handle, KEY, CONTEXT))).digest() == (
                hashlib.sha256(plain).digest()
            )
    finally:
        storage.delete(name)
