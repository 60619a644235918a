"""Ingest: one service for upload, API and drop folder.

Order of work, so that no stored object is ever without its row:
1. probe and validate everything that can be checked before storing (nothing is written);
2. insert the row as INCOMING (it claims the call id and the audio hash);
3. store the audio under a random key;
4. mark the row ACTIVE and write the audit event, in one transaction.
A failure in 3 or 4 removes the object and the row. A crash (kill -9) between 2 and 4 leaves an
INCOMING row, never shown or played, that recordings_sweep_incomplete() removes with its object.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from organisations.models import Organisation
from recordings.constants import IngestChannel, RecordingStatus
from recordings.metadata import RecordingMetadataForm, metadata_errors
from recordings.models import Recording
from recordings.probe import AudioRejected, probe_audio
from recordings.signals import recording_stored
from recordings.storage import audio_storage, file_sha256, new_storage_key
from register.constants import DataCategory
from register.selectors import retention_for_category

logger = logging.getLogger(__name__)


@dataclass
class IngestRejected(Exception):
    """Ingest refused the call; nothing was stored. `message` is for the person or recorder."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def _validated_metadata(organisation: Organisation, metadata: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(metadata, dict):
        raise IngestRejected("metadata", _("The metadata must be a JSON object."))
    form = RecordingMetadataForm(data=metadata, organisation=organisation)
    if not form.is_valid():
        raise IngestRejected("metadata", metadata_errors(form))
    return form.model_fields()


def _refuse_duplicates(organisation: Organisation, call_id: str, sha256: str) -> None:
    # Live calls only, as the unique indexes: a tombstone keeps neither call id nor audio.
    recordings = Recording.objects.filter(organisation=organisation).exclude(
        status=RecordingStatus.PURGED
    )
    if recordings.filter(call_id=call_id).exists():
        raise IngestRejected(
            "duplicate_call", _("Call %(call_id)s is already in Earshot.") % {"call_id": call_id}
        )
    if recordings.filter(sha256=sha256).exists():
        raise IngestRejected(
            "duplicate_audio", _("The same audio is already in Earshot under another call id.")
        )


def _deadline(organisation: Organisation, started_at) -> tuple[Any, int]:
    retention = retention_for_category(organisation=organisation, category=DataCategory.RECORDING)
    if retention is None:
        raise IngestRejected(
            "no_retention",
            _(
                "The organisation's register declares no retention period for recordings, so "
                "Earshot cannot know when to erase this call. Declare it in the register first."
            ),
        )
    deadline = started_at + retention
    if deadline <= timezone.now():
        raise IngestRejected(
            "past_retention",
            _(
                "This call is older than the declared retention of %(days)s days and may no "
                "longer exist."
            )
            % {"days": retention.days},
        )
    return deadline, retention.days


def recording_ingest(
    *,
    organisation: Organisation,
    source: Path,
    metadata: dict[str, Any],
    channel: IngestChannel,
    actor: Any | None = None,
) -> Recording:
    """Probe, validate, store and register one call. Raises IngestRejected with a reason."""
    source = Path(source)
    try:
        info = probe_audio(source, max_bytes=settings.MAX_AUDIO_MB * 1024 * 1024)
    except AudioRejected as exc:
        raise IngestRejected(exc.code, exc.message) from exc
    fields = _validated_metadata(organisation, metadata)
    sha256 = file_sha256(source)
    _refuse_duplicates(organisation, fields["call_id"], sha256)
    deadline, retention_days = _deadline(organisation, fields["started_at"])
    if fields.get("duration_seconds") is None:
        fields["duration_seconds"] = round(info.duration_seconds, 3)

    recording = Recording(
        organisation=organisation,
        storage_key=new_storage_key(organisation_id=organisation.pk, container=info.container),
        size_bytes=source.stat().st_size,
        sha256=sha256,
        container=info.container,
        codec=info.codec,
        channels=info.channels,
        sample_rate=info.sample_rate,
        audio_duration_seconds=round(info.duration_seconds, 3),
        purge_deadline=deadline,
        retention_days=retention_days,
        status=RecordingStatus.INCOMING,
        ingested_via=channel,
        **fields,
    )
    recording.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            recording.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent ingest of the same call won the race
        raise IngestRejected("duplicate_call", _("This call is already being stored.")) from exc

    storage = audio_storage()
    try:
        with source.open("rb") as handle:
            stored_name = storage.save(recording.storage_key, File(handle))
        with transaction.atomic():
            Recording.objects.filter(pk=recording.pk).update(
                status=RecordingStatus.ACTIVE, storage_key=stored_name
            )
            audit.record(
                actor=actor,
                action="recordings.recording.ingested",
                organisation=organisation,
                target=recording,
                detail={
                    "channel": channel,
                    "size_bytes": recording.size_bytes,
                    "container": info.container,
                    "codec": info.codec,
                },
            )
    except BaseException:
        _remove_incomplete(recording)
        raise
    recording.status = RecordingStatus.ACTIVE
    recording.storage_key = stored_name
    recording_stored.send(sender=Recording, recording=recording)
    return recording


def _remove_incomplete(recording: Recording) -> None:
    storage = audio_storage()
    if storage.exists(recording.storage_key):
        storage.delete(recording.storage_key)
    Recording.objects.filter(pk=recording.pk, status=RecordingStatus.INCOMING).delete()


def recordings_sweep_incomplete(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Remove rows a crashed ingest left INCOMING, and any object stored under their key."""
    cutoff = timezone.now() - older_than
    stale = Recording.objects.filter(status=RecordingStatus.INCOMING, ingested_at__lt=cutoff)
    count = 0
    for recording in stale.iterator():
        _remove_incomplete(recording)
        count += 1
    if count:
        logger.warning("Removed %s recordings left incomplete by an interrupted ingest", count)
    return count
