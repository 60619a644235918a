"""Requests, cases and disclosures are erased by the nightly run once they have ended and the
period the register's "case" line declares has passed; never while a case is open, held, or a
grant or link of it still runs; never in another organisation; never without a declared period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from access.cases import case_create, case_set_status
from access.constants import RequestKind
from access.models import AccessRequest, Case, Disclosure, Grant, RequestDecision
from audit.models import AuditEvent
from recordings.storage import audio_storage
from register.evidence import evidence_for
from register.models import DataSubjectEntry
from retention.constants import HoldStatus
from retention.holds import (
    hold_decide,
    hold_release_decide,
    hold_release_request,
    hold_request,
)
from retention.purge import dry_run, purge_organisation

pytestmark = pytest.mark.django_db

PERIOD_DAYS = 90
LONG_AGO = timedelta(days=PERIOD_DAYS + 5)
DESCRIPTION = "Beller dreigde de medewerker op te wachten bij de uitgang."
EMAIL = "meldpunt@politie.example"


def _declare_case_period(organisation, days=PERIOD_DAYS):
    activity = organisation.processing_activities.first()
    return DataSubjectEntry.objects.create(
        activity=activity,
        subject_category="Klanten en medewerkers in een klacht of verzoek",
        personal_data="Motivering, beslissingen, omschrijving van de zaak",
        collection_purpose="Verantwoording van terugluisteren en verstrekken",
        data_category="case",
        retention_value=days,
        retention_unit="days",
    )


def _close(fe, case, ago):
    case_set_status(membership=fe.membership("manager"), case_id=case.pk, status="closed")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - ago)


def _case(fe, *, closed_ago=None):
    fe.rule.case_kind = "threat"
    fe.rule.case_required = False
    fe.rule.save()
    case = case_create(
        membership=fe.membership("manager"),
        kind="threat",
        received_via="phone",
        received_on=timezone.localdate(),
        description=DESCRIPTION,
    )
    if closed_ago is not None:
        _close(fe, case, closed_ago)
    return Case.objects.get(pk=case.pk)


def _age_request(request, ago):
    """Move a request's whole life `ago` into the past, grant and link included."""
    moment = timezone.now() - ago
    AccessRequest.objects.filter(pk=request.pk).update(
        created_at=moment, closed_at=moment, expires_at=moment + timedelta(days=2)
    )
    Grant.objects.filter(request=request).update(
        starts_at=moment, expires_at=moment + timedelta(days=2)
    )
    Disclosure.objects.filter(request=request).update(
        created_at=moment, expires_at=moment + timedelta(days=2)
    )


def _denied(fe, ago, **fields):
    request = fe.ask(**fields)
    fe.decide("privacy_officer", request, outcome="deny", comment="Niet onderbouwd.")
    _age_request(request, ago)
    return request


def _approved(fe, ago, **fields):
    request = fe.ask(**fields)
    fe.decide("privacy_officer", request)
    _age_request(request, ago)
    return request


def test_without_a_declared_period_nothing_is_erased_and_the_register_says_so(four_eyes):
    organisation = four_eyes.cast.organisation
    case = _case(four_eyes, closed_ago=timedelta(days=4000))
    request = _denied(four_eyes, timedelta(days=4000))
    run = purge_organisation(organisation)
    assert (run.cases_erased, run.requests_erased) == (0, 0)
    assert Case.objects.filter(pk=case.pk).exists()
    assert AccessRequest.objects.filter(pk=request.pk).exists()
    assert dry_run(organisation)["cases"] is None
    with translation.override("en"):
        line = next(
            e for e in evidence_for(organisation) if "requests, cases and disclosures" in e.label
        )
    assert not line.ok and "not declared" in line.value


