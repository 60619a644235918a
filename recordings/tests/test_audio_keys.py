"""Day keys and hold keys: wrapping, tenancy, the batch memo, races, faults and destruction."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.translation import override

from audit.models import AuditEvent
from organisations.tests.factories import OrganisationFactory
from recordings import audio_keys
from recordings.audio_keys import (
    DayKeys,
    data_key_of,
    day_key,
    destroy_key,
    hold_key,
    key_is_unused,
    key_material,
    key_name,
    new_data_key,
    rewrap,
)
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.keystore import DirectoryKeyStore, KeyUnavailable, key_store
from recordings.models import AudioKey, Recording
from recordings.sealed_storage import AudioUnreadable, read_range, readable
from recordings.tests.factories import recording_create, wav_bytes
from recordings.tests.sealing import in_thread, key_store_calls, sealed_recording_create

pytestmark = pytest.mark.django_db

DEADLINE = datetime(2030, 3, 9, 23, 30, tzinfo=UTC)


def test_a_wrapped_data_key_unwraps_to_the_same_key(cast):
    recording = recording_create(organisation=cast.organisation)
    audio_key = day_key(cast.organisation, recording.purge_deadline)
    data_key = new_data_key(recording, audio_key)
    recording.save()

    stored = Recording.objects.get(pk=recording.pk)
    assert stored.sealing == "v1"
    assert stored.audio_key_id == audio_key.pk
    assert len(bytes(stored.wrapped_key)) == 60
    assert data_key not in bytes(stored.wrapped_key)
    assert data_key_of(stored) == data_key
    assert readable(stored) is None


def test_the_day_key_is_the_deadlines_utc_day_and_is_made_once(cast):
    # 00:30 in Amsterdam on the 10th is still the 9th in UTC.
    amsterdam = DEADLINE.astimezone(timezone.get_fixed_timezone(60))
    first = day_key(cast.organisation, amsterdam)
    again = day_key(cast.organisation, DEADLINE - timedelta(hours=20))
    assert first.kind == AudioKeyKind.DAY
    assert first.day == date(2030, 3, 9)
    assert again.pk == first.pk
    assert day_key(cast.organisation, DEADLINE + timedelta(hours=1)).day == date(2030, 3, 10)
    assert key_store().names() == sorted(
        key_name(k) for k in AudioKey.objects.filter(organisation=cast.organisation)
    )
    assert key_name(first) == f"{cast.organisation.pk}/{first.pk.hex}"


def test_each_organisation_has_its_own_day_key(cast):
    mine = day_key(cast.organisation, DEADLINE)
    theirs = day_key(cast.other_organisation, DEADLINE)
    assert mine.pk != theirs.pk
    assert key_material(mine) != key_material(theirs)


def test_another_organisations_wrapped_key_never_opens_a_recording(cast):
    mine = recording_create(organisation=cast.organisation)
    new_data_key(mine, day_key(cast.organisation, mine.purge_deadline))
    mine.save()
    theirs = recording_create(organisation=cast.other_organisation)
    new_data_key(theirs, day_key(cast.other_organisation, theirs.purge_deadline))
    theirs.save()

    # Org A's key and wrapped data key copied onto org B's row (a database writer's swap).
    Recording.objects.filter(pk=theirs.pk).update(
        audio_key=mine.audio_key, wrapped_key=mine.wrapped_key
    )
    swapped = Recording.objects.get(pk=theirs.pk)
    with pytest.raises(AudioUnreadable) as caught:
        data_key_of(swapped)
    assert caught.value.reason == "key_corrupt"
    assert readable(swapped) == "key_corrupt"


def test_another_recordings_wrapped_key_does_not_open_a_recording_under_the_same_key(cast):
    first = recording_create(organisation=cast.organisation)
    second = recording_create(organisation=cast.organisation)
    audio_key = day_key(cast.organisation, first.purge_deadline)
    new_data_key(first, audio_key)
    new_data_key(second, audio_key)
    second.wrapped_key = first.wrapped_key
    with pytest.raises(AudioUnreadable) as caught:
        data_key_of(second)
    assert caught.value.reason == "key_corrupt"


def test_day_keys_memo_reads_one_row_and_one_key_file_per_day(cast, monkeypatch):
    day_key(cast.organisation, DEADLINE)
    reads = key_store_calls(monkeypatch, "read")
    keys = DayKeys(cast.organisation)
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as queries:
        found = {keys.for_deadline(DEADLINE - timedelta(minutes=m)) for m in range(0, 600, 7)}
    assert len(found) == 1
    assert len(queries) == 1
    assert len(reads) == 1
    # A second day: one more key (created), one more read.
    keys.for_deadline(DEADLINE + timedelta(days=1))
    keys.for_deadline(DEADLINE + timedelta(days=1, minutes=5))
    assert len(reads) == 2


@pytest.mark.django_db(transaction=True)
def test_two_processes_asking_for_a_new_day_key_at_once_get_one_key_and_leave_no_stray_file(
    monkeypatch,
):
    organisation = OrganisationFactory(slug="race")
    both_created = threading.Barrier(2, timeout=20)
    real_create = DirectoryKeyStore.create

    def create_then_wait(self, name):
        key = real_create(self, name)
        both_created.wait()  # both wrote a file before either inserts its row
        return key

    monkeypatch.setattr(DirectoryKeyStore, "create", create_then_wait)
    asked = [in_thread(lambda: day_key(organisation, DEADLINE).pk) for _ in range(2)]
    for thread, _, _ in asked:
        thread.join(30)
    errors = [error for _, raised, _ in asked for error in raised]
    results = [pk for _, _, returned in asked for pk in returned]
    assert errors == []
    assert len(set(results)) == 1
    rows = AudioKey.objects.filter(organisation=organisation)
    assert [row.pk for row in rows] == results[:1]
    assert key_store().names() == [key_name(rows.get())]


def test_a_missing_key_file_makes_its_recordings_unreadable_with_that_reason(cast):
    recording = recording_create(organisation=cast.organisation)
    audio_key = day_key(cast.organisation, recording.purge_deadline)
    new_data_key(recording, audio_key)
    recording.save()
    os.unlink(key_store().path(key_name(audio_key)))

    with pytest.raises(KeyUnavailable) as missing:
        key_material(audio_key)
    assert missing.value.reason == "missing"
    with pytest.raises(AudioUnreadable) as caught:
        data_key_of(Recording.objects.get(pk=recording.pk))
    assert caught.value.reason == "key_missing"
    with override("en"):
        assert "missing from the key store" in caught.value.message
    # The day's key row is live: asking for it again does not make a second key silently.
    assert day_key(cast.organisation, recording.purge_deadline).pk == audio_key.pk


def test_a_restored_call_past_its_deadline_says_its_retention_ended_not_restore_the_keys(cast):
    # A restored database: the key row is live, its file was destroyed, the deadline has passed.
    recording = recording_create(organisation=cast.organisation)
    audio_key = day_key(cast.organisation, recording.purge_deadline)
    new_data_key(recording, audio_key)
    recording.save()
    os.unlink(key_store().path(key_name(audio_key)))
    deadline = timezone.now() - timedelta(days=2)
    Recording.objects.filter(pk=recording.pk).update(purge_deadline=deadline)

    copy = Recording.objects.get(pk=recording.pk)
    with pytest.raises(AudioUnreadable) as caught:
        data_key_of(copy)
    assert caught.value.reason == "retention_ended"
    with override("en"):
        assert caught.value.message.startswith("This call's retention ended on ")
        assert "no copy of it can be read" in caught.value.message
        assert "restore" not in caught.value.message
    assert readable(copy) == "retention_ended"
    # A held call past its deadline keeps the restore advice: it must still be readable.
    Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.HELD)
    assert readable(Recording.objects.get(pk=recording.pk)) == "key_missing"


def test_a_damaged_key_file_makes_its_recordings_unreadable_with_that_reason(cast):
    recording = recording_create(organisation=cast.organisation)
    audio_key = day_key(cast.organisation, recording.purge_deadline)
    new_data_key(recording, audio_key)
    recording.save()
    path = key_store().path(key_name(audio_key))
    data = bytearray(path.read_bytes())
    data[10] ^= 0x01
    path.write_bytes(bytes(data))

    assert readable(Recording.objects.get(pk=recording.pk)) == "key_corrupt"


def test_a_hold_key_is_one_per_hold(cast):
    first = hold_key(cast.organisation, "17")
    assert first.kind == AudioKeyKind.HOLD
    assert first.day is None
    assert hold_key(cast.organisation, "17").pk == first.pk
    assert hold_key(cast.organisation, "18").pk != first.pk
    assert hold_key(cast.other_organisation, "17").pk != first.pk
    with pytest.raises(ValueError):
        hold_key(cast.organisation, "")


def _purge(recording: Recording) -> None:
    Recording.objects.filter(pk=recording.pk).update(
        status=RecordingStatus.PURGED, wrapped_key=None
    )


def test_a_key_is_not_destroyed_while_a_live_recording_uses_it(cast):
    recording = sealed_recording_create(organisation=cast.organisation)
    audio_key = recording.audio_key
    assert not key_is_unused(audio_key)

    assert destroy_key(audio_key) is False
    audio_key.refresh_from_db()
    assert audio_key.destroyed_at is None
    assert key_store().exists(key_name(audio_key))
    assert read_range(recording, 0, 4) == b"RIFF"
    for status in (RecordingStatus.HELD, RecordingStatus.INCOMING):
        Recording.objects.filter(pk=recording.pk).update(status=status)
        assert destroy_key(audio_key) is False


def test_destroying_an_unused_key_removes_its_file_and_says_so_in_the_trail(cast):
    recording = sealed_recording_create(organisation=cast.organisation)
    audio_key = recording.audio_key
    _purge(recording)
    assert key_is_unused(audio_key)

    assert destroy_key(audio_key) is True
    assert audio_key.destroyed_at is not None
    assert AudioKey.objects.get(pk=audio_key.pk).destroyed_at == audio_key.destroyed_at
    assert not key_store().exists(key_name(audio_key))
    assert key_store().names() == []
    event = AuditEvent.objects.get(action="recordings.audio_key.destroyed")
    assert event.organisation_id == cast.organisation.pk
    assert event.target_id == str(audio_key.pk)
    assert event.detail == {"kind": "day", "day": f"{audio_key.day.isoformat()}T00:00:00+00:00"}

    # Run again: nothing more happens.
    assert destroy_key(audio_key) is True
    assert AuditEvent.objects.filter(action="recordings.audio_key.destroyed").count() == 1


def test_a_destruction_killed_after_the_file_went_is_finished_by_a_rerun(cast):
    recording = sealed_recording_create(organisation=cast.organisation)
    audio_key = recording.audio_key
    _purge(recording)
    key_store().destroy(key_name(audio_key))  # killed here: file gone, row not marked
    assert AudioKey.objects.get(pk=audio_key.pk).destroyed_at is None

    assert destroy_key(audio_key) is True
    assert AudioKey.objects.get(pk=audio_key.pk).destroyed_at is not None
    assert AuditEvent.objects.filter(action="recordings.audio_key.destroyed").count() == 1


def test_a_recording_under_a_destroyed_key_says_when_the_key_was_destroyed(cast):
    recording = sealed_recording_create(organisation=cast.organisation)
    copy = Recording.objects.get(pk=recording.pk)  # e.g. a row in last week's backup
    _purge(recording)
    destroy_key(recording.audio_key)

    copy.audio_key.refresh_from_db()
    with pytest.raises(AudioUnreadable) as caught:
        read_range(copy, 0, 4)
    assert caught.value.reason == "key_destroyed"
    with override("en"):
        assert "its key was destroyed on" in caught.value.message
    assert readable(copy) == "key_destroyed"
    # Even with the row still thinking the key is live, the file is gone.
    copy.audio_key.destroyed_at = None
    assert readable(copy) == "key_missing"


def test_a_new_key_is_made_for_a_day_whose_key_was_destroyed(cast):
    old = day_key(cast.organisation, DEADLINE)
    assert destroy_key(old) is True
    new = day_key(cast.organisation, DEADLINE)
    assert new.pk != old.pk
    assert key_material(new)
    with pytest.raises(KeyUnavailable) as caught:
        key_material(AudioKey.objects.get(pk=old.pk))
    assert caught.value.reason == "destroyed"


def test_rewrap_moves_recordings_between_day_keys_and_they_still_read(cast):
    audios = [wav_bytes(seconds=6, seed=seed) for seed in (1, 2)]  # about 96 KB: two segments
    recordings = [
        sealed_recording_create(organisation=cast.organisation, audio=audio) for audio in audios
    ]
    plain = recording_create(organisation=cast.organisation)  # not sealed yet: skipped
    old_key = recordings[0].audio_key
    later = day_key(cast.organisation, recordings[0].purge_deadline + timedelta(days=30))

    moved = rewrap([*recordings, plain], lambda recording: later)
    assert moved == 2
    for recording, audio in zip(recordings, audios, strict=True):
        stored = Recording.objects.get(pk=recording.pk)
        assert stored.audio_key_id == later.pk
        assert read_range(stored, 65_000, 1000) == audio[65_000:66_000]
    assert Recording.objects.get(pk=plain.pk).audio_key_id is None
    assert key_is_unused(old_key)
    assert destroy_key(old_key) is True
    assert read_range(Recording.objects.get(pk=recordings[1].pk), 0, 4) == b"RIFF"

    # Onto a hold's key and back.
    held = hold_key(cast.organisation, "42")
    assert rewrap(Recording.objects.filter(pk__in=[r.pk for r in recordings]), lambda r: held) == 2
    assert rewrap(Recording.objects.filter(audio_key=held), lambda r: later) == 2
    assert rewrap(Recording.objects.filter(audio_key=later), lambda r: later) == 0
    for recording in recordings:
        assert read_range(Recording.objects.get(pk=recording.pk), 0, 4) == b"RIFF"


def test_rewrap_leaves_a_recording_its_key_cannot_open_where_it_is(cast):
    good = sealed_recording_create(organisation=cast.organisation)
    broken = sealed_recording_create(organisation=cast.organisation)
    broken.wrapped_key = bytes(60)
    Recording.objects.filter(pk=broken.pk).update(wrapped_key=bytes(60))
    target = hold_key(cast.organisation, "7")

    assert rewrap([good, broken], lambda r: target) == 1
    assert Recording.objects.get(pk=broken.pk).audio_key_id == broken.audio_key_id
    assert not key_is_unused(broken.audio_key)


def test_wrapped_keys_use_a_fresh_nonce_each_time(cast):
    recording = recording_create(organisation=cast.organisation)
    audio_key = day_key(cast.organisation, recording.purge_deadline)
    new_data_key(recording, audio_key)
    key_bytes = key_material(audio_key)
    data_key = data_key_of(recording)
    context = audio_keys.recording_context(recording)
    first = audio_keys._wrap(key_bytes, data_key, context)
    second = audio_keys._wrap(key_bytes, data_key, context)
    assert first[:12] != second[:12]
    assert audio_keys._unwrap(key_bytes, second, context) == data_key


def _sweep_command(*args):
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    try:
        call_command("sweep_keys", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _age_file(path, hours):
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def test_the_sweep_reports_only_and_destroys_with_destroy(cast):
    from recordings.key_sweep import key_store_sweep

    store = key_store()
    erased = day_key(cast.organisation, DEADLINE)
    copy = store.path(key_name(erased)).read_bytes()  # last night's copy of the key store
    destroy_key(erased)
    live = day_key(cast.organisation, DEADLINE + timedelta(days=1))
    lost = day_key(cast.organisation, DEADLINE + timedelta(days=2))
    os.unlink(store.path(key_name(lost)))
    # The restore: the destroyed key's file is back; and files no row stands for.
    store.path(key_name(erased)).write_bytes(copy)
    orphan = f"{cast.organisation.pk}/{'ab' * 16}"
    store.create(orphan)
    _age_file(store.path(orphan), 25)
    young = f"{cast.organisation.pk}/{'cd' * 16}"
    store.create(young)
    _age_file(store.path(young), 2)  # an hour past the old grace: still left alone
    everything = sorted([key_name(erased), key_name(live), orphan, young])

    # By default it reports and changes nothing; the exit status says both problems (1 | 2).
    result = key_store_sweep()
    assert result.resurrected == [key_name(erased)]
    assert result.stray == [orphan] and result.young_strays == [young]
    assert result.missing == [key_name(lost)] and result.destroyed == []
    assert store.names() == everything
    code, text = _sweep_command()
    assert code == 3 and "--destroy" in text
    assert store.names() == everything

    # --destroy: the brought-back key and the day-old stray go; the young one stays.
    code, text = _sweep_command("--destroy")
    assert code == 1  # the missing key remains
    assert store.names() == sorted([key_name(live), young])
    assert key_store_sweep().resurrected == []
    # With the lost file back (restored), all is well: exit 0.
    store.create(key_name(lost))
    code, text = _sweep_command()
    assert code == 0 and "Every live key is in the key store" in text


@pytest.mark.django_db(transaction=True)
def test_the_sweep_keeps_the_key_of_a_transaction_still_running(cast):
    """A hold approval or retention change over many calls creates its keys inside its
    transaction: a file without a committed row, for as long as the transaction runs. The
    sweep leaves such a file for a day, and touches nothing without --destroy."""
    import threading as _threading

    from django.db import transaction

    from recordings.key_sweep import key_store_sweep

    created, go, errors, holder = _threading.Event(), _threading.Event(), [], {}

    def long_transaction():
        try:
            with transaction.atomic():
                holder["key"] = day_key(cast.organisation, timezone.now() + timedelta(days=20))
                created.set()
                assert go.wait(20)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    thread = _threading.Thread(target=long_transaction)
    thread.start()
    assert created.wait(20)
    try:
        _age_file(key_store().path(key_name(holder["key"])), 3)  # running for three hours
        reported = key_store_sweep()
        destroyed = key_store_sweep(destroy=True)
    finally:
        go.set()
        thread.join(30)
    assert not errors, errors
    name = key_name(holder["key"])
    assert reported.young_strays == [name] and destroyed.destroyed == []
    assert key_store().exists(name)
    assert AudioKey.objects.get(pk=holder["key"].pk).destroyed_at is None


def test_the_sweep_refuses_to_destroy_strays_against_an_older_database(cast):
    """A database restored from an older backup (or the wrong one) lacks the rows of keys
    made since: their files look like strays, but live calls may need them. When the newest
    key row is more than a day older than the newest key file, --destroy leaves strays and
    says why; --force overrides. Keys whose row says destroyed still go."""
    store = key_store()
    erased = day_key(cast.organisation, DEADLINE)
    copy = store.path(key_name(erased)).read_bytes()
    destroy_key(erased)
    store.path(key_name(erased)).write_bytes(copy)
    AudioKey.objects.update(created_at=timezone.now() - timedelta(days=5))
    newer = f"{cast.organisation.pk}/{'ef' * 16}"  # a key made after the database's backup
    store.create(newer)
    _age_file(store.path(newer), 48)  # two days old, the database five

    code, text = _sweep_command("--destroy")
    assert code == 2 and "looks older than the key store" in text and "--force" in text
    assert store.exists(newer)
    assert not store.exists(key_name(erased))  # destroyed again regardless
    code, text = _sweep_command("--destroy", "--force")
    assert code == 0 and not store.exists(newer)
    # It says what it did, not the opposite (it used to print "they are not destroyed").
    assert f"without a key row, destroyed: {newer}" in text
    assert "not destroyed" not in text and "destroyed anyway" in text


def test_the_sweep_reports_a_damaged_live_key_like_a_missing_one(cast):
    from recordings.key_sweep import key_store_sweep

    store = key_store()
    good = day_key(cast.organisation, DEADLINE)
    damaged = day_key(cast.organisation, DEADLINE + timedelta(days=1))
    path = store.path(key_name(damaged))
    data = bytearray(path.read_bytes())
    data[3] ^= 0x01  # the checksum no longer matches
    path.write_bytes(bytes(data))

    result = key_store_sweep()
    assert result.damaged == [key_name(damaged)] and result.missing == []
    code, text = _sweep_command("--destroy")
    assert code == 1
    assert f"key damaged: {key_name(damaged)}" in text and "1 damaged." in text
    assert store.exists(key_name(damaged)) and store.exists(key_name(good))  # never destroyed
