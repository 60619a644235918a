"""An anonymised transcript end to end, two people in two browsers: a team leader with an
approved grant for the transcript purpose opens the call, plays it and types an utterance whose
start comes from the player; types the rest, lets Earshot propose the redactions, accepts them,
redacts one more word by selecting it, and submits; a manager follows the dashboard's to-do,
reads both versions and approves; the team leader exports the anonymised version to the
customer, who receives a link and a code by e-mail."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.disclosure_copy import read_copy
from recordings.models import Recording
from recordings.storage import audio_storage
from recordings.tests.factories import wav_bytes
from tests.browser.conftest import sign_in
from tests.browser.test_player import audio, wait_audio
from transcripts.constants import RedactionState, TranscriptStatus
from transcripts.models import Redaction, Transcript
from transcripts.tests import conftest as transcript_fixtures
from transcripts.tests.conftest import VALID_BSN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

transcript_world = transcript_fixtures.transcript_world
CUSTOMER = "klant@example.nl"


@dataclass
class Person:
    username: str
    page: object
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def open_browser_for(browser, live_server):
    contexts = []

    def open_for(username: str) -> Person:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        contexts.append(context)
        person = Person(username, context.new_page())
        person.page.on("console", lambda m: m.type == "error" and person.problems.append(m.text))
        person.page.on("pageerror", lambda exc: person.problems.append(str(exc)))
        sign_in(person.page, live_server, username)
        if "/account/two-factor/" in person.page.url:
            device = TOTPDevice.objects.get(user__username=username)
            person.page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
            person.page.click("main button[type=submit]")
            person.page.wait_for_load_state()
            person.page.click("text=I have stored them, continue")
            person.page.wait_for_load_state()
        assert "/account/" not in person.page.url, f"{username} is not signed in"
        return person

    yield open_for
    for context in contexts:
        context.close()


def _select(page, utterance_id: int, word: str) -> None:
    """Select `word` in the utterance's text as a mouse would, then let go of the button."""
    page.evaluate(
        """([id, word]) => {
            const element = document.querySelector(
                `[data-utterance-text][data-utterance-id="${id}"]`);
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.textContent.indexOf(word);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + word.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    element.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
                    return;
                }
            }
            throw new Error("word not found");
        }""",
        [utterance_id, word],
    )


