"""Benchmarks: `make bench`. Prints figures with their baseline and writes bench/results/*.json.

list: p50/p95 server time of the recordings list selector at 1,000,000 rows in PostgreSQL,
for the first page, a filtered page and a page deep in the list, beside the baseline of the
same first page fetched with OFFSET pagination at the same depth.

ingest: drop-folder ingest of BENCH_INGEST_FILES WAVs beside cp + sha256sum of the same files.

purge: bench/purge.py, the purge of BENCH_PURGE_ROWS expired recordings beside the raw serial
work (find -delete + one SQL DELETE), the naive ORM way and peak memory at two sizes.

register: bench/register.py, the register page at 1,000,000 recordings and 1,000,000 audit
events beside the goal (300 ms) and the live count of listens it replaced.

coaching: bench/coaching.py, the coaching report page at 100,000 evaluations for four scopes
beside the goal (200 ms) and the trend counted over every evaluation (SQL and Python).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
sys.path.insert(0, str(ROOT))


def ensure_database() -> None:
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"],
        capture_output=True,
    )


def populate(organisation, employees) -> None:
    from django.db import connection

    from recordings.models import Recording

    have = Recording.objects.filter(organisation=organisation).count()
    if have >= ROWS:
        return
    print(f"populating {ROWS - have} recordings …", flush=True)
    ids = "{" + ",".join(str(e.pk) for e in employees) + "}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO recordings_recording (id, organisation_id, call_id, started_at,
              duration_seconds, direction, queue, employee_id, customer_phone, customer_name,
              customer_address, customer_postcode, customer_bsn, customer_gender, announcement,
              storage_key, size_bytes, sha256, container, codec, channels, sample_rate,
              audio_duration_seconds, purge_deadline, retention_days, status, ingested_at,
              ingested_via, purge_error)
            SELECT gen_random_uuid(), %s, 'bench-' || g, now() - (g || ' seconds')::interval * 2,
              120, CASE WHEN g %% 3 = 0 THEN 'outbound' ELSE 'inbound' END,
              'queue-' || (g %% 10), (%s::bigint[])[1 + g %% {len(employees)}],
              '+316' || lpad((g %% 100000000)::text, 8, '0'), '', '', '', '', '', '',
              'bench/' || g, 8000, md5(g::text) || md5((g + 1)::text), 'wav', 'pcm_s16le', 1,
              8000, 120, now() + interval '28 days', 28, 'active', now(), 'api', ''
            FROM generate_series(%s, %s) AS g
            """,
            [organisation.pk, ids, have + 1, ROWS],
        )
        cursor.execute("ANALYZE recordings_recording")


def timed(fn) -> dict[str, float]:
    fn()  # warm
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
    }


INGEST_FILES = int(os.environ.get("BENCH_INGEST_FILES", "2000"))


def bench_ingest(organisation) -> dict[str, float]:
    """Drop-folder ingest of N small WAVs (sidecar each) beside cp + sha256sum of the same."""
    import shutil
    import tempfile

    from recordings.dropfolder import drop_folder_scan
    from recordings.tests.factories import wav_bytes

    run = datetime.now(UTC).strftime("%H%M%S%f")
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "source"
        source.mkdir()
        for n in range(INGEST_FILES):
            (source / f"{n}.wav").write_bytes(
                wav_bytes(seconds=0.5, seed=n) + f"{run}-{n}".encode()
            )
            (source / f"{n}.json").write_text(
                json.dumps(
                    {
                        "call_id": f"ingest-{run}-{n}",
                        "direction": "inbound",
                        "started_at": datetime.now(UTC).isoformat(),
                    }
                )
            )
        start = time.perf_counter()
        subprocess.run(["cp", "-r", str(source), str(Path(work) / "copy")], check=True)
        subprocess.run(f"sha256sum {work}/copy/*.wav > /dev/null", shell=True, check=True)
        raw = time.perf_counter() - start
        drop = Path(work) / "drop"
        shutil.copytree(source, drop)
        start = time.perf_counter()
        report = drop_folder_scan(organisation=organisation, folder=drop, settle_seconds=0)
        earshot = time.perf_counter() - start
    assert report.ingested == INGEST_FILES, report.counts()
    return {
        "files": INGEST_FILES,
        "earshot_files_per_s": round(INGEST_FILES / earshot, 1),
        "raw_cp_sha256sum_files_per_s": round(INGEST_FILES / raw, 1),
        "ratio_raw_over_earshot": round(earshot / raw, 1),
    }


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from access.selectors import Cursor, recordings_page
    from organisations.constants import Role
    from organisations.models import Membership, Organisation
    from organisations.services import employee_create, membership_create, team_create
    from recordings.models import Recording

    organisation = Organisation.objects.filter(slug="bench").first()
    if organisation is None:
        organisation = Organisation.objects.create(slug="bench", name="Bench")
        team = team_create(organisation=organisation, name="Team")
        for n in range(50):
            employee_create(
                organisation=organisation, name=f"Agent {n}", team=team, pbx_agent_id=str(n)
            )
        user = get_user_model().objects.create(username="bench-manager")
        membership_create(user=user, organisation=organisation, role=Role.MANAGER, actor=None)
    employees = list(organisation.employees.all())
    populate(organisation, employees)
    membership = Membership.objects.get(organisation=organisation, user__username="bench-manager")
    deep = (
        Recording.objects.filter(organisation=organisation)
        .order_by("-started_at", "-id")
        .values_list("started_at", "id")[ROWS * 9 // 10]
    )
    cursor = Cursor(*deep)
    results = {
        "first_page": timed(
            lambda: recordings_page(membership=membership, filters={}, cursor=None)
        ),
        "filtered_page": timed(
            lambda: recordings_page(
                membership=membership,
                filters={"employee": employees[7], "direction": "outbound"},
                cursor=None,
            )
        ),
        "deep_page": timed(
            lambda: recordings_page(membership=membership, filters={}, cursor=cursor)
        ),
    }
    offset = ROWS * 9 // 10
    results["baseline_offset_deep_page"] = timed(
        lambda: list(
            Recording.objects.filter(organisation=organisation).order_by("-started_at", "-id")[
                offset : offset + 50
            ]
        )
    )
    print(f"\nrecordings list at {ROWS:,} rows ({RUNS} runs each, server time of the query)")
    for name, figures in results.items():
        print(f"  {name:28} p50 {figures['p50_ms']:8.2f} ms   p95 {figures['p95_ms']:8.2f} ms")
    print("  goal: p95 < 50 ms for the first three; the OFFSET line is the naive baseline")
    if not organisation.processing_activities.exists():
        from register.services import activity_create

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
    ingest = bench_ingest(organisation)
    results["ingest"] = ingest
    print(f"\ndrop-folder ingest of {ingest['files']} WAV files with sidecars")
    print(
        f"  Earshot (probe, hash, validate, store, row, audit): "
        f"{ingest['earshot_files_per_s']} files/s"
    )
    print(
        f"  baseline cp + sha256sum of the same files:         "
        f"{ingest['raw_cp_sha256sum_files_per_s']} files/s"
    )
    print(f"  Earshot takes {ingest['ratio_raw_over_earshot']}x the raw copy-and-hash time")
    from bench.purge import bench_purge

    results["purge"] = bench_purge()
    from bench.register import bench_register

    results["register"] = bench_register()
    from bench.coaching import bench_coaching

    results["coaching"] = bench_coaching()
    out = ROOT / "bench" / "results" / f"list-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rows": ROWS, "runs": RUNS, "results": results}, indent=2))
    print(f"  written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
