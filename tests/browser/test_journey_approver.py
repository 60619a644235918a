"""The approver's day, in Dutch, through links only: signs in, finds the waiting request on the
dashboard by its purpose and asker, opens it and approves it; later finds it under "decided by
you" and its grant under "active grants", and revokes it there after confirming."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.constants import RequestStatus
from access.models import AccessRequest
from access.tests import conftest as access_fixtures
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = access_fixtures.world
four_eyes = access_fixtures.four_eyes


@pytest.fixture
def page_language() -> str:
    return "nl"


def _past_two_factor(page, username: str) -> None:
    """Where the role signs in with a TOTP code too: set up the app, store the backup codes."""
    if "/account/two-factor/" not in page.url:
        return
    device = TOTPDevice.objects.get(user__username=username)
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.click("text=Ik heb ze bewaard, verder")
    page.wait_for_load_state()


def test_approver_finds_approves_and_later_revokes_through_links_only(page, live_server, four_eyes):
    asked = four_eyes.ask()  # the manager asks for the call
    detail = reverse("requests:detail", kwargs={"org_slug": "acme", "request_id": asked.pk})

    sign_in(page, live_server, "acme-team_leader")
    _past_two_factor(page, "acme-team_leader")
    assert page.url == live_server.url + reverse(
        "organisations:dashboard", kwargs={"org_slug": "acme"}
    )

    # The dashboard lists the request itself: purpose, asker, the call by its time and team.
    group = page.locator("[data-todo]", has_text="Verzoeken die op uw besluit wachten")
    assert group.locator("[data-count]").inner_text() == "1"
    item = group.locator("[data-work-item]")
    assert item.count() == 1
    text = item.inner_text()
    assert f"{four_eyes.purpose.label} · gevraagd door acme-manager" in text
    assert "Gesprek van " in text and "uiterlijk " in text
    assert four_eyes.call.call_id not in text
    item.locator("a.work-title").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + detail

    page.click("form[data-decide] button[name=outcome][value=approve]")
    page.wait_for_load_state()
    assert page.locator("[data-status]").inner_text() == "Goedgekeurd"
    assert AccessRequest.objects.get(pk=asked.pk).status == RequestStatus.APPROVED

    # Back on the dashboard (the brand link): nothing waits any more.
    page.click("header a.brand")
    page.wait_for_load_state()
    assert page.locator("[data-nothing-waits]").inner_text().endswith("Er wacht niets op u.")

    # Later: the requests page through the main menu; the decision and the running grant.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Verzoeken").click()
    page.wait_for_load_state()
    decided = page.locator("[data-decided] [data-decision]")
    assert decided.count() == 1
    assert "Goedgekeurd" in decided.inner_text() and "acme-manager" in decided.inner_text()
    grant_row = page.locator("[data-grants] [data-grant]")
    assert grant_row.count() == 1
    assert "acme-manager" in grant_row.inner_text() and "geen limiet" in grant_row.inner_text()

    # Revoking asks for a confirmation first.
    confirm = grant_row.get_by_role("button", name="Ja, toegang herroepen")
    assert not confirm.is_visible()
    grant_row.locator("summary").click()
    grant_row.get_by_label("Reden van herroepen").fill("De klacht is ingetrokken.")
    confirm.click()
    page.wait_for_load_state()
    assert page.url.endswith("/o/acme/requests/#grants")
    assert "De toegang is herroepen" in page.locator(".messages").inner_text()
    assert page.locator("[data-grants] [data-grant]").count() == 0
    asked.refresh_from_db()
    assert asked.status == RequestStatus.REVOKED
    assert asked.grant.revoked_by == four_eyes.cast["team_leader"]
    # The decision stays findable, its request now revoked.
    assert "Herroepen" in page.locator("[data-decided] [data-decision]").inner_text()
