"""A world for the gate on a SQLite file, built in a subprocess (`manage.py shell -c`) with
DATABASE_URL pointing at that file: a call, a manager's grant for it, a coach with a standing
right, and signed-in sessions for both. Prints what the test needs as JSON."""

from __future__ import annotations

import json

from django.conf import settings

from access.constants import Scope
from access.four_eyes import request_create, request_decide
from access.models import Grant, PurposeRule, StandingRight
from access.tests.conftest import register_for
from audit.models import AuditEvent
from conftest import signed_in_client
from organisations.constants import Role
from organisations.models import Membership
from organisations.tests.factories import (
    EmployeeFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    membership,
)
from recordings.tests.factories import recording_create, wav_bytes


def build(*, sessions: int, max_plays: int) -> None:
    organisation = OrganisationFactory(slug="acme", name="Acme Klantcontact")
    users = {}
    for role in (Role.COACH, Role.MANAGER, Role.PRIVACY_OFFICER):
        users[role] = UserFactory(username=f"acme-{role.value}")
        membership(users[role], organisation, role)
    purposes = register_for(organisation)
    team = TeamFactory(organisation=organisation)
    Membership.objects.get(user=users[Role.COACH], organisation=organisation).teams.set([team])
    StandingRight.objects.create(
        organisation=organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope=Scope.COACHED_TEAMS,
    )
    rule = PurposeRule.objects.create(
        organisation=organisation,
        purpose=purposes["misconduct"],
        requester_roles=["manager"],
        approver_roles=["privacy_officer"],
        grant_hours=48,
        max_plays=max_plays,
    )
    call = recording_create(
        organisation=organisation,
        employee=EmployeeFactory(organisation=organisation, team=team),
        audio=wav_bytes(seconds=4, seed=3),
    )

    def member(role):
        return Membership.objects.select_related("organisation", "user").get(
            user=users[role], organisation=organisation
        )

    request = request_create(
        membership=member(Role.MANAGER),
        purpose=rule.purpose,
        motivation="Klant meldt dat de medewerker hem uitschold tijdens dit gesprek.",
        recordings=[call],
    )
    request_decide(
        membership=member(Role.PRIVACY_OFFICER), request_id=request.pk, outcome="approve"
    )

    def session(user) -> str:
        return signed_in_client(user).cookies[settings.SESSION_COOKIE_NAME].value

    print(
        json.dumps(
            {
                "recording": str(call.pk),
                "size": call.size_bytes,
                "grant": str(Grant.objects.get(request=request).pk),
                "managers": [session(users[Role.MANAGER]) for _ in range(sessions)],
                "coaches": [session(users[Role.COACH]) for _ in range(sessions)],
            }
        )
    )


def counts(grant_id: str) -> None:
    print(
        json.dumps(
            {
                "plays": Grant.objects.get(pk=grant_id).plays,
                "listened": AuditEvent.objects.filter(action="access.recording.listened").count(),
            }
        )
    )
