"""The register page: server time of the whole page (middleware, evidence, template), as the
privacy officer opens it, at many recordings and audit events.

bench/scale.py measures it at ten million recordings and ten million audit events (the part
`make bench` runs); this module holds the organisation, its data and the measurement, and runs
alone at 1,000,000 of each: `python bench/register.py` (BENCH_REGISTER_ROWS,
BENCH_REGISTER_RUNS).

Data: one organisation with a nine-purpose register and a 28-day recording retention; of its
recordings 80 % are live calls spread over the last 27 days (every 5,000th under legal hold)
and 20 % tombstones of earlier purges; 70 % of its audit events are listens spread over 90 days
and named by purpose, the rest other actions; 20,000 access requests; 200 members of whom 150
acknowledged the recording policy; one finished purge run.

Every row is named by the organisation's slug (ids, call ids, storage keys, the audit chain), so
the benches never collide with each other, and rows are written in numbered chunks, each one
transaction, so a population broken off goes on where it stopped and a used database is reused.

Figures: p50/p95 of the page beside the goal (300 ms) and beside the baseline of the same page
with every evidence line counted live from the audit trail (no daily counts), in the same run.
"""

from __future__ import annotations

import os
import sys
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_REGISTER_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_REGISTER_RUNS", "30"))
SLUG = "bench-register"
GOAL_MS = 300
CHUNK = 500_000  # rows per transaction: a broken-off population loses at most one chunk
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
sys.path.insert(0, str(ROOT))

PURPOSES = [
    "quality-improvement",
    "misconduct-verification",
    "agent-training",
    "coach-training-calibration",
    "threat-investigation",
    "audit-accountability",
    "management-information",
    "archiving",
    "research-statistics",
]
TEAMS = 5
EMPLOYEES_PER_TEAM = 10


def uuid_prefix(namespace: str) -> str:
    """The first 24 characters of the ids of a namespace's rows; the last 12 are the row number
    in hex. Ids in insertion order keep the primary key's inserts at its right edge (random ids
    cost a random index page each at ten million rows); the namespace keeps benches apart."""
    return f"{zlib.crc32(namespace.encode()):08x}-0000-4000-8000-"


def row_id(namespace: str, number: int) -> str:
    return f"{uuid_prefix(namespace)}{number:012x}"


def chunks(rows: int, done) -> list[tuple[int, int]]:
    """The numbered chunks [first, last] of 1..rows that `done(last)` says are not written."""
    pending = []
    for first in range(1, rows + 1, CHUNK):
        last = min(first + CHUNK - 1, rows)
        if not done(last):
            pending.append((first, last))
    return pending


@contextmanager
def bulk_load():
    """Rows generated consistent by construction need no foreign-key check each (a lookup per
    reference per row: most of the time of a ten-million-row load). PostgreSQL skips them for a
    session in replica mode, which only a superuser may set; elsewhere they stay on."""
    from django.db import DatabaseError, connection, transaction

    replica = False
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
            replica = True
        except DatabaseError:
            pass
    try:
        yield
    finally:
        if replica:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


