"""The ingest's checks for one archived file, without storing anything: `import --dry-run`.

The ingest's own steps (recordings/services.py: probe, metadata, deadline) in the batch
ingest's order, so a dry run refuses what the import would refuse; a test runs both on one
archive and compares the outcomes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.services import IngestRejected, _deadline, ingest_probe, ingest_validate
from recordings.storage import file_sha256


def archive_file_check(
    *,
    organisation: Organisation,
    source: Path,
    metadata: dict[str, Any],
    seen: dict[str, set[str]],
) -> bool:
    """Raise IngestRejected as the ingest would; True when the very same call (call id and
    audio) is in Earshot already. `seen` holds the call ids and audio hashes of
    the files checked before in this run, which a real run would have stored by now."""
    info = ingest_probe(source)
    sha256 = file_sha256(source)
    validated = ingest_validate(
        organisation=organisation,
        metadata=metadata,
        info=info,
        started_at_hint=datetime.fromtimestamp(source.stat().st_mtime, UTC),
    )
    call_id = validated.fields["call_id"]
    live = Recording.objects.filter(organisation=organisation).exclude(
        status=RecordingStatus.PURGED
    )
    same = None if call_id in seen["call_id"] else live.filter(call_id=call_id).first()
    if same is not None and same.sha256 == sha256:
        return True  # as the import (resuming) counts it: this very call is in already
    if call_id in seen["call_id"] or same is not None:
        raise IngestRejected(
            "duplicate_call", _("Call %(call_id)s is already in Earshot.") % {"call_id": call_id}
        )
    if sha256 in seen["sha256"] or live.filter(sha256=sha256).exists():
        raise IngestRejected(
            "duplicate_audio", _("The same audio is already in Earshot under another call id.")
        )
    _deadline(organisation, validated.fields["started_at"])
    seen["call_id"].add(call_id)
    seen["sha256"].add(sha256)
    return False
