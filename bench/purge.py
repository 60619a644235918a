"""purge: a night's expired calls and a backlog, each purged in one run, beside raw serial work.

With the purge hourly, a night is no longer one run; but a night's worth (BENCH_PURGE_ROWS,
default 100,000: one organisation's calls of a day) and a backlog after an outage
(BENCH_PURGE_BACKLOG_ROWS, default 1,000,000) must each go in one run, memory flat. Each size
runs in a fresh process (`--size N`), on the database of DATABASE_URL and a temporary folder on
local disk:

- Earshot: `purge_exclusively` (what beat runs) on N due recordings with 8 KB audio objects in
  the storage's fan-out layout (delete and confirm each object, tombstone each row, one audit
  event each), with the peak RSS of the process during the purge;
- baseline, in the same process: the raw physical work on an identical copy, serially:
  `find DIR -type f -delete` on a byte-for-byte copy of the same tree plus one SQL `DELETE` of
  N identical rows (commit included);
- naive (in the runner's process): ORM `delete()` per recording with a storage delete each, on
  BENCH_PURGE_NAIVE_ROWS (default 5,000).

Every run makes its own rows and storage keys (a tag with the moment it started), so the bench
runs on an empty database and again on a used one. Goal: the purge takes no longer than the
raw serial work, and its peak memory does not grow with N. `python bench/purge.py` runs this
on its own; `make bench` (bench/run.py) runs it after the other benches.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import wave
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_PURGE_ROWS", "100000"))
BACKLOG_ROWS = int(os.environ.get("BENCH_PURGE_BACKLOG_ROWS", str(ROWS * 10)))
# The raw baseline of the backlog doubles its preparation (a second tree of N files); "0" leaves
# it out where time is short (the night's baseline is always measured).
BACKLOG_RAW = os.environ.get("BENCH_PURGE_BACKLOG_RAW", "1") != "0"
NAIVE_ROWS = int(os.environ.get("BENCH_PURGE_NAIVE_ROWS", "5000"))
OBJECT_BYTES = 8 * 1024
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.run import bench_key_dir  # noqa: E402  (ROOT on sys.path first)

# Day keys live as long as the bench database, in every server and command started from here.
os.environ.setdefault("EARSHOT_KEY_DIR", str(bench_key_dir()))

# Per size (bench-purge-100000, …): the two sizes never reset each other's rows.
SLUG = "bench-purge"  # purged by Earshot
RAW_SLUG = "bench-purge-raw"  # the same rows, deleted with one SQL DELETE
NAIVE_SLUG = "bench-purge-naive"


def _audio_object() -> bytes:
    """A valid 8 KB WAV (8 kHz mono 16-bit silence)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0" * (OBJECT_BYTES - 44))
    data = buffer.getvalue()
    assert len(data) == OBJECT_BYTES, len(data)
    return data


def _key_hex(tag: str, n: int) -> str:
    # The same as md5(tag || '-' || g) in _insert_rows, so each row's key names its file.
    return hashlib.md5(f"{tag}-{n}".encode(), usedforsecurity=False).hexdigest()


def _relative_keys(tag: str, count: int) -> list[str]:
    """The fan-out part of each storage key (`<aa>/<bb>/<hex>.wav`), rows 1..count."""
    keys = []
    for n in range(1, count + 1):
        name = _key_hex(tag, n)
        keys.append(f"{name[:2]}/{name[2:4]}/{name}.wav")
    return keys


def _write_tree(root: Path, keys: list[str]) -> None:
    payload = _audio_object()
    made: set[str] = set()
    for key in keys:
        path = os.path.join(root, key)
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        with open(path, "wb") as handle:
            handle.write(payload)


def _count_files(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def _organisation(slug: str):
    from organisations.models import Organisation

    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title()}
    )
    return organisation


