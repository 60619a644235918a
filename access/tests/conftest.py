"""A small world for the gate: two teams, a coach of team A, standing rights, recordings."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import TestCase

from access.constants import DisclosureContents, Scope
from access.disclosures import disclosure_share
from access.four_eyes import request_create, request_decide
from access.models import PurposeRule, StandingRight
from organisations.models import Membership
from organisations.tests.factories import EmployeeFactory, TeamFactory
from recordings.tests.factories import recording_create, wav_bytes
from register.models import Purpose, Recipient
from register.services import activity_create


def register_for(
    organisation,
    *,
    retention_days: int = 28,
    customer_fields=("phone",),
    case_retention_days: int | None = None,
) -> dict[str, Purpose]:
    """A register with two purposes and a recording retention line; with case_retention_days
    also a line for requests, cases and disclosures."""
    case_lines = [
        {
            "subject_category": "Betrokkenen bij een verzoek of zaak",
            "personal_data": "motivering, beslissingen",
            "collection_purpose": "verantwoording",
            "data_category": "case",
            "retention_value": case_retention_days,
            "retention_unit": "days",
        }
    ]
    activity = activity_create(
        organisation=organisation,
        actor=None,
        reference="T1",
        name="Gespreksopname",
        purposes=[
            {
                "code": "coaching",
                "description": "Coaching en monitoring",
                "legal_basis": "legitimate_interest",
            },
            {
                "code": "misconduct",
                "description": "Ernstig verwijtbare gedraging",
                "legal_basis": "legitimate_interest",
            },
        ],
        data_subject_entries=[
            {
                "subject_category": "Klanten",
                "personal_data": "telefoonnummer",
                "collection_purpose": "identificatie",
                "data_category": "recording",
                "retention_value": retention_days,
                "retention_unit": "days",
            }
        ]
        + (case_lines if case_retention_days else []),
        recipients=[],
        recorded_customer_fields=list(customer_fields),
    )
    return {purpose.code: purpose for purpose in activity.purposes.all()}


def share_copy(
    organisation,
    *,
    recipient_email: str,
    expires_at,
    files=(("letter.txt", b"Uw gegevens"),),
    recipient_label: str = "De betrokkene",
    contents: str = DisclosureContents.SUBJECT_COPY,
    actor=None,
    ip_address: str | None = None,
):
    """disclosure_share of a copy that no access request approved (by default a data subject's
    letter, shared by no one in particular)."""
    return disclosure_share(
        organisation=organisation,
        files=list(files),
        recipient_email=recipient_email,
        recipient_label=recipient_label,
        purpose_code="",
        contents=contents,
        actor=actor,
        ip_address=ip_address,
        expires_at=expires_at,
    )


def sealed_call_like(call, audio: bytes):
    """A sealed call with `audio`, of the same organisation and employee as `call` (so the same
    rules reach it)."""
    return recording_create(
        organisation=call.organisation, employee=call.employee, audio=audio, sealed=True
    )


@dataclass
class GateWorld:
    cast: object
    purposes: dict
    own_call: object  # handled by cast["employee"], team A
    team_a_call: object  # another agent of team A
    team_b_call: object  # team B: the coach does not coach it


@pytest.fixture
def world(cast) -> GateWorld:
    org = cast.organisation
    purposes = register_for(org)
    team_a, team_b = TeamFactory(organisation=org), TeamFactory(organisation=org)
    me = EmployeeFactory(organisation=org, team=team_a, user=cast["employee"])
    colleague = EmployeeFactory(organisation=org, team=team_a)
    stranger = EmployeeFactory(organisation=org, team=team_b)
    Membership.objects.get(user=cast["coach"], organisation=org).teams.set([team_a])
    StandingRight.objects.create(
        organisation=org, purpose=purposes["coaching"], role="coach", scope=Scope.COACHED_TEAMS
    )
    StandingRight.objects.create(
        organisation=org, purpose=purposes["coaching"], role="employee", scope=Scope.OWN_CALLS
    )
    return GateWorld(
        cast,
        purposes,
        own_call=recording_create(
            organisation=org, employee=me, audio=wav_bytes(seconds=2, seed=1)
        ),
        team_a_call=recording_create(
            organisation=org, employee=colleague, customer_phone="+31612345678"
        ),
        team_b_call=recording_create(organisation=org, employee=stranger),
    )


@dataclass
class FourEyesWorld:
    gate: GateWorld
    rule: PurposeRule  # misconduct: the manager asks; privacy officer or team leader approves
    call: object  # the team B call nobody may hear without a grant

    @property
    def cast(self):
        return self.gate.cast

    @property
    def purpose(self):
        return self.rule.purpose

    def membership(self, role_or_user) -> Membership:
        user = self.cast[role_or_user] if isinstance(role_or_user, str) else role_or_user
        return Membership.objects.select_related("organisation", "user").get(
            user=user, organisation=self.cast.organisation
        )

    def ask(self, role: str = "manager", **overrides):
        fields = {
            "membership": self.membership(role),
            "purpose": self.purpose,
            "motivation": "Klant meldt dat de medewerker hem uitschold tijdens dit gesprek.",
            "recordings": [self.call],
        }
        fields.update(overrides)
        with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mails go on commit
            return request_create(**fields)

    def decide(self, role_or_user, request, outcome: str = "approve", **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return request_decide(
                membership=self.membership(role_or_user),
                request_id=request.pk,
                outcome=outcome,
                **kwargs,
            )


@pytest.fixture
def four_eyes(world) -> FourEyesWorld:
    org = world.cast.organisation
    rule = PurposeRule.objects.create(
        organisation=org,
        purpose=world.purposes["misconduct"],
        requester_roles=["manager"],
        approver_roles=["privacy_officer", "team_leader", "manager"],
        grant_hours=48,
    )
    return FourEyesWorld(
        gate=world,
        rule=rule,
        call=recording_create(
            organisation=org,
            employee=world.team_b_call.employee,
            audio=wav_bytes(seconds=2, seed=7),
        ),
    )


@pytest.fixture
def police(four_eyes):
    """The police as an outside recipient the four-eyes rule may disclose to."""
    recipient = Recipient.objects.create(
        activity=four_eyes.purpose.activity, name="Politie", kind="outside_party"
    )
    four_eyes.rule.disclosure_recipients.add(recipient)
    return recipient
