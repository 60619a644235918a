"""The player: a coach with a standing right plays a call through the gate, skips, changes the
speed, pauses from the keyboard and seeks (Range requests); the listen is in the audit trail.
Without a standing right there is no player; a refusal of the gate is shown with its reason."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import StandingRight
from access.tests.conftest import register_for
from audit.models import AuditEvent
from recordings.tests.factories import recording_create, wav_bytes
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"

AUDIO = "[data-audio]"
# Failed loads the browser logs as console errors when the gate refuses on purpose.
REFUSED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of 4")


def english_page(browser) -> tuple:
    """(context, page, problems): an English page whose console errors and page errors are
    collected in `problems`, except the refusals of the gate (a 4xx of an audio range), which
    the player itself shows."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and not REFUSED_LOAD.match(m.text) and problems.append(m.text),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return context, page, problems


def coaching_right(cast) -> None:
    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope="organisation",
    )


@pytest.fixture
def recording(cast):
    coaching_right(cast)
    recording = recording_create(
        organisation=cast.organisation, audio=wav_bytes(seconds=8), duration_seconds=8.0
    )
    # The factory notes one second of audio; this WAV holds eight.
    type(recording).objects.filter(pk=recording.pk).update(audio_duration_seconds=8.0)
    recording.refresh_from_db()
    return recording


def detail_url(live_server, recording) -> str:
    path = reverse(
        "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": recording.pk}
    )
    return f"{live_server.url}{path}"


def audio(page, expression: str):
    """The value of a JS expression about the audio element `a`."""
    return page.evaluate(
        f"() => {{ const a = document.querySelector('{AUDIO}'); return {expression}; }}"
    )


def wait_audio(page, condition: str) -> None:
    # A function, not an expression: the CSP forbids the eval that polling an expression needs.
    page.wait_for_function(
        f"() => {{ const a = document.querySelector('{AUDIO}'); return {condition}; }}",
        timeout=10_000,
    )


def test_coach_plays_skips_changes_speed_pauses_and_seeks(page, live_server, cast, recording):
    SCREENSHOTS.mkdir(exist_ok=True)
    responses: list[tuple[str, int]] = []
    page.on("response", lambda r: "/audio" in r.url and responses.append((r.url, r.status)))
    sign_in(page, live_server, "acme-coach")
    page.goto(detail_url(live_server, recording))
    play = page.locator('[data-action="play"]')
    assert play.inner_text() == "Play"
    assert page.locator("[data-duration]").inner_text() == "0:08"
    assert page.locator("[data-error]").is_hidden()

    play.click()
    wait_audio(page, "a.currentTime > 0 && !a.paused")
    assert audio(page, "a.src").endswith("?purpose=coaching")
    assert play.inner_text() == "Pause"

    # Space pauses, also while the focus is still on the Play button (no second toggle).
    page.keyboard.press(" ")
    wait_audio(page, "a.paused")
    page.wait_for_timeout(300)
    assert audio(page, "a.paused") is True
    assert play.inner_text() == "Play"

    start = audio(page, "a.currentTime")
    page.click('[data-action="forward"]')
    wait_audio(page, f"Math.abs(a.currentTime - {start + 5}) < 0.05")
    assert re.fullmatch(r"0:0[5-7]", page.locator("[data-time]").inner_text())
    page.keyboard.press("ArrowLeft")
    wait_audio(page, f"Math.abs(a.currentTime - {start}) < 0.05")
    page.keyboard.press("ArrowRight")
    wait_audio(page, f"Math.abs(a.currentTime - {start + 5}) < 0.05")
    page.click('[data-action="back"]')
    wait_audio(page, f"Math.abs(a.currentTime - {start}) < 0.05")

    page.select_option("[data-speed]", "1.5")
    assert audio(page, "a.playbackRate") == 1.5
    page.locator("h1").click()  # out of the select: the keys are the player's again
    page.keyboard.press("]")
    assert audio(page, "a.playbackRate") == 1.75
    assert page.locator("[data-speed]").input_value() == "1.75"
    page.keyboard.press("[")
    page.keyboard.press("[")
    assert audio(page, "a.playbackRate") == 1.25

    page.keyboard.press(" ")
    wait_audio(page, f"!a.paused && a.currentTime > {start + 0.2}")
    assert audio(page, "a.playbackRate") == 1.25
    page.keyboard.press(" ")
    wait_audio(page, "a.paused")

    # The seek bar moves the position and follows it.
    page.locator("[data-seek]").fill("500")
    wait_audio(page, "Math.abs(a.currentTime - 4) < 0.1")
    assert page.locator("[data-time]").inner_text() == "0:04"
    page.click('[data-action="forward"]')
    wait_audio(page, "a.currentTime > 7.9")
    # The seek bar follows on the next timeupdate/seeked event, not at once.
    page.wait_for_function(
        "() => Number(document.querySelector('[data-seek]').value) > 950", timeout=5_000
    )

    assert responses, "the player never asked the gate for audio"
    assert all("purpose=coaching" in url for url, _status in responses)
    assert 206 in {status for _url, status in responses}, responses
    listens = AuditEvent.objects.filter(
        action="access.recording.listened", target_id=str(recording.pk)
    )
    assert [(event.purpose, event.actor_id) for event in listens] == [
        ("coaching", cast["coach"].pk)
    ]
    page.screenshot(path=str(SCREENSHOTS / "player.png"), full_page=True)


