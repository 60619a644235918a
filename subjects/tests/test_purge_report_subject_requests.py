"""The nightly run's report counts the data subject requests it erased: on the run's record,
the retention page, the e-mail to the privacy officer, and the dry run says how many are due."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from recordings.tests.factories import recording_create
from retention.purge import dry_run, purge_organisation
from retention.report import purge_report_send
from subjects.answer_constants import AnswerAction
from subjects.constants import SubjectDecision
from subjects.tests.conftest import register_request
from subjects.tests.test_answer import PHONE, prepare
from subjects.tests.test_answer_retention import PERIOD_DAYS, declare_case_period

pytestmark = pytest.mark.django_db


def test_the_run_reports_the_data_subject_requests_it_erased(registers, client_for):
    cast = registers
    org = cast.organisation
    declare_case_period(org)
    recording_create(organisation=org, customer_phone=PHONE)
    for _ in range(2):
        request = register_request(cast, phones=[PHONE])
        prepare(
            cast,
            request,
            action=AnswerAction.DECISION_ONLY,
            decision=SubjectDecision.REFUSED,
            media="",
        )

    later = timezone.now() + timedelta(days=PERIOD_DAYS + 2)
    with time_machine.travel(later):
        assert dry_run(org)["others"] == {"subject_requests": 2}
        run = purge_organisation(org)
    run.refresh_from_db()
    assert run.others_erased == {"subject_requests": 2}

    page = client_for(cast["privacy_officer"]).get(
        reverse("retention:overview", kwargs={"org_slug": org.slug})
    )
    assert "data-others-erased" in page.content.decode()
    assert "Verzoeken van betrokkenen: 2" in page.content.decode()

    mail.outbox.clear()
    purge_report_send(run)
    # The line's words are Dutch once `make messages` compiles them; the label already is.
    line = next(x for x in mail.outbox[0].body.splitlines() if "verzoeken van betrokkenen" in x)
    assert line.endswith(": 2")
