"""The drop folder: the third way in, for recorders and PBXs that can only write files.

A recorder writes `<name>.<audio ext>` (and optionally `<name>.json` with the metadata) into
the organisation's folder. A scan takes each file once it has stopped changing, sends it through
the one ingest service and then removes it: the governed copy lives in Earshot's storage.

Safe to run concurrently (beat every minute, a manual `manage.py ingest`): a file is claimed
by renaming it into `.processing/<claim>/` first, and rename is atomic within one file system,
so exactly one scan wins. A scan that crashes leaves its claim behind; the next scan moves a
claim older than an hour back into the folder, where it is taken again.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from organisations.models import Organisation
from recordings.constants import Direction, IngestChannel
from recordings.metadata import declared_customer_fields
from recordings.services import IngestRejected, recording_ingest
from register.constants import CustomerField

logger = logging.getLogger(__name__)

AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".ogg", ".opus", ".flac", ".m4a"})
PROCESSING = ".processing"
REJECTED = "rejected"
# A claim this old belongs to a scan that died; nothing takes an hour for one file.
STALE_CLAIM_SECONDS = 3600

# Asterisk MixMonitor: <direction>-<to>-<from>-<YYYYMMDD>-<HHMMSS>-<uniqueid>.<ext>. The
# uniqueid is "<epoch>.<seq>", or "<systemname>-<epoch>.<seq>" when systemname is set, so it
# takes everything between the time and the extension.
ASTERISK_NAME = re.compile(
    r"^(?P<direction>in|out|internal)-(?P<to>[^-]+)-(?P<from>[^-]+)-(?P<date>\d{8})-"
    r"(?P<time>\d{6})-(?P<uniqueid>[A-Za-z0-9._-]+?)\.(?P<ext>[A-Za-z0-9]+)$",
    re.IGNORECASE,
)
ASTERISK_DIRECTIONS = {
    "in": Direction.INBOUND,
    "out": Direction.OUTBOUND,
    "internal": Direction.INTERNAL,
}
# A withheld caller id arrives as "anonymous" or "unknown": no number, not a bad number.
DIALLED_NUMBER = re.compile(r"^\+?\d{3,20}$")

Progress = Callable[[int, int, str], None]


@dataclass
class ScanReport:
    ingested: int = 0
    rejected: int = 0
    waiting: int = 0
    # An unexpected error (database, storage): the claim stays and is retried after an hour.
    failed: int = 0
    rejections: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "ingested": self.ingested,
            "rejected": self.rejected,
            "waiting": self.waiting,
            "failed": self.failed,
        }


def parse_asterisk_name(filename: str) -> dict[str, Any] | None:
    """Metadata for recording_ingest from an Asterisk MixMonitor file name, or None."""
    match = ASTERISK_NAME.match(filename)
    if match is None or "." + match["ext"].lower() not in AUDIO_EXTENSIONS:
        return None
    try:
        started = datetime.strptime(match["date"] + match["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    direction = ASTERISK_DIRECTIONS[match["direction"].lower()]
    metadata: dict[str, Any] = {
        "call_id": match["uniqueid"],
        # Naive on purpose: the PBX writes its local time, which the metadata form reads as
        # the organisation's time zone.
        "started_at": started.strftime("%Y-%m-%dT%H:%M:%S"),
        "direction": direction.value,
    }
    customer = {Direction.INBOUND: match["from"], Direction.OUTBOUND: match["to"]}.get(direction)
    if customer and DIALLED_NUMBER.match(customer):
        metadata["customer_phone"] = customer
    return metadata


def _is_audio(path: Path) -> bool:
    # Dot files are temporary names of copying tools (rsync, scp); they are never complete.
    return path.suffix.lower() in AUDIO_EXTENSIONS and not path.name.startswith(".")


def _sidecar_of(audio: Path) -> Path | None:
    for suffix in (".json", ".JSON"):
        candidate = audio.with_name(audio.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def _free_name(directory: Path, name: str) -> str:
    """`name`, or `stem-2.ext`, ... so that a rejected file never overwrites an earlier one."""
    stem, suffix = os.path.splitext(name)
    candidate, n = name, 1
    while any(
        (directory / f).exists() for f in (candidate, stem + ".json", candidate + ".error.txt")
    ):
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate


def _put_back(folder: Path, files: list[Path]) -> None:
    """Return a claim's files to the folder under free names, the sidecar beside its audio."""
    audio = next((path for path in files if _is_audio(path)), None)
    base = _free_name(folder, audio.name) if audio is not None else None
    for path in files:
        if path is audio:
            target = folder / base
        elif base is not None and path.suffix.lower() == ".json":
            target = folder / (os.path.splitext(base)[0] + ".json")
        else:
            target = folder / _free_name(folder, path.name)
        os.rename(path, target)


