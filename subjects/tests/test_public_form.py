"""The public form: published per organisation; no account; rate-limited; a honeypot; an
unconfirmed request until the e-mailed link is used; expired ones deleted; unknown and
unpublished organisations give the same 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from subjects.constants import PUBLIC_LIMIT_PER_CLIENT, SubjectRequestStatus
from subjects.models import PublicRequestForm, PublicSubmission, SubjectIdentifier, SubjectRequest
from subjects.tasks import expire_subject_confirmations

URL = "/rights/acme/"


@pytest.fixture
def published(registers):
    PublicRequestForm.objects.create(organisation=registers.organisation, enabled=True)
    return registers


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """POST and run what waits for the commit (the e-mails)."""

    def run(client, url, values=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, values or {})

    return run


def data(**overrides):
    values = {
        "right": "access",
        "requester_name": "Jan de Vries",
        "requester_email": "jan@example.nl",
        "phones": "06-12345678",
        "customer_number": "",
        "bsn": "",
        "description": "Welke opnames heeft u van mij?",
        "website": "",
    }
    values.update(overrides)
    return values


def link_from(message) -> str:
    return (
        re.search(r"http://\S+/rights/acme/confirm/\S+/", message.body)
        .group(0)
        .split("localhost:8000")[-1]
    )


def test_unknown_and_unpublished_organisations_give_the_same_404(registers):
    client = Client()
    unknown = client.get("/rights/nobody/")
    unpublished = client.get(URL)
    assert unknown.status_code == unpublished.status_code == 404
    assert unknown.content == unpublished.content
    PublicRequestForm.objects.create(organisation=registers.organisation, enabled=False)
    assert client.get(URL).status_code == 404
    assert client.post(URL, data()).status_code == 404
    assert not SubjectRequest.objects.exists()


def test_a_submission_waits_for_the_email_confirmation(published, submit):
    client = Client(enforce_csrf_checks=True)
    page = client.get(URL)
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = submit(client, URL, {**data(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    subject_request = SubjectRequest.objects.get()
    assert subject_request.status == SubjectRequestStatus.UNCONFIRMED
    assert subject_request.reference == ""
    assert subject_request.created_by is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jan@example.nl"]
    # Not on the privacy officer's list yet.
    assert not published.organisation.subject_requests.filter(status="open").exists()
    # Only the hash of the link's secret is stored.
    path = link_from(mail.outbox[0])
    assert path.split("/")[-2] not in subject_request.confirmation_token_hash


def test_without_the_csrf_token_nothing_is_created(published):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, data()).status_code == 403
    assert not SubjectRequest.objects.exists()


@time_machine.travel("2026-05-04 12:00 +02:00", tick=False)
def test_confirming_opens_the_request_from_that_day_and_tells_the_privacy_officer(
    published, submit
):
    client = Client()
    submit(client, URL, data())
    path = link_from(mail.outbox[0])
    mail.outbox.clear()
    with time_machine.travel("2026-05-06 09:00 +02:00", tick=False):
        assert client.get(path).status_code == 200  # a button: a mail scanner confirms nothing
        assert SubjectRequest.objects.get().status == SubjectRequestStatus.UNCONFIRMED
        response = submit(client, path)
        assert response.status_code == 200
        again = submit(client, path)
    assert again.status_code == 200 and again.context["already"] is True
    subject_request = SubjectRequest.objects.get()
    assert subject_request.status == SubjectRequestStatus.OPEN
    assert subject_request.received_on.isoformat() == "2026-05-06"
    assert subject_request.deadline.isoformat() == "2026-06-06"
    assert subject_request.reference == "AVG-2026-0001"
    assert [m.to for m in mail.outbox] == [[published["privacy_officer"].email]]
    assert "Jan" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="subjects.request.confirmed").count() == 1
    kinds = set(SubjectIdentifier.objects.values_list("kind", flat=True))
    assert kinds == {"phone", "name", "email"}


def test_an_expired_link_confirms_nothing_and_the_request_is_deleted(published, submit):
    client = Client()
    submit(client, URL, data())
    path = link_from(mail.outbox[0])
    later = timezone.now() + timedelta(hours=73)
    with time_machine.travel(later, tick=False):
        assert client.post(path).status_code == 404
        assert client.get(path).status_code == 404
        assert SubjectRequest.objects.get().status == SubjectRequestStatus.UNCONFIRMED
        result = expire_subject_confirmations()
    assert result["deleted"] == 1
    assert not SubjectRequest.objects.exists()
    assert not SubjectIdentifier.objects.exists()
    assert AuditEvent.objects.filter(action="subjects.request.unconfirmed_deleted").exists()


def test_a_forged_link_gives_404(published):
    assert Client().post(URL + "confirm/forged-token/").status_code == 404
    assert Client().get(URL + "confirm/forged-token/").status_code == 404
    assert Client().post("/rights/other/confirm/forged-token/").status_code == 404


def test_the_rate_limit_per_client_address(published):
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(PUBLIC_LIMIT_PER_CLIENT):
        assert client.post(URL, data()).status_code == 302
    refused = client.post(URL, data())
    assert refused.status_code == 429
    assert SubjectRequest.objects.count() == PUBLIC_LIMIT_PER_CLIENT
    # Another address is not held back by this one.
    assert Client(REMOTE_ADDR="192.0.2.8").post(URL, data()).status_code == 302
    # The address itself is not stored.
    assert not PublicSubmission.objects.filter(client_digest__contains="192.0.2").exists()
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert client.post(URL, data()).status_code == 302


def test_the_rate_limit_per_organisation(published, monkeypatch):
    monkeypatch.setattr("subjects.public.PUBLIC_LIMIT_PER_ORGANISATION", 3)
    for n in range(3):
        assert Client(REMOTE_ADDR=f"192.0.2.{n}").post(URL, data()).status_code == 302
    assert Client(REMOTE_ADDR="192.0.2.99").post(URL, data()).status_code == 429


def test_the_honeypot_stores_nothing_and_sends_nothing(published, submit):
    response = submit(Client(), URL, data(website="http://spam.example"))
    assert response.status_code == 302  # the bot sees success
    assert not SubjectRequest.objects.exists()
    assert mail.outbox == []


def test_bsn_only_where_declared_and_checked_by_the_elfproef(published):
    client = Client()
    assert 'name="bsn"' in client.get(URL).content.decode()
    response = client.post(URL, data(bsn="123456789"))
    assert response.status_code == 200 and response.context["form"].errors["bsn"]
    published.organisation.processing_activities.update(recorded_customer_fields=["phone"])
    assert 'name="bsn"' not in client.get(URL).content.decode()
    response = client.post(URL, data(bsn="111222333"))
    assert response.status_code == 200
    assert not SubjectRequest.objects.exists()


def test_the_form_is_there_in_english_too(published):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    page = client.get(URL)
    assert "Your e-mail address" in page.content.decode()
