"""What is in a drop folder: each entry, whether it may be taken, why it is refused.

Nothing here follows a link or opens a file: entries are looked at with lstat, and refused ones
are moved (or, for links, pipes and devices, deleted) into `rejected/` beside a
`<name>.error.txt` that says why. The sweep removes rejected entries past the retention.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Organisation

logger = logging.getLogger(__name__)

AUDIO_EXTENSIONS = frozenset(
    {".wav", ".mp3", ".ogg", ".oga", ".opus", ".spx", ".flac", ".m4a", ".mp4", ".aac"}
    | {".aif", ".aiff", ".aifc"}
)
PROCESSING = ".processing"
REJECTED = "rejected"
# A sidecar may come first; its audio gets an hour to arrive (a slow copy of a long call).
LONE_SIDECAR_SECONDS = 3600
# rsync and scp write to ".name.XXXX" and rename when done; one left a day is abandoned.
TEMPORARY_SECONDS = 86400
# A file name is at most 255 bytes on common file systems; ".error.txt" must fit after it.
MAX_NAME_BYTES = 255 - len(".error.txt")


@dataclass
class ScanReport:
    ingested: int = 0
    rejected: int = 0
    waiting: int = 0
    # An error of the system (database, storage): the claim stays and is retried after an hour.
    failed: int = 0
    rejections: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "ingested": self.ingested,
            "rejected": self.rejected,
            "waiting": self.waiting,
            "failed": self.failed,
        }


@dataclass(frozen=True)
class Seen:
    """A file as the settle check saw it; the claimed file must still be exactly this."""

    dev: int
    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Seen:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class Refused(Exception):
    """A folder entry refused before ingest; `remove`: delete it rather than keep it."""

    def __init__(self, code: str, message: str, *, remove: bool = False):
        super().__init__(message)
        self.code, self.message, self.remove = code, message, remove


def hard_link_refusal() -> Refused:
    # A second name for a file elsewhere on the disk (the audio storage, another tenant's
    # folder): taking it would copy what this folder's owner never wrote. The data stays under
    # its other name; only this one is removed.
    return Refused(
        "hard_link",
        _(
            "This file has another name elsewhere on the disk (a hard link). Earshot takes only "
            "files written into the folder. This name was removed."
        ),
        remove=True,
    )


def display_name(name: str) -> str:
    """A file name as printable text: bytes that are not UTF-8 appear as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def is_audio(name: str) -> bool:
    # Dot files are temporary names of copying tools (rsync, scp); they are never complete.
    return os.path.splitext(name)[1].lower() in AUDIO_EXTENSIONS and not name.startswith(".")


def is_sidecar(name: str) -> bool:
    return os.path.splitext(name)[1].lower() == ".json" and not name.startswith(".")


def lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def sidecar_of(path: Path) -> Path | None:
    """The regular `<stem>.json` beside `path`; a link or pipe of that name is no sidecar."""
    for suffix in (".json", ".JSON"):
        candidate = path.with_name(os.path.splitext(path.name)[0] + suffix)
        st = lstat(candidate)
        if st is not None and stat.S_ISREG(st.st_mode):
            return candidate
    return None


def free_name(directory: Path, name: str) -> str:
    """`name`, or `stem-2.ext`, ... so that a rejected file never overwrites an earlier one.

    A name too long for its `.error.txt` to fit is shortened (the reason names the original).
    """
    stem, suffix = os.path.splitext(name)
    if len(os.fsencode(suffix)) > 16:
        stem, suffix = name, ""
    room = MAX_NAME_BYTES - len(os.fsencode(suffix)) - 8  # "-" and a counter
    if len(os.fsencode(stem + suffix)) > MAX_NAME_BYTES:
        stem = os.fsdecode(os.fsencode(stem)[:room])
    candidate, n = stem + suffix, 1
    while any(
        os.path.lexists(directory / f)
        for f in (candidate, os.path.splitext(candidate)[0] + ".json", candidate + ".error.txt")
    ):
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate


