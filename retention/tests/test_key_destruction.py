"""The purge destroys a day's key once the day has ended and all its calls are gone, and not
before; a hold's key once the hold no longer suspends; never another organisation's; a kill
in the middle is finished by the next run; a key store that fails does not fail the purge."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from audit.models import AuditEvent
from organisations.constants import Role
from organisations.tests.factories import UserFactory, membership
from recordings import audio_keys
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.keystore import DirectoryKeyStore, key_store
from recordings.models import AudioKey, Recording
from recordings.tests.factories import recording_create
from retention.constants import HoldStatus, RunStatus
from retention.evidence import key_evidence, retention_evidence
from retention.key_destruction import destroy_spent_keys, spent_keys
from retention.models import LegalHold
from retention.purge import purge_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Labels and pages in English, whatever the catalogue holds."""
    settings.LANGUAGE_CODE = "en"
    translation.activate("en")


def utc_day(days_from_today: int):
    return timezone.now().astimezone(UTC).date() + timedelta(days=days_from_today)


def at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def sealed_call(organisation, deadline: datetime, **fields) -> Recording:
    """A call (its object is the factory's) wrapped under the key of its deadline's day."""
    recording = recording_create(organisation=organisation, **fields)
    recording.purge_deadline = deadline
    audio_keys.new_data_key(recording, audio_keys.day_key(organisation, deadline))
    recording.save(update_fields=["purge_deadline", "audio_key", "wrapped_key", "sealing"])
    return recording


def present(audio_key: AudioKey) -> bool:
    return key_store().exists(audio_keys.key_name(audio_key))


def fresh(audio_key: AudioKey) -> AudioKey:
    return AudioKey.objects.get(pk=audio_key.pk)


def test_a_days_key_goes_once_all_its_calls_are_gone_and_a_held_call_keeps_nothing_of_it(cast):
    org = cast.organisation
    day = utc_day(-2)
    gone = sealed_call(org, at(day, 9))
    held = sealed_call(org, at(day, 11), status=RecordingStatus.HELD)
    key = gone.audio_key
    assert held.audio_key_id == key.pk

    # The held call still uses the day's key: erasing the other call leaves it.
    run = purge_organisation(org)
    assert (run.purged, run.held, run.keys_destroyed) == (1, 1, 0)
    assert present(key) and fresh(key).destroyed_at is None

    # A hold re-wraps its calls under a key of the hold: the day keeps nothing of them.
    hold = LegalHold.objects.create(
        organisation=org,
        motivation="dispute",
        review_on=utc_day(30),
        placed_by=cast["privacy_officer"],
        status=HoldStatus.ACTIVE,
    )
    hold.recordings.add(held)
    moved = audio_keys.rewrap(
        Recording.objects.filter(pk=held.pk), lambda r: audio_keys.hold_key(org, str(hold.pk))
    )
    assert moved == 1
    hold_key = AudioKey.objects.get(kind=AudioKeyKind.HOLD, hold_ref=str(hold.pk))

    run = purge_organisation(org)
    assert run.keys_destroyed == 1 and run.status == RunStatus.FINISHED
    assert not present(key) and fresh(key).destroyed_at is not None
    # The hold suspends: its key stays while its call lives, and the call stays readable.
    assert present(hold_key) and fresh(hold_key).destroyed_at is None
    held.refresh_from_db()
    assert audio_keys.data_key_of(held)
    # The finished event of the run says how many keys went; the key's own event says which.
    finished = AuditEvent.objects.filter(action="retention.purge.finished").last()
    assert finished.detail["keys_destroyed"] == 1
    assert (
        AuditEvent.objects.filter(
            action="recordings.audio_key.destroyed", target_id=str(key.pk)
        ).count()
        == 1
    )

    # Released past its deadline: the call is erased, and the hold's key goes with it.
    LegalHold.objects.filter(pk=hold.pk).update(status=HoldStatus.RELEASED)
    Recording.objects.filter(pk=held.pk).update(status=RecordingStatus.ACTIVE)
    run = purge_organisation(org)
    assert (run.purged, run.keys_destroyed) == (1, 1)
    assert not present(hold_key) and fresh(hold_key).destroyed_at is not None
    # The tombstone keeps naming its key, so it can say when the key was destroyed.
    tombstone = Recording.objects.get(pk=gone.pk)
    assert tombstone.status == RecordingStatus.PURGED
    assert tombstone.wrapped_key is None and tombstone.audio_key_id == key.pk


