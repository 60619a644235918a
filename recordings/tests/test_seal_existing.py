"""Sealing the audio stored before issue 19 (recordings/seal_existing.py, manage.py seal_audio):
every plaintext call becomes sealed, no plaintext is left in the storage, a call is readable
throughout (also by a reader during the run), and a run killed at any point is finished by the
next one."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from audit.models import AuditEvent
from recordings import audio_keys, seal_existing, sealed_storage
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.models import AudioKey, PlaintextLeftover, Recording
from recordings.seal_lock import seal_lock
from recordings.sealing_models import LeftoverKind
from recordings.storage import audio_storage, new_storage_key
from recordings.tests.factories import recording_create
from tests.worker import kill_when, manage_py, manage_py_env

ROOT = Path(__file__).resolve().parents[2]
WINDOW = 64


@pytest.fixture
def org(cast):
    return cast.organisation


@pytest.fixture(autouse=True)
def no_grace(settings):
    settings.AUDIO_SEAL_GRACE_SECONDS = 0


def plaintext_call(organisation, *, size: int = 150_000, seed: int = 0, **fields) -> Recording:
    """A call as stored before issue 19: a plaintext object and a row with sealing ""."""
    audio = random.Random(seed).randbytes(size)
    recording = recording_create(organisation=organisation, audio=audio, **fields)
    if recording.sealing != "":  # the factory seals: store it the old way instead
        audio_storage().delete(recording.storage_key)
        key = new_storage_key(organisation_id=organisation.pk, container="wav")
        key = audio_storage().save(key, ContentFile(audio))
        Recording.objects.filter(pk=recording.pk).update(
            storage_key=key, sealing="", audio_key=None, wrapped_key=None
        )
        recording.refresh_from_db()
    assert recording.sealing == "" and recording.sha256 == hashlib.sha256(audio).hexdigest()
    recording.plain = audio
    return recording


def stored_objects() -> dict[str, bytes]:
    location = Path(settings.STORAGES["audio"]["OPTIONS"]["location"])
    files = [p for p in location.rglob("*") if p.is_file()]
    return {str(p.relative_to(location)): p.read_bytes() for p in files}


def assert_no_plaintext_stored(plains: list[bytes]) -> None:
    """No stored object holds a 64-byte window of any call's audio (aligned windows of the
    plaintext, sought at every offset of every object: a leak of 127 bytes or more shows)."""
    windows = {p[i : i + WINDOW] for p in plains for i in range(0, len(p) - WINDOW + 1, WINDOW)}
    for name, data in stored_objects().items():
        for i in range(len(data) - WINDOW + 1):
            assert data[i : i + WINDOW] not in windows, f"plaintext in {name} at {i}"


def assert_readable(recording: Recording) -> None:
    row = Recording.objects.select_related("audio_key").get(pk=recording.pk)
    plain = recording.plain
    assert b"".join(sealed_storage.iter_plain(row)) == plain
    rng = random.Random(str(recording.pk))
    for _ in range(5):
        start = rng.randrange(len(plain))
        length = rng.randrange(len(plain) - start + 1)
        assert sealed_storage.read_range(row, start, length) == plain[start : start + length]


def run(**kwargs) -> seal_existing.SealingOutcome:
    return seal_existing.seal_existing(**kwargs)


def command(*args: str) -> tuple[str, int]:
    out, err = StringIO(), StringIO()
    try:
        with translation.override("en"):
            call_command("seal_audio", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue() + str(exc), exc.returncode
    return out.getvalue(), 0


# Sealing -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_plaintext_call_is_sealed_under_its_day_key_and_no_plaintext_is_left(org):
    calls = [
        plaintext_call(org, size=size, seed=n, started_at=timezone.now() - timedelta(days=n))
        for n, size in enumerate([1, 64 * 1024, 64 * 1024 + 1, 150_000, 300_000])
    ]

    outcome = run()

    assert (outcome.sealed, outcome.failed, outcome.changed, outcome.remaining) == (5, 0, 0, 0)
    assert outcome.bytes_sealed == sum(len(c.plain) for c in calls)
    assert len(stored_objects()) == 5
    assert_no_plaintext_stored([c.plain for c in calls])
    for call in calls:
        row = Recording.objects.select_related("audio_key").get(pk=call.pk)
        assert row.sealing == "v1" and row.storage_key != call.storage_key
        assert row.audio_key.kind == AudioKeyKind.DAY
        assert row.audio_key == audio_keys.day_key(org, row.purge_deadline)
        assert row.sha256 == call.sha256 and row.size_bytes == call.size_bytes
        assert not audio_storage().exists(call.storage_key)
        assert_readable(call)
    assert not PlaintextLeftover.objects.exists()
    assert seal_existing.plaintext_remaining(org) == 0
    events = AuditEvent.objects.filter(organisation=org, action__startswith="recordings.sealing")
    assert list(events.order_by("sequence").values_list("action", flat=True)) == [
        "recordings.sealing.started",
        "recordings.sealing.finished",
    ]
    finished = events.get(action="recordings.sealing.finished").detail
    assert (finished["sealed"], finished["failed"], finished["remaining"]) == (5, 0, 0)


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_records_nothing(org):
    plaintext_call(org)
    run()
    before = stored_objects()
    events = AuditEvent.objects.count()

    outcome = run()

    assert (outcome.to_seal, outcome.sealed, outcome.failed, outcome.remaining) == (0, 0, 0, 0)
    assert stored_objects() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_only_live_calls_before_their_deadline_are_sealed_and_one_organisation_at_a_time(org, cast):
    active = plaintext_call(org, seed=1)
    past = plaintext_call(org, seed=2, started_at=timezone.now() - timedelta(days=30))
    incoming = plaintext_call(org, seed=3, status=RecordingStatus.INCOMING)
    other = plaintext_call(cast.other_organisation, seed=4)

    outcome = run(organisation=org)

    assert (outcome.sealed, outcome.due) == (1, 1)
    states = dict(Recording.objects.values_list("pk", "sealing"))
    assert states == {active.pk: "v1", past.pk: "", incoming.pk: "", other.pk: ""}
    # What is past its deadline is the purge's to erase; the register counts it meanwhile.
    assert seal_existing.plaintext_remaining(org) == 1
    assert seal_existing.plaintext_remaining(cast.other_organisation) == 1


@pytest.mark.django_db
def test_a_held_call_is_sealed_under_its_hold_key_and_left_in_plaintext_without_one(
    org, cast, monkeypatch
):
    from retention.constants import HoldStatus
    from retention.models import LegalHold

    held = plaintext_call(org, status=RecordingStatus.HELD)
    manager = cast.users["manager"]
    first, second = (
        LegalHold.objects.create(
            organisation=org,
            motivation="threat",
            review_on=timezone.localdate() + timedelta(days=30),
            placed_by=manager,
            status=HoldStatus.ACTIVE,
            approved_at=timezone.now() - timedelta(days=days),
        )
        for days in (5, 2)
    )
    first.recordings.add(held)
    second.recordings.add(held)

    monkeypatch.setattr(seal_existing, "_hold_refs", [])  # retention not asked
    outcome = run()
    assert (outcome.sealed, outcome.held_waiting, outcome.remaining) == (0, 1, 1)
    assert Recording.objects.get(pk=held.pk).sealing == ""

    monkeypatch.undo()
    outcome = run()
    assert (outcome.sealed, outcome.held_waiting) == (1, 0)
    row = Recording.objects.select_related("audio_key").get(pk=held.pk)
    # The hold approved first, as retention/rewrap.py chooses; never a day key.
    assert (row.audio_key.kind, row.audio_key.hold_ref) == (AudioKeyKind.HOLD, str(first.pk))
    assert not AudioKey.objects.filter(kind=AudioKeyKind.DAY).exists()
    assert_readable(held)


@pytest.mark.django_db
def test_a_plaintext_object_that_is_not_the_recorded_audio_is_not_sealed(org):
    good = plaintext_call(org, seed=1)
    altered = plaintext_call(org, seed=2)
    missing = plaintext_call(org, seed=3)
    path = Path(audio_storage().path(altered.storage_key))
    path.write_bytes(b"x" + path.read_bytes()[1:])
    audio_storage().delete(missing.storage_key)

    outcome = run()

    assert (outcome.sealed, outcome.failed) == (1, 2)
    assert outcome.failures == {"sha256_differs": 1, "missing_object": 1}
    assert Recording.objects.get(pk=altered.pk).sealing == ""
    assert Recording.objects.get(pk=good.pk).sealing == "v1"
    # Nothing half made is left: the good call's sealed copy and the altered plaintext.
    assert len(stored_objects()) == 2
    assert not PlaintextLeftover.objects.exists()


# Interrupted runs -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_run_stopped_between_switch_and_delete_is_finished_by_the_next(org, settings):
    calls = [plaintext_call(org, seed=n) for n in range(3)]
    settings.AUDIO_SEAL_GRACE_SECONDS = 3600  # the old objects are not deleted yet

    outcome = run(wait_for_leftovers=False)

    assert outcome.sealed == 3
    assert PlaintextLeftover.objects.filter(kind=LeftoverKind.PLAINTEXT).count() == 3
    assert all(audio_storage().exists(c.storage_key) for c in calls)  # plays in progress
    assert seal_existing.plaintext_remaining(org) == 3
    for call in calls:
        assert_readable(call)

    settings.AUDIO_SEAL_GRACE_SECONDS = 0
    outcome = run()

    assert outcome.leftovers_deleted == 3 and outcome.sealed == 0
    assert len(stored_objects()) == 3
    assert_no_plaintext_stored([c.plain for c in calls])
    assert not PlaintextLeftover.objects.exists()
    assert seal_existing.plaintext_remaining(org) == 0


@pytest.mark.django_db
def test_a_sealed_copy_left_by_a_run_killed_before_its_switch_is_deleted(org):
    call = plaintext_call(org)
    orphan = new_storage_key(organisation_id=org.pk, container="wav")
    PlaintextLeftover.objects.create(organisation=org, storage_key=orphan, kind="sealed")
    audio_storage().save(orphan, ContentFile(b"half a sealed copy"))

    outcome = run()

    assert outcome.sealed == 1
    assert not audio_storage().exists(orphan)
    assert list(stored_objects()) == [Recording.objects.get(pk=call.pk).storage_key]
    assert not PlaintextLeftover.objects.exists()


@pytest.mark.django_db
def test_a_leftover_never_deletes_an_object_a_live_call_names(org):
    call = plaintext_call(org)
    PlaintextLeftover.objects.create(organisation=org, storage_key=call.storage_key, kind="sealed")

    seal_existing.finish_leftovers(org)

    assert audio_storage().exists(call.storage_key)
    assert not PlaintextLeftover.objects.exists()


def _storage_env() -> dict[str, str]:
    return {
        "EARSHOT_STORAGE": "local",
        "EARSHOT_AUDIO_DIR": settings.STORAGES["audio"]["OPTIONS"]["location"],
        "EARSHOT_KEY_DIR": str(settings.AUDIO_KEY_DIR),
    }


def _seal_audio(**extra: str) -> subprocess.Popen:
    return manage_py("seal_audio", **{**_storage_env(), **extra})


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_twice_is_finished_by_the_next_and_every_call_stays_readable(org):
    calls = [plaintext_call(org, size=100_000 + n, seed=n) for n in range(150)]
    sealed = Recording.objects.filter(sealing="v1")

    # Killed with old objects still waiting for their grace, then with none waiting.
    kill_when(_seal_audio(EARSHOT_SEAL_GRACE_SECONDS="3600"), lambda: sealed.count() >= 20)
    assert PlaintextLeftover.objects.filter(kind=LeftoverKind.PLAINTEXT).exists()
    kill_when(_seal_audio(EARSHOT_SEAL_GRACE_SECONDS="0"), lambda: sealed.count() >= 70)
    assert sealed.count() < len(calls)
    for call in calls[::10]:  # between the runs too
        assert_readable(call)

    rerun = _seal_audio(EARSHOT_SEAL_GRACE_SECONDS="0")
    output, errors = rerun.communicate(timeout=600)

    assert rerun.returncode == 0, output + errors
    assert "Traceback" not in errors
    assert sealed.count() == len(calls)
    assert not PlaintextLeftover.objects.exists()
    assert len(stored_objects()) == len(calls)  # no plaintext, no orphan
    assert_no_plaintext_stored([c.plain for c in calls[::5]])
    for call in calls:
        assert_readable(call)


# Calls that change while they are sealed ------------------------------------------------------


def _during_verify(monkeypatch, action) -> None:
    """Run `action(recording_id)` after a call's sealed copy is written, before its switch."""
    verify = seal_existing._verify

    def verify_then_act(copy, *args):
        verify(copy, *args)
        action(copy.pk)

    monkeypatch.setattr(seal_existing, "_verify", verify_then_act)


