"""The manager's legal hold, in Dutch, through links only: from the dashboard to the list of
calls, ticks two calls, places a hold on them from the bar under the list (the form shows the
calls as date, team and employee, never an id), and finds the hold listed on the retention page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.selection import recording_line
from access.tests import conftest as access_fixtures
from retention.constants import HoldStatus
from retention.models import LegalHold
from tests.browser.conftest import sign_in
from tests.browser.test_journey_approver import _past_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = access_fixtures.world
four_eyes = access_fixtures.four_eyes
MOTIVATION = "De klant is een rechtszaak begonnen; deze gesprekken zijn bewijs en blijven bewaard."


@pytest.fixture
def page_language() -> str:
    return "nl"


def test_manager_holds_two_calls_chosen_in_the_list_through_links_only(
    page, live_server, four_eyes
):
    calls = [four_eyes.call, four_eyes.gate.team_a_call]
    left_alone = four_eyes.gate.own_call

    sign_in(page, live_server, "acme-manager")
    _past_two_factor(page, "acme-manager")
    assert page.url == live_server.url + reverse(
        "organisations:dashboard", kwargs={"org_slug": "acme"}
    )

    # The list of calls, through the main menu; two calls ticked, the bar counts them.
    page.locator("nav.mainnav").get_by_role("link", name="Opnamen", exact=True).click()
    page.wait_for_load_state()
    count = page.locator("[data-selection-count]")
    assert count.is_visible() and count.locator("output").inner_text() == "0"
    for call in calls:
        page.check(f"input[name=recording][value='{call.pk}']")
    assert count.locator("output").inner_text() == "2"
    page.locator("[data-selection-bar]").get_by_role("button", name="Bewaarplicht opleggen").click()
    page.wait_for_load_state()

    # The hold form: both calls ticked, read as lines; no box of typed call ids.
    chosen = page.locator("[data-chosen-calls]")
    for call in calls:
        assert page.locator(f"input[name=recording][value='{call.pk}']").is_checked()
        assert recording_line(call) in chosen.inner_text()
        assert call.call_id not in page.content()
    assert page.locator(f"input[name=recording][value='{left_alone.pk}']").count() == 0
    assert page.locator("textarea[name=call_ids]").count() == 0
    page.fill("textarea[name=motivation]", MOTIVATION)
    page.fill("input[name=review_on]", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.locator("main form").get_by_role("button", name="Bewaarplicht aanvragen").click()
    page.wait_for_load_state()
    assert "De bewaarplicht wacht op goedkeuring door een tweede persoon." in page.content()

    hold = LegalHold.objects.get()
    assert hold.status == HoldStatus.PENDING
    assert set(hold.recordings.all()) == set(calls)

    # Listed on the retention page, reached through the menu.
    page.locator("nav.mainnav").get_by_role("link", name="Bewaartermijnen", exact=True).click()
    page.wait_for_load_state()
    holds = page.locator("[data-holds] li")
    assert holds.count() == 1
    holds.first.locator("a").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + reverse(
        "retention:hold", kwargs={"org_slug": "acme", "hold_id": hold.pk}
    )
