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

A claim that fails for a reason of the system (database, storage, disk) stays in
`.processing/`; an hour later a scan tries it again, at most MAX_ATTEMPTS times, then rejects
it with the last error. Anything wrong with the file itself is a rejection at once.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import InterfaceError, InternalError, OperationalError, ProgrammingError
from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.asterisk import parse_asterisk_name as _parse_asterisk_name
from recordings.constants import IngestChannel
from recordings.dropfolder_entries import (
    AUDIO_EXTENSIONS,
    PROCESSING,
    Entry,
    Refused,
    ScanReport,
    Seen,
    display_name,
    drop_folder_sweep_rejected,
    hard_link_refusal,
    is_sidecar,
    lstat,
    own_dir,
    put_back,
    refuse,
    sidecar_of,
    survey,
)
from recordings.metadata import declared_customer_fields
from recordings.services import (
    METADATA_MAX_BYTES,
    IngestRejected,
    recording_ingest,
    recording_metadata_parse,
)
from register.constants import CustomerField

logger = logging.getLogger(__name__)

ATTEMPTS_FILE = ".attempts"
LAST_ERROR_FILE = ".last-error"
# A claim this old belongs to a scan that died or failed; nothing takes an hour for one file.
STALE_CLAIM_SECONDS = 3600
# A day of hourly tries: longer than an outage that nobody notices, short enough to end.
MAX_ATTEMPTS = 24
# Metadata is a handful of short fields; anything larger is not a sidecar.
MAX_SIDECAR_BYTES = METADATA_MAX_BYTES
# os.O_NOFOLLOW is POSIX; O_NONBLOCK keeps a pipe swapped in after the check from blocking.
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
# Errors of the system, not of the file: the claim is tried again later.
_SYSTEM_ERRORS = (OperationalError, InterfaceError, InternalError, ProgrammingError, OSError)
# Storage clients, the broker, and a worker's soft time limit (billiard) are never the file's fault.
_SYSTEM_MODULES = {"botocore", "boto3", "urllib3", "redis", "kombu", "billiard", "celery"}

Progress = Callable[[int, int, str], None]


