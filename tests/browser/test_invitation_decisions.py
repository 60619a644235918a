"""An organisation with a single administrator adds a coach: the administrator invites, the
coach role may hear calls, so the invitation waits; the privacy officer finds it on her
dashboard, approves it in her own browser, the link is mailed and the coach joins."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from access.constants import Scope
from access.models import StandingRight
from access.tests.conftest import register_for
from organisations.models import Membership
from tests.browser import test_four_eyes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

open_browser_for = test_four_eyes.open_browser_for

PASSWORD = "a long and unusual passphrase"


def test_privacy_officer_approves_the_single_administrators_coach_invitation(
    cast, open_browser_for, live_server, browser, settings
):
    settings.BASE_URL = live_server.url
    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope=Scope.COACHED_TEAMS,
    )
    admin = open_browser_for("acme-administrator")
    admin.page.goto(f"{live_server.url}/o/acme/invitations/")
    admin.page.fill("input[name=email]", "coach@acme.example")
    admin.page.select_option("select[name=role]", "coach")
    admin.page.get_by_role("button", name="Send invitation").click()
    admin.page.wait_for_load_state()
    assert "or the privacy officer approves it" in admin.page.locator(".messages").inner_text()
    row = admin.page.locator("tr[data-invitation]", has_text="coach@acme.example")
    assert row.get_by_role("button", name="Approve and send").count() == 0
    assert mail.outbox == []

    officer = open_browser_for("acme-privacy_officer")
    officer.page.goto(f"{live_server.url}/o/acme/")
    officer.page.get_by_role(
        "link", name=re.compile("Invitations waiting for your approval")
    ).first.click()
    officer.page.wait_for_load_state()
    waiting = officer.page.locator("tr[data-invitation]", has_text="coach@acme.example")
    waiting.get_by_role("button", name="Approve and send").click()
    officer.page.wait_for_load_state()
    assert "/members/role-changes/" in officer.page.url
    assert (
        "Approved: the invitation is sent to coach@acme.example."
        in officer.page.locator(".messages").inner_text()
    )
    (message,) = mail.outbox
    link = re.search(r"http://\S+/invitation/\S+/", message.body).group(0)

    context = browser.new_context(locale="en")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    coach = context.new_page()
    coach.goto(link)
    coach.fill("input[name=username]", "nieuwe-coach")
    coach.fill("input[name=password1]", PASSWORD)
    coach.fill("input[name=password2]", PASSWORD)
    coach.locator("main button[type=submit]").click()
    coach.wait_for_load_state()
    assert "/o/acme/" in coach.url
    context.close()
    assert Membership.objects.get(user__username="nieuwe-coach").role == "coach"
    assert admin.problems == [] and officer.problems == []
