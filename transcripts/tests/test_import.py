"""Importing a text file: the documented line format in UTF-8, UTF-16 or Windows-1252; a single
bad line refuses the whole file with every bad line's number, and nothing is imported."""

from __future__ import annotations

import pytest
from django.urls import reverse

from transcripts.models import Utterance
from transcripts.services import ImportRefused, transcript_import
from transcripts.tests.helpers import say, started
from transcripts.text_import import parse

pytestmark = pytest.mark.django_db

GOOD = """# Gesprek 14 maart
[00:00:01] Medewerker: Goedemiddag, u spreekt met Sanne.
00:00:04 Klant: Hallo, met Zoë Çelik.
  Ik bel over mijn factuur.
[00:00:09 - 00:00:15] Tolk: Zij vraagt naar de factuur.
1:02,5 Customer: Dank u wel!
"""


def _import(world, transcript, data: bytes) -> int:
    return transcript_import(
        membership=world.membership("team_leader"), transcript_id=transcript.pk, data=data
    )


def test_the_documented_format_is_read(transcript_world):
    transcript = started(transcript_world)
    assert _import(transcript_world, transcript, GOOD.encode("utf-8")) == 4
    rows = [
        (u.start_seconds, u.end_seconds, u.speaker, u.text) for u in transcript.utterances.all()
    ]
    assert rows == [
        (1.0, None, "employee", "Goedemiddag, u spreekt met Sanne."),
        (4.0, None, "customer", "Hallo, met Zoë Çelik.\nIk bel over mijn factuur."),
        (9.0, 15.0, "Tolk", "Zij vraagt naar de factuur."),
        (62.5, None, "customer", "Dank u wel!"),
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_files_in_the_usual_encodings_are_read(transcript_world, encoding):
    transcript = started(transcript_world)
    assert _import(transcript_world, transcript, GOOD.encode(encoding)) == 4
    assert transcript.utterances.filter(text__contains="Zoë Çelik").exists()


def test_an_import_adds_after_what_was_typed(transcript_world):
    transcript = started(transcript_world)
    say(transcript_world, transcript, "Eerst getypt", at=0.5)
    _import(transcript_world, transcript, GOOD.encode())
    assert sorted(transcript.utterances.values_list("position", flat=True)) == [1, 2, 3, 4, 5]


def test_bad_lines_are_reported_by_number_and_nothing_is_imported(transcript_world):
    transcript = started(transcript_world)
    say(transcript_world, transcript, "Al getypt", at=0.5)
    bad = (
        "[00:00:01] Klant: goed\n"
        "Klant zonder tijd: fout\n"  # 2: no time
        "[00:00:03] Klant:\n"  # 3: no text
        "[00:09:59] Klant: na het einde\n"  # 4: after the call's 120 s
        "[00:00:08 - 00:00:05] Klant: eind voor begin\n"  # 5
        "[00:00:09] Klant: goed\n"
    )
    with pytest.raises(ImportRefused) as refused:
        _import(transcript_world, transcript, bad.encode())
    assert [number for number, _message in refused.value.errors] == [2, 3, 4, 5]
    assert Utterance.objects.count() == 1


def test_an_unreadable_file_is_refused_with_the_reason(transcript_world):
    transcript = started(transcript_world)
    from transcripts.policy import TranscriptError

    with pytest.raises(TranscriptError, match="geen tekstbestand"):
        _import(transcript_world, transcript, b"PK\x03\x04\x00\x00binary")
    with pytest.raises(ImportRefused) as refused:
        _import(transcript_world, transcript, b"# only a comment\n\n")
    assert "bevat geen uitspraken" in refused.value.errors[0][1]


def test_a_continued_line_needs_a_line_above():
    result = parse("  zwevende regel\n", duration_seconds=100)
    assert result.errors and result.errors[0][0] == 1


def test_the_page_lists_the_bad_lines(transcript_world, client_for):
    transcript = started(transcript_world)
    client = client_for(transcript_world.cast["team_leader"])
    url = reverse("transcripts:import", kwargs={"org_slug": "acme", "transcript_id": transcript.pk})
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("t.txt", b"[00:00:01] Klant: goed\nfout\n", "text/plain")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-import-errors" in page
    assert "Regel 2" in page
    assert not Utterance.objects.exists()
