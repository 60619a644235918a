"""Holds and retention changes re-wrap sealed calls across keys (issue 19): a held call lives
under its hold's key and outlives the day key of its deadline; a release puts it back under the
day key of its deadline or erases it at once when that has passed; a changed retention moves
each call to the day key of its new deadline. Real sealed objects, read back through
sealed_storage."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import pytest
from django.test import TestCase
from django.utils import timezone, translation

from audit.models import AuditEvent
from organisations.models import Membership
from recordings import audio_keys, sealed_storage
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.models import AudioKey, Recording
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create, wav_bytes
from register.models import DataSubjectEntry
from retention.changes import change_decide, change_propose
from retention.holds import hold_decide, hold_release_decide, hold_release_request, hold_request
from retention.rewrap import live_hold_key

pytestmark = pytest.mark.django_db

MOTIVATION = "Politie vraagt de opname te bewaren voor het onderzoek naar de bedreiging."


def _member(cast, role, organisation=None):
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=organisation or cast.organisation
    )


def _sealed_call(organisation, *, age_days: float, retention_days: int = 28, seed: int = 0):
    """A call sealed under the day key of its deadline, as ingest stores it; returns it with
    its plaintext."""
    plain = wav_bytes(seconds=0.5, seed=seed)
    recording = recording_create(
        organisation=organisation,
        started_at=timezone.now() - timedelta(days=age_days),
        retention_days=retention_days,
        audio=plain,
    )
    audio_storage().delete(recording.storage_key)
    data_key = audio_keys.new_data_key(
        recording, audio_keys.day_key(organisation, recording.purge_deadline)
    )
    recording.storage_key = sealed_storage.store_sealed(
        recording, io.BytesIO(plain), data_key=data_key, expected_sha256=recording.sha256
    )
    recording.save(update_fields=["storage_key", "audio_key", "wrapped_key", "sealing"])
    return Recording.objects.get(pk=recording.pk), plain


def _readable(recording, plain) -> bool:
    recording = Recording.objects.get(pk=recording.pk)
    return sealed_storage.read_range(recording, 0, len(plain)) == plain


def _key(recording) -> AudioKey:
    return Recording.objects.select_related("audio_key").get(pk=recording.pk).audio_key


def _place(cast, recordings):
    hold = hold_request(
        membership=_member(cast, "manager"),
        recordings=list(recordings),
        motivation=MOTIVATION,
        review_on=timezone.localdate() + timedelta(days=30),
    )
    hold_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    return hold


def _release(cast, hold):
    hold_release_request(membership=_member(cast, "manager"), hold_id=hold.pk, reason="Zaak af")
    with TestCase.captureOnCommitCallbacks(execute=True):
        hold_release_decide(
            membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True
        )


@pytest.fixture
def spread(cast):
    """Three sealed calls whose deadlines fall on three different days (1, 8 and 18 days
    ahead), each under its own day key."""
    calls = [_sealed_call(cast.organisation, age_days=age, seed=age) for age in (27, 20, 10)]
    assert len({_key(call).pk for call, _ in calls}) == 3
    return calls


def test_a_hold_puts_its_calls_under_its_key_and_they_outlive_their_day_keys(cast, spread):
    day_keys = [_key(call) for call, _ in spread]
    hold = _place(cast, [call for call, _ in spread])
    hold_key = live_hold_key(cast.organisation, hold.pk)
    assert hold_key is not None and hold_key.kind == AudioKeyKind.HOLD
    for call, plain in spread:
        assert _key(call) == hold_key
        assert _readable(call, plain)
    event = AuditEvent.objects.get(action="retention.hold.approved")
    assert event.detail["rewrapped"] == 3
    # The day keys of their deadlines may now die (their day passes): the calls stay readable.
    for key in day_keys:
        assert audio_keys.destroy_key(key)
    for call, plain in spread:
        assert _readable(call, plain)


def test_a_release_before_the_deadline_puts_calls_back_under_their_day_keys(cast, spread):
    hold = _place(cast, [call for call, _ in spread])
    hold_key = live_hold_key(cast.organisation, hold.pk)
    _release(cast, hold)
    for call, plain in spread:
        key = _key(call)
        assert key.kind == AudioKeyKind.DAY
        assert key.day == call.purge_deadline.astimezone(UTC).date()
        assert Recording.objects.get(pk=call.pk).status == RecordingStatus.ACTIVE
        assert _readable(call, plain)
    hold_key.refresh_from_db()
    assert hold_key.destroyed_at is not None
    assert not audio_keys.key_store().exists(audio_keys.key_name(hold_key))
    event = AuditEvent.objects.get(action="retention.hold.released")
    assert (event.detail["rewrapped"], event.detail["due"]) == (3, 0)


def test_a_release_after_the_deadline_erases_at_once(cast, spread):
    late, plain = _sealed_call(cast.organisation, age_days=29, seed=99)  # a day past its deadline
    its_day_key = _key(late)
    hold = _place(cast, [late, spread[0][0]])
    hold_key = live_hold_key(cast.organisation, hold.pk)
    assert _readable(late, plain)
    # Its day has passed: the purge ran and its day key died; the hold kept it readable.
    assert audio_keys.destroy_key(its_day_key)
    assert _readable(late, plain)
    storage_key = late.storage_key
    _release(cast, hold)
    erased = Recording.objects.get(pk=late.pk)
    assert erased.status == RecordingStatus.PURGED
    assert erased.wrapped_key is None
    assert not audio_storage().exists(storage_key)
    purged = AuditEvent.objects.get(action="retention.recording.purged")
    assert purged.target_id == str(late.pk)
    assert purged.detail["reason"] == "retention"
    # The other call went back under its day key; the hold's key is gone.
    assert _key(spread[0][0]).kind == AudioKeyKind.DAY
    assert _readable(*spread[0])
    hold_key.refresh_from_db()
    assert hold_key.destroyed_at is not None
    assert AuditEvent.objects.get(action="retention.hold.released").detail["due"] == 1


def test_a_call_under_two_holds_moves_to_the_other_hold_key_on_the_first_release(cast, spread):
    call, plain = spread[0]
    first = _place(cast, [call])
    second = _place(cast, [call, spread[1][0]])
    first_key = live_hold_key(cast.organisation, first.pk)
    second_key = live_hold_key(cast.organisation, second.pk)
    # Already under the first hold's key: the second hold leaves it there.
    assert _key(call) == first_key
    assert _key(spread[1][0]) == second_key
    assert (
        AuditEvent.objects.filter(action="retention.hold.approved")
        .latest("created_at")
        .detail["rewrapped"]
        == 1
    )
    _release(cast, first)
    assert Recording.objects.get(pk=call.pk).status == RecordingStatus.HELD
    assert _key(call) == second_key
    assert _readable(call, plain)
    first_key.refresh_from_db()
    assert first_key.destroyed_at is not None
    _release(cast, second)
    assert _key(call).kind == AudioKeyKind.DAY
    assert _readable(call, plain)
    second_key.refresh_from_db()
    assert second_key.destroyed_at is not None


def test_a_hold_of_one_organisation_never_touches_another_organisations_keys(cast, spread):
    theirs, plain = _sealed_call(cast.other_organisation, age_days=27, seed=7)
    before = Recording.objects.values_list("audio_key", "wrapped_key").get(pk=theirs.pk)
    hold = _place(cast, [call for call, _ in spread])
    _release(cast, hold)
    assert Recording.objects.values_list("audio_key", "wrapped_key").get(pk=theirs.pk) == before
    assert _readable(theirs, plain)
    assert not AudioKey.objects.filter(
        organisation=cast.other_organisation, kind=AudioKeyKind.HOLD
    ).exists()
    assert set(
        AudioKey.objects.filter(kind=AudioKeyKind.HOLD).values_list("organisation", flat=True)
    ) == {cast.organisation.pk}


def test_plaintext_calls_are_held_without_a_key(cast, spread):
    plain_call = recording_create(organisation=cast.organisation)
    hold = _place(cast, [plain_call, spread[0][0]])
    plain_call.refresh_from_db()
    assert (plain_call.sealing, plain_call.audio_key) == ("", None)
    assert AuditEvent.objects.get(action="retention.hold.approved").detail["rewrapped"] == 1
    _release(cast, hold)
    assert Recording.objects.get(pk=plain_call.pk).status == RecordingStatus.ACTIVE


def _set_declared(cast, days):
    DataSubjectEntry.objects.filter(activity__organisation=cast.organisation).update(
        retention_value=days
    )


def _apply(cast):
    change = change_propose(membership=_member(cast, "privacy_officer"))
    with TestCase.captureOnCommitCallbacks(execute=False):  # the purge it queues is not run
        return change_decide(
            membership=_member(cast, "administrator"), change_id=change.pk, approve=True
        )


@pytest.mark.parametrize("new_days", [10, 40])
def test_a_retention_change_moves_each_call_to_the_day_key_of_its_new_deadline(cast, new_days):
    from access.tests.conftest import register_for

    register_for(cast.organisation, retention_days=28)
    calls = [_sealed_call(cast.organisation, age_days=age, seed=age) for age in (1, 5, 9, 20)]
    held, held_plain = _sealed_call(cast.organisation, age_days=3, seed=3)
    hold = _place(cast, [held])
    old_keys = {_key(call) for call, _ in calls}
    _set_declared(cast, new_days)
    change = _apply(cast)
    assert change.affected == 5
    for call, plain in calls:
        call.refresh_from_db()
        assert call.purge_deadline == call.started_at + timedelta(days=new_days)
        key = _key(call)
        assert key.kind == AudioKeyKind.DAY
        assert key.day == call.purge_deadline.astimezone(UTC).date()
        assert _readable(call, plain)
    for key in old_keys:
        assert audio_keys.key_is_unused(key)
    # The held call keeps its hold's key; its new deadline counts when the hold ends.
    assert _key(held) == live_hold_key(cast.organisation, hold.pk)
    assert _readable(held, held_plain)
    event = AuditEvent.objects.get(action="retention.change.applied")
    assert (event.detail["affected"], event.detail["rewrapped"]) == (5, 4)


def test_a_call_left_under_a_released_hold_key_moves_to_the_next_hold(cast):
    """The erasure after a release did not happen (the store was down): the call is ACTIVE
    under the released hold's key; a new hold takes it under its own key."""
    late, plain = _sealed_call(cast.organisation, age_days=29, seed=5)
    first = _place(cast, [late])
    first_key = live_hold_key(cast.organisation, first.pk)
    hold_release_request(membership=_member(cast, "manager"), hold_id=first.pk, reason="Zaak af")
    with TestCase.captureOnCommitCallbacks(execute=False):  # the erasure never ran
        hold_release_decide(
            membership=_member(cast, "privacy_officer"), hold_id=first.pk, approve=True
        )
    assert Recording.objects.get(pk=late.pk).status == RecordingStatus.ACTIVE
    assert _key(late) == first_key
    second = _place(cast, [late])
    assert _key(late) == live_hold_key(cast.organisation, second.pk)
    assert _readable(late, plain)
    assert audio_keys.destroy_key(first_key)
    assert _readable(late, plain)


