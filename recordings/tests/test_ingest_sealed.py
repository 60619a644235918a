"""Every ingest stores sealed audio (issue 19): upload/API (recording_ingest), the batch (drop
folder, archive import). A file that changes between its hash and its sealing is refused and
leaves nothing (the drop folder tries it again later); a key store that cannot be written is
an error of the system, never a refused call."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation

from access.tests.conftest import register_for
from recordings import ingest_batch, services
from recordings.archive_import import archive_import
from recordings.archive_models import ArchiveImportFile
from recordings.constants import IngestChannel, RecordingStatus
from recordings.dropfolder import MAX_ATTEMPTS, STALE_CLAIM_SECONDS, drop_folder_scan
from recordings.ingest_batch import IngestItem, recordings_ingest_batch
from recordings.models import AudioKey, Recording
from recordings.sealed_storage import iter_plain
from recordings.services import IngestRejected, recording_ingest
from recordings.storage import file_digest
from recordings.tests.audio import make_wav
from recordings.tests.test_api import push
from recordings.tokens import ingest_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(cast):
    register_for(cast.organisation)
    return cast.organisation


def stored_files() -> list[Path]:
    location = Path(django_settings.STORAGES["audio"]["OPTIONS"]["location"])
    return [p for p in location.rglob("*") if p.is_file()] if location.exists() else []


def metadata(call_id: str, hours_ago: float = 1) -> dict:
    started = timezone.now() - timedelta(hours=hours_ago)
    return {"call_id": call_id, "started_at": started.isoformat(), "direction": "inbound"}


def wav(folder: Path, stem: str, seconds: float = 5.0) -> Path:
    return make_wav(folder / f"{stem}.wav", seconds=seconds)


def assert_sealed(recording: Recording, plain: bytes) -> None:
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.ACTIVE
    assert recording.sealing == "v1"
    assert recording.audio_key.day == recording.purge_deadline.astimezone(UTC).date()
    assert len(bytes(recording.wrapped_key)) == 60  # nonce, wrapped data key, tag
    assert recording.size_bytes == len(plain)
    assert recording.sha256 == hashlib.sha256(plain).hexdigest()
    [stored] = [p for p in stored_files() if p.name == Path(recording.storage_key).name]
    data = stored.read_bytes()
    assert data[:4] == b"ESA1"
    windows = [plain[i : i + 64] for i in range(0, len(plain) - 64, 64)]
    assert not [w for w in windows if w in data]
    assert b"".join(iter_plain(recording)) == plain


def test_a_single_ingest_stores_the_call_sealed_under_its_deadline_day(org, tmp_path):
    source = wav(tmp_path, "one")
    recording = recording_ingest(
        organisation=org, source=source, metadata=metadata("one"), channel=IngestChannel.UPLOAD
    )
    assert_sealed(recording, source.read_bytes())
    assert not hasattr(recording, "data_key")


def test_the_api_stores_the_call_sealed(cast):
    register_for(cast.organisation)
    _, raw = ingest_token_create(organisation=cast.organisation, name="pbx", actor=None)
    response = push(raw)
    assert response.status_code == 201, response.content
    recording = Recording.objects.get(pk=response.json()["id"])
    assert recording.sealing == "v1"


def test_a_batch_is_sealed_with_one_key_per_deadline_day(org, tmp_path):
    sources = [wav(tmp_path, f"b{i}", seconds=1.0 + i / 10) for i in range(4)]
    # Two calls a day apart: two deadline days, two keys; the others share the first.
    hours = [1, 1, 1, 25]
    outcomes = recordings_ingest_batch(
        organisation=org,
        items=[
            IngestItem(source=s, metadata=metadata(s.stem, h))
            for s, h in zip(sources, hours, strict=True)
        ],
        channel=IngestChannel.DROP_FOLDER,
    )
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    for source, outcome in zip(sources, outcomes, strict=True):
        assert_sealed(outcome.recording, source.read_bytes())
    days = {o.recording.purge_deadline.astimezone(UTC).date() for o in outcomes}
    assert AudioKey.objects.filter(organisation=org).count() == len(days)
    assert len({o.recording.audio_key_id for o in outcomes}) == len(days)


def _changing_hash(monkeypatch, module) -> list[Path]:
    """file_digest that hashes the file and then changes one byte of its audio: the file
    changed between its hash and its sealing (a recorder still writing)."""
    changed: list[Path] = []

    def hash_then_change(path):
        digest = file_digest(path)
        with open(path, "r+b") as handle:
            handle.seek(-1, 2)
            last = handle.read(1)
            handle.seek(-1, 2)
            handle.write(bytes([last[0] ^ 0xFF]))
        changed.append(Path(path))
        return digest

    monkeypatch.setattr(module, "file_digest", hash_then_change)
    return changed


def test_a_file_changed_between_hash_and_store_is_refused_and_leaves_nothing(
    org, tmp_path, monkeypatch
):
    source = wav(tmp_path, "moving")
    _changing_hash(monkeypatch, services)
    with pytest.raises(IngestRejected) as refused:
        recording_ingest(
            organisation=org,
            source=source,
            metadata=metadata("moving"),
            channel=IngestChannel.UPLOAD,
        )
    assert refused.value.code == "changed_while_reading"
    assert not Recording.objects.exists()
    assert stored_files() == []


def test_a_changed_file_in_a_batch_refuses_only_itself(org, tmp_path, monkeypatch):
    sources = [wav(tmp_path, f"c{i}", seconds=1.0 + i / 10) for i in range(3)]
    real = ingest_batch.file_digest
    changed = _changing_hash(monkeypatch, ingest_batch)
    change = ingest_batch.file_digest

    def only_the_second(path):
        return change(path) if Path(path).name == "c1.wav" else real(path)

    monkeypatch.setattr(ingest_batch, "file_digest", only_the_second)
    outcomes = recordings_ingest_batch(
        organisation=org,
        items=[IngestItem(source=s, metadata=metadata(s.stem)) for s in sources],
        channel=IngestChannel.DROP_FOLDER,
    )
    assert [o.ok for o in outcomes] == [True, False, True]
    assert isinstance(outcomes[1].error, IngestRejected)
    assert outcomes[1].error.code == "changed_while_reading"
    assert changed and not Recording.objects.filter(call_id="c1").exists()
    assert len(stored_files()) == 2


def test_the_drop_folder_tries_a_changed_file_again_an_hour_later(org, tmp_path, monkeypatch):
    """The claim stays (as for an error of the system) and a scan an hour later tries it."""
    drop = tmp_path / "drop"
    drop.mkdir()
    wav(drop, "late")
    (drop / "late.json").write_text(json.dumps(metadata("late")), encoding="utf-8")
    _changing_hash(monkeypatch, ingest_batch)
    now = time.time()

    report = drop_folder_scan(organisation=org, folder=drop, settle_seconds=0, now=now)

    assert (report.ingested, report.rejected, report.waiting) == (0, 0, 1)
    assert not [p for p in drop.iterdir() if p.is_file()]  # in its claim, not back
    assert not (drop / "rejected").exists() or not list((drop / "rejected").iterdir())
    assert not Recording.objects.exists() and stored_files() == []

    monkeypatch.undo()
    later = now + STALE_CLAIM_SECONDS + 1
    report = drop_folder_scan(organisation=org, folder=drop, settle_seconds=0, now=later)
    assert report.ingested == 1
    assert Recording.objects.get(call_id="late").sealing == "v1"


def test_a_file_that_changes_at_every_read_is_refused_after_the_last_attempt(
    org, tmp_path, monkeypatch
):
    """Review 2: it was put back into the folder each time and tried forever."""
    drop = tmp_path / "drop"
    drop.mkdir()
    wav(drop, "flaky")
    (drop / "flaky.json").write_text(json.dumps(metadata("flaky")), encoding="utf-8")
    _changing_hash(monkeypatch, ingest_batch)
    translation.activate("en")  # the words of the last error are checked below
    now = time.time()
    assert drop_folder_scan(organisation=org, folder=drop, settle_seconds=0, now=now).waiting == 1
    for _attempt in range(2, MAX_ATTEMPTS + 1):
        now += STALE_CLAIM_SECONDS + 1
        report = drop_folder_scan(organisation=org, folder=drop, settle_seconds=0, now=now)
        assert report.waiting == 1
    now += STALE_CLAIM_SECONDS + 1
    report = drop_folder_scan(organisation=org, folder=drop, settle_seconds=0, now=now)
    translation.deactivate()
    assert (report.rejected, report.waiting) == (1, 0)
    text = (drop / "rejected" / "flaky.wav.error.txt").read_text(encoding="utf-8")
    assert f"in {MAX_ATTEMPTS} attempts" in text and "changed" in text
    assert not Recording.objects.exists() and stored_files() == []


@pytest.fixture
def broken_key_store(settings, tmp_path):
    """A key store that cannot be written: its folder's parent is a file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.AUDIO_KEY_DIR = blocker / "keys"