def _purge(organisation, pk) -> None:
    from retention.purge import erase_all

    due = Recording.objects.filter(pk=pk, status=RecordingStatus.ACTIVE)
    erase_all(organisation, due, run=None, reason="retention")


@pytest.mark.django_db
def test_a_call_purged_while_being_sealed_leaves_no_object_behind(org, monkeypatch):
    kept = plaintext_call(org, seed=1)
    purged = plaintext_call(org, seed=2)
    _during_verify(monkeypatch, lambda pk: _purge(org, pk) if pk == purged.pk else None)

    outcome = run()

    assert (outcome.sealed, outcome.changed, outcome.failed) == (1, 1, 0)
    assert Recording.objects.get(pk=purged.pk).status == RecordingStatus.PURGED
    assert list(stored_objects()) == [Recording.objects.get(pk=kept.pk).storage_key]
    assert not PlaintextLeftover.objects.exists()


@pytest.mark.django_db
def test_a_call_purged_after_its_switch_leaves_no_plaintext_behind(org, settings):
    call = plaintext_call(org)
    settings.AUDIO_SEAL_GRACE_SECONDS = 3600
    run(wait_for_leftovers=False)

    _purge(org, call.pk)  # erases the sealed copy; the old object waits for its grace
    settings.AUDIO_SEAL_GRACE_SECONDS = 0
    run()

    assert stored_objects() == {}
    assert not PlaintextLeftover.objects.exists()


