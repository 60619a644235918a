"""crypto: what sealing the audio at rest (issue 19) costs, each figure beside the same work
without it, measured in the same run.

1. Throughput on one core (this process, one thread) over a BENCH_CRYPTO_MB (256) MB buffer of
   noise: recordings/sealed.py sealing it (`Sealer`, hash and encrypt in one pass) and opening
   it (`iter_plain`, and `read_range` of 256 KiB pieces from start to end), beside the bare
   `AESGCM.encrypt`/`decrypt` of the same bytes in one call per 64 KiB and `hashlib.sha256` of
   them; and the time `read_range` takes for a 64 KiB range at a random offset (what one Range
   request of the gate decrypts). Goal: >= 500 MB/s to open.
2. Ingest, sealed beside plaintext: the drop-folder scan (as bench/ingest.py runs it) of the same
   files, once as the product does it (sealing) and once with
   `recordings.sealed_storage.store_sealed` replaced, in this process only, by a plain
   `storage.save` of the file (the path before issue 19; the data key is still made and
   wrapped, the rows are marked plaintext afterwards). BENCH_CRYPTO_SMALL_FILES (500)
   half-second calls (8 KB) and BENCH_CRYPTO_CALL_FILES (200) one-minute calls (960 KB);
   files/s and MB/s, best of BENCH_CRYPTO_ROUNDS (3) rounds, each round into organisations of
   its own, the order alternating. Also, in process, one Range request's audio work (the row
   read, then sealed_storage.read_range of 64 KiB): microseconds and queries.
3. Through the gate (gunicorn, as bench/gate.py runs it, PostgreSQL only): a BENCH_GATE_MB call
   stored plaintext and a sealed copy of the same bytes (its last byte differs: an organisation
   holds one live call per audio hash); Range TTFB p50/p95 of 64 KiB ranges of each, every
   offset asked of both in turn, beside the /healthz floor, with the workers' CPU per request;
   the first range of a listen of each; the whole call read piece by piece as a player does
   (A B B A, the best of two each).
4. Crypto-shredding: one day key that BENCH_CRYPTO_ROWS (100,000) purged calls refer to,
   destroyed by `recordings.audio_keys.destroy_key` (and by the purge's
   `retention.key_destruction.destroy_spent_keys` where that exists): seconds, queries and
   file calls; beside `find -delete` of BENCH_CRYPTO_FILES (10,000) 8 KB files, scaled to
   BENCH_CRYPTO_ROWS (erasing every copy without a key: one unlink per call, in every copy; 0
   leaves it out).

`python bench/crypto.py` runs it alone; `make bench` (bench/run.py) calls bench_crypto().
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUFFER_MB = int(os.environ.get("BENCH_CRYPTO_MB", "256"))
PIECE = 256 * 1024
SEGMENT = 64 * 1024
RANGES = int(os.environ.get("BENCH_CRYPTO_RANGES", "2000"))
BEST_OF = int(os.environ.get("BENCH_CRYPTO_BEST_OF", "3"))
# Ingest: (seconds of audio, files) per size.
SIZES = {
    "half_second": (0.5, int(os.environ.get("BENCH_CRYPTO_SMALL_FILES", "500"))),
    "one_minute": (60.0, int(os.environ.get("BENCH_CRYPTO_CALL_FILES", "200"))),
}
ROUNDS = int(os.environ.get("BENCH_CRYPTO_ROUNDS", "3"))
ROWS = int(os.environ.get("BENCH_CRYPTO_ROWS", "100000"))
# find -delete of this many 8 KB files, scaled to ROWS (0: not measured); all ROWS on a quiet
# machine, where it takes seconds (bench/purge.py measures 100,000 there).
DELETE_FILES = int(os.environ.get("BENCH_CRYPTO_FILES", "10000"))
FIRST_LISTENS = int(os.environ.get("BENCH_CRYPTO_LISTENS", "30"))
SLUG = "bench-crypto"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.run import bench_key_dir  # noqa: E402  (ROOT on sys.path first)

# Day keys live as long as the bench database, in every server and command started from here.
os.environ.setdefault("EARSHOT_KEY_DIR", str(bench_key_dir()))


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _rate(size: int, started: tuple[float, float]) -> dict[str, float]:
    """MB/s by the wall clock and by this process's CPU time (less disturbed by a busy machine)."""
    wall = time.perf_counter() - started[0]
    cpu = time.process_time() - started[1]
    return {
        "seconds": round(wall, 3),
        "mb_per_s": round(size / 1e6 / wall, 1),
        "mb_per_s_cpu": round(size / 1e6 / cpu, 1) if cpu > 0 else None,
    }