def test_a_day_that_has_not_ended_keeps_its_key_until_its_midnight(cast):
    org = cast.organisation
    today = utc_day(0)
    call = sealed_call(org, at(today, 0))  # due at today's midnight: erased by the next run
    key = call.audio_key
    run = purge_organisation(org)
    assert (run.purged, run.keys_destroyed) == (1, 0)
    assert present(key)
    # Not even a moment before the day's end.
    end = at(today + timedelta(days=1), 0)
    assert destroy_spent_keys(org, now=end - timedelta(microseconds=1)) == []
    assert present(key)
    assert [k.pk for k in destroy_spent_keys(org, now=end)] == [key.pk]
    assert not present(key)


def test_a_live_call_keeps_its_key_even_past_its_day(cast):
    """A call the purge could not erase (its object would not go) keeps its key: destroying
    it would lose audio the purge still has to account for."""
    org = cast.organisation
    call = sealed_call(org, at(utc_day(-3)))
    assert destroy_spent_keys(org, now=timezone.now()) == []
    assert present(call.audio_key)
    assert not audio_keys.key_is_unused(call.audio_key)


def test_never_another_organisations_key(cast):
    org, other = cast.organisation, cast.other_organisation
    day = utc_day(-2)
    ours = sealed_call(org, at(day))
    theirs = sealed_call(other, at(day))
    Recording.objects.filter(pk=theirs.pk).update(status=RecordingStatus.PURGED)
    assert ours.audio_key_id != theirs.audio_key_id

    run = purge_organisation(org)
    assert run.keys_destroyed == 1
    assert not present(ours.audio_key)
    assert present(theirs.audio_key) and fresh(theirs.audio_key).destroyed_at is None
    assert [k.pk for k in destroy_spent_keys(other, now=timezone.now())] == [theirs.audio_key_id]


def test_a_kill_after_the_file_went_but_before_the_row_said_so_is_finished_once(cast):
    org = cast.organisation
    call = sealed_call(org, at(utc_day(-2)))
    Recording.objects.filter(pk=call.pk).update(status=RecordingStatus.PURGED, wrapped_key=None)
    key = call.audio_key
    key_store().destroy(audio_keys.key_name(key))  # killed here: file gone, destroyed_at null
    assert fresh(key).destroyed_at is None

    assert [k.pk for k in destroy_spent_keys(org, now=timezone.now())] == [key.pk]
    assert fresh(key).destroyed_at is not None
    assert destroy_spent_keys(org, now=timezone.now()) == []
    events = AuditEvent.objects.filter(action="recordings.audio_key.destroyed")
    assert events.filter(target_id=str(key.pk)).count() == 1


def test_a_kill_after_the_overwrite_but_before_the_unlink_is_finished(cast):
    org = cast.organisation
    call = sealed_call(org, at(utc_day(-2)))
    Recording.objects.filter(pk=call.pk).update(status=RecordingStatus.PURGED, wrapped_key=None)
    key = call.audio_key
    store = key_store()
    path = store.path(audio_keys.key_name(key))
    path.write_bytes(b"\x00" * path.stat().st_size)  # overwritten, still there
    assert present(key)

    run = purge_organisation(org)
    assert run.keys_destroyed == 1
    assert not present(key) and fresh(key).destroyed_at is not None


def test_a_key_store_that_fails_does_not_fail_the_purge_and_the_next_run_retries(
    cast, monkeypatch, client_for
):
    org = cast.organisation
    call = sealed_call(org, at(utc_day(-3)))
    key = call.audio_key

    def broken(self, name):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(DirectoryKeyStore, "destroy", broken)
    run = purge_organisation(org)
    assert run.status == RunStatus.FINISHED and run.purged == 1
    assert (run.keys_destroyed, run.keys_failed) == (0, 1)
    assert "not destroyed" in run.error and run.needs_attention
    assert present(key) and fresh(key).destroyed_at is None
    # The register shows the key still there past its day, and the last purge as failing it.
    assert not _line(org, "Oldest day key still present").ok
    last = next(e for e in retention_evidence(org) if e.label == "Last purge")
    assert not last.ok and "1 audio key(s) not destroyed" in last.value
    page = client_for(cast["privacy_officer"]).get(
        reverse("retention:overview", kwargs={"org_slug": org.slug})
    )
    assert b"data-keys-failed" in page.content

    monkeypatch.undo()
    run = purge_organisation(org)
    assert (run.keys_destroyed, run.keys_failed) == (1, 0)
    assert not present(key)
    assert _line(org, "Oldest day key still present").ok
    last = next(e for e in retention_evidence(org) if e.label == "Last purge")
    assert "audio key" not in last.value
    # The retention page lists the key with the day of its calls.
    page = client_for(cast["privacy_officer"]).get(
        reverse("retention:overview", kwargs={"org_slug": org.slug})
    )
    html = page.content.decode()
    assert "Calls due on " + date_format(utc_day(-3), "DATE_FORMAT") + ": key destroyed on" in html


