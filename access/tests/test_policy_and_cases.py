"""The access policy as data (edited, versioned, audited, obeyed) and the case register."""

from __future__ import annotations

import uuid

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from access.cases import case_create, case_timeline
from access.constants import CaseKind
from access.four_eyes import RequestError, cases_visible_to
from access.models import PolicyVersion, PurposeRule, StandingRight
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

MOTIVATION = "Klant meldt dat de medewerker hem uitschold tijdens dit gesprek."


def _edit_url(purpose):
    return reverse("policy:edit", kwargs={"org_slug": "acme", "purpose_id": purpose.pk})


def _form(**overrides):
    data = {
        "requester_roles": ["coach"],
        "approver_roles": ["team_leader"],
        "approvals_required": "1",
        "grant_hours": "12",
        "max_plays": "",
        "case_kind": "",
        "request_expiry_hours": "24",
        "disclosure_link_days": "7",
        "standing_employee": "own_calls",
    }
    data.update(overrides)
    return data


def test_the_administrator_changes_the_policy_and_each_change_is_a_version_in_the_trail(
    four_eyes, client_for
):
    purpose = four_eyes.gate.purposes["coaching"]
    admin = client_for(four_eyes.cast["administrator"])
    response = admin.post(_edit_url(purpose), _form())
    assert response.status_code == 302
    rule = PurposeRule.objects.get(purpose=purpose)
    assert rule.requester_roles == ["coach"] and rule.grant_hours == 12
    # The coach's standing right for coaching was not in the form: it is gone.
    assert list(StandingRight.objects.filter(purpose=purpose).values_list("role", "scope")) == [
        ("employee", "own_calls")
    ]
    version = PolicyVersion.objects.get(organisation=four_eyes.cast.organisation)
    assert version.number == 1 and version.snapshot["coaching"]["requester_roles"] == ["coach"]
    event = AuditEvent.objects.get(action="access.policy.changed")
    assert event.detail["version"] == 1 and event.actor_id == four_eyes.cast["administrator"].pk
    admin.post(_edit_url(purpose), _form(grant_hours="6"))
    assert list(
        PolicyVersion.objects.filter(organisation=four_eyes.cast.organisation).values_list(
            "number", flat=True
        )
    ) == [2, 1]
    page = admin.get(reverse("policy:version", kwargs={"org_slug": "acme", "number": 1}))
    assert page.status_code == 200


def test_the_gate_decides_from_the_changed_policy(four_eyes, client_for):
    purpose = four_eyes.gate.purposes["coaching"]
    team_a_call = four_eyes.gate.team_a_call
    coach = client_for(four_eyes.cast["coach"])
    audio = reverse(
        "access:recording_audio", kwargs={"org_slug": "acme", "recording_id": team_a_call.pk}
    )
    assert coach.get(f"{audio}?purpose=coaching").status_code == 200  # standing right
    client_for(four_eyes.cast["administrator"]).post(_edit_url(purpose), _form())
    # Now the coach must ask, and may.
    assert client_for(four_eyes.cast["coach"]).get(f"{audio}?purpose=coaching").status_code == 403
    request = four_eyes.ask("coach", purpose=purpose, recordings=[team_a_call])
    four_eyes.decide("team_leader", request)
    assert client_for(four_eyes.cast["coach"]).get(f"{audio}?purpose=coaching").status_code == 200


@pytest.mark.parametrize("role", ["manager", "privacy_officer", "coach", "auditor"])
def test_only_the_administrator_edits_the_policy(four_eyes, client_for, role):
    purpose = four_eyes.gate.purposes["coaching"]
    response = client_for(four_eyes.cast[role]).post(_edit_url(purpose), _form())
    assert response.status_code == 403
    assert not PolicyVersion.objects.exists()
    assert not PurposeRule.objects.filter(purpose=purpose).exists()


