"""The answer's pages: the privacy officer prepares on the request page, a manager finds it on
the dashboard and approves on the answer's page; double clicks, the preparer's own approval,
other roles and other organisations are refused; the letter downloads (audited)."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from recordings.tests.factories import recording_create
from subjects.answer_constants import AnswerStatus
from subjects.answer_models import SubjectAnswer
from subjects.constants import SubjectRequestStatus
from subjects.models import SubjectRequest
from subjects.tests.conftest import register_request
from subjects.tests.test_answer import EMAIL, PHONE

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def urls(cast, request, answer=None):
    org = cast.organisation.slug
    found = {
        "detail": reverse(
            "subjects:detail", kwargs={"org_slug": org, "subject_request_id": request.pk}
        ),
        "prepare": reverse(
            "subjects:answer_prepare", kwargs={"org_slug": org, "subject_request_id": request.pk}
        ),
        "letter": reverse(
            "subjects:letter", kwargs={"org_slug": org, "subject_request_id": request.pk}
        ),
        "dashboard": reverse("organisations:dashboard", kwargs={"org_slug": org}),
    }
    if answer is not None:
        for name in ("answer", "answer_approve", "answer_reject"):
            found[name] = reverse(
                f"subjects:{name}", kwargs={"org_slug": org, "answer_id": answer.pk}
            )
    return found


FIELDS = {
    "action": "copy",
    "decision": "granted",
    "reason": "U heeft recht op inzage.",
    "language": "en",
    "media": "audio",
}


def answer_form(**changes) -> dict:
    return {f"answer-{key}": value for key, value in {**FIELDS, **changes}.items()}


FORM = answer_form()


def test_prepare_then_another_person_approves_on_the_answer_page(cast, registers, client_for):
    recording_create(organisation=cast.organisation, customer_phone=PHONE)
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    officer = client_for(cast["privacy_officer"])
    page = officer.get(urls(cast, request)["detail"], **EN).content.decode()
    assert "data-answer-form" in page

    response = officer.post(urls(cast, request)["prepare"], FORM, follow=True, **EN)
    assert "another privacy officer or a manager must approve" in response.content.decode()
    # A double click prepares nothing twice.
    response = officer.post(urls(cast, request)["prepare"], FORM, follow=True, **EN)
    assert "already been prepared" in response.content.decode()
    answer = SubjectAnswer.objects.get(subject_request=request)
    u = urls(cast, request, answer)

    # The preparer may not approve, also not through a forged POST.
    response = officer.post(u["answer_approve"], follow=True, **EN)
    assert "another privacy officer or a manager must approve" in response.content.decode()
    assert SubjectAnswer.objects.get(pk=answer.pk).status == AnswerStatus.PROPOSED
    # Roles that may not approve do not even see it.
    for role in ("employee", "coach", "team_leader", "administrator", "auditor"):
        assert client_for(cast[role]).get(u["answer"]).status_code == 404
        assert client_for(cast[role]).post(u["answer_approve"]).status_code == 404

    manager = client_for(cast["manager"])
    dashboard = manager.get(u["dashboard"], **EN).content.decode()
    assert "Answers to data subject requests to approve" in dashboard
    approval_page = manager.get(u["answer"], **EN).content.decode()
    assert "data-approve" in approval_page and "data-link-until" in approval_page
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = manager.post(u["answer_approve"], follow=True, **EN)
    assert "the request is answered" in response.content.decode()
    assert len(mail.outbox) == 2
    response = manager.post(u["answer_approve"], follow=True, **EN)
    assert "already been approved or rejected" in response.content.decode()
    assert len(mail.outbox) == 2
    assert SubjectRequest.objects.get(pk=request.pk).status == SubjectRequestStatus.ANSWERED

    letter = officer.get(u["letter"])
    assert letter["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages)
    assert "we grant your request" in text and "download link" in text
    assert AuditEvent.objects.filter(
        action="subjects.letter.downloaded", target_id=str(request.pk)
    ).exists()
    assert "data-letter" in officer.get(u["detail"]).content.decode()


def test_bad_input_changes_nothing(cast, registers, client_for):
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    officer = client_for(cast["privacy_officer"])
    prepare = urls(cast, request)["prepare"]
    for bad in (
        answer_form(action="erasure"),  # not an answer to an access request
        answer_form(action="shred"),
        answer_form(reason=""),
        answer_form(language="de"),
        answer_form(decision="granted"),  # nothing was found to copy
    ):
        response = officer.post(prepare, bad, follow=True, **EN)
        assert response.status_code == 200
    assert not SubjectAnswer.objects.exists()
    # No letter before an answer.
    response = officer.get(urls(cast, request)["letter"], follow=True, **EN)
    assert "no answer letter yet" in response.content.decode()


def test_a_user_of_another_organisation_reaches_none_of_it(cast, registers, client_for):
    recording_create(organisation=cast.organisation, customer_phone=PHONE)
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    client_for(cast["privacy_officer"]).post(urls(cast, request)["prepare"], FORM)
    answer = SubjectAnswer.objects.get(subject_request=request)
    outsider = client_for(cast.outsider)
    for name, url in urls(cast, request, answer).items():
        assert outsider.get(url).status_code == 404, name
        assert outsider.post(url, FORM).status_code in (404, 405), name
    # Through the outsider's own organisation, the ids name nothing.
    other = cast.other_organisation.slug
    for name, method in (("answer", "get"), ("answer_approve", "post"), ("answer_reject", "post")):
        url = reverse(f"subjects:{name}", kwargs={"org_slug": other, "answer_id": answer.pk})
        assert getattr(outsider, method)(url).status_code == 404
    assert SubjectAnswer.objects.get(pk=answer.pk).status == AnswerStatus.PROPOSED
    assert not mail.outbox