def _reset(organisation) -> None:
    """Drop the rows a previous (or interrupted) run left in this bench organisation."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM recordings_recording WHERE organisation_id = %s", [organisation.pk]
        )


def _insert_rows(organisation, tag: str, count: int) -> None:
    """`count` ACTIVE recordings past their deadline, in one INSERT … SELECT. Their storage keys
    are `<organisation id>/<aa>/<bb>/<md5(tag-g)>.wav`, as _relative_keys computes them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO recordings_recording (id, organisation_id, call_id, started_at,
              duration_seconds, direction, queue, employee_id, customer_phone, customer_name,
              customer_address, customer_postcode, customer_bsn, customer_gender, announcement,
              storage_key, size_bytes, sha256, container, codec, channels, sample_rate,
              audio_duration_seconds, purge_deadline, retention_days, status, ingested_at,
              ingested_via, purge_error)
            SELECT gen_random_uuid(), %(org)s, %(tag)s || '-' || g,
              now() - interval '30 days' - (g || ' seconds')::interval,
              120, CASE WHEN g %% 3 = 0 THEN 'outbound' ELSE 'inbound' END,
              'queue-' || (g %% 10), NULL,
              '+316' || lpad((g %% 100000000)::text, 8, '0'), 'Customer', 'Street 1',
              '1234AB', '', '', 'v1',
              %(org)s || '/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h || '.wav',
              %(size)s, h || md5(h), 'wav', 'pcm_s16le', 1, 8000, 120,
              now() - interval '2 days' - (g || ' seconds')::interval, 28, 'active',
              now() - interval '30 days', 'api', ''
            FROM generate_series(1, %(count)s) AS g, LATERAL md5(%(tag)s || '-' || g) AS h
            """,
            {"org": organisation.pk, "tag": tag, "size": OBJECT_BYTES, "count": count},
        )
        assert cursor.rowcount == count, cursor.rowcount


def _vacuum_analyze() -> None:
    """Before anything is timed. Each run leaves hundreds of thousands of dead row versions (the
    SQL DELETE, the tombstones' old versions, the naive and memory runs); without autovacuum (off
    on some machines, this one included) they would pile up and slow every later run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE recordings_recording")


def _storage_settings(location: Path) -> dict:
    """settings.STORAGES with the audio storage on local disk at `location`."""
    from django.conf import settings

    audio = settings.STORAGES["audio"]
    options = dict(audio["OPTIONS"]) if "FileSystemStorage" in audio["BACKEND"] else {}
    options.update(location=str(location), base_url=None)
    return {
        **settings.STORAGES,
        "audio": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": options},
    }


def _prepare(organisation, tag: str, count: int, audio_dir: Path) -> None:
    _reset(organisation)
    _write_tree(audio_dir / str(organisation.pk), _relative_keys(tag, count))
    _insert_rows(organisation, tag, count)


def _purge(organisation, count: int) -> tuple[float, object]:
    """Time the purge beat runs and check it erased everything, with an audit event each."""
    from audit.models import AuditEvent
    from recordings.constants import RecordingStatus
    from recordings.models import Recording
    from retention.constants import RunStatus, RunTrigger
    from retention.purge import purge_exclusively

    start = time.perf_counter()
    done = purge_exclusively(organisation, trigger=RunTrigger.COMMAND)
    seconds = time.perf_counter() - start
    assert not done.skipped and len(done.runs) == 1, done
    run = done.runs[0]
    assert run.status == RunStatus.FINISHED, run.error
    assert (run.purged, run.failed) == (count, 0), (run.purged, run.failed)
    tombstones = Recording.objects.filter(
        organisation=organisation, status=RecordingStatus.PURGED, storage_key__startswith="purged/"
    )
    assert tombstones.count() == count
    events = AuditEvent.objects.filter(
        organisation=organisation, action="retention.recording.purged", detail__run=run.pk
    )
    assert events.count() == count
    return seconds, run


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else 0.0


def _mb(kilobytes: int) -> float:
    return round(kilobytes / 1024, 1)


def _proc_status_kb(field: str) -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else None


