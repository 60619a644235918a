"""Time `make run` on fresh clones until the first page answers: cold and warm package cache.

    scripts/measure-setup [--ref COMMIT] [--baseline pip|none|COMMIT] [--port 8117]
    BENCH_ONLY=setup_time make bench            (slow: three installs, about 5 minutes)

Each run clones this checkout's commit (git clone, so only what is committed counts) into a
temporary folder and starts `make run` there, in a session of its own, with SQLite under the
clone's var/ and the port given (8117 by default, so a `make run` of yours on 8000 is left
alone). The clock starts with make and stops when http://127.0.0.1:PORT/ answers (the sign-in
page); then the run's processes (its process group) are stopped and the clone removed.

- cold: XDG_CACHE_HOME, UV_CACHE_DIR and PIP_CACHE_DIR point at an empty folder, so uv itself,
  every package and pip's cache come from the package index;
- warm: a second fresh clone with the caches the cold run filled;
- baseline: `pip`, a fresh clone of the same commit installed by pip (EARSHOT_INSTALLER=pip)
  with an empty cache; or an older commit (the Makefile of its day); `none` skips it.

Uses only the standard library, so it runs before any venv exists.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The step lines of scripts/install-packages and scripts/run: "Creating the database… 8 s".
STEP = re.compile(
    r"^(Installing packages|Creating the database|Updating the database|Loading the demo"
    r"|Starting the web server)[^…]*… (\d+) s"
)
LIMIT_SECONDS = 1200


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310  (our own server)
            return True
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """TERM to the run's process group (make, the server, the worker), KILL what lingers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _group_cpu_seconds(pgid: int) -> float:
    """CPU time of the run so far: every live process of its group with the children each
    has waited for (the installer, migrate and the demo are such children)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def measure_once(
    label: str, ref: str, cache: Path, port: int, work: Path, installer: str = ""
) -> dict:
    """One fresh clone of `ref`, `make run` until the first page answers."""
    clone = work / label
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", ref], check=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EARSHOT_", "DATABASE_URL", "CELERY_", "DJANGO_", "VIRTUAL_ENV"))
    }
    env.update(
        PORT=str(port),
        XDG_CACHE_HOME=str(cache),
        UV_CACHE_DIR=str(cache / "uv"),
        PIP_CACHE_DIR=str(cache / "pip"),
    )
    if installer:
        env["EARSHOT_INSTALLER"] = installer
    log_path = work / f"{label}.log"
    url = f"http://127.0.0.1:{port}/"
    if _answers(url):
        raise SystemExit(f"Something answers on port {port} already: choose another (--port).")
    with log_path.open("w") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            ["make", "run"],
            cwd=clone,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while not _answers(url):
                if process.poll() is not None or time.monotonic() - started > LIMIT_SECONDS:
                    raise RuntimeError(f"{label}: no first page; see {log_path}")
                time.sleep(0.25)
            seconds = time.monotonic() - started
            cpu = _group_cpu_seconds(process.pid)
        finally:
            _stop(process)
    steps = {}
    for line in log_path.read_text().splitlines():
        match = STEP.match(line.strip())
        if match:
            steps[match.group(1)] = int(match.group(2))
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "steps": steps,
        "ref": ref,
        "installer": installer,
    }


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def measure(ref: str = "HEAD", baseline: str = "pip", port: int = 8117) -> dict:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=12", ref],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="earshot-setup-"))
    results = {"commit": commit, "cores": os.cpu_count()}
    try:
        cache = work / "cache"
        cache.mkdir()
        runs = [("cold", commit, cache, ""), ("warm", commit, cache, "")]
        if baseline == "pip":
            runs.append(("baseline", commit, work / "cache-pip", "pip"))
        elif baseline != "none":
            runs.append(("baseline", baseline, work / "cache-baseline", ""))
        for label, run_ref, run_cache, installer in runs:
            run_cache.mkdir(exist_ok=True)
            load_before = _load()
            result = measure_once(label, run_ref, run_cache, port, work, installer)
            result["load_before"] = load_before
            result["load_after"] = _load()
            results[label] = result
            steps = ", ".join(f"{name} {sec} s" for name, sec in result["steps"].items())
            print(
                f"{label:>8}: {result['seconds']:6.1f} s to the first page, "
                f"{result['cpu_seconds']:.0f} s of CPU ({steps}; "
                f"load {load_before} → {result['load_after']})",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def bench_setup_time() -> dict:
    """For bench/run.py (BENCH_ONLY=setup_time): baseline from BENCH_SETUP_BASELINE."""
    results = measure(baseline=os.environ.get("BENCH_SETUP_BASELINE", "pip"))
    summary = {
        "setup_cold_s": results["cold"]["seconds"],
        "setup_warm_s": results["warm"]["seconds"],
        "setup_warm_cpu_s": results["warm"]["cpu_seconds"],
    }
    if "baseline" in results:
        summary["setup_baseline_s"] = results["baseline"]["seconds"]
    results["summary"] = summary
    return results


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="HEAD", help="commit to measure (default HEAD)")
    parser.add_argument(
        "--baseline",
        default="none",
        help="'pip' (this commit installed by pip), a commit, or 'none' (default)",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8117)))
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    options = parser.parse_args(argv)
    results = measure(options.ref, options.baseline, options.port)
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