def test_an_unwritable_key_store_is_an_error_of_the_system_not_a_refusal(
    org, tmp_path, broken_key_store
):
    source = wav(tmp_path, "nokey")
    with pytest.raises(OSError):
        recording_ingest(
            organisation=org, source=source, metadata=metadata("nokey"), channel=IngestChannel.API
        )
    assert not Recording.objects.exists() and stored_files() == []
    assert not AudioKey.objects.exists()


def test_the_api_answers_503_when_the_key_store_cannot_be_written(cast, broken_key_store):
    register_for(cast.organisation)
    _, raw = ingest_token_create(organisation=cast.organisation, name="pbx", actor=None)
    response = push(raw)
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response["Retry-After"]
    assert not Recording.objects.exists()


def test_the_drop_folder_keeps_a_file_it_cannot_seal_for_a_later_try(
    org, tmp_path, broken_key_store
):
    drop = tmp_path / "drop"
    drop.mkdir()
    wav(drop, "kept")
    (drop / "kept.json").write_text(json.dumps(metadata("kept")), encoding="utf-8")

    report = drop_folder_scan(organisation=org, folder=drop, settle_seconds=0)

    assert (report.ingested, report.rejected, report.failed) == (0, 0, 1)
    claimed = [p.name for p in (drop / ".processing").rglob("*") if p.is_file()]
    assert "kept.wav" in claimed
    assert not Recording.objects.exists() and stored_files() == []


