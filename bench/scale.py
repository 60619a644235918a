"""The pages at ten million calls: `make bench` part "scale".

One organisation ("bench-scale") with BENCH_ROWS recordings (default 10,000,000: 80 % live calls
over the last 27 days, 20 % tombstones), as many audit events (70 % listens), 20,000 access
requests and BENCH_EVALUATIONS released coaching evaluations (default 1,000,000, five answers
each, over 12 months, each on a tombstone of its own). Then, BENCH_RUNS times each (p50/p95):

- the recordings list (server time of the selector's query, as the manager sees it): the first
  page, a filtered page (one employee, outbound) and a page deep in the list (keyset, 90 % down),
  beside the baseline of the same deep page fetched with OFFSET; goal p95 < 50 ms;
- the register page as the privacy officer opens it (whole page), beside the listens counted
  live from the trail; goal p95 < 300 ms;
- a recording's (call's) page as a coach with a standing right opens it (whole page), beside
  Django's floor (/healthz through the same client); goal p95 < 100 ms;
- the coaching report page for the organisation, a team, an employee and a coach (whole page),
  beside the monthly trend counted over every evaluation; goal p95 < 200 ms.

Population is by INSERT … SELECT generate_series, in numbered chunks of one transaction each:
idempotent (a used database is reused, a broken-off population goes on where it stopped) and
namespaced by the organisation's slug, so it never collides with another bench. It beat COPY
(psycopg's cursor.copy of rows generated in Python) at 200,000 recordings on this machine: see
`python bench/scale.py --compare-load`. Ids are in insertion order, so the primary key grows at
its right edge instead of touching a random page per row.

Run alone: `python bench/scale.py` (BENCH_ROWS, BENCH_EVALUATIONS, BENCH_RUNS; DATABASE_URL).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_ROWS", "10000000"))
EVALUATIONS = int(os.environ.get("BENCH_EVALUATIONS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
# The baselines read millions of rows, seconds a run at ten million: fewer runs of them.
BASELINE_RUNS = min(RUNS, int(os.environ.get("BENCH_BASELINE_RUNS", "10")))
SLUG = "bench-scale"
GOALS_MS = {"list": 50, "register": 300, "recording_page": 100, "coaching": 200}
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
sys.path.insert(0, str(ROOT))


def _organisation():
    """The register's organisation, with coaches and a form, and a standing right for coaches
    to hear their coached team's calls (the recording page as the player sees it)."""
    from access.constants import Scope
    from access.models import StandingRight
    from bench.coaching import coaching_setup
    from bench.register import register_organisation
    from organisations.models import Membership
    from register.models import Purpose

    organisation = register_organisation(SLUG, "Bench scale")
    coaching_setup(organisation)
    if not StandingRight.objects.filter(organisation=organisation).exists():
        purpose = Purpose.objects.get(
            activity__organisation=organisation, code="quality-improvement"
        )
        StandingRight.objects.create(
            organisation=organisation, purpose=purpose, role="coach", scope=Scope.COACHED_TEAMS
        )
        first_team = organisation.teams.order_by("pk").first()
        for coach in Membership.objects.filter(organisation=organisation, role="coach"):
            coach.teams.set([first_team])
    return organisation


def _populate(organisation) -> dict:
    from bench.coaching import coaching_populate
    from bench.register import daily_counts_first, register_populate

    started = time.perf_counter()
    seconds = register_populate(organisation, rows=ROWS)
    seconds.update(coaching_populate(organisation, rows=EVALUATIONS))
    first_count = daily_counts_first(organisation, again=False)
    if first_count is not None:
        seconds["first_daily_count"] = first_count
    seconds["total"] = round(time.perf_counter() - started, 1)
    return seconds