def test_a_release_of_more_than_a_batch_past_the_deadline_leaves_them_to_a_purge(
    cast, settings, monkeypatch
):
    from retention.purge import purge_organisation
    from retention.tasks import purge_organisation_task

    settings.PURGE_BATCH_SIZE = 1
    queued = []
    monkeypatch.setattr(purge_organisation_task, "delay", lambda *args: queued.append(args))
    calls = [_sealed_call(cast.organisation, age_days=29, seed=seed) for seed in (1, 2)]
    hold = _place(cast, [call for call, _ in calls])
    hold_key = live_hold_key(cast.organisation, hold.pk)
    _release(cast, hold)
    assert queued == [("acme", "requested")]
    assert Recording.objects.filter(status=RecordingStatus.ACTIVE).count() == 2
    run = purge_organisation(cast.organisation)
    assert run.purged == 2
    hold_key.refresh_from_db()
    assert hold_key.destroyed_at is not None  # by the purge's key sweep


def test_calls_sealed_by_ingest_outlive_their_day_keys_under_a_hold(cast, tmp_path):
    """Through the real ingest: sealed under the day key of their deadline, held, the day
    keys destroyed, released: back under new keys of those days, every byte as ingested."""
    from access.tests.conftest import register_for
    from recordings.constants import IngestChannel
    from recordings.services import recording_ingest
    from recordings.tests.audio import make_wav

    register_for(cast.organisation, retention_days=28)
    calls = []
    for n, age in enumerate((20, 10)):
        source = make_wav(tmp_path / f"call{n}.wav", seconds=5.0 + n)  # two 64 KiB segments
        started = timezone.now() - timedelta(days=age)
        recording = recording_ingest(
            organisation=cast.organisation,
            source=source,
            metadata={"call_id": f"c{n}", "started_at": started.isoformat(), "direction": "in"},
            channel=IngestChannel.UPLOAD,
        )
        assert recording.sealing == "v1"
        calls.append((recording, source.read_bytes()))
    day_keys = [_key(call) for call, _ in calls]
    hold = _place(cast, [call for call, _ in calls])
    for key in day_keys:
        assert audio_keys.destroy_key(key)
    for call, plain in calls:
        assert b"".join(sealed_storage.iter_plain(Recording.objects.get(pk=call.pk))) == plain
    _release(cast, hold)
    for (call, plain), old in zip(calls, day_keys, strict=True):
        key = _key(call)
        assert key.kind == AudioKeyKind.DAY and key.day == old.day and key != old
        assert _readable(call, plain)


