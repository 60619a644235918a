"""The purge: erase recordings whose retention runs out before the next run, provably.

After the batches, the keys of days that have ended and whose calls are all gone are
destroyed (retention/key_destruction.py), so every backup of those calls is unreadable too;
then the signed checkpoint.

Per batch, in one transaction:
1. lock up to PURGE_BATCH_SIZE due ACTIVE rows with SELECT … FOR UPDATE SKIP LOCKED (a second
   run at the same time takes other rows, never the same ones);
2. delete their storage objects in parallel threads and confirm each one is gone;
3. turn the confirmed rows into tombstones (no personal data left) and write one audit event
   per erased call; rows whose object could not be deleted get purge_error and stay ACTIVE
   (the gate already refuses them, the next run retries, the report counts them as failed).

Batches run in PURGE_STREAMS streams, each a thread with a connection of its own: while one
stream writes its tombstones and audit events, another deletes its objects, so the run takes
about as long as the slower of the two kinds of work rather than their sum.

A run killed at any point leaves rows whose object may already be gone: the next run deletes
"nothing" for them, confirms absence, and finishes the tombstone. Held calls are never locked.
"""

from __future__ import annotations

import logging
import threading
import time as clock
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, F, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

import audit
from organisations.models import Organisation
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.storage import delete_confirmed
from retention.case_records import case_records_status, erase_case_records
from retention.constants import RunStatus, RunTrigger
from retention.models import PurgeRun
from retention.schedule import purge_horizon
from transcripts.erasure import transcripts_erase_for_recordings

logger = logging.getLogger(__name__)


@dataclass
class PurgeOutcome:
    purged: int = 0
    bytes_freed: int = 0
    failed: int = 0
    failed_ids: set = field(default_factory=set)


class Due(NamedTuple):
    """What the erasure of one call and its audit event need. Plain tuples, not model
    instances: building instances took about a fifth of a stream's time in a profiled run."""

    id: UUID
    started_at: datetime
    storage_key: str
    size_bytes: int
    sha256: str
    purge_deadline: datetime
    retention_days: int


def due_recordings(organisation: Organisation, horizon: datetime) -> QuerySet[Recording]:
    return Recording.objects.filter(
        organisation=organisation, status=RecordingStatus.ACTIVE, purge_deadline__lte=horizon
    )


# Looked up here at each call (the tests slow it down or make it fail).
_delete_confirmed = delete_confirmed


def _delete_run(keys: list[str]) -> list[str | None]:
    return [_delete_confirmed(key) for key in keys]