def _list(organisation) -> dict:
    """The list selector: first, filtered and deep page, and the OFFSET baseline."""
    from access.policy import recordings_visible_to
    from access.selectors import Cursor, recordings_page
    from bench.pages import timed
    from organisations.models import Membership

    manager = Membership.objects.get(organisation=organisation, role="manager")
    employee = organisation.employees.order_by("pk")[7]
    visible = recordings_visible_to(membership=manager).order_by("-started_at", "-id")
    live = visible.count()
    depth = live * 9 // 10
    cursor = Cursor(*visible.values_list("started_at", "id")[depth])
    figures = {
        "first_page": timed(
            lambda: recordings_page(membership=manager, filters={}, cursor=None), RUNS
        ),
        "filtered_page": timed(
            lambda: recordings_page(
                membership=manager,
                filters={"employee": employee, "direction": "outbound"},
                cursor=None,
            ),
            RUNS,
        ),
        "deep_page": timed(
            lambda: recordings_page(membership=manager, filters={}, cursor=cursor), RUNS
        ),
        "baseline_offset_deep_page": timed(
            lambda: list(visible[depth : depth + 50]), BASELINE_RUNS
        ),
    }
    print(
        f"\nrecordings list at {ROWS:,} recordings ({live:,} live; {RUNS} runs each, server time "
        f"of the selector's query)"
    )
    for name, result in figures.items():
        print(f"  {name:28} p50 {result['p50_ms']:8.2f} ms   p95 {result['p95_ms']:8.2f} ms")
    print(
        f"  goal: p95 < {GOALS_MS['list']} ms for the first three; the OFFSET line is the naive "
        f"baseline at the same depth ({depth:,}; {BASELINE_RUNS} runs)"
    )
    figures["live_rows"] = live
    return figures


def _recording_page(organisation) -> dict:
    """A coached call's page as the coach opens it, beside /healthz through the same client."""
    from django.urls import reverse

    from bench.pages import query_count, timed
    from bench.register import signed_in
    from recordings.models import Recording

    client = signed_in(organisation, "coach")
    team = organisation.teams.order_by("pk").first()
    recording = (
        Recording.objects.filter(organisation=organisation, status="active", employee__team=team)
        .order_by("-started_at")
        .first()
    )
    url = reverse(
        "access:recording_detail",
        kwargs={"org_slug": organisation.slug, "recording_id": recording.pk},
    )
    figures = {
        "page": timed(lambda: client.get(url, secure=True), RUNS),
        "baseline_healthz": timed(lambda: client.get("/healthz", secure=True), RUNS),
        "queries": query_count(lambda: client.get(url, secure=True)),
    }
    page, floor = figures["page"], figures["baseline_healthz"]
    print(f"\nrecording page of a coached call, as the coach ({RUNS} runs, whole page)")
    print(
        f"  whole page            p50 {page['p50_ms']:8.1f} ms   p95 {page['p95_ms']:8.1f} ms"
        f"   ({figures['queries']} queries)"
    )
    print(
        f"  baseline: /healthz through the same client (Django's floor): "
        f"p50 {floor['p50_ms']:.1f} ms   p95 {floor['p95_ms']:.1f} ms"
    )
    print(f"  goal: p95 < {GOALS_MS['recording_page']} ms")
    return figures


def bench_scale() -> dict:
    from bench.pages import without_static_manifest

    return without_static_manifest(_bench)


def _bench() -> dict:
    from bench.coaching import coaching_pages, print_coaching
    from bench.register import print_register, register_page

    organisation = _organisation()
    population = _populate(organisation)
    print(f"  population: {population}")
    listing = _list(organisation)
    register = register_page(organisation, runs=RUNS, baseline_runs=BASELINE_RUNS)
    print_register(register, ROWS, RUNS, BASELINE_RUNS)
    recording = _recording_page(organisation)
    coaching = coaching_pages(organisation, runs=RUNS, baseline_runs=BASELINE_RUNS, python_runs=1)
    print_coaching(coaching, EVALUATIONS, RUNS)
    list_p95 = max(listing[p]["p95_ms"] for p in ("first_page", "filtered_page", "deep_page"))
    return {
        "recordings": ROWS,
        "audit_events": ROWS,
        "evaluations": EVALUATIONS,
        "runs": RUNS,
        "goals_ms": GOALS_MS,
        "population_s": population,
        "list": listing,
        "register": register,
        "recording_page": recording,
        "coaching": coaching,
        "summary": {
            "list_rows": ROWS,
            "list_p95_ms": list_p95,
            "register_p95_ms": register["page"]["p95_ms"],
            "recording_page_p95_ms": recording["page"]["p95_ms"],
            "coaching_p95_ms": max(page["p95_ms"] for page in coaching["pages"].values()),
        },
    }


