"""The drop folder: the third way in, for recorders and PBXs that can only write files.

A recorder writes `<name>.<audio ext>` (and optionally `<name>.json` with the metadata) into
the organisation's folder. A scan takes each file once it has stopped changing, sends it through
the one ingest service and then removes it: the governed copy lives in Earshot's storage.
Everything else in the folder ends as a rejection with its reason, never lingers unseen:
other file types, folders, links, pipes and devices, a sidecar whose audio never came.

Safe to run concurrently (beat every minute, a manual `manage.py ingest`): a file is claimed
by renaming it into `.processing/<claim>/` first, and rename is atomic within one file system,
so exactly one scan wins. Nothing in the folder is trusted: entries are looked at with lstat,
links are never followed, a claimed file is opened with O_NOFOLLOW and read through that one
descriptor, and a file that changed since its settle check goes back for the next scan.

Files go in batches (recordings.ingest_batch: one claim folder, two transactions and one
audit batch per BATCH_SIZE files, probing and hashing in threads). A file leaves its claim only
once its fate is certain: deleted after the commit that made it a call, or rejected. A scan
killed halfway leaves its claim; an hour later a scan takes it back and resumes it, so an
interrupted batch neither loses a call nor ingests one twice.

A claim that fails for a reason of the system (database, storage, disk), or whose file
changed while it was stored, stays in `.processing/`; an hour later a scan tries it again, at
most MAX_ATTEMPTS times, then rejects it with the last error. Anything wrong with the file
itself is a rejection at once, and refuses only that file: the rest of its batch goes in.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import InterfaceError, InternalError, OperationalError, ProgrammingError
from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.constants import IngestChannel
from recordings.dropfolder_claims import (
    ATTEMPTS_FILE,
    LAST_ERROR_FILE,
    STALE_CLAIM_SECONDS,
    attempts_of,
    claim_files,
    close_claim,
    last_error_of,
    new_claim,
    stale_claims,
    take_over,
)
from recordings.dropfolder_entries import (
    AUDIO_EXTENSIONS,
    PROCESSING,
    Entry,
    Refused,
    ScanReport,
    display_name,
    drop_folder_sweep_rejected,
    own_dir,
    put_back,
    refuse,
    sidecar_of,
    survey,
)
from recordings.dropfolder_files import (
    claimed_metadata,
    open_claimed,
    parse_asterisk_name,
    unchanged,
)
from recordings.ingest_batch import BATCH_SIZE, WORKERS, IngestItem, recordings_ingest_batch
from recordings.keystore import KeyUnavailable
from recordings.services import (
    IngestRejected,
)

logger = logging.getLogger(__name__)

# A day of hourly tries: longer than an outage that nobody notices, short enough to end.
MAX_ATTEMPTS = 24
# Errors of the system, not of the file: the claim is tried again later. (KeyUnavailable: the
# key store has a day key it cannot read; an operator restores it.)
_SYSTEM_ERRORS = (
    OperationalError,
    InterfaceError,
    InternalError,
    ProgrammingError,
    OSError,
    KeyUnavailable,
)
# A refusal that says "not now" rather than "never": the file changed while it was sealed
# (its recorder is still writing). Its claim stays, like an error of the system's: a scan an
# hour later tries it again, at most MAX_ATTEMPTS times (a file that differs at every read,
# put back into the folder each time, came back forever).
_NOT_NOW = {"changed_while_reading"}
# Storage clients, the broker, and a worker's soft time limit (billiard) are never the file's fault.
_SYSTEM_MODULES = {"botocore", "boto3", "urllib3", "redis", "kombu", "billiard", "celery"}

Progress = Callable[[int, int, str], None]


# Scanning ----------------------------------------------------------------------------------


def drop_folder_scan(
    *,
    organisation: Organisation,
    folder: Path,
    settle_seconds: int,
    now: float | None = None,
    progress: Progress | None = None,
) -> ScanReport:
    """Ingest or refuse every settled entry directly in `folder` for `organisation`.

    Entries go in batches of BATCH_SIZE (one transaction pair and one audit batch each,
    recordings.ingest_batch). One entry's failure never stops the others: a bad file refuses
    only itself, and its batch goes on without it.
    """
    folder = Path(folder)
    now = time.time() if now is None else now
    report = ScanReport()
    own_dir(folder, PROCESSING)
    with ThreadPoolExecutor(max_workers=WORKERS) as executor:
        for claim in stale_claims(folder, now):
            _guarded(
                folder,
                claim.name,
                report,
                lambda c=claim: _retry_claim(organisation, folder, c, report, executor),
            )
        entries = survey(folder, now, settle_seconds, report)
        done = 0
        for start in range(0, len(entries), BATCH_SIZE):
            batch = entries[start : start + BATCH_SIZE]
            # One claim folder for the batch: a folder per file cost two block frees per call.
            claim = new_claim(folder)
            claimed: list[_Claimed | None] = []
            try:
                for entry in batch:
                    _guarded(
                        folder,
                        entry.path.name,
                        report,
                        lambda e=entry, c=claimed, d=claim: c.append(
                            _handle(organisation, folder, e, report, d)
                        ),
                    )
                _guarded(
                    folder,
                    batch[0].path.name,
                    report,
                    lambda c=claimed: _ingest_claimed(
                        organisation, folder, [x for x in c if x is not None], report, executor
                    ),
                )
            finally:
                close_claim(claim)
            if progress is not None:
                for entry in batch:
                    done += 1
                    progress(done, len(entries), display_name(entry.path.name))
    return report


def _guarded(folder: Path, name: str, report: ScanReport, work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:
        report.failed += 1
        logger.exception("Drop folder %s: could not handle %s", folder, display_name(name))


@dataclass
class _Claimed:
    """A file claimed, opened and read for its metadata, waiting for its batch."""

    folder: Path
    audio: Path
    sidecar: Path | None
    fd: int
    metadata: dict[str, Any] = field(default_factory=dict)
    hint: datetime | None = None

    @property
    def claim(self) -> Path:
        return self.audio.parent

    @property
    def source(self) -> Path:
        # Read through the descriptor opened with O_NOFOLLOW: a name swapped for a link after
        # the check cannot redirect the read. /proc/self/fd re-opens exactly that file (Linux).
        proc = Path(f"/proc/self/fd/{self.fd}")
        return proc if proc.exists() else self.audio

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _handle(
    organisation: Organisation, folder: Path, entry: Entry, report: ScanReport, claim: Path
) -> _Claimed | None:
    """Refuse the entry, leave it for the next scan, or claim it for the batch."""
    if entry.refusal is not None:
        try:
            refuse(
                folder,
                entry.path,
                entry.sidecar,
                entry.refusal.code,
                entry.refusal.message,
                remove=entry.refusal.remove,
            )
        except FileNotFoundError:
            return None
        _count_rejection(folder, report, entry.path.name, entry.refusal.code, entry.refusal.message)
        return None
    if sidecar_of(entry.path) != entry.sidecar:
        # A sidecar appeared after the settle check: it may be half written. Next scan.
        report.waiting += 1
        return None
    if _claim(folder, entry.path, entry.sidecar, claim) is None:
        return None
    audio = claim / entry.path.name
    sidecar = claim / entry.sidecar.name if entry.sidecar is not None else None
    return _open(organisation, folder, audio, sidecar, report, entry)


def _claim(folder: Path, path: Path, sidecar: Path | None, into: Path | None = None) -> Path | None:
    """Claim a file (see recordings.dropfolder_claims); a name of its own so that a test can
    stage what happens between the claim and the read."""
    return claim_files(folder, path, sidecar, into)


def _retry_claim(
    organisation: Organisation,
    folder: Path,
    claim: Path,
    report: ScanReport,
    executor: ThreadPoolExecutor,
) -> None:
    """Take over a claim an hour old: try its files again, or reject them after
    MAX_ATTEMPTS."""
    taken = take_over(folder, claim)
    if taken is None:
        return
    mine, pairs = taken
    try:
        attempts = attempts_of(mine)
        if attempts >= MAX_ATTEMPTS:
            last = last_error_of(mine) or _("unknown (the scan was interrupted)")
            message = _(
                "Earshot could not ingest this file in %(attempts)s attempts; the last error "
                "was: %(error)s"
            ) % {"attempts": attempts, "error": last}
            for audio, sidecar in pairs:
                refuse(folder, audio, sidecar, "attempts", message)
                _count_rejection(folder, report, audio.name, "attempts", message)
            return
        (mine / ATTEMPTS_FILE).write_text(str(attempts + 1), encoding="ascii")
        claimed = []
        for audio, sidecar in pairs:
            logger.warning(
                "Drop folder %s: trying %s again (attempt %s)",
                folder,
                display_name(audio.name),
                attempts + 1,
            )
            claimed.append(_open(organisation, folder, audio, sidecar, report, None))
        # Their last try may have committed before the scan died: resume, never a duplicate.
        _ingest_claimed(
            organisation,
            folder,
            [c for c in claimed if c is not None],
            report,
            executor,
            resume=True,
        )
    finally:
        close_claim(mine)


def _open(
    organisation: Organisation,
    folder: Path,
    audio: Path,
    sidecar: Path | None,
    report: ScanReport,
    entry: Entry | None,
) -> _Claimed | None:
    """Open a claimed file through one descriptor and read its metadata; or reject it, or
    put it back when it changed since the settle check. None when it is dealt with."""
    try:
        fd = open_claimed(audio)
    except Refused as refusal:
        refuse(folder, audio, sidecar, refusal.code, refusal.message, remove=refusal.remove)
        _count_rejection(folder, report, audio.name, refusal.code, refusal.message)
        return None
    claimed = _Claimed(folder=folder, audio=audio, sidecar=sidecar, fd=fd)
    try:
        if entry is not None and not unchanged(fd, entry.seen, sidecar, entry.sidecar_seen):
            # Written to after the settle check: still being written. Back for the next scan.
            claimed.close()
            put_back(folder, [p for p in (audio, sidecar) if p is not None])
            report.waiting += 1
            return None
        # When the recorder finished writing: settles a local start in the repeated autumn hour.
        claimed.hint = datetime.fromtimestamp(os.fstat(fd).st_mtime, UTC)
        claimed.metadata = claimed_metadata(organisation, audio, sidecar)
    except Exception as exc:
        _finish(claimed, report, exc)
        return None
    return claimed


def _ingest_claimed(
    organisation: Organisation,
    folder: Path,
    claimed: list[_Claimed],
    report: ScanReport,
    executor: ThreadPoolExecutor,
    *,
    resume: bool = False,
) -> None:
    """Ingest a batch of claimed files; each is removed, rejected or kept for a retry only
    after the batch's transaction, so a scan killed halfway loses and doubles nothing."""
    if not claimed:
        return
    try:
        items = [
            IngestItem(source=c.source, metadata=c.metadata, started_at_hint=c.hint, resume=resume)
            for c in claimed
        ]
        try:
            errors = [
                outcome.error
                for outcome in recordings_ingest_batch(
                    organisation=organisation,
                    items=items,
                    channel=IngestChannel.DROP_FOLDER,
                    executor=executor,
                )
            ]
        except Exception as exc:  # the batch promises not to raise; if it does, all wait
            errors = [exc] * len(claimed)
        for c, error in zip(claimed, errors, strict=True):
            _guarded(folder, c.audio.name, report, lambda c=c, e=error: _finish(c, report, e))
    finally:
        for c in claimed:
            c.close()


