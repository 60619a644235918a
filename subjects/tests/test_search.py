"""The search finds all and only the person's data, in the request's own organisation,
however the number was written; names alone and identifiers shared by two people are
flagged for the privacy officer instead of silently included."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.models import AccessRequest, Case, Disclosure
from audit.models import AuditEvent
from coaching.models import Evaluation
from coaching.qm_forms import form_create, version_publish
from coaching.tests.conftest import SECTIONS
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.tests.factories import recording_create
from register.models import Purpose
from subjects.search import find_subject_data, subject_request_search
from subjects.tests.conftest import officer_membership, register_request

PHONE = "+31612345678"


def call(cast, organisation=None, **fields):
    return recording_create(organisation=organisation or cast.organisation, **fields)


@pytest.fixture
def world(registers):
    cast = registers
    org, other = cast.organisation, cast.other_organisation
    calls = {
        "named": call(cast, customer_phone=PHONE, customer_name="Jan de Vries"),
        "unnamed": call(cast, customer_phone=PHONE),
        "by_bsn": call(cast, customer_bsn="111222333"),
        "stranger": call(cast, customer_phone="+31687654321", customer_name="Piet Jansen"),
        "other_org": call(cast, other, customer_phone=PHONE, customer_name="Jan de Vries"),
        "namesake": call(cast, customer_phone="+31600000001", customer_name="jan  de VRIES"),
        "housemate": call(cast, customer_phone=PHONE, customer_name="Marie de Vries"),
        "by_number": call(cast, customer_number="KL-0042"),
    }
    purposes = {p.code: p for p in Purpose.objects.filter(activity__organisation=org)}
    case_linked = Case.objects.create(
        organisation=org,
        kind="complaint",
        reference="K-1",
        received_via="phone",
        received_on=date.today(),
        description="Klacht over een gesprek",
    )
    case_linked.recordings.add(calls["named"])
    case_by_text = Case.objects.create(
        organisation=org,
        kind="complaint",
        reference="K-2",
        received_via="email",
        received_on=date.today(),
        customer_contact="bel terug op 06 - 1234 5678",
        description="Klant belde over de factuur.",
    )
    case_by_number = Case.objects.create(
        organisation=org,
        kind="complaint",
        reference="K-3",
        received_via="letter",
        received_on=date.today(),
        description="Brief van klant, klantnummer KL-0042.",
    )
    case_stranger = Case.objects.create(
        organisation=org,
        kind="complaint",
        reference="K-4",
        received_via="letter",
        received_on=date.today(),
        customer_contact="06-87654321",
        description="Iemand anders",
    )
    case_by_name = Case.objects.create(
        organisation=org,
        kind="complaint",
        reference="K-5",
        received_via="letter",
        received_on=date.today(),
        description="Mevrouw belde namens Jan de Vries, zonder nummer.",
    )
    case_by_bsn = Case.objects.create(
        organisation=org,
        kind="complaint",
        reference="K-6",
        received_via="letter",
        received_on=date.today(),
        description="Brief met BSN 111 222 333 erin.",
    )
    other_case = Case.objects.create(
        organisation=other,
        kind="complaint",
        reference="K-1",
        received_via="phone",
        received_on=date.today(),
        customer_contact="0612345678",
        description="Zelfde nummer, andere organisatie",
    )
    access_request = AccessRequest.objects.create(
        organisation=org,
        requester=cast["manager"],
        purpose=purposes["misconduct"],
        motivation="Luisteren naar het gesprek over de klacht.",
        expires_at=timezone.now() + timedelta(days=1),
    )
    access_request.recordings.add(calls["unnamed"])
    stranger_request = AccessRequest.objects.create(
        organisation=org,
        requester=cast["manager"],
        purpose=purposes["misconduct"],
        motivation="Iets anders.",
        expires_at=timezone.now() + timedelta(days=1),
    )
    stranger_request.recordings.add(calls["stranger"])
    version = version_publish(
        version=form_create(organisation=org, name="QM", sections=SECTIONS, actor=None),
        actor=None,
    )
    evaluation = Evaluation.objects.create(
        organisation=org,
        form_version=version,
        recording=calls["named"],
        purpose=purposes["coaching"],
        call_started_at=calls["named"].started_at,
        coach=cast["coach"],
    )
    return {
        "cast": cast,
        "calls": calls,
        "cases": {
            "linked": case_linked,
            "text": case_by_text,
            "number": case_by_number,
            "stranger": case_stranger,
            "by_name": case_by_name,
            "by_bsn": case_by_bsn,
            "other": other_case,
        },
        "access_request": access_request,
        "evaluation": evaluation,
    }


@pytest.mark.parametrize("written", ["06-12345678", "+31 6 1234 5678", "0031612345678"])
def test_the_search_finds_all_and_only_the_persons_data_in_the_own_organisation(world, written):
    cast, calls, cases = world["cast"], world["calls"], world["cases"]
    subject_request = register_request(
        cast, phones=[written], name="Jan de Vries", bsn="111222333", customer_number="KL-0042"
    )
    findings = find_subject_data(subject_request)

    assert set(findings.recordings) == {
        calls["named"],
        calls["unnamed"],
        calls["by_bsn"],
        calls["by_number"],
    }
    # Only the case linked to the person's own call is certain; cases found through their
    # free text alone are for the privacy officer to judge.
    assert set(findings.cases) == {cases["linked"]}
    assert list(findings.access_requests) == [world["access_request"]]
    assert list(findings.evaluations) == [world["evaluation"]]
    assert list(findings.transcripts) == []
    # Nothing of the other organisation, though it has the same number and name.
    assert calls["other_org"] not in findings.recordings
    assert cases["other"] not in findings.cases
    # The namesake and the housemate are for the privacy officer to judge.
    notes = {note.reason: note for note in findings.ambiguous}
    assert notes["name_only"].recordings == [calls["namesake"]]
    assert notes["name_only"].cases == [cases["by_name"]]
    assert notes["other_person"].recordings == [calls["housemate"]]
    assert set(notes["case_text"].cases) == {cases["text"], cases["number"], cases["by_bsn"]}


def test_an_identifier_that_matches_two_people_is_flagged_when_the_request_gives_no_name(world):
    cast, calls = world["cast"], world["calls"]
    subject_request = register_request(cast, phones=[PHONE])
    findings = find_subject_data(subject_request)
    # The phone's calls carry two names: the named ones are ambiguous, the unnamed included.
    assert set(findings.recordings) == {calls["unnamed"]}
    notes = {note.reason: note for note in findings.ambiguous}
    assert set(notes["other_person"].recordings) == {calls["named"], calls["housemate"]}


def test_a_call_with_another_bsn_on_the_persons_phone_is_flagged(registers):
    cast = registers
    own = call(cast, customer_phone=PHONE, customer_bsn="111222333")
    other = call(cast, customer_phone=PHONE, customer_bsn="123456782")
    findings = find_subject_data(register_request(cast, phones=[PHONE], bsn="111222333"))
    assert list(findings.recordings) == [own]
    assert [note.recordings for note in findings.ambiguous] == [[other]]


def test_a_request_whose_identifiers_match_nobody_finds_nothing_and_is_still_logged(
    world, client_for
):
    cast = world["cast"]
    subject_request = register_request(cast, phones=["0687650000"], name="Niemand Bekend")
    client = client_for(cast["privacy_officer"])
    page = client.get(f"/o/acme/subject-requests/{subject_request.pk}/")
    assert page.status_code == 200
    assert "data-nothing-found" in page.content.decode()
    event = AuditEvent.objects.get(action="subjects.request.searched")
    assert event.target_id == str(subject_request.pk)
    assert event.detail["recordings"] == 0
    text = str(event.detail)
    assert "0687650000" not in text and "niemand" not in text.lower()


def test_calls_erased_by_the_purge_are_not_found_and_hold_no_digest(registers):
    from retention.purge import purge_organisation

    cast = registers
    old = call(
        cast,
        customer_phone=PHONE,
        customer_name="Jan de Vries",
        started_at=timezone.now() - timedelta(days=40),
        retention_days=28,
    )
    purge_organisation(cast.organisation)
    old.refresh_from_db()
    assert old.status == RecordingStatus.PURGED
    assert old.customer_phone_digest is None and old.customer_name_digest is None
    findings = find_subject_data(register_request(cast, phones=[PHONE], name="Jan de Vries"))
    assert not findings.recordings.exists()
    assert findings.ambiguous == []


def test_earlier_requests_of_the_same_person_and_copies_sent_to_them_are_found(registers):
    cast = registers
    first = register_request(cast, phones=["06-12345678"], email="Jan@Example.nl")
    Disclosure.objects.create(
        organisation=cast.organisation,
        recipient_email="jan@example.nl",
        token_hash="t" * 64,
        code_hash="c",
        sha256="0" * 64,
        size_bytes=1,
        expires_at=timezone.now() + timedelta(days=1),
    )
    second = register_request(cast, phones=["+31 6 1234 5678"])
    third = register_request(cast, email="JAN@example.nl")
    assert list(find_subject_data(second).subject_requests) == [first]
    assert len(find_subject_data(third).disclosures) == 1
    assert set(find_subject_data(third).subject_requests) == {first}


def _other_callers(organisation, count: int) -> None:
    """Live calls of other people, as an organisation has thousands: on a table of a few rows
    the planner may read any index of the organisation's live calls (each costs the same), and
    which one it picks turns on how many such indexes there are, not on the search."""
    model = (
        Recording.objects.filter(organisation=organisation)
        .exclude(status=RecordingStatus.PURGED)
        .first()
    )
    copies = []
    for n in range(count):
        copy = Recording(
            **{f.attname: getattr(model, f.attname) for f in Recording._meta.concrete_fields}
        )
        copy.id = uuid.uuid4()
        copy.call_id = f"other-caller-{n}"
        copy.storage_key = f"{organisation.pk}/other/{n}.wav"
        copy.sha256 = f"{n:064x}"
        copy.customer_phone_digest = f"{n:064x}"
        copies.append(copy)
    Recording.objects.bulk_create(copies, batch_size=1000)


def test_the_search_uses_the_digest_indexes_not_a_scan(world):
    cast = world["cast"]
    subject_request = register_request(cast, phones=[PHONE], name="Jan de Vries")
    with CaptureQueriesContext(connection) as queries:
        findings = find_subject_data(subject_request)
        list(findings.recordings)
    digest_queries = [q["sql"] for q in queries if 'customer_phone_digest" IN' in q["sql"]]
    assert digest_queries
    _other_callers(cast.organisation, 3000)
    with connection.cursor() as cursor:
        # With statistics, as a live database has them: without, the planner guesses the same
        # few rows for every index of the organisation's live calls and may take any of them.
        cursor.execute("ANALYZE recordings_recording")
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + digest_queries[0].replace("%s", "NULL"))
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "rec_org_phone_digest" in plan, plan


def test_the_search_is_logged_with_counts_only(world):
    cast = world["cast"]
    subject_request = register_request(cast, phones=[PHONE], name="Jan de Vries")
    subject_request_search(membership=officer_membership(cast), subject_request=subject_request)
    event = AuditEvent.objects.get(action="subjects.request.searched")
    assert event.detail["recordings"] == 2  # named + unnamed (the housemate is ambiguous)
    assert PHONE not in str(event.detail)
    assert Recording.objects.filter(organisation=cast.organisation).count() == 7
