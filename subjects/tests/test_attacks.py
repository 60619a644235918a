"""Attacks on data subject requests (regressions): bad input that once gave a 500, data of
other people in a copy, and the public form's limits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from access.models import AccessRequest, Case
from recordings.tests.factories import recording_create
from register.models import Purpose
from subjects.answer import answer_approve
from subjects.answer_constants import AnswerStatus
from subjects.constants import PUBLIC_LIMIT_PER_CLIENT
from subjects.copy_contents import copy_contents
from subjects.models import PublicRequestForm, SubjectRequest
from subjects.search import find_subject_data
from subjects.tests.conftest import register_request
from subjects.tests.test_answer import EMAIL, PHONE, member, prepare
from subjects.tests.test_public_form import URL, data

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
        answer = answer_approve(membership=member(cast, "manager"), answer_id=answer.pk)
    assert answer.status == AnswerStatus.CARRIED_OUT


def test_the_rate_limit_counts_an_ipv6_client_by_its_64_network(registers):
    """One IPv6 subscriber holds a whole /64: counting single addresses let one client send
    without limit by changing the last bits each time."""
    PublicRequestForm.objects.create(organisation=registers.organisation, enabled=True)
    for n in range(PUBLIC_LIMIT_PER_CLIENT):
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
        assert client.post(URL, data()).status_code == 302
    assert Client(REMOTE_ADDR="2001:db8:1:2:ffff::9").post(URL, data()).status_code == 429
    # Another /64 is another client.
    assert Client(REMOTE_ADDR="2001:db8:1:3::1").post(URL, data()).status_code == 302


def test_another_persons_earlier_request_is_not_in_the_copy(registers):
    """Earlier requests were matched by any identifier, the name alone too: a namesake's
    request, or that of someone sharing the phone, went into the person's copy."""
    cast = registers
    namesake = register_request(cast, phones=["0611111111"], name="Jan de Vries")
    housemate = register_request(cast, phones=["0622222222"], name="Piet Jansen")
    same_person = register_request(cast, phones=["0622222222"], name="Jan de Vries")
    request = register_request(cast, phones=["06-22222222"], name="Jan de Vries", email=EMAIL)
    findings = find_subject_data(request)
    assert set(findings.subject_requests) == {same_person}
    contents = copy_contents(request, findings)
    references = {earlier["reference"] for earlier in contents["earlier_requests"]}
    assert references == {same_person.reference}
    assert namesake.reference not in references and housemate.reference not in references


def test_an_access_request_in_the_copy_names_only_the_persons_own_calls(registers):
    """A team leader's request may name the calls of several customers: the copy listed the
    ids of all of them."""
    cast = registers
    own = recording_create(organisation=cast.organisation, customer_phone=PHONE)
    other = recording_create(organisation=cast.organisation, customer_phone="+31687654321")
    asked = AccessRequest.objects.create(
        organisation=cast.organisation,
        requester=cast["team_leader"],
        purpose=Purpose.objects.get(activity__organisation=cast.organisation, code="coaching"),
        motivation="Gesprekken van twee klanten terugluisteren voor de coaching van het team.",
        policy_version=1,
        expires_at=timezone.now() + timedelta(days=1),
    )
    asked.recordings.set([own, other])
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    findings = find_subject_data(request)
    assert list(findings.access_requests) == [asked]
    contents = copy_contents(request, findings)
    assert contents["access_requests"][0]["calls"] == [str(own.pk)]
    assert str(other.pk) not in json.dumps(contents)


def test_the_approver_sees_where_the_copy_goes_and_a_public_form_request_is_flagged(
    registers, client_for
):
    """The approver saw neither the address the copy is sent to nor how the request came
    in: a request from the public form (anyone may type another person's phone number and
    their own address) or one registered with the preparer's own address passed unseen."""
    cast = registers
    recording_create(organisation=cast.organisation, customer_phone=PHONE)
    request = register_request(cast, phones=[PHONE], email="kwaadwillend@example.org")
    SubjectRequest.objects.filter(pk=request.pk).update(received_via="public_form")
    answer = prepare(cast, request)
    page = client_for(cast["manager"]).get(
        reverse("subjects:answer", kwargs={"org_slug": "acme", "answer_id": answer.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = page.content.decode()
    assert "data-approve" in text
    assert "kwaadwillend@example.org" in text
    assert "data-identity-warning" in text
