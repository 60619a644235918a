"""Reading a claimed drop-folder file: opened once, without following links, and its metadata
from the sidecar beside it or from its Asterisk name."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.asterisk import parse_asterisk_name as _parse_asterisk_name
from recordings.dropfolder_entries import (
    AUDIO_EXTENSIONS,
    Refused,
    Seen,
    display_name,
    hard_link_refusal,
    lstat,
)
from recordings.metadata import declared_customer_fields
from recordings.services import METADATA_MAX_BYTES, IngestRejected, recording_metadata_parse
from register.constants import CustomerField

# Metadata is a handful of short fields; anything larger is not a sidecar.
MAX_SIDECAR_BYTES = METADATA_MAX_BYTES
# os.O_NOFOLLOW is POSIX; O_NONBLOCK keeps a pipe swapped in after the check from blocking.
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def parse_asterisk_name(filename: str, *, tz=None) -> dict[str, Any] | None:
    """Metadata from an Asterisk MixMonitor name (see recordings.asterisk), or None."""
    return _parse_asterisk_name(filename, extensions=AUDIO_EXTENSIONS, tz=tz)


def open_claimed(path: Path) -> int:
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


def unchanged(fd: int, seen: Seen | None, sidecar: Path | None, sidecar_seen: Seen | None) -> bool:
    if seen is not None and Seen.of(os.fstat(fd)) != seen:
        return False
    if sidecar is not None:
        st = lstat(sidecar)
        return st is not None and stat.S_ISREG(st.st_mode) and Seen.of(st) == sidecar_seen
    return True


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


def claimed_metadata(
    organisation: Organisation, audio: Path, sidecar: Path | None
) -> dict[str, Any]:
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