class _RolledBack(Exception):
    pass


COPY_COLUMNS = (
    "id, organisation_id, call_id, started_at, duration_seconds, direction, queue, employee_id, "
    "customer_phone, customer_name, customer_address, customer_postcode, customer_bsn, "
    "customer_gender, announcement, storage_key, size_bytes, sha256, container, codec, channels, "
    "sample_rate, audio_duration_seconds, purge_deadline, retention_days, status, ingested_at, "
    "ingested_via, purge_error"
)


def compare_load(rows: int = 200_000) -> dict[str, float]:
    """Seconds to write `rows` live recordings by INSERT … SELECT generate_series and by COPY
    (psycopg's cursor.copy, rows made in Python), each in a transaction rolled back after."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from bench.register import RECORDINGS_SQL, bulk_load, uuid_prefix

    organisation = _organisation()
    employees = [e.pk for e in organisation.employees.order_by("pk")]
    seconds: dict[str, float] = {}

    def insert_select(cursor) -> None:
        ns = "compare-insert"
        cursor.execute(
            RECORDINGS_SQL,
            {
                "org": organisation.pk,
                "ns": ns,
                "ns_hash": 1,
                "prefix": uuid_prefix(ns),
                "live": rows,
                "emp": employees,
                "n_emp": len(employees),
                "first": 1,
                "last": rows,
            },
        )

    def copy(cursor) -> None:
        ns, prefix, now = "compare-copy", uuid_prefix("compare-copy"), timezone.now()
        step = timedelta(days=27) / rows
        with cursor.cursor.copy(f"COPY recordings_recording ({COPY_COLUMNS}) FROM STDIN") as out:
            for g in range(1, rows + 1):
                started = now - step * (g - 1)
                out.write_row(
                    (
                        f"{prefix}{g:012x}",
                        organisation.pk,
                        f"{ns}-{g:010d}",
                        started,
                        120,
                        "outbound" if g % 3 == 0 else "inbound",
                        f"queue-{g % 10}",
                        employees[g % len(employees)],
                        f"+316{g % 100000000:08d}",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        f"{ns}/{g:010d}",
                        8000,
                        f"{2:016x}{g:048x}",
                        "wav",
                        "pcm_s16le",
                        1,
                        8000,
                        120,
                        started + timedelta(days=28),
                        28,
                        "held" if g % 5000 == 0 else "active",
                        started,
                        "api",
                        "",
                    )
                )

    for name, load in (("insert_select", insert_select), ("copy", copy)):
        try:
            with bulk_load(), transaction.atomic(), connection.cursor() as cursor:
                started = time.perf_counter()
                load(cursor)
                seconds[name] = round(time.perf_counter() - started, 1)
                raise _RolledBack
        except _RolledBack:
            pass
    print(
        f"{rows:,} recordings: INSERT … SELECT generate_series {seconds['insert_select']} s, "
        f"COPY from Python {seconds['copy']} s (both rolled back)"
    )
    return seconds


def main() -> None:
    from bench.pages import run_alone

    if "--compare-load" in sys.argv:
        from bench.run import ensure_database

        ensure_database()
        import django

        django.setup()
        compare_load()
        return
    run_alone("scale", bench_scale)


if __name__ == "__main__":
    main()
