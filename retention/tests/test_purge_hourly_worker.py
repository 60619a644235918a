"""Overlapping purges on a real Celery worker: while a run of an organisation holds its lock (a
backlog that outlasts its hour, in another process), the worker's purge of that organisation
does nothing and says so in its log; once the holder is gone, the next purge erases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.tests.factories import recording_create
from retention.constants import RunStatus, RunTrigger
from retention.models import PurgeRun
from retention.run_lock import NAMESPACE
from retention.tasks import purge_organisation_task
from retention.tests.test_purge_hourly import _database_url
from tests.worker import celery_worker, wait_for

SKIPPED = "skipped: another run of this organisation is still running"


def _worker_log() -> str:
    log = Path(settings.VAR_DIR) / "worker.log"
    return log.read_text() if log.exists() else ""


@pytest.mark.django_db(transaction=True)
def test_the_workers_purge_stands_aside_while_another_run_holds_the_lock(
    cast, isolated_audio_storage
):
    org = cast.organisation
    call = recording_create(organisation=org)
    Recording.objects.filter(pk=call.pk).update(purge_deadline=timezone.now() - timedelta(hours=1))
    # The other run: its report row and its lock, held by a session of another process.
    other = PurgeRun.objects.create(
        organisation=org,
        trigger=RunTrigger.SCHEDULE,
        started_at=timezone.now() - timedelta(minutes=70),
        horizon=timezone.now(),
    )
    holder = psycopg.connect(_database_url(), autocommit=True)
    env = {
        "EARSHOT_STORAGE": "local",
        "EARSHOT_AUDIO_DIR": str(isolated_audio_storage),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    try:
        holder.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [f"{NAMESPACE}{org.pk}"])
        with celery_worker(env=env):
            purge_organisation_task.delay(org.slug)
            wait_for(lambda: SKIPPED in _worker_log(), timeout=90, what="the purge to stand aside")
            # It names the run it stood aside for, took nothing and made no report of its own.
            assert other.started_at.isoformat() in _worker_log()
            assert PurgeRun.objects.filter(organisation=org).count() == 1
            assert Recording.objects.get(pk=call.pk).status == RecordingStatus.ACTIVE

            holder.close()  # the other run's process is gone: its lock with it
            purge_organisation_task.delay(org.slug)
            wait_for(
                lambda: Recording.objects.get(pk=call.pk).status == RecordingStatus.PURGED,
                timeout=90,
                what="the next purge to erase the call",
            )
    finally:
        holder.close()
    run = PurgeRun.objects.filter(organisation=org).exclude(pk=other.pk).get()
    assert (run.status, run.purged) == (RunStatus.FINISHED, 1)
    assert not (isolated_audio_storage / call.storage_key).exists()
