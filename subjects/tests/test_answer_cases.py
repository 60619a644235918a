"""Cases in a data subject's copy: a case found only because one of the person's numbers
appears in its free text may be someone else's complaint (a neighbour, a shared family phone);
it goes into the copy only when the preparer ticks it. A case linked to the person's own call
is certain. A forged or foreign case id is refused, and another organisation's case never
appears."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from access.disclosure_copy import read_copy
from access.models import Case
from audit.models import AuditEvent
from recordings.tests.factories import recording_create
from subjects.answer import AnswerError, answer_approve, answer_prepare
from subjects.answer_constants import AnswerAction, AnswerStatus, CopyMedia
from subjects.constants import SubjectDecision
from subjects.search import find_subject_data
from subjects.tests.conftest import register_request
from subjects.tests.test_answer import member

pytestmark = pytest.mark.django_db

PHONE = "+31612345678"
EMAIL = "jan@example.nl"


def case(organisation, reference, description, **fields):
    return Case.objects.create(
        organisation=organisation,
        kind="complaint",
        reference=reference,
        received_via="phone",
        received_on=timezone.localdate(),
        description=description,
        **fields,
    )


@pytest.fixture
def world(registers):
    cast = registers
    org = cast.organisation
    own_call = recording_create(organisation=org, customer_phone=PHONE, customer_name="Jan")
    linked = case(org, "K-LINK", "Klacht over de wachttijd")
    linked.recordings.add(own_call)
    neighbour = case(org, "K-BUUR", "Buurman belt steeds met 06-12345678, klaagt over geluid")
    family = case(org, "K-GEZIN", "Klacht", customer_contact="0612345678")
    foreign = case(cast.other_organisation, "K-ANDER", "Zelfde nummer 0612345678")
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    return {
        "cast": cast,
        "request": request,
        "linked": linked,
        "neighbour": neighbour,
        "family": family,
        "foreign": foreign,
    }


def prepare(world, **overrides):
    fields = {
        "membership": member(world["cast"], "privacy_officer"),
        "subject_request_id": world["request"].pk,
        "action": AnswerAction.COPY,
        "decision": SubjectDecision.GRANTED,
        "reason": "U heeft recht op inzage in uw gegevens.",
        "language": "nl",
        "media": CopyMedia.METADATA,
    }
    fields.update(overrides)
    return answer_prepare(**fields)


def copy_json(world, answer) -> dict:
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = answer_approve(membership=member(world["cast"], "manager"), answer_id=answer.pk)
    archive = zipfile.ZipFile(io.BytesIO(read_copy(answer.disclosure)))
    return json.loads(archive.read("copy.json"))


def references(data) -> set[str]:
    return {item["reference"] for item in data["cases"]}


def test_the_search_lists_text_matched_cases_to_judge_and_links_are_certain(world):
    findings = find_subject_data(world["request"])
    assert set(findings.cases) == {world["linked"]}
    notes = {note.reason: note for note in findings.ambiguous}
    assert set(notes["case_text"].cases) == {world["neighbour"], world["family"]}
    assert world["foreign"] not in [c for note in findings.ambiguous for c in note.cases]


def test_an_unticked_text_matched_case_is_not_in_the_copy(world):
    data = copy_json(world, prepare(world))
    assert references(data) == {"K-LINK"}
    text = json.dumps(data, ensure_ascii=False)
    assert "Buurman" not in text and "K-BUUR" not in text and "K-ANDER" not in text


def test_a_ticked_text_matched_case_is_in_the_copy(world):
    answer = prepare(world, judged_case_ids=[str(world["family"].pk)])
    assert answer.outcome["found"]["cases"] == 2
    event = AuditEvent.objects.get(action="subjects.answer.prepared")
    assert event.detail["judged_cases"] == 1
    data = copy_json(world, answer)
    assert references(data) == {"K-LINK", "K-GEZIN"}
    assert "Buurman" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("forged", ["foreign", "unknown", "garbage", "linked_elsewhere"])
def test_a_forged_case_id_is_refused_and_nothing_is_prepared(world, forged):
    if forged == "foreign":
        value = str(world["foreign"].pk)
    elif forged == "unknown":
        value = str(uuid.uuid4())
    elif forged == "garbage":
        value = "'; drop table"
    else:  # a case of the organisation that the search did not find
        value = str(case(world["cast"].organisation, "K-LOS", "Niets met dit nummer").pk)
    with translation.override("en"), pytest.raises(AnswerError, match="cases to judge"):
        prepare(world, judged_case_ids=[str(world["family"].pk), value])
    assert not world["request"].answers.exists()


def test_the_form_offers_the_cases_to_judge_and_the_view_refuses_a_forged_one(world, client_for):
    cast = world["cast"]
    client = client_for(cast["privacy_officer"])
    kwargs = {"org_slug": cast.organisation.slug, "subject_request_id": world["request"].pk}
    page = client.get(reverse("subjects:detail", kwargs=kwargs)).content.decode()
    assert 'name="answer-judged-case"' in page and str(world["neighbour"].pk) in page
    assert str(world["foreign"].pk) not in page
    prepare_url = reverse("subjects:answer_prepare", kwargs=kwargs)
    post = {
        "answer-action": AnswerAction.COPY,
        "answer-decision": SubjectDecision.GRANTED,
        "answer-reason": "Inzage.",
        "answer-language": "nl",
        "answer-media": CopyMedia.METADATA,
    }
    response = client.post(
        prepare_url, {**post, "answer-judged-case": str(world["foreign"].pk)}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Een van de gekozen zaken hoort niet bij de zaken om te beoordelen." in page
    assert not world["request"].answers.exists()
    client.post(prepare_url, {**post, "answer-judged-case": str(world["neighbour"].pk)})
    answer = world["request"].answers.get()
    assert answer.status == AnswerStatus.PROPOSED
    assert answer.outcome["judged_cases"] == [str(world["neighbour"].pk)]
