"""Attacks on transcripts (regressions): bad input that once gave a 500 or leaked, found by
trying to break the pages as an outsider and as a malicious insider."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from transcripts.models import Utterance
from transcripts.tests.helpers import started

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
