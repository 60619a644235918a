"""archive: `manage.py import` of a historic archive of BENCH_ARCHIVE_FILES (default 100,000)
half-second WAVs with sidecars in nested folders, beside `cp -r` + `sha256sum` of the same tree,
in the same run.

Earshot's figure is the whole import as the command runs it (the service, without the
terminal): walking the tree, reading and parsing each sidecar, probe, SHA-256, metadata
validation, duplicate check, rows, stored objects, audit events, the journal, the summary and
its report. The baseline copies the tree and hashes the copied WAVs: the least an import must
do (read every byte, write it once, hash it).

The archive is generated once into BENCH_ARCHIVE_CACHE (default /tmp/earshot-bench-archive-N)
and reused: its calls start within the last year, and the bench organisation declares ten
years of retention, so the cache stays importable. Each run imports into an organisation of
its own (`bench-archive-<time>`), where call ids and audio are unique by construction, so the
bench runs on an empty database and again on a used one. `python bench/archive.py` runs it alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = int(os.environ.get("BENCH_ARCHIVE_FILES", "100000"))
CACHE = Path(
    os.environ.get("BENCH_ARCHIVE_CACHE")
    or Path(tempfile.gettempdir()) / f"earshot-bench-archive-{FILES}"
)
PER_FOLDER = 500
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.run import bench_key_dir  # noqa: E402  (ROOT on sys.path first)

# Day keys live as long as the bench database, in every server and command started from here.
os.environ.setdefault("EARSHOT_KEY_DIR", str(bench_key_dir()))


def _wav_template() -> bytes:
    buffer = BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(8000))  # 0.5 s of 16-bit mono at 8 kHz
    return buffer.getvalue()


def archive_tree(folder: Path, count: int) -> Path:
    """The cached archive: `count` WAVs (8 KB, distinct samples) with sidecars, in nested
    folders `<year>/<month>/<n>/` of PER_FOLDER calls. Written once; `.complete` marks it."""
    tree = folder / "archive"
    if (folder / ".complete").exists():  # beside the tree, not in it: not a file to import
        return tree
    shutil.rmtree(folder, ignore_errors=True)
    template = bytearray(_wav_template())
    now = datetime.now(UTC)
    for n in range(count):
        sub = tree / f"{2025 + n // 60000}" / f"{n // 5000 % 12 + 1:02d}" / f"{n // PER_FOLDER}"
        if n % PER_FOLDER == 0:
            sub.mkdir(parents=True, exist_ok=True)
        template[44:52] = n.to_bytes(8, "little")  # the first samples: every file differs
        (sub / f"call-{n:06d}.wav").write_bytes(template)
        started = now - timedelta(days=1 + n % 360, seconds=n)
        (sub / f"call-{n:06d}.json").write_text(
            json.dumps(
                {
                    "call_id": f"archive-{n:06d}",
                    "started_at": started.isoformat(),
                    "direction": "inbound" if n % 3 else "outbound",
                    "queue": f"queue-{n % 7}",
                }
            )
        )
    (folder / ".complete").write_text(str(count))
    return tree


def bench_organisation(slug: str):
    """An organisation of this run's own, declaring ten years of retention for recordings."""
    from organisations.models import Organisation
    from register.services import activity_create

    organisation = Organisation.objects.create(slug=slug, name=slug.replace("-", " ").title())
    activity_create(
        organisation=organisation,
        actor=None,
        reference="B1",
        name="Archive bench",
        purposes=[],
        recipients=[],
        data_subject_entries=[
            {
                "subject_category": "Klanten",
                "personal_data": "audio",
                "collection_purpose": "bench",
                "data_category": "recording",
                "retention_value": 10,
                "retention_unit": "years",
            }
        ],
    )
    return organisation


def raw_copy_and_hash(source: Path, work: Path) -> float:
    """Seconds for `cp -r` of the tree and `sha256sum` of every copied WAV."""
    target = work / "raw-copy"
    start = time.perf_counter()
    subprocess.run(["cp", "-r", str(source), str(target)], check=True)
    subprocess.run(
        f"find {target} -name '*.wav' -print0 | xargs -0 sha256sum > /dev/null",
        shell=True,
        check=True,
        executable="/bin/bash",
    )
    seconds = time.perf_counter() - start
    shutil.rmtree(target)
    return seconds


def import_rate(organisation, source: Path, work: Path) -> dict:
    from django.conf import settings
    from django.test import override_settings

    from recordings.archive_import import archive_import

    audio = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(work / "audio"), "base_url": None},
    }
    with override_settings(STORAGES={**settings.STORAGES, "audio": audio}):
        start = time.perf_counter()
        summary = archive_import(
            organisation=organisation, root=source, report=work / "refused.csv"
        )
        seconds = time.perf_counter() - start
    assert (summary.imported, summary.refused) == (FILES, 0), summary
    return {
        "files": FILES,
        "seconds": round(seconds, 3),
        "files_per_s": round(FILES / seconds, 1),
    }


def bench_archive() -> dict:
    """Run the archive bench (Django set up, the database migrated); print and return it."""
    source = archive_tree(CACHE, FILES)
    organisation = bench_organisation(f"bench-archive-{datetime.now(UTC):%Y%m%d%H%M%S%f}")
    print(f"\narchive import of {FILES:,} WAV files (8 KB) with sidecars, nested …", flush=True)
    with tempfile.TemporaryDirectory(prefix="earshot-bench-archive-") as tmp:
        work = Path(tmp)
        os.sync()
        raw = raw_copy_and_hash(source, work)
        earshot = import_rate(organisation, source, work)
    raw_rate = round(FILES / raw, 1)
    rate = earshot["files_per_s"]
    print(
        f"  Earshot archive import (walk, probe, hash, store, rows, audit, journal): {rate} files/s"
    )
    print(f"  baseline cp -r + sha256sum of the same tree: {raw_rate} files/s")
    print(f"  Earshot runs at {rate / raw_rate:.2f} x the raw rate")
    return {
        "files": FILES,
        "file_bytes": 8000 + 44,
        "organisation": organisation.slug,
        "earshot": earshot,
        "raw_cp_sha256sum": {"seconds": round(raw, 3), "files_per_s": raw_rate},
        "ratio_earshot_over_raw": round(rate / raw_rate, 3),
        "summary": {
            "archive_files": FILES,
            "archive_files_per_s": rate,
            "archive_raw_files_per_s": raw_rate,
        },
    }


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(bench_archive(), indent=2))
