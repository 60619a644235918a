"""Attacks on transcripts (regressions): bad input that once gave a 500 or leaked, found by
trying to break the pages as an outsider and as a malicious insider."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from access.four_eyes import grant_revoke
from access.models import Disclosure
from conftest import signed_in_client
from transcripts.constants import TranscriptStatus
from transcripts.detectors import Known, propose
from transcripts.models import Utterance
from transcripts.policy import TranscriptError, transcripts_waiting_for
from transcripts.services import transcript_import
from transcripts.tests.helpers import started
from transcripts.tests.test_approval_and_export import _decide, _export, _reviewed, _submit

pytestmark = pytest.mark.django_db


def url(name: str, transcript, **kwargs) -> str:
    return reverse(
        f"transcripts:{name}",
        kwargs={"org_slug": "acme", "transcript_id": transcript.pk, **kwargs},
    )


def test_a_utf16_file_with_a_nul_in_a_speaker_label_is_refused_not_a_server_error(
    transcript_world, client_for
):
    """UTF-16 bytes hold no NUL byte of their own once decoded, except the character itself:
    it reached the database (which refuses NUL in text) through the speaker's label."""
    transcript = started(transcript_world)
    client = client_for(transcript_world.cast["team_leader"])
    for line in ("[00:00:01] Kl\x00ant: goedemiddag\n", "[00:00:01] Klant: goede\x00middag\n"):
        upload = SimpleUploadedFile("t.txt", line.encode("utf-16"))
        response = client.post(url("import", transcript), {"file": upload})
        assert response.status_code == 200
        assert "Dit is geen tekstbestand" in response.content.decode()
    assert not Utterance.objects.filter(transcript=transcript).exists()


def test_after_the_grant_is_revoked_nobody_approves_or_exports_the_transcript(transcript_world):
    """Revoking the grant stopped the author, but another approver could still approve the
    transcript typed under it and send it out to the customer."""
    world = transcript_world
    transcript = _reviewed(world, started(world))
    _submit(world, transcript)
    grant_revoke(
        membership=world.membership("privacy_officer"),
        request_id=transcript.request_id,
        comment="De klant heeft zijn klacht ingetrokken.",
    )
    with translation.override("en"), pytest.raises(TranscriptError, match="was revoked"):
        _decide(world, transcript, role="manager")
    assert transcript_waiting_count(world, "manager") == 0
    client = client_for_role(world, "manager")
    assert client.post(url("decide", transcript), {"outcome": "approved"}).status_code == 404
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.SUBMITTED


def test_a_transcript_approved_before_the_revocation_is_not_exported_after_it(transcript_world):
    world = transcript_world
    transcript = _reviewed(world, started(world))
    _submit(world, transcript)
    _decide(world, transcript, role="manager")
    grant_revoke(
        membership=world.membership("privacy_officer"),
        request_id=transcript.request_id,
        comment="De klant heeft zijn klacht ingetrokken.",
    )
    for role in ("manager", "privacy_officer", "team_leader"):
        with pytest.raises(TranscriptError):
            _export(world, transcript, role=role)
    assert not Disclosure.objects.exists()


def transcript_waiting_count(world, role) -> int:
    return len(transcripts_waiting_for(world.membership(role)))


def client_for_role(world, role):
    return signed_in_client(world.cast[role])


def test_many_name_like_words_in_a_row_do_not_stall_the_detectors():
    """deduce's context patterns took minutes over 1,600 characters of "Jan Jan ..." (time
    growing with the cube of the run): a typist could tie up a web worker with one utterance.
    It now reads windows of words, and still finds a name across a window's edge."""
    known = Known(names=("Jan de Vries",))
    started_at = time.monotonic()
    propose("Jan " * 500, known)
    assert time.monotonic() - started_at < 20
    filler = "en toen zei ik dat het goed was " * 6  # 48 words: the name sits across an edge
    text = f"{filler}meneer Pieter Bakker belde terug"
    found = [text[p.start : p.end] for p in propose(text, Known())]
    assert any("Pieter Bakker" in span for span in found)


def test_a_file_with_more_utterances_than_a_transcript_holds_is_refused(transcript_world):
    """A 2 MB file of one-word lines made some 130,000 utterances in one go: a page with a form
    per utterance, and a detectors' run, that no one could use."""
    transcript = started(transcript_world)
    lines = "".join(f"[00:00:{n % 60:02d}] Klant: ja\n" for n in range(3001)).encode()
    with pytest.raises(TranscriptError):
        transcript_import(
            membership=transcript_world.membership("team_leader"),
            transcript_id=transcript.pk,
            data=lines,
        )
    assert not Utterance.objects.filter(transcript=transcript).exists()
