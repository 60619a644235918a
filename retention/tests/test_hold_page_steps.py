"""The legal hold page offers a decision only to those who may take it (like the request page):
the person who asked sees that it waits for another, a role without the right sees no buttons,
and a forged POST is refused all the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import Membership
from recordings.tests.factories import recording_create
from retention.constants import HoldStatus
from retention.holds import hold_decide, hold_release_request, hold_request

pytestmark = pytest.mark.django_db

MOTIVATION = "Politie vraagt de opname te bewaren voor het onderzoek naar de bedreiging."


def _member(cast, role):
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=cast.organisation
    )


@pytest.fixture
def hold(cast):
    return hold_request(
        membership=_member(cast, "manager"),
        recordings=[recording_create(organisation=cast.organisation)],
        motivation=MOTIVATION,
        review_on=timezone.localdate() + timedelta(days=30),
    )


def _page(client, hold):
    url = reverse("retention:hold", kwargs={"org_slug": "acme", "hold_id": hold.pk})
    return client.get(url).content.decode()


def _post(client, hold, action):
    url = reverse("retention:hold_action", kwargs={"org_slug": "acme", "hold_id": hold.pk})
    return client.post(url, {"action": action, "reason": "Het onderzoek is afgerond."}, follow=True)


def test_the_person_who_asked_sees_no_approve_button_and_is_told_who_decides(
    cast, client_for, hold
):
    manager = client_for(cast["manager"])
    page = _page(manager, hold)
    assert "data-hold-actions" not in page
    assert 'value="approve"' not in page
    assert "Een tweede persoon moet dit goedkeuren." in page
    # A forged POST changes nothing and says why.
    answer = _post(manager, hold, "approve").content.decode()
    assert "Een tweede persoon moet dit goedkeuren." in answer
    hold.refresh_from_db()
    assert hold.status == HoldStatus.PENDING


def test_a_role_without_the_right_sees_no_buttons_and_its_post_is_refused(cast, client_for, hold):
    auditor = client_for(cast["auditor"])  # reads retention, decides nothing
    page = _page(auditor, hold)
    assert "data-hold-actions" not in page
    assert "Uw rol mag geen bewaarplicht goedkeuren." in page
    answer = _post(auditor, hold, "approve").content.decode()
    assert "Uw rol mag geen bewaarplicht goedkeuren." in answer
    hold.refresh_from_db()
    assert hold.status == HoldStatus.PENDING


def test_the_second_person_sees_approve_and_deny(cast, client_for, hold):
    page = _page(client_for(cast["privacy_officer"]), hold)
    assert 'value="approve"' in page and 'value="deny"' in page
    assert "data-hold-waits" not in page


def test_a_release_is_offered_to_decide_only_to_another_approver(cast, client_for, hold):
    hold_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    # Active: those who may place or approve holds may ask to release it; the auditor may not.
    assert 'value="request_release"' in _page(client_for(cast["manager"]), hold)
    assert 'value="request_release"' not in _page(client_for(cast["auditor"]), hold)
    hold_release_request(
        membership=_member(cast, "privacy_officer"), hold_id=hold.pk, reason="Zaak gesloten."
    )
    officer = client_for(cast["privacy_officer"])
    page = _page(officer, hold)
    assert 'value="approve_release"' not in page
    assert "Een tweede persoon moet dit goedkeuren." in page
    answer = _post(officer, hold, "approve_release").content.decode()
    assert "Een tweede persoon moet dit goedkeuren." in answer
    hold.refresh_from_db()
    assert hold.status == HoldStatus.RELEASE_PENDING
    page = _page(client_for(cast["manager"]), hold)
    assert 'value="approve_release"' in page and 'value="deny_release"' in page
