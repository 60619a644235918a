"""gate: what the audio gate adds to a byte range, beside Django's floor and a static server.

In one run, for PostgreSQL (DATABASE_URL) and for the embedded SQLite default (a fresh file in
a temporary folder), each with its own audio folder:

- a 50 MB WAV call (BENCH_GATE_MB) of a coached team, and a coach with a standing right;
- Earshot served by gunicorn (2 workers, loopback, settings from the environment) and nginx
  (Debian's, run as the current user with a temporary config) serving the same file;
- BENCH_GATE_REQUESTS (200) Range requests of 64 KiB at seeded random offsets, each on a new
  connection, time to first byte (TTFB) p50/p95 of:
  (a) nginx, the plain static server (sendfile);
  (b) `/healthz` through the same gunicorn: Django's floor (middleware, one query);
  (c) the gate, further ranges of one listen (a signed-in coach, the listen already started);
  (d) the gate, the first range of a listen (BENCH_GATE_LISTENS fresh sessions: each decides,
      counts and audits a new listen);
- full-file throughput: the whole call read through the gate piece by piece as a player does
  (each answer is bounded to about ten seconds of audio and passes the gate; docs/listening.md)
  beside one GET of the file from nginx.

Goal (issue 18): the gate adds < 5 ms p50 to the floor, for (c) and for (d). `python
bench/gate.py` runs this on its own; `make bench` (bench/run.py) calls bench_gate().
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = int(os.environ.get("BENCH_GATE_REQUESTS", "200"))
LISTENS = int(os.environ.get("BENCH_GATE_LISTENS", "50"))
FILE_MB = int(os.environ.get("BENCH_GATE_MB", "50"))
PIECE = 64 * 1024
SLUG = "bench-gate"
NGINX = os.environ.get("BENCH_NGINX", "/usr/sbin/nginx")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.run import bench_key_dir  # noqa: E402  (ROOT on sys.path first)

# Day keys live as long as the bench database, in every server and command started from here.
os.environ.setdefault("EARSHOT_KEY_DIR", str(bench_key_dir()))


# --- the world, built inside a subprocess that has the server's settings ----------------------


def _wav(path: Path, size: int) -> str:
    """A mono 16-bit 8 kHz WAV of `size` bytes (telephone audio: 16,000 bytes a second) of
    noise, new each time; its SHA-256."""
    header = (
        b"RIFF"
        + (size - 8).to_bytes(4, "little")
        + b"WAVEfmt "
        + (16).to_bytes(4, "little")
        + (1).to_bytes(2, "little")  # PCM
        + (1).to_bytes(2, "little")  # mono
        + (8000).to_bytes(4, "little")
        + (16000).to_bytes(4, "little")
        + (2).to_bytes(2, "little")
        + (16).to_bytes(2, "little")
        + b"data"
        + (size - 44).to_bytes(4, "little")
    )
    # New noise each run: a call's audio is unique within its organisation.
    block = random.Random(uuid.uuid4().int).randbytes(1 << 20)
    digest = hashlib.sha256(header)
    with path.open("wb") as out:
        out.write(header)
        left = size - len(header)
        while left:
            part = block[: min(left, len(block))]
            out.write(part)
            digest.update(part)
            left -= len(part)
    return digest.hexdigest()


def build(*, sessions: int, megabytes: int) -> dict:
    """The organisation (once per database), a new call stored in this run's audio folder, and
    `sessions` signed-in sessions of the coach. Runs with the server's settings."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from access.constants import Scope
    from access.models import StandingRight
    from organisations.constants import Role
    from organisations.models import Membership, Organisation
    from organisations.services import employee_create, membership_create, team_create
    from recordings.constants import Direction, IngestChannel, RecordingStatus
    from recordings.models import Recording
    from recordings.storage import audio_storage, new_storage_key
    from register.services import activity_create

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is None:
        organisation = Organisation.objects.create(slug=SLUG, name="Bench gate")
        team = team_create(organisation=organisation, name="Team")
        employee_create(organisation=organisation, name="Agent", team=team, pbx_agent_id="1")
        activity = activity_create(
            organisation=organisation,
            actor=None,
            reference="G1",
            name="Gespreksopname",
            purposes=[
                {
                    "code": "coaching",
                    "description": "Coaching",
                    "legal_basis": "legitimate_interest",
                }
            ],
            recipients=[],
            data_subject_entries=[
                {
                    "subject_category": "Klanten",
                    "personal_data": "audio",
                    "collection_purpose": "coaching",
                    "data_category": "recording",
                    "retention_value": 28,
                    "retention_unit": "days",
                }
            ],
        )
        coach = get_user_model().objects.create(username="bench-gate-coach")
        membership_create(
            user=coach, organisation=organisation, role=Role.COACH, actor=None, teams=[team]
        )
        StandingRight.objects.create(
            organisation=organisation,
            purpose=activity.purposes.get(code="coaching"),
            role=Role.COACH,
            scope=Scope.COACHED_TEAMS,
        )
    coach = Membership.objects.get(organisation=organisation, role=Role.COACH).user
    employee = organisation.employees.get(pbx_agent_id="1")
    size = megabytes * 1_000_000
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "call.wav"
        sha256 = _wav(source, size)
        with source.open("rb") as handle:
            key = audio_storage().save(
                new_storage_key(organisation_id=organisation.pk, container="wav"), File(handle)
            )
    now = timezone.now()
    call = Recording.objects.create(
        organisation=organisation,
        employee=employee,
        call_id=f"bench-gate-{uuid.uuid4().hex[:12]}",
        started_at=now - timedelta(hours=1),
        duration_seconds=size / 16000,
        direction=Direction.INBOUND,
        queue="bench",
        storage_key=key,
        size_bytes=size,
        sha256=sha256,
        container="wav",
        codec="pcm_s16le",
        channels=1,
        sample_rate=8000,
        audio_duration_seconds=size / 16000,
        purge_deadline=now + timedelta(days=28),
        retention_days=28,
        status=RecordingStatus.ACTIVE,
        ingested_via=IngestChannel.UPLOAD,
    )
    cookies = []
    for _ in range(sessions):
        client = Client()
        client.force_login(coach)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return {
        "audio": f"/o/{SLUG}/recordings/{call.pk}/audio?purpose=coaching",
        "file": key,
        "size": size,
        "sessions": cookies,
        "cookie": settings.SESSION_COOKIE_NAME,
    }


