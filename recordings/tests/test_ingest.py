"""The one ingest service: what it stores, what it refuses, and that a refusal stores nothing."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from access.tests.conftest import register_for
from audit.models import AuditEvent
from organisations.tests.factories import EmployeeFactory
from recordings import sealed_storage
from recordings.constants import IngestChannel, RecordingStatus
from recordings.models import Recording
from recordings.services import IngestRejected, recording_ingest, recordings_sweep_incomplete
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create, wav_bytes

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["audio"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def org(cast):
    register_for(cast.organisation)
    return cast.organisation


@pytest.fixture
def wav(tmp_path) -> Path:
    path = tmp_path / "klant 06-12345678 gesprek.wav"
    path.write_bytes(wav_bytes(seconds=2, seed=42))
    return path


def meta(**extra):
    started = (timezone.now() - timedelta(hours=1)).isoformat()
    return {"call_id": "pbx-1", "started_at": started, "direction": "inbound", **extra}


def ingest(org, source, metadata, channel=IngestChannel.API):
    return recording_ingest(organisation=org, source=source, metadata=metadata, channel=channel)


def test_a_valid_call_is_stored_with_its_deadline_and_audited(org, wav):
    agent = EmployeeFactory(organisation=org, pbx_agent_id="1001")
    recording = ingest(
        org,
        wav,
        meta(
            agent_id="1001",
            customer_phone="06-12345678",
            announcement="welkom-v3",
            queue="subsidies",
        ),
    )
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.ACTIVE
    assert recording.employee == agent
    assert recording.customer_phone == "+31612345678"
    assert recording.announcement == "welkom-v3"
    assert (recording.container, recording.codec, recording.sample_rate) == (
        "wav",
        "pcm_s16le",
        8000,
    )
    assert recording.audio_duration_seconds == pytest.approx(2.0, abs=0.01)
    assert recording.purge_deadline == recording.started_at + timedelta(days=28)
    assert recording.retention_days == 28
    # Stored sealed (issue 19); the plaintext comes back through sealed_storage.
    assert recording.sealing == "v1"
    with audio_storage().open(recording.storage_key) as handle:
        assert handle.read(4) == b"ESA1"
    assert b"".join(sealed_storage.iter_plain(recording)) == wav.read_bytes()
    event = AuditEvent.objects.get(action="recordings.recording.ingested")
    assert event.target_id == str(recording.pk)
    assert "0612345678" not in str(event.detail) and "+316" not in str(event.detail)


def test_the_storage_key_never_uses_the_file_name(org, wav):
    recording = ingest(org, wav, meta())
    assert "klant" not in recording.storage_key and "0612345678" not in recording.storage_key


def test_retention_comes_from_the_register(cast, wav):
    register_for(cast.organisation, retention_days=62)
    recording = ingest(cast.organisation, wav, meta())
    assert recording.purge_deadline - recording.started_at == timedelta(days=62)


@pytest.mark.parametrize(
    "content",
    [b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk", b"%PDF-1.4 not audio", wav_bytes()[:300]],
    ids=["corrupt", "not-audio", "truncated"],
)
def test_bad_audio_is_refused_with_a_reason_and_nothing_is_stored(org, tmp_path, content):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(content)
    with pytest.raises(IngestRejected) as excinfo:
        ingest(org, bad, meta())
    assert excinfo.value.code in {"corrupt", "not_audio", "truncated", "unknown_format"}
    assert excinfo.value.message
    assert not Recording.objects.exists()
    assert stored_files() == []


def test_an_empty_file_is_refused(org, tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(IngestRejected) as excinfo:
        ingest(org, empty, meta())
    assert excinfo.value.code == "empty"
    assert stored_files() == []


def test_a_file_over_the_limit_is_refused(org, wav, settings):
    settings.MAX_AUDIO_MB = 0
    with pytest.raises(IngestRejected) as excinfo:
        ingest(org, wav, meta())
    assert excinfo.value.code == "too_large"


# Each case is made when its test runs, not when pytest collects: "an hour ago" and "tomorrow"
# must be read from the clock the test sees.
@pytest.mark.parametrize(
    ("make_metadata", "words"),
    [
        (lambda: {"call_id": "x"}, "Start"),
        (lambda: meta(customer_phone="12"), "phone number"),
        (lambda: meta(customer_phone="not a number"), "phone number"),
        (lambda: meta(customer_bsn="123456789"), "elfproef"),
        (lambda: meta(direction="sideways"), "Direction"),
        (lambda: meta(agent_id="9999"), "agent id"),
        (lambda: meta(colour="blue"), "colour"),
        (lambda: meta(started_at=(timezone.now() + timedelta(days=1)).isoformat()), "future"),
    ],
    ids=["no-start", "short-phone", "not-a-phone", "bsn", "direction", "agent", "colour", "future"],
)
def test_metadata_that_does_not_validate_is_refused_with_the_reason(
    org, wav, make_metadata, words, settings
):
    metadata = make_metadata()
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(IngestRejected) as excinfo:
        ingest(org, wav, metadata)
    assert excinfo.value.code == "metadata"
    assert words.lower() in excinfo.value.message.lower()
    assert not Recording.objects.exists() and stored_files() == []


def test_customer_fields_the_register_does_not_declare_are_refused(org, wav):
    from django.utils import translation

    with translation.override("en"), pytest.raises(IngestRejected) as excinfo:
        ingest(org, wav, meta(customer_bsn="111222333"))
    assert "does not declare" in excinfo.value.message


def test_a_valid_bsn_is_accepted_where_declared(org, wav):
    org.processing_activities.update(recorded_customer_fields=["phone", "bsn"])
    recording = ingest(org, wav, meta(customer_bsn="111222333"))
    assert recording.customer_bsn == "111222333"


def test_the_same_call_id_twice_is_refused(org, wav, tmp_path):
    ingest(org, wav, meta())
    other = tmp_path / "other.wav"
    other.write_bytes(wav_bytes(seconds=1, seed=7))
    with pytest.raises(IngestRejected) as excinfo:
        ingest(org, other, meta())
    assert excinfo.value.code == "duplicate_call"
    assert len(stored_files()) == 1


def test_the_same_audio_under_another_call_id_is_refused(org, wav):
    ingest(org, wav, meta())
    with pytest.raises(IngestRejected) as excinfo:
        ingest(org, wav, meta(call_id="pbx-2"))
    assert excinfo.value.code == "duplicate_audio"


def test_the_same_call_id_in_another_organisation_is_fine(org, wav, cast):
    register_for(cast.other_organisation)
    ingest(org, wav, meta())
    ingest(cast.other_organisation, wav, meta())
    assert Recording.objects.count() == 2


def test_without_a_declared_retention_nothing_is_stored(cast, wav):
    with pytest.raises(IngestRejected) as excinfo:
        ingest(cast.organisation, wav, meta())
    assert excinfo.value.code == "no_retention"


def test_a_call_older_than_its_retention_is_refused(org, wav):
    old = (timezone.now() - timedelta(days=29)).isoformat()
    with pytest.raises(IngestRejected) as excinfo:
        ingest(org, wav, meta(started_at=old))
    assert excinfo.value.code == "past_retention"


def test_a_crash_between_storing_and_committing_leaves_nothing(org, wav, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr("recordings.services.audit.record", crash)
    with pytest.raises(RuntimeError):
        ingest(org, wav, meta())
    assert not Recording.objects.exists()
    assert stored_files() == []


def test_the_sweep_removes_what_a_killed_ingest_left(org):
    left = recording_create(organisation=org, status=RecordingStatus.INCOMING)
    fresh = recording_create(organisation=org, status=RecordingStatus.INCOMING)
    Recording.objects.filter(pk=left.pk).update(ingested_at=timezone.now() - timedelta(hours=2))
    assert recordings_sweep_incomplete() == 1
    assert not Recording.objects.filter(pk=left.pk).exists()
    assert not audio_storage().exists(left.storage_key)
    assert Recording.objects.filter(pk=fresh.pk).exists()  # may still be being stored
