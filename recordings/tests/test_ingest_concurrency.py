"""Twenty recorders posting calls at once through the real API on PostgreSQL: every call is
answered 201 and lands as a row of its own, and the audit chain they all append to verifies."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from access.tests.conftest import register_for
from audit.models import AuditEvent
from audit.services import chain_key_for
from audit.verification import chain_verify
from recordings.constants import IngestChannel, RecordingStatus
from recordings.models import Recording
from recordings.tests.factories import wav_bytes
from recordings.tokens import ingest_token_create

pytestmark = pytest.mark.django_db(transaction=True)

RECORDERS = 20
CALLS_EACH = 3


def test_twenty_recorders_posting_at_once_all_land_with_an_unbroken_chain(cast, live_server):
    organisation = cast.organisation
    register_for(organisation)
    tokens = [
        ingest_token_create(organisation=organisation, name=f"Recorder {n}", actor=None)[1]
        for n in range(RECORDERS)
    ]
    url = f"{live_server.url}/api/v1/recordings"
    started = (timezone.now() - timedelta(minutes=5)).isoformat()
    line_up = threading.Barrier(RECORDERS)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def recorder(n: int) -> None:
        with httpx.Client(timeout=120, headers={"Authorization": f"Bearer {tokens[n]}"}) as c:
            line_up.wait()  # all twenty start together
            for k in range(CALLS_EACH):
                call_id = f"rec-{n}-{k}"
                metadata = {"call_id": call_id, "direction": "in", "started_at": started}
                response = c.post(
                    url,
                    data={"metadata": json.dumps(metadata)},
                    files={"audio": ("call.wav", wav_bytes(seed=n * 10 + k), "audio/wav")},
                )
                with lock:
                    answers.append((response.status_code, response.text[:200]))

    threads = [threading.Thread(target=recorder, args=(n,)) for n in range(RECORDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a for a in answers if a[0] != 201] == []
    assert len(answers) == RECORDERS * CALLS_EACH
    calls = Recording.objects.filter(organisation=organisation)
    assert calls.count() == RECORDERS * CALLS_EACH
    assert set(calls.values_list("status", "ingested_via").distinct()) == {
        (RecordingStatus.ACTIVE, IngestChannel.API)
    }
    assert sorted(calls.values_list("call_id", flat=True)) == sorted(
        f"rec-{n}-{k}" for n in range(RECORDERS) for k in range(CALLS_EACH)
    )
    assert calls.values("sha256").distinct().count() == RECORDERS * CALLS_EACH
    ingested = AuditEvent.objects.filter(
        organisation=organisation, action="recordings.recording.ingested"
    )
    assert sorted(ingested.values_list("target_id", flat=True)) == sorted(
        str(pk) for pk in calls.values_list("pk", flat=True)
    )
    report = chain_verify(key=chain_key_for(organisation))
    assert report.ok, report.describe()
