"""The audio storage on S3: build_storages() from the environment, and ingest, presigned URLs,
ranged reads and the sweep against a real S3-compatible server (moto, server mode, loopback).
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.utils import timezone
from storages.backends.s3 import S3Storage

from access.streaming import CHUNK, _chunks
from access.tests.conftest import register_for
from earshot.storages import build_storages
from recordings import sealed, sealed_storage
from recordings.constants import IngestChannel, RecordingStatus
from recordings.models import Recording
from recordings.services import recording_ingest, recordings_sweep_incomplete
from recordings.storage import audio_storage
from recordings.tests.audio import make_wav
from recordings.tests.factories import recording_create
from tests.s3 import BUCKET, PREFIX, REGION, URL_SECONDS, s3_environment

ENDPOINT = "http://127.0.0.1:9"  # for the builder only: nothing connects to it


@pytest.fixture
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if (
            name.startswith("EARSHOT_STORAGE")
            or name.startswith("EARSHOT_S3_")
            or (name.startswith("EARSHOT_AUDIO_DIR"))
        ):
            monkeypatch.delenv(name)
    return monkeypatch


# build_storages: no server needed ------------------------------------------------------------


def test_build_storages_is_local_by_default(clean_environment, tmp_path):
    built = build_storages(var_dir=tmp_path, debug=False)

    audio = built["audio"]
    assert audio["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert audio["OPTIONS"]["base_url"] is None
    assert Path(audio["OPTIONS"]["location"]) == tmp_path / "audio"
    storage = storages.create_storage(audio)
    assert isinstance(storage, FileSystemStorage)
    assert Path(storage.location).is_relative_to(tmp_path)
    assert built["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_build_storages_s3_from_the_environment(clean_environment, tmp_path):
    s3_environment(clean_environment, endpoint_url=ENDPOINT, bucket=BUCKET)

    built = build_storages(var_dir=tmp_path, debug=False)

    assert built["audio"]["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = storages.create_storage(built["audio"])
    assert isinstance(storage, S3Storage)
    assert storage.bucket_name == BUCKET
    assert storage.endpoint_url == ENDPOINT
    assert storage.region_name == REGION
    assert storage.location == PREFIX
    assert storage.querystring_auth is True
    assert storage.querystring_expire == URL_SECONDS <= 300
    assert storage.default_acl is None
    assert storage.file_overwrite is False
    assert storage.custom_domain is None  # a custom domain would give unsigned URLs
    # The other storages stay on local disk, away from anything served.
    assert built["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_build_storages_s3_without_bucket_is_refused(clean_environment, tmp_path):
    clean_environment.setenv("EARSHOT_STORAGE", "s3")

    with pytest.raises(ImproperlyConfigured, match="EARSHOT_S3_BUCKET"):
        build_storages(var_dir=tmp_path, debug=False)


def test_build_storages_unknown_kind_is_refused(clean_environment, tmp_path):
    clean_environment.setenv("EARSHOT_STORAGE", "azure")

    with pytest.raises(ImproperlyConfigured, match="azure"):
        build_storages(var_dir=tmp_path, debug=False)


def test_changing_storages_resets_the_storage_handler(settings, s3_audio_storage):
    """Django's setting_changed receiver swaps the backend, and swaps it back on restore."""
    assert isinstance(storages["audio"], S3Storage)
    assert storages.backends["audio"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storages.backends["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "audio": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert not isinstance(storages["audio"], S3Storage)


# Against the moto server ---------------------------------------------------------------------


def _register_with_recording_retention(organisation) -> None:
    register_for(organisation)


def _metadata(call_id: str = "c1") -> dict:
    started_at = timezone.now() - timedelta(hours=1)
    return {"call_id": call_id, "started_at": started_at.isoformat(), "direction": "inbound"}


def _source(tmp_path: Path) -> Path:
    # A name full of things that must never reach the bucket.
    source = tmp_path / "janssen-0612345678-klacht.wav"
    make_wav(source)
    return source


def test_ingest_stores_the_audio_in_the_bucket(cast, s3_audio_storage, tmp_path):
    _register_with_recording_retention(cast.organisation)
    source = _source(tmp_path)
    content = source.read_bytes()

    recording = recording_ingest(
        organisation=cast.organisation,
        source=source,
        metadata=_metadata(),
        channel=IngestChannel.UPLOAD,
    )

    recording.refresh_from_db()
    assert recording.status == RecordingStatus.ACTIVE
    key = s3_audio_storage.object_key(recording.storage_key)
    assert s3_audio_storage.object_keys() == [key]
    # Sealed (issue 19): the bucket holds ciphertext only; the app reads the plaintext back.
    head = s3_audio_storage.client.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == sealed.sealed_size(len(content))
    assert recording.size_bytes == len(content) and recording.sealing == "v1"
    body = s3_audio_storage.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body[:4] == b"ESA1"
    assert not [
        w for w in (content[i : i + 64] for i in range(0, len(content) - 64, 64)) if w in body
    ]
    assert b"".join(sealed_storage.iter_plain(recording)) == content
    assert sealed_storage.read_range(recording, 1000, 5000) == content[1000:6000]
    assert recording.sha256 == hashlib.sha256(content).hexdigest()
    for part in ("janssen", "0612345678", "klacht"):
        assert part not in key
    assert key.startswith(f"{PREFIX}/{cast.organisation.pk}/")


def test_failure_after_storing_leaves_no_object_and_no_row(
    cast, s3_audio_storage, tmp_path, monkeypatch
):
    _register_with_recording_retention(cast.organisation)
    source = _source(tmp_path)
    seen_in_bucket = []

    def failing_record(**kwargs):
        seen_in_bucket.extend(s3_audio_storage.object_keys())
        raise RuntimeError("audit is down")

    monkeypatch.setattr("recordings.services.audit.record", failing_record)

    with pytest.raises(RuntimeError, match="audit is down"):
        recording_ingest(
            organisation=cast.organisation,
            source=source,
            metadata=_metadata(),
            channel=IngestChannel.UPLOAD,
        )

    assert len(seen_in_bucket) == 1  # the object was stored before the failure...
    assert s3_audio_storage.object_keys() == []  # ...and removed after it
    assert not Recording.objects.exists()


def _seconds_valid(query: dict[str, list[str]]) -> int:
    """How long a presigned URL lives: X-Amz-Expires (SigV4) or Expires, a timestamp (SigV2)."""
    if "X-Amz-Expires" in query:
        return int(query["X-Amz-Expires"][0])
    return int(query["Expires"][0]) - int(time.time())


def test_presigned_url_serves_the_audio_and_the_bucket_is_private(cast, s3_audio_storage):
    audio = b"RIFF" + os.urandom(4096)
    recording = recording_create(organisation=cast.organisation, audio=audio)

    url = audio_storage().url(recording.storage_key)

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert url.startswith(
        f"{s3_audio_storage.endpoint_url}/{BUCKET}/{PREFIX}/{recording.storage_key}?"
    )
    assert "X-Amz-Signature" in query or "Signature" in query
    assert _seconds_valid(query) in range(URL_SECONDS - 5, URL_SECONDS + 1)

    signed = httpx.get(url)
    assert signed.status_code == 200
    assert signed.content == audio

    unsigned = httpx.get(urlunsplit(parts._replace(query="")))
    assert unsigned.status_code == 403
    assert audio not in unsigned.content


def test_presigned_url_is_signature_version_4(cast, s3_audio_storage):
    recording = recording_create(organisation=cast.organisation)

    query = parse_qs(urlsplit(audio_storage().url(recording.storage_key)).query)

    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert f"/{REGION}/s3/" in query["X-Amz-Credential"][0]
    assert query["X-Amz-Expires"] == [str(URL_SECONDS)]


@pytest.mark.parametrize(
    ("start", "length"),
    [
        (0, 1),
        (0, 44),
        (1000, CHUNK),  # more than one read of the loop
        (CHUNK - 3, 2 * CHUNK + 7),
        (200_000, 12_345),
    ],
)
def test_ranged_reads_through_the_s3_storage(cast, s3_audio_storage, start, length):
    audio = os.urandom(3 * CHUNK + 1234)
    recording = recording_create(organisation=cast.organisation, audio=audio)

    read = b"".join(_chunks(recording, start, length))

    assert read == audio[start : start + length]


def test_ranged_read_past_the_end_stops_at_the_end(cast, s3_audio_storage):
    audio = os.urandom(1000)
    recording = recording_create(organisation=cast.organisation, audio=audio)

    assert b"".join(_chunks(recording, 990, 100)) == audio[990:]


def test_sweep_removes_an_old_incoming_row_and_its_object(cast, s3_audio_storage):
    stale = recording_create(organisation=cast.organisation, status=RecordingStatus.INCOMING)
    fresh = recording_create(organisation=cast.organisation, status=RecordingStatus.INCOMING)
    active = recording_create(organisation=cast.organisation)
    Recording.objects.filter(pk__in=[stale.pk, active.pk]).update(
        ingested_at=timezone.now() - timedelta(hours=2)
    )
    stale_key = s3_audio_storage.object_key(stale.storage_key)
    assert stale_key in s3_audio_storage.object_keys()

    assert recordings_sweep_incomplete() == 1

    assert not Recording.objects.filter(pk=stale.pk).exists()
    assert sorted(s3_audio_storage.object_keys()) == sorted(
        s3_audio_storage.object_key(r.storage_key) for r in (fresh, active)
    )
    assert set(Recording.objects.values_list("pk", flat=True)) == {fresh.pk, active.pk}
