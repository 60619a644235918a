"""Archival records: a destruction list of what reached its period, approved by a second person,
leaving a destruction statement (metadata only) as PDF."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from access.four_eyes import RequestError
from audit.models import AuditEvent
from coaching.models import Answer, Criterion, Evaluation, EvaluationMonth
from coaching.rollups import rollups_rebuild
from organisations.models import Membership
from recordings.tests.factories import recording_create
from register.models import DataSubjectEntry
from retention.archive import destruction_decide, destruction_propose, due_records
from retention.constants import DestructionStatus

pytestmark = pytest.mark.django_db


def _m(cast, role):
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=cast.organisation
    )


@pytest.fixture
def archive(world, published_form):
    """Evaluations released 8 and 2 years ago; the register keeps evaluations 7 years."""
    activity = world.purposes["coaching"].activity
    DataSubjectEntry.objects.create(
        activity=activity,
        position=9,
        subject_category="Medewerkers",
        personal_data="Vorm en inhoud van het gesprek",
        collection_purpose="Coaching",
        data_category="evaluation",
        retention_value=7,
        retention_unit="years",
        retention_text="Zie Selectielijst Ministerie van EZK.",
    )
    employee = world.own_call.employee
    made = {}
    for age in (8, 2):
        call = recording_create(organisation=world.cast.organisation, employee=employee)
        evaluation = Evaluation.objects.create(
            organisation=world.cast.organisation,
            form_version=published_form,
            recording=call,
            purpose=world.purposes["coaching"],
            employee=employee,
            call_started_at=call.started_at,
            coach=world.cast["coach"],
            status="released",
            score=Decimal("60"),
            released_at=timezone.now() - timedelta(days=365 * age + 10),
        )
        Answer.objects.create(
            evaluation=evaluation,
            criterion=Criterion.objects.filter(section__version=published_form).first(),
            value=1,
            comment="De medewerker noemde de klant bij naam",
        )
        made[age] = evaluation
    rollups_rebuild(world.cast.organisation)
    return made


def test_only_what_reached_its_period_is_proposed(world, archive):
    items, grounds = due_records(world.cast.organisation)
    assert [i["id"] for i in items] == [str(archive[8].pk)]
    assert (grounds["evaluation"]["value"], grounds["evaluation"]["unit"]) == (7, "years")
    # Calibration is not declared in this register: never destroyed, never proposed.
    assert "calibration" not in grounds


def test_a_second_person_approves_and_the_statement_remains(world, archive, client_for):
    proposal = destruction_propose(membership=_m(world.cast, "privacy_officer"))
    with pytest.raises(RequestError):  # not the proposer
        destruction_decide(
            membership=_m(world.cast, "privacy_officer"), list_id=proposal.pk, approve=True
        )
    with pytest.raises(RequestError):  # not a role without the right
        destruction_decide(membership=_m(world.cast, "manager"), list_id=proposal.pk, approve=True)
    assert Evaluation.objects.filter(pk=archive[8].pk).exists()
    destruction_decide(
        membership=_m(world.cast, "administrator"), list_id=proposal.pk, approve=True
    )
    proposal.refresh_from_db()
    assert proposal.status == DestructionStatus.DESTROYED
    assert not Evaluation.objects.filter(pk=archive[8].pk).exists()
    assert not Answer.objects.filter(evaluation_id=archive[8].pk).exists()
    assert Evaluation.objects.filter(pk=archive[2].pk).exists()
    # The report sums no longer count it.
    assert sum(EvaluationMonth.objects.values_list("evaluations", flat=True)) == 1
    with pytest.raises(RequestError):  # a second click
        destruction_decide(
            membership=_m(world.cast, "administrator"), list_id=proposal.pk, approve=True
        )
    actions = list(
        AuditEvent.objects.filter(action__startswith="retention.destruction").values_list(
            "action", flat=True
        )
    )
    assert actions == ["retention.destruction.proposed", "retention.destruction.executed"]

    response = client_for(world.cast["auditor"]).get(
        reverse(
            "retention:destruction_statement", kwargs={"org_slug": "acme", "list_id": proposal.pk}
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Destruction statement" in text and str(archive[8].pk) in text
    assert "acme-privacy_officer" in text and "acme-administrator" in text
    assert "7 years" in text
    # Metadata only: no employee's name, no answer or comment.
    assert archive[8].employee.name not in text and "bij naam" not in text


def test_a_rejected_list_destroys_nothing_and_one_list_waits_at_a_time(world, archive):
    proposal = destruction_propose(membership=_m(world.cast, "privacy_officer"))
    with pytest.raises(RequestError):
        destruction_propose(membership=_m(world.cast, "administrator"))
    destruction_decide(
        membership=_m(world.cast, "administrator"), list_id=proposal.pk, approve=False
    )
    assert Evaluation.objects.filter(pk=archive[8].pk).exists()
    outsider = Membership.objects.select_related("user", "organisation").get(
        user=world.cast.outsider
    )
    with pytest.raises(RequestError):  # another organisation's administrator
        destruction_decide(membership=outsider, list_id=proposal.pk, approve=True)


def test_the_dashboard_tells_the_second_person_a_list_waits(world, archive, client_for):
    destruction_propose(membership=_m(world.cast, "privacy_officer"))
    dashboard = reverse("organisations:dashboard", kwargs={"org_slug": "acme"})
    label = "Destruction lists waiting for your approval"
    admin = client_for(world.cast["administrator"]).get(dashboard, HTTP_ACCEPT_LANGUAGE="en")
    assert label in admin.content.decode()
    proposer = client_for(world.cast["privacy_officer"]).get(dashboard, HTTP_ACCEPT_LANGUAGE="en")
    assert label not in proposer.content.decode()


def test_approving_a_destruction_list_asks_to_confirm_first(world, archive, client_for):
    """Destroying cannot be undone: the approval without the box ticked changes nothing and
    says why; with it, the records go."""
    proposal = destruction_propose(membership=_m(world.cast, "privacy_officer"))
    url = reverse("retention:destruction", kwargs={"org_slug": "acme", "list_id": proposal.pk})
    decide = reverse(
        "retention:destruction_decide", kwargs={"org_slug": "acme", "list_id": proposal.pk}
    )
    admin = client_for(world.cast["administrator"])
    assert "data-confirm-irreversible" in admin.get(url).content.decode()
    page = admin.post(decide, {"decision": "approve"}, follow=True).content.decode()
    assert "Niets is gedaan" in page
    proposal.refresh_from_db()
    assert proposal.status == DestructionStatus.PROPOSED
    assert Evaluation.objects.filter(pk=archive[8].pk).exists()
    admin.post(decide, {"decision": "approve", "confirm": "1"})
    proposal.refresh_from_db()
    assert proposal.status == DestructionStatus.DESTROYED
    assert not Evaluation.objects.filter(pk=archive[8].pk).exists()