# --- 1. sealed.py on one core ------------------------------------------------------------------


def _best(measure, size: int) -> tuple[dict[str, float], object]:
    """Run `measure()` BEST_OF times; the fastest run's rate, and what the last run returned.
    The first run of each also pays for fresh memory (page faults), which a long-lived worker
    has already paid."""
    runs = []
    for _ in range(BEST_OF):
        started = _clock()
        payload = measure()
        runs.append(_rate(size, started))
    return min(runs, key=lambda r: r["seconds"]), payload


def _bare_aesgcm(plain: bytes, key: bytes) -> dict:
    """AESGCM.encrypt, then decrypt, of the same bytes in one call per 64 KiB."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, view = AESGCM(key), memoryview(plain)
    segments = [(n.to_bytes(12, "big"), n) for n in range(0, len(plain), SEGMENT)]
    encrypt, sealed = _best(
        lambda: [aead.encrypt(nonce, view[at : at + SEGMENT], None) for nonce, at in segments],
        len(plain),
    )
    decrypt, opened = _best(
        lambda: sum(
            len(aead.decrypt(nonce, c, None))
            for (nonce, _), c in zip(segments, sealed, strict=True)
        ),
        len(plain),
    )
    assert opened == len(plain), opened
    return {"encrypt": encrypt, "decrypt": decrypt}


def bench_sealed() -> dict:
    from recordings.sealed import Sealer, iter_plain, read_range, sealed_size

    size = BUFFER_MB * 1024 * 1024
    plain = os.urandom(size)
    key, context = os.urandom(32), b"earshot-audio/v1/bench/crypto"
    sha256, expected = _best(lambda: hashlib.sha256(plain).hexdigest(), size)

    def seal() -> tuple[list[bytes], Sealer]:
        sealer, chunks = Sealer(io.BytesIO(plain), size, key, context), []
        while chunk := sealer.read(PIECE):
            chunks.append(chunk)
        return chunks, sealer

    seal_rate, (chunks, sealer) = _best(seal, size)
    sealed = b"".join(chunks)
    del chunks
    assert len(sealed) == sealed_size(size) == sealer.size, (len(sealed), sealer.size)
    assert sealer.sha256.hexdigest() == expected

    whole, total = _best(
        lambda: sum(len(chunk) for chunk in iter_plain(io.BytesIO(sealed), key, context)), size
    )
    assert total == size, total
    source = io.BytesIO(sealed)
    pieces, _ = _best(
        lambda: [
            len(read_range(source, key, context, at, min(PIECE, size - at)))
            for at in range(0, size, PIECE)
        ],
        size,
    )

    # One Range request's worth: 64 KiB at a random (unaligned) offset, two segments opened.
    offsets = random.Random(19).sample(range(size - SEGMENT), RANGES)
    samples = []
    for at in offsets:
        start = time.perf_counter()
        got = read_range(source, key, context, at, SEGMENT)
        samples.append((time.perf_counter() - start) * 1e6)
        if at == offsets[0]:
            assert got == plain[at : at + SEGMENT]
    samples.sort()
    figures = {
        "buffer_mb": round(size / 1e6, 1),
        "best_of": BEST_OF,
        "sealed_overhead_bytes": len(sealed) - size,
        "sealed_seal": seal_rate,
        "sealed_iter_plain": whole,
        "sealed_read_range_256k": pieces,
        "sealed_range_64k_us": {
            "p50": round(statistics.median(samples), 1),
            "p95": round(samples[int(len(samples) * 0.95) - 1], 1),
        },
        "hashlib_sha256": sha256,
    }
    figures.update({f"bare_aesgcm_{k}": v for k, v in _bare_aesgcm(plain, key).items()})
    return figures


def _print_sealed(f: dict) -> None:
    print(
        f"\nsealed.py on one core, {f['buffer_mb']} MB of noise, best of {f['best_of']} "
        "(MB/s by wall clock / by CPU time)"
    )
    rows = [
        ("open: iter_plain (whole call)", f["sealed_iter_plain"]),
        ("open: read_range, 256 KiB pieces", f["sealed_read_range_256k"]),
        ("  baseline: bare AESGCM.decrypt per 64 KiB", f["bare_aesgcm_decrypt"]),
        ("seal: Sealer.read (hash + encrypt)", f["sealed_seal"]),
        ("  baseline: bare AESGCM.encrypt per 64 KiB", f["bare_aesgcm_encrypt"]),
        ("  baseline: hashlib.sha256, one call", f["hashlib_sha256"]),
    ]
    for label, r in rows:
        print(f"  {label:44} {r['mb_per_s']:9.1f} / {r['mb_per_s_cpu'] or 0:9.1f} MB/s")
    best = max(f["sealed_iter_plain"]["mb_per_s"], f["sealed_iter_plain"]["mb_per_s_cpu"] or 0)
    verdict = "met" if best >= 500 else "NOT met"
    r = f["sealed_range_64k_us"]
    print(f"  goal: open >= 500 MB/s on one core: {verdict}")
    print(f"  read_range of 64 KiB at a random offset: p50 {r['p50']} us, p95 {r['p95']} us")


# --- 2. ingest, sealed beside plaintext --------------------------------------------------------


@contextmanager
def plaintext_store():
    """In this process: `store_sealed` replaced by a plain storage.save of the file, in every
    module that imported it; yields the names of those modules."""
    from django.core.files import File

    from recordings import sealed_storage
    from recordings.storage import audio_storage

    sealing = sealed_storage.store_sealed

    def plain_save(recording, source, *, data_key, expected_sha256=None, expected_size=None):
        if isinstance(source, str | Path):
            with open(source, "rb") as handle:
                return audio_storage().save(recording.storage_key, File(handle))
        return audio_storage().save(recording.storage_key, File(source))

    modules = [m for m in list(sys.modules.values()) if vars(m).get("store_sealed") is sealing]
    for module in modules:
        module.store_sealed = plain_save
    try:
        yield sorted(m.__name__ for m in modules)
    finally:
        for module in modules:
            module.store_sealed = sealing


def _ingest_size(work: Path, seconds: float, count: int, tag: str) -> dict:
    """The same files, ROUNDS times scanned sealed and stored plaintext (the order alternating),
    each round into organisations of its own (an organisation holds a call's audio once)."""
    from bench.ingest import bench_organisation, drop_folder_rate, write_calls
    from recordings.models import Recording

    source = work / f"source-{tag}"
    write_calls(source, count, f"{SLUG}-{tag}", seconds=seconds)
    size = sum(p.stat().st_size for p in source.glob("*.wav"))
    os.sync()
    result: dict = {"files": count, "mb": round(size / 1e6, 2), "rounds": []}
    for n in range(ROUNDS):
        figures: dict[str, dict] = {}
        for mode in ("plaintext", "sealed") if n % 2 == 0 else ("sealed", "plaintext"):
            organisation = bench_organisation(f"{SLUG}-{mode}-{n}")
            calls = Recording.objects.filter(
                organisation=organisation, call_id__startswith=f"{SLUG}-{tag}-"
            )
            cpu = time.process_time()  # the scan's threads too (not PostgreSQL's)
            if mode == "plaintext":
                with plaintext_store() as patched:
                    figures[mode] = drop_folder_rate(organisation, source, work, f"{mode}{n}-{tag}")
                result["patched"] = patched
            else:
                figures[mode] = drop_folder_rate(organisation, source, work, f"{mode}{n}-{tag}")
            figures[mode]["cpu_ms_per_file"] = round((time.process_time() - cpu) * 1000 / count, 2)
            figures[mode]["mb_per_s"] = round(size / 1e6 / figures[mode]["seconds"], 1)
            if mode == "plaintext":
                # Their rows say what is stored: plaintext (sealing "", no wrapped key).
                calls.update(sealing="", wrapped_key=None, audio_key=None)
            else:
                result["sealed_rows"] = calls.filter(sealing="v1").count()
        result["rounds"].append(figures)
    for mode in ("plaintext", "sealed"):
        result[mode] = min((r[mode] for r in result["rounds"]), key=lambda f: f["seconds"])
        median = statistics.median(r[mode]["seconds"] for r in result["rounds"])
        result[f"{mode}_median_mb_per_s"] = round(size / 1e6 / median, 1)
        result[f"{mode}_cpu_ms_per_file"] = min(
            r[mode]["cpu_ms_per_file"] for r in result["rounds"]
        )
    shutil.rmtree(source)
    return result


def _request_cost(location: Path, tag: str) -> dict:
    """In this process, what one Range request of the gate does to the audio: the call's row
    read, then `sealed_storage.read_range` of 64 KiB at a random offset; microseconds and
    queries per request, for a sealed call beside a plaintext one (the last round's)."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from bench.ingest import storage_settings
    from recordings.models import Recording
    from recordings.sealed_storage import read_range

    result = {}
    with override_settings(STORAGES=storage_settings(location)):
        for mode in ("plaintext", "sealed"):
            call = (
                Recording.objects.filter(
                    organisation__slug=f"{SLUG}-{mode}-0", call_id__startswith=f"{SLUG}-{tag}-"
                )
                .values("pk", "size_bytes")
                .first()
            )
            offsets = random.Random(19).sample(range(call["size_bytes"] - SEGMENT), RANGES // 4)
            samples = []
            with CaptureQueriesContext(connection) as queries:
                for at in offsets:
                    start = time.perf_counter()
                    read_range(Recording.objects.get(pk=call["pk"]), at, SEGMENT)
                    samples.append((time.perf_counter() - start) * 1e6)
            result[mode] = {
                "p50_us": round(statistics.median(samples), 1),
                "queries_per_request": round(len(queries) / len(offsets), 2),
            }
    return result


def bench_ingest_sealed() -> dict:
    stamp = f"{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="earshot-bench-crypto-ingest-") as tmp:
        work = Path(tmp)
        for name, (seconds, count) in SIZES.items():  # drop_folder_rate sets STORAGES
            results[name] = _ingest_size(work, seconds, count, f"{stamp}-{name}")
        results["request"] = _request_cost(work / "audio", f"{stamp}-{name}")
    return results


def _print_ingest(results: dict) -> None:
    print(f"\ndrop-folder ingest, sealed beside plaintext (best of {ROUNDS} rounds each)")
    for name in SIZES:
        r = results[name]
        plain, sealed = r["plaintext"], r["sealed"]
        print(
            f"  {r['files']} {name.replace('_', '-')} calls ({r['mb']} MB): "
            f"sealed {sealed['files_per_s']} files/s {sealed['mb_per_s']} MB/s; "
            f"plaintext {plain['files_per_s']} files/s {plain['mb_per_s']} MB/s "
            f"({sealed['files_per_s'] / plain['files_per_s']:.2f} x; medians "
            f"{r['sealed_median_mb_per_s']} / {r['plaintext_median_mb_per_s']} MB/s)\n"
            f"    this process's CPU per file (least of the rounds): sealed "
            f"{r['sealed_cpu_ms_per_file']} ms, plaintext {r['plaintext_cpu_ms_per_file']} ms"
        )
    first = results[next(iter(SIZES))]
    print(
        f"  plaintext: store_sealed replaced by storage.save in {first['patched'] or 'no module'} "
        f"(this process only); sealed rows: {first['sealed_rows']} of {first['files']}"
    )
    cost = results["request"]
    print(
        "  one Range request's audio work in process (row read + sealed_storage.read_range of "
        f"64 KiB): sealed {cost['sealed']['p50_us']} us p50, "
        f"{cost['sealed']['queries_per_request']} queries; plaintext "
        f"{cost['plaintext']['p50_us']} us, {cost['plaintext']['queries_per_request']} queries"
    )


# --- 3. through the gate -----------------------------------------------------------------------


def build_gate(sessions: int, megabytes: int) -> dict:
    """bench/gate.py's world (a plaintext call, a coach's sessions), and a sealed copy of the call's
    bytes (the last byte changed). Runs with the server's settings."""
    from django.db import transaction

    from bench.gate import build
    from recordings.audio_keys import day_key, new_data_key
    from recordings.models import Recording
    from recordings.sealed_storage import store_sealed
    from recordings.storage import audio_storage, new_storage_key

    world = build(sessions=sessions, megabytes=megabytes)
    call = Recording.objects.get(storage_key=world["file"])
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "call.wav"
        with audio_storage().open(call.storage_key, "rb") as handle, copy.open("wb") as out:
            shutil.copyfileobj(handle, out, 1 << 20)
        with copy.open("r+b") as out:
            out.seek(-1, os.SEEK_END)
            last = out.read(1)
            out.seek(-1, os.SEEK_END)
            out.write(bytes([last[0] ^ 1]))
        digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        plain_id = call.pk
        sealed = call
        sealed.pk = uuid.uuid4()  # the context binds the ciphertext to the id: set it first
        sealed._state.adding = True
        sealed.call_id = f"{SLUG}-{plain_id.hex[:12]}"
        sealed.sha256 = digest
        sealed.storage_key = new_storage_key(organisation_id=call.organisation_id, container="wav")
        data_key = new_data_key(sealed, day_key(call.organisation, call.purge_deadline))
        with transaction.atomic():
            sealed.save(force_insert=True)
            sealed.storage_key = store_sealed(
                sealed, copy, data_key=data_key, expected_sha256=digest
            )
            Recording.objects.filter(pk=sealed.pk).update(storage_key=sealed.storage_key)
    world["sealed_audio"] = world["audio"].replace(str(plain_id), str(sealed.pk))
    world["sealing"] = sealed.sealing
    return world


