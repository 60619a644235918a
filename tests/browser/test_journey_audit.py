"""The privacy officer's audit search, in Dutch, through links only: from the dashboard to the
audit trail, the events of one call (from the link beside it), a search for a case by the
reference the page shows, a CSV export of what she found, and a verification of the trail."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit
from access.models import Case, PurposeRule
from access.tests.conftest import register_for
from audit.models import AuditEvent
from recordings.tests.factories import recording_create
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_language() -> str:
    return "nl"


@pytest.fixture
def eager(monkeypatch):
    """The verification task runs in the request: no worker needed to see its result."""
    from earshot.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _sign_in_with_code(page, live_server, username: str) -> None:
    sign_in(page, live_server, username)
    assert "/account/two-factor/" in page.url
    device = TOTPDevice.objects.get(user__username=username)
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.click("text=Ik heb ze bewaard, verder")
    page.wait_for_load_state()


def test_privacy_officer_searches_exports_and_verifies_the_trail(page, live_server, cast, eager):
    org = cast.organisation
    purposes = register_for(org)
    # Complaints are a kind of case the policy names, so the privacy officer may open them
    # (the trail links a case only for who may open it).
    PurposeRule.objects.create(
        organisation=org,
        purpose=purposes["misconduct"],
        requester_roles=["manager"],
        approver_roles=["privacy_officer"],
        case_kind="complaint",
    )
    call, other_call = recording_create(organisation=org), recording_create(organisation=org)
    case = Case.objects.create(
        organisation=org,
        kind="complaint",
        reference="K-2026-042",
        received_via="phone",
        received_on=timezone.localdate(),
        description="Klacht over bejegening",
    )
    manager = cast["manager"]
    manager.first_name, manager.last_name = "Jan", "de Vries"
    manager.save()
    audit.record(
        actor=manager,
        action="access.recording.listened",
        organisation=org,
        target=call,
        purpose="misconduct",
    )
    audit.record(
        actor=cast["coach"],
        action="access.recording.listened",
        organisation=org,
        target=other_call,
        purpose="coaching",
    )
    audit.record(
        actor=manager,
        action="access.case.opened",
        organisation=org,
        target=case,
        detail={"case": str(case.pk), "recordings": 1},
    )

    _sign_in_with_code(page, live_server, "acme-privacy_officer")
    page.click("nav.mainnav >> text=Audittrail")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Audittrail"
    listened = page.locator("tr", has_text="Jan de Vries heeft een opname teruggeluisterd")
    assert listened.count() == 1
    assert "Ernstig verwijtbare gedraging" in listened.inner_text()

    # The events of one call, from the link beside the call.
    listened.get_by_role("link", name="alle gebeurtenissen hiervan").click()
    page.wait_for_load_state()
    assert f"call={call.pk}" in page.url
    rows = page.locator("table.audit-events tbody tr")
    assert rows.count() == 1
    assert "Jan de Vries heeft een opname teruggeluisterd" in rows.first.inner_text()
    rows.first.get_by_role("link", name="gesprek van").wait_for()

    # A search by the reference the page shows for the case.
    page.get_by_role("link", name="Wissen").click()
    page.wait_for_load_state()
    reference = page.get_by_role("link", name="zaak K-2026-042").inner_text().split()[-1]
    page.get_by_label("Zoeken op id").fill(reference)
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    rows = page.locator("table.audit-events tbody tr")
    assert rows.count() == 1
    assert "Jan de Vries heeft een zaak geopend" in rows.first.inner_text()

    # The CSV of what she found.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename.startswith("audit-trail-acme-")
    exported = list(csv.DictReader(io.StringIO(body)))
    assert [row["action"] for row in exported] == ["access.case.opened"]
    assert exported[0]["person"] == "Jan de Vries"
    assert AuditEvent.objects.filter(
        action="audit.trail.exported", actor_id=cast["privacy_officer"].pk
    ).exists()

    # A verification of the whole trail.
    page.get_by_role("button", name="De audittrail nu verifiëren").click()
    page.wait_for_load_state()
    assert "De verificatie is gestart." in page.locator(".messages").inner_text()
    page.reload()
    assert page.locator(".badge.ok", has_text="Keten geverifieerd").count() == 1
