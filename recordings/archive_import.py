"""`manage.py import`: a contact centre's archive of historic calls, into one organisation.

Every file goes through the one ingest service, so an archived call is probed, validated,
deduplicated and given its purge deadline from its own start like any call; a call already
past that deadline is refused, not imported. The archive is only read (see archive_files).

Speed: files go to the batch ingest (recordings/ingest_batch.py) BATCH_SIZE at a time:
probing and hashing in a thread pool, one insert and one audit batch per batch.

Resuming: a journal in the database (recordings/archive_models.py), not a file beside the
archive (which is never written to). A batch's journal rows are written after the batch ingest
has committed or refused its calls. After a kill -9 the rerun on the same folder finds the
unfinished run and skips every journalled file. What the kill can leave is handled at the
start and per file:
- rows the ingest had inserted but not finished (INCOMING) are removed with their objects:
  only this import writes INCOMING rows of the archive channel in this organisation (one
  import per organisation at a time, by a lock), so none belongs to a live ingest;
- a call committed just before the kill but not yet journalled comes back from the batch
  ingest (resume=True) as that same call (same call id and same audio): counted as imported
  by this run, never stored twice; the same call under a second path of the archive is
  refused as a duplicate.
The unique call id and audio per organisation stop duplicates even if all of this were wrong.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import audit
from organisations.models import Organisation
from organisations.spreadsheet import csv_writer
from recordings.archive_checks import archive_file_check
from recordings.archive_files import ArchiveFile, archive_file_metadata, archive_files
from recordings.archive_models import ArchiveImport, ArchiveImportFile
from recordings.constants import ArchiveImportOutcome, IngestChannel, RecordingStatus
from recordings.ingest_batch import (
    BATCH_SIZE,
    WORKERS,
    IngestItem,
    IngestOutcome,
    recordings_ingest_batch,
)
from recordings.keystore import KeyUnavailable
from recordings.metadata import declared_customer_fields
from recordings.models import Recording
from recordings.services import IngestRejected
from recordings.storage import audio_storage
from register.constants import CustomerField

logger = logging.getLogger(__name__)

IMPORTED, ALREADY, REFUSED = (
    ArchiveImportOutcome.IMPORTED,
    ArchiveImportOutcome.ALREADY,
    ArchiveImportOutcome.REFUSED,
)

# How many paths the summary shows per reason; the report file has them all.
EXAMPLES = 3
# Two-key advisory lock on PostgreSQL: this class and the organisation's id.
_LOCK_CLASS = 0x41524348  # "ARCH"
# Errors of the machine rather than of a file: the run stops, a rerun resumes it.
_SYSTEM_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.ENOMEM}

# The reasons of the summary: several refusal codes read as one reason.
REASONS = {
    "past_retention": gettext_lazy("past its retention deadline"),
    "no_retention": gettext_lazy("no retention period declared for recordings"),
    "duplicate_call": gettext_lazy("duplicate (call id already in Earshot)"),
    "duplicate_audio": gettext_lazy("duplicate (the same audio already in Earshot)"),
    "metadata": gettext_lazy("bad metadata"),
    "too_large": gettext_lazy("too large"),
    "sidecar": gettext_lazy("bad metadata file"),
    "lone_sidecar": gettext_lazy("metadata file without audio"),
    "no_metadata": gettext_lazy("no metadata (no sidecar, no Asterisk name)"),
    "not_audio": gettext_lazy("not an audio file"),
    "symlink": gettext_lazy("symbolic link"),
    "not_a_file": gettext_lazy("not a regular file"),
    "unreadable": gettext_lazy("unreadable file"),
    "changed_while_reading": gettext_lazy("changed while it was read (run the import again)"),
}
_AUDIO_CODES = {"empty", "corrupt", "truncated", "no_audio", "unknown_format"}


def reason_label(code: str) -> str:
    if code in _AUDIO_CODES:
        return str(_("corrupt or unsupported audio"))
    return str(REASONS.get(code, code))


class ArchiveImportError(Exception):
    """The import cannot start or go on; `message` says why and what to do."""


class ArchiveOptionError(ArchiveImportError):
    """The options cannot work (e.g. the report's place); nothing was done."""


REPORT_HEADER = ["path", "reason", "message"]


class Progress(Protocol):
    def start(self, *, total: int, done: int) -> None: ...

    def advance(self) -> None: ...

    def finish(self) -> None: ...


@dataclass
class ArchiveSummary:
    files: int = 0
    imported: int = 0
    already_imported: int = 0
    refused: int = 0
    # reason label -> (count, [(path, message), ...] for the first EXAMPLES)
    refusals: dict[str, tuple[int, list[tuple[str, str]]]] = field(default_factory=dict)
    refused_by_code: dict[str, int] = field(default_factory=dict)
    resumed: bool = False  # an interrupted run of the same folder was taken up again
    resumed_after: int = 0  # files the interrupted run had finished before this one
    report: Path | None = None
    run_id: int | None = None
    dry_run: bool = False


@dataclass
class _Outcome:
    outcome: str
    code: str = ""
    message: str = ""
    recording_id: Any = None


# The run ---------------------------------------------------------------------------------


def archive_import(
    *,
    organisation: Organisation,
    root: Path,
    dry_run: bool = False,
    report: Path | None = None,
    progress: Progress | None = None,
) -> ArchiveSummary:
    """Import every file under `root` into `organisation`, resuming an unfinished run of the
    same folder. Raises ArchiveImportError when it cannot run; the journal keeps what was done.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise ArchiveImportError(_("%(path)s is not a folder.") % {"path": root})
    report = _report_check(report, root)
    try:
        files = archive_files(root)
    except OSError as exc:
        raise ArchiveOptionError(
            _("Earshot cannot read the folder %(path)s (%(error)s).")
            % {"path": root, "error": exc.strerror or type(exc).__name__}
        ) from None
    context = _Context(organisation)
    if dry_run:
        return _dry_run(context, files, report, progress)
    with _organisation_lock(organisation):
        run, resumed = _open_run(organisation, root, len(files))
        _remove_interrupted(organisation)
        done = set(ArchiveImportFile.objects.filter(run=run).values_list("path", flat=True))
        journal = _Journal(run)
        pending = [f for f in files if f.relative not in done]
        if progress is not None:
            progress.start(total=len(files), done=len(files) - len(pending))
        try:
            with ThreadPoolExecutor(max_workers=WORKERS) as executor:
                for start in range(0, len(pending), BATCH_SIZE):
                    batch = pending[start : start + BATCH_SIZE]
                    _import_batch(context, run, journal, batch, executor, progress)
        finally:
            journal.flush()
            if progress is not None:
                progress.finish()
        summary = _summarise(run, files=len(files), report=report)
        summary.resumed, summary.resumed_after = resumed, len(files) - len(pending)
        _close_run(run, summary, resumed)
    return summary


def _report_check(report: Path | None, root: Path) -> Path | None:
    """The report's place, checked before anything is imported: never inside the archive
    (which is only read), never over a file that is not an earlier report, and writable, so
    that a bad --report cannot leave a finished import unable to close."""
    if report is None:
        if _inside(Path(settings.VAR_DIR).resolve() / "imports", root):
            raise ArchiveOptionError(
                _(
                    "The default report folder %(folder)s is inside the archive, which the "
                    "import only reads. Name a report outside it with --report."
                )
                % {"folder": Path(settings.VAR_DIR) / "imports"}
            )
        return None
    report = Path(report).resolve()  # a link into the archive counts as inside it
    if _inside(report, root):
        raise ArchiveOptionError(
            _(
                "The report %(report)s would be inside the archive, which the import only "
                "reads. Name a file outside %(root)s."
            )
            % {"report": report, "root": root}
        )
    if (report.exists() or report.is_symlink()) and not _is_report(report):
        raise ArchiveOptionError(
            _(
                "%(report)s exists and is not a report of an earlier import; it is left as it "
                "is. Name a new file."
            )
            % {"report": report}
        )
    try:
        report.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(report, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError as exc:
        raise ArchiveOptionError(
            _(
                "Earshot cannot write the report %(report)s (%(error)s). Name a file in a "
                "folder you may write to."
            )
            % {"report": report, "error": exc.strerror or exc}
        ) from None
    return report


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _is_report(path: Path) -> bool:
    """An earlier report (or the empty file an interrupted run left): safe to replace."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(len(",".join(REPORT_HEADER)) + 2)
    except OSError:
        return False
    return head == b"" or head.splitlines()[0] == ",".join(REPORT_HEADER).encode()


class _Context:
    """What every file of a run needs to know about the organisation, read once."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        self.zone = ZoneInfo(organisation.timezone)
        self.phone_declared = CustomerField.PHONE in declared_customer_fields(organisation)

    def metadata(self, item: ArchiveFile) -> dict[str, Any]:
        return archive_file_metadata(item, zone=self.zone, phone_declared=self.phone_declared)


def _open_run(organisation: Organisation, root: Path, files: int) -> tuple[ArchiveImport, bool]:
    run = ArchiveImport.objects.filter(
        organisation=organisation, root=str(root), finished_at__isnull=True
    ).first()
    resumed = run is not None
    with transaction.atomic():
        if run is None:
            run = ArchiveImport.objects.create(organisation=organisation, root=str(root))
        run.files = files
        run.save(update_fields=["files"])
        audit.record(
            actor=None,
            action="recordings.archive_import.resumed"
            if resumed
            else "recordings.archive_import.started",
            organisation=organisation,
            target=run,
            detail={"files": files},
        )
    return run, resumed


def _close_run(run: ArchiveImport, summary: ArchiveSummary, resumed: bool) -> None:
    with transaction.atomic():
        run.imported = summary.imported
        run.already_imported = summary.already_imported
        run.refused = summary.refused
        run.finished_at = timezone.now()
        run.save(update_fields=["imported", "already_imported", "refused", "finished_at"])
        audit.record(
            actor=None,
            action="recordings.archive_import.finished",
            organisation=run.organisation,
            target=run,
            detail={
                "files": summary.files,
                "imported": summary.imported,
                "already_imported": summary.already_imported,
                "refused": summary.refused,
                "refused_by_reason": summary.refused_by_code,
                "resumed": resumed,
            },
        )
        # The journal names files by path, which may hold a phone number: working state only.
        ArchiveImportFile.objects.filter(run=run).delete()


@contextmanager
def _organisation_lock(organisation: Organisation) -> Iterator[None]:
    """One import per organisation at a time; released by the system if the process dies."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_CLASS, organisation.pk])
            (locked,) = cursor.fetchone()
        if not locked:
            raise ArchiveImportError(_busy(organisation))
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_CLASS, organisation.pk])
        return
    lock_dir = Path(settings.VAR_DIR) / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / f"archive-import-{organisation.pk}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ArchiveImportError(_busy(organisation)) from None
        yield
    finally:
        os.close(fd)


