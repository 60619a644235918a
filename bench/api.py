"""api: BENCH_API_CALLS (default 1,000) calls pushed through the real ingest API by 20
recorders at once, beside the drop folder's rate measured in the same run.

Earshot runs under gunicorn on a free loopback port (BENCH_API_WORKERS processes of
BENCH_API_THREADS threads each, default 4 x 5: 20 requests in the database at once), with its
own audio directory, on the database in DATABASE_URL. Twenty client threads (httpx), one per
recorder, post distinct half-second WAVs with their metadata, authenticated with a real ingest
token of the organisation `bench-api`. Every answer must be 201: the bench fails on any other,
and afterwards checks that every call is a row of its own and that the organisation's audit
chain verifies. Then the drop folder ingests the same number of files (recordings.dropfolder,
in this process), so the two ways in are compared in one run.

Runs on an empty database and again on a used one (each run's calls have ids of their own).
`python bench/api.py` runs it alone.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALLS = int(os.environ.get("BENCH_API_CALLS", "1000"))
RECORDERS = int(os.environ.get("BENCH_API_RECORDERS", "20"))
WORKERS = int(os.environ.get("BENCH_API_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_API_THREADS", "5"))
SLUG = "bench-api"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.run import bench_key_dir  # noqa: E402  (ROOT on sys.path first)

# Day keys live as long as the bench database, in every server and command started from here.
os.environ.setdefault("EARSHOT_KEY_DIR", str(bench_key_dir()))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EARSHOT_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="earshot.settings",
        DATABASE_URL=os.environ["DATABASE_URL"],
        CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL", "memory://"),
        EARSHOT_DOTENV="",
        EARSHOT_VAR_DIR=str(var_dir),
        EARSHOT_AUDIO_DIR=str(var_dir / "audio"),
        EARSHOT_KEY_DIR=os.environ["EARSHOT_KEY_DIR"],  # the database's keys, not var_dir's
        EARSHOT_SECRET_KEY=os.environ["EARSHOT_SECRET_KEY"],
        EARSHOT_IDENTIFIER_KEY=os.environ["EARSHOT_IDENTIFIER_KEY"],
        EARSHOT_HTTPS="0",
        EARSHOT_LOG_LEVEL="WARNING",
    )
    return env


def _gunicorn(work: Path) -> tuple[subprocess.Popen, int, Path]:
    port = _free_port()
    log = work / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "earshot.wsgi:application"]
    command += ["--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread"]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=_server_env(work / "var"),
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port, log
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _payloads(tag: str, count: int) -> list[tuple[bytes, str]]:
    from recordings.tests.factories import wav_bytes

    started = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    return [
        (
            wav_bytes(seconds=0.5, seed=n) + f"{tag}-{n}".encode(),
            json.dumps({"call_id": f"{tag}-{n}", "direction": "inbound", "started_at": started}),
        )
        for n in range(count)
    ]


def push_concurrently(url: str, raw_token: str, payloads: list[tuple[bytes, str]]) -> dict:
    """POST every payload with RECORDERS threads at once; seconds, answers by status, errors."""
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    numbers = itertools.count()
    lock = threading.Lock()
    statuses: dict[str, int] = {}
    errors: list[str] = []

    def recorder() -> None:
        headers = {"Authorization": f"Bearer {raw_token}"}
        with httpx.Client(timeout=120, headers=headers) as client:
            while (n := next(numbers)) < len(payloads):
                audio, metadata = payloads[n]
                try:
                    response = client.post(
                        url,
                        data={"metadata": metadata},
                        files={"audio": (f"{n}.wav", audio, "audio/wav")},
                    )
                    status, body = str(response.status_code), response.text[:300]
                except httpx.HTTPError as exc:
                    status, body = type(exc).__name__, str(exc)[:300]
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status != "201":
                        errors.append(f"{status}: {body}")

    threads = [threading.Thread(target=recorder) for _ in range(RECORDERS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - start, "statuses": statuses, "errors": errors}


def bench_api() -> dict:
    """Run the API bench (Django set up, the database migrated); print and return figures."""
    from audit.services import chain_key_for
    from audit.verification import chain_verify
    from bench.ingest import bench_organisation, drop_folder_rate, write_calls
    from recordings.models import Recording
    from recordings.tokens import ingest_token_create

    organisation = bench_organisation(SLUG)
    tag = f"api-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    _token, raw_token = ingest_token_create(organisation=organisation, name=tag, actor=None)
    payloads = _payloads(tag, CALLS)
    print(
        f"\ningest API: {CALLS:,} calls by {RECORDERS} recorders at once "
        f"(gunicorn {WORKERS} x {THREADS} threads) …",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="earshot-bench-api-") as tmp:
        work = Path(tmp)
        server, port, log = _gunicorn(work)
        try:
            url = f"http://127.0.0.1:{port}/api/v1/recordings"
            # One call first: the workers import and connect before the clock starts.
            warm = push_concurrently(url, raw_token, _payloads(f"{tag}-warm", 1))
            if warm["errors"]:
                raise RuntimeError(f"the API refused the first call: {warm['errors'][0]}")
            pushed = push_concurrently(url, raw_token, payloads)
        finally:
            server.terminate()
            server.wait(timeout=30)
        server_errors = [
            line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line
        ]
        stored = Recording.objects.filter(organisation=organisation, call_id__startswith=f"{tag}-")
        rows = stored.count()
        distinct = stored.values("call_id").distinct().count()
        chain = chain_verify(key=chain_key_for(organisation))
        source = work / "drop-source"
        write_calls(source, CALLS, f"{tag}-drop")
        drop = drop_folder_rate(organisation, source, work, f"{tag}-drop")
    errors = len(pushed["errors"])
    rate = round(CALLS / pushed["seconds"], 1)
    print(f"  API, {RECORDERS} recorders at once:       {rate} calls/s, {errors} errors")
    print(f"  drop folder, same run, same files: {drop['files_per_s']} files/s")
    print(f"  rows {rows:,} (distinct call ids {distinct:,}); audit chain: {chain.describe()}")
    for line in pushed["errors"][:5]:
        print(f"    {line}")
    if errors or rows != CALLS + 1 or distinct != rows or not chain.ok or server_errors:
        raise RuntimeError(
            f"the API bench failed: {errors} errors, {rows} rows, chain ok={chain.ok}, "
            f"server log: {server_errors[:3]}"
        )
    return {
        "calls": CALLS,
        "recorders": RECORDERS,
        "gunicorn": {"workers": WORKERS, "threads": THREADS},
        "seconds": round(pushed["seconds"], 3),
        "statuses": pushed["statuses"],
        "errors": errors,
        "audit_chain_ok": chain.ok,
        "drop_folder": drop,
        "summary": {"api_calls_per_s": rate},
    }


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(bench_api()["summary"]))


if __name__ == "__main__":
    main()
