"""`manage.py import`: a historic archive into one organisation, resumable, summarised."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import wave
from datetime import timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone, translation

from access.tests.conftest import register_for
from audit.models import AuditEvent
from recordings.archive_import import _LOCK_CLASS
from recordings.archive_models import ArchiveImport, ArchiveImportFile
from recordings.constants import IngestChannel, RecordingStatus
from recordings.models import Recording
from recordings.progress import ProgressBar
from recordings.tests.audio import corrupt
from recordings.tests.factories import recording_create
from tests.worker import kill_when, manage_py, manage_py_env

ROOT = Path(__file__).resolve().parents[2]


def wav(path: Path, n: int, *, seconds: float = 0.2) -> Path:
    """A small PCM WAV whose samples carry `n`, so every file's audio (and hash) differs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = int(8000 * seconds)
    payload = n.to_bytes(8, "little") + bytes(frames * 2 - 8)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(payload)
    return path


def call(folder: Path, stem: str, n: int, *, ago=timedelta(days=2), **metadata) -> Path:
    """`<stem>.wav` with its `<stem>.json` sidecar, the call `ago` before now."""
    audio = wav(folder / f"{stem}.wav", n)
    values = {
        "call_id": stem,
        "started_at": (timezone.now() - ago).isoformat(),
        "direction": "inbound",
        **metadata,
    }
    (folder / f"{stem}.json").write_text(json.dumps(values), encoding="utf-8")
    return audio


