"""Redaction review: the detectors' proposals stored with their detector, the typist's accept
and remove, redactions added by hand (by span or by exact text), the anonymised preview, and
an edited utterance whose redactions no longer fit being proposed again."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from transcripts.anonymise import anonymised
from transcripts.constants import MANUAL, RedactionState
from transcripts.detectors import DETECTORS
from transcripts.models import Redaction
from transcripts.policy import TranscriptError
from transcripts.redactions import known_for, redaction_add, redaction_decide, redactions_propose
from transcripts.services import utterance_change
from transcripts.tests.conftest import INVALID_BSN, VALID_BSN
from transcripts.tests.helpers import say, started

pytestmark = pytest.mark.django_db


def _propose(world, transcript) -> int:
    return redactions_propose(
        membership=world.membership("team_leader"), transcript_id=transcript.pk
    )


def test_the_calls_metadata_is_what_the_detectors_know(transcript_world):
    known = known_for(transcript_world.call)
    assert known.names == ("Jan de Vries", "Sanne Visser")
    assert known.addresses == ("Kerkstraat 12, Utrecht",)
    assert known.postcodes == ("3511AB",)
    assert known.phones == ("+31612345678",)


def test_a_valid_bsn_is_proposed_once_and_a_failing_nine_digit_number_is_not(transcript_world):
    transcript = started(transcript_world)
    text = f"Mijn BSN is {VALID_BSN} en mijn klantnummer is {INVALID_BSN}."
    utterance = say(transcript_world, transcript, text)
    _propose(transcript_world, transcript)
    spans = [text[r.start : r.end] for r in utterance.redactions.filter(kind="bsn")]
    assert spans == [VALID_BSN]
    bsn = utterance.redactions.get(kind="bsn")
    assert bsn.state == RedactionState.PROPOSED
    assert bsn.detector in DETECTORS  # the page shows which detector proposed it
    assert INVALID_BSN in anonymised(text, utterance.redactions.all(), "nl")
    # Running the detectors again proposes nothing twice.
    _propose(transcript_world, transcript)
    assert utterance.redactions.filter(kind="bsn").count() == 1


def test_the_customers_known_name_is_proposed_wherever_it_is_said(transcript_world):
    transcript = started(transcript_world)
    text = "Goedemiddag, u spreekt met Sanne Visser. Spreek ik met meneer Jan de Vries?"
    utterance = say(transcript_world, transcript, text, speaker="employee")
    _propose(transcript_world, transcript)
    hidden = anonymised(text, utterance.redactions.all(), "en")
    assert "Jan de Vries" not in hidden and "Sanne Visser" not in hidden
    assert "[NAME]" in hidden


def test_decisions_survive_a_second_run_and_removed_text_shows_again(transcript_world):
    transcript = started(transcript_world)
    text = f"Mijn BSN is {VALID_BSN}."
    utterance = say(transcript_world, transcript, text)
    _propose(transcript_world, transcript)
    bsn = utterance.redactions.get(kind="bsn")
    membership = transcript_world.membership("team_leader")
    redaction_decide(
        membership=membership, transcript_id=transcript.pk, redaction_id=bsn.pk, state="removed"
    )
    assert _propose(transcript_world, transcript) == 0
    bsn.refresh_from_db()
    assert bsn.state == RedactionState.REMOVED
    assert VALID_BSN in anonymised(text, utterance.redactions.all(), "nl")
    redaction_decide(
        membership=membership, transcript_id=transcript.pk, redaction_id=bsn.pk, state="accepted"
    )
    assert anonymised(text, utterance.redactions.all(), "nl") == "Mijn BSN is [BSN]."


def test_a_redaction_added_by_hand_by_span_or_by_exact_text(transcript_world):
    transcript = started(transcript_world)
    text = "Ik woon naast de bakker, de bakker van Ödön 👋 ken ik."
    utterance = say(transcript_world, transcript, text)
    membership = transcript_world.membership("team_leader")
    start = text.index("Ödön")
    redaction_add(
        membership=membership,
        transcript_id=transcript.pk,
        utterance_id=utterance.pk,
        kind="name",
        start=start,
        end=start + len("Ödön"),
    )
    redaction_add(
        membership=membership,
        transcript_id=transcript.pk,
        utterance_id=utterance.pk,
        kind="address",
        exact="de bakker",
        occurrence=2,
    )
    manual = list(utterance.redactions.filter(detector=MANUAL))
    assert {r.state for r in manual} == {RedactionState.ACCEPTED}
    with translation.override("en"):
        assert (
            anonymised(text, utterance.redactions.all())
            == "Ik woon naast de bakker, [ADDRESS] van [NAME] 👋 ken ik."
        )
    with pytest.raises(TranscriptError, match="overlapt een weglakking"):
        redaction_add(
            membership=membership,
            transcript_id=transcript.pk,
            utterance_id=utterance.pk,
            kind="name",
            exact="Ödön 👋",
        )
    with pytest.raises(TranscriptError, match="De uitspraak bevat .* niet"):
        redaction_add(
            membership=membership,
            transcript_id=transcript.pk,
            utterance_id=utterance.pk,
            kind="name",
            exact="Piet",
        )


def test_editing_the_text_after_review_drops_its_redactions_and_proposes_again(transcript_world):
    transcript = started(transcript_world)
    utterance = say(transcript_world, transcript, f"Nummer {VALID_BSN}, Jan de Vries hier.")
    _propose(transcript_world, transcript)
    membership = transcript_world.membership("team_leader")
    redaction_add(
        membership=membership,
        transcript_id=transcript.pk,
        utterance_id=utterance.pk,
        kind="other",
        exact="hier",
    )
    new_text = f"Hier Jan de Vries, nummer {VALID_BSN}."
    dropped = utterance_change(
        membership=membership,
        transcript_id=transcript.pk,
        utterance_id=utterance.pk,
        start_seconds=1.0,
        speaker="customer",
        text=new_text,
    )
    assert dropped == 1  # the one added by hand must be added again
    assert not utterance.redactions.filter(detector=MANUAL).exists()
    spans = {new_text[r.start : r.end] for r in utterance.redactions.all()}
    assert VALID_BSN in spans
    assert all(r.state == RedactionState.PROPOSED for r in utterance.redactions.all())


def test_overlapping_spans_are_merged_in_the_anonymised_text():
    spans = [
        SimpleNamespace(start=0, end=5, kind="name", state="accepted"),
        SimpleNamespace(start=3, end=9, kind="address", state="proposed"),
        SimpleNamespace(start=10, end=12, kind="bsn", state="removed"),
    ]
    with translation.override("en"):
        assert anonymised("abcdefghij kl", spans) == "[NAME]j kl"


def test_the_review_page_shows_spans_detectors_and_the_preview_in_the_page_language(
    transcript_world, client_for
):
    transcript = started(transcript_world)
    say(transcript_world, transcript, f"Mijn BSN is {VALID_BSN}.")
    _propose(transcript_world, transcript)
    redaction = Redaction.objects.get(kind="bsn")
    client = client_for(transcript_world.cast["team_leader"])
    url = reverse("transcripts:detail", kwargs={"org_slug": "acme", "transcript_id": transcript.pk})
    page = client.get(url).content.decode()
    assert f'data-redaction="{redaction.pk}"' in page
    assert str(DETECTORS[redaction.detector]) in page or redaction.detector in page
    assert "Mijn BSN is [BSN]." in page
    decide = reverse(
        "transcripts:redaction_decide",
        kwargs={"org_slug": "acme", "transcript_id": transcript.pk, "redaction_id": redaction.pk},
    )
    client.post(decide, {"state": "accepted"})
    client.post(decide, {"state": "accepted"})  # a double click changes nothing
    redaction.refresh_from_db()
    assert redaction.state == RedactionState.ACCEPTED
    assert redaction.changed_by == transcript_world.cast["team_leader"]