def _spent_key_with_tombstones(org, n: int) -> AudioKey:
    deadline = at(utc_day(-2))
    key = audio_keys.day_key(org, deadline)
    calls = [recording_create(organisation=org) for _ in range(n)]
    Recording.objects.filter(pk__in=[c.pk for c in calls]).update(
        status=RecordingStatus.PURGED, audio_key=key, purge_deadline=deadline
    )
    return key


def test_destroying_a_days_key_costs_the_same_for_one_call_as_for_many(cast):
    one = _spent_key_with_tombstones(cast.organisation, 1)
    with CaptureQueriesContext(connection) as few:
        assert [k.pk for k in destroy_spent_keys(cast.organisation, now=timezone.now())] == [one.pk]
    many = _spent_key_with_tombstones(cast.other_organisation, 60)
    with CaptureQueriesContext(connection) as lots:
        assert [k.pk for k in destroy_spent_keys(cast.other_organisation, now=timezone.now())] == [
            many.pk
        ]
    assert len(lots.captured_queries) == len(few.captured_queries) <= 15


def test_the_unused_check_can_use_the_live_index_of_audio_key(cast):
    """The candidates' NOT EXISTS matches the partial index's predicate (LIVE), so at a day
    of 100,000 tombstones it probes the index instead of reading them."""
    _spent_key_with_tombstones(cast.organisation, 3)
    sql, params = spent_keys(cast.organisation, now=timezone.now()).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "rec_audio_key_live" in plan, plan


def _line(org, label):
    return next(e for e in key_evidence(org) if e.label == label)


def test_register_evidence_shows_the_oldest_key_and_each_mismatch(cast, client_for):
    from access.tests.conftest import register_for

    org = cast.organisation
    register_for(org, retention_days=28)
    fine = sealed_call(org, at(utc_day(20)))
    line = _line(org, "Oldest day key still present")
    assert line.ok and str(utc_day(20).year) in line.value
    store_line = _line(org, "Audio key store")
    assert store_line.ok and store_line.value.startswith("1 key(s) present")
    assert _line(org, "Calls stored without encryption").value == "0"

    # A key older than the retention plus one day: a mismatch.
    AudioKey.objects.filter(pk=fine.audio_key_id).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    line = _line(org, "Oldest day key still present")
    assert not line.ok and "kept longer" in line.value
    # ... unless it wraps calls under legal hold.
    Recording.objects.filter(pk=fine.pk).update(status=RecordingStatus.HELD)
    line = _line(org, "Oldest day key still present")
    assert line.ok and "legal hold" in line.value
    Recording.objects.filter(pk=fine.pk).update(status=RecordingStatus.ACTIVE)

    # A day that ended two days ago whose key is still there: a mismatch.
    late = sealed_call(org, at(utc_day(-3)))
    line = _line(org, "Oldest day key still present")
    assert not line.ok

    # A live key whose file is gone: its calls are unreadable before their deadline.
    key_store().destroy(audio_keys.key_name(fine.audio_key))
    line = _line(org, "Audio key store")
    assert not line.ok and "key missing: 1" in line.value

    # A destroyed key whose file is still there: its backups are readable after their deadline.
    AudioKey.objects.filter(pk=late.audio_key_id).update(destroyed_at=timezone.now())
    line = _line(org, "Audio key store")
    assert "destroyed but still present: 1" in line.value and not line.ok

    # Plaintext calls (before the migration) are counted.
    recording_create(organisation=org)
    line = _line(org, "Calls stored without encryption")
    assert line.value == "1" and not line.ok

    # The privacy officer sees them on the register page, in red.
    page = client_for(cast["privacy_officer"]).get(
        reverse("register:overview", kwargs={"org_slug": org.slug})
    )
    html = page.content.decode()
    assert "Oldest day key still present" in html and "key missing: 1" in html