def size_child(count: int, raw: bool = True) -> dict:
    """In a fresh process: `count` due recordings purged by Earshot in one run, beside the raw
    serial work on an identical copy (unless `raw` is False); the peak RSS during the purge."""
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import override_settings

    organisation = _organisation(f"{SLUG}-{count}")
    raw_organisation = _organisation(f"{RAW_SLUG}-{count}")
    # Namespaced per run: keys and call ids of an earlier (or interrupted) run never collide.
    tag = f"purge-{count}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    with tempfile.TemporaryDirectory(prefix="earshot-bench-purge-") as work:
        audio_dir, raw_dir = Path(work) / "audio", Path(work) / "raw"
        with override_settings(STORAGES=_storage_settings(audio_dir)):
            started = time.perf_counter()
            _prepare(organisation, tag, count, audio_dir)
            _reset(raw_organisation)
            if raw:
                # The identical copy: a second, real tree (not hard links) of the same files.
                subprocess.run(["cp", "-r", str(audio_dir), str(raw_dir)], check=True)
                _insert_rows(raw_organisation, tag, count)
            _vacuum_analyze()
            prepare_seconds = time.perf_counter() - started
            print(f"prepared {count:,} in {prepare_seconds:.0f} s", file=sys.stderr, flush=True)

            find_seconds = sql_seconds = None
            if raw:
                # Baseline: the raw physical work, serially.
                os.sync()
                start = time.perf_counter()
                subprocess.run(["find", str(raw_dir), "-type", "f", "-delete"], check=True)
                find_seconds = time.perf_counter() - start
                start = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        "DELETE FROM recordings_recording WHERE organisation_id = %s",
                        [raw_organisation.pk],
                    )
                    deleted = cursor.rowcount
                sql_seconds = time.perf_counter() - start
                assert deleted == count, deleted
                assert _count_files(raw_dir) == 0

            # Earshot, with the peak-RSS mark reset first (Linux: "5" clears VmHWM), so the
            # peak is the purge's own.
            os.sync()
            gc.collect()
            try:
                Path("/proc/self/clear_refs").write_text("5")
                reset = True
            except OSError:
                reset = False
            before = _proc_status_kb("VmRSS")
            purge_seconds, run = _purge(organisation, count)
            peak = _proc_status_kb("VmHWM") if reset else None
            left = _count_files(audio_dir)
        # Keep the bench database small: tombstones of this run go too (the audit trail keeps
        # its events; it refuses deletes by design).
        _reset(organisation)
    assert left == 0, left
    raw_seconds = find_seconds + sql_seconds if raw else None
    return {
        "recordings": count,
        "prepare_s": round(prepare_seconds, 1),
        "purge_s": round(purge_seconds, 2),
        "purge_files_per_s": _rate(count, purge_seconds),
        "purge_run": run.pk,
        "raw_s": round(raw_seconds, 2) if raw else None,
        "raw_files_per_s": _rate(count, raw_seconds) if raw else None,
        "raw_find_delete_s": round(find_seconds, 2) if raw else None,
        "raw_sql_delete_s": round(sql_seconds, 3) if raw else None,
        "ratio_raw_over_purge": round(raw_seconds / purge_seconds, 2) if raw else None,
        "rss_before_purge_mb": _mb(before) if before is not None else None,
        "peak_rss_during_purge_mb": _mb(peak) if peak is not None else None,
        "peak_growth_during_purge_mb": _mb(peak - before) if peak and before else None,
        "process_max_rss_mb": _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }


