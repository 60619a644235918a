"""An anonymised version kept as a case record is shown on its case's page, with a link to read
it and to download its text; reading is audited; another organisation's member finds nothing."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from access.constants import CaseKind
from access.models import Case, PurposeRule
from access.tests.conftest import register_for
from audit.models import AuditEvent
from transcripts.models import TranscriptCaseRecord

pytestmark = pytest.mark.django_db

TEXT = "[00:01] Klant: Goedemiddag, u spreekt met [NAAM].\n"


def _kept(cast):
    """A misconduct case the policy shows to managers, with a kept anonymised version."""
    purposes = register_for(cast.organisation)
    PurposeRule.objects.create(
        organisation=cast.organisation,
        purpose=purposes["misconduct"],
        requester_roles=["manager"],
        approver_roles=["privacy_officer", "manager"],
        grant_hours=48,
        case_kind=CaseKind.MISCONDUCT,
    )
    case = Case.objects.create(
        organisation=cast.organisation,
        kind=CaseKind.MISCONDUCT,
        reference="K-12",
        received_via="phone",
        received_on=date.today(),
        description="Klacht",
    )
    record = TranscriptCaseRecord.objects.create(
        organisation=cast.organisation,
        case=case,
        language="nl",
        anonymised_text=TEXT,
        sha256=hashlib.sha256(TEXT.encode()).hexdigest(),
        call_started_at=timezone.now(),
        created_by=cast["team_leader"],
    )
    return case, record


def test_the_kept_anonymised_version_is_on_the_case_page_to_read_and_download(cast, client_for):
    case, record = _kept(cast)
    client = client_for(cast["manager"])
    org = cast.organisation.slug
    page = client.get(reverse("cases:detail", kwargs={"org_slug": org, "case_id": case.pk}))
    html = page.content.decode()
    url = reverse("transcripts:case_record", kwargs={"org_slug": org, "record_id": record.pk})
    assert "data-kept-transcripts" in html and url in html

    read = client.get(url)
    assert read.status_code == 200 and "[NAAM]" in read.content.decode()
    download = client.get(url + "?download=1")
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert download.content.decode() == TEXT
    events = AuditEvent.objects.filter(
        action="transcripts.case_record.read", target_id=str(record.pk)
    )
    assert sorted(e.detail["download"] for e in events) == [False, True]


def test_a_case_without_kept_versions_shows_no_section_and_others_find_nothing(cast, client_for):
    case, record = _kept(cast)
    org = cast.organisation.slug
    other = Case.objects.create(
        organisation=cast.organisation,
        kind=CaseKind.MISCONDUCT,
        reference="K-13",
        received_via="phone",
        received_on=date.today(),
        description="Andere klacht",
    )
    client = client_for(cast["manager"])
    html = client.get(
        reverse("cases:detail", kwargs={"org_slug": org, "case_id": other.pk})
    ).content.decode()
    assert "data-kept-transcripts" not in html
    url = reverse("transcripts:case_record", kwargs={"org_slug": org, "record_id": record.pk})
    assert client_for(cast["employee"]).get(url).status_code in (403, 404)
    assert client_for(cast.outsider).get(url).status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="transcripts.case_record.read").exists()
