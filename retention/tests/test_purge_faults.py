"""Fault tests of the purge: what is left when things go wrong must be finishable, provably.

- a real Celery worker killed with SIGKILL in the middle of a purge, then a rerun;
- an object store that refuses (or silently ignores) some deletes;
- two purges of one organisation at the same moment on PostgreSQL;
- a real worker with beat, whose schedule fires the purge.

The worker tests run `celery -A earshot worker` in a subprocess (tests/worker.py) against the
test database; the data must be committed for it to see, hence transactional tests. The worker
is pointed at this test's own audio folder (EARSHOT_AUDIO_DIR) and at this process's broker, so
it erases the files this test created and takes no task of another run.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import chain_key_for
from audit.verification import chains_verify
from earshot.celery import app
from recordings.constants import Direction, IngestChannel, RecordingStatus
from recordings.models import Recording
from recordings.storage import audio_storage, new_storage_key
from recordings.tests.factories import recording_create
from retention.constants import RunStatus, RunTrigger
from retention.models import PurgeRun
from retention.purge import erase_batch, overdue_recordings, purge_organisation
from retention.tasks import purge_organisation_task
from tests.worker import celery_worker, wait_for

PURGED_EVENT = "retention.recording.purged"


# --- helpers -------------------------------------------------------------------------------


def _bulk_due(organisation, count: int, location: Path, *, deadline=None) -> list[Recording]:
    """`count` ACTIVE recordings past their deadline, each with a small object of its own in
    the audio folder: rows in bulk and files written directly (recording_create is too slow
    for thousands). The purge only deletes, confirms and tombstones, so the bytes need not be
    a real WAV; they differ per row because (organisation, sha256) is unique."""
    deadline = deadline or timezone.now() - timedelta(days=1)
    rows = []
    for i in range(count):
        key = new_storage_key(organisation_id=organisation.pk, container="wav")
        audio = b"RIFF fault-test audio %d %s" % (i, key.encode())
        path = location / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(audio)
        rows.append(
            Recording(
                organisation=organisation,
                call_id=f"fault-{i}",
                started_at=deadline - timedelta(days=28, seconds=i),
                duration_seconds=1.0,
                direction=Direction.INBOUND,
                queue="algemeen",
                customer_phone="+31612345678",
                customer_name="Jan Jansen",
                storage_key=key,
                size_bytes=len(audio),
                sha256=hashlib.sha256(audio).hexdigest(),
                container="wav",
                codec="pcm_s16le",
                channels=1,
                sample_rate=8000,
                audio_duration_seconds=1.0,
                purge_deadline=deadline - timedelta(seconds=i),
                retention_days=28,
                status=RecordingStatus.ACTIVE,
                ingested_via=IngestChannel.UPLOAD,
            )
        )
    return Recording.objects.bulk_create(rows, batch_size=1000)


def _files_in(location: Path) -> set[str]:
    return {str(p.relative_to(location)) for p in location.rglob("*") if p.is_file()}


def _purged_events(organisation) -> Counter:
    return Counter(
        AuditEvent.objects.filter(action=PURGED_EVENT, organisation=organisation).values_list(
            "target_id", flat=True
        )
    )


def _assert_chain_intact(organisation) -> None:
    reports = chains_verify(keys=[chain_key_for(organisation)])
    assert all(report.ok for report in reports), [r.describe() for r in reports]


def _assert_all_erased_provably(organisation, recordings: list[Recording], location: Path):
    """Every recording a tombstone, no object left (no orphan), no ACTIVE row without its
    object (no dangling row), exactly one erasure event per recording, the chain intact."""
    ids = {r.pk for r in recordings}
    rows = Recording.objects.filter(pk__in=ids)
    assert Counter(rows.values_list("status", flat=True)) == {RecordingStatus.PURGED: len(ids)}
    assert not rows.exclude(customer_phone="", customer_name="", employee=None).exists()
    left = _files_in(location) & {r.storage_key for r in recordings}
    assert not left, f"{len(left)} orphan object(s) left, e.g. {sorted(left)[:3]}"
    dangling = [
        r.storage_key
        for r in Recording.objects.filter(organisation=organisation, status="active")
        if not (location / r.storage_key).exists()
    ]
    assert not dangling, f"{len(dangling)} ACTIVE row(s) whose object is gone"
    events = _purged_events(organisation)
    assert events == Counter({str(pk): 1 for pk in ids}), (
        f"{sum(events.values())} erasure events for {len(ids)} recordings; "
        f"duplicates: {[k for k, n in events.items() if n > 1][:3]}"
    )
    _assert_chain_intact(organisation)


def _worker_env(location: Path, **extra: str) -> dict[str, str]:
    """The worker sees this test's audio folder and this process's broker."""
    return {
        "EARSHOT_STORAGE": "local",
        "EARSHOT_AUDIO_DIR": str(location),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **extra,
    }


def _worker_pid() -> int:
    """The pid of the worker that tests/worker.py started: our own child running celery.
    (celery_worker does not expose its Popen; /proc finds exactly our child, unlike
    `pgrep -f`, which could find another run's worker on the same machine.)"""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, parent = fields[0], int(fields[1])
        if parent == os.getpid() and state != "Z" and b"celery" in cmdline and b"worker" in cmdline:
            found.append(int(entry))
    assert len(found) == 1, f"expected one celery worker child, found {found}"
    return found[0]


def _other_backends() -> set[int]:
    """Sessions on the test database other than ours. Earlier tests in the same run may have
    left some open, so callers compare with the set taken before the worker started."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def _forget_unacked(task_id: str) -> int:
    """purge_organisation_task is acks_late: the killed worker's message waits in Redis for
    redelivery after the visibility timeout (an hour). Remove just that one, so no worker of a
    later run picks it up against other data."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        client = channel.client
        found = 0
        for tag, payload in client.hgetall(channel.unacked_key).items():
            if task_id.encode() in payload:
                client.zrem(channel.unacked_index_key, tag)
                found += client.hdel(channel.unacked_key, tag)
        return found


# --- 1. kill -9 of a real worker mid-purge, then a rerun ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_purge_leaves_nothing_a_rerun_cannot_finish(
    cast, isolated_audio_storage
):
    org, location = cast.organisation, isolated_audio_storage
    total = 3000
    recordings = _bulk_due(org, total, location)
    ids = {r.pk for r in recordings}
    assert len(_files_in(location)) == total

    env = _worker_env(location, EARSHOT_PURGE_BATCH_SIZE="50")
    keys = [r.storage_key for r in recordings]
    purged = Recording.objects.filter(pk__in=ids, status=RecordingStatus.PURGED)
    result, unacked = None, 0
    before = _other_backends()
    try:
        with celery_worker(env=env):
            pid = _worker_pid()
            result = purge_organisation_task.delay("acme")
            # Kill mid-run, a few batches committed, at the worst moment: inside a batch that
            # has deleted objects but not yet committed its tombstones. Freeze the worker to
            # look; kill it if it is there, else let it go on and look again.
            deadline = time.monotonic() + 120
            while True:
                assert time.monotonic() < deadline, "never caught the worker inside a batch"
                if purged.count() >= 200:
                    os.kill(pid, signal.SIGSTOP)
                    committed = purged.count()
                    gone = sum(not (location / key).exists() for key in keys)
                    if gone > committed:
                        os.kill(pid, signal.SIGKILL)
                        break
                    os.kill(pid, signal.SIGCONT)
                time.sleep(0.005)
            # A dead client's transaction is rolled back and its row locks released once
            # PostgreSQL notices the closed socket; the rerun must not race that.
            wait_for(
                lambda: not (_other_backends() - before), timeout=30, what="the worker's session"
            )
    finally:
        if result is not None:
            unacked = _forget_unacked(result.id)
    # acks_late: the killed worker's message was kept for redelivery (production's own rerun,
    # after the broker's visibility timeout); this test reruns in-process instead.
    assert unacked == 1

    # The state the crash left behind.
    after_kill = Counter(Recording.objects.filter(pk__in=ids).values_list("status", flat=True))
    done = after_kill[RecordingStatus.PURGED]
    assert done == committed and 0 < done < total, f"not mid-purge: {after_kill}"
    killed_run = PurgeRun.objects.get(organisation=org)
    assert killed_run.status == RunStatus.RUNNING and killed_run.finished_at is None
    # Every committed tombstone has its object gone and exactly one event: the batch and its
    # audit events commit together or not at all.
    key_of = {r.pk: r.storage_key for r in recordings}
    tombstones = set(purged.values_list("pk", flat=True))
    files = _files_in(location)
    assert not {key_of[pk] for pk in tombstones} & files, "a tombstone whose object is left"
    events = _purged_events(org)
    assert set(events) == {str(pk) for pk in tombstones}
    assert set(events.values()) == {1}
    active_keys = set(
        Recording.objects.filter(pk__in=ids, status=RecordingStatus.ACTIVE).values_list(
            "storage_key", flat=True
        )
    )
    assert files <= active_keys, "an object outlived its committed tombstone"
    # The batch the kill cut short: its objects are gone, its rows rolled back to ACTIVE.
    dangling = active_keys - files
    assert len(dangling) == gone - done > 0
    print(f"after kill -9: {done} purged, {len(dangling)} ACTIVE rows whose object is gone")

    rerun = purge_organisation(org, trigger=RunTrigger.COMMAND)

    assert rerun.status == RunStatus.FINISHED
    assert (rerun.purged, rerun.failed, rerun.overdue) == (total - done, 0, 0)
    _assert_all_erased_provably(org, recordings, location)
    assert _files_in(location) == set()


