"""What is in an archive folder: each audio file with its metadata, or why it is refused.

The archive is read, never changed: no file is moved, renamed or deleted, and links are not
followed (a link could lead out of the folder the administrator named). Files are taken in a
fixed order (sorted by path), so a resumed run meets them in the same order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from recordings.asterisk import parse_asterisk_name
from recordings.dropfolder_entries import AUDIO_EXTENSIONS, display_name
from recordings.services import METADATA_MAX_BYTES, IngestRejected, recording_metadata_parse


@dataclass
class ArchiveFile:
    path: Path  # absolute
    relative: str  # relative to the archive's folder, as text: the journal's key
    sidecar: Path | None = None
    # Refused while looking at the folder (not audio, a link, a sidecar without audio).
    refusal: IngestRejected | None = None


def _is_sidecar(name: str) -> bool:
    return os.path.splitext(name)[1].lower() == ".json"


def _is_audio(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in AUDIO_EXTENSIONS


def archive_relative(path: Path, root: Path) -> str:
    """The path under `root` as text, one text per path: bytes that are not UTF-8 as \\xNN
    and a backslash doubled, so a file named "x\\xff.wav" is not taken for b"x\\xff.wav"
    (the journal's key is unique per run)."""
    raw = os.fsencode(os.path.relpath(path, root)).replace(b"\\", b"\\\\")
    return raw.decode("utf-8", "backslashreplace")


def archive_files(root: Path) -> list[ArchiveFile]:
    """Every file under `root`, recursively, sorted by path; sidecars go with their audio."""
    found: list[ArchiveFile] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            if folder == root:
                raise  # the archive itself: nothing to import, the caller says so
            # One folder the import may not read (permissions) refuses only itself.
            found.append(
                ArchiveFile(
                    path=folder,
                    relative=archive_relative(folder, root),
                    refusal=IngestRejected(
                        "unreadable",
                        _("Earshot could not read this folder (%(error)s); its files are left out.")
                        % {"error": exc.strerror or type(exc).__name__},
                    ),
                )
            )
            continue
        audio_stems = {
            os.path.splitext(e.name)[0]
            for e in entries
            if _is_audio(e.name) and e.is_file(follow_symlinks=False)
        }
        sidecars = {
            os.path.splitext(e.name)[0]: Path(e.path)
            for e in entries
            if _is_sidecar(e.name) and e.is_file(follow_symlinks=False)
        }
        for entry in entries:
            path = Path(entry.path)
            item = ArchiveFile(path=path, relative=archive_relative(path, root))
            if entry.is_symlink():
                item.refusal = IngestRejected(
                    "symlink", _("This is a symbolic link; the import does not follow links.")
                )
            elif entry.is_dir(follow_symlinks=False):
                pending.append(path)
                continue
            elif not entry.is_file(follow_symlinks=False):
                item.refusal = IngestRejected(
                    "not_a_file", _("This is not a regular file (a pipe, socket or device).")
                )
            elif _is_sidecar(entry.name):
                if os.path.splitext(entry.name)[0] in audio_stems:
                    continue  # read with its audio file
                item.refusal = IngestRejected(
                    "lone_sidecar", _("This metadata file has no audio file of the same name.")
                )
            elif not _is_audio(entry.name):
                item.refusal = IngestRejected(
                    "not_audio",
                    _("Not a recognised audio type. Earshot takes %(accepted)s.")
                    % {"accepted": ", ".join(sorted(AUDIO_EXTENSIONS))},
                )
            else:
                item.sidecar = sidecars.get(os.path.splitext(entry.name)[0])
            found.append(item)
    found.sort(key=lambda f: os.fsencode(f.path))
    return found


def archive_file_metadata(
    item: ArchiveFile, *, zone: ZoneInfo, phone_declared: bool
) -> dict[str, Any]:
    """The call's metadata from its sidecar, or else from its Asterisk name.

    Raises IngestRejected, with the drop folder's reasons, when there is none or it is bad."""
    if item.sidecar is not None:
        with item.sidecar.open("rb") as handle:
            raw = handle.read(METADATA_MAX_BYTES + 1)
        # The same reading as the drop folder and the API: one JSON object, or a clear refusal.
        return recording_metadata_parse(raw=raw)
    metadata = parse_asterisk_name(item.path.name, extensions=AUDIO_EXTENSIONS, tz=zone)
    if metadata is None:
        raise IngestRejected(
            "no_metadata",
            _(
                "No metadata: there is no %(sidecar)s beside the file and its name is not an "
                "Asterisk name (<in|out|internal>-<to>-<from>-<YYYYMMDD>-<HHMMSS>-<id>.wav)."
            )
            % {"sidecar": display_name(os.path.splitext(item.path.name)[0] + ".json")},
        )
    # As in the drop folder: the PBX puts the number in every name; the register decides
    # whether Earshot keeps it, so an undeclared number is left out rather than refusing.
    if not phone_declared:
        metadata.pop("customer_phone", None)
    return metadata
