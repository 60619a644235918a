"""A data subject request is a case record: the nightly run erases it, with its identifiers,
answers and the copy it disclosed, once it has been closed for the register's case period."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from access.models import Disclosure
from audit.models import AuditEvent
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create
from register.models import DataSubjectEntry
from retention.purge import purge_organisation
from subjects.answer_constants import AnswerAction, CopyMedia
from subjects.answer_copy import COPY_LINK_DAYS
from subjects.answer_models import SubjectAnswer
from subjects.constants import SubjectDecision
from subjects.models import SubjectIdentifier, SubjectRequest
from subjects.tests.conftest import register_request
from subjects.tests.test_answer import EMAIL, PHONE, approve, prepare

pytestmark = pytest.mark.django_db

PERIOD_DAYS = 90


def declare_case_period(organisation, days=PERIOD_DAYS):
    DataSubjectEntry.objects.create(
        activity=organisation.processing_activities.first(),
        subject_category="Betrokkenen bij een verzoek",
        personal_data="Identificerende gegevens, besluit",
        collection_purpose="Verantwoording",
        data_category="case",
        retention_value=days,
        retention_unit="days",
    )


def test_an_answered_request_is_erased_with_its_copy_after_the_case_period(registers):
    cast = registers
    org = cast.organisation
    declare_case_period(org)
    recording_create(organisation=org, customer_phone=PHONE)
    answered = register_request(cast, phones=[PHONE], email=EMAIL)
    answer = approve(cast, prepare(cast, answered, media=CopyMedia.METADATA))
    disclosure = answer.disclosure
    still_open = register_request(cast, phones=[PHONE], email=EMAIL)

    with time_machine.travel(timezone.now() + timedelta(days=PERIOD_DAYS - 5)):
        purge_organisation(org)
    assert SubjectRequest.objects.filter(pk=answered.pk).exists()  # not yet past the period

    # The record ended when its copy's link ended (at most COPY_LINK_DAYS after the answer).
    with time_machine.travel(timezone.now() + timedelta(days=PERIOD_DAYS + 1)):
        purge_organisation(org)
    assert SubjectRequest.objects.filter(pk=answered.pk).exists()

    with time_machine.travel(timezone.now() + timedelta(days=PERIOD_DAYS + COPY_LINK_DAYS + 1)):
        purge_organisation(org)

    assert not SubjectRequest.objects.filter(pk=answered.pk).exists()
    assert not SubjectIdentifier.objects.filter(request_id=answered.pk).exists()
    assert not SubjectAnswer.objects.filter(pk=answer.pk).exists()
    assert not Disclosure.objects.filter(pk=disclosure.pk).exists()
    assert not audio_storage().exists(disclosure.storage_key)
    event = AuditEvent.objects.get(action="subjects.request.erased", target_id=str(answered.pk))
    assert event.detail["retention_days"] == PERIOD_DAYS
    assert event.detail["decision"] == SubjectDecision.GRANTED
    assert "Verzoeker" not in str(event.detail) and EMAIL not in str(event.detail)
    # An open request is never erased, however old.
    assert SubjectRequest.objects.filter(pk=still_open.pk).exists()


def test_without_a_declared_case_period_no_request_is_erased(registers):
    cast = registers
    request = register_request(cast, phones=[PHONE])
    prepare(
        cast,
        request,
        action=AnswerAction.DECISION_ONLY,
        decision=SubjectDecision.NOTHING_FOUND,
        media="",
    )
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        purge_organisation(cast.organisation)
    assert SubjectRequest.objects.filter(pk=request.pk).exists()


def test_another_organisations_run_leaves_the_request_alone(registers):
    cast = registers
    declare_case_period(cast.organisation)
    declare_case_period(cast.other_organisation)
    request = register_request(cast, phones=[PHONE])
    prepare(
        cast,
        request,
        action=AnswerAction.DECISION_ONLY,
        decision=SubjectDecision.NOTHING_FOUND,
        media="",
    )
    with time_machine.travel(timezone.now() + timedelta(days=PERIOD_DAYS + 1)):
        purge_organisation(cast.other_organisation)
    assert SubjectRequest.objects.filter(pk=request.pk).exists()