# --- 2. the object store raising errors --------------------------------------------------


@pytest.mark.django_db
def test_an_object_store_failing_on_some_keys_fails_only_those_and_a_healthy_rerun_finishes(
    cast, settings, monkeypatch
):
    settings.PURGE_BATCH_SIZE = 7  # several batches, so failures cross batch boundaries
    org = cast.organisation
    recordings = [
        recording_create(organisation=org, customer_phone="+31612345678") for _ in range(30)
    ]
    Recording.objects.filter(organisation=org).update(
        purge_deadline=timezone.now() - timedelta(hours=1)
    )
    failing = {r.storage_key for r in recordings[::3]}  # every third key
    storage_class = type(audio_storage())
    real_delete = storage_class.delete
    attempts: Counter = Counter()

    def flaky_delete(self, name):
        attempts[name] += 1
        if name in failing:
            raise OSError(f"503 Slow Down: {name}")
        return real_delete(self, name)

    monkeypatch.setattr(storage_class, "delete", flaky_delete)
    run = purge_organisation(org)

    assert run.status == RunStatus.FINISHED
    assert (run.purged, run.failed, run.overdue) == (20, 10, 10)
    assert run.bytes_freed == sum(r.size_bytes for r in recordings if r.storage_key not in failing)
    assert all(attempts[key] == 1 for key in failing), "a failing key was retried in the run"
    for recording in recordings:
        row = Recording.objects.get(pk=recording.pk)
        if recording.storage_key in failing:
            assert row.status == RecordingStatus.ACTIVE
            assert row.purge_error.startswith("OSError: 503 Slow Down")
            assert row.purge_failed_at is not None
            assert row.customer_phone == "+31612345678"  # untouched until it is erased
            assert audio_storage().exists(row.storage_key)
        else:
            assert row.status == RecordingStatus.PURGED and row.purge_error == ""
            assert not audio_storage().exists(recording.storage_key)
    assert set(overdue_recordings(org).values_list("storage_key", flat=True)) == failing
    assert set(_purged_events(org)) == {
        str(r.pk) for r in recordings if r.storage_key not in failing
    }
    assert [m.to for m in mail.outbox] == [[cast["privacy_officer"].email]]
    # erased 20, then failed 10 and overdue 10 (the wording is translated; the numbers not)
    assert mail.outbox[0].body.count(": 10\n") == 2

    monkeypatch.setattr(storage_class, "delete", real_delete)
    again = purge_organisation(org)

    assert again.status == RunStatus.FINISHED
    assert (again.purged, again.failed, again.overdue) == (10, 0, 0)
    assert len(mail.outbox) == 1  # a clean run needs nobody's attention
    assert not Recording.objects.exclude(purge_error="").exists()
    assert not Recording.objects.filter(purge_failed_at__isnull=False).exists()
    assert Counter(PurgeRun.objects.values_list("failed", flat=True)) == {10: 1, 0: 1}
    _assert_all_erased_provably(org, recordings, Path(audio_storage().location))