def parse_asterisk_name(filename: str, *, tz=None) -> dict[str, Any] | None:
    """Metadata from an Asterisk MixMonitor name (see recordings.asterisk), or None."""
    return _parse_asterisk_name(filename, extensions=AUDIO_EXTENSIONS, tz=tz)


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

    One entry's failure never stops the others: each is handled on its own.
    """
    folder = Path(folder)
    now = time.time() if now is None else now
    report = ScanReport()
    own_dir(folder, PROCESSING)
    for claim in _stale_claims(folder, now):
        _guarded(
            folder,
            claim.name,
            report,
            lambda c=claim: _retry_claim(organisation, folder, c, report),
        )
    entries = survey(folder, now, settle_seconds, report)
    for done, entry in enumerate(entries, start=1):
        _guarded(
            folder,
            entry.path.name,
            report,
            lambda e=entry: _handle(organisation, folder, e, report),
        )
        if progress is not None:
            progress(done, len(entries), display_name(entry.path.name))
    return report


def _guarded(folder: Path, name: str, report: ScanReport, work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:
        report.failed += 1
        logger.exception("Drop folder %s: could not handle %s", folder, display_name(name))


def _handle(organisation: Organisation, folder: Path, entry: Entry, report: ScanReport) -> None:
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
            return
        _count_rejection(folder, report, entry.path.name, entry.refusal.code, entry.refusal.message)
        return
    if sidecar_of(entry.path) != entry.sidecar:
        # A sidecar appeared after the settle check: it may be half written. Next scan.
        report.waiting += 1
        return
    claim = _claim(folder, entry.path, entry.sidecar)
    if claim is None:
        return
    audio = claim / entry.path.name
    sidecar = claim / entry.sidecar.name if entry.sidecar is not None else None
    _process(organisation, folder, audio, sidecar, report, entry)


def _claim(folder: Path, path: Path, sidecar: Path | None) -> Path | None:
    """Move the file (and sidecar) into a fresh claim folder; None when another scan won."""
    claim = folder / PROCESSING / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"
    claim.mkdir(mode=0o750)
    (claim / ATTEMPTS_FILE).write_text("1", encoding="ascii")
    try:
        os.rename(path, claim / path.name)
    except FileNotFoundError:
        _remove_claim(claim)
        return None
    if sidecar is not None:
        try:
            os.rename(sidecar, claim / sidecar.name)
        except FileNotFoundError:  # the sidecar vanished under us: not ours to guess, try later
            os.rename(claim / path.name, path)
            _remove_claim(claim)
            return None
    return claim


def _remove_claim(claim: Path) -> None:
    for name in (ATTEMPTS_FILE, LAST_ERROR_FILE):
        (claim / name).unlink(missing_ok=True)
    try:
        claim.rmdir()
    except OSError:
        logger.warning("Drop folder: claim %s not empty", claim)


def _stale_claims(folder: Path, now: float) -> list[Path]:
    processing = folder / PROCESSING
    stale = []
    for claim in processing.iterdir():
        st = lstat(claim)
        # A claim folder's mtime is the moment its files were renamed into it.
        if st is not None and now - st.st_mtime >= STALE_CLAIM_SECONDS:
            stale.append(claim)
    return stale


def _retry_claim(organisation: Organisation, folder: Path, claim: Path, report: ScanReport) -> None:
    """Take over a claim an hour old: try it again, or reject it after MAX_ATTEMPTS."""
    st = lstat(claim)
    if st is None:
        return
    if not stat.S_ISDIR(st.st_mode):  # not one of ours: back into the folder to be judged
        put_back(folder, [claim])
        return
    # Renaming claims it from every other scan; the new name's mtime starts the next hour.
    mine = claim.with_name(f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}")
    try:
        os.rename(claim, mine)
    except FileNotFoundError:
        return
    os.utime(mine, follow_symlinks=False)
    try:
        attempts = int((mine / ATTEMPTS_FILE).read_text(encoding="ascii").strip() or 1)
    except (OSError, ValueError):
        attempts = 1
    files = sorted(p for p in mine.iterdir() if p.name not in (ATTEMPTS_FILE, LAST_ERROR_FILE))
    main = [p for p in files if not is_sidecar(p.name)]
    if len(main) != 1 or len(files) > 2:  # not a claim this code made: let the folder judge
        put_back(folder, files)
        _remove_claim(mine)
        return
    audio = main[0]
    sidecar = next((p for p in files if p is not audio), None)
    if attempts >= MAX_ATTEMPTS:
        try:
            last = (mine / LAST_ERROR_FILE).read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            last = _("unknown (the scan was interrupted)")
        message = _(
            "Earshot could not ingest this file in %(attempts)s attempts; the last error was: "
            "%(error)s"
        ) % {"attempts": attempts, "error": last}
        refuse(folder, audio, sidecar, "attempts", message)
        _count_rejection(folder, report, audio.name, "attempts", message)
        _remove_claim(mine)
        return
    (mine / ATTEMPTS_FILE).write_text(str(attempts + 1), encoding="ascii")
    logger.warning(
        "Drop folder %s: trying %s again (attempt %s)",
        folder,
        display_name(audio.name),
        attempts + 1,
    )
    _process(organisation, folder, audio, sidecar, report, None)


def _process(
    organisation: Organisation,
    folder: Path,
    audio: Path,
    sidecar: Path | None,
    report: ScanReport,
    entry: Entry | None,
) -> None:
    """Ingest a claimed file through one descriptor, or reject it, or leave it for a retry."""
    claim = audio.parent
    try:
        fd = _open_claimed(audio)
    except Refused as refusal:
        refuse(folder, audio, sidecar, refusal.code, refusal.message, remove=refusal.remove)
        _count_rejection(folder, report, audio.name, refusal.code, refusal.message)
        _remove_claim(claim)
        return
    try:
        if entry is not None and not _unchanged(fd, entry.seen, sidecar, entry.sidecar_seen):
            # Written to after the settle check: still being written. Back for the next scan.
            os.close(fd)
            fd = -1
            put_back(folder, [p for p in (audio, sidecar) if p is not None])
            _remove_claim(claim)
            report.waiting += 1
            return
        try:
            _ingest(organisation, audio, fd, sidecar)
        except IngestRejected as error:
            code, message = error.code, error.message
        except Exception as exc:
            if not _is_system_error(exc):
                # The file's own content broke something: refusing it is the only end.
                logger.exception(
                    "Drop folder %s: %s broke ingest", folder, display_name(audio.name)
                )
                code = "unreadable"
                message = _("Earshot could not read this file (%(error)s).") % {
                    "error": _describe(exc)
                }
            else:
                # Not the file's fault: the claim stays and a scan an hour later tries again,
                # a natural back-off instead of a retry every minute.
                report.failed += 1
                logger.exception(
                    "Drop folder %s: could not ingest %s", folder, display_name(audio.name)
                )
                with contextlib.suppress(OSError):  # a full disk may refuse even this
                    (claim / LAST_ERROR_FILE).write_text(_describe(exc), encoding="utf-8")
                return
        else:
            # Deleted, not kept: the governed copy is in Earshot's storage now, and a second
            # copy here would escape the declared retention that the purge enforces on that one.
            for path in (audio, sidecar):
                if path is not None:
                    path.unlink(missing_ok=True)
            report.ingested += 1
            _remove_claim(claim)
            return
    finally:
        if fd >= 0:
            os.close(fd)
    refuse(folder, audio, sidecar, code, message)
    _count_rejection(folder, report, audio.name, code, message)
    _remove_claim(claim)


def _open_claimed(path: Path) -> int:
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise Refused(
            "symlink",
            _("This is a symbolic link. Earshot does not follow links. The link was removed."),
            remove=True,
        ) from exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise Refused(
            "not_a_file",
            _("This is not a regular file (a named pipe, socket or device). It was removed."),
            remove=True,
        )
    if st.st_nlink > 1:
        os.close(fd)
        raise hard_link_refusal()
    return fd


def _unchanged(fd: int, seen: Seen | None, sidecar: Path | None, sidecar_seen: Seen | None) -> bool:
    if seen is not None and Seen.of(os.fstat(fd)) != seen:
        return False
    if sidecar is not None:
        st = lstat(sidecar)
        return st is not None and stat.S_ISREG(st.st_mode) and Seen.of(st) == sidecar_seen
    return True


def _ingest(organisation: Organisation, audio: Path, fd: int, sidecar: Path | None) -> None:
    metadata = _metadata(organisation, audio, sidecar)
    # Read through the descriptor opened with O_NOFOLLOW: a name swapped for a link after the
    # check cannot redirect the read. /proc/self/fd re-opens exactly that file (Linux).
    proc = Path(f"/proc/self/fd/{fd}")
    source = proc if proc.exists() else audio
    recording_ingest(
        organisation=organisation,
        source=source,
        metadata=metadata,
        channel=IngestChannel.DROP_FOLDER,
        # When the recorder finished writing: settles a local start in the repeated autumn hour.
        started_at_hint=datetime.fromtimestamp(os.fstat(fd).st_mtime, UTC),
    )


def _read_sidecar(sidecar: Path) -> bytes:
    fd = os.open(sidecar, _OPEN_FLAGS)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise IngestRejected("sidecar", _("The metadata file is not a regular file."))
        content = f.read(MAX_SIDECAR_BYTES + 1)
    if len(content) > MAX_SIDECAR_BYTES:
        raise IngestRejected(
            "sidecar",
            _("The metadata file is larger than %(limit)s KB.")
            % {"limit": MAX_SIDECAR_BYTES // 1024},
        )
    return content


def _metadata(organisation: Organisation, audio: Path, sidecar: Path | None) -> dict[str, Any]:
    if sidecar is not None:
        try:
            raw = _read_sidecar(sidecar)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            raise IngestRejected("sidecar", _("The metadata file is a symbolic link.")) from exc
        # The same reading as the API's metadata field: one JSON object, or a clear refusal.
        return recording_metadata_parse(raw=raw)
    metadata = parse_asterisk_name(audio.name, tz=ZoneInfo(organisation.timezone))
    if metadata is None:
        raise IngestRejected(
            "no_metadata",
            _(
                "No metadata: there is no %(sidecar)s beside the file and its name is not an "
                "Asterisk name (<in|out|internal>-<to>-<from>-<YYYYMMDD>-<HHMMSS>-<id>.wav)."
            )
            % {"sidecar": display_name(os.path.splitext(audio.name)[0] + ".json")},
        )
    # The PBX puts the number in every name, declared or not; the register decides whether
    # Earshot keeps it, so an undeclared number is left out rather than refusing the call.
    if "customer_phone" in metadata and CustomerField.PHONE not in declared_customer_fields(
        organisation
    ):
        del metadata["customer_phone"]
    return metadata


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