def _interleaved(server, port: int, paths: dict[str, str], asks: list[dict[str, str]]) -> tuple:
    """Each request (its headers: a Range of 64 KiB) asked of every path in turn, the order
    alternating, so that a busy machine's drift weighs on all alike: {path name: TTFB samples},
    {path name: the workers' CPU ms per request, or None}."""
    from bench.gate import PIECE, _get, _worker_cpu_ms

    samples: dict[str, list[float]] = {mode: [] for mode in paths}
    cpu: dict[str, float | None] = dict.fromkeys(paths, 0.0)
    for n, headers in enumerate(asks):
        for mode in list(paths) if n % 2 == 0 else list(reversed(paths)):
            before = _worker_cpu_ms(server)
            ttfb, status, _, length = _get(port, paths[mode], headers)
            after = _worker_cpu_ms(server)
            if status != 206 or length != PIECE:
                raise RuntimeError(f"{mode} answered {status} with {length} bytes")
            samples[mode].append(ttfb)
            if before is None or after is None or cpu[mode] is None:
                cpu[mode] = None
            else:
                cpu[mode] += after - before
    return samples, {
        mode: None if used is None else round(used / len(asks), 2) for mode, used in cpu.items()
    }


def bench_gate_sealed() -> dict:
    from bench.gate import (
        FILE_MB,
        PIECE,
        REQUESTS,
        _cpu_per_request,
        _figures,
        _gate_read_all,
        _get,
        _gunicorn,
        _server_env,
        _stop,
        _worker_cpu_ms,
    )

    work = Path(tempfile.mkdtemp(prefix="earshot-bench-crypto-gate-"))
    server = None
    try:
        env = _server_env(os.environ["DATABASE_URL"], work / "var")  # the bench's key store
        built = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--build", str(FIRST_LISTENS + 1)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if built.returncode != 0:
            raise RuntimeError(f"building the crypto gate bench failed:\n{built.stderr[-3000:]}")
        world = json.loads(built.stdout.strip().splitlines()[-1])
        server, port = _gunicorn(env, work)
        size, name = world["size"], world["cookie"]
        cookie = {"Cookie": f"{name}={world['sessions'][0]}"}
        paths = {"plaintext": world["audio"], "sealed": world["sealed_audio"]}
        for _ in range(10):  # warm both workers; start the listen of each call
            _get(port, "/healthz", {})
            for path in paths.values():
                _get(port, path, {**cookie, "Range": "bytes=0-65535"})
        results: dict = {
            "sealing": world["sealing"],
            "file_mb": FILE_MB,
            "requests": REQUESTS,
            "floor": _figures(
                *_cpu_per_request(
                    server, lambda: [_get(port, "/healthz", {})[0] for _ in range(REQUESTS)]
                )
            ),
        }
        # bench/gate.py's further ranges: 64 KiB at seeded random offsets, of a started listen.
        offsets = random.Random(18).sample(range(0, size - PIECE, 4096), REQUESTS)
        further = [{**cookie, "Range": f"bytes={at}-{at + PIECE - 1}"} for at in offsets]
        samples, cpu = _interleaved(server, port, paths, further)
        for mode in paths:
            results[mode] = _figures(samples[mode], cpu[mode])
        # The first range of a listen: each fresh session starts one on each call.
        first = [
            {"Cookie": f"{name}={session}", "Range": f"bytes=0-{PIECE - 1}"}
            for session in world["sessions"][1:]
        ]
        samples, cpu = _interleaved(server, port, paths, first)
        for mode in paths:
            results[f"{mode}_first"] = _figures(samples[mode], cpu[mode])
        for mode in ["plaintext", "sealed", "sealed", "plaintext"]:  # A B B A
            before = _worker_cpu_ms(server)
            seconds, answers = _gate_read_all(port, paths[mode], size, cookie)
            after = _worker_cpu_ms(server)
            best = results.get(f"{mode}_whole")
            if best is None or seconds < best["seconds"]:
                results[f"{mode}_whole"] = {
                    "seconds": round(seconds, 2),
                    "mb_per_s": round(size / 1e6 / seconds, 1),
                    "answers": answers,
                    "worker_cpu_ms_per_answer": (
                        round((after - before) / answers, 2) if before and after else None
                    ),
                }
        return results
    finally:
        if server is not None:
            _stop(server)
        shutil.rmtree(work, ignore_errors=True)


