"""Coaching reports: server time of the whole report page (middleware, queries, charts,
template) for the organisation, a team, an employee and a coach.

bench/scale.py measures it at 1,000,000 evaluations in its ten-million-call organisation (the
part `make bench` runs); this module holds the form, the data and the measurement, and runs
alone at 100,000 evaluations: `python bench/coaching.py` (BENCH_COACHING_ROWS,
BENCH_COACHING_RUNS).

Data: 50 employees in 5 teams, 10 coaches, a five-criterion form, released evaluations over 12
months with five answers each, each on a tombstone of its call; ids and keys named by the
organisation's slug, written in chunks of one transaction each (a used database is reused).
Figures: p50/p95 per scope beside the goal (200 ms) and beside the baseline of the same monthly
trend counted over every evaluation, in SQL and in Python, in the same run.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from django.db import transaction

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_COACHING_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_COACHING_RUNS", "30"))
SLUG = "bench-coaching"
GOAL_MS = 200
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot_bench")
os.environ.setdefault("EARSHOT_SECRET_KEY", "bench-only-" + "b" * 40)
os.environ.setdefault("EARSHOT_IDENTIFIER_KEY", "bench-only-" + "i" * 32)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")
sys.path.insert(0, str(ROOT))


def _organisation():
    """The coaching bench's own organisation: 50 employees in 5 teams and a coaching purpose."""
    from organisations.models import Organisation
    from organisations.services import employee_create, team_create
    from register.services import activity_create

    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is not None:
        return organisation
    organisation = Organisation.objects.create(slug=SLUG, name="Bench coaching")
    for t in range(5):
        team = team_create(organisation=organisation, name=f"Team {t}")
        for n in range(10):
            employee_create(
                organisation=organisation, name=f"Agent {t}-{n}", team=team, pbx_agent_id=f"{t}{n}"
            )
    activity_create(
        organisation=organisation,
        actor=None,
        reference="C1",
        name="Coaching",
        purposes=[{"code": "coaching", "description": "Coaching", "legal_basis": "contract"}],
        recipients=[],
        data_subject_entries=[
            {
                "subject_category": "Medewerkers",
                "personal_data": "Gesprek",
                "collection_purpose": "Coaching",
                "data_category": "recording",
                "retention_value": 28,
                "retention_unit": "days",
            }
        ],
    )
    return organisation


def coaching_setup(organisation) -> None:
    """Ten coaches, a manager and a published five-criterion form, once per organisation (which
    brings its employees, teams and register)."""
    from django.contrib.auth import get_user_model

    from coaching.models import FormVersion
    from coaching.qm_forms import form_create, version_publish
    from organisations.constants import Role
    from organisations.services import membership_create

    if FormVersion.objects.filter(form__organisation=organisation).exists():
        return
    users = get_user_model()
    slug = organisation.slug
    for n in range(10):
        user = users.objects.create(username=f"{slug}-coach-{n}")
        membership_create(user=user, organisation=organisation, role=Role.COACH, actor=None)
    manager = users.objects.create(username=f"{slug}-manager")
    membership_create(user=manager, organisation=organisation, role=Role.MANAGER, actor=None)
    version = form_create(
        organisation=organisation,
        name="Bench",
        sections=[
            {
                "title": "A",
                "criteria": [
                    {"text": "Begroeting"},
                    {"text": "Vraag", "answer_type": "scale_1_5", "weight": 2},
                    {"text": "Antwoord", "answer_type": "scale_0_10", "weight": 3},
                    {"text": "Identiteit", "kind": "critical"},
                    {"text": "Privacy", "kind": "fatal", "not_applicable_allowed": False},
                ],
            }
        ],
        actor=None,
    )
    version_publish(version=version, actor=None)
    # Where the organisation publishes a recording policy, its readers have acknowledged it
    # (else every page sends them to acknowledge it first).
    from register.acknowledgement import current_policy, policy_acknowledge

    policy = current_policy(organisation)
    if policy is not None:
        for membership in organisation.memberships.filter(role__in=["coach", "manager"]):
            policy_acknowledge(policy=policy, user=membership.user, language="nl")


# One tombstone per evaluated call (its audio long gone), released over the last 12 months;
# ids and keys named by the organisation's slug, so benches in one database never collide.
TOMBSTONES_SQL = """
INSERT INTO recordings_recording (id, organisation_id, call_id, started_at,
  duration_seconds, direction, queue, employee_id, customer_phone, customer_name,
  customer_address, customer_postcode, customer_bsn, customer_gender, announcement,
  storage_key, size_bytes, sha256, container, codec, channels, sample_rate,
  audio_duration_seconds, purge_deadline, retention_days, status, ingested_at,
  ingested_via, purge_error)
SELECT (%(rec)s || lpad(to_hex(g), 12, '0'))::uuid, %(org)s, %(ns)s || '-coached-' || g,
  now() - interval '365 days' * (g::float / %(rows)s), 120, 'inbound', '', NULL,
  '', '', '', '', '', '', '', 'purged/' || %(ns)s || '-coached-' || g, 0,
  md5(%(ns)s || g) || md5(g || %(ns)s), 'wav', 'pcm_s16le', 1, 8000, 120, now(), 28,
  'purged', now(), 'api', ''
FROM generate_series(%(first)s, %(last)s) AS g
"""

