"""Sealed storage: audio stored sealed in one pass, read back by range or whole, and every way
it can fail reported with its reason, never as wrong bytes."""

from __future__ import annotations

import io
import os

import pytest
from django.utils.translation import override

from recordings import sealed
from recordings.audio_keys import day_key, new_data_key
from recordings.models import Recording
from recordings.sealed_storage import (
    AudioUnreadable,
    iter_plain,
    read_range,
    readable,
    recording_context,
    store_sealed,
)
from recordings.services import IngestRejected
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create, wav_bytes
from recordings.tests.sealing import sealed_recording_create
from tests.s3 import moto_s3, s3_audio_storage  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

AUDIO = wav_bytes(seconds=10, seed=3)  # 160 KB: three segments


def _stored_bytes(recording: Recording) -> bytes:
    with audio_storage().open(recording.storage_key, "rb") as handle:
        return handle.read()


def _rewrite(recording: Recording, data: bytes) -> None:
    with open(audio_storage().path(recording.storage_key), "wb") as handle:
        handle.write(data)


def test_sealed_audio_is_stored_encrypted_and_reads_back_by_range_and_whole(cast):
    recording = sealed_recording_create(organisation=cast.organisation, audio=AUDIO)
    stored = _stored_bytes(recording)
    assert len(stored) == sealed.sealed_size(len(AUDIO))
    assert AUDIO[:4] not in stored
    assert AUDIO[1000:1032] not in stored

    assert b"".join(iter_plain(recording)) == AUDIO
    for start, length in [(0, 1), (0, 44), (65_535, 2), (65_536, 65_536), (100, 150_000)]:
        assert read_range(recording, start, length) == AUDIO[start : start + length]
    assert read_range(recording, len(AUDIO) - 5, 5) == AUDIO[-5:]
    assert readable(recording) is None


def test_a_recording_from_before_sealing_is_read_as_it_is(cast):
    recording = recording_create(organisation=cast.organisation, audio=AUDIO)
    assert recording.sealing == ""
    assert read_range(recording, 10, 100) == AUDIO[10:110]
    assert b"".join(iter_plain(recording)) == AUDIO
    assert readable(recording) is None


def test_store_sealed_from_a_path_hashes_the_plaintext(cast, tmp_path):
    source = tmp_path / "call.wav"
    source.write_bytes(AUDIO)
    recording = recording_create(organisation=cast.organisation, audio=AUDIO)
    audio_storage().delete(recording.storage_key)
    data_key = new_data_key(recording, day_key(cast.organisation, recording.purge_deadline))

    name = store_sealed(recording, source, data_key=data_key, expected_sha256=recording.sha256)
    assert name == recording.storage_key
    recording.save()
    assert read_range(Recording.objects.get(pk=recording.pk), 0, 44) == AUDIO[:44]


def test_a_file_that_changed_while_it_was_read_is_refused_and_nothing_stays_stored(cast):
    recording = recording_create(organisation=cast.organisation, audio=AUDIO)
    audio_storage().delete(recording.storage_key)
    data_key = new_data_key(recording, day_key(cast.organisation, recording.purge_deadline))

    with pytest.raises(IngestRejected) as caught:
        store_sealed(recording, io.BytesIO(AUDIO), data_key=data_key, expected_sha256="0" * 64)
    assert caught.value.code == "changed_while_reading"
    assert not audio_storage().exists(recording.storage_key)


def test_a_file_that_shrank_while_it_was_read_is_refused_and_nothing_stays_stored(cast):
    class Shrinking(io.BytesIO):
        def read(self, size=-1):
            if self.tell() >= 70_000:
                return b""
            return super().read(size)

    recording = recording_create(organisation=cast.organisation, audio=AUDIO)
    audio_storage().delete(recording.storage_key)
    data_key = new_data_key(recording, day_key(cast.organisation, recording.purge_deadline))

    with pytest.raises(IngestRejected) as caught:
        store_sealed(recording, Shrinking(AUDIO), data_key=data_key, expected_sha256=None)
    assert caught.value.code == "changed_while_reading"
    assert not audio_storage().exists(recording.storage_key)


def test_a_flipped_bit_in_the_stored_audio_is_refused(cast):
    recording = sealed_recording_create(organisation=cast.organisation, audio=AUDIO)
    stored = bytearray(_stored_bytes(recording))
    stored[100_000] ^= 0x04
    _rewrite(recording, bytes(stored))

    # The untouched first segment still plays; the altered one does not.
    assert read_range(recording, 0, 44) == AUDIO[:44]
    with pytest.raises(AudioUnreadable) as caught:
        read_range(recording, 90_000, 20_000)
    assert caught.value.reason == "tampered"
    with override("en"):
        assert caught.value.message == "The stored audio was altered; Earshot refuses to play it."
    with pytest.raises(AudioUnreadable) as whole:
        b"".join(iter_plain(recording))
    assert whole.value.reason == "tampered"


