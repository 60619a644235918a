"""A rule that plays calls only with the employee present: the gate hands over no byte until
the listener confirms it, and the listen records it (the employee's id, never the name)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.models import PurposeRule, StandingRight
from access.policy import listen_decision
from audit.models import AuditEvent
from organisations.models import Membership
from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_employee(world):
    """The coaching purpose, which coaches hear under a standing right, now only with the
    employee present."""
    return PurposeRule.objects.create(
        organisation=world.cast.organisation,
        purpose=world.purposes["coaching"],
        requester_roles=[],
        approver_roles=[],
        employee_present=True,
    )


def audio(recording, purpose="coaching") -> str:
    url = reverse(
        "access:recording_audio",
        kwargs={"org_slug": recording.organisation.slug, "recording_id": recording.pk},
    )
    return f"{url}?purpose={purpose}"


def present_url(recording) -> str:
    return reverse(
        "access:recording_employee_present",
        kwargs={"org_slug": recording.organisation.slug, "recording_id": recording.pk},
    )


def test_no_byte_leaves_before_the_listener_confirms_the_employee_present(
    world, with_employee, client_for
):
    coach = client_for(world.cast["coach"])
    call = world.team_a_call
    for method in (coach.get, coach.head):
        refused = method(audio(call), HTTP_RANGE="bytes=0-")
        assert refused.status_code == 403
        assert refused["Content-Type"].startswith("text/plain")
        assert not hasattr(refused, "streaming_content")
    assert not AuditEvent.objects.filter(action="access.recording.listened").exists()
    page = coach.get(
        reverse(
            "access:recording_detail",
            kwargs={"org_slug": "acme", "recording_id": call.pk},
        )
    ).content.decode()
    assert "data-employee-presence" in page and call.employee.name in page
    # Another call's confirmation, or another purpose's, does not count.
    coach.post(present_url(world.team_b_call), {"purpose": "coaching", "employee_present": "on"})
    assert coach.get(audio(call)).status_code == 403
    answer = coach.post(
        present_url(call), {"purpose": "coaching", "employee_present": "on", "next": "//evil"}
    )
    assert answer.status_code == 302 and answer["Location"].startswith("/o/acme/")
    played = coach.get(audio(call))
    assert played.status_code == 200
    listen = AuditEvent.objects.get(action="access.recording.listened")
    assert listen.detail == {"employee_present": True, "employee": call.employee_id}
    # A further range of the same play is not a second listen.
    assert coach.get(audio(call), HTTP_RANGE="bytes=0-9").status_code == 206
    assert AuditEvent.objects.filter(action="access.recording.listened").count() == 1


def test_the_employee_hearing_their_own_call_is_present_by_definition(world, with_employee):
    me = Membership.objects.get(user=world.cast["employee"], organisation=world.cast.organisation)
    decision = listen_decision(membership=me, recording=world.own_call, purpose_code="coaching")
    assert decision.allowed and decision.with_employee


def test_a_call_without_a_known_employee_is_not_played_where_presence_is_required(
    world, with_employee, client_for
):
    call = recording_create(organisation=world.cast.organisation, employee=None)
    coach = Membership.objects.get(user=world.cast["coach"], organisation=call.organisation)
    StandingRight.objects.filter(role="coach").update(scope="organisation")
    decision = listen_decision(membership=coach, recording=call, purpose_code="coaching")
    assert not decision.allowed and not decision.awaits_employee


def test_confirming_needs_the_box_ticked_and_a_call_that_asks_for_it(
    world, with_employee, client_for
):
    coach = client_for(world.cast["coach"])
    coach.post(present_url(world.team_a_call), {"purpose": "coaching"})
    assert coach.get(audio(world.team_a_call)).status_code == 403
    assert not AuditEvent.objects.filter(action="access.recording.employee_confirmed").exists()
    # A purpose the coach may not hear at all: nothing to confirm, nothing written.
    coach.post(present_url(world.team_a_call), {"purpose": "misconduct", "employee_present": "on"})
    assert not AuditEvent.objects.filter(action="access.recording.employee_confirmed").exists()
    # Another organisation's member cannot reach the call at all.
    outsider = client_for(world.cast.outsider)
    answer = outsider.post(
        present_url(world.team_a_call), {"purpose": "coaching", "employee_present": "on"}
    )
    assert answer.status_code == 404