def test_typed_while_listening_reviewed_approved_and_exported(
    open_browser_for, live_server, transcript_world
):
    # A call of eight seconds of real audio, with the customer's metadata.
    call = transcript_world.call
    audio_bytes = wav_bytes(seconds=8, seed=11)
    with audio_storage().open(call.storage_key, "wb") as handle:
        handle.write(audio_bytes)
    Recording.objects.filter(pk=call.pk).update(
        size_bytes=len(audio_bytes), audio_duration_seconds=8.0, duration_seconds=8.0
    )
    transcript_world.grant(role="team_leader")

    # 1. The team leader opens the call and chooses "Type a transcript".
    leader = open_browser_for("acme-team_leader")
    lp = leader.page
    path = reverse("access:recording_detail", kwargs={"org_slug": "acme", "recording_id": call.pk})
    lp.goto(f"{live_server.url}{path}")
    lp.click("[data-recording-actions] a:has-text('Type a transcript')")
    lp.wait_for_load_state()
    lp.select_option("select[name=language]", "nl")
    lp.click("main form button[type=submit]")
    lp.wait_for_load_state()
    transcript = Transcript.objects.get()
    assert lp.url.endswith(
        reverse("transcripts:detail", kwargs={"org_slug": "acme", "transcript_id": transcript.pk})
    )

    # 2. She plays the call and, listening, types what the customer says: the start is the
    # player's moment; the utterance is added without reloading, so the audio plays on.
    lp.click('[data-action="play"]')
    wait_audio(lp, "a.currentTime > 1.0 && !a.paused")
    lp.fill("[data-add-utterance] textarea[name=text]", "")
    lp.type("[data-add-utterance] textarea[name=text]", "Goedemiddag, met Jan de Vries.")
    filled = lp.input_value("[data-add-utterance] input[name=start]")
    assert re.fullmatch(r"00:00:0\d(\.\d)?", filled), filled
    lp.select_option("[data-add-utterance] select[name=speaker]", "customer")
    lp.click("[data-add-utterance] button[type=submit]")
    lp.locator("[data-utterances] [data-utterance]").first.wait_for()
    assert audio(lp, "a.paused") is False  # no reload: still listening
    first = transcript.utterances.get()
    assert first.text == "Goedemiddag, met Jan de Vries."
    assert 0.9 <= first.start_seconds <= 8.0
    assert abs(first.start_seconds - float(filled.split(":")[-1])) < 0.05
    lp.click('[data-action="play"]')  # pause

    # A second utterance, the start typed by hand, a BSN and an emoji in the text.
    lp.fill("[data-add-utterance] input[name=start]", "0:05")
    lp.select_option("[data-add-utterance] select[name=speaker]", "customer")
    lp.fill(
        "[data-add-utterance] textarea[name=text]",
        f"Mijn BSN is {VALID_BSN} 🙂 en ik woon bij de Domtoren.",
    )
    lp.click("[data-add-utterance] button[type=submit]")
    lp.locator("[data-utterances] [data-utterance]").nth(1).wait_for()
    second = transcript.utterances.get(start_seconds=5.0)

    # 3. Earshot proposes the redactions; she accepts each, with its detector shown beside it.
    lp.click("[data-propose] button")
    lp.wait_for_load_state()
    proposed = lp.locator("[data-redaction-item][data-state=proposed]")
    assert proposed.count() >= 2
    assert lp.locator("[data-redaction-item] [data-detector]").first.inner_text().strip()
    while proposed.count():
        proposed.first.locator("[data-accept]").click()
        lp.wait_for_load_state()
    # The detectors did not know the Domtoren is where she lives: she selects it and redacts.
    _select(lp, second.pk, "Domtoren")
    assert lp.input_value("[data-manual] [data-exact]") == "Domtoren"
    lp.select_option("[data-manual] select[name=kind]", "address")
    lp.click("[data-manual] button[type=submit]")
    lp.wait_for_load_state()
    manual = Redaction.objects.get(detector="manual")
    assert second.text[manual.start : manual.end] == "Domtoren"  # offsets past the emoji
    preview = lp.locator("[data-anonymised]").inner_text()
    assert VALID_BSN not in preview and "Jan de Vries" not in preview
    assert "Domtoren" not in preview and "🙂" in preview
    assert not Redaction.objects.filter(state=RedactionState.PROPOSED).exists()

    # 4. She submits for approval.
    lp.click("[data-submit] button[type=submit]")
    lp.wait_for_load_state()
    assert lp.locator("[data-status]").inner_text() == "Waiting for approval"

    # 5. The manager follows the dashboard's to-do, reads both versions and approves.
    manager = open_browser_for("acme-manager")
    mp = manager.page
    mp.goto(f"{live_server.url}{reverse('organisations:dashboard', kwargs={'org_slug': 'acme'})}")
    mp.click("text=Anonymised transcripts waiting for your approval")
    mp.wait_for_load_state()
    mp.click(f"[data-waiting] a:has-text('{call.call_id}')")
    mp.wait_for_load_state()
    assert f"Mijn BSN is {VALID_BSN}" in mp.locator("[data-utterances]").inner_text()
    assert VALID_BSN not in mp.locator("[data-anonymised]").inner_text()
    mp.click("[data-decide] button[value=approved]")
    mp.wait_for_load_state()
    assert mp.locator("[data-status]").inner_text() == "Approved"
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.APPROVED

    # 6. The team leader exports it to the customer: a link and a code, nothing attached.
    lp.reload()
    lp.fill("[data-export] input[name=email]", CUSTOMER)
    lp.click("[data-export] button[type=submit]")
    lp.wait_for_load_state()
    assert lp.locator("[data-status]").inner_text() == "Exported"
    sent = [m for m in mail.outbox if CUSTOMER in m.to]
    assert len(sent) == 2 and not any(m.attachments for m in sent)
    transcript.refresh_from_db()
    # The copy is stored sealed; read_copy decrypts and checks it as the download does.
    archive = zipfile.ZipFile(io.BytesIO(read_copy(transcript.disclosure)))
    text = archive.read("transcript.txt").decode()
    assert VALID_BSN not in text and "Jan de Vries" not in text and "Domtoren" not in text

    assert leader.problems + manager.problems == [], "the browser reported errors"
