"""Answering a data subject request: the copy (with who listened, when and why) leaves only
after a second person approves; erasure goes through the purge's provable deletion and leaves
held calls with the reason; every answer ends with a decision and a letter."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone, translation
from pypdf import PdfReader

import audit
from access.constants import DisclosureContents
from access.disclosure_copy import read_copy
from access.models import Case
from audit.models import AuditEvent
from organisations.models import Membership
from organisations.tests.factories import EmployeeFactory
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create
from retention.holds import hold_decide, hold_request
from subjects.answer import AnswerError, answer_approve, answer_prepare, answer_reject
from subjects.answer_constants import AnswerAction, AnswerStatus, CopyMedia
from subjects.constants import SubjectDecision, SubjectRequestStatus, SubjectRight
from subjects.letter import letter_pdf
from subjects.models import SubjectRequest
from subjects.tests.conftest import register_request

pytestmark = pytest.mark.django_db

PHONE = "+31612345678"
EMAIL = "jan@example.nl"


def member(cast, role) -> Membership:
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=cast.organisation
    )


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def held_call(cast, case_reference="K-7"):
    recording = recording_create(
        organisation=cast.organisation, customer_phone=PHONE, customer_name="Jan de Vries"
    )
    case = Case.objects.create(
        organisation=cast.organisation,
        kind="threat",
        reference=case_reference,
        received_via="phone",
        received_on=timezone.localdate(),
        description="Dreiging",
    )
    hold = hold_request(
        membership=member(cast, "manager"),
        recordings=[recording],
        motivation="Politie vraagt de opname te bewaren voor het onderzoek naar de dreiging.",
        review_on=timezone.localdate() + timedelta(days=30),
        case=case,
    )
    hold_decide(membership=member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    return Recording.objects.get(pk=recording.pk)


@pytest.fixture
def calls(registers):
    cast = registers
    agent = EmployeeFactory(organisation=cast.organisation, name="Sanne Agent")
    live = recording_create(
        organisation=cast.organisation,
        customer_phone=PHONE,
        customer_name="Jan de Vries",
        employee=agent,
    )
    held = held_call(cast)
    coach = cast["coach"]
    coach.first_name, coach.last_name = "Carla", "Coach"
    coach.save()
    audit.record(
        actor=coach,
        action="access.recording.listened",
        organisation=cast.organisation,
        target=live,
        purpose="coaching",
    )
    audit.record(  # a refused play is no listen
        actor=cast["employee"],
        action="access.recording.refused",
        organisation=cast.organisation,
        target=live,
        purpose="coaching",
    )
    return {"live": live, "held": held}


def prepare(cast, subject_request, **overrides):
    fields = {
        "membership": member(cast, "privacy_officer"),
        "subject_request_id": subject_request.pk,
        "action": AnswerAction.COPY,
        "decision": SubjectDecision.GRANTED,
        "reason": "U heeft recht op inzage in uw gegevens.",
        "language": "nl",
        "media": CopyMedia.AUDIO,
    }
    fields.update(overrides)
    return answer_prepare(**fields)


def approve(cast, answer, role="manager"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return answer_approve(membership=member(cast, role), answer_id=answer.pk)


def test_the_copy_leaves_only_after_a_second_person_approves_it(cast, calls):
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = prepare(cast, request)
    # Those who may approve are told, with a link and no personal data; the preparer is not.
    assert sorted(m.to[0] for m in mail.outbox) == ["acme-manager@example.test"]
    assert request.reference in mail.outbox[0].subject and EMAIL not in mail.outbox[0].body
    mail.outbox.clear()

    assert answer.status == AnswerStatus.PROPOSED
    assert answer.disclosure is None and not mail.outbox
    assert not AuditEvent.objects.filter(action="access.recording.disclosed_to_subject").exists()
    with translation.override("en"), pytest.raises(AnswerError, match="another privacy officer"):
        answer_approve(membership=member(cast, "privacy_officer"), answer_id=answer.pk)
    for role in ("employee", "coach", "team_leader", "administrator", "auditor"):
        with pytest.raises(AnswerError):
            answer_approve(membership=member(cast, role), answer_id=answer.pk)
    assert SubjectRequest.objects.get(pk=request.pk).status == SubjectRequestStatus.OPEN

    answer = approve(cast, answer)

    disclosure = answer.disclosure
    assert disclosure.contents == DisclosureContents.SUBJECT_COPY
    assert disclosure.recipient_email == EMAIL and disclosure.purpose_code == ""
    assert [m.to for m in mail.outbox] == [[EMAIL], [EMAIL]]  # the link, then the code
    archive = zipfile.ZipFile(io.BytesIO(read_copy(disclosure)))
    names = archive.namelist()
    # Held calls are part of the copy: a hold does not stop access.
    audio = sorted(name for name in names if name.startswith("audio/"))
    assert len(audio) == 2
    for recording in calls.values():
        assert any(recording.pk.hex[:8] in name for name in audio)
    assert {"copy.pdf", "copy.json"} <= set(names)
    letter = next(name for name in names if name.endswith(".pdf") and name != "copy.pdf")
    assert request.reference in letter
    assert AuditEvent.objects.filter(
        action="access.recording.disclosed_to_subject", target_id=str(calls["live"].pk)
    ).exists()
    request = SubjectRequest.objects.get(pk=request.pk)
    assert request.status == SubjectRequestStatus.ANSWERED
    assert request.decision == SubjectDecision.GRANTED and request.closed_at is not None


def test_the_copy_says_who_listened_when_and_why_and_names_the_employee_by_role(cast, calls):
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    answer = approve(cast, prepare(cast, request, language="en", media=CopyMedia.METADATA))

    archive = zipfile.ZipFile(io.BytesIO(read_copy(answer.disclosure)))
    assert not [name for name in archive.namelist() if name.startswith("audio/")]
    data = json.loads(archive.read("copy.json"))
    live = next(call for call in data["calls"] if call["id"] == str(calls["live"].pk))
    assert [(x["listener"], x["purpose_code"], x["purpose"]) for x in live["listens"]] == [
        ("Carla Coach", "coaching", "Coaching en monitoring")
    ]
    assert live["listens"][0]["at"][:10] == timezone.localdate().isoformat()
    assert live["customer"]["phone"] == PHONE
    assert live["employee"] == "employee" and "Sanne" not in json.dumps(data)
    held = next(call for call in data["calls"] if call["id"] == str(calls["held"].pk))
    assert held["under_legal_hold"] is True and held["listens"] == []
    text = pdf_text(archive.read("copy.pdf"))
    assert "Carla Coach" in text and "Coaching en monitoring" in text


def test_a_double_click_prepares_and_approves_nothing_twice(cast, calls):
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    answer = prepare(cast, request)
    with translation.override("en"), pytest.raises(AnswerError, match="already been prepared"):
        prepare(cast, request)
    approve(cast, answer)
    with translation.override("en"), pytest.raises(AnswerError, match="already been approved"):
        approve(cast, answer)
    assert len(mail.outbox) == 2


def test_a_rejected_answer_sends_nothing_and_a_new_one_may_be_prepared(cast, calls):
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    answer = prepare(cast, request)
    answer_reject(membership=member(cast, "manager"), answer_id=answer.pk, reason="Geen audio.")
    assert not mail.outbox
    again = prepare(cast, request, media=CopyMedia.METADATA)
    assert again.status == AnswerStatus.PROPOSED


def test_erasure_goes_through_the_purge_and_a_held_call_stays_with_its_reason(cast, calls):
    live, held = calls["live"], calls["held"]
    request = register_request(cast, phones=[PHONE], right=SubjectRight.ERASURE)
    with translation.override("en"), pytest.raises(AnswerError, match="partly granted"):
        prepare(cast, request, action=AnswerAction.ERASURE, media="")
    answer = prepare(
        cast,
        request,
        action=AnswerAction.ERASURE,
        decision=SubjectDecision.PARTLY_GRANTED,
        media="",
        language="en",
    )
    assert audio_storage().exists(live.storage_key)  # nothing erased before approval

    answer = approve(cast, answer)

    tombstone = Recording.objects.get(pk=live.pk)
    assert tombstone.status == RecordingStatus.PURGED
    assert tombstone.customer_phone == "" and tombstone.customer_name == ""
    assert not audio_storage().exists(live.storage_key)
    event = AuditEvent.objects.get(
        action="retention.recording.erased_early", target_id=str(live.pk)
    )
    assert event.detail["reason"] == f"data subject request {request.pk}"
    assert event.actor_id == cast["manager"].pk
    survivor = Recording.objects.get(pk=held.pk)
    assert survivor.status == RecordingStatus.HELD and audio_storage().exists(held.storage_key)
    assert answer.outcome["held"][0]["case"] == "K-7"
    text = pdf_text(letter_pdf(answer))
    assert "we grant your request in part" in text
    assert "under legal hold since" in text and "K-7" in text
    assert "we erased 1 recorded call" in text


def test_nothing_found_is_answered_with_a_letter_and_still_logged(cast, registers):
    request = register_request(cast, phones=["+31687654321"], email=EMAIL)
    with translation.override("en"), pytest.raises(AnswerError, match="nothing found"):
        prepare(cast, request, decision=SubjectDecision.GRANTED, media=CopyMedia.AUDIO)
    answer = prepare(
        cast,
        request,
        action=AnswerAction.DECISION_ONLY,
        decision=SubjectDecision.NOTHING_FOUND,
        reason="We vonden niets.",
        media="",
        language="en",
    )
    assert answer.status == AnswerStatus.CARRIED_OUT and answer.approved_by is None
    assert SubjectRequest.objects.get(pk=request.pk).status == SubjectRequestStatus.ANSWERED
    assert AuditEvent.objects.filter(
        action="subjects.request.answered", target_id=str(request.pk)
    ).exists()
    text = pdf_text(letter_pdf(answer))
    assert "we hold no personal data about you" in text and "found no personal data" in text
    assert "within the deadline" in text


def test_the_letter_is_in_dutch_or_english_as_chosen(cast, calls):
    request = register_request(cast, phones=[PHONE], right=SubjectRight.OBJECTION)
    answer = prepare(
        cast,
        request,
        action=AnswerAction.DECISION_ONLY,
        decision=SubjectDecision.REFUSED,
        reason="Dwingende gerechtvaardigde gronden: de opnamen dienen de klachtbehandeling.",
        media="",
        language="nl",
    )
    dutch = pdf_text(letter_pdf(answer))
    assert "Ons besluit: wij wijzen uw verzoek af" in dutch
    assert "Dwingende gerechtvaardigde gronden" in dutch
    answer.language = "en"
    english = pdf_text(letter_pdf(answer))
    assert "Our decision: we refuse your request" in english


def test_a_request_withdrawn_meanwhile_is_not_answered(cast, calls):
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    answer = prepare(cast, request)
    SubjectRequest.objects.filter(pk=request.pk).update(
        status=SubjectRequestStatus.WITHDRAWN, closed_at=timezone.now()
    )
    with translation.override("en"), pytest.raises(AnswerError, match="not open"):
        approve(cast, answer)
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="access.recording.disclosed_to_subject").exists()


def test_calls_the_search_flagged_are_included_only_when_judged_and_only_those(cast, registers):
    org = cast.organisation
    own = recording_create(organisation=org, customer_phone=PHONE, customer_name="Jan de Vries")
    namesake = recording_create(
        organisation=org, customer_phone="+31687654321", customer_name="jan  de VRIES"
    )
    unrelated = recording_create(organisation=org, customer_phone="+31611111111")
    request = register_request(cast, phones=[PHONE], name="Jan de Vries", email=EMAIL)
    for forged in ([str(unrelated.pk)], ["not-a-call"]):
        with translation.override("en"), pytest.raises(AnswerError, match="calls to judge"):
            prepare(cast, request, judged_recording_ids=forged)

    answer = prepare(cast, request, judged_recording_ids=[str(namesake.pk)])

    assert set(answer.recordings.all()) == {own, namesake}
    assert answer.outcome["found"]["recordings"] == 2
    event = AuditEvent.objects.get(action="subjects.answer.prepared")
    assert event.detail["judged_calls"] == 1