def _archive(tmp_path: Path, count: int) -> Path:
    root = tmp_path / "archive"
    root.mkdir()
    for i in range(count):
        wav(root, f"old{i}", seconds=1.0 + i / 10)
        (root / f"old{i}.json").write_text(
            json.dumps(metadata(f"old{i}", hours_ago=48 + i * 24)), encoding="utf-8"
        )
    return root


def test_an_archive_import_stores_every_call_sealed(org, tmp_path):
    root = _archive(tmp_path, 3)
    summary = archive_import(organisation=org, root=root)
    assert summary.imported == 3
    for recording in Recording.objects.filter(organisation=org):
        assert_sealed(recording, (root / f"{recording.call_id}.wav").read_bytes())
    assert AudioKey.objects.filter(organisation=org).count() == 3  # three deadline days


def test_an_archive_import_stops_on_an_unwritable_key_store_and_refuses_nothing(
    org, tmp_path, broken_key_store
):
    root = _archive(tmp_path, 2)
    with pytest.raises(OSError):
        archive_import(organisation=org, root=root)
    assert not Recording.objects.exists() and stored_files() == []
    assert not ArchiveImportFile.objects.filter(outcome="refused").exists()


def test_a_file_that_grows_while_it_is_hashed_gets_the_size_of_its_hashed_bytes(
    org, tmp_path, monkeypatch
):
    """Review 2, finding 2: the size came from a stat taken before the hash; a recorder that
    appended in between gave a row the hash and sealed audio of the longer file and the size
    of the shorter one. Size and hash are now of the same bytes."""
    source = wav(tmp_path, "grow-1", seconds=1.0)
    real = ingest_batch.file_digest

    def growing(path):
        with open(path, "ab") as handle:  # the recorder appends just before the read
            handle.write(b"\x00" * 70000)
        return real(path)

    monkeypatch.setattr(ingest_batch, "file_digest", growing)
    [outcome] = recordings_ingest_batch(
        organisation=org,
        items=[IngestItem(source=source, metadata=metadata("grow-1"))],
        channel=IngestChannel.DROP_FOLDER,
    )
    assert outcome.ok, outcome.error
    recording = outcome.recording
    recording.refresh_from_db()
    whole = b"".join(iter_plain(recording))
    assert len(whole) == recording.size_bytes == source.stat().st_size
    assert hashlib.sha256(whole).hexdigest() == recording.sha256


def test_store_sealed_refuses_a_source_whose_size_is_not_the_expected_one(org, tmp_path):
    """A size that is not the row's is refused like a changed hash, and leaves nothing."""
    from recordings import audio_keys, sealed_storage
    from recordings.tests.factories import recording_create

    source = wav(tmp_path, "sized", seconds=1.0)
    plain = source.read_bytes()
    recording = recording_create(organisation=org)
    key = audio_keys.day_key(org, recording.purge_deadline)
    recording.storage_key = f"{org.pk}/sized-copy.wav"
    data_key = audio_keys.new_data_key(recording, key)
    with pytest.raises(IngestRejected) as refused:
        sealed_storage.store_sealed(
            recording,
            source,
            data_key=data_key,
            expected_sha256=hashlib.sha256(plain).hexdigest(),
            expected_size=len(plain) - 1,
        )
    assert refused.value.code == "changed_while_reading"
    assert not [p for p in stored_files() if p.name == "sized-copy.wav"]


def test_an_archive_file_that_changed_while_stored_says_to_run_the_import_again(
    org, tmp_path, monkeypatch
):
    """Review 2: the journal marks it refused, so "tried again when it is complete" (the drop
    folder's words) was not true; a new run of the import does take it."""
    root = _archive(tmp_path, 1)
    _changing_hash(monkeypatch, ingest_batch)
    with translation.override("en"):
        summary = archive_import(organisation=org, root=root)
    assert summary.imported == 0
    assert summary.refused_by_code == {"changed_while_reading": 1}
    [(_count, [(_path, message)])] = summary.refusals.values()
    assert "run the import again" in message and "tried again" not in message
    monkeypatch.undo()
    assert archive_import(organisation=org, root=root).imported == 1