def _print_gate(r: dict) -> None:
    print(
        f"\nthe gate (gunicorn, PostgreSQL): {r['requests']} Range requests of 64 KiB of a "
        f"{r['file_mb']} MB call, plaintext beside a sealed copy (sealing {r['sealing']!r})"
    )
    rows = [
        ("/healthz (floor)", r["floor"]),
        ("plaintext, further ranges of a listen", r["plaintext"]),
        ("sealed, further ranges of a listen", r["sealed"]),
        (f"plaintext, first range of a listen ({FIRST_LISTENS})", r["plaintext_first"]),
        (f"sealed, first range of a listen ({FIRST_LISTENS})", r["sealed_first"]),
    ]
    for label, f in rows:
        cpu = f.get("server_cpu_ms")
        print(
            f"  {label:44} TTFB p50 {f['p50_ms']:7.2f} ms  p95 {f['p95_ms']:7.2f} ms"
            + (f"  worker CPU {cpu:6.2f} ms/request" if cpu is not None else "")
        )
    added = r["sealed"]["p50_ms"] - r["plaintext"]["p50_ms"]
    line = f"  sealing adds {added:.2f} ms p50 TTFB to a further range (goal: < 5 ms)"
    if r["sealed"].get("server_cpu_ms") is not None and r["plaintext"].get("server_cpu_ms"):
        extra = r["sealed"]["server_cpu_ms"] - r["plaintext"]["server_cpu_ms"]
        line += f", {extra:.2f} ms of worker CPU"
    print(line)
    for mode in ("plaintext", "sealed"):
        w = r[f"{mode}_whole"]
        cpu = w.get("worker_cpu_ms_per_answer")
        print(
            f"  whole call, {mode}: {w['mb_per_s']} MB/s, best of 2 ({w['answers']} answers"
            + (f", worker CPU {cpu} ms/answer)" if cpu is not None else ")")
        )


