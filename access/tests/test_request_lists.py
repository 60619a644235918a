"""Requests page for approvers and the privacy officer: "decided by you" (newest first, with the
decision and its date) and "active grants" (plays, time left, revoke with a confirmation);
a second revoke says so instead of failing; another organisation's grants never appear."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access import views_requests
from access.constants import RequestStatus
from access.models import AccessRequest, Grant
from access.request_lists import active_grants_for, decisions_by
from access.tests.conftest import register_for

pytestmark = pytest.mark.django_db

LIST = reverse("requests:list", kwargs={"org_slug": "acme"})


def _section(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</section>", start)]


def test_the_approver_finds_a_decided_request_and_its_running_grant(four_eyes, client_for):
    approved = four_eyes.ask()
    four_eyes.decide("team_leader", approved)
    denied = four_eyes.ask()
    four_eyes.decide("team_leader", denied, outcome="deny", comment="Geen grond voor.")
    page = client_for(four_eyes.cast["team_leader"]).get(LIST).content.decode()
    decided = _section(page, "data-decided")
    assert '<span class="count" data-count>2</span>' in decided
    # Newest first: the denial, then the approval (its request now approved).
    assert decided.index("Afgewezen") < decided.index("Goedgekeurd")
    for item in (approved, denied):
        detail = reverse("requests:detail", kwargs={"org_slug": "acme", "request_id": item.pk})
        assert f'href="{detail}"' in decided
    grants = _section(page, "data-grants")
    assert '<span class="count" data-count>1</span>' in grants
    assert "acme-manager" in grants and "0 (geen limiet)" in grants
    assert "Ja, toegang herroepen" in grants and 'name="next" value="list"' in grants


def test_the_privacy_officer_sees_grants_she_did_not_decide_and_the_requester_does_not(
    four_eyes, client_for
):
    four_eyes.decide("team_leader", four_eyes.ask())
    officer = client_for(four_eyes.cast["privacy_officer"]).get(LIST).content.decode()
    assert '<span class="count" data-count>0</span>' in _section(officer, "data-decided")
    assert '<span class="count" data-count>1</span>' in _section(officer, "data-grants")
    # The requester (a manager, also an approver of this purpose) does not oversee their own.
    assert active_grants_for(four_eyes.membership("manager")).count() == 0
    # Roles without the approve right see neither list.
    for role in ("coach", "employee"):
        page = client_for(four_eyes.cast[role]).get(LIST).content.decode()
        assert "data-decided" not in page and "data-grants" not in page


def test_plays_used_and_time_left_are_shown(four_eyes, client_for):
    four_eyes.rule.max_plays = 3
    four_eyes.rule.save()
    asked = four_eyes.ask()
    four_eyes.decide("privacy_officer", asked)
    Grant.objects.filter(request=asked).update(plays=1)
    grants = _section(
        client_for(four_eyes.cast["team_leader"]).get(LIST).content.decode(), "data-grants"
    )
    assert "1 van 3" in grants
    assert "1\xa0dag, 23\xa0uur" in grants  # the 48 hours left, in words (timeuntil)


def test_revoke_from_the_list_then_a_second_click_says_it_was_already_revoked(
    four_eyes, client_for
):
    asked = four_eyes.ask()
    four_eyes.decide("team_leader", asked)
    officer = client_for(four_eyes.cast["privacy_officer"])
    revoke = reverse("requests:revoke", kwargs={"org_slug": "acme", "request_id": asked.pk})
    first = officer.post(revoke, {"next": "list", "comment": "Zaak is afgehandeld."})
    assert first.status_code == 302 and first["Location"] == f"{LIST}#grants"
    grant = Grant.objects.get(request=asked)
    assert grant.revoked_at is not None
    assert grant.revoked_by == four_eyes.cast["privacy_officer"]
    page = officer.get(LIST).content.decode()
    assert "De toegang is herroepen" in page
    assert '<span class="count" data-count>0</span>' in _section(page, "data-grants")
    # A second click (another tab, the back button): a clear message, nothing changed.
    again = officer.post(revoke, {"next": "list"}, follow=True)
    assert again.status_code == 200
    assert "Deze toegang was al herroepen; er is niets gewijzigd." in again.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_by == four_eyes.cast["privacy_officer"]
    # A role that may not decide cannot revoke by a forged POST either.
    forged = client_for(four_eyes.cast["coach"]).post(revoke, {"next": "list"})
    assert forged.status_code in (403, 404)


def test_another_organisations_grants_and_decisions_never_appear(four_eyes, cast_other_grant):
    assert cast_other_grant.request.organisation != four_eyes.cast.organisation
    for role in ("privacy_officer", "team_leader"):
        membership = four_eyes.membership(role)
        assert cast_other_grant not in active_grants_for(membership)
        assert not decisions_by(membership).exists()


@pytest.fixture
def cast_other_grant(cast):
    """An approved request with a running grant in the other organisation."""
    purposes = register_for(cast.other_organisation)
    request = AccessRequest.objects.create(
        organisation=cast.other_organisation,
        requester=cast.outsider,
        purpose=purposes["misconduct"],
        motivation="Een verzoek in de andere organisatie om te luisteren.",
        status=RequestStatus.APPROVED,
        expires_at=timezone.now() + timedelta(hours=4),
    )
    return Grant.objects.create(
        request=request,
        user=cast.outsider,
        starts_at=timezone.now() - timedelta(minutes=1),
        expires_at=timezone.now() + timedelta(hours=4),
    )


def test_long_lists_are_paged_each_on_its_own(four_eyes, client_for, monkeypatch):
    monkeypatch.setattr(views_requests, "LIST_PAGE", 2)
    for _ in range(3):
        four_eyes.decide("team_leader", four_eyes.ask())
    leader = client_for(four_eyes.cast["team_leader"])
    first = _section(leader.get(LIST).content.decode(), "data-decided")
    assert first.count("data-decision") == 2 and "Pagina 1 van 2" in first
    second = _section(leader.get(LIST, {"decided": 2}).content.decode(), "data-decided")
    assert second.count("data-decision") == 1
    grants = _section(leader.get(LIST, {"grants": 2}).content.decode(), "data-grants")
    assert grants.count("data-grant>") == 1
    # A page number that is not one shows the last or first page, never an error.
    assert leader.get(LIST, {"decided": "x", "grants": 99}).status_code == 200
