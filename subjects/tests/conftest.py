"""Helpers for data subject request tests: registers that declare phone, name (and BSN),
calls with customer data, and a request registered through the service."""

from __future__ import annotations

from datetime import date

import pytest

from access.tests.conftest import register_for
from organisations.models import Membership
from subjects.constants import IdentifierKind, SubjectReceivedVia, SubjectRight
from subjects.identifiers import identifier_given
from subjects.services import subject_request_register

FIELDS = ("phone", "name", "bsn", "customer_number")


@pytest.fixture
def registers(cast):
    """Both organisations declare phone, name and BSN on calls."""
    register_for(cast.organisation, customer_fields=FIELDS)
    register_for(cast.other_organisation, customer_fields=FIELDS)
    return cast


def officer_membership(cast, organisation=None) -> Membership:
    return Membership.objects.get(
        user=cast["privacy_officer"], organisation=organisation or cast.organisation
    )


def register_request(
    cast,
    *,
    phones=(),
    name="",
    bsn="",
    customer_number="",
    email="",
    right=SubjectRight.ACCESS,
    received_on: date | None = None,
    membership=None,
):
    given = [identifier_given(IdentifierKind.PHONE, phone) for phone in phones]
    given += [
        identifier_given(IdentifierKind.NAME, name),
        identifier_given(IdentifierKind.BSN, bsn),
        identifier_given(IdentifierKind.CUSTOMER_NUMBER, customer_number),
        identifier_given(IdentifierKind.EMAIL, email),
    ]
    return subject_request_register(
        membership=membership or officer_membership(cast),
        right=right,
        received_on=received_on or date.today(),
        received_via=SubjectReceivedVia.EMAIL,
        requester_name=name or "Verzoeker",
        requester_email=email,
        identifiers=[item for item in given if item],
    )