def _finish(claimed: _Claimed, report: ScanReport, error: BaseException | None) -> None:
    """Remove an ingested file, reject a refused one, or keep the claim for a later try."""
    claimed.close()
    folder, audio, sidecar, claim = claimed.folder, claimed.audio, claimed.sidecar, claimed.claim
    if error is None:
        # Deleted, not kept: the governed copy is in Earshot's storage now, and a second
        # copy here would escape the declared retention that the purge enforces on that one.
        for path in (audio, sidecar):
            if path is not None:
                path.unlink(missing_ok=True)
        report.ingested += 1
        return
    if isinstance(error, IngestRejected) and error.code in _NOT_NOW:
        report.waiting += 1
        logger.warning(
            "Drop folder %s: %s changed while it was read; tried again in an hour",
            folder,
            display_name(audio.name),
        )
        with contextlib.suppress(OSError):  # what the refusal after MAX_ATTEMPTS names
            (claim / LAST_ERROR_FILE).write_text(str(error.message), encoding="utf-8")
        return
    if isinstance(error, IngestRejected):
        code, message = error.code, error.message
    elif not _is_system_error(error):
        # The file's own content broke something: refusing it is the only end.
        logger.error(
            "Drop folder %s: %s broke ingest",
            folder,
            display_name(audio.name),
            exc_info=(type(error), error, error.__traceback__),
        )
        code = "unreadable"
        message = _("Earshot could not read this file (%(error)s).") % {"error": _describe(error)}
    else:
        # Not the file's fault: the claim stays and a scan an hour later tries again,
        # a natural back-off instead of a retry every minute.
        report.failed += 1
        logger.error(
            "Drop folder %s: could not ingest %s",
            folder,
            display_name(audio.name),
            exc_info=(type(error), error, error.__traceback__),
        )
        with contextlib.suppress(OSError):  # a full disk may refuse even this
            (claim / LAST_ERROR_FILE).write_text(_describe(error), encoding="utf-8")
        return
    refuse(folder, audio, sidecar, code, message)
    _count_rejection(folder, report, audio.name, code, message)


def _is_system_error(exc: BaseException) -> bool:
    if isinstance(exc, _SYSTEM_ERRORS):
        return True
    return type(exc).__module__.partition(".")[0] in _SYSTEM_MODULES


def _describe(exc: BaseException) -> str:
    text = str(exc)
    if len(text) > 300:
        text = text[:300] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _count_rejection(folder: Path, report: ScanReport, name: str, code: str, message: str) -> None:
    report.rejected += 1
    report.rejections.append((display_name(name), message))
    logger.warning(
        "Drop folder %s: rejected %s (%s): %s", folder, display_name(name), code, message
    )


__all__ = [
    "AUDIO_EXTENSIONS",
    "MAX_ATTEMPTS",
    "STALE_CLAIM_SECONDS",
    "ScanReport",
    "display_name",
    "drop_folder_scan",
    "drop_folder_sweep_rejected",
    "parse_asterisk_name",
]
