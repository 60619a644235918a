"""Four eyes in the browser, two people in two browsers: a manager without a standing right asks
for access to a call with a motivation; a privacy officer reads the motivation in full and
approves; the manager sees the grant with its expiry and plays the call through the gate; the
privacy officer revokes the grant, and the manager's next play is refused with the gate's reason.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.constants import RequestStatus
from access.models import AccessRequest
from access.tests import conftest as access_fixtures
from audit.models import AuditEvent
from tests.browser.conftest import sign_in
from tests.browser.test_player import REFUSED_LOAD, audio, wait_audio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The four-eyes world (a rule for "misconduct": the manager asks, the privacy officer approves;
# a call with real audio that nobody may hear without a grant) lives with the access tests.
world = access_fixtures.world
four_eyes = access_fixtures.four_eyes

# Longer than the 120 characters the requester's history shows: the approver reads it all.
MOTIVATION = (
    "Een klant meldt dat de medewerker hem tijdens dit gesprek heeft uitgescholden. "
    "Ik wil het gesprek beluisteren om te beoordelen of dit klopt voordat ik het gesprek "
    "met de medewerker aanga."
)
NO_RIGHT = "You have no right to hear this call for that purpose."


@dataclass
class Person:
    """One person in a browser context of their own."""

    username: str
    page: object
    problems: list[str] = field(default_factory=list)
    refusals_expected: bool = False  # a failed audio load (403) is the point, not a problem

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        if self.refusals_expected and REFUSED_LOAD.match(message.text):
            return
        self.problems.append(f"{self.username}: {message.text}")


@pytest.fixture
def open_browser_for(browser, live_server):
    """Open a browser context for a user and sign them in, password and TOTP code."""
    contexts = []

    def open_for(username: str) -> Person:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        contexts.append(context)
        person = Person(username, context.new_page())
        person.page.on("console", person.on_console)
        person.page.on("pageerror", lambda exc: person.problems.append(f"{username}: {exc}"))
        sign_in(person.page, live_server, username)
        # Managers and privacy officers sign in with a TOTP code as well: set up the app.
        assert "/account/two-factor/" in person.page.url
        device = TOTPDevice.objects.get(user__username=username)
        person.page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        person.page.click("main button[type=submit]")
        person.page.wait_for_load_state()
        # The backup codes are shown once, then they go on.
        person.page.click("text=I have stored them, continue")
        person.page.wait_for_load_state()
        assert "/account/" not in person.page.url, f"{username} is not past the TOTP step"
        return person

    yield open_for
    for context in contexts:
        context.close()


def recording_url(live_server, recording) -> str:
    path = reverse(
        "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": recording.pk}
    )
    return f"{live_server.url}{path}"


def shown_datetime(value, organisation) -> str:
    """A moment as the pages show it (English, the organisation's time zone)."""
    with translation.override("en"):
        local = timezone.localtime(value, zoneinfo.ZoneInfo(organisation.timezone))
        return formats.date_format(local, "DATETIME_FORMAT")


def test_manager_asks_privacy_officer_approves_manager_listens_until_revoked(
    open_browser_for, live_server, four_eyes
):
    call = four_eyes.call
    organisation = four_eyes.cast.organisation

    # 1. The manager has no standing right: no player, but a link to ask for access.
    manager = open_browser_for("acme-manager")
    mp = manager.page
    mp.goto(recording_url(live_server, call))
    assert mp.locator("[data-player]").count() == 0
    assert mp.locator("audio").count() == 0
    assert mp.locator(".refusal").inner_text() == "You have no standing right to hear this call."
    mp.click("a[data-ask]")
    mp.wait_for_load_state()
    assert f"/o/acme/requests/new/?recording={call.pk}" in mp.url
    assert mp.locator(f"input[name=recording][value='{call.pk}']").is_checked()
    purpose = four_eyes.purpose
    mp.select_option("select[name=purpose]", label=purpose.description)
    assert mp.locator("select[name=purpose]").input_value() == str(purpose.pk)
    mp.fill("textarea[name=motivation]", MOTIVATION)
    mp.click("main form button[type=submit]")
    mp.wait_for_load_state()
    request = AccessRequest.objects.get(requester=four_eyes.cast["manager"])
    request_path = reverse("requests:detail", kwargs={"org_slug": "acme", "request_id": request.pk})
    assert mp.url == f"{live_server.url}{request_path}"
    assert mp.locator("[data-status]").inner_text() == "Pending"
    assert "Your request was sent to the approvers." in mp.locator(".messages").inner_text()
    assert mp.locator("[data-grant]").count() == 0
    assert list(request.recordings.all()) == [call]
    assert request.purpose.code == "misconduct"

    # 2. The privacy officer finds it waiting, reads the motivation in full and approves.
    officer = open_browser_for("acme-privacy_officer")
    op = officer.page
    op.goto(f"{live_server.url}{reverse('requests:list', kwargs={'org_slug': 'acme'})}")
    waiting = op.locator("[data-waiting] tbody tr")
    assert waiting.count() == 1
    row = waiting.first
    assert "acme-manager" in row.inner_text()
    assert "Ernstig verwijtbare gedraging" in row.inner_text()  # the purpose by its name
    row.locator("a").first.click()
    op.wait_for_load_state()
    assert op.url == f"{live_server.url}{request_path}"
    assert op.locator("[data-status]").inner_text() == "Pending"
    assert op.locator("[data-motivation]").inner_text() == MOTIVATION
    op.click("form[data-decide] button[name=outcome][value=approve]")
    op.wait_for_load_state()
    assert op.locator("[data-status]").inner_text() == "Approved"
    assert op.locator("form[data-decide]").count() == 0
    grant = AccessRequest.objects.get(pk=request.pk).grant
    assert grant.user == four_eyes.cast["manager"]

    # 3. The manager sees the grant with its expiry, and now hears the call.
    mp.reload()
    assert mp.locator("[data-status]").inner_text() == "Approved"
    expiry = shown_datetime(grant.expires_at, organisation)
    assert mp.locator("[data-grant]").inner_text() == f"Access granted until {expiry}."
    mp.locator("a", has_text=call.call_id).click()
    mp.wait_for_load_state()
    assert mp.url == recording_url(live_server, call)
    assert mp.locator("[data-player]").is_visible()
    options = mp.locator("[data-purpose] option")
    assert options.count() == 1
    assert options.first.get_attribute("value") == "misconduct"
    assert options.first.inner_text().startswith("Granted until ")
    responses: list[int] = []
    mp.on("response", lambda r: "/audio" in r.url and responses.append(r.status))
    mp.click('[data-action="play"]')
    wait_audio(mp, "a.currentTime > 0 && !a.paused")
    assert audio(mp, "a.src").endswith("?purpose=misconduct")
    assert mp.locator("[data-error]").is_hidden()
    assert responses and set(responses) <= {200, 206}, responses
    listened = AuditEvent.objects.get(action="access.recording.listened", target_id=str(call.pk))
    assert (listened.actor_id, listened.purpose) == (four_eyes.cast["manager"].pk, "misconduct")
    assert listened.detail["grant"] == str(grant.pk)

    # The manager opens the call afresh while the grant still works: a player, nothing loaded.
    mp.reload()
    assert mp.locator("[data-player]").is_visible()
    assert mp.locator('[data-action="play"]').inner_text() == "Play"

    # 4. The privacy officer revokes the grant; the manager's next play is refused.
    op.fill("#id_revoke_comment", "De klacht is ingetrokken.")
    op.click("form[data-revoke] button[type=submit]")
    op.wait_for_load_state()
    assert op.locator("[data-status]").inner_text() == "Revoked"
    assert op.locator("[data-grant]").inner_text().startswith("Access was revoked on ")

    manager.refusals_expected = True  # the browser logs the gate's 403 as a failed load
    responses.clear()
    mp.click('[data-action="play"]')
    error = mp.locator("[data-error]")
    error.wait_for(state="visible", timeout=10_000)
    assert error.inner_text() == NO_RIGHT
    assert mp.locator('[data-action="play"]').inner_text() == "Play"
    assert audio(mp, "a.paused") is True
    assert audio(mp, "a.currentTime") == 0
    assert 403 in responses, responses
    assert set(responses) == {403}, responses
    # One refused attempt, one event: the player's second ask for the reason is not counted.
    assert (
        AuditEvent.objects.filter(
            action="access.recording.refused",
            target_id=str(call.pk),
            actor_id=four_eyes.cast["manager"].pk,
            purpose="misconduct",
        ).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(action="access.recording.listened", target_id=str(call.pk))
        .exclude(pk=listened.pk)
        .count()
        == 0
    )

    # Opened again, the call has no player for the manager, and the request says why.
    mp.reload()
    assert mp.locator("[data-player]").count() == 0
    assert mp.locator(".refusal").inner_text() == "You have no standing right to hear this call."
    mp.goto(f"{live_server.url}{request_path}")
    assert mp.locator("[data-status]").inner_text() == "Revoked"
    assert mp.locator("[data-grant]").inner_text().startswith("Access was revoked on ")
    assert AccessRequest.objects.get(pk=request.pk).status == RequestStatus.REVOKED

    assert manager.problems + officer.problems == [], "the browser reported errors"