# --- 4. destroying a day key of 100,000 purged calls -------------------------------------------


FILE_CALLS = ("unlink", "remove", "fsync", "open", "rename", "replace", "link")


@contextmanager
def _counting_file_calls():
    """Counts the calls of the os functions in FILE_CALLS while inside (pathlib calls them too,
    looked up at each call); yields {name: count}."""
    counted = dict.fromkeys(FILE_CALLS, 0)
    originals = {name: getattr(os, name) for name in FILE_CALLS}

    def counting(name):
        def call(*args, **kwargs):
            counted[name] += 1
            return originals[name](*args, **kwargs)

        return call

    for name in FILE_CALLS:
        setattr(os, name, counting(name))
    try:
        yield counted
    finally:
        for name, original in originals.items():
            setattr(os, name, original)


def _timed_destroy(function, *args, **kwargs) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, _counting_file_calls() as files:
        started = _clock()
        outcome = function(*args, **kwargs)
        wall = time.perf_counter() - started[0]
    return {
        "ms": round(wall * 1000, 2),
        "queries": len(queries),
        "files_unlinked": files["unlink"] + files["remove"],
        "file_calls": {name: count for name, count in files.items() if count},
        "outcome": outcome if isinstance(outcome, bool | int | None) else repr(outcome)[:200],
    }