def _key_store_down(*args, **kwargs):
    raise OSError(28, "No space left on device")


def day_keys_down(patch) -> None:
    """Every way to a day key fails as a full key store would: day_key() and the DayKeys memo
    (which reads the key with its row), while hold keys still work."""
    real = audio_keys._get_or_create_with_bytes

    def failing(organisation, kind, **fields):
        if kind == AudioKeyKind.DAY:
            _key_store_down()
        return real(organisation, kind, **fields)

    patch.setattr(audio_keys, "day_key", _key_store_down)
    patch.setattr(audio_keys, "_get_or_create_with_bytes", failing)


def test_a_hold_takes_effect_when_the_key_store_fails_and_its_calls_keep_their_day_keys(
    cast, spread, monkeypatch
):
    monkeypatch.setattr(audio_keys, "hold_key", _key_store_down)
    day_keys = [_key(call) for call, _ in spread]
    hold = _place(cast, [call for call, _ in spread])
    hold.refresh_from_db()
    assert hold.status == "active"
    assert AuditEvent.objects.get(action="retention.hold.approved").detail["rewrapped"] is None
    for (call, plain), key in zip(spread, day_keys, strict=True):
        assert Recording.objects.get(pk=call.pk).status == RecordingStatus.HELD
        assert _key(call) == key
        # A held call keeps its day key alive: it is not destroyed under it.
        assert not audio_keys.destroy_key(key)
        assert _readable(call, plain)


