"""Writers that name a key, and the key's destruction (review of issue 19, findings 4, 7, 9).

Django's foreign keys on PostgreSQL are deferred: the share lock a recording's INSERT or
UPDATE takes on its key row comes only at COMMIT. A writer therefore locks the key row FOR
KEY SHARE itself (audio_keys.lock_for_writing) before it names the key; destroy_key holds the
row FOR UPDATE. These tests run two connections (threads) against each other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from recordings import audio_keys
from recordings.audio_keys import (
    check_writable,
    data_key_of,
    day_key,
    destroy_key,
    hold_key,
    key_name,
    lock_for_writing,
    new_data_key,
    rewrap,
)
from recordings.keystore import KeyUnavailable, key_store
from recordings.models import AudioKey, Recording
from recordings.sealed_storage import AudioUnreadable, read_range
from recordings.tests.factories import recording_create, wav_bytes
from recordings.tests.sealing import (
    destroy_while_writing,
    key_store_calls,
    sealed_recording_create,
    write_after_destruction,
)


@pytest.mark.django_db(transaction=True)
def test_a_writer_holding_the_key_makes_destroy_key_wait_and_then_keep_the_key(cast):
    organisation = cast.organisation
    key = day_key(organisation, timezone.now() - timedelta(days=3))
    call = recording_create(organisation=organisation)

    def write():
        assert lock_for_writing([key.pk]) == set()
        Recording.objects.filter(pk=call.pk).update(
            audio_key=key, wrapped_key=b"\0" * 60, sealing="v1"
        )

    _, destroyed = destroy_while_writing(key, write)
    assert destroyed == [False]  # it then saw the key in use
    assert AudioKey.objects.get(pk=key.pk).destroyed_at is None
    assert key_store().exists(key_name(key))


@pytest.mark.django_db(transaction=True)
def test_a_destruction_that_came_first_makes_the_writer_see_the_key_destroyed(cast):
    organisation = cast.organisation
    key = day_key(organisation, timezone.now() - timedelta(days=3))
    seen = write_after_destruction(key, lambda: lock_for_writing([key.pk]), writer_waits=True)
    assert seen == [{key.pk}]
    with transaction.atomic(), pytest.raises(KeyUnavailable) as caught:
        check_writable([key.pk])
    assert caught.value.reason == "destroyed"


@pytest.mark.django_db
def test_rewrap_onto_a_key_destroyed_meanwhile_takes_a_new_key_of_that_day(cast):
    audio = wav_bytes(seconds=2, seed=3)
    call = sealed_recording_create(organisation=cast.organisation, audio=audio)
    later = call.purge_deadline + timedelta(days=5)
    target = day_key(cast.organisation, later)  # a memo (DayKeys) handed this out earlier
    assert destroy_key(target) is True  # ... and a purge took it as unused since
    stale = AudioKey.objects.get(pk=target.pk)
    stale.destroyed_at = None  # the memo's copy does not know

    assert rewrap(Recording.objects.filter(pk=call.pk), lambda r: stale) == 1
    moved = Recording.objects.select_related("audio_key").get(pk=call.pk)
    assert moved.audio_key_id != target.pk
    assert moved.audio_key.day == target.day and moved.audio_key.destroyed_at is None
    assert read_range(moved, 0, len(audio)) == audio


@pytest.mark.django_db
def test_a_failure_other_than_a_lost_race_leaves_the_new_key_file(cast, monkeypatch):
    """A lost reply to a COMMIT that did happen must not destroy the file of a committed row;
    a file whose row never came is left to sweep_keys."""
    created = key_store_calls(monkeypatch, "create")

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(AudioKey, "save", lost)
    with pytest.raises(OperationalError):
        day_key(cast.organisation, timezone.now() + timedelta(days=3))
    assert len(created) == 1 and key_store().exists(created[0])


@pytest.mark.django_db
def test_a_live_unused_key_whose_file_is_lost_is_replaced(cast):
    deadline = timezone.now() + timedelta(days=3)
    lost = day_key(cast.organisation, deadline)
    key_store().destroy(key_name(lost))

    new = day_key(cast.organisation, deadline)
    assert new.pk != lost.pk and key_store().exists(key_name(new))
    assert AudioKey.objects.get(pk=lost.pk).destroyed_at is not None
    event = AuditEvent.objects.get(action="recordings.audio_key.destroyed", target_id=str(lost.pk))
    assert event.detail["reason"] == "file_missing"
    # Also for a hold's key.
    held = hold_key(cast.organisation, "7")
    key_store().destroy(key_name(held))
    assert hold_key(cast.organisation, "7").pk != held.pk


@pytest.mark.django_db
def test_a_live_key_whose_file_is_lost_but_that_a_call_uses_is_kept(cast):
    call = sealed_recording_create(organisation=cast.organisation)
    key_store().destroy(key_name(call.audio_key))
    assert day_key(cast.organisation, call.purge_deadline).pk == call.audio_key_id
    assert AudioKey.objects.get(pk=call.audio_key_id).destroyed_at is None
    with pytest.raises(AudioUnreadable) as caught:
        data_key_of(Recording.objects.get(pk=call.pk))
    assert caught.value.reason == "key_missing"


@pytest.mark.django_db
def test_a_key_never_wraps_or_opens_another_organisations_recording(cast):
    mine = recording_create(organisation=cast.organisation)
    theirs_key = day_key(cast.other_organisation, mine.purge_deadline)
    with pytest.raises(ValueError, match="cannot wrap"):
        new_data_key(mine, theirs_key)

    sealed = sealed_recording_create(organisation=cast.organisation)
    with pytest.raises(ValueError, match="cannot wrap"):
        rewrap(Recording.objects.filter(pk=sealed.pk), lambda r: theirs_key)
    assert Recording.objects.get(pk=sealed.pk).audio_key_id == sealed.audio_key_id

    # A row made to name another organisation's key (its wrapped key re-made under it, as a
    # database writer could): refused before any unwrapping.
    other = recording_create(organisation=cast.other_organisation)
    other_key = day_key(cast.other_organisation, other.purge_deadline)
    data_key = new_data_key(other, other_key)
    context_free = Recording.objects.get(pk=sealed.pk)
    context_free.audio_key = other_key
    context_free.wrapped_key = audio_keys._wrap(
        audio_keys.key_material(other_key),
        data_key,
        audio_keys.recording_context(context_free),
    )
    with pytest.raises(AudioUnreadable) as caught:
        data_key_of(context_free)
    assert caught.value.reason == "key_corrupt"


@pytest.mark.django_db
def test_an_ingest_whose_day_key_was_destroyed_after_it_was_read_fails_to_be_tried_again(
    cast, tmp_path, monkeypatch
):
    """The batch read its day key (DayKeys) and wrapped its calls' data keys; a purge then
    destroyed the key (unused until the INSERT). The INSERT's transaction sees it destroyed
    (check_writable) and the batch fails as an error of the system: nothing stored, and the
    next try takes the day's new key."""
    from access.tests.conftest import register_for
    from recordings import ingest_batch
    from recordings.constants import IngestChannel, RecordingStatus
    from recordings.ingest_batch import IngestItem, recordings_ingest_batch
    from recordings.tests.audio import make_wav

    register_for(cast.organisation)
    audio = make_wav(tmp_path / "a.wav", seconds=1.0)
    start = (timezone.now() - timedelta(hours=1)).isoformat()
    metadata = {"call_id": "a", "started_at": start, "direction": "inbound"}
    items = [IngestItem(source=audio, metadata=metadata)]
    real_insert = ingest_batch._insert

    def purged_meanwhile(works):
        for key_id in {w.recording.audio_key_id for w in works}:
            assert destroy_key(AudioKey.objects.get(pk=key_id)) is True
        return real_insert(works)

    monkeypatch.setattr(ingest_batch, "_insert", purged_meanwhile)
    [outcome] = recordings_ingest_batch(
        organisation=cast.organisation, items=items, channel=IngestChannel.DROP_FOLDER
    )
    assert isinstance(outcome.error, KeyUnavailable) and outcome.error.reason == "destroyed"
    assert not Recording.objects.exists()

    monkeypatch.setattr(ingest_batch, "_insert", real_insert)
    [outcome] = recordings_ingest_batch(
        organisation=cast.organisation, items=items, channel=IngestChannel.DROP_FOLDER
    )
    assert outcome.ok and outcome.recording.status == RecordingStatus.ACTIVE
    stored = Recording.objects.select_related("audio_key").get()
    assert stored.audio_key.destroyed_at is None
    assert read_range(stored, 0, 4) == b"RIFF"
