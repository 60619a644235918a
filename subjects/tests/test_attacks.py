"""Attacks on data subject requests (regressions): bad input that once gave a 500, data of
other people in a copy, and the public form's limits."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.utils import timezone

from access.models import Case
from recordings.tests.factories import recording_create
from subjects.answer_constants import AnswerStatus
from subjects.tests.conftest import register_request
from subjects.tests.test_answer import EMAIL, PHONE, member, prepare

pytestmark = pytest.mark.django_db


def test_a_case_with_a_description_longer_than_a_page_still_goes_into_the_copy(registers):
    """A complaint pasted in full made one table row taller than a page: reportlab refused
    (LayoutError) and the approval failed with a server error."""
    cast = registers
    recording_create(organisation=cast.organisation, customer_phone=PHONE)
    Case.objects.create(
        organisation=cast.organisation,
        kind="complaint",
        reference="K-LONG",
        received_via="phone",
        received_on=timezone.localdate(),
        description="Klacht van 06-12345678.\n" + "De klant was erg ontevreden. " * 1500,
    )
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    answer = prepare(cast, request)
    with TestCase.captureOnCommitCallbacks(execute=True):
        from subjects.answer import answer_approve

        answer = answer_approve(membership=member(cast, "manager"), answer_id=answer.pk)
    assert answer.status == AnswerStatus.CARRIED_OUT