@pytest.mark.django_db
def test_an_object_store_that_acknowledges_a_delete_but_keeps_the_object_erases_nothing(
    cast, settings, monkeypatch
):
    """A delete that 'succeeds' without removing anything must not produce a tombstone."""
    org = cast.organisation
    recordings = [recording_create(organisation=org) for _ in range(4)]
    Recording.objects.update(purge_deadline=timezone.now() - timedelta(hours=1))
    liar = recordings[1].storage_key
    storage_class = type(audio_storage())
    real_delete = storage_class.delete

    def lying_delete(self, name):
        if name != liar:
            real_delete(self, name)

    monkeypatch.setattr(storage_class, "delete", lying_delete)
    run = purge_organisation(org)

    assert (run.purged, run.failed, run.overdue) == (3, 1, 1)
    row = Recording.objects.get(storage_key=liar)
    assert row.status == RecordingStatus.ACTIVE
    assert row.purge_error == "the object is still there after delete"
    assert str(row.pk) not in _purged_events(org)

    monkeypatch.setattr(storage_class, "delete", real_delete)
    assert purge_organisation(org).purged == 1
    _assert_all_erased_provably(org, recordings, Path(audio_storage().location))


# --- 3. two purges at once on PostgreSQL -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_purges_at_once_share_the_work_and_erase_each_call_exactly_once(
    cast, settings, isolated_audio_storage
):
    assert connection.vendor == "postgresql"
    settings.PURGE_BATCH_SIZE = 25
    org, location = cast.organisation, isolated_audio_storage
    total = 2000
    recordings = _bulk_due(org, total, location)
    start = threading.Barrier(2)
    runs: list[PurgeRun] = []
    errors: list[BaseException] = []

    def purge() -> None:
        try:
            start.wait(timeout=30)
            runs.append(purge_organisation(org))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)

    assert errors == []
    assert len(runs) == 2
    assert all(run.status == RunStatus.FINISHED and run.failed == 0 for run in runs)
    assert sum(run.purged for run in runs) == total
    # Both really ran at once: SKIP LOCKED gave each its own batches, not the same ones.
    assert all(run.purged > 0 for run in runs), [run.purged for run in runs]
    assert sum(run.bytes_freed for run in runs) == sum(r.size_bytes for r in recordings)
    _assert_all_erased_provably(org, recordings, location)
    assert _files_in(location) == set()
    assert overdue_recordings(org).count() == 0
    # Neither run reports the other's in-flight batch as overdue (see the test below).
    assert all(run.overdue == 0 for run in runs)