def test_a_closed_case_past_its_period_goes_with_its_requests_and_leaves_a_record(four_eyes):
    organisation = four_eyes.cast.organisation
    _declare_case_period(organisation)
    case = _case(four_eyes)
    request = _denied(four_eyes, LONG_AGO, case=case)
    _close(four_eyes, case, LONG_AGO)
    assert dry_run(organisation)["cases"] == 1

    run = purge_organisation(organisation)

    assert (run.cases_erased, run.requests_erased) == (1, 1)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not AccessRequest.objects.filter(pk=request.pk).exists()
    assert not RequestDecision.objects.filter(request_id=request.pk).exists()
    event = AuditEvent.objects.get(action="retention.case.erased")
    assert event.target_id == str(case.pk)
    assert case.reference not in str(event.detail)
    assert event.detail["requests"] == [str(request.pk)]
    assert event.detail["retention_days"] == PERIOD_DAYS
    # The record proves the erasure without keeping what identified people.
    assert DESCRIPTION not in str(event.detail)
    assert "uitschold" not in str(event.detail)
    # A second run finds nothing more.
    again = purge_organisation(organisation)
    assert (again.cases_erased, again.requests_erased) == (0, 0)


def test_open_recent_or_held_cases_stay_with_their_requests(four_eyes):
    organisation = four_eyes.cast.organisation
    _declare_case_period(organisation)
    still_open = _case(four_eyes)
    Case.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - LONG_AGO * 3)
    on_open_case = _denied(four_eyes, LONG_AGO, case=still_open)
    recent = _case(four_eyes, closed_ago=timedelta(days=PERIOD_DAYS - 5))
    held = _case(four_eyes, closed_ago=LONG_AGO)
    hold = hold_request(
        membership=four_eyes.membership("manager"),
        recordings=[four_eyes.call],
        motivation="Politie vraagt de opname en de zaak te bewaren.",
        review_on=timezone.localdate() + timedelta(days=30),
        case=held,
    )

    run = purge_organisation(organisation)  # pending hold: kept already
    assert run.cases_erased == 0
    hold_decide(membership=four_eyes.membership("privacy_officer"), hold_id=hold.pk, approve=True)
    assert purge_organisation(organisation).cases_erased == 0
    assert set(Case.objects.values_list("pk", flat=True)) == {still_open.pk, recent.pk, held.pk}
    assert AccessRequest.objects.filter(pk=on_open_case.pk).exists()

    # Released by two people: the case goes at the next run, its released hold with it.
    hold_release_request(
        membership=four_eyes.membership("manager"), hold_id=hold.pk, reason="Zaak afgerond."
    )
    hold_release_decide(
        membership=four_eyes.membership("privacy_officer"), hold_id=hold.pk, approve=True
    )
    hold.refresh_from_db()
    assert hold.status == HoldStatus.RELEASED
    assert purge_organisation(organisation).cases_erased == 1
    assert not Case.objects.filter(pk=held.pk).exists()
    assert set(Case.objects.values_list("pk", flat=True)) == {still_open.pk, recent.pk}


def test_a_request_on_a_closed_case_that_still_runs_keeps_the_case(four_eyes):
    organisation = four_eyes.cast.organisation
    _declare_case_period(organisation)
    case = _case(four_eyes)
    running = _approved(four_eyes, LONG_AGO, case=case)
    _close(four_eyes, case, LONG_AGO)
    Grant.objects.filter(request=running).update(expires_at=timezone.now() + timedelta(days=1))
    assert purge_organisation(organisation).cases_erased == 0
    assert Case.objects.filter(pk=case.pk).exists()


def test_requests_without_a_case_go_once_ended_and_past_the_period(four_eyes):
    organisation = four_eyes.cast.organisation
    _declare_case_period(organisation)
    denied_long_ago = _denied(four_eyes, LONG_AGO)
    approved_long_ago = _approved(four_eyes, LONG_AGO)  # its grant ended 2 days later
    denied_lately = _denied(four_eyes, timedelta(days=PERIOD_DAYS - 5))
    grant_still_runs = _approved(four_eyes, LONG_AGO)
    Grant.objects.filter(request=grant_still_runs).update(
        expires_at=timezone.now() + timedelta(hours=1)
    )
    pending = four_eyes.ask()

    run = purge_organisation(organisation)

    assert run.requests_erased == 2
    assert set(AccessRequest.objects.values_list("pk", flat=True)) == {
        denied_lately.pk,
        grant_still_runs.pk,
        pending.pk,
    }
    assert not Grant.objects.filter(request_id=approved_long_ago.pk).exists()
    erased = AuditEvent.objects.filter(action="retention.request.erased")
    assert {e.target_id for e in erased} == {str(denied_long_ago.pk), str(approved_long_ago.pk)}


