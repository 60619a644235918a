"""Instead of audio, the copy may hold the call's approved anonymised transcript (written by
the transcripts app); a call without one gets its metadata and listens only."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from access.disclosure_copy import read_copy
from subjects.answer_constants import AnswerAction, CopyMedia
from subjects.constants import SubjectRight
from subjects.tests.conftest import register_request
from subjects.tests.test_answer import EMAIL, approve, pdf_text, prepare
from transcripts.models import Transcript
from transcripts.tests.conftest import transcript_world  # noqa: F401 (fixture)
from transcripts.tests.helpers import started
from transcripts.tests.test_approval_and_export import _decide, _reviewed, _submit

pytestmark = pytest.mark.django_db


def test_the_copy_holds_the_approved_anonymised_transcript_instead_of_audio(transcript_world):  # noqa: F811
    world = transcript_world
    transcript = _reviewed(world, started(world))
    _submit(world, transcript)
    _decide(world, transcript)
    request = register_request(world.cast, phones=["+31612345678"], email=EMAIL)

    answer = approve(
        world.cast, prepare(world.cast, request, media=CopyMedia.TRANSCRIPT, language="en")
    )

    archive = zipfile.ZipFile(io.BytesIO(read_copy(answer.disclosure)))
    names = archive.namelist()
    assert not [name for name in names if name.startswith("audio/")]
    text_name = next(
        name for name in names if name.startswith("transcripts/") and name.endswith(".txt")
    )
    text = archive.read(text_name).decode()
    assert "Jan de Vries" not in text and "Dank u, ik kijk het na." in text
    data = json.loads(archive.read("copy.json"))
    assert text_name in data["calls"][0]["files"]
    assert answer.outcome["copy"]["transcripts"] == 1
    letter = next(n for n in names if n.endswith(".pdf") and "/" not in n and n != "copy.pdf")
    assert "anonymised transcript of 1 call" in pdf_text(archive.read(letter))


def test_erasing_the_call_erases_its_transcript_too(transcript_world):  # noqa: F811
    world = transcript_world
    transcript = _reviewed(world, started(world))
    request = register_request(world.cast, phones=["+31612345678"], right=SubjectRight.ERASURE)

    answer = approve(
        world.cast,
        prepare(world.cast, request, action=AnswerAction.ERASURE, media="", language="en"),
    )

    assert answer.outcome["erased"][0]["id"] == str(world.call.pk)
    assert not Transcript.objects.filter(pk=transcript.pk).exists()
