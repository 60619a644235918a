"""A live day key whose file is damaged (review 2, finding 4): when no call uses it, it is
replaced like a lost one (destroyed with reason file_corrupt, a new key made), so the day's
ingest is not blocked; when calls use it, it is kept and they report it damaged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from access.tests.conftest import register_for
from audit.models import AuditEvent
from recordings import audio_keys, sealed_storage
from recordings.constants import IngestChannel
from recordings.ingest_batch import IngestItem, recordings_ingest_batch
from recordings.keystore import key_store
from recordings.models import AudioKey
from recordings.tests.audio import make_wav

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(cast):
    register_for(cast.organisation)
    return cast.organisation


def _damage(audio_key: AudioKey) -> None:
    path = Path(settings.AUDIO_KEY_DIR) / audio_keys.key_name(audio_key)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_unused_day_key_is_replaced_and_the_days_calls_are_stored(org, tmp_path):
    started = timezone.now() - timedelta(hours=1)
    meta = {"call_id": "corrupt-1", "started_at": started.isoformat(), "direction": "inbound"}
    damaged = audio_keys.day_key(org, started + timedelta(days=28))
    _damage(damaged)

    [outcome] = recordings_ingest_batch(
        organisation=org,
        items=[IngestItem(source=make_wav(tmp_path / "c.wav", seconds=1.0), metadata=meta)],
        channel=IngestChannel.DROP_FOLDER,
    )

    assert outcome.ok, outcome.error
    recording = outcome.recording
    recording.refresh_from_db()
    assert recording.audio_key_id != damaged.pk
    assert recording.audio_key.day == damaged.day
    assert sealed_storage.readable(recording) is None
    damaged.refresh_from_db()
    assert damaged.destroyed_at is not None
    assert not key_store().exists(audio_keys.key_name(damaged))
    event = AuditEvent.objects.get(
        action="recordings.audio_key.destroyed", target_id=str(damaged.pk)
    )
    assert event.detail["reason"] == "file_corrupt"


def test_a_damaged_day_key_that_a_call_uses_is_kept(org):
    from recordings.tests.sealing import sealed_recording_create

    call = sealed_recording_create(organisation=org)
    _damage(call.audio_key)
    assert audio_keys.day_key(org, call.purge_deadline).pk == call.audio_key_id
    assert AudioKey.objects.get(pk=call.audio_key_id).destroyed_at is None
    call.refresh_from_db()
    assert sealed_storage.readable(call) == "key_corrupt"