def register_organisation(slug: str = SLUG, name: str = "Bench register"):
    """The organisation with its register, policy, 50 employees in 5 teams and 200 members
    (created once; found again on a used database)."""
    from django.contrib.auth import get_user_model

    from organisations.constants import Role
    from organisations.models import Organisation
    from organisations.services import employee_create, membership_create, team_create
    from register.acknowledgement import policy_acknowledge, policy_publish
    from register.services import activity_create

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is not None:
        return organisation
    organisation = Organisation.objects.create(slug=slug, name=name)
    for t in range(TEAMS):
        team = team_create(organisation=organisation, name=f"Team {t}")
        for n in range(EMPLOYEES_PER_TEAM):
            employee_create(
                organisation=organisation,
                name=f"Agent {t}-{n}",
                team=team,
                pbx_agent_id=f"{t}{n}",
            )
    activity_create(
        organisation=organisation,
        actor=None,
        reference="B10495",
        name="Opnemen en terugluisteren van telefoongesprekken",
        purposes=[
            {"code": code, "description": f"Doel {code}", "legal_basis": "legitimate_interest"}
            for code in PURPOSES
        ],
        recipients=[
            {"name": f"Ontvanger {n}", "kind": "outside_party", "role": ""} for n in range(5)
        ],
        data_subject_entries=[
            {
                "subject_category": "Klanten",
                "personal_data": "Stem en telefoonnummer",
                "collection_purpose": "Kwaliteit",
                "data_category": "recording" if n < 4 else "evaluation",
                "retention_value": 28 if n < 4 else 7,
                "retention_unit": "days" if n < 4 else "years",
            }
            for n in range(7)
        ],
        recorded_customer_fields=["phone"],
    )
    policy = policy_publish(
        organisation=organisation,
        actor=None,
        title_nl="Beleid",
        title_en="Policy",
        text_nl="Gesprekken worden opgenomen.",
        text_en="Calls are recorded.",
    )
    users = get_user_model()
    for n in range(200):
        user = users.objects.create(username=f"{slug}-{n}")
        role = Role.PRIVACY_OFFICER if n == 0 else Role.EMPLOYEE
        membership_create(user=user, organisation=organisation, role=role, actor=None)
        if n < 150:
            policy_acknowledge(policy=policy, user=user, language="nl")
    return organisation


# Live calls (g <= live) newest first over the last 27 days (a day's margin before the 28-day
# deadline, so a later run finds them still live), a third outbound, every 5,000th under legal
# hold; then tombstones of earlier purges. Every value follows from g and the namespace.
RECORDINGS_SQL = """
INSERT INTO recordings_recording (id, organisation_id, call_id, started_at,
  duration_seconds, direction, queue, employee_id, customer_phone, customer_name,
  customer_address, customer_postcode, customer_bsn, customer_gender, announcement,
  storage_key, size_bytes, sha256, container, codec, channels, sample_rate,
  audio_duration_seconds, purge_deadline, retention_days, status, ingested_at,
  ingested_via, purge_error)
SELECT (%(prefix)s || lpad(to_hex(g), 12, '0'))::uuid, %(org)s,
  %(ns)s || '-' || lpad(g::text, 10, '0'),
  t.started_at, 120,
  CASE WHEN g %% 3 = 0 THEN 'outbound' ELSE 'inbound' END,
  CASE WHEN g <= %(live)s THEN 'queue-' || (g %% 10) ELSE '' END,
  CASE WHEN g <= %(live)s THEN (%(emp)s::bigint[])[1 + g %% %(n_emp)s] END,
  CASE WHEN g <= %(live)s THEN '+316' || lpad((g %% 100000000)::text, 8, '0') ELSE '' END,
  '', '', '', '', '', '',
  CASE WHEN g <= %(live)s THEN %(ns)s || '/' ELSE 'purged/' || %(ns)s || '-' END
    || lpad(g::text, 10, '0'),
  8000, lpad(to_hex(%(ns_hash)s::bigint), 16, '0') || lpad(to_hex(g), 48, '0'),
  'wav', 'pcm_s16le', 1, 8000, 120,
  t.started_at + interval '28 days', 28,
  CASE WHEN g > %(live)s THEN 'purged' WHEN g %% 5000 = 0 THEN 'held' ELSE 'active' END,
  t.started_at, 'api', ''
FROM generate_series(%(first)s, %(last)s) AS g,
  LATERAL (SELECT now() - interval '27 days' * ((g - 1) %% %(live)s)::float / %(live)s
    - CASE WHEN g > %(live)s THEN interval '60 days' ELSE interval '0' END AS started_at) t
"""