# --- servers ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The server's environment: the bench database's key store (EARSHOT_KEY_DIR) with it, a
    temporary database's (SQLite's) in its temporary `var_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EARSHOT_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="earshot.settings",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL", "memory://"),
        EARSHOT_DOTENV="",
        EARSHOT_VAR_DIR=str(var_dir),
        EARSHOT_AUDIO_DIR=str(var_dir / "audio"),
        EARSHOT_KEY_DIR=(
            os.environ["EARSHOT_KEY_DIR"]
            if database_url == os.environ["DATABASE_URL"]
            else str(var_dir / "keys")
        ),
        EARSHOT_SECRET_KEY=os.environ["EARSHOT_SECRET_KEY"],
        EARSHOT_IDENTIFIER_KEY=os.environ["EARSHOT_IDENTIFIER_KEY"],
        EARSHOT_HTTPS="0",
        EARSHOT_LOG_LEVEL="WARNING",
    )
    return env


def _build_in(env: dict[str, str], sessions: int) -> dict:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--build", str(sessions)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"building the gate bench failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _wait(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _gunicorn(env: dict[str, str], work: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    log = work / "gunicorn.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "earshot.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    _wait(port, process, log)
    return process, port


def _nginx(root: Path, work: Path) -> tuple[subprocess.Popen, int]:
    """nginx in the foreground, one worker, serving `root` on a loopback port with sendfile."""
    if not os.access(NGINX, os.X_OK):
        raise RuntimeError(f"{NGINX} not found: scripts/install-system-packages installs nginx")
    port = _free_port()
    temp = work / "nginx-temp"
    temp.mkdir(exist_ok=True)
    config = work / "nginx.conf"
    config.write_text(
        f"""
daemon off;
worker_processes 1;
user {getpass.getuser()};
pid {work / "nginx.pid"};
error_log {work / "nginx-error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""
    )
    log = work / "nginx-error.log"
    process = subprocess.Popen(
        [NGINX, "-e", str(log), "-p", str(work), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=(work / "nginx.out").open("w"),
    )
    _wait(port, process, work / "nginx.out")
    return process, port


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- the client -------------------------------------------------------------------------------


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[float, int, dict, int]:
    """One GET on a new connection: (TTFB in ms, status, headers, body bytes). The time runs
    from connecting to the first byte of the answer."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    start = time.perf_counter()
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(request)
    buffer = bytearray(1 << 20)
    received = sock.recv_into(buffer)
    ttfb = (time.perf_counter() - start) * 1000
    head = bytes(buffer[:received])
    while b"\r\n\r\n" not in head:
        more = sock.recv(65536)
        if not more:
            break
        head += more
    header_bytes, _, rest = head.partition(b"\r\n\r\n")
    total = len(rest)
    while True:
        count = sock.recv_into(buffer)
        if not count:
            break
        total += count
    sock.close()
    status_line, *header_lines = header_bytes.decode("latin-1").split("\r\n")
    answer = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        answer[name.strip().lower()] = value.strip()
    return ttfb, int(status_line.split()[1]), answer, total


def _worker_cpu_ms(master: subprocess.Popen) -> float | None:
    """CPU time (user + system, ms) the gunicorn workers have used so far: a figure that
    other work on a busy machine disturbs less than the wall clock. None off Linux."""
    try:
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        total = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def _cpu_per_request(master: subprocess.Popen, run) -> tuple[list[float], float | None]:
    """run() -> TTFB samples; also the workers' CPU ms per request while it ran."""
    before = _worker_cpu_ms(master)
    samples = run()
    after = _worker_cpu_ms(master)
    if before is None or after is None:
        return samples, None
    return samples, round((after - before) / len(samples), 2)


def _figures(samples: list[float], cpu_ms: float | None = None) -> dict[str, float]:
    samples = sorted(samples)
    figures = {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(int(len(samples) * 0.95) - 1, 0)], 2),
    }
    if cpu_ms is not None:
        figures["server_cpu_ms"] = cpu_ms
    return figures


def _ranges(port: int, path: str, size: int, headers: dict[str, str]) -> list[float]:
    """REQUESTS ranges of 64 KiB at seeded random offsets; each must answer 206 with 64 KiB."""
    offsets = random.Random(18).sample(range(0, size - PIECE, 4096), REQUESTS)
    samples = []
    for offset in offsets:
        ranged = {**headers, "Range": f"bytes={offset}-{offset + PIECE - 1}"}
        ttfb, status, _, length = _get(port, path, ranged)
        if status != 206 or length != PIECE:
            raise RuntimeError(f"{path} answered {status} with {length} bytes")
        samples.append(ttfb)
    return samples


def _timed_get(port: int, path: str, size: int) -> float:
    """Seconds for one GET of the whole file."""
    start = time.perf_counter()
    _, status, _, length = _get(port, path, {})
    if status != 200 or length != size:
        raise RuntimeError(f"{path} answered {status} with {length} bytes")
    return time.perf_counter() - start


def _gate_read_all(port: int, path: str, size: int, headers: dict[str, str]) -> tuple[float, int]:
    """The whole call through the gate as a player reads it: an open range from where the last
    answer ended, until the end. (seconds, answers)."""
    position, answers = 0, 0
    start = time.perf_counter()
    while position < size:
        _, status, answer, length = _get(port, path, {**headers, "Range": f"bytes={position}-"})
        if status != 206 or not length:
            raise RuntimeError(f"the gate answered {status} at byte {position}")
        position += length
        answers += 1
    return time.perf_counter() - start, answers


def _measure(label: str, database_url: str) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"earshot-bench-gate-{label}-"))
    processes = []
    try:
        env = _server_env(database_url, work / "var")
        world = _build_in(env, sessions=LISTENS + 1)
        server, port = _gunicorn(env, work)
        processes.append(server)
        static, static_port = _nginx(work / "var" / "audio", work)
        processes.append(static)
        audio, size, file_path = world["audio"], world["size"], "/" + world["file"]
        cookie = f"{world['cookie']}={world['sessions'][0]}"
        # Warm both workers and nginx (imports, connections, the page cache), and start the
        # listen of the first session: its further ranges are (c).
        for _ in range(10):
            _get(port, "/healthz", {})
            _get(static_port, file_path, {"Range": "bytes=0-65535"})
            _get(port, audio, {"Cookie": cookie, "Range": "bytes=0-65535"})
        results = {
            "static": _figures(_ranges(static_port, file_path, size, {})),
            "floor": _figures(
                *_cpu_per_request(
                    server, lambda: [_get(port, "/healthz", {})[0] for _ in range(REQUESTS)]
                )
            ),
            "gate": _figures(
                *_cpu_per_request(server, lambda: _ranges(port, audio, size, {"Cookie": cookie}))
            ),
        }

        def first_ranges() -> list[float]:
            first = []
            for session in world["sessions"][1:]:
                ranged = {"Cookie": f"{world['cookie']}={session}", "Range": "bytes=0-65535"}
                ttfb, status, _, _ = _get(port, audio, ranged)
                if status != 206:
                    raise RuntimeError(f"the first range of a listen answered {status}")
                first.append(ttfb)
            return first

        results["gate_first"] = _figures(*_cpu_per_request(server, first_ranges))
        static_seconds = min(_timed_get(static_port, file_path, size) for _ in range(3))
        gate_seconds, answers = _gate_read_all(port, audio, size, {"Cookie": cookie})
        results["throughput"] = {
            "static_mb_per_s": round(size / 1e6 / static_seconds, 1),
            "gate_mb_per_s": round(size / 1e6 / gate_seconds, 1),
            "gate_answers": answers,
        }
        return results
    finally:
        for process in processes:
            _stop(process)
        shutil.rmtree(work, ignore_errors=True)


def _print(label: str, results: dict) -> None:
    floor = results["floor"]["p50_ms"]
    print(f"\nthe gate on {label}: {REQUESTS} Range requests of 64 KiB of a {FILE_MB} MB call")
    rows = [
        ("nginx, the same file (sendfile)", results["static"]),
        ("/healthz through gunicorn (floor)", results["floor"]),
        ("the gate, further ranges of a listen", results["gate"]),
        (f"the gate, first range of a listen ({LISTENS})", results["gate_first"]),
    ]
    for name, figures in rows:
        cpu = figures.get("server_cpu_ms")
        print(
            f"  {name:44} TTFB p50 {figures['p50_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms"
            + (f"   worker CPU {cpu:6.2f} ms/request" if cpu is not None else "")
        )
    print(
        f"  the gate adds {results['gate']['p50_ms'] - floor:.2f} ms p50 to the floor for a "
        f"further range, {results['gate_first']['p50_ms'] - floor:.2f} ms for the first "
        "(goal: < 5 ms)"
    )
    speed = results["throughput"]
    print(
        f"  whole call: through the gate {speed['gate_mb_per_s']} MB/s "
        f"({speed['gate_answers']} answers of at most ten seconds each), "
        f"nginx {speed['static_mb_per_s']} MB/s (one GET)"
    )


def bench_gate() -> dict:
    postgres = _measure("postgres", os.environ["DATABASE_URL"])
    _print("PostgreSQL", postgres)
    if os.environ.get("BENCH_GATE_SKIP_SQLITE"):  # while developing only
        return {"postgresql": postgres, "summary": {}}
    sqlite_dir = Path(tempfile.mkdtemp(prefix="earshot-bench-gate-sqlite-"))
    try:
        sqlite = _measure("sqlite", f"sqlite:///{sqlite_dir / 'earshot.sqlite3'}")
    finally:
        shutil.rmtree(sqlite_dir, ignore_errors=True)
    _print("SQLite (the embedded default)", sqlite)
    summary = {
        "gate_ttfb_p50_ms": postgres["gate"]["p50_ms"],
        "gate_first_ttfb_p50_ms": postgres["gate_first"]["p50_ms"],
        "floor_ttfb_p50_ms": postgres["floor"]["p50_ms"],
        "static_ttfb_p50_ms": postgres["static"]["p50_ms"],
        "gate_mb_per_s": postgres["throughput"]["gate_mb_per_s"],
        "static_mb_per_s": postgres["throughput"]["static_mb_per_s"],
        # CPU of the gunicorn workers per request: less disturbed by a busy machine.
        "gate_worker_cpu_ms": postgres["gate"].get("server_cpu_ms"),
        "gate_first_worker_cpu_ms": postgres["gate_first"].get("server_cpu_ms"),
        "floor_worker_cpu_ms": postgres["floor"].get("server_cpu_ms"),
        "sqlite_gate_ttfb_p50_ms": sqlite["gate"]["p50_ms"],
        "sqlite_gate_first_ttfb_p50_ms": sqlite["gate_first"]["p50_ms"],
        "sqlite_floor_ttfb_p50_ms": sqlite["floor"]["p50_ms"],
        "sqlite_static_ttfb_p50_ms": sqlite["static"]["p50_ms"],
    }
    return {
        "requests": REQUESTS,
        "listens": LISTENS,
        "file_mb": FILE_MB,
        "postgresql": postgres,
        "sqlite": sqlite,
        "summary": summary,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        import django

        django.setup()
        print(json.dumps(build(sessions=int(sys.argv[2]), megabytes=FILE_MB)))
    else:
        print(json.dumps(bench_gate()["summary"], indent=2))