def _busy(organisation: Organisation) -> str:
    return _(
        "Another import into %(organisation)s is running. Wait for it to finish, then run this "
        "one again."
    ) % {"organisation": organisation.slug}


def _remove_interrupted(organisation: Organisation) -> None:
    """Remove rows (and objects) an interrupted import left half stored."""
    storage = audio_storage()
    stale = Recording.objects.filter(
        organisation=organisation,
        status=RecordingStatus.INCOMING,
        ingested_via=IngestChannel.ARCHIVE,
    )
    for recording in stale:
        if storage.exists(recording.storage_key):
            storage.delete(recording.storage_key)
        Recording.objects.filter(pk=recording.pk, status=RecordingStatus.INCOMING).delete()


# One batch ------------------------------------------------------------------------------


def _import_batch(
    context: _Context,
    run: ArchiveImport,
    journal: _Journal,
    batch: list[ArchiveFile],
    executor: ThreadPoolExecutor,
    progress: Progress | None,
) -> None:
    """Ingest a batch and journal each file's outcome. An error of the system (database,
    storage, disk) stops the run after journalling the rest: its file is tried by the rerun."""

    def done(item: ArchiveFile, outcome: _Outcome) -> None:
        journal.add(item, outcome)
        if progress is not None:
            progress.advance()

    items = []
    for item in batch:
        if item.refusal is not None:
            done(item, _Outcome(REFUSED, item.refusal.code, item.refusal.message))
            continue
        try:
            metadata = context.metadata(item)
            hint = datetime.fromtimestamp(item.path.stat().st_mtime, UTC)
        except IngestRejected as refusal:
            done(item, _Outcome(REFUSED, refusal.code, refusal.message))
            continue
        except OSError as exc:
            if _is_system_error(exc, item):
                journal.flush()
                raise
            done(item, _unreadable(exc))
            continue
        # resume: a call this file became before a kill (committed, not yet journalled) comes
        # back as that call, and an INCOMING leftover of it is replaced, never duplicated.
        items.append(
            IngestItem(
                source=item.path, metadata=metadata, started_at_hint=hint, resume=True, ref=item
            )
        )
    outcomes = (
        recordings_ingest_batch(
            organisation=context.organisation,
            items=items,
            channel=IngestChannel.ARCHIVE,
            executor=executor,
        )
        if items
        else []
    )
    stop: BaseException | None = None
    for outcome in outcomes:
        item = outcome.item.ref
        result = _outcome_of(run, journal, item, outcome)
        if result is None:
            stop = stop or outcome.error
            continue
        done(item, result)
    journal.flush()
    if stop is not None:
        raise stop


