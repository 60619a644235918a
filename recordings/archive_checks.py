"""The ingest's checks for one archived file, without storing anything: `import --dry-run`.

The same building blocks as recordings/services.py (the probe, the metadata form, the
register's retention) in the same order, so a dry run refuses what the import would refuse.
A test runs both on one archive and compares the outcomes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.constants import RecordingStatus
from recordings.metadata import FUTURE_TOLERANCE, RecordingMetadataForm, metadata_errors
from recordings.models import Recording
from recordings.probe import AudioRejected, probe_audio
from recordings.services import IngestRejected
from recordings.storage import file_sha256
from register.constants import DataCategory
from register.selectors import retention_for_category


def archive_file_check(
    *,
    organisation: Organisation,
    source: Path,
    metadata: dict[str, Any],
    seen: dict[str, set[str]],
) -> None:
    """Raise IngestRejected as the ingest would. `seen` holds the call ids and audio hashes of
    the files checked before in this run, which a real run would have stored by now."""
    try:
        info = probe_audio(source, max_bytes=settings.MAX_AUDIO_MB * 1024 * 1024)
    except AudioRejected as exc:
        raise IngestRejected(exc.code, exc.message) from exc
    mtime = datetime.fromtimestamp(source.stat().st_mtime, UTC)
    latest_start = mtime - timedelta(seconds=info.duration_seconds) + FUTURE_TOLERANCE
    form = RecordingMetadataForm(
        data=metadata, organisation=organisation, latest_start=latest_start
    )
    if not form.is_valid():
        raise IngestRejected("metadata", metadata_errors(form))
    call_id, started_at = form.cleaned_data["call_id"], form.cleaned_data["started_at"]
    sha256 = file_sha256(source)
    live = Recording.objects.filter(organisation=organisation).exclude(
        status=RecordingStatus.PURGED
    )
    if call_id in seen["call_id"] or live.filter(call_id=call_id).exists():
        raise IngestRejected(
            "duplicate_call", _("Call %(call_id)s is already in Earshot.") % {"call_id": call_id}
        )
    if sha256 in seen["sha256"] or live.filter(sha256=sha256).exists():
        raise IngestRejected(
            "duplicate_audio", _("The same audio is already in Earshot under another call id.")
        )
    retention = retention_for_category(organisation=organisation, category=DataCategory.RECORDING)
    if retention is None:
        raise IngestRejected(
            "no_retention",
            _("The organisation's register declares no retention period for recordings."),
        )
    if started_at.astimezone(UTC) + retention <= timezone.now():
        raise IngestRejected(
            "past_retention",
            _(
                "This call is older than the declared retention of %(days)s days and may no "
                "longer exist."
            )
            % {"days": retention.days},
        )
    seen["call_id"].add(call_id)
    seen["sha256"].add(sha256)
