"""What the page benchmarks share: a signed-in client, timing a page, static files without a
manifest, and running one benchmark on its own."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def signed_in_client(user):
    """A test client signed in as the user, past the TOTP step."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "bench"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _check(response) -> None:
    if hasattr(response, "status_code"):  # a page; a query returns rows or nothing
        assert response.status_code == 200, response.status_code


def timed(get: Callable, runs: int, *, warm: bool = True) -> dict[str, float]:
    """p50/p95 in ms of `runs` calls after one warm-up call (none for a baseline that takes
    seconds a call and reads more than any cache keeps: warm=False)."""
    if warm:
        _check(get())
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = get()
        samples.append((time.perf_counter() - start) * 1000)
        _check(response)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
    }


def query_count(get: Callable) -> int:
    """How many SQL queries one call makes: under load each costs a scheduling slice, so a page's
    time on a busy machine follows its query count more than its data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get()
    return len(captured.captured_queries)


def without_static_manifest(run: Callable[[], dict]) -> dict:
    """Pages link the stylesheet; a server-time measurement needs no collected manifest."""
    from django.conf import settings
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        return run()


def run_alone(name: str, bench: Callable[[], dict]) -> None:
    """`python bench/<name>.py`: set up the bench database, run, write the JSON."""
    from bench.run import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = bench()
    out = ROOT / "bench" / "results" / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(f"  written to {out.relative_to(ROOT)}")
