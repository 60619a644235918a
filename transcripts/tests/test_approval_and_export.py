"""Four eyes on the anonymised version and its export: the author submits once every proposal
is decided; the author cannot approve; another approver of the purpose approves once (a second
click is refused); the export is a disclosure whose ZIP holds only the anonymised text; the kept
case record holds the anonymised text and goes with its case."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from access.constants import DisclosureContents
from access.disclosure_copy import read_copy
from access.models import Case, Disclosure, PurposeRule
from audit.models import AuditEvent
from organisations.todo import todos_for
from transcripts.approval import transcript_decide, transcript_submit
from transcripts.constants import RedactionState, TranscriptStatus
from transcripts.export import transcript_export
from transcripts.models import Redaction, TranscriptCaseRecord, TranscriptDecision
from transcripts.policy import TranscriptError
from transcripts.redactions import redaction_add, redaction_decide, redactions_propose
from transcripts.tests.conftest import VALID_BSN
from transcripts.tests.helpers import say, started

pytestmark = pytest.mark.django_db

EMAIL = "klant@example.nl"


def _reviewed(world, transcript):
    """Typed, proposed, every proposal accepted: ready to submit."""
    say(world, transcript, "Goedemiddag, u spreekt met Sanne Visser.", at=0.5, speaker="employee")
    utterance = say(world, transcript, f"Met Jan de Vries, mijn BSN is {VALID_BSN}.", at=3.0)
    say(world, transcript, "Dank u, ik kijk het na.", at=8.0, speaker="Tolk Anouk")
    membership = world.membership("team_leader")
    redactions_propose(membership=membership, transcript_id=transcript.pk)
    for redaction in Redaction.objects.filter(state=RedactionState.PROPOSED):
        redaction_decide(
            membership=membership,
            transcript_id=transcript.pk,
            redaction_id=redaction.pk,
            state="accepted",
        )
    # Whatever the detectors make of it, the test's personal data is redacted for sure.
    for exact, kind in [("Jan de Vries", "name"), (VALID_BSN, "bsn")]:
        with contextlib.suppress(TranscriptError):  # already covered by a proposal
            redaction_add(
                membership=membership,
                transcript_id=transcript.pk,
                utterance_id=utterance.pk,
                kind=kind,
                exact=exact,
            )
    return transcript


def _submit(world, transcript):
    return transcript_submit(
        membership=world.membership("team_leader"), transcript_id=transcript.pk
    )


def _decide(world, transcript, role="manager", outcome="approved", comment=""):
    return transcript_decide(
        membership=world.membership(role),
        transcript_id=transcript.pk,
        outcome=outcome,
        comment=comment,
    )


def _export(world, transcript, role="team_leader", **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return transcript_export(
            membership=world.membership(role),
            transcript_id=transcript.pk,
            recipient_email=kwargs.pop("email", EMAIL),
            **kwargs,
        )


def test_submitting_needs_the_review_done(transcript_world):
    transcript = started(transcript_world)
    with pytest.raises(TranscriptError, match="Typ of lees eerst de uitspraken in"):
        _submit(transcript_world, transcript)
    say(transcript_world, transcript, f"Mijn BSN is {VALID_BSN}.")
    with pytest.raises(TranscriptError, match="eerst de weglakkingen voorstellen"):
        _submit(transcript_world, transcript)
    redactions_propose(
        membership=transcript_world.membership("team_leader"), transcript_id=transcript.pk
    )
    with pytest.raises(TranscriptError, match="wachten op uw besluit"):
        _submit(transcript_world, transcript)


def test_the_author_cannot_approve_and_a_second_click_is_refused(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    _submit(transcript_world, transcript)
    with pytest.raises(TranscriptError, match="een ander moet haar goedkeuren"):
        _decide(transcript_world, transcript, role="team_leader")
    with pytest.raises(TranscriptError):
        _decide(transcript_world, transcript, role="coach")  # no approve right
    _decide(transcript_world, transcript, role="manager")
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.APPROVED
    with pytest.raises(TranscriptError, match="wacht niet meer op goedkeuring"):
        _decide(transcript_world, transcript, role="manager")
    with pytest.raises(TranscriptError, match="wacht niet meer op goedkeuring"):
        _decide(transcript_world, transcript, role="privacy_officer")
    assert TranscriptDecision.objects.count() == 1
    events = AuditEvent.objects.filter(action="transcripts.transcript.approved")
    assert [e.actor_id for e in events] == [transcript_world.cast["manager"].pk]


def test_the_database_refuses_an_approval_by_the_author(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    author = transcript_world.cast["team_leader"]
    with pytest.raises(IntegrityError), transaction.atomic():
        TranscriptDecision.objects.create(
            transcript=transcript, author=author, approver=author, outcome="approved"
        )


def test_sent_back_with_a_comment_then_changed_and_submitted_again(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    _submit(transcript_world, transcript)
    with pytest.raises(TranscriptError, match="Zeg wat er moet veranderen"):
        _decide(transcript_world, transcript, outcome="sent_back")
    _decide(
        transcript_world,
        transcript,
        outcome="sent_back",
        comment="De straatnaam in de derde zin is nog zichtbaar.",
    )
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.SENT_BACK
    with translation.override("en"):
        labels = {t.label: t.count for t in todos_for(transcript_world.membership("team_leader"))}
    assert labels["Your transcripts sent back for changes"] == 1
    say(transcript_world, transcript, "Nog een zin.", at=9.0)
    _submit(transcript_world, transcript)
    _decide(transcript_world, transcript, role="privacy_officer")
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.APPROVED


def test_the_approver_sees_it_waiting_on_the_dashboard_and_reads_both_versions(
    transcript_world, client_for
):
    transcript = _reviewed(transcript_world, started(transcript_world))
    _submit(transcript_world, transcript)
    manager = client_for(transcript_world.cast["manager"])
    dashboard = manager.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    assert reverse("transcripts:list", kwargs={"org_slug": "acme"}) in dashboard.content.decode()
    url = reverse("transcripts:detail", kwargs={"org_slug": "acme", "transcript_id": transcript.pk})
    page = manager.get(url).content.decode()
    assert "data-decide" in page
    assert f"Met Jan de Vries, mijn BSN is {VALID_BSN}." in re.sub(r"<[^>]+>", "", page)
    assert "[BSN]" in page
    assert AuditEvent.objects.filter(action="transcripts.transcript.viewed").count() == 1
    # The author sees no decision form on their own transcript.
    author_page = client_for(transcript_world.cast["team_leader"]).get(url).content.decode()
    assert "data-decide" not in author_page
    response = manager.post(
        reverse("transcripts:decide", kwargs={"org_slug": "acme", "transcript_id": transcript.pk}),
        {"outcome": "approved"},
    )
    assert response.status_code == 302
    response = manager.post(
        reverse("transcripts:decide", kwargs={"org_slug": "acme", "transcript_id": transcript.pk}),
        {"outcome": "approved"},
        follow=True,
    )
    assert TranscriptDecision.objects.count() == 1
    assert list(response.context["messages"])  # the second click is told why


def test_only_an_approved_transcript_is_exported(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    _submit(transcript_world, transcript)
    with pytest.raises(TranscriptError, match="Alleen een goedgekeurde transcriptie"):
        _export(transcript_world, transcript)
    assert not Disclosure.objects.exists()


def _zip(disclosure) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(read_copy(disclosure)))  # stored sealed


def test_the_export_is_a_disclosure_of_the_anonymised_version_only(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    _submit(transcript_world, transcript)
    _decide(transcript_world, transcript)
    transcript = _export(transcript_world, transcript)
    assert transcript.status == TranscriptStatus.EXPORTED
    disclosure = transcript.disclosure
    assert disclosure.contents == DisclosureContents.TRANSCRIPT
    assert disclosure.purpose_code == "customer-transcript"
    assert disclosure.recipient_email == EMAIL
    assert disclosure.expires_at <= transcript.recording.purge_deadline
    archive = _zip(disclosure)
    assert sorted(archive.namelist()) == ["SHA256SUMS", "transcript.pdf", "transcript.txt"]
    text = archive.read("transcript.txt").decode("utf-8")
    pdf = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(archive.read("transcript.pdf"))).pages
    )
    for content in (text, pdf):
        for secret in (VALID_BSN, "Jan de Vries", "Sanne Visser", "Anouk"):
            assert secret not in content, secret
        assert "[BSN]" in content
    assert "Tolk" not in text  # a free speaker label may be a name: shown by number
    # The link and the code went in two messages; nothing attached.
    sent = [m for m in mail.outbox if EMAIL in m.to]
    assert len(sent) == 2 and not any(m.attachments for m in sent)
    event = AuditEvent.objects.get(action="transcripts.transcript.exported")
    assert event.detail["disclosure"] == str(disclosure.pk)
    with pytest.raises(TranscriptError, match="is al verstrekt"):
        _export(transcript_world, transcript)
    assert Disclosure.objects.count() == 1


def test_the_approver_may_export_and_a_bad_address_changes_nothing(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    _submit(transcript_world, transcript)
    _decide(transcript_world, transcript)
    with pytest.raises(TranscriptError, match="e-mailadres van de klant"):
        _export(transcript_world, transcript, role="manager", email="geen adres")
    with pytest.raises(TranscriptError, match="wie voor dit doel goedkeurt, kan haar verstrekken"):
        _export(transcript_world, transcript, role="coach")
    transcript = _export(transcript_world, transcript, role="manager")
    assert transcript.status == TranscriptStatus.EXPORTED


def test_the_anonymised_version_is_kept_with_the_case_and_goes_with_it(transcript_world):
    membership = transcript_world.membership("team_leader")
    PurposeRule.objects.filter(purpose=transcript_world.purposes["customer-transcript"]).update(
        case_kind="complaint"
    )
    case = Case.objects.create(
        organisation=transcript_world.cast.organisation,
        kind="complaint",
        reference="K-2026-014",
        received_via="email",
        received_on=transcript_world.call.started_at.date(),
        description="Klacht over een gesprek met de klantenservice.",
    )
    transcript_world.grant(case=case)
    from transcripts.services import transcript_start

    transcript, _ = transcript_start(membership=membership, recording=transcript_world.call)
    _reviewed(transcript_world, transcript)
    _submit(transcript_world, transcript)
    _decide(transcript_world, transcript)
    _export(transcript_world, transcript, keep_as_case_record=True)
    record = TranscriptCaseRecord.objects.get()
    assert record.case == case
    assert VALID_BSN not in record.anonymised_text and "[BSN]" in record.anonymised_text
    # The transcript goes with its call; the kept version stays with the case.
    transcript.delete()
    record.refresh_from_db()
    assert record.transcript is None
    case.requests.all().delete()
    case.delete()
    assert not TranscriptCaseRecord.objects.exists()


def test_keeping_needs_a_case(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    _submit(transcript_world, transcript)
    _decide(transcript_world, transcript)
    with pytest.raises(TranscriptError, match="hoort niet bij een zaak"):
        _export(transcript_world, transcript, keep_as_case_record=True)
    assert not Disclosure.objects.exists()


def test_the_kept_version_is_erased_by_the_case_records_purge_with_its_case(transcript_world):
    from datetime import timedelta

    from django.utils import timezone

    from access.models import AccessRequest, Grant
    from register.services import activity_create
    from retention.case_records import erase_case_records

    activity_create(
        organisation=transcript_world.cast.organisation,
        actor=None,
        reference="TR2",
        name="Klachtafhandeling",
        purposes=[
            {"code": "complaints", "description": "Klachten", "legal_basis": "contract"},
        ],
        data_subject_entries=[
            {
                "subject_category": "Klagers",
                "personal_data": "klacht",
                "collection_purpose": "verantwoording",
                "data_category": "case",
                "retention_value": 30,
                "retention_unit": "days",
            }
        ],
        recipients=[],
    )
    PurposeRule.objects.filter(purpose=transcript_world.purposes["customer-transcript"]).update(
        case_kind="complaint"
    )
    case = Case.objects.create(
        organisation=transcript_world.cast.organisation,
        kind="complaint",
        reference="K-2026-015",
        received_via="email",
        received_on=transcript_world.call.started_at.date(),
        description="Klacht over een gesprek.",
    )
    grant = transcript_world.grant(case=case)
    from transcripts.services import transcript_start

    membership = transcript_world.membership("team_leader")
    transcript, _ = transcript_start(membership=membership, recording=transcript_world.call)
    _reviewed(transcript_world, transcript)
    _submit(transcript_world, transcript)
    _decide(transcript_world, transcript)
    _export(transcript_world, transcript, keep_as_case_record=True)
    assert TranscriptCaseRecord.objects.filter(case=case).exists()
    # The case was closed, and its request and grant ended, longer ago than the 30 days.
    long_ago = timezone.now() - timedelta(days=60)
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=long_ago)
    AccessRequest.objects.filter(pk=grant.request_id).update(closed_at=long_ago)
    Grant.objects.filter(pk=grant.pk).update(expires_at=long_ago)

    outcome = erase_case_records(transcript_world.cast.organisation, horizon=timezone.now())

    assert outcome.cases == 1
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not TranscriptCaseRecord.objects.exists()


def test_approvers_are_mailed_on_submission_and_the_author_on_the_decision(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    mail.outbox.clear()  # the mails about the access request
    with TestCase.captureOnCommitCallbacks(execute=True):
        _submit(transcript_world, transcript)
    to = sorted(address for message in mail.outbox for address in message.to)
    # The purpose's approvers, one message each, never the author; no caller's data in them.
    assert to == ["acme-manager@example.test", "acme-privacy_officer@example.test"]
    assert all("Jan" not in m.body and VALID_BSN not in m.body for m in mail.outbox)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        _decide(transcript_world, transcript)
    assert [m.to for m in mail.outbox] == [["acme-team_leader@example.test"]]