def test_a_disclosure_goes_with_its_request_and_its_copy_is_confirmed_gone(four_eyes, police):
    organisation = four_eyes.cast.organisation
    _declare_case_period(organisation)
    request = _approved(
        four_eyes, LONG_AGO, kind=RequestKind.DISCLOSURE, recipient=police, recipient_email=EMAIL
    )
    disclosure = Disclosure.objects.get(request=request)
    assert audio_storage().exists(disclosure.storage_key)  # the hourly job has not run

    run = purge_organisation(organisation)

    assert (run.requests_erased, run.disclosures_erased) == (1, 1)
    assert not audio_storage().exists(disclosure.storage_key)
    assert not Disclosure.objects.filter(pk=disclosure.pk).exists()


def test_a_copy_that_will_not_go_keeps_its_request_and_tells_the_privacy_officer(
    four_eyes, police, monkeypatch
):
    organisation = four_eyes.cast.organisation
    _declare_case_period(organisation)
    request = _approved(
        four_eyes, LONG_AGO, kind=RequestKind.DISCLOSURE, recipient=police, recipient_email=EMAIL
    )
    storage_class = type(audio_storage())
    real_delete = storage_class.delete

    def refusing_delete(self, name):
        raise OSError("read-only file system")

    monkeypatch.setattr(storage_class, "delete", refusing_delete)
    mail.outbox.clear()
    run = purge_organisation(organisation)
    assert (run.requests_erased, run.records_failed) == (0, 1)
    assert run.needs_attention
    assert AccessRequest.objects.filter(pk=request.pk).exists()
    officer = four_eyes.cast["privacy_officer"].email
    assert any(officer in message.to for message in mail.outbox)

    monkeypatch.setattr(storage_class, "delete", real_delete)
    run = purge_organisation(organisation)
    assert (run.requests_erased, run.disclosures_erased, run.records_failed) == (1, 1, 0)


def test_another_organisations_period_erases_nothing_here(four_eyes, cast):
    """The period is per organisation: the other one declares 1 day, this one nothing."""
    from access.tests.conftest import register_for

    register_for(cast.other_organisation)
    _declare_case_period(cast.other_organisation, days=1)
    case = _case(four_eyes, closed_ago=LONG_AGO)
    request = _denied(four_eyes, LONG_AGO)
    assert purge_organisation(cast.other_organisation).cases_erased == 0
    assert purge_organisation(cast.organisation).cases_erased == 0
    assert Case.objects.filter(pk=case.pk).exists()
    assert AccessRequest.objects.filter(pk=request.pk).exists()


def test_closing_stamps_the_case_and_reopening_clears_it(four_eyes):
    case = _case(four_eyes)
    assert case.closed_at is None
    manager = four_eyes.membership("manager")
    case_set_status(membership=manager, case_id=case.pk, status="closed")
    case.refresh_from_db()
    assert timezone.now() - case.closed_at < timedelta(minutes=1)
    case_set_status(membership=manager, case_id=case.pk, status="open")
    case.refresh_from_db()
    assert case.closed_at is None


def test_the_retention_page_and_the_command_show_the_period_and_what_is_past_it(
    four_eyes, client_for, capsys
):
    organisation = four_eyes.cast.organisation
    _declare_case_period(organisation)
    _case(four_eyes, closed_ago=LONG_AGO)
    url = reverse("retention:overview", kwargs={"org_slug": organisation.slug})
    officer = client_for(four_eyes.cast["privacy_officer"])
    page = officer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Erased {PERIOD_DAYS} days after they ended" in page
    assert "Past their period now: 1 case(s), 0 request(s) without a case." in page
    assert not _case_evidence(organisation).ok  # red beside the register's case line
    call_command("purge", "--org", organisation.slug, "--dry-run")
    assert "would erase 1 closed case(s)" in capsys.readouterr().out
    call_command("purge", "--org", organisation.slug)
    assert "cases erased 1" in capsys.readouterr().out
    page = officer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Past their period now: 0 case(s), 0 request(s) without a case." in page
    assert _case_evidence(organisation).ok


def _case_evidence(organisation):
    with translation.override("en"):
        lines = [e for e in evidence_for(organisation) if e.key == "category:case"]
    assert len(lines) == 1
    return lines[0]