def _outcome_of(
    run: ArchiveImport, journal: _Journal, item: ArchiveFile, outcome: IngestOutcome
) -> _Outcome | None:
    """What the journal says of one file; None for an error of the system."""
    if outcome.ok:
        recording = outcome.recording
        if not outcome.already:
            return _Outcome(IMPORTED, recording_id=recording.pk)
        if journal.claims(recording.pk) or run.entries.filter(recording=recording).exists():
            return _Outcome(
                REFUSED,
                "duplicate_call",
                _(
                    "The same call (call id and audio) is in the archive twice; the other was "
                    "imported."
                ),
            )
        if recording.ingested_at >= run.started_at:  # this run's, just before an interruption
            return _Outcome(IMPORTED, recording_id=recording.pk)
        return _Outcome(ALREADY, recording_id=recording.pk)
    error = outcome.error
    if isinstance(error, IngestRejected):
        message = error.message
        if error.code == "changed_while_reading":
            # The ingest's words ("tried again when it is complete") are the drop folder's,
            # which tries the file again itself; the journal marks this one refused.
            message = _(
                "The file changed while it was being stored; run the import again once the "
                "file is complete."
            )
        return _Outcome(REFUSED, error.code, message)
    if isinstance(error, DatabaseError | KeyUnavailable) or (
        isinstance(error, OSError) and _is_system_error(error, item)
    ):
        return None
    logger.error("Archive import: %s broke ingest: %r", item.relative, error)
    return _unreadable(error)


