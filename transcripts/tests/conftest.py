"""A world for transcripts: a register with a transcript purpose and a misconduct purpose, an
access rule for each (the team leader asks; the privacy officer, manager or team leader
approves), a call with the customer's metadata, and the team leader's approved grant."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import TestCase

from access.four_eyes import request_create, request_decide
from access.models import PurposeRule
from organisations.models import Membership
from organisations.tests.factories import EmployeeFactory
from recordings.models import Recording
from recordings.tests.factories import recording_create, wav_bytes
from register.models import Purpose
from register.services import activity_create
from transcripts.services import transcript_purpose_set

MOTIVATION = "De klant vraagt een uitgetypte versie van dit gesprek voor zijn klacht."
# Passes the elfproef: 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66, a multiple of 11.
VALID_BSN = "111222333"
# Fails it: 9*1+8*2+7*3+6*4+5*5+4*6+3*7+2*8-1*9 = 147.
INVALID_BSN = "123456789"


def transcript_register(organisation, *, case_retention_days: int | None = None) -> dict:
    lines = [
        {
            "subject_category": "Klanten",
            "personal_data": "telefoonnummer, naam",
            "collection_purpose": "klachtafhandeling",
            "data_category": "recording",
            "retention_value": 62,
            "retention_unit": "days",
        }
    ]
    if case_retention_days:
        lines.append(
            {
                "subject_category": "Betrokkenen bij een verzoek of zaak",
                "personal_data": "motivering, beslissingen",
                "collection_purpose": "verantwoording",
                "data_category": "case",
                "retention_value": case_retention_days,
                "retention_unit": "days",
            }
        )
    activity = activity_create(
        organisation=organisation,
        actor=None,
        reference="TR1",
        name="Gespreksopname",
        purposes=[
            {
                "code": "customer-transcript",
                "description": "Uitgetypt gesprek naar de betreffende klant, geanonimiseerd",
                "legal_basis": "legitimate_interest",
            },
            {
                "code": "misconduct",
                "description": "Ernstig verwijtbare gedraging",
                "legal_basis": "legitimate_interest",
            },
        ],
        data_subject_entries=lines,
        recipients=[],
        recorded_customer_fields=["phone", "name", "address", "postcode"],
    )
    return {purpose.code: purpose for purpose in activity.purposes.all()}


def membership(cast, role_or_user) -> Membership:
    user = cast[role_or_user] if isinstance(role_or_user, str) else role_or_user
    return Membership.objects.select_related("organisation", "user").get(
        user=user, organisation=cast.organisation
    )


@dataclass
class TranscriptWorld:
    cast: object
    purposes: dict[str, Purpose]
    call: Recording
    employee: object

    def membership(self, role_or_user) -> Membership:
        return membership(self.cast, role_or_user)

    def grant(self, *, role: str = "team_leader", purpose: str = "customer-transcript", **extra):
        """An approved request (and its grant) of `role` for the call, approved by the
        privacy officer."""
        with TestCase.captureOnCommitCallbacks(execute=True):
            request = request_create(
                membership=self.membership(role),
                purpose=self.purposes[purpose],
                motivation=MOTIVATION,
                recordings=[extra.pop("recording", self.call)],
                **extra,
            )
            request_decide(
                membership=self.membership("privacy_officer"),
                request_id=request.pk,
                outcome="approve",
            )
        request.refresh_from_db()
        return request.grant


@pytest.fixture
def transcript_world(cast) -> TranscriptWorld:
    org = cast.organisation
    purposes = transcript_register(org)
    for code in purposes:
        PurposeRule.objects.create(
            organisation=org,
            purpose=purposes[code],
            requester_roles=["team_leader", "manager"],
            approver_roles=["privacy_officer", "manager", "team_leader"],
            grant_hours=48,
        )
    transcript_purpose_set(
        organisation=org, purpose=purposes["customer-transcript"], actor=cast["administrator"]
    )
    employee = EmployeeFactory(organisation=org, name="Sanne Visser")
    call = recording_create(
        organisation=org,
        employee=employee,
        audio=wav_bytes(seconds=2, seed=3),
        duration_seconds=120.0,
        customer_phone="+31612345678",
        customer_name="Jan de Vries",
        customer_address="Kerkstraat 12, Utrecht",
        customer_postcode="3511AB",
    )
    Recording.objects.filter(pk=call.pk).update(audio_duration_seconds=120.0)
    call.refresh_from_db()
    return TranscriptWorld(cast, purposes, call, employee)
