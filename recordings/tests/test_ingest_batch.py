"""Batch ingest (the drop folder in batches): a bad file refuses only itself, and a scan that
dies halfway through a batch neither loses nor duplicates a call on the next scan."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from access.tests.conftest import register_for
from audit.models import AuditEvent
from audit.services import chain_key_for
from audit.verification import chain_verify
from recordings import dropfolder, ingest_batch
from recordings.constants import IngestChannel, RecordingStatus
from recordings.dropfolder import STALE_CLAIM_SECONDS, drop_folder_scan
from recordings.ingest_batch import IngestItem, recordings_ingest_batch
from recordings.models import Recording
from recordings.services import IngestRejected
from recordings.tests.audio import corrupt, make_wav

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(cast):
    register_for(cast.organisation)
    return cast.organisation


@pytest.fixture
def drop(tmp_path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def stored_files() -> list[Path]:
    location = Path(django_settings.STORAGES["audio"]["OPTIONS"]["location"])
    return [p for p in location.rglob("*") if p.is_file()] if location.exists() else []


def call(folder: Path, stem: str, *, seconds: float = 1.0, **metadata) -> Path:
    audio = make_wav(folder / f"{stem}.wav", seconds=seconds)
    values = {
        "call_id": stem,
        "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "direction": "inbound",
        **metadata,
    }
    (folder / f"{stem}.json").write_text(json.dumps(values), encoding="utf-8")
    return audio


def scan(org, folder: Path, **kwargs):
    return drop_folder_scan(organisation=org, folder=folder, settle_seconds=0, **kwargs)


def reason(folder: Path, name: str) -> str:
    return (folder / "rejected" / f"{name}.error.txt").read_text(encoding="utf-8")


def left_in(folder: Path) -> list[str]:
    """Every file still in the folder or one of its claims (not the rejected ones)."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and "rejected" not in p.parts
    )


def test_one_bad_file_in_a_batch_refuses_only_itself(org, drop):
    for n in range(6):
        call(drop, f"good-{n}", seconds=1.0 + n / 10)
    corrupt(call(drop, "corrupt"))
    call(drop, "bad-sidecar")
    (drop / "bad-sidecar.json").write_text("{not json", encoding="utf-8")
    call(drop, "twice-a", seconds=3.0, call_id="twice")
    call(drop, "twice-b", seconds=3.5, call_id="twice")
    call(drop, "undeclared", seconds=4.0, customer_bsn="111222333")

    report = scan(org, drop)

    assert (report.ingested, report.rejected, report.failed) == (7, 4, 0)
    live = Recording.objects.filter(organisation=org, status=RecordingStatus.ACTIVE)
    assert sorted(live.values_list("call_id", flat=True)) == sorted(
        [f"good-{n}" for n in range(6)] + ["twice"]
    )
    assert len(stored_files()) == 7
    assert "code:" in reason(drop, "corrupt.wav")
    assert "code: metadata" in reason(drop, "bad-sidecar.wav")
    [duplicate] = [n for n in ("twice-a.wav", "twice-b.wav") if (drop / "rejected" / n).exists()]
    assert "code: duplicate_call" in reason(drop, duplicate)
    assert "twice" in reason(drop, duplicate)
    assert "code: metadata" in reason(drop, "undeclared.wav")
    assert left_in(drop) == []
    # One ingest event per call that landed, and the chain still verifies.
    events = AuditEvent.objects.filter(action="recordings.recording.ingested")
    assert events.count() == 7
    assert chain_verify(key=chain_key_for(org)).ok


def test_a_file_that_breaks_the_batch_transaction_refuses_only_itself(org, drop, monkeypatch):
    for n in range(4):
        call(drop, f"good-{n}", seconds=1.0 + n / 10)
    call(drop, "poison", seconds=2.0)
    real_record_many = ingest_batch.audit.record_many

    def record_many(**kwargs):
        # A bug that one call's content triggers in the batch's last transaction.
        if any(recording.call_id == "poison" for recording, _ in kwargs["entries"]):
            raise TypeError("cannot serialise this call")
        return real_record_many(**kwargs)

    monkeypatch.setattr(ingest_batch.audit, "record_many", record_many)

    report = scan(org, drop)

    assert (report.ingested, report.rejected, report.failed) == (4, 1, 0)
    assert "TypeError: cannot serialise this call" in reason(drop, "poison.wav")
    assert sorted(Recording.objects.values_list("call_id", flat=True)) == [
        f"good-{n}" for n in range(4)
    ]
    assert len(stored_files()) == 4  # the poison's object went with its row
    assert left_in(drop) == []


def test_the_batch_service_reports_each_call_on_its_own(org, tmp_path):
    good = make_wav(tmp_path / "good.wav", seconds=1.0)
    bad = corrupt(make_wav(tmp_path / "bad.wav", seconds=1.5))
    start = (timezone.now() - timedelta(hours=1)).isoformat()
    items = [
        IngestItem(source=good, metadata={"call_id": "a", "started_at": start, "direction": "in"}),
        IngestItem(source=bad, metadata={"call_id": "b", "started_at": start, "direction": "in"}),
        IngestItem(source=good, metadata={"call_id": "c", "started_at": start, "direction": "in"}),
    ]

    first, second, third = recordings_ingest_batch(
        organisation=org, items=items, channel=IngestChannel.DROP_FOLDER
    )

    assert first.ok and first.recording.call_id == "a"
    assert first.recording.status == RecordingStatus.ACTIVE
    assert isinstance(second.error, IngestRejected)
    assert isinstance(third.error, IngestRejected) and third.error.code == "duplicate_audio"
    assert list(Recording.objects.values_list("call_id", flat=True)) == ["a"]


