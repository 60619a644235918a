"""Claims: how a scan takes files out of the drop folder before reading them.

A scan renames each file it takes (with its sidecar) into a claim folder under `.processing/`;
rename is atomic within one file system, so exactly one scan wins a file. A batch of files
shares one claim folder (a folder per file cost a directory made and removed, two block frees
on a disk mounted with `discard`, per call). A file leaves its claim only after its fate is
certain: removed after the commit that made it a call, moved to `rejected/`, or put back into
the folder. A claim folder still holding files an hour later belongs to a scan that died or
failed; the next scan takes it over (`take_over`) and tries its files again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
import uuid
from pathlib import Path

from recordings.dropfolder_entries import PROCESSING, is_audio, lstat, put_back

logger = logging.getLogger(__name__)

# Written only when a claim is taken over: a claim folder without it is on its first attempt.
ATTEMPTS_FILE = ".attempts"
LAST_ERROR_FILE = ".last-error"
_OWN_FILES = (ATTEMPTS_FILE, LAST_ERROR_FILE)
# A claim this old belongs to a scan that died or failed; nothing takes an hour for one batch.
STALE_CLAIM_SECONDS = 3600


def new_claim(folder: Path) -> Path:
    """A fresh, empty claim folder under `.processing/`."""
    claim = folder / PROCESSING / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"
    claim.mkdir(mode=0o750)
    return claim


def claim_files(folder: Path, path: Path, sidecar: Path | None, into: Path | None) -> Path | None:
    """Move the file (and sidecar) into the claim folder `into` (a fresh one when None).
    Returns the claim folder, or None when another scan won the file."""
    claim = new_claim(folder) if into is None else into
    try:
        os.rename(path, claim / path.name)
    except FileNotFoundError:
        if into is None:
            close_claim(claim)
        return None
    if sidecar is not None:
        try:
            os.rename(sidecar, claim / sidecar.name)
        except FileNotFoundError:  # the sidecar vanished under us: not ours to guess, try later
            os.rename(claim / path.name, path)
            if into is None:
                close_claim(claim)
            return None
    return claim


def close_claim(claim: Path) -> None:
    """Remove the claim folder once no claimed file is left in it; otherwise keep it (with its
    last error) for the scan that takes it over in an hour."""
    try:
        names = os.listdir(claim)
    except FileNotFoundError:
        return
    if any(name not in _OWN_FILES for name in names):
        return
    for name in names:
        (claim / name).unlink(missing_ok=True)
    try:
        claim.rmdir()
    except OSError:
        logger.warning("Drop folder: claim %s not empty", claim)


def stale_claims(folder: Path, now: float) -> list[Path]:
    processing = folder / PROCESSING
    stale = []
    for claim in processing.iterdir():
        st = lstat(claim)
        # A claim folder's mtime is the last moment a file was renamed into or out of it.
        if st is not None and now - st.st_mtime >= STALE_CLAIM_SECONDS:
            stale.append(claim)
    return stale


def take_over(folder: Path, claim: Path) -> tuple[Path, list[tuple[Path, Path | None]]] | None:
    """Claim a stale claim folder for this scan, by renaming it (the new name's mtime starts
    the next hour). Returns it with its (audio, sidecar) pairs, or None when another scan
    took it first or it was not a claim folder. Whatever this code did not put there goes back
    into the drop folder to be judged like any file."""
    st = lstat(claim)
    if st is None:
        return None
    if not stat.S_ISDIR(st.st_mode):  # not one of ours: back into the folder to be judged
        put_back(folder, [claim])
        return None
    mine = claim.with_name(f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}")
    try:
        os.rename(claim, mine)
    except FileNotFoundError:
        return None
    os.utime(mine, follow_symlinks=False)
    names = sorted(name for name in os.listdir(mine) if name not in _OWN_FILES)
    present = set(names)
    taken: set[str] = set()
    pairs: list[tuple[Path, Path | None]] = []
    for name in names:
        st = lstat(mine / name)
        if not is_audio(name) or st is None or not stat.S_ISREG(st.st_mode):
            continue
        stem = os.path.splitext(name)[0]
        sidecar = next(
            (c for c in (stem + ".json", stem + ".JSON") if c in present and c not in taken), None
        )
        taken.add(name)
        if sidecar is not None:
            taken.add(sidecar)
        pairs.append((mine / name, mine / sidecar if sidecar is not None else None))
    for name in names:
        if name not in taken:  # not a file this code claims: the folder judges it
            with contextlib.suppress(FileNotFoundError):
                put_back(folder, [mine / name])
    return mine, pairs


def attempts_of(claim: Path) -> int:
    try:
        return int((claim / ATTEMPTS_FILE).read_text(encoding="ascii").strip() or 1)
    except (OSError, ValueError):
        return 1


def last_error_of(claim: Path) -> str:
    try:
        return (claim / LAST_ERROR_FILE).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
