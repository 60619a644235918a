"""Two runs erasing requests and cases at the same moment on PostgreSQL: SKIP LOCKED gives each
its own rows, so every case and request is erased once, with one audit event each."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from access.models import AccessRequest, Case
from access.tests.conftest import register_for
from audit.models import AuditEvent
from retention.case_records import erase_case_records


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_erase_each_case_and_request_exactly_once(cast, monkeypatch):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr("retention.case_records.BATCH_SIZE", 5)  # many batches to interleave
    org = cast.organisation
    purpose = register_for(org, case_retention_days=30)["misconduct"]
    long_ago = timezone.now() - timedelta(days=40)
    cases = Case.objects.bulk_create(
        Case(
            organisation=org,
            kind="threat",
            reference=f"B-{n}",
            received_via="phone",
            received_on=long_ago.date(),
            description="Beller dreigde de medewerker.",
            status="closed",
            closed_at=long_ago,
        )
        for n in range(80)
    )
    requests = AccessRequest.objects.bulk_create(
        AccessRequest(
            organisation=org,
            requester=cast["manager"],
            purpose=purpose,
            motivation="Klant meldt een ernstige gedraging.",
            status="denied",
            expires_at=long_ago,
            closed_at=long_ago,
        )
        for _ in range(80)
    )
    start = threading.Barrier(2)
    outcomes, errors = [], []

    def run() -> None:
        try:
            start.wait(timeout=30)
            outcomes.append(erase_case_records(org, horizon=timezone.now()))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(outcomes) == 2
    assert sum(o.cases for o in outcomes) == 80
    assert sum(o.requests for o in outcomes) == 80
    assert not Case.objects.filter(organisation=org).exists()
    assert not AccessRequest.objects.filter(organisation=org).exists()
    events = Counter(
        AuditEvent.objects.filter(
            action__in=("retention.case.erased", "retention.request.erased")
        ).values_list("target_id", flat=True)
    )
    expected = {str(c.pk) for c in cases} | {str(r.pk) for r in requests}
    assert events == Counter(dict.fromkeys(expected, 1))