def own_dir(folder: Path, name: str) -> Path:
    """`.processing` or `rejected`, a real folder: a link there would send files elsewhere."""
    path = folder / name
    st = lstat(path)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        if stat.S_ISLNK(st.st_mode):
            path.unlink()
        else:  # out of the way, under a name the next scan refuses with its reason
            os.rename(path, folder / f"{name}-{uuid.uuid4().hex[:8]}.not-a-folder")
        logger.warning("Drop folder %s: %s was not a folder; replaced", folder, name)
    path.mkdir(mode=0o750, exist_ok=True)
    return path


def write_reason(folder: Path, name: str, code: str, message: str) -> str:
    """Write `rejected/<free name>.error.txt` first, so no rejected file is without its reason.

    Returns the free name. The text is UTF-8 whatever the file's name or the message hold.
    """
    rejected = own_dir(folder, REJECTED)
    free = free_name(rejected, name)
    text = (
        f"reason: {message}\ncode: {code}\ntime: {timezone.now().isoformat()}\n"
        f"file: {display_name(name)}\n"
    )
    fd = os.open(
        rejected / f"{free}.error.txt", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o640
    )
    with os.fdopen(fd, "wb") as out:
        out.write(text.encode("utf-8", "backslashreplace"))
    return free


def refuse(
    folder: Path, path: Path, sidecar: Path | None, code: str, message: str, *, remove=False
) -> str:
    """Move (or, for links, pipes and devices, delete) a refused entry; never follow it."""
    free = write_reason(folder, path.name, code, message)
    rejected = folder / REJECTED
    try:
        if remove:
            path.unlink()
        else:
            os.rename(path, rejected / free)
    except FileNotFoundError:  # another scan dealt with it first
        (rejected / f"{free}.error.txt").unlink(missing_ok=True)
        raise
    if sidecar is not None:
        with contextlib.suppress(FileNotFoundError):
            os.rename(sidecar, rejected / (os.path.splitext(free)[0] + ".json"))
    return free


def put_back(folder: Path, files: list[Path]) -> None:
    """Return a claim's files to the folder under free names, the sidecar beside its main file."""
    main = next((p for p in files if not is_sidecar(p.name)), None)
    base = free_name(folder, main.name) if main is not None else None
    for path in files:
        if path is main:
            target = folder / base
        elif base is not None and is_sidecar(path.name):
            target = folder / (os.path.splitext(base)[0] + ".json")
        else:
            target = folder / free_name(folder, path.name)
        os.rename(path, target)


# Looking at the folder ---------------------------------------------------------------------


@dataclass
class Entry:
    path: Path
    sidecar: Path | None = None
    seen: Seen | None = None
    sidecar_seen: Seen | None = None
    refusal: Refused | None = None
    mtime: float = 0.0


def survey(folder: Path, now: float, settle: int, report: ScanReport) -> list[Entry]:
    """Every entry of the folder that is ready: to take, or to refuse with its reason."""
    names = set(os.listdir(folder)) - {PROCESSING, REJECTED}
    stems = {os.path.splitext(n)[0] for n in names if not is_sidecar(n) and n[:1] != "."}
    audio_stems = {os.path.splitext(n)[0] for n in names if is_audio(n)}
    entries = []
    for name in names:
        try:
            entry = _classify(folder / name, now, settle, report, stems, audio_stems)
        except Exception:  # one odd entry never stops the scan of the others
            report.failed += 1
            logger.exception("Drop folder %s: could not look at %s", folder, display_name(name))
            continue
        if entry is not None:
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.mtime, os.fsencode(e.path.name)))