def test_a_release_goes_through_when_the_key_store_fails_and_calls_keep_the_hold_key(
    cast, spread, monkeypatch
):
    hold = _place(cast, [call for call, _ in spread])
    hold_key = live_hold_key(cast.organisation, hold.pk)
    day_keys_down(monkeypatch)
    _release(cast, hold)
    hold.refresh_from_db()
    assert hold.status == "released"
    assert AuditEvent.objects.get(action="retention.hold.released").detail["rewrapped"] is None
    hold_key.refresh_from_db()
    assert hold_key.destroyed_at is None  # still used
    for call, plain in spread:
        assert Recording.objects.get(pk=call.pk).status == RecordingStatus.ACTIVE
        assert _key(call) == hold_key
        assert _readable(call, plain)


def test_a_retention_change_is_refused_whole_when_the_key_store_fails(cast, monkeypatch):
    from access.four_eyes import RequestError
    from access.tests.conftest import register_for
    from retention.constants import ChangeStatus
    from retention.models import RetentionChange

    register_for(cast.organisation, retention_days=28)
    calls = [_sealed_call(cast.organisation, age_days=age, seed=age) for age in (1, 9)]
    before = {call.pk: (call.purge_deadline, _key(call)) for call, _ in calls}
    _set_declared(cast, 10)
    change = change_propose(membership=_member(cast, "privacy_officer"))
    day_keys_down(monkeypatch)
    with translation.override("en"), pytest.raises(RequestError, match="key store"):
        change_decide(membership=_member(cast, "administrator"), change_id=change.pk, approve=True)
    assert RetentionChange.objects.get(pk=change.pk).status == ChangeStatus.PENDING
    for call, plain in calls:
        assert (Recording.objects.get(pk=call.pk).purge_deadline, _key(call)) == before[call.pk]
        assert _readable(call, plain)