def _recover_stale_claims(folder: Path, now: float) -> None:
    processing = folder / PROCESSING
    if not processing.is_dir():
        return
    for claim in processing.iterdir():
        try:
            # A claim folder's mtime is the moment its files were renamed into it.
            if now - claim.stat().st_mtime < STALE_CLAIM_SECONDS:
                continue
            _put_back(folder, sorted(claim.iterdir()) if claim.is_dir() else [claim])
            if claim.is_dir():
                claim.rmdir()
            logger.warning(
                "Drop folder %s: took back %s left by an interrupted scan", folder, claim.name
            )
        except FileNotFoundError:  # another scan recovered it first
            continue


def _claim(folder: Path, audio: Path, sidecar: Path | None) -> tuple[Path, Path | None] | None:
    """Move the file (and sidecar) into a fresh claim folder; None when another scan won."""
    claim = folder / PROCESSING / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"
    claim.mkdir(mode=0o750, parents=True)
    try:
        os.rename(audio, claim / audio.name)
    except FileNotFoundError:
        claim.rmdir()
        return None
    if sidecar is None:
        return claim / audio.name, None
    try:
        os.rename(sidecar, claim / sidecar.name)
    except FileNotFoundError:  # the sidecar vanished under us: not ours to guess, try later
        os.rename(claim / audio.name, audio)
        claim.rmdir()
        return None
    return claim / audio.name, claim / sidecar.name