EVALUATIONS_SQL = """
INSERT INTO coaching_evaluation (id, organisation_id, form_version_id, recording_id,
  purpose_id, employee_id, call_started_at, coach_id, status, score, critical_score,
  fatal_failed, summary, created_at, updated_at, released_at, acknowledged_at,
  retracted_reason, calibration_id)
SELECT (%(ev)s || lpad(to_hex(g), 12, '0'))::uuid, %(org)s, %(version)s,
  (%(rec)s || lpad(to_hex(g), 12, '0'))::uuid, %(purpose)s,
  (%(employees)s::bigint[])[1 + g %% %(n_emp)s],
  now() - interval '365 days' * (g::float / %(rows)s),
  (%(coaches)s::bigint[])[1 + g %% %(n_coach)s],
  CASE WHEN g %% 3 = 0 THEN 'acknowledged' ELSE 'released' END,
  40 + (g * 7) %% 60, 100, g %% 50 = 0, '',
  now() - interval '365 days' * (g::float / %(rows)s), now(),
  now() - interval '365 days' * (g::float / %(rows)s), NULL, '', NULL
FROM generate_series(%(first)s, %(last)s) AS g
"""

ANSWERS_SQL = """
INSERT INTO coaching_answer (evaluation_id, criterion_id, value, not_applicable, comment)
SELECT (%(ev)s || lpad(to_hex(g), 12, '0'))::uuid, %(criterion)s,
  %(low)s + (g * %(step)s) %% (%(top)s - %(low)s), false, ''
FROM generate_series(%(first)s, %(last)s) AS g
"""