# Audit events on a chain of their own (the bench never verifies it), oldest last: 70 % listens
# to the namespace's calls named by purpose over 90 days, the rest other actions.
AUDIT_SQL = """
INSERT INTO audit_auditevent (chain, sequence, created_at, organisation_id,
  actor_id, actor_label, action, target_type, target_id, purpose, detail,
  ip_address, previous_hash, hash)
SELECT %(chain)s, g, now() - interval '90 days' * (g::float / %(rows)s), %(org)s, NULL, '',
  CASE WHEN g %% 10 < 7 THEN 'access.recording.listened'
       WHEN g %% 10 < 9 THEN 'auth.signin.succeeded'
       ELSE 'recordings.recording.ingested' END,
  'recordings.recording', %(prefix)s || lpad(to_hex(1 + (g - 1) %% %(rows)s), 12, '0'),
  CASE WHEN g %% 10 < 7 THEN (%(purposes)s::text[])[1 + g %% 4] ELSE '' END,
  '{}'::jsonb, NULL, repeat('0', 64), md5(%(chain)s || g) || md5(g || %(chain)s)
FROM generate_series(%(first)s, %(last)s) AS g
"""

REQUESTS_SQL = """
INSERT INTO access_accessrequest (id, organisation_id, kind, requester_id,
  purpose_id, motivation, case_id, recipient_id, recipient_email, status,
  approvals_required, policy_version, escalated_to_id, created_at, expires_at,
  closed_at)
SELECT gen_random_uuid(), %(org)s, 'playback', u.id, p.id,
  'bench motivation with enough words to pass', NULL, NULL, '',
  CASE WHEN g %% 4 = 0 THEN 'denied' ELSE 'approved' END, 1, 1, NULL,
  now() - interval '90 days' * (g::float / 20000), now(), now()
FROM generate_series(1, 20000) AS g
JOIN LATERAL (SELECT id FROM register_purpose
              WHERE activity_id IN (SELECT id FROM register_processingactivity
                                    WHERE organisation_id = %(org)s)
              ORDER BY position OFFSET (g %% 2) LIMIT 1) p ON true
JOIN LATERAL (SELECT id FROM auth_user WHERE username = %(requester)s) u ON true
"""