def _metadata(organisation: Organisation, audio: Path, sidecar: Path | None) -> dict[str, Any]:
    if sidecar is not None:
        try:
            metadata = json.loads(sidecar.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IngestRejected("sidecar", f"{sidecar.name} is not valid JSON: {exc}") from exc
        if not isinstance(metadata, dict):
            raise IngestRejected("sidecar", f"{sidecar.name} must hold one JSON object.")
        return metadata
    metadata = parse_asterisk_name(audio.name)
    if metadata is None:
        raise IngestRejected(
            "no_metadata",
            f"No metadata: there is no {audio.stem}.json beside the file and its name is not "
            "an Asterisk name (<in|out|internal>-<to>-<from>-<YYYYMMDD>-<HHMMSS>-<id>.wav).",
        )
    # The PBX puts the number in every name, declared or not; the register decides whether
    # Earshot keeps it, so an undeclared number is left out rather than refusing the call.
    if "customer_phone" in metadata and CustomerField.PHONE not in declared_customer_fields(
        organisation
    ):
        del metadata["customer_phone"]
    return metadata


def _reject(folder: Path, audio: Path, sidecar: Path | None, error: IngestRejected) -> str:
    rejected = folder / REJECTED
    rejected.mkdir(mode=0o750, exist_ok=True)
    name = _free_name(rejected, audio.name)
    # The explanation first, so that a rejected file is never found without its reason.
    (rejected / f"{name}.error.txt").write_text(
        f"reason: {error.message}\ncode: {error.code}\ntime: {timezone.now().isoformat()}\n"
        f"file: {audio.name}\n",
        encoding="utf-8",
    )
    os.rename(audio, rejected / name)
    if sidecar is not None:
        os.rename(sidecar, rejected / (os.path.splitext(name)[0] + ".json"))
    return name


def _ready(
    folder: Path, now: float, settle_seconds: int, report: ScanReport
) -> list[tuple[Path, Path | None]]:
    """(audio, sidecar) whose files have not changed for settle_seconds, oldest first."""
    ready = []
    for path in folder.iterdir():
        if not path.is_file() or not _is_audio(path):
            continue
        sidecar = _sidecar_of(path)
        try:
            mtimes = [p.stat().st_mtime for p in (path, sidecar) if p is not None]
        except FileNotFoundError:  # taken by another scan while we looked
            continue
        if any(now - mtime < settle_seconds for mtime in mtimes):
            report.waiting += 1
        else:
            ready.append((max(mtimes), path.name, path, sidecar))
    return [(path, sidecar) for *_, path, sidecar in sorted(ready)]


def drop_folder_scan(
    *,
    organisation: Organisation,
    folder: Path,
    settle_seconds: int,
    now: float | None = None,
    progress: Progress | None = None,
) -> ScanReport:
    """Ingest every complete audio file directly in `folder` for `organisation`."""
    folder = Path(folder)
    now = time.time() if now is None else now
    report = ScanReport()
    _recover_stale_claims(folder, now)
    files = _ready(folder, now, settle_seconds, report)
    for done, (audio, sidecar) in enumerate(files, start=1):
        if _sidecar_of(audio) != sidecar:
            # A sidecar appeared after the settle check: it may be half written. Next scan.
            report.waiting += 1
        elif (claimed := _claim(folder, audio, sidecar)) is not None:
            _process(organisation, folder, *claimed, report)
        if progress is not None:
            progress(done, len(files), audio.name)
    return report


def _process(
    organisation: Organisation, folder: Path, audio: Path, sidecar: Path | None, report: ScanReport
) -> None:
    try:
        metadata = _metadata(organisation, audio, sidecar)
        recording_ingest(
            organisation=organisation,
            source=audio,
            metadata=metadata,
            channel=IngestChannel.DROP_FOLDER,
        )
    except IngestRejected as error:
        _reject(folder, audio, sidecar, error)
        report.rejected += 1
        report.rejections.append((audio.name, error.message))
        logger.warning(
            "Drop folder %s: rejected %s (%s): %s", folder, audio.name, error.code, error.message
        )
    except Exception:
        # Not the file's fault (database, storage down): the claim stays and the recovery
        # puts it back after an hour, a natural back-off instead of a retry every minute.
        report.failed += 1
        logger.exception("Drop folder %s: could not ingest %s", folder, audio.name)
        return
    else:
        # Deleted, not kept: the governed copy is in Earshot's storage now, and a second copy
        # here would escape the declared retention that the purge enforces on that one.
        for path in (audio, sidecar):
            if path is not None:
                path.unlink(missing_ok=True)
        report.ingested += 1
    try:
        audio.parent.rmdir()  # the claim folder, empty now
    except OSError:
        logger.warning("Drop folder %s: claim %s not empty", folder, audio.parent.name)


def drop_folder_sweep_rejected(
    *, organisation: Organisation, folder: Path, max_age_days: int
) -> int:
    """Delete rejected files older than the organisation's recording retention.

    Rejected files hold personal data (voices, numbers) like any recording, so they may not
    outlive the declared retention either. Rename keeps a file's mtime, so its age counts from
    when the recorder wrote it, not from the rejection. Returns the number of files deleted.
    """
    rejected = Path(folder) / REJECTED
    if not rejected.is_dir():
        return 0
    cutoff = time.time() - max_age_days * 86400
    deleted = 0
    for path in rejected.iterdir():
        try:
            if not path.is_file() or path.stat().st_mtime >= cutoff:
                continue
            related = [path]
            if _is_audio(path):  # its sidecar and explanation go with it, whatever their age
                related += [
                    path.with_name(path.stem + ".json"),
                    path.with_name(path.name + ".error.txt"),
                ]
            for item in related:
                if item.exists():
                    item.unlink()
                    deleted += 1
        except FileNotFoundError:
            continue
    if deleted:
        logger.info(
            "Drop folder of %s: deleted %s rejected file(s) past %s days",
            organisation.slug,
            deleted,
            max_age_days,
        )
    return deleted
