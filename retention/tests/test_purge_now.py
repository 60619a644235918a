"""The retention page starts a purge now: what is due goes, with its report, and only the
roles that may change retention can start it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from recordings.constants import RecordingStatus
from recordings.models import Recording
from retention.constants import RunTrigger
from retention.models import PurgeRun
from retention.tests.test_purge_faults import _bulk_due, _worker_env
from tests.worker import celery_worker, wait_for

OVERVIEW = reverse("retention:overview", kwargs={"org_slug": "acme"})
PURGE_NOW = reverse("retention:purge_now", kwargs={"org_slug": "acme"})


@pytest.mark.django_db(transaction=True)
def test_the_privacy_officer_runs_the_purge_now_and_sees_its_report(
    cast, client_for, isolated_audio_storage
):
    due = _bulk_due(cast.organisation, 3, isolated_audio_storage)
    client = client_for(cast["privacy_officer"])
    assert "Nu een wisronde starten" in client.get(OVERVIEW).content.decode()
    with celery_worker(env=_worker_env(isolated_audio_storage)):
        response = client.post(PURGE_NOW, follow=True)
        assert response.status_code == 200
        wait_for(
            lambda: PurgeRun.objects.filter(
                organisation=cast.organisation,
                trigger=RunTrigger.REQUESTED,
                finished_at__isnull=False,
            ).exists(),
            timeout=60,
            what="the purge started from the page",
        )
    run = PurgeRun.objects.get(organisation=cast.organisation, trigger=RunTrigger.REQUESTED)
    assert run.purged == 3
    assert set(
        Recording.objects.filter(pk__in=[r.pk for r in due]).values_list("status", flat=True)
    ) == {RecordingStatus.PURGED}
    event = AuditEvent.objects.get(action="retention.purge.requested")
    assert event.actor_id == cast["privacy_officer"].pk
    assert event.organisation_id == cast.organisation.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "overview"), [("auditor", 200), ("manager", 200), ("coach", 403), ("employee", 403)]
)
def test_roles_that_may_not_change_retention_see_no_button_and_are_refused(
    cast, client_for, role, overview
):
    client = client_for(cast[role])
    page = client.get(OVERVIEW)
    assert page.status_code == overview
    assert b"data-purge-now" not in page.content
    assert client.post(PURGE_NOW).status_code == 403
    assert not AuditEvent.objects.filter(action="retention.purge.requested").exists()


@pytest.mark.django_db
def test_another_organisations_administrator_cannot_start_our_purge(cast, client_for):
    response = client_for(cast.outsider).post(PURGE_NOW)
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="retention.purge.requested").exists()
