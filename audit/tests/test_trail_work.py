"""The audit-trail page as the privacy officer and the auditor use it: filters, search by id,
events as sentences with links to what still exists, exports, and verification from the page.
Dutch is the default language: the page's words are asserted in Dutch."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

import audit
from access.models import Case, PurposeRule
from access.tests.conftest import register_for
from audit.models import AuditChain, AuditEvent
from audit.services import chain_key_for
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.tests.factories import recording_create

TRAIL = "audit:trail"


@dataclass
class Trail:
    cast: object
    call: object
    purged_call: object
    other_call: object
    case: object
    listened: object  # the privacy officer listened to `call` (misconduct)
    opened: object  # the manager opened `case`
    purged: object  # Earshot purged `purged_call`
    evaluated: object  # the coach evaluated `call` (named in the detail)
    foreign: object  # an event of the other organisation, naming its own call


@pytest.fixture
def trail(cast) -> Trail:
    org, other = cast.organisation, cast.other_organisation
    purposes = register_for(org)
    # Complaints are a kind of case the policy names, so the privacy officer may open them.
    PurposeRule.objects.create(
        organisation=org,
        purpose=purposes["misconduct"],
        requester_roles=["manager"],
        approver_roles=["privacy_officer"],
        case_kind="complaint",
    )
    call = recording_create(organisation=org)
    purged_call = recording_create(organisation=org)
    other_call = recording_create(organisation=other)
    case = Case.objects.create(
        organisation=org,
        kind="complaint",
        reference="K-2026-001",
        received_via="phone",
        received_on=timezone.localdate(),
        description="Klacht",
    )
    officer = cast["privacy_officer"]
    officer.first_name, officer.last_name = "Pia", "Privacy"
    officer.save()
    listened = audit.record(
        actor=officer,
        action="access.recording.listened",
        organisation=org,
        target=call,
        purpose="misconduct",
    )
    opened = audit.record(
        actor=cast["manager"],
        action="access.case.opened",
        organisation=org,
        target=case,
        detail={"case": str(case.pk), "recordings": 1},
    )
    purged = audit.record(
        actor=None, action="retention.recording.purged", organisation=org, target=purged_call
    )
    Recording.objects.filter(pk=purged_call.pk).update(status=RecordingStatus.PURGED)
    evaluated = audit.record(
        actor=cast["coach"],
        action="coaching.evaluation.started",
        organisation=org,
        detail={"recording": str(call.pk)},
    )
    foreign = audit.record(
        actor=cast.outsider,
        action="access.recording.listened",
        organisation=other,
        target=other_call,
        detail={"recording": str(call.pk)},  # a forged mention of acme's call
    )
    return Trail(
        cast, call, purged_call, other_call, case, listened, opened, purged, evaluated, foreign
    )


def _page(client, **params):
    response = client.get(reverse(TRAIL, kwargs={"org_slug": "acme"}), params)
    assert response.status_code == 200
    return response, response.content.decode()


def _shown(response) -> list[int]:
    return [row.event.sequence for row in response.context["rows"]]


@pytest.fixture
def officer(trail, client_for):
    return client_for(trail.cast["privacy_officer"])


# Filters ---------------------------------------------------------------------------------------


def test_unfiltered_trail_shows_only_the_own_organisations_events(trail, officer):
    response, page = _page(officer)
    assert set(_shown(response)) >= {
        trail.listened.sequence,
        trail.opened.sequence,
        trail.purged.sequence,
        trail.evaluated.sequence,
    }
    assert AuditEvent.objects.get(pk=trail.foreign.pk).chain not in {
        row.event.chain for row in response.context["rows"]
    }


def test_filter_by_action(trail, officer):
    response, _ = _page(officer, action="access.case.opened")
    assert _shown(response) == [trail.opened.sequence]


def test_action_select_lists_the_sentences(trail, officer):
    _, page = _page(officer)
    assert ">heeft een zaak geopend</option>" in page


def test_filter_by_person(trail, officer):
    response, _ = _page(officer, person=trail.cast["manager"].pk)
    assert _shown(response) == [trail.opened.sequence]


def test_filter_by_a_person_of_another_organisation_is_refused(trail, officer):
    response, page = _page(officer, person=trail.cast.outsider.pk)
    assert _shown(response) == []
    assert "Selecteer een geldige keuze" in page


def test_filter_by_purpose_uses_the_register_label(trail, officer):
    response, page = _page(officer, purpose="misconduct")
    assert _shown(response) == [trail.listened.sequence]
    assert '<option value="misconduct" selected>Ernstig verwijtbare gedraging</option>' in page


def test_filter_by_date_range_in_the_organisations_days(trail, officer):
    today = timezone.localdate()
    response, page = _page(officer, start=today.isoformat(), end=today.isoformat())
    assert trail.listened.sequence in _shown(response)
    # The chosen days stay in the date fields (ISO, as <input type=date> needs on a Dutch page).
    assert page.count(f'value="{today.isoformat()}"') == 2
    tomorrow = (today + timedelta(days=1)).isoformat()
    response, _ = _page(officer, start=tomorrow)
    assert _shown(response) == []
    response, page = _page(officer, start=tomorrow, end=today.isoformat())
    assert "De einddatum ligt vóór de begindatum." in page


@pytest.mark.parametrize("value", ["2026-13-45", "gisteren", "12-2026-01"])
def test_malformed_date_says_so_and_shows_nothing(trail, officer, value):
    response, page = _page(officer, start=value)
    assert _shown(response) == []
    assert "Voer een geldige datum in" in page
    assert "Verbeter de filters" in page


def test_filter_by_call_finds_its_events_and_those_that_name_it(trail, officer):
    response, _ = _page(officer, call=str(trail.call.pk))
    assert sorted(_shown(response)) == [trail.listened.sequence, trail.evaluated.sequence]


def test_filter_by_another_organisations_call_shows_nothing(trail, officer):
    response, page = _page(officer, call=str(trail.other_call.pk))
    assert _shown(response) == []
    assert "Geen gebeurtenis van deze organisatie voldoet aan deze filters." in page


def test_filter_by_a_call_id_that_is_no_id(trail, officer):
    response, page = _page(officer, call="12; DROP TABLE")
    assert _shown(response) == []
    assert "Dit is geen id van een gesprek." in page


def test_filter_by_case_reference(trail, officer):
    response, _ = _page(officer, case="k-2026-001")
    assert _shown(response) == [trail.opened.sequence]
    response, page = _page(officer, case="K-1999-404")
    assert _shown(response) == []
    assert "Deze organisatie heeft geen zaak met dit kenmerk." in page


def test_search_by_event_number_id_and_reference(trail, officer):
    response, _ = _page(officer, q=str(trail.purged.sequence))
    assert _shown(response) == [trail.purged.sequence]
    response, _ = _page(officer, q=str(trail.case.pk))
    assert _shown(response) == [trail.opened.sequence]
    response, _ = _page(officer, q="K-2026-001")
    assert _shown(response) == [trail.opened.sequence]
    response, page = _page(officer, q="niets-hiervan")
    assert _shown(response) == []
    assert "niets hier heeft niets-hiervan" in page


def test_search_for_another_organisations_event_number_or_id(trail, officer):
    # The other organisation's event number names, at most, acme's own event of that number.
    response, _ = _page(officer, q=str(trail.foreign.sequence))
    rows = response.context["rows"]
    assert all(row.event.chain != trail.foreign.chain for row in rows)
    assert trail.foreign.pk not in {row.event.pk for row in rows}
    response, _ = _page(officer, q=str(trail.other_call.pk))
    assert _shown(response) == []


def test_pagination_keeps_the_filters(trail, officer, settings):
    for _ in range(55):
        audit.record(actor=None, action="auth.signout", organisation=trail.cast.organisation)
    response, page = _page(officer, action="auth.signout")
    assert len(_shown(response)) == 50
    cursor = response.context["next_cursor"]
    assert f"?action=auth.signout&amp;before={cursor}" in page
    response, page = _page(officer, action="auth.signout", before=cursor)
    assert len(_shown(response)) == 5
    assert "?action=auth.signout" in page  # back to the newest, still filtered


def test_outsiders_and_employees_cannot_open_or_export(trail, client_for):
    for name in (TRAIL, "audit:export"):
        url = reverse(name, kwargs={"org_slug": "acme"})
        assert client_for(trail.cast.outsider).get(url).status_code == 404
        assert client_for(trail.cast["employee"]).get(url).status_code == 403
        assert client_for(trail.cast["manager"]).get(url).status_code == 403


# Sentences and links ---------------------------------------------------------------------------


def test_events_read_as_sentences_with_links_to_what_exists(trail, officer):
    response, page = _page(officer)
    rows = {row.event.sequence: row for row in response.context["rows"]}
    assert rows[trail.listened.sequence].sentence == "Pia Privacy heeft een opname teruggeluisterd"
    assert rows[trail.purged.sequence].sentence.startswith("Earshot ")
    call_url = reverse(
        "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": trail.call.pk}
    )
    case_url = reverse("cases:detail", kwargs={"org_slug": "acme", "case_id": trail.case.pk})
    assert f'href="{call_url}">gesprek van ' in page
    assert f'href="{case_url}">zaak K-2026-001</a>' in page
    assert "Ernstig verwijtbare gedraging" in page  # the purpose by its label


def test_a_purged_call_shows_its_id_without_a_link(trail, officer):
    response, page = _page(officer, q=str(trail.purged.sequence))
    (row,) = response.context["rows"]
    (target,) = row.targets
    assert not target.exists
    purged_url = reverse(
        "access:recording_detail",
        kwargs={"org_slug": "acme", "recording_id": trail.purged_call.pk},
    )
    assert purged_url not in page
    assert str(trail.purged_call.pk) in page
    assert "bestaat niet meer" in page


def test_links_are_resolved_in_one_query_per_kind(trail, officer, django_assert_max_num_queries):
    for _ in range(40):
        audit.record(
            actor=trail.cast["coach"],
            action="access.recording.listened",
            organisation=trail.cast.organisation,
            target=recording_create(organisation=trail.cast.organisation),
        )
    # One query per kind, and one more per kind whose page decides per object (cases).
    with django_assert_max_num_queries(32):
        _page(officer)


# Export ----------------------------------------------------------------------------------------


def _export(client, **params):
    return client.get(reverse("audit:export", kwargs={"org_slug": "acme"}), params)


def test_csv_export_holds_the_filtered_events_and_is_recorded(trail, officer):
    response = _export(officer, action="access.recording.listened", format="csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-acme-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(row["event"]) for row in rows] == [trail.listened.sequence]
    assert rows[0]["person"] == "Pia Privacy"
    assert rows[0]["sentence"] == "heeft een opname teruggeluisterd"
    assert rows[0]["purpose_name"] == "Ernstig verwijtbare gedraging"
    exported = AuditEvent.objects.get(
        chain=chain_key_for(trail.cast.organisation), action="audit.trail.exported"
    )
    assert exported.actor_id == trail.cast["privacy_officer"].pk
    assert exported.detail["format"] == "csv"
    assert exported.detail["filters"] == {"action": "access.recording.listened"}


def test_csv_export_neutralises_formulas(trail, officer):
    coach = trail.cast["coach"]
    coach.first_name, coach.last_name = '=HYPERLINK("http://x")', ""
    coach.save()
    response = _export(officer, person=coach.pk, format="csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["person"] == '\'=HYPERLINK("http://x")'


def test_json_export_covers_every_page_and_not_the_other_organisation(trail, officer):
    for _ in range(60):
        audit.record(actor=None, action="auth.signout", organisation=trail.cast.organisation)
    response = _export(officer, format="json")
    body = json.loads(b"".join(response.streaming_content))
    sequences = [event["event"] for event in body["events"]]
    assert (
        len(sequences)
        == AuditEvent.objects.filter(
            chain=chain_key_for(trail.cast.organisation), sequence__lte=body["up_to_event"]
        ).count()
    )
    assert sequences == sorted(sequences)
    assert str(trail.other_call.pk) not in json.dumps(body)
    assert AuditEvent.objects.filter(action="audit.trail.exported", detail__format="json").exists()


def test_export_with_bad_filters_exports_nothing(trail, officer):
    response = _export(officer, start="2026-99-99", format="csv")
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="audit.trail.exported").exists()
    response = _export(officer, format="xlsx")
    assert response.status_code == 302


# Verification ----------------------------------------------------------------------------------


@pytest.fixture
def eager(monkeypatch):
    """The verification task runs in the request (no worker needed to see its result)."""
    from earshot.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _verify(client, capture):
    with capture(execute=True):
        response = client.post(reverse("audit:verify", kwargs={"org_slug": "acme"}))
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def _head(trail):
    return AuditChain.objects.get(key=chain_key_for(trail.cast.organisation))


@pytest.mark.parametrize("role", ["privacy_officer", "auditor"])
def test_privacy_officer_and_auditor_verify_from_the_page(
    trail, client_for, role, eager, django_capture_on_commit_callbacks
):
    page = _verify(client_for(trail.cast[role]), django_capture_on_commit_callbacks)
    assert "De verificatie is gestart." in page
    assert "Keten geverifieerd" in page
    head = _head(trail)
    assert head.last_verified_ok is True
    assert head.verification_requested_at is None


def test_a_second_click_while_it_runs_starts_nothing(
    trail, officer, django_capture_on_commit_callbacks
):
    url = reverse("audit:verify", kwargs={"org_slug": "acme"})
    with django_capture_on_commit_callbacks() as callbacks:
        officer.post(url)
        officer.post(url)
    assert len(callbacks) == 1  # one task queued
    page = officer.get(reverse(TRAIL, kwargs={"org_slug": "acme"})).content.decode()
    assert "Verificatie loopt" in page
    assert "data-verify" not in page


@pytest.mark.parametrize("role", ["employee", "coach", "manager", "administrator"])
def test_verification_is_refused_to_roles_that_may_not(trail, client_for, role):
    url = reverse("audit:verify", kwargs={"org_slug": "acme"})
    assert client_for(trail.cast[role]).post(url).status_code == 403
    assert _head(trail).verification_requested_at is None


def test_verification_by_an_outsider_or_by_get(trail, client_for, officer):
    url = reverse("audit:verify", kwargs={"org_slug": "acme"})
    assert client_for(trail.cast.outsider).post(url).status_code == 404
    assert officer.get(url).status_code == 405
    assert _head(trail).verification_requested_at is None


def test_a_broken_chain_is_said_in_dutch(trail, officer, eager, django_capture_on_commit_callbacks):
    from audit.tests.test_checkpoints import _as_dba

    _as_dba(("UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s", [trail.opened.pk]))
    page = _verify(officer, django_capture_on_commit_callbacks)
    assert "Keten verbroken" in page
    assert (
        f"verbroken bij gebeurtenis {trail.opened.sequence}: de inhoud klopt niet met de hash"
        in page
    )


def test_people_and_teams_are_named_not_coded(trail, officer):
    from organisations.models import Membership

    membership = Membership.objects.get(
        user=trail.cast["coach"], organisation=trail.cast.organisation
    )
    audit.record(
        actor=trail.cast["administrator"],
        action="organisations.membership.role_changed",
        organisation=trail.cast.organisation,
        target=membership,
    )
    response, page = _page(officer, action="organisations.membership.role_changed")
    (row,) = response.context["rows"]
    assert row.targets[0].link.label.endswith(" als Coach")
    assert "organisations.membership<" not in page and "organisations.membership " not in page


@pytest.mark.parametrize(
    "params", [{"q": "9" * 30}, {"before": "9" * 30}, {"q": "#" + "1" * 25}, {"person": "9" * 30}]
)
def test_huge_numbers_find_nothing_and_never_fail(trail, officer, params):
    response, _ = _page(officer, **params)
    if "before" in params:
        assert _shown(response)  # an impossible cursor: the newest page
    else:
        assert _shown(response) == []


def test_an_export_of_a_search_that_looks_like_a_phone_number_is_recorded_without_it(
    trail, officer
):
    response = _export(officer, q="0612345678", format="json")
    assert json.loads(b"".join(response.streaming_content))["events"] == []
    exported = AuditEvent.objects.get(action="audit.trail.exported")
    assert "q" not in exported.detail["filters"]


def test_a_failed_sign_in_is_said_of_the_person_not_of_earshot(trail, officer):
    coach = trail.cast["coach"]
    coach.first_name, coach.last_name = "Cor", "Coach"
    coach.save()
    audit.record(
        actor=None, action="auth.signin.failed", organisation=trail.cast.organisation, target=coach
    )
    response, _ = _page(officer, action="auth.signin.failed")
    (row,) = response.context["rows"]
    assert row.sentence.startswith("Cor Coach ")


def test_an_unreadable_checkpoint_is_said_in_dutch_on_the_page(
    trail, officer, eager, django_capture_on_commit_callbacks, isolated_audit_checkpoints
):
    from django.core.management import call_command

    call_command("audit_checkpoint")
    with open(isolated_audit_checkpoints / "checkpoints.jsonl", "a") as store:
        store.write("{not a checkpoint\n")
    page = _verify(officer, django_capture_on_commit_callbacks)
    assert "Keten verbroken" in page
    assert "is niet leesbaar: het is gewijzigd of vervalst" in page