def register_populate(organisation, *, rows: int) -> dict[str, float]:
    """Write what is missing of `rows` recordings, `rows` audit events, 20,000 requests and a
    purge run, by INSERT … SELECT generate_series (chunks of CHUNK rows, one transaction each).
    Returns the seconds each step took (0 for a step already done)."""
    from django.db import connection

    from access.models import AccessRequest
    from audit.models import AuditEvent
    from recordings.models import Recording
    from retention.models import PurgeRun

    ns = organisation.slug
    prefix = uuid_prefix(ns)
    employees = [e.pk for e in organisation.employees.order_by("pk")]
    live = rows * 8 // 10
    chain = f"{ns}-data"
    seconds: dict[str, float] = {}

    def insert(label: str, sql: str, pending: list[tuple[int, int]], params: dict) -> None:
        started = time.perf_counter()
        for first, last in pending:
            with bulk_load(), connection.cursor() as cursor:
                cursor.execute(sql, {**params, "first": first, "last": last})
            print(f"  {label}: {last:,} of {rows:,} ({time.perf_counter() - started:.0f} s)")
        seconds[label] = round(time.perf_counter() - started, 1)

    pending = chunks(rows, lambda last: Recording.objects.filter(pk=row_id(ns, last)).exists())
    insert(
        "recordings",
        RECORDINGS_SQL,
        pending,
        {
            "org": organisation.pk,
            "ns": ns,
            "ns_hash": zlib.crc32(ns.encode()),
            "prefix": prefix,
            "live": live,
            "emp": employees,
            "n_emp": len(employees),
        },
    )
    pending = chunks(
        rows, lambda last: AuditEvent.objects.filter(chain=chain, sequence=last).exists()
    )
    insert(
        "audit_events",
        AUDIT_SQL,
        pending,
        {
            "org": organisation.pk,
            "rows": rows,
            "chain": chain,
            "prefix": prefix,
            "purposes": PURPOSES,
        },
    )
    started = time.perf_counter()
    if not AccessRequest.objects.filter(organisation=organisation).exists():
        with connection.cursor() as cursor:
            cursor.execute(REQUESTS_SQL, {"org": organisation.pk, "requester": f"{ns}-1"})
    if not PurgeRun.objects.filter(organisation=organisation).exists():
        from retention.purge import purge_organisation

        purge_organisation(organisation)  # little or nothing is due: a finished run
    if any(seconds.values()):
        with connection.cursor() as cursor:
            for table in ("recordings_recording", "audit_auditevent", "access_accessrequest"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    seconds["requests_purge_vacuum"] = round(time.perf_counter() - started, 1)
    return seconds


def signed_in(organisation, role: str):
    from bench.pages import signed_in_client
    from organisations.models import Membership

    member = Membership.objects.filter(organisation=organisation, role=role).first()
    return signed_in_client(member.user)


def _live_listen_counts(organisation) -> None:
    """What the page did before daily counts: count 90 days of listens in the trail itself."""
    from datetime import timedelta

    from django.db.models import Count, Q
    from django.utils import timezone

    from audit.models import AuditEvent

    now = timezone.now()
    list(
        AuditEvent.objects.filter(
            organisation=organisation,
            action="access.recording.listened",
            created_at__gte=now - timedelta(days=90),
        )
        .values("purpose")
        .annotate(
            n30=Count("pk", filter=Q(created_at__gte=now - timedelta(days=30))), n90=Count("pk")
        )
        .order_by()
    )


def daily_counts_first(organisation, *, again: bool) -> float | None:
    """Seconds of the first count of every day of the trail (what the nightly job does once
    after an upgrade); with again=False only when it was never done (None then)."""
    from audit.daily import daily_counts_refresh
    from audit.models import DailyActionCount, DailyCountsDone

    if not again and DailyCountsDone.objects.filter(organisation=organisation).exists():
        return None
    DailyActionCount.objects.filter(organisation=organisation).delete()
    DailyCountsDone.objects.filter(organisation=organisation).delete()
    start = time.perf_counter()
    daily_counts_refresh(organisation)
    return round(time.perf_counter() - start, 1)


def register_page(organisation, *, runs: int, baseline_runs: int | None = None) -> dict:
    """p50/p95 of the register page for the privacy officer, and of the live-count baseline
    (seconds a count at ten million events: fewer runs)."""
    from django.urls import reverse

    from bench.pages import timed

    client = signed_in(organisation, "privacy_officer")
    url = reverse("register:overview", kwargs={"org_slug": organisation.slug})
    return {
        "page": timed(lambda: client.get(url, secure=True), runs),
        "baseline_listens_counted_live_query_only": timed(
            lambda: _live_listen_counts(organisation), baseline_runs or runs
        ),
    }


def print_register(figures: dict, rows: int, runs: int, baseline_runs: int | None = None) -> None:
    page, live = figures["page"], figures["baseline_listens_counted_live_query_only"]
    print(
        f"\nregister page at {rows:,} recordings and {rows:,} audit events "
        f"({runs} runs, server time of the whole page)"
    )
    print(f"  whole page            p50 {page['p50_ms']:8.1f} ms   p95 {page['p95_ms']:8.1f} ms")
    print(
        f"  baseline: listens counted live from the trail, that one query alone "
        f"({baseline_runs or runs} runs): "
        f"p50 {live['p50_ms']:.1f} ms   p95 {live['p95_ms']:.1f} ms"
    )
    if figures.get("first_daily_count_s") is not None:
        print(
            f"  first count of all days of the trail (once; then a day a night): "
            f"{figures['first_daily_count_s']:.1f} s"
        )
    print(f"  goal: p95 < {GOAL_MS} ms")


def bench_register() -> dict:
    from bench.pages import without_static_manifest

    return without_static_manifest(_bench_register)


def _bench_register() -> dict:
    organisation = register_organisation()
    populated = register_populate(organisation, rows=ROWS)
    first_count_s = daily_counts_first(organisation, again=True)
    figures = {
        "recordings": ROWS,
        "audit_events": ROWS,
        "runs": RUNS,
        **register_page(organisation, runs=RUNS),
        "first_daily_count_s": first_count_s,
        "population_s": populated,
        "goal_ms": GOAL_MS,
    }
    print_register(figures, ROWS, RUNS)
    figures["summary"] = {"register_p95_ms": figures["page"]["p95_ms"]}
    return figures


def main() -> None:
    from bench.pages import run_alone

    run_alone("register", bench_register)


if __name__ == "__main__":
    main()