def _is_system_error(exc: OSError, item: ArchiveFile) -> bool:
    """A full disk or a failing storage stops the run; a file that cannot be read refuses
    only itself."""
    if exc.errno in _SYSTEM_ERRNOS:
        return True
    return exc.filename not in (str(item.path), item.path, str(item.sidecar), item.sidecar)


def _unreadable(exc: BaseException) -> _Outcome:
    text = str(exc)[:300]
    message = _("Earshot could not read this file (%(error)s).") % {
        "error": f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    }
    return _Outcome(REFUSED, "unreadable", message)


class _Journal:
    """Journal rows, written once per batch, after the batch's calls were committed."""

    def __init__(self, run: ArchiveImport):
        self.run = run
        self.rows: list[ArchiveImportFile] = []

    def add(self, item: ArchiveFile, outcome: _Outcome) -> None:
        self.rows.append(
            ArchiveImportFile(
                run=self.run,
                path=item.relative,
                outcome=outcome.outcome,
                code=outcome.code,
                message=outcome.message,
                recording_id=outcome.recording_id,
            )
        )

    def claims(self, recording_id: Any) -> bool:
        return any(row.recording_id == recording_id for row in self.rows)

    def flush(self) -> None:
        if self.rows:
            ArchiveImportFile.objects.bulk_create(self.rows)
            self.rows = []


