"""The privacy officer registers a request, sees it listed by deadline, extends it once; a
BSN only where the register declares it; nobody else gets in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from access.tests.conftest import register_for
from audit.models import AuditEvent
from organisations.todo import todos_for
from subjects.constants import SubjectRequestStatus
from subjects.models import SubjectIdentifier, SubjectRequest
from subjects.services import SubjectRequestError, subject_request_extend
from subjects.tests.conftest import officer_membership, register_request

URL = "/o/acme/subject-requests/"


def form_data(**overrides):
    data = {
        "right": "access",
        "received_on": date.today().isoformat(),
        "received_via": "email",
        "requester_name": "Jan de Vries",
        "requester_email": "jan@example.nl",
        "subject_name": "",
        "phones": "06-12345678\n020 123 4567",
        "customer_number": "KL-0042",
        "description": "Ik wil weten welke gesprekken u van mij heeft.",
        "answer_language": "nl",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(cast, client_for):
    return client_for(cast["privacy_officer"])


def test_the_privacy_officer_registers_a_request_with_its_identifiers(cast, officer):
    register_for(cast.organisation, customer_fields=("phone", "name"))
    response = officer.post(URL + "new/", form_data())
    subject_request = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}{subject_request.pk}/"
    assert subject_request.reference == f"AVG-{date.today().year}-0001"
    assert subject_request.status == SubjectRequestStatus.OPEN
    kinds = sorted(SubjectIdentifier.objects.values_list("kind", "display"))
    assert kinds == [
        ("customer_number", "KL-0042"),
        ("email", "jan@example.nl"),
        ("name", "Jan de Vries"),  # the requester's name, as no other name was given
        ("phone", "+31 20 123 4567"),
        ("phone", "+31 6 12345678"),
    ]
    event = AuditEvent.objects.get(action="subjects.request.registered")
    assert "12345678" not in str(event.detail) and "Vries" not in str(event.detail)
    page = officer.get(f"{URL}{subject_request.pk}/")
    assert page.status_code == 200
    assert "+31 6 12345678" in page.content.decode()


def test_references_count_per_organisation_and_year(registers):
    cast = registers
    first = register_request(cast, phones=["0612345678"], received_on=date(2025, 12, 31))
    second = register_request(cast, phones=["0612345678"], received_on=date(2025, 12, 30))
    third = register_request(cast, phones=["0612345678"])
    other = register_request(
        cast, phones=["0612345678"], membership=_other_officer(cast), received_on=date(2025, 6, 1)
    )
    assert (first.reference, second.reference) == ("AVG-2025-0001", "AVG-2025-0002")
    assert third.reference == f"AVG-{date.today().year}-0001"
    assert other.reference == "AVG-2025-0001"


def _other_officer(cast):
    from organisations.constants import Role
    from organisations.tests.factories import UserFactory, membership

    return membership(
        UserFactory(username="other-po"), cast.other_organisation, Role.PRIVACY_OFFICER
    )


def test_an_invalid_phone_number_or_a_missing_identifier_is_refused_beside_the_field(cast, officer):
    register_for(cast.organisation, customer_fields=("phone",))
    response = officer.post(URL + "new/", form_data(phones="06-1234"))
    assert response.status_code == 200
    assert response.context["form"].errors["phones"]
    assert not SubjectRequest.objects.exists()


def test_no_bsn_field_where_the_register_declares_none_and_a_posted_bsn_is_refused(cast, officer):
    register_for(cast.organisation, customer_fields=("phone", "name"))
    page = officer.get(URL + "new/")
    assert 'name="bsn"' not in page.content.decode()
    response = officer.post(URL + "new/", form_data(bsn="111222333"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not SubjectRequest.objects.exists()


def test_a_bsn_is_taken_where_declared_and_one_failing_the_elfproef_is_refused(cast, officer):
    register_for(cast.organisation, customer_fields=("phone", "bsn"))
    response = officer.post(URL + "new/", form_data(bsn="123456789"))
    assert response.status_code == 200
    assert "elfproef" in " ".join(response.context["form"].errors["bsn"])
    assert not SubjectRequest.objects.exists()
    response = officer.post(URL + "new/", form_data(bsn="111 222 333"))
    assert response.status_code == 302
    bsn = SubjectIdentifier.objects.get(kind="bsn")
    assert bsn.display == "******333"
    assert "111222333" not in "".join(SubjectIdentifier.objects.values_list("display", flat=True))


def test_the_service_refuses_a_bsn_where_the_register_declares_none(registers):
    cast = registers
    cast.organisation.processing_activities.update(recorded_customer_fields=["phone"])
    with pytest.raises(SubjectRequestError, match="BSN"):
        register_request(cast, phones=["0612345678"], bsn="111222333")


def test_a_request_received_in_the_future_is_refused(cast, officer):
    register_for(cast.organisation)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = officer.post(URL + "new/", form_data(received_on=tomorrow))
    assert response.status_code == 200
    assert not SubjectRequest.objects.exists()


def test_a_request_received_before_the_gdpr_applied_is_refused_as_a_typing_error(cast, officer):
    register_for(cast.organisation)
    response = officer.post(URL + "new/", form_data(received_on="1900-05-01"))
    assert response.status_code == 200
    assert "25 mei 2018" in response.content.decode()
    assert not SubjectRequest.objects.exists()


@time_machine.travel("2026-03-20 10:00 +01:00", tick=False)
def test_the_list_puts_open_requests_first_by_deadline_with_overdue_marked(registers, officer):
    cast = registers
    late = register_request(cast, phones=["0612345678"], received_on=date(2026, 2, 10))
    soon = register_request(cast, phones=["0612345678"], received_on=date(2026, 2, 24))
    later = register_request(cast, phones=["0612345678"], received_on=date(2026, 3, 15))
    closed = register_request(cast, phones=["0612345678"], received_on=date(2026, 1, 5))
    SubjectRequest.objects.filter(pk=closed.pk).update(status=SubjectRequestStatus.ANSWERED)
    page = officer.get(URL)
    assert [item.pk for item in page.context["subject_requests"]] == [
        late.pk,
        soon.pk,
        later.pk,
        closed.pk,
    ]
    counts = page.context["counts"]
    assert (counts.open, counts.overdue, counts.due_soon, counts.closed) == (3, 1, 1, 1)
    html = page.content.decode()
    assert 'data-state="overdue"' in html and 'data-state="due_soon"' in html
    todos = {todo.label: todo for todo in todos_for(officer_membership(cast))}
    waiting = todos["Verzoeken van betrokkenen om te beantwoorden"]
    assert waiting.count == 3
    # Soonest legal deadline first; the late one says it is overdue.
    assert [item.overdue for item in waiting.items] == [True, False, False]
    assert waiting.items[0].deadline == late.deadline


@time_machine.travel("2026-02-10 10:00 +01:00", tick=False)
def test_the_deadline_is_extended_once_with_a_reason_and_audited(registers, officer):
    cast = registers
    subject_request = register_request(cast, phones=["0612345678"], received_on=date(2026, 1, 31))
    assert subject_request.deadline == date(2026, 2, 28)
    url = f"{URL}{subject_request.pk}/extend/"
    officer.post(url, {"months": "2", "reason": ""})
    subject_request.refresh_from_db()
    assert subject_request.extended_deadline is None
    officer.post(url, {"months": "2", "reason": "Veel gesprekken om na te gaan."})
    subject_request.refresh_from_db()
    assert subject_request.extended_deadline == date(2026, 4, 30)
    assert subject_request.effective_deadline == date(2026, 4, 30)
    assert AuditEvent.objects.filter(action="subjects.request.extended").count() == 1
    officer.post(url, {"months": "1", "reason": "Nog een keer"})
    subject_request.refresh_from_db()
    assert subject_request.extended_deadline == date(2026, 4, 30)
    with pytest.raises(SubjectRequestError):
        subject_request_extend(
            membership=officer_membership(cast),
            subject_request_id=subject_request.pk,
            months=1,
            reason="Nog een keer",
        )
    assert AuditEvent.objects.filter(action="subjects.request.extended").count() == 1


@pytest.mark.parametrize("role", ["employee", "coach", "team_leader", "manager", "administrator"])
def test_other_roles_get_403(registers, client_for, role):
    cast = registers
    subject_request = register_request(cast, phones=["0612345678"])
    client = client_for(cast[role])
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{subject_request.pk}/").status_code == 403
    assert client.post(URL + "new/", form_data()).status_code == 403
    assert SubjectRequest.objects.count() == 1


def test_another_organisations_privacy_officer_gets_404(registers, client_for):
    cast = registers
    subject_request = register_request(cast, phones=["0612345678"])
    other_po = _other_officer(cast).user
    client = client_for(other_po)
    assert client.get(f"/o/other/subject-requests/{subject_request.pk}/").status_code == 404
    assert client.get(f"{URL}{subject_request.pk}/").status_code == 404
    response = client.post(
        f"/o/other/subject-requests/{subject_request.pk}/extend/", {"months": "1", "reason": "x"}
    )
    assert response.status_code == 404
    subject_request.refresh_from_db()
    assert subject_request.extended_deadline is None


def test_publishing_the_public_form_is_audited(cast, officer):
    officer.post(URL + "public-form/", {"enabled": "1"})
    officer.post(URL + "public-form/", {"enabled": "1"})
    officer.post(URL + "public-form/", {"enabled": "0"})
    actions = list(
        AuditEvent.objects.filter(action__startswith="subjects.public_form").values_list(
            "action", flat=True
        )
    )
    assert actions == ["subjects.public_form.published", "subjects.public_form.withdrawn"]