@pytest.mark.django_db
def test_a_call_held_or_given_another_deadline_while_being_sealed_waits_for_the_next_run(
    org, monkeypatch
):
    held = plaintext_call(org, seed=1)
    moved = plaintext_call(org, seed=2)

    def change(pk):
        if pk == held.pk:
            Recording.objects.filter(pk=pk).update(status=RecordingStatus.HELD)
        else:
            Recording.objects.filter(pk=pk).update(
                purge_deadline=timezone.now() + timedelta(days=90)
            )

    _during_verify(monkeypatch, change)
    outcome = run()

    assert (outcome.sealed, outcome.changed) == (0, 2)
    assert set(Recording.objects.values_list("sealing", flat=True)) == {""}
    assert sorted(stored_objects()) == sorted([held.storage_key, moved.storage_key])

    monkeypatch.undo()
    monkeypatch.setattr(seal_existing, "_hold_refs", [lambda organisation, ids: {}])
    outcome = run()
    # The moved call under the day key of its new deadline; the held one waits for its hold.
    row = Recording.objects.select_related("audio_key").get(pk=moved.pk)
    assert row.audio_key.day == audio_keys.deadline_day(row.purge_deadline)
    assert (outcome.sealed, outcome.held_waiting) == (1, 1)


@pytest.mark.django_db
def test_a_day_key_destroyed_while_a_call_is_sealed_is_never_used(org, monkeypatch):
    call = plaintext_call(org)

    def destroy(pk):
        key = audio_keys.day_key(org, Recording.objects.get(pk=pk).purge_deadline)
        assert audio_keys.destroy_key(key)  # nothing uses it yet

    _during_verify(monkeypatch, destroy)
    outcome = run()
    assert (outcome.sealed, outcome.changed) == (0, 1)
    assert Recording.objects.get(pk=call.pk).sealing == ""

    monkeypatch.undo()
    assert run().sealed == 1
    row = Recording.objects.select_related("audio_key").get(pk=call.pk)
    assert row.audio_key.destroyed_at is None
    assert_readable(call)