def _tombstones(organisation, audio_key, tag: str) -> None:
    """ROWS purged calls of `organisation` that refer to `audio_key`: bench/purge.py's
    INSERT … SELECT of due calls, then made tombstones as the purge leaves them."""
    from django.db import connection

    from bench.purge import _insert_rows, _reset

    _reset(organisation)
    _insert_rows(organisation, tag, ROWS)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE recordings_recording SET status = 'purged', purged_at = now(),
              call_id = id::text, storage_key = 'purged/' || id::text, queue = '',
              customer_phone = '', customer_name = '', customer_address = '',
              customer_postcode = '', announcement = '', audio_key_id = %s,
              sealing = 'v1', wrapped_key = NULL
            WHERE organisation_id = %s
            """,
            [audio_key.pk, organisation.pk],
        )
        assert cursor.rowcount == ROWS, cursor.rowcount
        cursor.execute("VACUUM ANALYZE recordings_recording")


def _destroy_spent(organisation) -> dict | None:
    """The purge's destroy_spent_keys on a second such key, where it has landed."""
    from django.conf import settings
    from django.db import connection

    try:
        from retention import key_destruction
    except ImportError:
        return None
    from recordings.audio_keys import day_key

    spent = getattr(key_destruction, "destroy_spent_keys", None)
    if spent is None:
        return None
    audio_key = day_key(organisation, datetime.now(UTC) - timedelta(days=3))
    with connection.cursor() as cursor:  # the same tombstones, now under this key
        cursor.execute(
            "UPDATE recordings_recording SET audio_key_id = %s WHERE organisation_id = %s",
            [audio_key.pk, organisation.pk],
        )
        assert cursor.rowcount == ROWS, cursor.rowcount
        cursor.execute("VACUUM ANALYZE recordings_recording")
    figures = _timed_destroy(spent, organisation, now=datetime.now(UTC))
    audio_key.refresh_from_db()
    figures["destroyed"] = audio_key.destroyed_at is not None
    folder = Path(settings.AUDIO_KEY_DIR) / str(organisation.pk)  # its key files left
    figures["key_files_left"] = sum(1 for p in folder.rglob("*") if p.is_file())
    return figures


