"""Attacks on 'purge now' (issue 17): a forged cross-site post, a GET, a second click."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PURGE_NOW = reverse("retention:purge_now", kwargs={"org_slug": "acme"})


def _strict(client):
    client.handler.enforce_csrf_checks = True
    return client


def test_a_cross_site_post_or_a_get_starts_no_purge(cast, client_for):
    officer = _strict(client_for(cast["privacy_officer"]))
    assert officer.post(PURGE_NOW).status_code == 403  # no CSRF token
    assert officer.get(PURGE_NOW).status_code == 405
    assert not AuditEvent.objects.filter(action="retention.purge.requested").exists()


def test_a_second_click_queues_no_second_run(cast, client_for):
    officer = client_for(cast["privacy_officer"])
    first = officer.post(PURGE_NOW, follow=True).content.decode()
    assert "De wisronde loopt nu" in first
    second = officer.post(PURGE_NOW, follow=True).content.decode()
    assert "Er staat al een wisronde klaar" in second
    assert AuditEvent.objects.filter(action="retention.purge.requested").count() == 1


def test_a_request_no_worker_picked_up_may_be_asked_again_later(cast, client_for):
    import time_machine
    from django.utils import timezone

    from retention.changes import PURGE_NOW_PATIENCE

    officer = client_for(cast["privacy_officer"])
    officer.post(PURGE_NOW)
    with time_machine.travel(timezone.now() + PURGE_NOW_PATIENCE + PURGE_NOW_PATIENCE):
        officer = client_for(cast["privacy_officer"])
        assert "De wisronde loopt nu" in officer.post(PURGE_NOW, follow=True).content.decode()
    assert AuditEvent.objects.filter(action="retention.purge.requested").count() == 2
