"""Sealed recordings for tests: a row made by recording_create, its audio sealed under the day
key of its deadline (what the ingest does), so tests of reads, holds and the purge start from
a sealed call without going through the ingest."""

from __future__ import annotations

import io

from organisations.models import Organisation
from recordings.audio_keys import day_key, new_data_key
from recordings.models import Recording
from recordings.sealed_storage import store_sealed
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create


def sealed_recording_create(
    *, organisation: Organisation, audio: bytes | None = None, **fields
) -> Recording:
    recording = recording_create(organisation=organisation, audio=audio, **fields)
    storage = audio_storage()
    with storage.open(recording.storage_key, "rb") as handle:
        plain = handle.read()
    storage.delete(recording.storage_key)
    data_key = new_data_key(recording, day_key(organisation, recording.purge_deadline))
    store_sealed(recording, io.BytesIO(plain), data_key=data_key, expected_sha256=recording.sha256)
    recording.save(update_fields=["audio_key", "wrapped_key", "sealing"])
    return recording