def _delete_files(work: Path, tag: str) -> dict:
    """DELETE_FILES 8 KB files in the storage's fan-out layout (bench/purge.py's), deleted by
    find; the time scaled linearly to ROWS."""
    from bench.purge import _relative_keys, _write_tree

    tree = work / "files"
    started = time.perf_counter()
    _write_tree(tree, _relative_keys(tag, DELETE_FILES))
    written = time.perf_counter() - started
    os.sync()
    started = time.perf_counter()
    subprocess.run(["find", str(tree), "-type", "f", "-delete"], check=True)
    seconds = time.perf_counter() - started
    return {
        "files": DELETE_FILES,
        "write_s": round(written, 1),
        "find_delete_s": round(seconds, 2),
        "find_delete_s_scaled_to_recordings": round(seconds * ROWS / DELETE_FILES, 1),
    }


def bench_destroy() -> dict:
    from bench.purge import _organisation, _reset
    from recordings.audio_keys import day_key, destroy_key, key_name
    from recordings.keystore import key_store
    from recordings.models import AudioKey

    organisation = _organisation(f"{SLUG}-destroy")
    tag = f"{SLUG}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    with tempfile.TemporaryDirectory(prefix="earshot-bench-crypto-destroy-") as tmp:
        work = Path(tmp)
        # An interrupted run's live keys go first.
        _reset(organisation)
        for stale in AudioKey.objects.filter(organisation=organisation, destroyed_at=None):
            destroy_key(stale)
        audio_key = day_key(organisation, datetime.now(UTC) - timedelta(days=2))
        started = time.perf_counter()
        _tombstones(organisation, audio_key, tag)
        print(
            f"  {ROWS:,} tombstones on one day key in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        assert key_store().exists(key_name(audio_key))
        figures = _timed_destroy(destroy_key, audio_key)
        audio_key.refresh_from_db()
        figures["destroyed"] = audio_key.destroyed_at is not None
        figures["key_file_gone"] = not key_store().exists(key_name(audio_key))
        result = {"recordings": ROWS, "destroy_key": figures}
        result["destroy_spent_keys"] = _destroy_spent(organisation)
        _reset(organisation)
        if DELETE_FILES:
            result["files_baseline"] = _delete_files(work, tag)
    return result


def _calls(figures: dict) -> str:
    return ", ".join(f"{count} {name}" for name, count in figures["file_calls"].items())


def _print_destroy(r: dict) -> None:
    d = r["destroy_key"]
    print(f"\ncrypto-shredding: one day key that {r['recordings']:,} purged calls refer to")
    print(
        f"  destroy_key: {d['ms']} ms, {d['queries']} queries, {d['files_unlinked']} file "
        f"unlinked (os calls: {_calls(d)}); destroyed {d['destroyed']}, key file gone "
        f"{d['key_file_gone']}"
    )
    spent = r["destroy_spent_keys"]
    if spent is None:
        print("  retention.key_destruction.destroy_spent_keys: not there yet, not measured")
    else:
        print(
            f"  destroy_spent_keys (the purge's): {spent['ms']} ms, {spent['queries']} queries, "
            f"{spent['files_unlinked']} file(s) unlinked (os calls: {_calls(spent)}); destroyed "
            f"{spent['destroyed']}"
        )
    files = r.get("files_baseline")
    if files:
        scaled = files["find_delete_s_scaled_to_recordings"]
        print(
            f"  baseline: find -delete of {files['files']:,} 8 KB files: {files['find_delete_s']} s"
            f" (~{scaled} s for {r['recordings']:,}: one unlink per call, in every copy)"
        )


# --- the part ----------------------------------------------------------------------------------


def bench_crypto() -> dict:
    """Run the four measurements (Django set up, the database migrated); print and return them."""
    print(f"\ncrypto bench: {BUFFER_MB} MB on one core, ingest, the gate, a day key …", flush=True)
    from bench.run import commit

    measured = commit()  # the other parts' figures carry it only in a whole run's summary
    stages: dict[str, float] = {}

    def stage(name: str, measure, show) -> dict:
        started = time.perf_counter()
        figures = measure()
        show(figures)
        stages[name] = round(time.perf_counter() - started, 1)
        print(f"  ({name}: {stages[name]} s)", flush=True)
        return figures

    sealed = stage("sealed", bench_sealed, _print_sealed)
    ingest = stage("ingest", bench_ingest_sealed, _print_ingest)
    gate = stage("gate", bench_gate_sealed, _print_gate)
    destroy = stage("destroy", bench_destroy, _print_destroy)
    calls = ingest["one_minute"]
    summary = {
        "crypto_open_mb_per_s": sealed["sealed_iter_plain"]["mb_per_s"],
        "crypto_open_range_mb_per_s": sealed["sealed_read_range_256k"]["mb_per_s"],
        "crypto_bare_aesgcm_decrypt_mb_per_s": sealed["bare_aesgcm_decrypt"]["mb_per_s"],
        "crypto_seal_mb_per_s": sealed["sealed_seal"]["mb_per_s"],
        "crypto_sha256_mb_per_s": sealed["hashlib_sha256"]["mb_per_s"],
        "crypto_ingest_sealed_mb_per_s": calls["sealed"]["mb_per_s"],
        "crypto_ingest_plaintext_mb_per_s": calls["plaintext"]["mb_per_s"],
        "crypto_gate_sealed_ttfb_p50_ms": gate["sealed"]["p50_ms"],
        "crypto_gate_plaintext_ttfb_p50_ms": gate["plaintext"]["p50_ms"],
        "crypto_gate_floor_ttfb_p50_ms": gate["floor"]["p50_ms"],
        "crypto_gate_sealed_whole_mb_per_s": gate["sealed_whole"]["mb_per_s"],
        "crypto_gate_plaintext_whole_mb_per_s": gate["plaintext_whole"]["mb_per_s"],
        "crypto_destroy_key_ms": destroy["destroy_key"]["ms"],
        "crypto_delete_files_s": (destroy.get("files_baseline") or {}).get(
            "find_delete_s_scaled_to_recordings"
        ),
    }
    return {
        "sealed": sealed,
        "ingest": ingest,
        "gate": gate,
        "destroy": destroy,
        "commit": measured,
        "stage_seconds": stages,
        "cpus": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "summary": summary,
    }


def main() -> None:
    if sys.argv[1:2] == ["--build"]:
        import django

        django.setup()
        from bench.gate import FILE_MB

        print(json.dumps(build_gate(sessions=int(sys.argv[2]), megabytes=FILE_MB)))
        return
    from bench.run import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(bench_crypto()["summary"], indent=2))


if __name__ == "__main__":
    main()
