"""Ingest: one service for upload, API and drop folder.

Order of work, so that no stored object is ever without its row:
1. probe and validate everything that can be checked before storing (nothing is written);
2. insert the row as INCOMING (it claims the call id and the audio hash), with the call's data
   key wrapped under the key of its deadline day (recordings/audio_keys.py);
3. store the audio sealed (encrypted in one pass with its hash, recordings/sealed_storage.py)
   under a random key; a file that changed since it was hashed is refused
   ("changed_while_reading") and nothing of it stays;
4. mark the row ACTIVE and write the audit event, in one transaction.
A failure in 3 or 4 removes the object and the row. A crash (kill -9) between 2 and 4 leaves an
INCOMING row, never shown or played, that recordings_sweep_incomplete() removes with its object.
A key store that cannot be written (OSError, KeyUnavailable) is an error of the system, raised
as it is: the caller tries again later, the call is not refused.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from organisations.models import Organisation
from recordings import sealed_storage
from recordings.audio_keys import DayKeys, check_writable, new_data_key
from recordings.constants import IngestChannel, RecordingStatus
from recordings.metadata import FUTURE_TOLERANCE, RecordingMetadataForm, metadata_errors
from recordings.models import Recording
from recordings.probe import AudioInfo, AudioRejected, probe_audio
from recordings.signals import recording_stored
from recordings.storage import audio_storage, file_digest, new_storage_key
from register.constants import DataCategory
from register.selectors import retention_for_category

logger = logging.getLogger(__name__)

# One call's metadata is a few hundred bytes; anything near this is not metadata.
METADATA_MAX_BYTES = 64 * 1024


@dataclass
class IngestRejected(Exception):
    """Ingest refused the call; nothing was stored. `message` is for the person or recorder."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def ingest_unavailable_message() -> str:
    """For a person or recorder whose call met an error of the system (the key store or the
    audio storage cannot be written): nothing was stored, and trying later will do."""
    return _(
        "Earshot cannot store calls right now (its key store or audio storage cannot be "
        "written). Nothing was stored; try again later."
    )


class _Refused(ValueError):
    pass


def _refuse_constant(name: str) -> None:
    raise _Refused(_("%(name)s is not a number JSON allows.") % {"name": name})


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    if len(set(keys)) != len(keys):
        twice = sorted({key for key in keys if keys.count(key) > 1})
        raise _Refused(_("A field is given twice: %(keys)s.") % {"keys": ", ".join(twice)})
    return dict(pairs)


