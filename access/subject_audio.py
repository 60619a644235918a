"""The audio of calls for a data subject's copy of their own data (GDPR art. 15), read here in
access/ (the one gate for audio) after subjects/ had a second person approve the copy.

Each call read is written to the audit trail first, in the caller's transaction: the copy and
its events commit or roll back together. A call whose audio may no longer exist (erased, or
past its deadline without a legal hold) is never read, whatever the caller asks.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

import audit
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.storage import audio_storage

DISCLOSED = "access.recording.disclosed_to_subject"


def audio_may_leave(recording: Recording, *, now: Any = None) -> bool:
    """A held call's audio exists whatever its deadline; an active one only before it."""
    if recording.status == RecordingStatus.HELD:
        return True
    now = now or timezone.now()
    return recording.status == RecordingStatus.ACTIVE and recording.purge_deadline > now


def audio_file_name(recording: Recording) -> str:
    return f"{recording.started_at:%Y%m%d-%H%M%S}-{recording.pk.hex[:8]}.{recording.container}"


def subject_copy_audio(
    *,
    organisation: Any,
    recordings: list[Recording],
    actor: Any,
    subject_request_id: Any,
    ip_address: str | None,
) -> list[tuple[Recording, str, bytes]]:
    """(call, file name, audio) for each call of the organisation whose audio may leave, each
    logged as disclosed to the data subject. Others' calls and erased calls are skipped."""
    found = []
    for recording in recordings:
        if recording.organisation_id != organisation.pk or not audio_may_leave(recording):
            continue
        audit.record(
            actor=actor,
            action=DISCLOSED,
            organisation=organisation,
            target=recording,
            detail={"subject_request": str(subject_request_id), "what": "audio"},
            ip_address=ip_address,
        )
        with audio_storage().open(recording.storage_key, "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != recording.sha256:
            raise OSError(f"the audio of call {recording.pk} does not match its checksum")
        found.append((recording, audio_file_name(recording), data))
    return found