def _classify(
    path: Path, now: float, settle: int, report: ScanReport, stems: set[str], audio_stems: set[str]
) -> Entry | None:
    """The entry for `path` if it is ready to take or to refuse; None to leave it for now."""
    name = path.name
    st = lstat(path)
    if st is None:  # taken by another scan while we looked
        return None
    settled = now - st.st_mtime >= settle
    mode = st.st_mode
    refusal = None
    if stat.S_ISLNK(mode):
        try:
            target = display_name(os.readlink(path))
        except OSError:
            target = "?"
        refusal = Refused(
            "symlink",
            _(
                "This is a symbolic link (to %(target)s). Earshot does not follow links: "
                "put the file itself in the folder. The link was removed."
            )
            % {"target": target},
            remove=True,
        )
    elif stat.S_ISDIR(mode):
        if name.startswith("."):
            return None  # a file system's own (.snapshot, .Trash-1000): not a drop
        if not settled:
            report.waiting += 1
            return None
        refusal = Refused(
            "folder",
            _("This is a folder. Earshot takes only files placed in the folder itself."),
        )
    elif not stat.S_ISREG(mode):
        refusal = Refused(
            "not_a_file",
            _(
                "This is not a regular file (a named pipe, socket or device). It was removed "
                "without being opened."
            ),
            remove=True,
        )
    elif st.st_nlink > 1:
        refusal = hard_link_refusal()
    elif name.startswith("."):
        if now - st.st_mtime < TEMPORARY_SECONDS:
            return None  # a copy in progress: not counted, it will appear under its own name
        refusal = Refused(
            "temporary",
            _("This temporary file of an interrupted copy has not changed for a day."),
        )
    elif is_sidecar(name):
        if os.path.splitext(name)[0] in stems:
            return None  # goes with its audio
        if now - st.st_mtime < max(LONE_SIDECAR_SECONDS, settle):
            report.waiting += 1
            return None
        refusal = Refused(
            "lone_sidecar",
            _("This metadata file has had no audio file beside it for %(minutes)s minutes.")
            % {"minutes": LONE_SIDECAR_SECONDS // 60},
        )
    entry = Entry(path=path, refusal=refusal, seen=Seen.of(st), mtime=st.st_mtime)
    # A sidecar goes with the audio of its name, with another entry only if there is none.
    stem_taken = not is_audio(name) and os.path.splitext(name)[0] in audio_stems
    if not is_sidecar(name) and not stem_taken:
        entry.sidecar = sidecar_of(path)
    sidecar_st = lstat(entry.sidecar) if entry.sidecar is not None else None
    if sidecar_st is not None:
        entry.sidecar_seen = Seen.of(sidecar_st)
        settled = settled and now - sidecar_st.st_mtime >= settle
        entry.mtime = max(entry.mtime, sidecar_st.st_mtime)
    if not settled and refusal is None:
        report.waiting += 1
        return None
    if refusal is None and not is_audio(name):
        extension = os.path.splitext(name)[1] or _("no extension")
        entry.refusal = Refused(
            "unknown_type",
            _("Not a recognised audio type (%(extension)s). Earshot takes %(accepted)s.")
            % {
                "extension": display_name(extension),
                "accepted": ", ".join(sorted(AUDIO_EXTENSIONS)),
            },
        )
    return entry


# Rejected files ---------------------------------------------------------------------------


def drop_folder_sweep_rejected(
    *, organisation: Organisation, folder: Path, max_age_days: int, now: float | None = None
) -> int:
    """Delete rejected files older than the organisation's recording retention.

    Rejected files hold personal data (voices, numbers) like any recording, so they may not
    outlive the declared retention either. Rename keeps a file's mtime, so its age counts from
    when the recorder wrote it, not from the rejection. Links are never followed: a link or
    folder is removed itself. Returns the number of entries deleted.
    """
    rejected = Path(folder) / REJECTED
    st = lstat(rejected)
    if st is None or not stat.S_ISDIR(st.st_mode):
        return 0
    cutoff = (time.time() if now is None else now) - max_age_days * 86400
    deleted = 0
    for path in rejected.iterdir():
        st = lstat(path)
        if st is None or st.st_mtime >= cutoff:
            continue
        related = [path]
        if not path.name.endswith((".json", ".error.txt")):
            # Its sidecar and explanation go with it, whatever their age.
            related += [
                path.with_name(os.path.splitext(path.name)[0] + ".json"),
                path.with_name(path.name + ".error.txt"),
            ]
        for item in related:
            item_st = lstat(item)
            if item_st is None:
                continue
            if stat.S_ISDIR(item_st.st_mode):
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)
            deleted += 1
    if deleted:
        logger.info(
            "Drop folder of %s: deleted %s rejected file(s) past %s days",
            organisation.slug,
            deleted,
            max_age_days,
        )
    return deleted