def test_a_role_without_the_approve_right_cannot_be_made_approver(four_eyes, client_for):
    purpose = four_eyes.gate.purposes["coaching"]
    response = client_for(four_eyes.cast["administrator"]).post(
        _edit_url(purpose), _form(approver_roles=["administrator"])
    )
    assert response.status_code == 200
    assert b"approve right" in response.content or b"goedkeurrecht" in response.content
    assert not PolicyVersion.objects.exists()


def test_the_policy_page_shows_each_purpose(four_eyes, client_for):
    page = client_for(four_eyes.cast["privacy_officer"]).get(
        reverse("policy:overview", kwargs={"org_slug": "acme"})
    )
    html = page.content.decode()
    assert 'data-purpose="misconduct"' in html and 'data-purpose="coaching"' in html
    assert _edit_url(four_eyes.purpose) not in html  # the privacy officer reads, never edits


# --- cases -----------------------------------------------------------------------------------


def _misconduct_case(fe, role="manager"):
    fe.rule.case_kind = CaseKind.MISCONDUCT
    fe.rule.save()
    return case_create(
        membership=fe.membership(role),
        kind=CaseKind.MISCONDUCT,
        received_via="internal",
        received_on=timezone.localdate(),
        description="Melding van een collega over scheldwoorden.",
    )


def test_misconduct_cases_are_visible_only_to_the_roles_the_policy_names(four_eyes, client_for):
    case = _misconduct_case(four_eyes)
    assert case.reference.startswith("G-")
    url = reverse("cases:detail", kwargs={"org_slug": "acme", "case_id": case.pk})
    for role in ("manager", "team_leader", "privacy_officer"):
        assert client_for(four_eyes.cast[role]).get(url).status_code == 200, role
    for role in ("coach", "employee", "administrator", "auditor"):
        assert client_for(four_eyes.cast[role]).get(url).status_code in (403, 404), role
    assert not cases_visible_to(four_eyes.membership("coach")).exists()
    with pytest.raises(RequestError):
        case_create(
            membership=four_eyes.membership("manager"),
            kind=CaseKind.THREAT,  # no rule names threats: nobody opens them
            received_via="phone",
            received_on=timezone.localdate(),
            description="x",
        )


def test_the_case_timeline_shows_requests_approvals_and_every_listen(four_eyes, client_for):
    case = _misconduct_case(four_eyes)
    request = four_eyes.ask(case=case, motivation=MOTIVATION)
    four_eyes.decide("privacy_officer", request)
    audio = reverse(
        "access:recording_audio", kwargs={"org_slug": "acme", "recording_id": four_eyes.call.pk}
    )
    client_for(four_eyes.cast["manager"]).get(f"{audio}?purpose=misconduct")
    actions = [event.action for event in case_timeline(case)]
    assert actions == [
        "access.case.opened",
        "access.request.created",
        "access.request.approved",
        "access.grant.created",
        "access.recording.listened",
    ]
    page = client_for(four_eyes.cast["privacy_officer"]).get(
        reverse("cases:detail", kwargs={"org_slug": "acme", "case_id": case.pk})
    )
    assert page.content.decode().count("<li data-action=") == 5


def test_opening_a_case_through_the_page(four_eyes, client_for):
    four_eyes.rule.case_kind = CaseKind.MISCONDUCT
    four_eyes.rule.save()
    client = client_for(four_eyes.cast["manager"])
    url = reverse("cases:new", kwargs={"org_slug": "acme"})
    response = client.post(
        url,
        {
            "kind": "misconduct",
            "reference": "",
            "received_via": "internal",
            "received_on": timezone.localdate().isoformat(),
            "description": "Melding",
            "recording": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200 and "Niets is gedaan" in response.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            url,
            {
                "kind": "misconduct",
                "reference": "",
                "received_via": "internal",
                "received_on": timezone.localdate().isoformat(),
                "description": "Melding",
                "recording": str(four_eyes.call.pk),
            },
        )
    assert response.status_code == 302
    case = cases_visible_to(four_eyes.membership("manager")).get()
    assert list(case.recordings.all()) == [four_eyes.call]