@pytest.mark.django_db(transaction=True)
def test_one_run_in_several_streams_erases_each_call_once_and_reports_the_sum(
    cast, settings, isolated_audio_storage, monkeypatch
):
    """A run's streams work on connections of their own: each batch once, one event each, the
    chain intact, the report's counts equal to what was erased."""
    import retention.purge

    settings.PURGE_BATCH_SIZE, settings.PURGE_STREAMS = 7, 3
    org, location = cast.organisation, isolated_audio_storage
    recordings = _bulk_due(org, 300, location)
    streams_seen, real_erase_batch = set(), retention.purge.erase_batch

    def erase_batch_noting_its_stream(*args, **kwargs):
        streams_seen.add(threading.get_ident())
        return real_erase_batch(*args, **kwargs)

    monkeypatch.setattr(retention.purge, "erase_batch", erase_batch_noting_its_stream)
    run = purge_organisation(org)
    assert len(streams_seen) == 3
    assert (run.status, run.purged, run.failed) == (RunStatus.FINISHED, 300, 0)
    stored = PurgeRun.objects.get(pk=run.pk)
    assert (stored.purged, stored.bytes_freed) == (300, sum(r.size_bytes for r in recordings))
    _assert_all_erased_provably(org, recordings, location)
    assert _files_in(location) == set()


@pytest.mark.django_db(transaction=True)
def test_a_run_ending_while_another_erases_its_last_batch_reports_nothing_overdue(
    cast, settings, isolated_audio_storage
):
    """Deterministic form of the race the two-purges test shows every time: run B holds one
    batch (locked, being erased) while run A finds nothing left to lock and writes its report."""
    settings.PURGE_BATCH_SIZE = 10
    org, location = cast.organisation, isolated_audio_storage
    recordings = _bulk_due(org, 40, location)
    in_flight = [r.pk for r in recordings[:10]]
    locked, errors = threading.Event(), []

    def other_run_with_one_batch_in_flight() -> None:
        try:
            with transaction.atomic():
                list(Recording.objects.select_for_update().filter(pk__in=in_flight))
                locked.set()
                # Hold the batch until run A has written its report (or, should A wait for
                # in-flight batches as it ought to, for a while after A erased the rest).
                give_up, rest_done_at = time.monotonic() + 60, None
                while time.monotonic() < give_up:
                    if PurgeRun.objects.filter(finished_at__isnull=False).exists():
                        break
                    if rest_done_at is None and (
                        Recording.objects.filter(status=RecordingStatus.PURGED).count() == 30
                    ):
                        rest_done_at = time.monotonic()
                    if rest_done_at is not None and time.monotonic() - rest_done_at > 2:
                        break
                    time.sleep(0.05)
                with ThreadPoolExecutor(max_workers=2) as executor:
                    erase_batch(
                        org,
                        Recording.objects.filter(pk__in=in_flight),
                        run=None,
                        executor=executor,
                        exclude=set(),
                        reason="retention",
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_run_with_one_batch_in_flight)
    other.start()
    assert locked.wait(timeout=30)
    run = purge_organisation(org)
    other.join(timeout=90)
    assert not other.is_alive() and errors == []

    assert (run.status, run.purged, run.failed) == (RunStatus.FINISHED, 30, 0)
    _assert_all_erased_provably(org, recordings, location)
    # Nothing was overdue: the ten were being erased, and were, by the other run.
    assert run.overdue == 0
    assert mail.outbox == []