def test_cut_off_stored_audio_is_refused(cast):
    recording = sealed_recording_create(organisation=cast.organisation, audio=AUDIO)
    _rewrite(recording, _stored_bytes(recording)[:-1000])

    with pytest.raises(AudioUnreadable) as caught:
        b"".join(iter_plain(recording))
    assert caught.value.reason == "truncated"
    with pytest.raises(AudioUnreadable) as ranged:
        read_range(recording, len(AUDIO) - 10, 10)
    assert ranged.value.reason == "truncated"


def test_plaintext_where_sealed_audio_should_be_is_refused(cast):
    recording = sealed_recording_create(organisation=cast.organisation, audio=AUDIO)
    _rewrite(recording, AUDIO)
    with pytest.raises(AudioUnreadable) as caught:
        read_range(recording, 0, 44)
    assert caught.value.reason == "tampered"


def test_a_missing_object_is_reported_as_missing(cast):
    for recording in (
        sealed_recording_create(organisation=cast.organisation, audio=AUDIO),
        recording_create(organisation=cast.organisation),
    ):
        os.unlink(audio_storage().path(recording.storage_key))
        with pytest.raises(AudioUnreadable) as caught:
            read_range(recording, 0, 4)
        assert caught.value.reason == "missing_object"
        with pytest.raises(AudioUnreadable):
            b"".join(iter_plain(recording))


def test_another_organisations_sealed_audio_and_keys_never_open_on_a_row_of_ours(cast):
    """Everything of org A's call copied onto org B's row: object, key, wrapped data key."""
    theirs = sealed_recording_create(organisation=cast.other_organisation, audio=AUDIO)
    mine = sealed_recording_create(organisation=cast.organisation, audio=wav_bytes(seed=9))
    _rewrite(mine, _stored_bytes(theirs))
    Recording.objects.filter(pk=mine.pk).update(
        audio_key=theirs.audio_key, wrapped_key=theirs.wrapped_key
    )
    swapped = Recording.objects.get(pk=mine.pk)
    assert recording_context(swapped) != recording_context(theirs)

    with pytest.raises(AudioUnreadable) as caught:
        read_range(swapped, 0, 44)
    assert caught.value.reason == "key_corrupt"
    assert readable(swapped) == "key_corrupt"


def test_another_calls_sealed_object_under_our_own_key_does_not_play(cast):
    """A database writer points our row at another call's object: the context differs."""
    first = sealed_recording_create(organisation=cast.organisation, audio=AUDIO)
    second = sealed_recording_create(organisation=cast.organisation, audio=wav_bytes(seed=11))
    Recording.objects.filter(pk=second.pk).update(storage_key=first.storage_key + ".x")
    os.link(audio_storage().path(first.storage_key), audio_storage().path(first.storage_key + ".x"))
    moved = Recording.objects.get(pk=second.pk)
    with pytest.raises(AudioUnreadable) as caught:
        read_range(moved, 0, 44)
    assert caught.value.reason == "tampered"


def test_every_reason_has_a_sentence():
    from recordings.sealed_storage import REASONS

    with override("en"):
        for reason in REASONS:
            message = AudioUnreadable(reason).message
            assert message and "%(" not in message
    with pytest.raises(ValueError):
        AudioUnreadable("something else")


def test_the_checks_warn_about_a_key_store_inside_the_audio_and_offloaded_delivery(settings):
    from recordings.checks import delivery_of_sealed_audio, key_store_outside_audio

    location = settings.STORAGES["audio"]["OPTIONS"]["location"]
    assert key_store_outside_audio() == []
    settings.AUDIO_KEY_DIR = os.path.join(location, "keys")
    assert [w.id for w in key_store_outside_audio()] == ["recordings.W001"]

    assert delivery_of_sealed_audio() == []
    for mode in ("nginx", "s3"):
        settings.AUDIO_DELIVERY = mode
        assert [w.id for w in delivery_of_sealed_audio()] == ["recordings.W002"]


@pytest.mark.usefixtures("s3_audio_storage")
def test_sealed_audio_on_s3_reads_back_and_a_missing_object_says_so(cast):
    recording = sealed_recording_create(organisation=cast.organisation, audio=AUDIO)
    assert read_range(recording, 65_530, 20) == AUDIO[65_530:65_550]
    assert b"".join(iter_plain(recording)) == AUDIO

    audio_storage().delete(recording.storage_key)
    with pytest.raises(AudioUnreadable) as caught:
        read_range(recording, 0, 4)
    assert caught.value.reason == "missing_object"