class Killed(BaseException):
    """The process dies here: nothing after this line of the scan runs, no cleanup."""


def test_a_scan_killed_after_the_commit_leaves_no_duplicate_on_the_next_scan(
    org, drop, monkeypatch
):
    for n in range(5):
        call(drop, f"call-{n}", seconds=1.0 + n / 10)

    def killed(*args, **kwargs):
        raise Killed

    # The batch committed; the scan dies before it removes a single file.
    monkeypatch.setattr(dropfolder, "_finish", killed)
    with pytest.raises(Killed):
        scan(org, drop)
    monkeypatch.undo()
    assert Recording.objects.filter(status=RecordingStatus.ACTIVE).count() == 5
    assert len(left_in(drop)) == 10  # every file still in its claim

    # Within the hour the claim is left alone; after it, it is taken back and resumed.
    assert scan(org, drop).counts() == {"ingested": 0, "rejected": 0, "waiting": 0, "failed": 0}
    report = scan(org, drop, now=time.time() + STALE_CLAIM_SECONDS + 1)

    assert (report.ingested, report.rejected, report.failed) == (5, 0, 0)
    assert Recording.objects.count() == 5
    assert sorted(Recording.objects.values_list("call_id", flat=True)) == [
        f"call-{n}" for n in range(5)
    ]
    assert len(stored_files()) == 5
    assert left_in(drop) == [] and not (drop / "rejected").exists()
    assert AuditEvent.objects.filter(action="recordings.recording.ingested").count() == 5


def test_a_scan_killed_before_the_commit_loses_no_call_on_the_next_scan(org, drop, monkeypatch):
    for n in range(5):
        call(drop, f"call-{n}", seconds=1.0 + n / 10)

    def killed(*args, **kwargs):
        raise Killed

    # Rows INCOMING and audio stored; the scan dies before the batch's last transaction,
    # and a killed process cleans nothing up.
    monkeypatch.setattr(ingest_batch, "_activate", killed)
    monkeypatch.setattr(ingest_batch, "_remove_quietly", lambda recording: None)
    with pytest.raises(Killed):
        scan(org, drop)
    monkeypatch.undo()
    assert Recording.objects.filter(status=RecordingStatus.INCOMING).count() == 5
    assert not Recording.objects.filter(status=RecordingStatus.ACTIVE).exists()
    assert len(stored_files()) == 5

    report = scan(org, drop, now=time.time() + STALE_CLAIM_SECONDS + 1)

    assert (report.ingested, report.rejected, report.failed) == (5, 0, 0)
    assert Recording.objects.filter(status=RecordingStatus.ACTIVE).count() == 5
    assert Recording.objects.count() == 5  # the leftovers were replaced, not doubled
    assert len(stored_files()) == 5  # and their objects with them: no orphan
    assert left_in(drop) == [] and not (drop / "rejected").exists()
    assert AuditEvent.objects.filter(action="recordings.recording.ingested").count() == 5
    assert chain_verify(key=chain_key_for(org)).ok


def test_a_row_swept_while_the_batch_stored_its_audio_is_not_called_ingested(
    org, drop, monkeypatch
):
    """A batch whose storing took over an hour: the sweep of stale INCOMING rows removed one
    row and its object meanwhile. Nothing of the batch goes live, no `ingested` event is
    written, and every file stays for the next scan, which ingests them all."""
    from recordings.services import remove_incomplete

    for n in range(3):
        call(drop, f"call-{n}", seconds=1.0 + n / 10)
    real_activate = ingest_batch._activate

    def swept_before_going_live(organisation, works, *args, **kwargs):
        swept = next(w for w in works if w.recording.call_id == "call-1")
        remove_incomplete(Recording.objects.get(pk=swept.recording.pk))
        return real_activate(organisation, works, *args, **kwargs)

    monkeypatch.setattr(ingest_batch, "_activate", swept_before_going_live)
    report = scan(org, drop)
    monkeypatch.undo()

    assert (report.ingested, report.failed) == (0, 3)
    assert not Recording.objects.exists()
    assert not AuditEvent.objects.filter(action="recordings.recording.ingested").exists()
    assert stored_files() == []
    kept = [name for name in left_in(drop) if name.endswith((".wav", ".json"))]
    assert len(kept) == 6  # audio and sidecar of each, still claimed

    report = scan(org, drop, now=time.time() + STALE_CLAIM_SECONDS + 1)
    assert (report.ingested, report.rejected, report.failed) == (3, 0, 0)
    assert len(stored_files()) == 3
    assert AuditEvent.objects.filter(action="recordings.recording.ingested").count() == 3


def test_a_lost_commit_reply_keeps_the_live_calls_audio(org, drop, monkeypatch):
    """The batch's commit reached the database but its reply was lost: the calls are live, so
    the clean-up after the error must not delete their audio, and the next scan, resuming the
    claim, finds them ingested and removes the files."""
    for n in range(3):
        call(drop, f"call-{n}", seconds=1.0 + n / 10)
    real_activate = ingest_batch._activate

    def committed_but_reply_lost(*args, **kwargs):
        real_activate(*args, **kwargs)
        raise ingest_batch.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ingest_batch, "_activate", committed_but_reply_lost)
    report = scan(org, drop)
    monkeypatch.undo()

    assert report.failed == 3
    assert Recording.objects.filter(status=RecordingStatus.ACTIVE).count() == 3
    assert len(stored_files()) == 3  # the live calls kept their audio

    report = scan(org, drop, now=time.time() + STALE_CLAIM_SECONDS + 1)
    assert (report.ingested, report.rejected, report.failed) == (3, 0, 0)
    assert Recording.objects.count() == 3 and len(stored_files()) == 3
    assert left_in(drop) == []