# Dry run --------------------------------------------------------------------------------


def _dry_run(
    context: _Context, files: list[ArchiveFile], report: Path | None, progress: Progress | None
) -> ArchiveSummary:
    """What the import would do, changing nothing: the ingest's checks without storing."""
    seen: dict[str, set[str]] = {"call_id": set(), "sha256": set()}
    outcomes: list[tuple[str, _Outcome]] = []
    if progress is not None:
        progress.start(total=len(files), done=0)
    for item in files:
        outcomes.append((item.relative, _check_one(context, item, seen)))
        if progress is not None:
            progress.advance()
    if progress is not None:
        progress.finish()
    summary = _summary_of(outcomes, files=len(files), report=report)
    summary.dry_run = True
    return summary


def _check_one(context: _Context, item: ArchiveFile, seen: dict[str, set[str]]) -> _Outcome:
    if item.refusal is not None:
        return _Outcome(REFUSED, item.refusal.code, item.refusal.message)
    try:
        already = archive_file_check(
            organisation=context.organisation,
            source=item.path,
            metadata=context.metadata(item),
            seen=seen,
        )
    except IngestRejected as refusal:
        return _Outcome(REFUSED, refusal.code, refusal.message)
    except OSError as exc:
        if _is_system_error(exc, item):
            raise
        return _unreadable(exc)
    return _Outcome(ALREADY if already else IMPORTED)


# The summary ----------------------------------------------------------------------------


def _summarise(run: ArchiveImport, *, files: int, report: Path | None) -> ArchiveSummary:
    rows = ArchiveImportFile.objects.filter(run=run).order_by("path")
    outcomes = (
        (path, _Outcome(outcome, code, message))
        for path, outcome, code, message in rows.values_list("path", "outcome", "code", "message")
    )
    if report is None:
        report = Path(settings.VAR_DIR) / "imports" / f"import-{run.organisation.slug}-{run.pk}.csv"
    summary = _summary_of(outcomes, files=files, report=report)
    summary.run_id = run.pk
    return summary


def _summary_of(outcomes: Any, *, files: int, report: Path | None) -> ArchiveSummary:
    summary = ArchiveSummary(files=files)
    counts: Counter[str] = Counter()
    examples: dict[str, list[tuple[str, str]]] = {}
    by_code: Counter[str] = Counter()
    refused: list[tuple[str, str, str]] = []
    for path, outcome in outcomes:
        if outcome.outcome == IMPORTED:
            summary.imported += 1
        elif outcome.outcome == ALREADY:
            summary.already_imported += 1
        else:
            summary.refused += 1
            label = reason_label(outcome.code)
            counts[label] += 1
            by_code[outcome.code] += 1
            if len(examples.setdefault(label, [])) < EXAMPLES:
                examples[label].append((path, outcome.message))
            refused.append((path, label, outcome.message))
    summary.refusals = {label: (n, examples[label]) for label, n in counts.most_common()}
    summary.refused_by_code = dict(by_code)
    if report is not None:
        summary.report = _write_report(report, refused)
    return summary


def _write_report(report: Path, refused: list[tuple[str, str, str]]) -> Path:
    """Every refused file with its reason, as CSV. Only its owner may read it: the paths of
    an archive may hold phone numbers."""
    report = Path(report)
    report.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an earlier report's file keeps its mode otherwise
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        # File names come from whoever filled the archive; the report is opened in a spreadsheet.
        writer = csv_writer(out)
        writer.writerow(REPORT_HEADER)
        writer.writerows(refused)
    return report
