"""The register page at 1,000,000 recordings and 1,000,000 audit events: server time of the
whole page (middleware, evidence, template), as the privacy officer opens it.

Data: one organisation with a nine-purpose register and a 28-day recording retention; of its
recordings 80 % are live calls spread over the last 28 days (some under legal hold) and 20 %
tombstones of earlier purges; 70 % of its audit events are listens spread over 90 days and
named by purpose, the rest other actions; 20,000 access requests; 200 members of whom 150
acknowledged the recording policy; one finished purge run.

Figures: p50/p95 of the page beside the goal (300 ms) and beside the baseline of the same page
with every evidence line counted live from the audit trail (no daily counts), in the same run.
Run alone: `python bench/register.py` (BENCH_REGISTER_ROWS, BENCH_REGISTER_RUNS).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_REGISTER_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_REGISTER_RUNS", "30"))
SLUG = "bench-register"
GOAL_MS = 300
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


def _organisation():
    from django.contrib.auth import get_user_model

    from organisations.constants import Role
    from organisations.models import Organisation
    from organisations.services import employee_create, membership_create, team_create
    from register.acknowledgement import policy_acknowledge, policy_publish
    from register.services import activity_create

    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is not None:
        return organisation
    organisation = Organisation.objects.create(slug=SLUG, name="Bench register")
    team = team_create(organisation=organisation, name="Team")
    for n in range(50):
        employee_create(
            organisation=organisation, name=f"Agent {n}", team=team, pbx_agent_id=str(n)
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
        user = users.objects.create(username=f"bench-register-{n}")
        role = Role.PRIVACY_OFFICER if n == 0 else Role.EMPLOYEE
        membership_create(user=user, organisation=organisation, role=role, actor=None)
        if n < 150:
            policy_acknowledge(policy=policy, user=user, language="nl")
    return organisation


def _populate(organisation) -> None:
    from django.db import connection

    from recordings.models import Recording

    have = Recording.objects.filter(organisation=organisation).count()
    if have >= ROWS:
        return
    print(f"populating {ROWS:,} recordings and {ROWS:,} audit events …", flush=True)
    employees = "{" + ",".join(str(e.pk) for e in organisation.employees.all()) + "}"
    live = ROWS * 8 // 10
    with connection.cursor() as cursor:
        # Live calls over the last 28 days, every 5,000th under legal hold; then tombstones.
        cursor.execute(
            """
            INSERT INTO recordings_recording (id, organisation_id, call_id, started_at,
              duration_seconds, direction, queue, employee_id, customer_phone, customer_name,
              customer_address, customer_postcode, customer_bsn, customer_gender, announcement,
              storage_key, size_bytes, sha256, container, codec, channels, sample_rate,
              audio_duration_seconds, purge_deadline, retention_days, status, ingested_at,
              ingested_via, purge_error)
            SELECT gen_random_uuid(), %(org)s, 'reg-' || g,
              now() - interval '28 days' * (g %% %(live)s)::float / %(live)s
                - CASE WHEN g > %(live)s THEN interval '60 days' ELSE interval '0' END,
              120, 'inbound', CASE WHEN g <= %(live)s THEN 'queue-' || (g %% 10) ELSE '' END,
              CASE WHEN g <= %(live)s THEN (%(emp)s::bigint[])[1 + g %% 50] END,
              CASE WHEN g <= %(live)s THEN '+316' || lpad((g %% 100000000)::text, 8, '0')
                ELSE '' END,
              '', '', '', '', '', '',
              CASE WHEN g <= %(live)s THEN 'bench/' || g ELSE 'purged/reg-' || g END,
              8000, md5(g::text) || md5((g + 1)::text), 'wav', 'pcm_s16le', 1, 8000, 120,
              now() + interval '28 days'
                - interval '28 days' * (g %% %(live)s)::float / %(live)s,
              28,
              CASE WHEN g > %(live)s THEN 'purged' WHEN g %% 5000 = 0 THEN 'held'
                ELSE 'active' END,
              now() - interval '28 days' * (g %% %(live)s)::float / %(live)s, 'api', ''
            FROM generate_series(1, %(rows)s) AS g
            """,
            {"org": organisation.pk, "live": live, "emp": employees, "rows": ROWS},
        )
        # Audit events on a chain of their own (the bench never verifies it): 70 % listens
        # named by purpose over 90 days, the rest other actions.
        cursor.execute(
            """
            INSERT INTO audit_auditevent (chain, sequence, created_at, organisation_id,
              actor_id, actor_label, action, target_type, target_id, purpose, detail,
              ip_address, previous_hash, hash)
            SELECT 'bench-register-data', g,
              now() - interval '90 days' * (g::float / %(rows)s), %(org)s, NULL, '',
              CASE WHEN g %% 10 < 7 THEN 'access.recording.listened'
                   WHEN g %% 10 < 9 THEN 'auth.signin.succeeded'
                   ELSE 'recordings.recording.ingested' END,
              'recordings.recording', g::text,
              CASE WHEN g %% 10 < 7 THEN (%(purposes)s::text[])[1 + g %% 4] ELSE '' END,
              '{}'::jsonb, NULL, repeat('0', 64), md5('reg' || g) || md5('ister' || g)
            FROM generate_series(1, %(rows)s) AS g
            """,
            {"org": organisation.pk, "rows": ROWS, "purposes": PURPOSES},
        )
        cursor.execute(
            """
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
            JOIN LATERAL (SELECT id FROM auth_user WHERE username = 'bench-register-1') u
              ON true
            """,
            {"org": organisation.pk},
        )
    from retention.purge import purge_organisation

    purge_organisation(organisation)  # nothing is due: a finished run with 0 erased
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE recordings_recording")
        cursor.execute("VACUUM ANALYZE audit_auditevent")
        cursor.execute("VACUUM ANALYZE access_accessrequest")


def _client(organisation):
    from bench.pages import signed_in_client
    from organisations.models import Membership

    officer = Membership.objects.get(organisation=organisation, role="privacy_officer").user
    return signed_in_client(officer)


def _timed(get) -> dict[str, float]:
    from bench.pages import timed

    return timed(get, RUNS)


def bench_register() -> dict:
    from bench.pages import without_static_manifest

    return without_static_manifest(_bench_register)


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


def _bench_register() -> dict:
    from django.urls import reverse

    from audit.daily import daily_counts_refresh
    from audit.models import DailyActionCount, DailyCountsDone

    organisation = _organisation()
    _populate(organisation)
    client = _client(organisation)
    url = reverse("register:overview", kwargs={"org_slug": SLUG})
    # The first count of a whole trail: what the nightly job does once after an upgrade.
    DailyActionCount.objects.filter(organisation=organisation).delete()
    DailyCountsDone.objects.filter(organisation=organisation).delete()
    start = time.perf_counter()
    daily_counts_refresh(organisation)
    first_count_s = time.perf_counter() - start
    page = _timed(lambda: client.get(url, secure=True))
    listens_live = _timed(lambda: _live_listen_counts(organisation))
    figures = {
        "recordings": ROWS,
        "audit_events": ROWS,
        "runs": RUNS,
        "page": page,
        "baseline_listens_counted_live_query_only": listens_live,
        "first_daily_count_s": round(first_count_s, 1),
        "goal_ms": GOAL_MS,
    }
    print(
        f"\nregister page at {ROWS:,} recordings and {ROWS:,} audit events "
        f"({RUNS} runs, server time of the whole page)"
    )
    print(f"  whole page            p50 {page['p50_ms']:8.1f} ms   p95 {page['p95_ms']:8.1f} ms")
    print(
        f"  baseline: listens counted live from the trail, that one query alone: "
        f"p50 {listens_live['p50_ms']:.1f} ms   p95 {listens_live['p95_ms']:.1f} ms"
    )
    print(
        f"  first count of all days of the trail (once; then a day a night): {first_count_s:.1f} s"
    )
    print(f"  goal: p95 < {GOAL_MS} ms")
    return figures


def main() -> None:
    from bench.pages import run_alone

    run_alone("register", bench_register)


if __name__ == "__main__":
    main()