def _delete_all(keys: list[str], executor: ThreadPoolExecutor) -> dict[str, str | None]:
    """Delete and confirm every key; returns each key's error (None when gone).

    In key order, one contiguous run per worker: neighbouring objects share folders (and, on
    disk, metadata blocks), and workers on runs of their own do not queue for the same folder.
    One task per worker rather than per key: with a thousand keys a batch, handing out
    tasks cost about as much of the interpreter as the deletes."""
    keys = sorted(keys)
    size = -(-len(keys) // max(1, settings.PURGE_WORKERS))
    runs = [keys[start : start + size] for start in range(0, len(keys), size)]
    errors = [error for run in executor.map(_delete_run, runs) for error in run]
    return dict(zip(keys, errors, strict=True))


def _tombstone(erased: list[Due], now: datetime, zone: ZoneInfo) -> None:
    """Keep id, organisation, the day of the call (local midnight), the deadline, the period
    applied, the audio's SHA-256 and size; clear everything that identifies a person. One
    UPDATE per local day in the batch (a batch, ordered by deadline, spans a day or two)."""
    days: dict = defaultdict(list)
    for recording in erased:
        days[recording.started_at.astimezone(zone).date()].append(recording.id)
    for day, ids in days.items():
        Recording.objects.filter(pk__in=ids).update(
            call_id=Cast("id", CharField()),
            started_at=datetime.combine(day, time.min, zone),
            queue="",
            employee=None,
            customer_phone="",
            customer_name="",
            customer_number="",
            customer_address="",
            customer_postcode="",
            customer_bsn="",
            customer_gender="",
            customer_date_of_birth=None,
            customer_phone_digest=None,
            customer_bsn_digest=None,
            customer_name_digest=None,
            customer_number_digest=None,
            announcement="",
            storage_key=Concat(Value("purged/"), Cast("id", CharField())),
            status=RecordingStatus.PURGED,
            purged_at=now,
            purge_failed_at=None,
            purge_error="",
            wrapped_key=None,
        )


def erase_batch(
    organisation: Organisation,
    queryset: QuerySet[Recording],
    *,
    run: PurgeRun | None,
    executor: ThreadPoolExecutor,
    exclude: set,
    reason: str,
    actor=None,
    action: str = "retention.recording.purged",
) -> PurgeOutcome | None:
    """Lock, delete, confirm and tombstone one batch. None when nothing was left to lock."""
    outcome = PurgeOutcome()
    zone = ZoneInfo(organisation.timezone)
    with transaction.atomic():
        batch = [
            Due(*row)
            for row in queryset.exclude(pk__in=exclude)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("purge_deadline")
            .values_list(*Due._fields)[: settings.PURGE_BATCH_SIZE]
        ]
        if not batch:
            return None
        errors = _delete_all([r.storage_key for r in batch], executor)
        now = timezone.now()
        erased = []
        # One UPDATE per distinct error: when a store is down its calls mostly share one.
        failed_by_error: dict[str, list] = defaultdict(list)
        for recording in batch:
            error = errors[recording.storage_key]
            if error is None:
                outcome.bytes_freed += recording.size_bytes
                erased.append(recording)
            else:
                failed_by_error[error].append(recording.id)
                outcome.failed_ids.add(recording.id)
        _tombstone(erased, now, zone)
        # A transcript is derived data of its call: it goes in the tombstone's transaction.
        transcripts_erase_for_recordings(
            organisation=organisation, recording_ids=[r.id for r in erased]
        )
        for error, ids in failed_by_error.items():
            Recording.objects.filter(pk__in=ids).update(purge_failed_at=now, purge_error=error)
        # Last, so the locks they take (the audit chain's head, the report's row) are held only
        # until the commit that follows: a parallel batch waits for them as briefly as can be.
        audit.record_many(
            actor=actor,
            action=action,
            organisation=organisation,
            target_model=Recording,
            entries=[
                (
                    recording.id,
                    {
                        "deadline": recording.purge_deadline.isoformat(),
                        "retention_days": recording.retention_days,
                        "sha256": recording.sha256,
                        "size_bytes": recording.size_bytes,
                        "reason": reason,
                        "run": run.pk if run else None,
                    },
                )
                for recording in erased
            ],
        )
        if run is not None:
            # In the batch's transaction: a killed run's report never counts a batch twice
            # or misses one that committed.
            PurgeRun.objects.filter(pk=run.pk).update(
                purged=F("purged") + len(erased),
                bytes_freed=F("bytes_freed") + outcome.bytes_freed,
                failed=F("failed") + len(outcome.failed_ids),
            )
        outcome.purged, outcome.failed = len(erased), len(outcome.failed_ids)
    return outcome


def erase_all(
    organisation: Organisation,
    queryset: QuerySet[Recording],
    *,
    run: PurgeRun | None,
    reason: str,
    actor=None,
    action: str = "retention.recording.purged",
) -> PurgeOutcome:
    """Erase every recording of `queryset`, batch after batch, in PURGE_STREAMS streams.

    Each stream is a thread with a database connection of its own, so one stream's tombstones
    and audit events are written while another's objects are deleted; SKIP LOCKED keeps their
    batches apart. Inside a transaction of the caller's (a test, a request) other connections
    would not see its rows, and SQLite cannot keep streams apart, so there one stream works in
    the caller's own connection."""
    total = PurgeOutcome()
    guard = threading.Lock()
    # Streams need SKIP LOCKED to keep their batches apart (SQLite, the embedded default, has
    # neither it nor concurrent writers) and must see the rows (not inside a caller's atomic).
    parallel = connection.features.has_select_for_update_skip_locked
    streams = max(1, settings.PURGE_STREAMS) if parallel and not connection.in_atomic_block else 1

    def stream(executor: ThreadPoolExecutor) -> None:
        while True:
            with guard:
                exclude = set(total.failed_ids)
            outcome = erase_batch(
                organisation,
                queryset,
                run=run,
                executor=executor,
                exclude=exclude,
                reason=reason,
                actor=actor,
                action=action,
            )
            if outcome is None:
                return
            with guard:
                total.purged += outcome.purged
                total.bytes_freed += outcome.bytes_freed
                total.failed += outcome.failed
                total.failed_ids |= outcome.failed_ids

    def own_connection(executor: ThreadPoolExecutor) -> None:
        try:
            stream(executor)
        finally:
            connection.close()  # this thread's connection, not the caller's

    with ThreadPoolExecutor(max_workers=max(1, settings.PURGE_WORKERS)) as executor:
        if streams == 1:
            stream(executor)
        else:
            with ThreadPoolExecutor(max_workers=streams) as streamers:
                futures = [streamers.submit(own_connection, executor) for _ in range(streams)]
                for future in futures:
                    future.result()  # a stream's error is the run's error
    return total


def purge_organisation(
    organisation: Organisation,
    *,
    trigger: str = RunTrigger.SCHEDULE,
    now: datetime | None = None,
) -> PurgeRun:
    """One run for one organisation; writes and returns its report (a PurgeRun)."""
    started = clock.monotonic()
    now = now or timezone.now()
    horizon = purge_horizon(now)
    _close_interrupted_runs(organisation)
    run = PurgeRun.objects.create(
        organisation=organisation, trigger=trigger, started_at=timezone.now(), horizon=horizon
    )
    _reconcile(run, organisation, horizon)
    queryset = due_recordings(organisation, horizon)
    try:
        total = erase_all(organisation, queryset, run=run, reason="retention")
        run.purged, run.bytes_freed, run.failed = total.purged, total.bytes_freed, total.failed
        _erase_case_records(run, organisation, horizon)
        run.status = RunStatus.FINISHED
    except Exception as error:
        logger.exception("purge of %s failed", organisation.slug)
        run.status, run.error = RunStatus.FAILED, f"{type(error).__name__}: {error}"[:2000]
        run.refresh_from_db(fields=["purged", "bytes_freed", "failed"])  # what committed
    _destroy_keys(run, organisation, now)
    _finish(run, organisation, horizon)
    _checkpoint(organisation)
    logger.info(
        "purge %s: %d erased, %d failed, %d held, %d overdue in %.1f s",
        organisation.slug,
        run.purged,
        run.failed,
        run.held,
        run.overdue,
        clock.monotonic() - started,
    )
    return run


# Rounds one locked purge makes at most while calls keep becoming due as it works (a backlog
# longer than the interval between runs); the next scheduled run goes on from there.
MAX_ROUNDS = 5


@dataclass
class LockedPurge:
    """What purge_exclusively did: its runs, or the run it stood aside for."""

    runs: list[PurgeRun] = field(default_factory=list)
    skipped_for: PurgeRun | None = None  # another run held the lock; this one did nothing
    skipped: bool = False


def purge_exclusively(organisation: Organisation, *, trigger: str) -> LockedPurge:
    """A purge of the organisation holding its purge lock (retention/run_lock.py), for beat,
    the retention page and the command line.

    A second purge while one runs (an hourly run of a backlog taking longer than an hour, a
    "run now" click, a call stored too late) does nothing and says so: the running one, when
    it ends, runs again if anything became due meanwhile, with a horizon from that moment.
    The lock is released before that check, and the check is made by whoever released last,
    so a purge asked for just as a run ends is never lost between the two."""
    from retention.run_lock import purge_lock

    done = LockedPurge()
    for _ in range(MAX_ROUNDS):
        with purge_lock(organisation.pk) as held:
            if not held:
                if not done.runs:
                    done.skipped = True
                    done.skipped_for = PurgeRun.objects.filter(
                        organisation=organisation, status=RunStatus.RUNNING
                    ).first()
                    since = (
                        done.skipped_for.started_at.isoformat() if done.skipped_for else "unknown"
                    )
                    logger.warning(
                        "purge %s (%s) skipped: another run of this organisation is still "
                        "running (started %s); it erases what became due when it ends",
                        organisation.slug,
                        trigger,
                        since,
                    )
                return done  # the holder checks what became due after it releases
            done.runs.append(purge_organisation(organisation, trigger=trigger))
        if not owed(organisation, since=done.runs[-1].started_at):
            return done
        logger.info("purge %s: more became due while it ran; running again", organisation.slug)
    return done


def owed(organisation: Organisation, *, since: datetime) -> bool:
    """Is anything due now that no run tried since `since`? Calls that failed in that run
    (purge_failed_at set since then) wait for the next scheduled run rather than loop."""
    return (
        due_recordings(organisation, purge_horizon(timezone.now()))
        .exclude(purge_failed_at__gte=since)
        .exists()
    )


def _checkpoint(organisation: Organisation) -> None:
    """A signed checkpoint of the audit chain after the run, which holds its erasures. The
    erasure is done and reported either way; a checkpoint that cannot be written is logged
    as an error (the hourly checkpoint and the deploy check say the same)."""
    from audit.checkpoints import CheckpointError

    try:
        audit.checkpoint(organisation=organisation, kind="purge")
    except CheckpointError:
        logger.exception("purge %s: no signed audit checkpoint written", organisation.slug)


def _erase_case_records(run: PurgeRun, organisation: Organisation, horizon: datetime) -> None:
    records = erase_case_records(organisation, horizon=horizon, run_id=run.pk)
    if records is not None:
        run.cases_erased, run.requests_erased = records.cases, records.requests
        run.disclosures_erased, run.records_failed = records.disclosures, records.failed
        run.others_erased = dict(records.others)


def _reconcile(run: PurgeRun, organisation: Organisation, horizon: datetime) -> None:
    """Before erasing and before the key sweep: calls a hold suspends are HELD and under a hold
    key, the others under the day key of their deadline (retention/rewrap.py reconcile_keys).
    Its failure is said on the run, never stops the erasure."""
    from retention.rewrap import reconcile_keys

    try:
        reconcile_keys(organisation, horizon=horizon)
    except Exception as error:
        logger.exception("purge %s: holds and keys not reconciled", organisation.slug)
        run.error = f"holds and keys not reconciled: {type(error).__name__}: {error}"[:500]


def _destroy_keys(run: PurgeRun, organisation: Organisation, now: datetime) -> None:
    """After the tombstones, before the signed checkpoint: destroy the keys of days that have
    ended and whose calls are all gone (retention/key_destruction.py). What cannot be destroyed
    is counted and said on the run, never fails it; the next run tries again."""
    from retention.key_destruction import destroy_spent_keys_reporting

    try:
        done = destroy_spent_keys_reporting(organisation, now=now)
    except Exception as error:  # the key store or the database: the erasure itself is done
        logger.exception("purge %s: audio keys not destroyed", organisation.slug)
        run.keys_failed = max(run.keys_failed, 1)
        problems = [f"audio keys not destroyed: {type(error).__name__}: {error}"[:500]]
    else:
        run.keys_destroyed, run.keys_failed = len(done.destroyed), len(done.failed)
        problems = [f"audio key {key} not destroyed: {message}" for key, message in done.failed]
    if problems:
        run.error = "\n".join(filter(None, [run.error, *problems[:5]]))[:2000]


# A run still "running" after this long was killed (a run of 100,000 calls takes minutes).
INTERRUPTED_AFTER = timedelta(hours=3)


def _close_interrupted_runs(organisation: Organisation) -> None:
    """Report runs that were killed as failed, so the privacy officer sees and hears of them;
    this run finishes their work."""
    from retention.report import purge_report_send

    stale = PurgeRun.objects.filter(
        organisation=organisation,
        status=RunStatus.RUNNING,
        started_at__lt=timezone.now() - INTERRUPTED_AFTER,
    )
    for run in stale:
        run.status, run.error = RunStatus.FAILED, "interrupted: the run stopped without finishing"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        purge_report_send(run)


def _finish(run: PurgeRun, organisation: Organisation, horizon: datetime) -> None:
    from retention.report import purge_report_send

    run.held = Recording.objects.filter(
        organisation=organisation, status=RecordingStatus.HELD, purge_deadline__lte=horizon
    ).count()
    with transaction.atomic():
        # Wait for batches another run still holds: what it erases is then no longer ACTIVE
        # and must not be reported overdue here.
        run.overdue = len(
            overdue_recordings(organisation)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        actor=None,
        action="retention.purge.finished",
        organisation=organisation,
        target=run,
        detail={
            "purged": run.purged,
            "bytes_freed": run.bytes_freed,
            "held": run.held,
            "failed": run.failed,
            "overdue": run.overdue,
            "keys_destroyed": run.keys_destroyed,
            "keys_failed": run.keys_failed,
            "status": run.status,
        },
    )
    if run.needs_attention:
        purge_report_send(run)


def overdue_recordings(organisation: Organisation) -> QuerySet[Recording]:
    """Calls past their deadline whose audio still exists and that no hold suspends."""
    return Recording.objects.filter(
        organisation=organisation,
        status__in=[RecordingStatus.ACTIVE, RecordingStatus.INCOMING],
        purge_deadline__lte=timezone.now(),
    )


def dry_run(organisation: Organisation, now: datetime | None = None) -> dict[str, int]:
    """What a run now would do, changing nothing. Cases, requests and others (records of higher
    apps such as data subject requests, by eraser name) are None when the register declares no
    period for them."""
    horizon = purge_horizon(now or timezone.now())
    due = due_recordings(organisation, horizon)
    records = case_records_status(organisation, at=horizon)
    return {
        "cases": records["cases"],
        "requests": records["requests"],
        "others": records["others"],
        "due": due.count(),
        "bytes": due.aggregate(total=Sum("size_bytes"))["total"] or 0,
        "held": Recording.objects.filter(
            organisation=organisation, status=RecordingStatus.HELD, purge_deadline__lte=horizon
        ).count(),
        "overdue": overdue_recordings(organisation).count(),
    }


def erase_early(*, membership, recordings: list[Recording], reason: str) -> PurgeOutcome:
    """Erase calls before their deadline (a data subject's request), with the purge's own
    engine: same confirmation, same tombstone, an audit event per call naming the reason.
    Held calls are refused: a hold must be released first."""
    from django.utils.translation import gettext as _

    from access.four_eyes import RequestError

    if not reason.strip():
        raise RequestError(_("Say why these calls are erased early."))
    ids = [r.pk for r in recordings]
    queryset = Recording.objects.filter(organisation=membership.organisation_id, pk__in=ids)
    if queryset.filter(status=RecordingStatus.HELD).exists():
        raise RequestError(_("A call under legal hold cannot be erased; release the hold first."))
    queryset = queryset.filter(status=RecordingStatus.ACTIVE)
    return erase_all(
        membership.organisation,
        queryset,
        run=None,
        reason=reason.strip()[:200],
        actor=membership.user,
        action="retention.recording.erased_early",
    )
