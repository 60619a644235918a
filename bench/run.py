"""Benchmarks: `make bench`. Each part prints its figures beside the baseline measured in the
same run and returns them; this runner writes them to bench/results/<part>.json and the headline
figures of the whole run, flat, to bench/results/summary.json with the commit and the machine.

Parts (each a module of bench/ with one function `bench_<part>() -> dict`):
  gate     time to first byte of a Range request through the gate, beside Django's floor
           (/healthz through gunicorn) and nginx serving the same file; full-file throughput
  ingest   drop-folder ingest beside cp + sha256sum of the same files
  api      20 concurrent recorders posting calls through the HTTP API on PostgreSQL
  archive  `manage.py import` of a historic archive beside cp + sha256sum of the same tree
  purge    a night's and a backlog's purge beside find -delete + one SQL DELETE, peak memory
  scale    the list, call, register and coaching pages at ten million calls
  crypto   sealed audio (issue 19): open and seal MB/s on one core beside bare AES-GCM and
           SHA-256; ingest sealed beside plaintext; the gate's Range TTFB and whole-call
           throughput of a sealed call beside the same bytes in plaintext; destroying a day key
           of 100,000 purged calls beside deleting 100,000 files

`BENCH_ONLY=gate,ingest make bench` runs only those parts. Every part runs on an empty database
and again on a used one (earshot_bench unless DATABASE_URL says otherwise), with the day keys
of its sealed audio in var/bench-keys/<database> (EARSHOT_KEY_DIR unless set), kept between runs
as the database is, emptied when the database is created anew.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BENCH_KEYS = ROOT / "var" / "bench-keys"  # a key store per bench database: bench_key_dir()
PARTS = ["gate", "ingest", "api", "archive", "purge", "scale", "crypto"]

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
sys.path.insert(0, str(ROOT))


def bench_key_dir(database_url: str | None = None) -> Path:
    """The key store (issue 19) of a bench database: var/bench-keys/<database name>. It lives as
    long as the database, as a real key store does: the live day keys that a used database's
    rows name must still be there on the next run. Every part and every server or command a part
    starts uses it (EARSHOT_KEY_DIR, set below before Django is set up), never a temporary
    EARSHOT_VAR_DIR's keys folder, which goes with the run."""
    url = (database_url or os.environ["DATABASE_URL"]).split("?", 1)[0]
    return BENCH_KEYS / url.rstrip("/").rsplit("/", 1)[1]


os.environ.setdefault("EARSHOT_KEY_DIR", str(bench_key_dir()))


def ensure_database() -> None:
    """Create the bench database when it is missing (an error that it exists is fine). A new
    database names no key yet: the files left in its bench key folder (by a database of the
    same name dropped since) go, so they do not pile up. A key folder set by hand
    (EARSHOT_KEY_DIR outside var/bench-keys) is never touched."""
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    if os.environ["DATABASE_URL"].startswith("postgres"):
        created = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"],
            capture_output=True,
        )
        keys = Path(os.environ["EARSHOT_KEY_DIR"])
        if created.returncode == 0 and keys.parent == BENCH_KEYS:
            shutil.rmtree(keys, ignore_errors=True)


def _run(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def commit() -> str:
    """The commit measured, marked when the working tree held changes."""
    head = _run(["git", "rev-parse", "--short=12", "HEAD"]) or "unknown"
    return head + (
        "-dirty" if _run(["git", "status", "--porcelain", "--untracked-files=no"]) else ""
    )


def machine() -> str:
    """What the figures were measured on: CPU model, cores, memory, OS, PostgreSQL."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GB"
    except (ValueError, OSError):
        memory = "? GB"
    postgres = _run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"])
    return (
        f"{cpu or platform.processor() or 'unknown CPU'}, {os.cpu_count()} cores, {memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"PostgreSQL {postgres.split()[0] if postgres else '?'}"
    )


def selected_parts() -> list[str]:
    only = [p.strip() for p in os.environ.get("BENCH_ONLY", "").split(",") if p.strip()]
    unknown = [p for p in only if p not in PARTS]
    if unknown:
        sys.exit(f"Unknown bench part(s): {', '.join(unknown)}. Known: {', '.join(PARTS)}.")
    return only or PARTS


def main() -> None:
    parts = selected_parts()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary: dict[str, object] = {}
    measured_commit = commit()  # what the parts import now, not what is checked out after
    failed: list[str] = []
    started_all = time.perf_counter()
    for part in parts:
        print(f"\n=== {part} ===", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{part}")
            figures = getattr(module, f"bench_{part}")()
        except Exception:  # one failing part must not hide the others' figures
            traceback.print_exc()
            failed.append(part)
            continue
        figures["seconds"] = round(time.perf_counter() - started, 1)
        summary.update(figures.get("summary", {}))
        (RESULTS / f"{part}.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
        print(f"  ({part}: {figures['seconds']} s; written to bench/results/{part}.json)")
    summary.update(
        {
            "commit": measured_commit,
            "machine": machine(),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "parts": [p for p in parts if p not in failed],
            "seconds": round(time.perf_counter() - started_all, 1),
        }
    )
    if parts == PARTS and not failed:  # the headline file holds only a complete run
        (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        print("\nheadline figures written to bench/results/summary.json")
    else:
        print("\n" + json.dumps(summary, indent=2))
    if failed:
        sys.exit(f"bench part(s) failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