# --- 4. a real worker with beat: the schedule fires and purges ------------------------------


@pytest.mark.django_db(transaction=True)
def test_beat_fires_the_purge_on_its_schedule_and_a_real_worker_erases(
    cast, isolated_audio_storage
):
    org, location = cast.organisation, isolated_audio_storage
    due = [recording_create(organisation=org) for _ in range(3)]
    not_due = recording_create(organisation=org)  # deadline 28 days away
    Recording.objects.filter(pk__in=[r.pk for r in due]).update(
        purge_deadline=timezone.now() - timedelta(hours=1)
    )
    other_tenant = recording_create(organisation=cast.other_organisation)
    Recording.objects.filter(pk=other_tenant.pk).update(
        purge_deadline=timezone.now() - timedelta(hours=1)
    )

    def scheduled_run_finished() -> bool:
        return (
            PurgeRun.objects.filter(
                organisation=org, trigger=RunTrigger.SCHEDULE, status=RunStatus.FINISHED
            ).exists()
            and not Recording.objects.filter(
                pk__in=[r.pk for r in due], status=RecordingStatus.ACTIVE
            ).exists()
        )

    # Every minute instead of nightly, from the environment as an operator would.
    env = _worker_env(location, EARSHOT_BEAT_PURGE_RECORDINGS="* * * * *")
    with celery_worker(beat=True, env=env):
        wait_for(scheduled_run_finished, timeout=120, what="beat to fire the purge")
        # purge_all fans out to every organisation; the other tenant's run erases its own.
        wait_for(
            lambda: (
                PurgeRun.objects.filter(
                    organisation=cast.other_organisation, trigger=RunTrigger.SCHEDULE
                )
                .exclude(status=RunStatus.RUNNING)
                .exists()
            ),
            timeout=60,
            what="the other organisation's scheduled run",
        )

    run = PurgeRun.objects.filter(organisation=org, trigger=RunTrigger.SCHEDULE).earliest(
        "started_at"
    )
    assert (run.purged, run.failed, run.overdue) == (3, 0, 0)
    _assert_all_erased_provably(org, due, location)
    kept = Recording.objects.get(pk=not_due.pk)
    assert kept.status == RecordingStatus.ACTIVE and (location / kept.storage_key).exists()
    assert Recording.objects.get(pk=other_tenant.pk).status == RecordingStatus.PURGED


@pytest.mark.django_db(transaction=True)
def test_a_call_stored_too_late_for_the_next_run_is_erased_by_a_purge_queued_now(
    cast, isolated_audio_storage, tmp_path
):
    """A call whose deadline falls before the next nightly run must not wait for it."""
    from django.core.cache import cache

    from access.tests.conftest import register_for
    from recordings.services import recording_ingest
    from recordings.tests.factories import wav_bytes

    cache.clear()
    register_for(cast.organisation, retention_days=28)
    now = timezone.now()
    calls = {}
    # The worker first: it empties the queue when it starts.
    with celery_worker(env=_worker_env(isolated_audio_storage)):
        for name, age in (
            ("late", timedelta(days=28) - timedelta(minutes=30)),
            ("fresh", timedelta()),
        ):
            source = tmp_path / f"{name}.wav"
            source.write_bytes(wav_bytes(seconds=1, seed=len(name)))
            calls[name] = recording_ingest(
                organisation=cast.organisation,
                source=source,
                metadata={
                    "call_id": name,
                    "started_at": (now - age - timedelta(minutes=1)).isoformat(),
                    "direction": "inbound",
                },
                channel=IngestChannel.API,
            )
        wait_for(
            lambda: Recording.objects.get(pk=calls["late"].pk).status == RecordingStatus.PURGED,
            timeout=60,
            what="the queued purge",
        )
    assert Recording.objects.get(pk=calls["fresh"].pk).status == RecordingStatus.ACTIVE
    assert not audio_storage().exists(calls["late"].storage_key)
