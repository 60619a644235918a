"""The audio of calls for a data subject's copy of their own data (GDPR art. 15), read here in
access/ (the one gate for audio) after subjects/ had a second person approve the copy.

Each call read is written to the audit trail first, in the caller's transaction: the copy and
its events commit or roll back together. A call whose audio may no longer exist (erased, or
past its deadline without a legal hold) is never read, whatever the caller asks.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from recordings import sealed_storage
from recordings.constants import RecordingStatus
from recordings.models import Recording

logger = logging.getLogger(__name__)

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
        data = read_whole_call(recording)
        if hashlib.sha256(data).hexdigest() != recording.sha256:
            raise OSError(f"the audio of call {recording.pk} does not match its checksum")
        found.append((recording, audio_file_name(recording), data))
    return found


def read_whole_call(recording: Recording) -> bytes:
    """The call's audio as it was recorded (decrypted and verified when sealed). Raises
    DisclosureError, with the reason for the person, when it cannot be read (key missing or
    destroyed, object tampered or gone): a copy is then not made, and the caller's transaction
    rolls back what it wrote."""
    from access.disclosures import DisclosureError

    try:
        return b"".join(sealed_storage.iter_plain(recording))
    except sealed_storage.AudioUnreadable as error:
        logger.warning("Recording %s is unreadable for a copy: %s", recording.pk, error.reason)
        raise DisclosureError(
            _("Call %(call_id)s: %(reason)s")
            % {"call_id": recording.call_id, "reason": error.message}
        ) from error