@pytest.mark.django_db(transaction=True)
def test_a_reader_during_the_run_always_gets_the_right_bytes(org, settings, monkeypatch):
    settings.AUDIO_SEAL_GRACE_SECONDS = 1
    monkeypatch.setattr(seal_existing, "BATCH", 1)  # old objects deleted soon after a switch
    calls = {c.pk: c for c in (plaintext_call(org, size=1_000_000, seed=n) for n in range(8))}
    ids = list(calls)
    stop, reads, errors = threading.Event(), [0], []

    def reader():
        rng = random.Random(1)
        try:
            while not stop.is_set():
                call = calls[rng.choice(ids)]
                row = Recording.objects.select_related("audio_key").get(pk=call.pk)
                # As the gate does: its decision and audit event between reading the row and
                # opening the object (a switch can commit meanwhile).
                time.sleep(0.02)
                start = rng.randrange(len(call.plain))
                length = min(len(call.plain) - start, 70_000)
                try:
                    data = sealed_storage.read_range(row, start, length)
                except Exception as error:  # noqa: BLE001 - any failure is the finding
                    errors.append(f"{row.sealing or 'plain'} {row.storage_key}: {error!r}")
                    continue
                if data != call.plain[start : start + length]:
                    errors.append(f"wrong bytes from {row.storage_key}")
                reads[0] += 1
        finally:
            connection.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        outcome = run()
    finally:
        stop.set()
        thread.join()

    assert outcome.sealed == 8
    assert errors == []
    assert reads[0] > 20
    assert len(stored_objects()) == 8


