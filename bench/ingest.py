"""ingest: the drop folder's scan of BENCH_INGEST_FILES (default 2,000) WAVs with sidecars,
beside `cp -r` + `sha256sum` of the same files, in the same run.

Earshot's figure is the whole scan: settle check, claim (rename into `.processing/`), sidecar
read and JSON parse, probe, SHA-256, metadata validation, duplicate check, row, stored object,
audit event, and the file's removal. The baseline copies the same files and hashes the copies
(the least any ingest must do: read every byte, write it once, hash it).

The organisation `bench-ingest` is the bench's own; each run's calls have ids of their own, so
it runs on an empty database and again on a used one. `python bench/ingest.py` runs it alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = int(os.environ.get("BENCH_INGEST_FILES", "2000"))
SLUG = "bench-ingest"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.run import bench_key_dir  # noqa: E402  (ROOT on sys.path first)

# Day keys live as long as the bench database, in every server and command started from here.
os.environ.setdefault("EARSHOT_KEY_DIR", str(bench_key_dir()))


def bench_organisation(slug: str = SLUG):
    """The bench's own organisation, with a register that declares a 28-day retention."""
    from organisations.models import Organisation
    from register.services import activity_create

    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title()}
    )
    if not organisation.processing_activities.exists():
        activity_create(
            organisation=organisation,
            actor=None,
            reference="B1",
            name="Bench",
            purposes=[],
            recipients=[],
            data_subject_entries=[
                {
                    "subject_category": "Klanten",
                    "personal_data": "audio",
                    "collection_purpose": "bench",
                    "data_category": "recording",
                    "retention_value": 28,
                    "retention_unit": "days",
                }
            ],
        )
    return organisation


def storage_settings(location: Path) -> dict:
    """settings.STORAGES with the audio storage on local disk at `location`."""
    from django.conf import settings

    audio = settings.STORAGES["audio"]
    options = dict(audio["OPTIONS"]) if "FileSystemStorage" in audio["BACKEND"] else {}
    options.update(location=str(location), base_url=None)
    return {
        **settings.STORAGES,
        "audio": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": options},
    }


def write_calls(folder: Path, count: int, tag: str, seconds: float = 0.5) -> None:
    """`count` distinct WAVs of `seconds` (half a second: 8 KB) with a sidecar each."""
    from recordings.tests.factories import wav_bytes

    folder.mkdir(parents=True, exist_ok=True)
    started = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    for n in range(count):
        audio = wav_bytes(seconds=seconds, seed=n) + f"{tag}-{n}".encode()
        (folder / f"{n}.wav").write_bytes(audio)
        (folder / f"{n}.json").write_text(
            json.dumps({"call_id": f"{tag}-{n}", "direction": "inbound", "started_at": started})
        )


def raw_copy_and_hash(source: Path, work: Path) -> float:
    """Seconds for `cp -r` of the folder and `sha256sum` of the copied WAVs."""
    target = work / "raw-copy"
    start = time.perf_counter()
    subprocess.run(["cp", "-r", str(source), str(target)], check=True)
    subprocess.run(
        f"sha256sum {target}/*.wav > /dev/null", shell=True, check=True, executable="/bin/bash"
    )
    seconds = time.perf_counter() - start
    shutil.rmtree(target)
    return seconds


def drop_folder_rate(organisation, source: Path, work: Path, tag: str) -> dict:
    """Scan a copy of `source` as a drop folder; files/s and the report's counts."""
    from django.test import override_settings

    from recordings.dropfolder import drop_folder_scan

    drop = work / f"drop-{tag}"
    shutil.copytree(source, drop)
    with override_settings(STORAGES=storage_settings(work / "audio")):
        start = time.perf_counter()
        report = drop_folder_scan(organisation=organisation, folder=drop, settle_seconds=0)
        seconds = time.perf_counter() - start
    count = len(list(source.glob("*.wav")))
    assert report.counts() == {
        "ingested": count,
        "rejected": 0,
        "waiting": 0,
        "failed": 0,
    }, report.counts()
    return {"files": count, "seconds": round(seconds, 3), "files_per_s": round(count / seconds, 1)}


def bench_ingest() -> dict:
    """Run the drop-folder bench (Django set up, the database migrated); print and return it."""
    organisation = bench_organisation()
    tag = f"ingest-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    print(f"\ndrop-folder ingest of {FILES:,} WAV files (8 KB) with sidecars …", flush=True)
    with tempfile.TemporaryDirectory(prefix="earshot-bench-ingest-") as tmp:
        work = Path(tmp)
        source = work / "source"
        write_calls(source, FILES, tag)
        os.sync()
        raw = raw_copy_and_hash(source, work)
        earshot = drop_folder_rate(organisation, source, work, tag)
    raw_rate = round(FILES / raw, 1)
    rate = earshot["files_per_s"]
    print(f"  Earshot drop folder (claim, probe, hash, store, row, audit): {rate} files/s")
    print(f"  baseline cp -r + sha256sum of the same files: {raw_rate} files/s")
    print(f"  Earshot runs at {rate / raw_rate:.2f} x the raw rate (goal: >= 0.5 x)")
    return {
        "files": FILES,
        "file_bytes": 8000 + 44,
        "earshot": earshot,
        "raw_cp_sha256sum": {"seconds": round(raw, 3), "files_per_s": raw_rate},
        "ratio_earshot_over_raw": round(rate / raw_rate, 3),
        "summary": {"ingest_files_per_s": rate, "ingest_raw_files_per_s": raw_rate},
    }


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(bench_ingest()["summary"]))


if __name__ == "__main__":
    main()
