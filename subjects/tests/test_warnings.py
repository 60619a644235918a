"""The privacy officers are warned 7 days and 1 day before a deadline, once each; an
extended deadline is warned about again; overdue requests and closed ones are not mailed."""

from __future__ import annotations

from datetime import date

import time_machine
from django.core import mail

from subjects.constants import SubjectRequestStatus
from subjects.models import SubjectDeadlineWarning, SubjectRequest
from subjects.services import subject_request_extend
from subjects.tasks import warn_subject_deadlines
from subjects.tests.conftest import officer_membership, register_request


def at(day: str):
    return time_machine.travel(f"{day} 07:00 +01:00", tick=False)


def test_warnings_go_seven_days_and_one_day_before_once_each(registers):
    cast = registers
    with at("2026-01-10"):
        subject_request = register_request(
            cast, phones=["0612345678"], received_on=date(2026, 1, 10)
        )
    assert subject_request.deadline == date(2026, 2, 10)
    with at("2026-02-02"):  # 8 days before
        assert warn_subject_deadlines() == 0
    with at("2026-02-03"):  # 7 days before
        assert warn_subject_deadlines() == 1
        assert warn_subject_deadlines() == 0  # a second run sends nothing again
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast["privacy_officer"].email]
    assert subject_request.reference in message.subject
    assert "0612345678" not in message.body and "Verzoeker" not in message.body
    with at("2026-02-05"):
        assert warn_subject_deadlines() == 0
    with at("2026-02-09"):  # 1 day before
        assert warn_subject_deadlines() == 1
    with at("2026-02-10"), at("2026-02-11"):
        assert warn_subject_deadlines() == 0
    assert len(mail.outbox) == 2
    assert sorted(SubjectDeadlineWarning.objects.values_list("days_before", flat=True)) == [1, 7]
    assert set(SubjectDeadlineWarning.objects.values_list("recipients", flat=True)) == {1}


def test_a_late_registration_gets_one_warning_not_two(registers):
    cast = registers
    with at("2026-02-09"):
        register_request(cast, phones=["0612345678"], received_on=date(2026, 1, 10))
        assert warn_subject_deadlines() == 1
        assert warn_subject_deadlines() == 0
    assert len(mail.outbox) == 1


def test_an_extended_deadline_is_warned_about_again_and_closed_requests_not_at_all(registers):
    cast = registers
    with at("2026-01-10"):
        subject_request = register_request(
            cast, phones=["0612345678"], received_on=date(2026, 1, 10)
        )
        closed = register_request(cast, phones=["0612345678"], received_on=date(2026, 1, 10))
    SubjectRequest.objects.filter(pk=closed.pk).update(status=SubjectRequestStatus.ANSWERED)
    with at("2026-02-03"):
        assert warn_subject_deadlines() == 1
        subject_request_extend(
            membership=officer_membership(cast),
            subject_request_id=subject_request.pk,
            months=1,
            reason="Complex",
        )
    with at("2026-03-03"):  # 7 days before 10 March
        assert warn_subject_deadlines() == 1
    assert len(mail.outbox) == 2
