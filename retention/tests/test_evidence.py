"""The register page shows live evidence beside its lines, and mismatches in red."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.tests.conftest import register_for
from audit import record
from recordings.models import Recording
from recordings.tests.factories import recording_create
from register.models import DataSubjectEntry
from retention.purge import purge_organisation

pytestmark = pytest.mark.django_db


def _page(cast, client_for):
    response = client_for(cast["privacy_officer"]).get(
        reverse("register:overview", kwargs={"org_slug": "acme"})
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_healthy_organisation_shows_no_mismatch_but_a_missing_purge_run(cast, client_for):
    register_for(cast.organisation, retention_days=28, case_retention_days=365)
    recording_create(organisation=cast.organisation, retention_days=28, sealed=True)
    html = _page(cast, client_for)
    assert "data-evidence" in html
    # The only red lines: no purge has run yet, the trail was never verified and no recording
    # policy is published.
    assert html.count("data-mismatch") == 3
    purge_organisation(cast.organisation)
    assert _page(cast, client_for).count("data-mismatch") == 2


def test_each_mismatch_is_shown_in_red(cast, client_for):
    register_for(cast.organisation, retention_days=28, case_retention_days=365)
    purge_organisation(cast.organisation)
    overdue = recording_create(
        organisation=cast.organisation,
        started_at=timezone.now() - timedelta(days=40),
        retention_days=28,
    )
    Recording.objects.filter(pk=overdue.pk).update(
        purge_deadline=timezone.now() - timedelta(days=12)
    )
    # Declared retention shortened: the calls now follow an earlier period.
    DataSubjectEntry.objects.filter(activity__organisation=cast.organisation).update(
        retention_value=14
    )
    # A listen for a purpose the register does not declare.
    record(
        actor=cast["coach"],
        action="access.recording.listened",
        organisation=cast.organisation,
        target=overdue,
        purpose="marketing",
    )
    html = _page(cast, client_for)
    # stamped ≠ declared, oldest older than declared, overdue, earlier period,
    # undeclared purpose line, its count, the unverified audit trail, the unpublished
    # recording policy and the call stored without encryption (the factory's plaintext).
    assert html.count("data-mismatch") == 9
    assert "marketing" in html