def coaching_populate(organisation, *, rows: int) -> dict[str, float]:
    """Write what is missing of `rows` released evaluations with five answers each (and their
    calls' tombstones), in chunks of one transaction each, then the monthly sums. Returns the
    seconds each step took."""
    from django.db import connection

    from bench.register import bulk_load, chunks, uuid_prefix
    from coaching.models import Criterion, Evaluation, FormVersion
    from register.models import Purpose

    ns = organisation.slug
    rec, ev = uuid_prefix(f"{ns}-coached"), uuid_prefix(f"{ns}-evaluation")
    pending = chunks(
        rows,
        lambda last: Evaluation.objects.filter(pk=f"{ev}{last:012x}").exists(),
    )
    if not pending:
        return {}
    print(f"populating {rows:,} evaluations and {rows * 5:,} answers …", flush=True)
    version = FormVersion.objects.get(form__organisation=organisation)
    purpose = Purpose.objects.filter(activity__organisation=organisation).order_by("pk").first()
    employees = [e.pk for e in organisation.employees.order_by("pk")]
    coaches = [m.user_id for m in organisation.memberships.filter(role="coach")]
    criteria = list(Criterion.objects.filter(section__version=version).order_by("position"))
    params = {
        "org": organisation.pk,
        "ns": ns,
        "rec": rec,
        "ev": ev,
        "rows": rows,
        "version": version.pk,
        "purpose": purpose.pk,
        "employees": employees,
        "n_emp": len(employees),
        "coaches": coaches,
        "n_coach": len(coaches),
    }
    started = time.perf_counter()
    for first, last in pending:
        # One transaction per chunk: its last evaluation marks the whole chunk as written.
        with bulk_load(), transaction.atomic(), connection.cursor() as cursor:
            chunk = {**params, "first": first, "last": last}
            cursor.execute(TOMBSTONES_SQL, chunk)
            cursor.execute(EVALUATIONS_SQL, chunk)
            for n, criterion in enumerate(criteria):
                top = {"yes_no": 2, "scale_1_5": 5, "scale_0_10": 11}[criterion.answer_type]
                low = 1 if criterion.answer_type == "scale_1_5" else 0
                cursor.execute(
                    ANSWERS_SQL,
                    {**chunk, "criterion": criterion.pk, "low": low, "top": top, "step": 3 + n},
                )
        print(f"  evaluations: {last:,} of {rows:,} ({time.perf_counter() - started:.0f} s)")
    seconds = {"evaluations": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("coaching_evaluation", "coaching_answer", "recordings_recording"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    seconds["evaluations_vacuum"] = round(time.perf_counter() - started, 1)
    # Rows inserted by SQL bypass the services: build the monthly sums as an import would.
    from coaching.rollups import rollups_rebuild

    started = time.perf_counter()
    cells = rollups_rebuild(organisation)
    seconds["monthly_sums"] = round(time.perf_counter() - started, 1)
    print(f"  monthly sums built: {cells:,} cells in {seconds['monthly_sums']:.1f} s")
    return seconds


def _sql_trend_from_rows(organisation) -> None:
    """What the page did before the monthly sums: the trend counted over every evaluation."""
    import zoneinfo

    from django.db.models import Avg, Count
    from django.db.models.functions import TruncMonth

    from coaching.reports import Scope, counted_evaluations

    list(
        counted_evaluations(organisation, Scope())
        .annotate(month=TruncMonth("released_at", tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam")))
        .values("month")
        .annotate(n=Count("pk"), average=Avg("score"))
        .order_by("month")
    )


def _python_trend(organisation) -> None:
    """The naive baseline: the monthly trend computed in Python from every evaluation row."""
    from collections import defaultdict

    from coaching.models import Evaluation

    months: dict = defaultdict(list)
    for released, score in Evaluation.objects.filter(
        organisation=organisation, calibration__isnull=True
    ).values_list("released_at", "score"):
        months[(released.year, released.month)].append(score)
    {m: sum(s) / len(s) for m, s in months.items()}


def bench_coaching() -> dict:
    from bench.pages import without_static_manifest

    return without_static_manifest(_bench)


def coaching_pages(organisation, *, runs: int, baseline_runs: int, python_runs: int) -> dict:
    """p50/p95 of the report page for the organisation, a team, an employee and a coach, as the
    manager opens it, and of the trend counted over every evaluation, in SQL (baseline_runs) and
    in Python (python_runs, without warm-up: seconds each at a million evaluations)."""
    from django.urls import reverse

    from bench.pages import signed_in_client, timed
    from organisations.models import Membership, Team

    manager = Membership.objects.get(organisation=organisation, role="manager")
    client = signed_in_client(manager.user)
    url = reverse("coaching:reports", kwargs={"org_slug": organisation.slug})
    team = Team.objects.filter(organisation=organisation).order_by("pk").first()
    employee = organisation.employees.order_by("pk").first()
    coach = Membership.objects.filter(organisation=organisation, role="coach").first()
    scopes = {
        "organisation": {},
        "team": {"team": team.pk},
        "employee": {"employee": employee.pk},
        "coach": {"coach": coach.user_id},
    }
    return {
        "pages": {
            name: timed(lambda q=query: client.get(url, q, secure=True), runs)
            for name, query in scopes.items()
        },
        "baseline_trend_query_over_rows": timed(
            lambda: _sql_trend_from_rows(organisation), baseline_runs
        ),
        "baseline_python_trend": timed(
            lambda: _python_trend(organisation), python_runs, warm=False
        ),
        "baseline_runs": {"sql": baseline_runs, "python": python_runs},
    }


def print_coaching(figures: dict, rows: int, runs: int) -> None:
    print(
        f"\ncoaching report page at {rows:,} evaluations and {rows * 5:,} answers "
        f"({runs} runs, server time of the whole page)"
    )
    for name, page in figures["pages"].items():
        print(f"  {name:13} p50 {page['p50_ms']:8.1f} ms   p95 {page['p95_ms']:8.1f} ms")
    rows_figures = figures["baseline_trend_query_over_rows"]
    print(
        f"  baseline: the monthly trend alone, one SQL query over every evaluation "
        f"({figures['baseline_runs']['sql']} runs): "
        f"p50 {rows_figures['p50_ms']:.1f} ms   p95 {rows_figures['p95_ms']:.1f} ms"
    )
    base = figures["baseline_python_trend"]
    print(
        f"  baseline: the monthly trend alone, computed in Python from every row "
        f"({figures['baseline_runs']['python']} runs): "
        f"p50 {base['p50_ms']:.1f} ms   p95 {base['p95_ms']:.1f} ms"
    )
    print(f"  goal: p95 < {GOAL_MS} ms")


def _bench() -> dict:
    organisation = _organisation()
    coaching_setup(organisation)
    populated = coaching_populate(organisation, rows=ROWS)
    figures = {
        "evaluations": ROWS,
        "answers": ROWS * 5,
        "runs": RUNS,
        "goal_ms": GOAL_MS,
        **coaching_pages(
            organisation, runs=RUNS, baseline_runs=RUNS, python_runs=max(3, RUNS // 10)
        ),
        "population_s": populated,
    }
    print_coaching(figures, ROWS, RUNS)
    figures["summary"] = {
        "coaching_p95_ms": max(page["p95_ms"] for page in figures["pages"].values())
    }
    return figures


def main() -> None:
    from bench.pages import run_alone

    run_alone("coaching", bench_coaching)


if __name__ == "__main__":
    main()
