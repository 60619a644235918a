"""disclosure_share: a copy that no access request approved (an anonymised transcript, a data
subject's own data) leaves through the same link-plus-code mechanism, and only its creator or
whoever handles such copies can stop it."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access.constants import DisclosureContents
from access.disclosure_copy import read_copy
from access.disclosures import DisclosureError, disclosure_cancel
from access.four_eyes import RequestError
from access.tests.conftest import share_copy
from audit.models import AuditEvent
from organisations.models import Membership
from recordings.storage import audio_storage

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "betrokkene@example.nl"


def _share(cast, actor_role="privacy_officer", contents=DisclosureContents.SUBJECT_COPY):
    with transaction.atomic():
        return share_copy(
            cast.organisation,
            files=[("letter.txt", b"Uw gegevens"), ("data.json", b"{}")],
            recipient_email=EMAIL,
            contents=contents,
            actor=cast.users[actor_role],
            ip_address="127.0.0.1",
            expires_at=timezone.now() + timedelta(days=7),
        )


def _membership(cast, role):
    return Membership.objects.get(user=cast.users[role], organisation=cast.organisation)


def test_a_copy_without_a_request_is_zipped_logged_and_sent_as_link_and_code(cast, client):
    disclosure = _share(cast)
    content = read_copy(disclosure)  # stored sealed; the recipient's bytes
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["SHA256SUMS", "data.json", "letter.txt"]
        assert archive.read("letter.txt") == b"Uw gegevens"
    link_mail, code_mail = [m for m in mail.outbox if EMAIL in m.to]
    # The recipient is told what the copy holds, not that it is a recording.
    assert "persoonsgegevens" in link_mail.body or "personal data" in link_mail.body
    assert "opname" not in link_mail.subject.lower()
    event = AuditEvent.objects.get(action="access.disclosure.produced", target_id=disclosure.pk)
    assert event.detail["contents"] == "subject_copy"
    assert event.detail["request"] == ""
    token = re.search(r"/d/(\S+)/", link_mail.body).group(1)
    code = re.search(r"\b(\d{8})\b", code_mail.body).group(1)
    page = client.post(
        reverse("disclosure_open", kwargs={"token": token}), {"code": code}, follow=True
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "persoonsgegevens" in text or "personal data" in text
    download = client.get(reverse("disclosure_download", kwargs={"token": token}))
    assert download.status_code == 200
    assert "subject_copy" in download["Content-Disposition"]


def test_nothing_to_share_or_an_expiry_in_the_past_is_refused(cast):
    with pytest.raises(DisclosureError), transaction.atomic():
        share_copy(
            cast.organisation,
            files=[],
            recipient_email=EMAIL,
            recipient_label="x",
            expires_at=timezone.now() + timedelta(days=1),
        )
    with pytest.raises(DisclosureError), transaction.atomic():
        share_copy(
            cast.organisation,
            files=[("a.txt", b"a")],
            recipient_email=EMAIL,
            recipient_label="x",
            expires_at=timezone.now() - timedelta(seconds=1),
        )
    assert not mail.outbox


def test_only_the_creator_or_a_subject_request_handler_may_cancel_a_subject_copy(cast):
    disclosure = _share(cast)
    for role in ("manager", "coach", "administrator"):
        with pytest.raises(RequestError):
            disclosure_cancel(
                membership=_membership(cast, role), disclosure_id=disclosure.pk, ip_address=None
            )
    disclosure_cancel(
        membership=_membership(cast, "privacy_officer"),
        disclosure_id=disclosure.pk,
        ip_address=None,
    )
    disclosure.refresh_from_db()
    assert disclosure.cancelled_at is not None
    assert not audio_storage().exists(disclosure.storage_key)


def test_another_organisation_cannot_cancel_it(cast):
    disclosure = _share(cast)
    other = Membership.objects.get(user=cast.outsider)
    with pytest.raises(RequestError):
        disclosure_cancel(membership=other, disclosure_id=disclosure.pk, ip_address=None)