def recording_metadata_parse(*, raw: str | bytes) -> dict[str, Any]:
    """A call's metadata object from its JSON text (API field, upload or drop-folder sidecar).

    Raises IngestRejected for anything that is not one JSON object: never RecursionError (deep
    nesting), nor ValueError (a number of thousands of digits), nor accepts NaN, Infinity or a
    key given twice (which one would count is a guess)."""
    if len(raw) > METADATA_MAX_BYTES:
        raise IngestRejected(
            "too_large",
            _("The metadata is larger than %(kb)s KB.") % {"kb": METADATA_MAX_BYTES // 1024},
        )
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise IngestRejected("metadata", _("The metadata is not UTF-8 text.")) from None
    try:
        metadata = json.loads(
            raw, parse_constant=_refuse_constant, object_pairs_hook=_refuse_duplicate_keys
        )
    except _Refused as exc:
        raise IngestRejected("metadata", str(exc)) from None
    except json.JSONDecodeError as exc:
        raise IngestRejected(
            "metadata", _("The metadata is not valid JSON: %(error)s") % {"error": exc}
        ) from None
    except RecursionError:
        raise IngestRejected("metadata", _("The metadata is nested too deeply.")) from None
    except ValueError:  # an integer of more digits than Python converts
        raise IngestRejected(
            "metadata", _("The metadata holds a number too long to read.")
        ) from None
    if not isinstance(metadata, dict):
        raise IngestRejected("metadata", _("The metadata must be a JSON object."))
    return metadata


@dataclass
class _Metadata:
    fields: dict[str, Any]
    # How a local start in a daylight-saving change was read, for the audit event.
    start_detail: dict[str, str] = field(default_factory=dict)


def _validated_metadata(
    organisation: Organisation,
    metadata: dict[str, Any],
    latest_start: datetime | None,
    declared_fields: set[str] | None = None,
    form_class: type[RecordingMetadataForm] = RecordingMetadataForm,
) -> _Metadata:
    if not isinstance(metadata, dict):
        raise IngestRejected("metadata", _("The metadata must be a JSON object."))
    form = form_class(
        data=metadata,
        organisation=organisation,
        latest_start=latest_start,
        declared_fields=declared_fields,
    )
    if not form.is_valid():
        raise IngestRejected("metadata", metadata_errors(form))
    detail = {}
    if form.started_at_reading:
        detail = {
            "started_at_written": form.started_at_written,
            "started_at_reading": form.started_at_reading,
        }
    return _Metadata(form.model_fields(), detail)


def _refuse_duplicates(organisation: Organisation, call_id: str, sha256: str) -> None:
    # Live calls only, as the unique indexes: a tombstone keeps neither call id nor audio.
    # One query for both: each round trip counts when twenty recorders post at once.
    clashes = list(
        Recording.objects.filter(organisation=organisation)
        .exclude(status=RecordingStatus.PURGED)
        .filter(Q(call_id=call_id) | Q(sha256=sha256))
        .values_list("call_id", flat=True)[:2]
    )
    if call_id in clashes:
        raise IngestRejected(
            "duplicate_call", _("Call %(call_id)s is already in Earshot.") % {"call_id": call_id}
        )
    if clashes:
        raise IngestRejected(
            "duplicate_audio", _("The same audio is already in Earshot under another call id.")
        )


def _retention(organisation: Organisation) -> timedelta:
    """The declared retention of call recordings, or IngestRejected when none is declared."""
    retention = retention_for_category(organisation=organisation, category=DataCategory.RECORDING)
    if retention is None:
        raise IngestRejected(
            "no_retention",
            _(
                "The organisation's register declares no retention period for recordings, so "
                "Earshot cannot know when to erase this call. Next: a privacy officer or "
                "administrator of the organisation declares it in the processing register "
                "(Register → New processing activity, or Import), in a line with the data "
                "category “Recording audio and call metadata”: %(url)s"
            )
            % {"url": reverse("register:activity_new", kwargs={"org_slug": organisation.slug})},
        )
    return retention


def _deadline_after(retention: timedelta, started_at: datetime) -> datetime:
    """The purge deadline: the start plus the declared days of 24 hours, counted on the
    instant (in UTC), so that one instant gets one deadline however its start was written.
    (Python adds a timedelta to an aware datetime on its wall clock: 28 days from a summer
    time start in Amsterdam would otherwise end an hour later than from the same instant in
    UTC.) The purge runs ahead of deadlines, so no call outlives its declared days."""
    deadline = started_at.astimezone(UTC) + retention
    if deadline <= timezone.now():
        raise IngestRejected(
            "past_retention",
            _(
                "This call is older than the declared retention of %(days)s days and may no "
                "longer exist."
            )
            % {"days": retention.days},
        )
    return deadline


def _deadline(organisation: Organisation, started_at: datetime) -> tuple[datetime, int]:
    retention = _retention(organisation)
    return _deadline_after(retention, started_at), retention.days


def ingest_probe(source: Path) -> AudioInfo:
    """What the audio holds, or IngestRejected with the probe's reason."""
    try:
        return probe_audio(source, max_bytes=settings.MAX_AUDIO_MB * 1024 * 1024)
    except AudioRejected as exc:
        raise IngestRejected(exc.code, exc.message) from exc


def ingest_validate(
    *,
    organisation: Organisation,
    metadata: dict[str, Any],
    info: AudioInfo,
    started_at_hint: datetime | None,
    declared_fields: set[str] | None = None,
    form_class: type[RecordingMetadataForm] = RecordingMetadataForm,
) -> _Metadata:
    """The metadata as Recording fields, or IngestRejected. See recording_ingest for the hint.
    `declared_fields`: the register's customer fields, when the caller read them already;
    `form_class`: RecordingMetadataForm or a subclass."""
    if started_at_hint is not None and timezone.is_naive(started_at_hint):
        raise ValueError("started_at_hint must be an aware datetime")
    latest_start = None
    if started_at_hint is not None:
        latest_start = started_at_hint - timedelta(seconds=info.duration_seconds) + FUTURE_TOLERANCE
    return _validated_metadata(organisation, metadata, latest_start, declared_fields, form_class)


def ingest_new_recording(
    *,
    organisation: Organisation,
    info: AudioInfo,
    sha256: str,
    size_bytes: int,
    validated: _Metadata,
    deadline: datetime,
    retention_days: int,
    channel: IngestChannel,
    day_keys: DayKeys,
) -> tuple[Recording, bytes]:
    """The INCOMING row (unsaved, validated) for a probed, hashed and validated call, sealed:
    with its data key wrapped under the key of its deadline day (`day_keys`, one memo per
    batch, creates that key when it is the day's first call), and the data key itself, to seal
    the audio with and then forget (it is never stored unwrapped). OSError or KeyUnavailable
    when the key store cannot be read or written: an error of the system."""
    fields = dict(validated.fields)
    if fields.get("duration_seconds") is None:
        fields["duration_seconds"] = round(info.duration_seconds, 3)
    recording = Recording(
        organisation=organisation,
        storage_key=new_storage_key(organisation_id=organisation.pk, container=info.container),
        size_bytes=size_bytes,
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
    # The organisation is the caller's and the form found the employee in it: checking that
    # each still exists would cost two queries per call.
    recording.full_clean(
        exclude=["organisation", "employee"], validate_unique=False, validate_constraints=False
    )
    audio_key, key_bytes = day_keys.for_deadline(deadline)
    data_key = new_data_key(recording, audio_key, key_bytes)
    return recording, data_key


def ingested_detail(
    *, channel: IngestChannel, recording: Recording, validated: _Metadata
) -> dict[str, Any]:
    """The detail of the `recordings.recording.ingested` audit event."""
    return {
        "channel": channel,
        "size_bytes": recording.size_bytes,
        "container": recording.container,
        "codec": recording.codec,
        **validated.start_detail,
    }


def recording_ingest(
    *,
    organisation: Organisation,
    source: Path,
    metadata: dict[str, Any],
    channel: IngestChannel,
    actor: Any | None = None,
    started_at_hint: datetime | None = None,
) -> Recording:
    """Probe, validate, store and register one call. Raises IngestRejected with a reason.

    `started_at_hint` (aware) is a moment at which the call's audio was complete, such as the
    drop-folder file's mtime. It only settles a local start in the hour the clocks repeat in
    autumn: the call started at the latest the audio's length before the hint (give or take a
    few minutes of clock drift), so of the two readings Earshot takes the later one that fits,
    and the earlier when neither does or there is no hint. How it was read is in the audit
    event (`started_at_reading`).

    Many files at once (drop folder, archive import): recordings.ingest_batch."""
    source = Path(source)
    if started_at_hint is not None and timezone.is_naive(started_at_hint):
        raise ValueError("started_at_hint must be an aware datetime")
    info = ingest_probe(source)
    validated = ingest_validate(
        organisation=organisation, metadata=metadata, info=info, started_at_hint=started_at_hint
    )
    sha256, size_bytes = file_digest(source)  # of the same bytes (review 2)
    _refuse_duplicates(organisation, validated.fields["call_id"], sha256)
    deadline, retention_days = _deadline(organisation, validated.fields["started_at"])
    recording, data_key = ingest_new_recording(
        organisation=organisation,
        info=info,
        sha256=sha256,
        size_bytes=size_bytes,
        validated=validated,
        deadline=deadline,
        retention_days=retention_days,
        channel=channel,
        day_keys=DayKeys(organisation),
    )
    try:
        with transaction.atomic():  # a savepoint keeps the caller's transaction usable
            # Its day key locked FOR KEY SHARE first (the foreign key's own lock comes only at
            # COMMIT): a purge destroying it now waits and then sees it in use, or came first
            # and this raises KeyUnavailable, an error of the system (tried again later).
            check_writable([recording.audio_key_id])
            recording.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent ingest of the same call won the race
        raise IngestRejected("duplicate_call", _("This call is already being stored.")) from exc

    try:
        # Sealed while hashed, in one pass; a file that changed since its hash above is
        # refused (IngestRejected "changed_while_reading") and its object deleted.
        stored_name = sealed_storage.store_sealed(
            recording,
            source,
            data_key=data_key,
            expected_sha256=recording.sha256,
            expected_size=recording.size_bytes,
        )
        del data_key
        with transaction.atomic():
            Recording.objects.filter(pk=recording.pk).update(
                status=RecordingStatus.ACTIVE, storage_key=stored_name
            )
            audit.record(
                actor=actor,
                action="recordings.recording.ingested",
                organisation=organisation,
                target=recording,
                detail=ingested_detail(channel=channel, recording=recording, validated=validated),
            )
    except BaseException:
        remove_incomplete(recording)
        raise
    recording.status = RecordingStatus.ACTIVE
    recording.storage_key = stored_name
    # Not a column: how a local start in a clock change was read, for the caller to report.
    recording.started_at_reading = validated.start_detail.get("started_at_reading", "")
    recording_stored.send(sender=Recording, recording=recording)
    return recording


def remove_incomplete(recording: Recording) -> None:
    """Delete an INCOMING row and then the object stored under its key, if any.

    The row first, and the object only when the row was still INCOMING: when a commit went
    through but its reply was lost, the call is live, and its audio must stay."""
    deleted, _by_model = Recording.objects.filter(
        pk=recording.pk, status=RecordingStatus.INCOMING
    ).delete()
    if not deleted:
        return
    storage = audio_storage()
    if storage.exists(recording.storage_key):
        storage.delete(recording.storage_key)


def recordings_sweep_incomplete(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Remove rows a crashed ingest left INCOMING, and any object stored under their key."""
    cutoff = timezone.now() - older_than
    stale = Recording.objects.filter(status=RecordingStatus.INCOMING, ingested_at__lt=cutoff)
    count = 0
    for recording in stale.iterator():
        remove_incomplete(recording)
        count += 1
    if count:
        logger.warning("Removed %s recordings left incomplete by an interrupted ingest", count)
    return count
