"""A revoked grant stops a playing player within seconds, whatever the call's length: the audio
comes in bounded pieces (each passes the gate), and the playing player asks the gate every few
seconds, so what the browser already read ahead stops too."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from access.four_eyes import grant_revoke
from access.streaming import chunk_limit
from access.tests import conftest as access_fixtures
from audit.models import AuditEvent
from recordings.tests.factories import recording_create, wav_bytes
from tests.browser.conftest import sign_in
from tests.browser.test_player import audio, wait_audio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = access_fixtures.world
four_eyes = access_fixtures.four_eyes

# The gate's refusals on purpose: the browser logs a failed load as a console error.
REFUSED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of 403")
SECONDS = 40


@pytest.fixture
def granted_call(four_eyes):
    """A 40-second call of team A, which the coach may hear for misconduct only through an
    approved grant (coaching is their standing right)."""
    call = recording_create(
        organisation=four_eyes.cast.organisation,
        employee=four_eyes.gate.team_a_call.employee,
        audio=wav_bytes(seconds=SECONDS, seed=5),
        duration_seconds=float(SECONDS),
    )
    type(call).objects.filter(pk=call.pk).update(audio_duration_seconds=float(SECONDS))
    call.refresh_from_db()
    four_eyes.rule.requester_roles = ["manager", "coach"]
    four_eyes.rule.save()
    request = four_eyes.ask("coach", recordings=[call])
    four_eyes.decide("privacy_officer", request)
    return call, request


def test_a_paused_player_resumed_after_the_revoke_stops_at_once(
    browser, live_server, four_eyes, granted_call
):
    call, request = granted_call
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and not REFUSED_LOAD.match(m.text) and problems.append(m.text),
    )
    try:
        sign_in(page, live_server, "acme-coach")
        path = reverse(
            "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": call.pk}
        )
        page.goto(f"{live_server.url}{path}")
        page.select_option("#purpose", "misconduct")
        page.click('[data-action="play"]')
        wait_audio(page, "!a.paused && a.currentTime > 1")
        page.click('[data-action="play"]')  # pause, with seconds of the call read ahead
        wait_audio(page, "a.paused")
        position = audio(page, "a.currentTime")
        grant_revoke(
            membership=four_eyes.membership("privacy_officer"),
            request_id=request.pk,
            comment="Onderzoek afgerond",
        )
        page.click('[data-action="play"]')
        page.locator("[data-error]").wait_for(state="visible", timeout=3_000)
        wait_audio(page, "a.paused")
        assert audio(page, "a.currentTime") < position + 2
        assert problems == []
    finally:
        context.close()


def test_a_revoked_grant_stops_the_playing_player_within_seconds(
    browser, live_server, four_eyes, granted_call
):
    call, request = granted_call
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and not REFUSED_LOAD.match(m.text) and problems.append(m.text),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    pieces: list[tuple[int, str]] = []
    page.on(
        "response",
        lambda r: (
            "/audio" in r.url
            and r.request.method == "GET"
            and pieces.append((r.status, r.headers.get("content-range", "")))
        ),
    )
    try:
        sign_in(page, live_server, "acme-coach")
        path = reverse(
            "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": call.pk}
        )
        page.goto(f"{live_server.url}{path}")
        page.select_option("#purpose", "misconduct")
        page.click('[data-action="play"]')
        wait_audio(page, "!a.paused && a.currentTime > 1")
        # Every answer held a bounded piece of the call, never all 640 kB at once.
        limit = chunk_limit(call.size_bytes, float(SECONDS))
        assert pieces and all(status == 206 for status, _range in pieces), pieces
        for _status, content_range in pieces:
            first, last = map(int, content_range.split(" ")[1].split("/")[0].split("-"))
            assert last - first + 1 <= limit

        grant_revoke(
            membership=four_eyes.membership("privacy_officer"),
            request_id=request.pk,
            comment="Onderzoek afgerond",
        )
        revoked_at = time.monotonic()
        wait_audio(page, "a.paused")
        stopped_after = time.monotonic() - revoked_at
        position = audio(page, "a.currentTime")
        assert stopped_after < 8, stopped_after
        assert position < SECONDS - 20, position  # long before the end of the call
        error = page.locator("[data-error]")
        error.wait_for(state="visible", timeout=5_000)
        assert error.inner_text().strip() != ""
        assert page.locator('[data-action="play"]').inner_text() == "Play"
        # It stays stopped: nothing buffered plays on, and Play asks the gate again.
        page.wait_for_timeout(1_500)
        assert audio(page, "a.paused") is True
        page.click('[data-action="play"]')
        page.wait_for_timeout(1_500)
        assert audio(page, "a.paused") is True
        assert error.is_visible()
        assert AuditEvent.objects.filter(
            action="access.recording.refused", target_id=str(call.pk)
        ).exists()
        assert problems == []
    finally:
        context.close()
