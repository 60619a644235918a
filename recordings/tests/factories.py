"""Recordings for tests: a real (tiny) WAV in the audio storage and an ACTIVE row.

`recording_create` skips the ingest service on purpose (fast, for lists and the gate);
tests of ingest itself go through `recordings.services.recording_ingest`. Its calls are
plaintext (sealing "", as calls stored before encryption at rest) unless `sealed=True`, which
seals the audio under the key of its deadline day as ingest does (recordings/sealed_storage.py).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import wave
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from organisations.models import Employee, Organisation
from recordings.audio_keys import day_key, new_data_key
from recordings.constants import Direction, IngestChannel, RecordingStatus
from recordings.models import Recording
from recordings.sealed_storage import store_sealed
from recordings.storage import audio_storage, new_storage_key

_counter = itertools.count(1)


def wav_bytes(*, seconds: float = 1.0, rate: int = 8000, seed: int = 0) -> bytes:
    """A mono 16-bit PCM WAV; `seed` changes the samples so hashes differ."""
    frames = int(seconds * rate)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes((i * 7 + seed) % 256 for i in range(frames * 2)))
    return buffer.getvalue()


def recording_create(
    *,
    organisation: Organisation,
    employee: Employee | None = None,
    started_at: datetime | None = None,
    retention_days: int = 28,
    status: str = RecordingStatus.ACTIVE,
    audio: bytes | None = None,
    sealed: bool = False,
    **fields,
) -> Recording:
    n = next(_counter)
    audio = audio if audio is not None else wav_bytes(seed=n)
    started_at = started_at or timezone.now() - timedelta(hours=1)
    key = new_storage_key(organisation_id=organisation.pk, container="wav")
    values = {
        "call_id": f"call-{n}",
        "duration_seconds": 1.0,
        "direction": Direction.INBOUND,
        "queue": "algemeen",
        **fields,
    }
    recording = Recording(
        organisation=organisation,
        employee=employee,
        started_at=started_at,
        storage_key=key,
        size_bytes=len(audio),
        sha256=hashlib.sha256(audio).hexdigest(),
        container="wav",
        codec="pcm_s16le",
        channels=1,
        sample_rate=8000,
        audio_duration_seconds=1.0,
        purge_deadline=started_at + timedelta(days=retention_days),
        retention_days=retention_days,
        status=status,
        ingested_via=IngestChannel.UPLOAD,
        sealing="",
        **values,
    )
    if sealed:
        data_key = new_data_key(recording, day_key(organisation, recording.purge_deadline))
        recording.storage_key = store_sealed(
            recording, io.BytesIO(audio), data_key=data_key, expected_sha256=recording.sha256
        )
    else:
        recording.storage_key = audio_storage().save(key, ContentFile(audio))
    recording.save(force_insert=True)
    return recording
