"""Upload in the browser: an audio file with its JSON sidecar is stored, a file that is not audio
is refused with the server's reason, each with its own progress bar; a lone sidecar is listed
as an error before anything is sent."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from recordings.models import Recording
from recordings.tests.factories import wav_bytes
from tests.browser.conftest import sign_in
from tests.browser.test_player import coaching_right

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"

# The upload answers 400 for a refused file, which the browser logs as a failed load.
REFUSED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of 400")


@pytest.fixture
def upload_page(browser, live_server):
    """The harness's page, except that a 400 from the upload endpoint is expected here."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and not REFUSED_LOAD.match(m.text) and problems.append(m.text),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    context.close()
    assert problems == [], f"the browser reported errors: {problems}"


def upload_url(live_server) -> str:
    return live_server.url + reverse("recordings:upload", kwargs={"org_slug": "acme"})


def test_coach_uploads_a_call_with_its_sidecar_and_a_file_that_is_not_audio(
    upload_page, live_server, cast, tmp_path
):
    page = upload_page
    SCREENSHOTS.mkdir(exist_ok=True)
    coaching_right(cast)  # the register declares recordings and their retention
    wav = tmp_path / "up-1.wav"
    wav.write_bytes(wav_bytes(seconds=3))
    sidecar = tmp_path / "up-1.json"
    started_at = (timezone.now() - timedelta(hours=1)).isoformat()
    sidecar.write_text(
        json.dumps({"call_id": "up-1", "started_at": started_at, "direction": "inbound"})
    )
    bad = tmp_path / "not-audio.wav"
    bad.write_bytes(b"hello")

    sign_in(page, live_server, "acme-coach")
    page.goto(upload_url(live_server))
    page.set_input_files("[data-files]", [str(wav), str(sidecar), str(bad)])
    rows = page.locator("[data-list] li")
    expect(rows).to_have_count(2)  # the sidecar rides with its audio file
    expect(rows.filter(has_text="up-1.wav")).to_contain_text("up-1.json")
    expect(page.locator("[data-list] progress")).to_have_count(2)

    page.click("[data-start]")
    expect(page.locator("[data-summary]")).to_have_text("1 stored, 1 refused")
    expect(page.locator("[data-list] progress")).to_have_count(2)
    for bar in page.locator("[data-list] progress").all():
        assert bar.evaluate("p => p.value") == 100

    recording = Recording.objects.get(organisation=cast.organisation, call_id="up-1")
    stored = rows.filter(has_text="up-1.wav")
    link = stored.get_by_role("link", name="open")
    expect(link).to_have_attribute(
        "href",
        reverse(
            "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": recording.pk}
        ),
    )
    refused = rows.filter(has_text="not-audio.wav")
    expect(refused.locator(".errors")).not_to_be_empty()
    assert refused.get_by_role("link").count() == 0
    color = refused.locator(".errors").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(164, 22, 26)"  # var(--bad): red
    assert list(Recording.objects.values_list("call_id", flat=True)) == ["up-1"]
    page.screenshot(path=str(SCREENSHOTS / "upload.png"), full_page=True)


@pytest.mark.parametrize("page_language", ["nl"])
def test_a_dropped_sidecar_without_its_audio_is_an_error_in_dutch(page, live_server, cast):
    sign_in(page, live_server, "acme-coach")
    page.goto(upload_url(live_server))
    dropzone = page.locator("[data-dropzone]")
    files = page.evaluate_handle("""() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['{"call_id": "lonely"}'], "lonely.json",
                                    {type: "application/json"}));
        return transfer;
    }""")
    dropzone.dispatch_event("dragenter", {"dataTransfer": files})
    expect(dropzone).to_have_class(re.compile(r"\bdragging\b"))
    dropzone.dispatch_event("drop", {"dataTransfer": files})
    expect(dropzone).not_to_have_class(re.compile(r"\bdragging\b"))
    row = page.locator("[data-list] li")
    expect(row).to_have_count(1)
    expect(row.locator(".errors")).to_have_text("geen audiobestand bij dit JSON-bestand")
    page.click("[data-start]")
    expect(page.locator("[data-summary]")).to_have_text("0 opgeslagen, 1 geweigerd")
    assert not Recording.objects.exists()