def test_without_a_standing_right_there_is_no_player(page, live_server, cast, recording):
    # A team leader sees the call's metadata (to ask for access) but may not hear it.
    sign_in(page, live_server, "acme-team_leader")
    page.goto(detail_url(live_server, recording))
    assert page.locator(".refusal").inner_text() == "You have no standing right to hear this call."
    assert page.locator("[data-player]").count() == 0
    assert page.locator("audio").count() == 0


def test_employee_without_a_standing_right_gets_no_player(browser, live_server, cast, recording):
    context = browser.new_context(locale="en")
    page = context.new_page()
    try:
        sign_in(page, live_server, "acme-employee")
        response = page.goto(detail_url(live_server, recording))
        assert response.status in {403, 404}
        assert page.locator("[data-player]").count() == 0
        assert page.locator("audio").count() == 0
        assert AuditEvent.objects.filter(action="access.recording.listened").count() == 0
    finally:
        context.close()


def test_a_refusal_of_the_gate_is_shown_with_its_reason(browser, live_server, cast, recording):
    """The page was opened in time, but the retention deadline passed before Play."""
    context, page, problems = english_page(browser)
    try:
        sign_in(page, live_server, "acme-coach")
        page.goto(detail_url(live_server, recording))
        type(recording).objects.filter(pk=recording.pk).update(
            purge_deadline=timezone.now() - timedelta(minutes=1)
        )
        page.click('[data-action="play"]')
        error = page.locator("[data-error]")
        error.wait_for(state="visible", timeout=10_000)
        assert "past its retention deadline" in error.inner_text()
        assert page.locator('[data-action="play"]').inner_text() == "Play"
        assert AuditEvent.objects.filter(
            action="access.recording.refused", purpose="coaching"
        ).exists()
        assert problems == []
    finally:
        context.close()


def test_a_later_altered_part_of_a_sealed_call_is_shown_with_its_reason(browser, live_server, cast):
    """Only a later segment of a sealed call is altered: the gate serves the start and refuses
    (409) the byte ranges touching it. The player asks the gate about the ranges from where it
    failed, not only the first byte (which the gate serves), and shows the gate's reason."""
    from recordings import sealed
    from recordings.storage import audio_storage
    from recordings.tests.sealing import sealed_recording_create

    coaching_right(cast)
    call = sealed_recording_create(
        organisation=cast.organisation, audio=wav_bytes(seconds=20), duration_seconds=20.0
    )
    type(call).objects.filter(pk=call.pk).update(audio_duration_seconds=20.0)
    # Flip a bit in the fourth segment (about 12 to 16 seconds in).
    offset = sealed.HEADER_SIZE + 3 * (sealed.SEGMENT + sealed.TAG) + 100
    with open(audio_storage().path(call.storage_key), "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x01]))

    context, page, problems = english_page(browser)
    try:
        sign_in(page, live_server, "acme-coach")
        page.goto(detail_url(live_server, call))
        page.click('[data-action="play"]')
        error = page.locator("[data-error]")
        error.wait_for(state="visible", timeout=15_000)
        text = error.inner_text()
        assert "altered" in text, text
        assert "could not be played" not in text
        assert page.locator('[data-action="play"]').inner_text() == "Play"
        assert problems == []
    finally:
        context.close()