def test_the_register_evidence_counts_a_damaged_live_key_file(cast):
    org = cast.organisation
    call = sealed_call(org, at(utc_day(5)))
    other = sealed_call(org, at(utc_day(6)))
    assert _line(org, "Audio key store").ok
    path = key_store().path(audio_keys.key_name(call.audio_key))
    data = bytearray(path.read_bytes())
    data[3] ^= 0x01  # the checksum no longer matches
    path.write_bytes(bytes(data))

    line = _line(org, "Audio key store")
    assert not line.ok and "key damaged: 1" in line.value and "key missing" not in line.value
    assert other.audio_key_id != call.audio_key_id


def test_another_organisations_privacy_officer_sees_none_of_these_keys(cast, client_for):
    from access.tests.conftest import register_for

    org, other = cast.organisation, cast.other_organisation
    register_for(org)
    register_for(other)
    for days in (-3, 5, 9):
        sealed_call(org, at(utc_day(days)))
    recording_create(organisation=org)  # a plaintext call of ours
    done = _spent_key_with_tombstones(org, 2)
    assert done.pk in {k.pk for k in destroy_spent_keys(org, now=timezone.now())}

    officer = UserFactory(username="other-privacy")
    membership(officer, other, Role.PRIVACY_OFFICER)
    assert _line(other, "Oldest day key still present").value == "none"
    assert _line(other, "Audio key store").value == "0 key(s) present"
    assert _line(other, "Calls stored without encryption").value == "0"
    assert _line(other, "Audio keys destroyed in the last 30 days").value == "0"
    html = (
        client_for(officer)
        .get(reverse("register:overview", kwargs={"org_slug": other.slug}))
        .content.decode()
    )
    assert "Oldest day key still present" in html
    assert date_format(utc_day(-3), "DATE_FORMAT") not in html
    assert "key(s) present" in html and "1 key(s) present" not in html
    # And ours cannot be opened from there at all.
    ours = client_for(officer).get(reverse("register:overview", kwargs={"org_slug": org.slug}))
    assert ours.status_code in (403, 404)


def test_the_evaluation_of_a_purged_call_says_when_its_key_was_destroyed(
    world, published_form, client_for
):
    """The tombstone keeps naming its key: beside "purged on" stands "key destroyed on"."""
    from coaching.evaluations import evaluation_start
    from organisations.models import Membership

    cast = world.cast
    coach = Membership.objects.get(user=cast["coach"], organisation=cast.organisation)
    call = world.team_a_call
    evaluation = evaluation_start(
        membership=coach, recording=call, version=published_form, purpose_code="coaching"
    )
    deadline = at(utc_day(-2))
    call.purge_deadline = deadline
    audio_keys.new_data_key(call, audio_keys.day_key(cast.organisation, deadline))
    call.save(update_fields=["purge_deadline", "audio_key", "wrapped_key", "sealing"])
    url = reverse(
        "coaching:evaluation",
        kwargs={"org_slug": cast.organisation.slug, "evaluation_id": evaluation.pk},
    )

    run = purge_organisation(cast.organisation)
    assert run.keys_destroyed >= 1
    html = client_for(cast["coach"]).get(url).content.decode()
    assert "data-purged" in html and "data-key-destroyed" in html
    destroyed = timezone.localtime(fresh(call.audio_key).destroyed_at)
    assert "Its key destroyed on " + date_format(destroyed, "DATE_FORMAT") in html


def test_the_key_evidence_costs_the_same_however_many_keys_and_counts_through_indexes(cast):
    from retention.evidence import plaintext_calls

    org = cast.organisation
    sealed_call(org, at(utc_day(3)))
    with CaptureQueriesContext(connection) as few:
        key_evidence(org)
    for days in range(4, 24):
        sealed_call(org, at(utc_day(days)))
    with CaptureQueriesContext(connection) as lots:
        key_evidence(org)
    assert len(lots.captured_queries) == len(few.captured_queries) <= 8

    sql, params = plaintext_calls(org).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "rec_org_plaintext" in plan, plan