# The command and the task ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_says_what_it_did_and_exits_0(org):
    plaintext_call(org, seed=1)
    plaintext_call(org, seed=2)

    output, code = command("--dry-run")
    assert code == 0, output
    assert "Would seal: 2" in output and "Still in plaintext: 2" in output
    assert set(Recording.objects.values_list("sealing", flat=True)) == {""}

    output, code = command("--organisation", "acme", "--limit", "1")
    assert code == 0, output
    assert "Sealed: 1" in output and "Still in plaintext: 1" in output

    output, code = command()
    assert code == 0, output
    assert "Sealed: 1" in output and "Still in plaintext: 0" in output


@pytest.mark.django_db
def test_the_command_exits_1_when_a_call_could_not_be_sealed(org):
    call = plaintext_call(org)
    audio_storage().delete(call.storage_key)

    output, code = command()

    assert code == 1
    assert "missing_object: 1" in output and str(call.pk) in output
    assert "could not be sealed" in output


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_organisation_and_a_concurrent_run(org):
    output, code = command("--organisation", "nope")
    assert code == 2 and "'nope'" in output and "acme" in output

    plaintext_call(org)
    with seal_lock() as held:
        assert held
        output, code = command()
    assert code == 3 and "Another run" in output
    assert Recording.objects.get().sealing == ""


def test_the_command_exits_2_on_a_bad_limit_without_a_traceback():
    done = subprocess.run(
        [sys.executable, "manage.py", "seal_audio", "--limit", "0"],
        cwd=ROOT,
        env=manage_py_env(**_storage_env()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--limit" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.django_db
def test_the_beat_task_seals_a_bounded_batch(org, monkeypatch):
    from recordings import tasks

    for n in range(3):
        plaintext_call(org, seed=n)
    monkeypatch.setattr(tasks, "SEAL_TASK_LIMIT", 2)

    assert tasks.seal_existing_audio() == {"sealed": 2, "failed": 0, "changed": 0, "remaining": 1}
    assert tasks.seal_existing_audio()["remaining"] == 0
    with seal_lock():
        assert "skipped" in tasks.seal_existing_audio()


def test_beat_runs_the_sealing_every_ten_minutes():
    from earshot.beat import beat_schedule

    entry = beat_schedule()["seal-existing-audio"]
    assert entry["task"] == "recordings.tasks.seal_existing_audio"
    assert entry["options"]["expires"] < 600
