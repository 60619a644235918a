"""Typing utterances: clear refusals for bad times and empty text, any Unicode kept exactly,
long utterances up to the limit, overlapping times accepted (people talk over each other)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from transcripts.models import Utterance
from transcripts.policy import TranscriptError
from transcripts.services import utterance_change, utterance_delete
from transcripts.tests.helpers import say, started
from transcripts.timecodes import format_seconds, parse_seconds

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed,seconds",
    [
        ("83", 83.0),
        ("1:23", 83.0),
        ("01:23,5", 83.5),
        ("00:01:23", 83.0),
        ("[00:01:23.4]", 83.4),
        ("1:75", None),
        ("-3", None),
        ("abc", None),
        ("", None),
    ],
)
def test_moments_are_read_as_people_type_them(typed, seconds):
    assert parse_seconds(typed) == seconds


def test_moments_are_shown_as_the_import_reads_them():
    assert format_seconds(83.44) == "00:01:23.4"
    assert parse_seconds(format_seconds(3725.0)) == 3725.0


def test_an_utterance_is_stored_with_its_time_speaker_and_text(transcript_world):
    transcript = started(transcript_world)
    utterance = say(transcript_world, transcript, "Goedemiddag, u spreekt met Jan.", at=2.5)
    assert (utterance.start_seconds, utterance.speaker, utterance.position) == (2.5, "customer", 1)
    event = AuditEvent.objects.get(action="transcripts.utterance.added")
    assert event.detail == {"position": 1}  # never the text


@pytest.mark.parametrize(
    "at,text,message",
    [
        (-1.0, "Hallo", "niet negatief"),
        (500.0, "Hallo", "na het einde van het gesprek"),
        (None, "Hallo", "geen tijd"),
        (3.0, "   ", "heeft geen tekst"),
        (3.0, "x" * 10_001, "langer dan 10000 tekens"),
        (3.0, "nul\x00byte", "teken dat geen tekst is"),
    ],
)
def test_bad_utterances_are_refused_with_a_clear_message(transcript_world, at, text, message):
    transcript = started(transcript_world)
    with pytest.raises(TranscriptError, match=message):
        say(transcript_world, transcript, text, at=at)
    assert not Utterance.objects.exists()


def test_an_end_before_the_start_is_refused(transcript_world):
    transcript = started(transcript_world)
    with pytest.raises(TranscriptError, match="eindtijd ligt voor de begintijd"):
        say(transcript_world, transcript, "Hallo", at=5.0, end_seconds=4.0)


def test_unusual_characters_and_long_utterances_are_kept_exactly(transcript_world):
    transcript = started(transcript_world)
    text = (
        "Zoë Ĳsselmeer-Çelik 👩🏽‍💼 zei: «שלום» — ‘ok’\u200b, één\u0301 "
        "日本語 \U0001f600 tab\there" + " lang" * 1980
    )
    assert len(text) <= 10_000
    utterance = say(transcript_world, transcript, text)
    utterance.refresh_from_db()
    assert utterance.text == text


def test_overlapping_times_are_accepted_and_ordered_by_start(transcript_world):
    transcript = started(transcript_world)
    say(transcript_world, transcript, "Ik wil graag…", at=10.0, end_seconds=14.0)
    say(transcript_world, transcript, "Mag ik uw naam?", at=12.0, speaker="employee")
    say(transcript_world, transcript, "Hallo", at=1.0)
    assert [u.start_seconds for u in transcript.utterances.all()] == [1.0, 10.0, 12.0]


def test_browser_line_ends_count_as_one_character(transcript_world):
    transcript = started(transcript_world)
    utterance = say(transcript_world, transcript, "eerste regel\r\ntweede regel")
    assert utterance.text == "eerste regel\ntweede regel"


def test_changing_and_deleting_an_utterance(transcript_world):
    transcript = started(transcript_world)
    utterance = say(transcript_world, transcript, "Hallo")
    membership = transcript_world.membership("team_leader")
    utterance_change(
        membership=membership,
        transcript_id=transcript.pk,
        utterance_id=utterance.pk,
        start_seconds=3.0,
        speaker="Tolk",
        text="Goedendag",
    )
    utterance.refresh_from_db()
    assert (utterance.text, utterance.speaker, utterance.start_seconds) == ("Goedendag", "Tolk", 3)
    utterance_delete(membership=membership, transcript_id=transcript.pk, utterance_id=utterance.pk)
    assert not Utterance.objects.exists()


def test_someone_else_cannot_change_the_transcript(transcript_world):
    transcript = started(transcript_world)
    with pytest.raises(TranscriptError):
        say(transcript_world, transcript, "Hallo", role="manager")


def test_forged_ids_get_a_message_not_an_error(transcript_world, client_for):
    transcript = started(transcript_world)
    client = client_for(transcript_world.cast["team_leader"])
    kwargs = {"org_slug": "acme", "transcript_id": transcript.pk}
    for name, extra, data in [
        ("transcripts:utterance_edit", {"utterance_id": 99999}, {"u99999-start": "1"}),
        ("transcripts:utterance_delete", {"utterance_id": 99999}, {}),
        ("transcripts:redaction_decide", {"redaction_id": 99999}, {"state": "accepted"}),
        ("transcripts:redaction_add", {}, {"utterance": "abc", "kind": "name"}),
        ("transcripts:decide", {}, {"outcome": "approved"}),
        ("transcripts:export", {}, {"email": "klant@example.nl"}),
        ("transcripts:submit", {}, {}),
    ]:
        response = client.post(reverse(name, kwargs={**kwargs, **extra}), data)
        assert response.status_code in (200, 302), name


def test_the_page_adds_an_utterance_in_the_background_or_with_a_plain_form(
    transcript_world, client_for
):
    transcript = started(transcript_world)
    client = client_for(transcript_world.cast["team_leader"])
    url = reverse(
        "transcripts:utterance_add", kwargs={"org_slug": "acme", "transcript_id": transcript.pk}
    )
    data = {"start": "00:00:04.2", "speaker": "customer", "text": "Goedemiddag"}
    response = client.post(url, data, headers={"X-Transcript-Add": "1"})
    assert response.status_code == 200
    assert "Goedemiddag" in response.json()["html"]
    response = client.post(url, {**data, "start": "-1"}, headers={"X-Transcript-Add": "1"})
    assert response.status_code == 400
    assert response.json()["errors"]
    response = client.post(
        url, {**data, "start": "0:07", "speaker": "other", "speaker_label": "Tolk"}
    )
    assert response.status_code == 302
    assert [u.speaker for u in transcript.utterances.all()] == ["customer", "Tolk"]
    # Without script, a refusal is shown beside the form, and nothing is stored.
    response = client.post(url, {**data, "text": ""})
    assert response.status_code == 200
    assert transcript.utterances.count() == 2