def test_a_shortened_retention_destroys_the_old_deadlines_keys_with_the_purge_it_triggers(cast):
    """90 -> 10 days: a backup taken before the change holds the calls' data keys wrapped under
    the day keys of their old deadlines (70 and 85 days ahead). No call can be wrapped under a
    day later than today + the longest retention + 1 any more, so the purge the change queues
    destroys those keys at once, and the backup no longer opens, with everything Earshot has.
    An unused key within reach of the new retention is kept (ingest may still need it)."""
    import io

    from django.test import TestCase

    from access.tests.conftest import register_for
    from recordings import sealed
    from recordings.sealed_storage import AudioUnreadable, read_range, recording_context
    from recordings.storage import audio_storage
    from retention.changes import change_decide, change_propose
    from retention.key_destruction import last_usable_day
    from retention.tasks import purge_organisation_task
    from retention.tests.test_rewrap import _member, _sealed_call, _set_declared

    org = cast.organisation
    register_for(org, retention_days=90)
    erased, erased_plain = _sealed_call(org, age_days=20, retention_days=90, seed=7)
    kept, kept_plain = _sealed_call(org, age_days=5, retention_days=90, seed=8)
    near = audio_keys.day_key(org, timezone.now() + timedelta(days=8))  # unused, within reach
    backup = {}  # "the backup": each row's wrapped key and sealed object, before the change
    for call in (erased, kept):
        row = Recording.objects.select_related("audio_key").get(pk=call.pk)
        with audio_storage().open(row.storage_key, "rb") as handle:
            backup[call.pk] = (row, handle.read())
    old_keys = {pk: row.audio_key for pk, (row, _object) in backup.items()}

    _set_declared(cast, 10)
    change = change_propose(membership=_member(cast, "privacy_officer"))
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        change_decide(membership=_member(cast, "administrator"), change_id=change.pk, approve=True)
    assert queued, "the change queues a purge"
    assert last_usable_day(org, now=timezone.now()) == utc_day(11)
    purge_organisation_task(org.slug)  # what the queued callback runs

    assert Recording.objects.get(pk=erased.pk).status == RecordingStatus.PURGED
    live = Recording.objects.get(pk=kept.pk)
    assert read_range(live, 0, len(kept_plain)) == kept_plain  # under its new day's key
    for pk, old_key in old_keys.items():
        assert fresh(old_key).destroyed_at is not None and not present(old_key)
        row, stored = backup[pk]
        with pytest.raises(AudioUnreadable) as caught:
            audio_keys.data_key_of(row)  # the backup's row (its key row not yet destroyed)
        assert caught.value.reason == "key_missing"
        # Not even around Earshot: no key in the store opens the backup's wrapped key.
        for name in key_store().names():
            material = key_store().read(name)
            with pytest.raises(AudioUnreadable):
                audio_keys._unwrap(material, row.wrapped_key, recording_context(row))
        with pytest.raises(sealed.SealedAudioError):
            b"".join(sealed.iter_plain(io.BytesIO(stored), b"\0" * 32, recording_context(row)))
    assert fresh(near).destroyed_at is None and present(near)
    del erased_plain


def test_the_longest_retention_is_one_statement_on_the_status_retention_index(cast):
    from retention.key_destruction import longest_retention_days

    org = cast.organisation
    recording_create(organisation=org, retention_days=40)
    recording_create(organisation=org, retention_days=12, status=RecordingStatus.HELD)
    with CaptureQueriesContext(connection) as queries:
        assert longest_retention_days(org) == 40
    assert len(queries.captured_queries) == 2  # the register's period, then the calls
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan" in plan and "Seq Scan on recordings_recording" not in plan, plan


def test_purge_command_with_nothing_due_and_a_key_not_destroyed_says_so_not_calls(
    cast, monkeypatch
):
    from io import StringIO

    from django.core.management import CommandError, call_command

    org = cast.organisation
    call = sealed_call(org, at(utc_day(-3)))
    Recording.objects.filter(pk=call.pk).update(status=RecordingStatus.PURGED, wrapped_key=None)

    def broken(self, name):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(DirectoryKeyStore, "destroy", broken)
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("purge", "--org", org.slug, stdout=out)
    message = str(caught.value)
    assert message == "1 audio key(s) could not be destroyed; the next run tries again."
    assert "erased" not in message
    assert "NOT destroyed 1 (retried)" in out.getvalue()

    monkeypatch.undo()
    call_command("purge", "--org", org.slug, stdout=StringIO())  # exit 0: nothing left
    assert not present(call.audio_key)
