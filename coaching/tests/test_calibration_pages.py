"""Consent and calibration through the pages: ask, answer, open, score blind, close, compare."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.constants import ConsentStatus, EvaluationStatus
from coaching.models import CalibrationSession, Consent, Criterion, Evaluation
from coaching.tests.test_consent_and_calibration import coaches  # noqa: F401  (fixture)
from organisations.constants import Role
from organisations.tests.factories import UserFactory, membership

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"coaching:{name}", kwargs={"org_slug": "acme", **kwargs})


def _call_page(client, call):
    return client.get(
        reverse("access:recording_detail", kwargs={"org_slug": "acme", "recording_id": call.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()


def _consent_through_pages(world, client_for, grant="grant"):
    coach, employee = client_for(world.cast["coach"]), client_for(world.cast["employee"])
    assert "Ask the employee&#x27;s consent" in _call_page(coach, world.own_call)
    asked = coach.post(
        _url("consent_ask", recording_id=world.own_call.pk),
        {"use": "calibration", "note": "Mooi voorbeeld voor de kalibratie"},
    )
    assert asked.status_code == 302
    consent = Consent.objects.get()
    assert "Consent asked, waiting for the employee" in _call_page(coach, world.own_call)
    overview = employee.get(_url("overview")).content.decode()
    assert f'data-consent="{consent.pk}"' in overview and "Mooi voorbeeld" in overview
    # The coach cannot answer for the employee.
    coach.post(_url("consent_answer", consent_id=consent.pk), {"decision": "grant"})
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.PENDING
    employee.post(_url("consent_answer", consent_id=consent.pk), {"decision": grant})
    consent.refresh_from_db()
    return consent


def test_the_employee_refuses_and_the_call_cannot_be_a_case(world, published_form, client_for):
    consent = _consent_through_pages(world, client_for, grant="refuse")
    assert consent.status == ConsentStatus.REFUSED
    coach = client_for(world.cast["coach"])
    assert "Open a calibration session" not in _call_page(coach, world.own_call)


def _scores(version, values):
    criteria = Criterion.objects.filter(section__version=version).order_by(
        "section__position", "position"
    )
    return {f"answer-{c.pk}": str(v) for c, v in zip(criteria, values, strict=True)}


def test_a_calibration_with_three_coaches_through_the_pages(
    world,
    published_form,
    client_for,
    coaches,  # noqa: F811
):
    consent = _consent_through_pages(world, client_for)
    assert consent.status == ConsentStatus.GRANTED
    lead, anna, bram = coaches
    lead_client = client_for(lead)
    assert "Open a calibration session on this call" in _call_page(lead_client, world.own_call)
    opened = lead_client.post(
        _url("calibration_new", recording_id=world.own_call.pk),
        {
            "version": published_form.pk,
            "purpose": "coaching",
            "participants": [c.pk for c in coaches],
            "expert": lead.pk,
            "closes_by": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "hide_employee": "on",
        },
    )
    assert opened.status_code == 302
    session = CalibrationSession.objects.get()
    values = {lead: [1, 1, 4, 1, 1], anna: [1, 0, 3, 1, 1], bram: [0, 1, 5, 1, 1]}
    sheets = {}
    for coach, answers in values.items():
        client = client_for(coach)
        started = client.post(_url("calibration_score", session_id=session.pk))
        sheet = Evaluation.objects.get(calibration=session, coach=coach)
        sheets[coach] = sheet
        assert started["Location"] == _url("evaluation", evaluation_id=sheet.pk)
        page = client.get(started["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "data-employee-hidden" in page and "Submit my scores" in page
        submitted = client.post(
            _url("draft", evaluation_id=sheet.pk),
            {**_scores(published_form, answers), "release": "1"},
        )
        assert submitted["Location"] == _url("calibration", session_id=session.pk)
        # Blind: before closing, nobody reads another's sheet or a comparison.
        detail = client.get(_url("calibration", session_id=session.pk)).content.decode()
        assert "data-comparison" not in detail
        for other in sheets.values():
            if other.coach != coach:
                assert client.get(_url("evaluation", evaluation_id=other.pk)).status_code == 404
    assert all(s.status == EvaluationStatus.RELEASED for s in Evaluation.objects.all())
    # A coach outside the session finds nothing.
    outsider = UserFactory(username="coach-outside")
    membership(outsider, world.cast.organisation, Role.COACH)
    assert client_for(outsider).get(_url("calibration", session_id=session.pk)).status_code == 404

    closed = lead_client.post(_url("calibration_close", session_id=session.pk))
    assert closed.status_code == 302
    page = (
        client_for(anna)
        .get(_url("calibration", session_id=session.pk), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "data-comparison" in page and "<svg" in page
    assert "Krippendorff" in page and page.count("data-criterion-row") == 5
    assert page.count("data-deviation") == 3
    # The employee's own results hold none of it.
    employee_page = client_for(world.cast["employee"]).get(_url("overview")).content.decode()
    assert "data-received" not in employee_page


def _counted(label: str, count: int) -> str:
    """A group of the dashboard's work list: its label (a link) and its count."""
    return f'{label}</a> <span class="count" data-count>{count}</span>'


def test_the_dashboard_counts_what_waits_for_a_coach(
    world,
    published_form,
    client_for,
    coaches,  # noqa: F811
):
    from coaching.calibration import calibration_open
    from coaching.consent import consent_answer, consent_ask
    from organisations.models import Membership

    def member(user):
        return Membership.objects.select_related("user", "organisation").get(
            user=user, organisation=world.cast.organisation
        )

    consent = consent_ask(
        membership=member(world.cast["coach"]), recording=world.own_call, use="calibration"
    )
    dashboard = reverse("organisations:dashboard", kwargs={"org_slug": "acme"})
    employee_page = (
        client_for(world.cast["employee"])
        .get(dashboard, HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert _counted("Questions about using your calls", 1) in employee_page
    consent_answer(membership=member(world.cast["employee"]), consent_id=consent.pk, grant=True)
    session = calibration_open(
        membership=member(coaches[0]),
        recording=world.own_call,
        version=published_form,
        purpose_code="coaching",
        participant_ids=[c.pk for c in coaches],
        expert_id=None,
        closes_by=timezone.localdate() + timedelta(days=3),
    )
    anna = client_for(coaches[1])
    waiting = _counted("Calibration sessions waiting for your scores", 1)
    assert waiting in anna.get(dashboard, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    anna.post(_url("calibration_score", session_id=session.pk))
    sheet = Evaluation.objects.get(calibration=session, coach=coaches[1])
    anna.post(
        _url("draft", evaluation_id=sheet.pk),
        {**_scores(published_form, [1, 1, 3, 1, 1]), "release": "1"},
    )
    assert waiting not in anna.get(dashboard, HTTP_ACCEPT_LANGUAGE="en").content.decode()
