"""Disclosures: a copy for the police or the customer, four eyes, a link plus a separate code."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from access.constants import RequestKind
from access.disclosure_copy import read_copy
from access.disclosures import MAX_CODE_ATTEMPTS, disclosures_expire
from access.four_eyes import RequestError
from access.models import Disclosure
from audit.models import AuditEvent
from recordings.storage import audio_storage
from register.models import Recipient

pytestmark = pytest.mark.django_db

EMAIL = "meldpunt@politie.example"


def _disclose(fe, police):
    request = fe.ask(kind=RequestKind.DISCLOSURE, recipient=police, recipient_email=EMAIL)
    mail.outbox.clear()
    fe.decide("privacy_officer", request)
    return Disclosure.objects.get(request=request)


def _to_recipient():
    return [message for message in mail.outbox if EMAIL in message.to]


def _link_and_code():
    link_mail, code_mail = _to_recipient()
    link = re.search(r"https?://\S+/d/(\S+)/", link_mail.body)
    code = re.search(r"\b(\d{8})\b", code_mail.body)
    return reverse("disclosure_open", kwargs={"token": link.group(1)}), code.group(1)


def test_only_a_recipient_the_policy_names_can_receive_a_copy(four_eyes, police):
    stranger = Recipient.objects.create(
        activity=four_eyes.purpose.activity, name="Journalist", kind="outside_party"
    )
    with pytest.raises(RequestError):
        four_eyes.ask(kind=RequestKind.DISCLOSURE, recipient=stranger, recipient_email=EMAIL)
    with pytest.raises(RequestError):
        four_eyes.ask(kind=RequestKind.DISCLOSURE, recipient=police, recipient_email="")


def test_nothing_leaves_before_a_second_person_approves(four_eyes, police):
    four_eyes.ask(kind=RequestKind.DISCLOSURE, recipient=police, recipient_email=EMAIL)
    assert not Disclosure.objects.exists()
    assert all(EMAIL not in message.to for message in mail.outbox)


def test_approval_produces_the_copy_once_and_sends_link_and_code_separately(four_eyes, police):
    disclosure = _disclose(four_eyes, police)
    content = read_copy(disclosure)  # stored sealed; the recipient's bytes
    assert hashlib.sha256(content).hexdigest() == disclosure.sha256
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        audio_names = [n for n in archive.namelist() if n != "SHA256SUMS"]
        assert len(audio_names) == 1
        with audio_storage().open(four_eyes.call.storage_key, "rb") as original:
            assert archive.read(audio_names[0]) == original.read()
    # Two messages to the recipient, no attachment; the code is not in the link's message.
    sent = _to_recipient()
    assert [m.to for m in sent] == [[EMAIL], [EMAIL]]
    assert all(not m.attachments for m in mail.outbox)
    link, code = _link_and_code()
    assert code not in sent[0].body
    assert "/d/" not in sent[1].body
    produced = AuditEvent.objects.get(action="access.disclosure.produced")
    assert produced.detail["sha256"] == disclosure.sha256
    assert produced.detail["recipient"] == "Politie"
    # The copy never outlives the call it copies.
    assert disclosure.expires_at <= four_eyes.call.purge_deadline


def test_the_link_opens_only_with_the_code_and_every_download_is_logged(four_eyes, police):
    disclosure = _disclose(four_eyes, police)
    link, code = _link_and_code()
    recipient = Client()
    download = link + "download"
    assert recipient.get(download).status_code == 302  # back to the code form
    page = recipient.get(link)
    assert page.status_code == 200 and b'name="code"' in page.content
    assert recipient.post(link, {"code": "00000000"}).status_code == 400
    assert recipient.post(link, {"code": code}).status_code == 302
    for _ in range(2):
        response = recipient.get(download, REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 200
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == disclosure.sha256
    downloads = AuditEvent.objects.filter(action="access.disclosure.downloaded")
    assert downloads.count() == 2
    assert {event.ip_address for event in downloads} == {"192.0.2.7"}
    # Another browser without the code gets nothing.
    assert Client().get(download).status_code == 302


def test_too_many_wrong_codes_close_the_link(four_eyes, police):
    _disclose(four_eyes, police)
    link, code = _link_and_code()
    guesser = Client()
    for _ in range(MAX_CODE_ATTEMPTS):
        guesser.post(link, {"code": "12345678"})
    assert guesser.post(link, {"code": code}).status_code == 410
    assert AuditEvent.objects.filter(action="access.disclosure.code_failed").count() == (
        MAX_CODE_ATTEMPTS
    )


def test_a_forged_token_finds_nothing(four_eyes, police):
    _disclose(four_eyes, police)
    forged = reverse("disclosure_open", kwargs={"token": "not-the-token"})
    assert Client().get(forged).status_code == 404
    assert Client().get(forged + "download").status_code == 404


def test_cancelling_stops_the_link_and_deletes_the_copy(four_eyes, police, client_for):
    disclosure = _disclose(four_eyes, police)
    link, code = _link_and_code()
    recipient = Client()
    recipient.post(link, {"code": code})
    url = reverse(
        "requests:cancel_link", kwargs={"org_slug": "acme", "request_id": disclosure.request_id}
    )
    client_for(four_eyes.cast["coach"]).post(url)  # not theirs to cancel
    assert audio_storage().exists(disclosure.storage_key)
    client_for(four_eyes.cast["manager"]).post(url)
    disclosure.refresh_from_db()
    assert disclosure.cancelled_at and disclosure.copy_deleted_at
    assert not audio_storage().exists(disclosure.storage_key)
    assert recipient.get(link + "download").status_code == 410
    assert recipient.get(link).status_code == 410


def test_an_expired_link_ends_and_the_beat_job_deletes_its_copy(four_eyes, police):
    disclosure = _disclose(four_eyes, police)
    link, code = _link_and_code()
    Disclosure.objects.filter(pk=disclosure.pk).update(expires_at=timezone.now())
    assert Client().post(link, {"code": code}).status_code == 410
    assert disclosures_expire() == 1
    assert not audio_storage().exists(disclosure.storage_key)
    assert disclosures_expire() == 0
    assert AuditEvent.objects.filter(action="access.disclosure.copy_deleted").count() == 1


def test_a_failed_approval_leaves_no_copy_behind(
    four_eyes, police, monkeypatch, isolated_audio_storage
):
    request = four_eyes.ask(kind=RequestKind.DISCLOSURE, recipient=police, recipient_email=EMAIL)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("access.disclosures.Disclosure.objects.create", broken)
    with pytest.raises(RuntimeError), TestCase.captureOnCommitCallbacks(execute=True):
        four_eyes.decide("privacy_officer", request)
    assert not list((isolated_audio_storage / "disclosures").rglob("*.zip"))
    request.refresh_from_db()
    assert request.status == "pending"
    assert not Disclosure.objects.exists()
    assert timezone.now() - timedelta(minutes=1) < request.created_at


def test_a_disclosure_under_a_case_shows_on_the_case_timeline(four_eyes, police):
    from access.cases import case_create, case_timeline

    four_eyes.rule.case_kind = "threat"
    four_eyes.rule.save()
    case = case_create(
        membership=four_eyes.membership("manager"),
        kind="threat",
        received_via="phone",
        received_on=timezone.localdate(),
        description="Beller dreigde de medewerker op te wachten.",
    )
    request = four_eyes.ask(
        kind=RequestKind.DISCLOSURE, recipient=police, recipient_email=EMAIL, case=case
    )
    mail.outbox.clear()
    four_eyes.decide("privacy_officer", request)
    link, code = _link_and_code()
    recipient = Client()
    recipient.post(link, {"code": code})
    recipient.get(link + "download")
    actions = [event.action for event in case_timeline(case)]
    assert actions[-2:] == ["access.disclosure.produced", "access.disclosure.downloaded"]