def _size(count: int, raw: bool = True) -> dict:
    copies = "2 x " if raw else ""
    print(
        f"  {count:,} recordings: preparing {copies}{count:,} rows and 8 KB objects …", flush=True
    )
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--size", str(count), str(int(raw))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"purge run of {count} failed:\n{done.stderr[-4000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    # As soon as it is known: a backlog that runs long must not take the night's figures along.
    print(f"  {json.dumps(figures)}", flush=True)
    return figures


def _naive(tag: str) -> tuple[float, int]:
    """ORM delete() per recording with a storage delete each, on NAIVE_ROWS."""
    from django.test import override_settings

    from recordings.models import Recording
    from recordings.storage import audio_storage

    organisation = _organisation(NAIVE_SLUG)
    with tempfile.TemporaryDirectory(prefix="earshot-bench-purge-naive-") as work:
        audio_dir = Path(work) / "audio"
        with override_settings(STORAGES=_storage_settings(audio_dir)):
            _prepare(organisation, tag, NAIVE_ROWS, audio_dir)
            _vacuum_analyze()
            os.sync()
            storage = audio_storage()
            start = time.perf_counter()
            for recording in Recording.objects.filter(organisation=organisation):
                storage.delete(recording.storage_key)
                recording.delete()
            seconds = time.perf_counter() - start
            assert _count_files(audio_dir) == 0
            assert not Recording.objects.filter(organisation=organisation).exists()
    return seconds, NAIVE_ROWS


def bench_purge() -> dict:
    """Run the purge bench (Django set up, the database migrated); print and return figures."""
    from django.conf import settings

    tag = f"naive-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    print(
        f"\npurge bench: a night of {ROWS:,} and a backlog of {BACKLOG_ROWS:,} expired calls, "
        f"each in one run in a fresh process, and the naive way on {NAIVE_ROWS:,} …",
        flush=True,
    )
    night = _size(ROWS)
    backlog = _size(BACKLOG_ROWS, raw=BACKLOG_RAW)
    naive_seconds, naive_rows = _naive(tag)
    figures = {
        "recordings": ROWS,
        "backlog_recordings": BACKLOG_ROWS,
        "object_bytes": OBJECT_BYTES,
        "purge_workers": settings.PURGE_WORKERS,
        "purge_batch_size": settings.PURGE_BATCH_SIZE,
        "purge_streams": settings.PURGE_STREAMS,
        "cpus": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "night": night,
        "backlog": backlog,
        "goal_purge_at_most_raw_met": night["purge_s"] <= night["raw_s"],
        "naive_recordings": naive_rows,
        "naive_s": round(naive_seconds, 2),
        "naive_files_per_s": _rate(naive_rows, naive_seconds),
        "summary": {
            "purge_seconds": night["purge_s"],
            "purge_raw_seconds": night["raw_s"],
            "purge_backlog_seconds": backlog["purge_s"],
            "purge_backlog_raw_seconds": backlog["raw_s"],
            "purge_peak_rss_mb": night["peak_rss_during_purge_mb"],
            "purge_backlog_peak_rss_mb": backlog["peak_rss_during_purge_mb"],
        },
    }
    _print(figures)
    return figures


def _n(value, spec: str) -> str:
    return "not measured" if value is None else format(value, spec)


def _print(f: dict) -> None:
    night, backlog = f["night"], f["backlog"]
    print(
        f"\npurge of expired calls, each size in one run ({f['object_bytes'] // 1024} KB objects "
        f"on local disk; PURGE_WORKERS={f['purge_workers']}, PURGE_BATCH_SIZE="
        f"{f['purge_batch_size']}, PURGE_STREAMS={f['purge_streams']}; {f['cpus']} CPUs, "
        f"load {night['load_average_1m_at_end']} / {backlog['load_average_1m_at_end']} at the "
        "end of each)"
    )
    rows = [
        ("", "night", "backlog"),
        ("recordings", _n(night["recordings"], ","), _n(backlog["recordings"], ",")),
        ("Earshot purge, s", _n(night["purge_s"], ".2f"), _n(backlog["purge_s"], ".2f")),
        (
            "  calls/s",
            _n(night["purge_files_per_s"], ",.0f"),
            _n(backlog["purge_files_per_s"], ",.0f"),
        ),
        (
            "raw find -delete + SQL DELETE, s",
            _n(night["raw_s"], ".2f"),
            _n(backlog["raw_s"], ".2f"),
        ),
        (
            "  of which find -delete, s",
            _n(night["raw_find_delete_s"], ".2f"),
            _n(backlog["raw_find_delete_s"], ".2f"),
        ),
        (
            "  of which SQL DELETE, s",
            _n(night["raw_sql_delete_s"], ".2f"),
            _n(backlog["raw_sql_delete_s"], ".2f"),
        ),
        (
            "raw / purge",
            _n(night["ratio_raw_over_purge"], ".2f"),
            _n(backlog["ratio_raw_over_purge"], ".2f"),
        ),
        (
            "peak RSS during the purge, MB",
            _n(night["peak_rss_during_purge_mb"], ""),
            _n(backlog["peak_rss_during_purge_mb"], ""),
        ),
        (
            "  growth over RSS before, MB",
            _n(night["peak_growth_during_purge_mb"], ""),
            _n(backlog["peak_growth_during_purge_mb"], ""),
        ),
    ]
    for label, a, b in rows:
        print(f"  {label:<34}{a:>14}{b:>14}")
    verdict = "met" if f["goal_purge_at_most_raw_met"] else "NOT met"
    print(f"  goal for the night, purge no slower than the raw serial work: {verdict}")
    naive = f["naive_recordings"]
    projected = f["recordings"] / f["naive_files_per_s"] if f["naive_files_per_s"] else 0
    print(
        f"  naive ORM delete() + storage delete per object, {naive:,} recordings: "
        f"{f['naive_s']:.2f} s  {f['naive_files_per_s']:,.1f} calls/s "
        f"(~{projected:,.0f} s for {f['recordings']:,})"
    )


def main() -> None:
    if sys.argv[1:2] == ["--size"]:
        raw = sys.argv[3:4] != ["0"]
        print(json.dumps(size_child(int(sys.argv[2]), raw=raw)))
        return
    from bench.run import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = bench_purge()
    out = ROOT / "bench" / "results" / "purge.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(f"  written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
