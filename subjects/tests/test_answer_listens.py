"""Who listened to a call, when and for what purpose: read from the audit trail, with an index
of its own (PostgreSQL's plan names it)."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

import audit
from access.listens import listen_events, listens_of
from access.tests.conftest import register_for
from organisations.constants import Role
from recordings.models import Recording
from recordings.tests.factories import recording_create


def _listen(user, organisation, recording, purpose):
    audit.record(
        actor=user,
        action="access.recording.listened",
        organisation=organisation,
        target=recording,
        purpose=purpose,
    )


@pytest.mark.django_db
def test_listens_name_the_listener_the_time_and_the_purpose(cast):
    org = cast.organisation
    register_for(org)
    call, other_call = recording_create(organisation=org), recording_create(organisation=org)
    coach = cast["coach"]
    coach.first_name, coach.last_name = "Carla", "Coach"
    coach.save()
    with time_machine.travel(datetime(2026, 11, 2, 9, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        _listen(coach, org, call, "coaching")
    with time_machine.travel(datetime(2026, 11, 3, 14, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        _listen(cast["manager"], org, call, "misconduct")
    # A refused play is no listen, nor is another call's listen.
    audit.record(
        actor=cast["employee"],
        action="access.recording.refused",
        organisation=org,
        target=call,
        purpose="coaching",
    )
    _listen(cast["coach"], org, other_call, "coaching")

    listens = listens_of(org, [call.pk])[str(call.pk)]

    assert [(x.listener_name, x.listener_role, x.purpose_code) for x in listens] == [
        ("Carla Coach", str(Role.COACH.label), "coaching"),
        ("acme-manager", str(Role.MANAGER.label), "misconduct"),
    ]
    assert listens[0].listener_label == "acme-coach"
    assert listens[0].purpose_description == "Coaching en monitoring"
    assert listens[1].purpose_description == "Ernstig verwijtbare gedraging"
    # In the organisation's zone (Amsterdam: UTC+1 in November).
    assert listens[0].at.strftime("%d-%m-%Y %H:%M") == "02-11-2026 10:30"


@pytest.mark.django_db
def test_listens_of_another_organisation_are_not_found(cast):
    org, other = cast.organisation, cast.other_organisation
    call = recording_create(organisation=org)
    _listen(cast["coach"], org, call, "coaching")

    assert listens_of(other, [call.pk]) == {}
    assert listens_of(org, []) == {}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_listens_lookup_uses_its_partial_index(cast):
    """A trail like a contact centre's: for every call an ingest and a purge event, a listen
    now and then. With statistics the planner takes the listens' own index by itself."""
    org = cast.organisation
    calls = [recording_create(organisation=org) for _ in range(3)]
    bulk = [(uuid.uuid4(), {}) for _ in range(3000)]
    for action in ("recordings.recording.ingested", "retention.recording.purged"):
        audit.record_many(
            actor=None, action=action, organisation=org, entries=bulk, target_model=Recording
        )
    for call in calls:
        _listen(cast["coach"], org, call, "coaching")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    plan = listen_events(org, [c.pk for c in calls]).explain()
    assert "audit_listens" in plan, plan