def asterisk(folder: Path, n: int, *, ago=timedelta(days=3)) -> Path:
    local = (timezone.now() - ago).astimezone(ZoneInfo("Europe/Amsterdam"))
    name = f"in-0302345678-0612345678-{local:%Y%m%d-%H%M%S}-{1700000000 + n}.{n}.wav"
    return wav(folder / name, n)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run_import(*args: str) -> tuple[str, int]:
    out, err = StringIO(), StringIO()
    try:
        with translation.override("en"):  # the English wording; Dutch is the default
            call_command("import", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue() + str(exc), exc.returncode
    return out.getvalue(), 0


def stored_files() -> list[Path]:
    location = Path(settings.STORAGES["audio"]["OPTIONS"]["location"])
    return [p for p in location.rglob("*") if p.is_file()] if location.exists() else []


@pytest.fixture
def org(cast):
    register_for(cast.organisation, retention_days=28, customer_fields=("phone",))
    return cast.organisation


@pytest.fixture(autouse=True)
def audio_dir(settings, tmp_path) -> Path:
    location = tmp_path / "audio"
    settings.STORAGES = {
        **settings.STORAGES,
        "audio": {
            **settings.STORAGES["audio"],
            "OPTIONS": {**settings.STORAGES["audio"]["OPTIONS"], "location": str(location)},
        },
    }
    return location


@pytest.fixture
def archive(tmp_path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    return folder


# Importing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sidecar_tree_is_imported_from_nested_folders_and_left_as_it_was(org, archive):
    call(archive, "top-1", 1, queue="algemeen")
    call(archive / "2026" / "11", "nested-2", 2)
    call(archive / "2026" / "11" / "deep" / "er", "nested-3", 3, customer_phone="06 1234 5678")
    before = snapshot(archive)

    output, code = run_import("--organisation", "acme", str(archive))

    assert code == 0, output
    assert "Imported: 3" in output
    recordings = Recording.objects.filter(organisation=org)
    assert sorted(recordings.values_list("call_id", flat=True)) == ["nested-2", "nested-3", "top-1"]
    assert set(recordings.values_list("status", flat=True)) == {RecordingStatus.ACTIVE}
    assert set(recordings.values_list("ingested_via", flat=True)) == {IngestChannel.ARCHIVE}
    assert recordings.get(call_id="nested-3").customer_phone == "+31612345678"
    # The deadline counts from the call's own start, not from the import.
    top = recordings.get(call_id="top-1")
    assert top.purge_deadline == top.started_at + timedelta(days=28)
    assert len(stored_files()) == 3
    assert snapshot(archive) == before  # an import copies; the archive is never changed


@pytest.mark.django_db
def test_an_asterisk_named_tree_is_imported_from_the_names(org, archive):
    for n in range(1, 5):
        asterisk(archive / f"day-{n % 2}", n)

    output, code = run_import("--organisation", "acme", str(archive))

    assert code == 0, output
    recordings = Recording.objects.filter(organisation=org)
    assert recordings.count() == 4
    assert set(recordings.values_list("customer_phone", flat=True)) == {"+31612345678"}
    assert set(recordings.values_list("direction", flat=True)) == {"inbound"}


@pytest.mark.django_db
def test_the_import_is_one_audited_action_with_its_counts(org, archive):
    call(archive, "a", 1)
    call(archive, "old", 2, ago=timedelta(days=40))

    run_import("--organisation", "acme", str(archive))

    events = AuditEvent.objects.filter(organisation=org, action__startswith="recordings.")
    actions = list(events.order_by("sequence").values_list("action", flat=True))
    assert actions == [
        "recordings.archive_import.started",
        "recordings.recording.ingested",
        "recordings.archive_import.finished",
    ]
    finished = events.get(action="recordings.archive_import.finished")
    assert finished.detail["imported"] == 1
    assert finished.detail["refused"] == 1
    assert finished.detail["refused_by_reason"] == {"past_retention": 1}
    # The journal named files by path (phone numbers in Asterisk names): gone once finished.
    assert ArchiveImportFile.objects.count() == 0
    assert ArchiveImport.objects.get().finished_at is not None


def refusing_archive(org, archive: Path) -> None:
    call(archive, "good-1", 1)
    call(archive / "sub", "good-2", 2)
    corrupt(call(archive / "sub", "broken", 3))
    wav(archive / "bad-sidecar.wav", 4)
    (archive / "bad-sidecar.json").write_text('{"call_id": "x", ', encoding="utf-8")
    call(archive / "sub" / "again", "good-1-copy", 5, call_id="good-1")
    call(archive, "ancient", 6, ago=timedelta(days=29))
    (archive / "notes.txt").write_text("not a call", encoding="utf-8")


@pytest.mark.django_db
def test_refusals_are_summarised_by_reason_and_the_rest_is_imported(org, archive, tmp_path):
    refusing_archive(org, archive)
    report = tmp_path / "refused.csv"

    output, code = run_import("--organisation", "acme", str(archive), "--report", str(report))

    assert code == 1
    assert sorted(Recording.objects.values_list("call_id", flat=True)) == ["good-1", "good-2"]
    assert "Imported: 2" in output
    assert "Refused: 5" in output
    assert "past its retention deadline: 1" in output
    assert "ancient.wav" in output
    assert "corrupt or unsupported audio: 1" in output
    assert "sub/broken.wav" in output
    assert "bad metadata: 1" in output
    assert "duplicate (call id already in Earshot): 1" in output
    assert "sub/again/good-1-copy.wav" in output
    assert "not an audio file: 1" in output
    assert str(report) in output
    with report.open(encoding="utf-8") as f:
        rows = {row["path"]: row["reason"] for row in csv.DictReader(f)}
    assert rows == {
        "ancient.wav": "past its retention deadline",
        "bad-sidecar.wav": "bad metadata",
        "notes.txt": "not an audio file",
        "sub/again/good-1-copy.wav": "duplicate (call id already in Earshot)",
        "sub/broken.wav": "corrupt or unsupported audio",
    }
    assert oct(report.stat().st_mode & 0o777) == "0o600"  # paths may hold phone numbers


@pytest.mark.django_db
def test_a_dry_run_changes_nothing_and_counts_what_the_import_then_does(org, archive):
    refusing_archive(org, archive)
    before = AuditEvent.objects.count()

    dry, dry_code = run_import("--organisation", "acme", str(archive), "--dry-run")

    assert dry_code == 1
    assert "Would import: 2" in dry
    assert "Would refuse: 5" in dry
    assert Recording.objects.count() == 0
    assert ArchiveImport.objects.count() == 0
    assert AuditEvent.objects.count() == before
    assert stored_files() == []

    real, _ = run_import("--organisation", "acme", str(archive))
    dry_reasons = [line for line in dry.splitlines() if line.startswith("  ")]
    assert [line for line in real.splitlines() if line.startswith("  ")] == dry_reasons


@pytest.mark.django_db
def test_running_a_finished_import_again_imports_nothing_twice(org, archive):
    call(archive, "a", 1)
    asterisk(archive / "pbx", 2)
    run_import("--organisation", "acme", str(archive))
    call(archive, "b", 3)  # the archive grew meanwhile

    output, code = run_import("--org", "acme", str(archive))

    assert code == 0, output
    assert "Imported: 1" in output
    assert "Already in Earshot (the same call id and audio): 2" in output
    assert Recording.objects.count() == 3


@pytest.mark.django_db
def test_a_call_already_in_earshot_another_way_is_a_duplicate(org, archive):
    recording_create(organisation=org, call_id="live-1")
    call(archive, "live-1", 1)

    output, code = run_import("--organisation", "acme", str(archive))

    assert code == 1
    assert "duplicate (call id already in Earshot): 1" in output
    assert Recording.objects.filter(call_id="live-1").count() == 1


# Resuming after kill -9 --------------------------------------------------------------------


_IMPORT = {"what": "the import", "poll": 0.02}


def _command(archive: Path, audio: Path) -> subprocess.Popen:
    return manage_py(
        "import",
        "--organisation",
        "acme",
        str(archive),
        EARSHOT_STORAGE="local",
        EARSHOT_AUDIO_DIR=str(audio),
    )


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_mid_way_resumes_and_imports_every_file_exactly_once(
    org, archive, audio_dir
):
    files = 300
    for n in range(files):
        if n % 3:
            call(archive / f"batch-{n % 7}", f"call-{n:04d}", n)
        else:
            asterisk(archive / "asterisk" / f"{n % 5}", n)

    # Killed twice: inside the first batch (rows inserted, nothing journalled), then inside
    # a later batch of the resumed run (part of the archive journalled).
    kill_when(_command(archive, audio_dir), lambda: Recording.objects.count() >= 40, **_IMPORT)
    kill_when(_command(archive, audio_dir), lambda: ArchiveImportFile.objects.exists(), **_IMPORT)
    assert 0 < ArchiveImportFile.objects.count() < files

    second = _command(archive, audio_dir)
    output, errors = second.communicate(timeout=600)

    assert second.returncode == 0, output + errors
    events = AuditEvent.objects.filter(organisation=org, action__startswith="recordings.archive")
    assert list(events.order_by("sequence").values_list("action", flat=True)) == [
        "recordings.archive_import.started",
        "recordings.archive_import.resumed",
        "recordings.archive_import.resumed",
        "recordings.archive_import.finished",
    ]
    finished = events.get(action="recordings.archive_import.finished").detail
    assert (finished["imported"], finished["refused"], finished["already_imported"]) == (
        files,
        0,
        0,
    )
    calls = list(Recording.objects.values_list("call_id", "status"))
    assert len(calls) == files
    assert len({call_id for call_id, _ in calls}) == files
    assert {status for _, status in calls} == {RecordingStatus.ACTIVE}
    assert len(stored_files()) == files  # nothing half stored left behind
    assert "Traceback" not in errors


# Wrong use -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("arguments", "names"),
    # The words are Dutch or English (the installation's language); the names are not.
    [
        (["."], ["--organisation"]),
        (["--organisation", "nope", "."], ["'nope'", "acme"]),
        (["--organisation", "acme", "/no/such/folder"], ["/no/such/folder"]),
        (["--organisation", "acme", "--batch", "9", "."], ["--batch"]),
    ],
)
def test_wrong_use_says_what_is_wrong_without_a_traceback(org, arguments, names):
    done = subprocess.run(
        [sys.executable, "manage.py", "import", *arguments],
        cwd=ROOT,
        env=manage_py_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 2
    assert done.stderr.startswith(("usage:", "CommandError:")), done.stderr
    assert all(name in done.stderr for name in names), done.stderr
    assert "Traceback" not in done.stderr
    assert Recording.objects.count() == 0


@pytest.mark.django_db
def test_a_second_import_into_the_same_organisation_waits_its_turn(org, archive):
    call(archive, "a", 1)
    other = connections.create_connection("default")  # another process's import, as it were
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK_CLASS, org.pk])
        output, code = run_import("--organisation", "acme", str(archive))
    finally:
        other.close()

    assert code == 3
    assert "Another import into acme is running" in output
    assert Recording.objects.count() == 0
    assert run_import("--organisation", "acme", str(archive))[1] == 0


# Progress ------------------------------------------------------------------------------------


def test_progress_is_plain_lines_with_count_rate_and_eta_when_not_a_terminal():
    out = io.StringIO()
    bar = ProgressBar(out, tty=False)
    bar.start(total=4, done=1)
    for _ in range(3):
        bar.advance()
    bar.finish()

    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0].startswith("1/4 files (25.0%), ")
    assert lines[-1].startswith("4/4 files (100.0%), ")
    assert "files/s, ETA " in lines[-1]
