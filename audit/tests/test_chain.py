"""The audit trail is append-only and verifiable: attempts to break it, and what catches them."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import audit
from audit.models import GENESIS_HASH, AuditEvent
from audit.services import AuditDetailError, chain_key_for
from audit.verification import chain_verify
from organisations.tests.factories import OrganisationFactory, UserFactory


def _events(organisation, count, actor=None):
    return [
        audit.record(
            actor=actor,
            action="auth.signin.succeeded",
            organisation=organisation,
            target=organisation,
            detail={"n": i},
        )
        for i in range(count)
    ]


def _tamper(sql, params):
    """What a DBA with superuser rights could do: switch the trigger off and edit rows."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


@pytest.mark.django_db
def test_events_are_chained_per_organisation():
    first, second = OrganisationFactory(), OrganisationFactory()
    a1, a2 = _events(first, 2)
    (b1,) = _events(second, 1)
    assert (a1.sequence, a2.sequence, b1.sequence) == (1, 2, 1)
    assert a1.previous_hash == GENESIS_HASH
    assert a2.previous_hash == a1.hash
    assert b1.previous_hash == GENESIS_HASH
    assert chain_verify(key=chain_key_for(first)).ok


@pytest.mark.django_db
def test_database_refuses_update_of_an_event():
    (event,) = _events(OrganisationFactory(), 1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.action == "auth.signin.succeeded"


@pytest.mark.django_db
def test_database_refuses_delete_of_an_event():
    (event,) = _events(OrganisationFactory(), 1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_orm_delete_of_an_event_is_refused_too():
    (event,) = _events(OrganisationFactory(), 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_verify_audit_names_an_altered_event():
    organisation = OrganisationFactory(slug="tampered")
    events = _events(organisation, 5)
    _tamper("UPDATE audit_auditevent SET detail = '{\"n\": 99}' WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit", "--org", "tampered")
    message = str(excinfo.value)
    assert f"event id {events[2].pk}" in message
    assert "sequence 3" in message
    assert "altered" in message


@pytest.mark.django_db
def test_verify_audit_names_a_forged_hash():
    organisation = OrganisationFactory(slug="forged")
    events = _events(organisation, 4)
    # Rewrite event 2 and give it a freshly computed-looking but wrong hash.
    _tamper("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, events[1].pk])
    report = chain_verify(key=chain_key_for(organisation))
    assert not report.ok
    assert report.broken_event_id == events[1].pk


@pytest.mark.django_db
def test_verify_audit_finds_an_event_removed_from_the_middle():
    organisation = OrganisationFactory(slug="gap")
    events = _events(organisation, 4)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = chain_verify(key=chain_key_for(organisation))
    assert not report.ok
    assert report.broken_event_id == events[2].pk
    assert "missing" in report.reason


@pytest.mark.django_db
def test_verify_audit_finds_the_last_event_removed():
    organisation = OrganisationFactory(slug="tail")
    events = _events(organisation, 3)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    report = chain_verify(key=chain_key_for(organisation))
    assert not report.ok
    assert "removed" in report.reason


@pytest.mark.django_db
def test_verify_audit_passes_an_intact_trail(capsys):
    organisation = OrganisationFactory(slug="intact")
    _events(organisation, 3)
    call_command("verify_audit", "--org", "intact")
    assert "chain intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_audit_rejects_an_unknown_organisation():
    with pytest.raises(CommandError, match="No organisation"):
        call_command("verify_audit", "--org", "nope")


@pytest.mark.django_db
def test_unknown_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(actor=None, action="made.up", organisation=OrganisationFactory())
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "detail",
    [
        {"phone_number": "x"},
        {"note": "belde vanaf 06-12345678"},
        {"bsn": "111222333"},
        {"nested": {"name": "Jan"}},
        # A phone number hidden beside machine values is still found.
        {"note": "3f2b1c4e-1d2a-4b5c-8d9e-0a1b2c3d4e5f 0612345678"},
    ],
)
def test_customer_personal_data_in_detail_is_refused(detail):
    with pytest.raises(AuditDetailError):
        audit.record(actor=None, action="auth.signin.failed", organisation=None, detail=detail)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_ids_digests_and_timestamps_in_detail_are_not_mistaken_for_phone_numbers():
    detail = {
        "recordings": ["f6a239f6-c7ef-4554-9501-b3a9c1d94fc3"],
        "sha256": "1234567890" * 6 + "abcd",
        "expires_at": "2026-11-25T14:33:03.123456+00:00",
    }
    event = audit.record(actor=None, action="auth.signin.failed", organisation=None, detail=detail)
    assert event.detail == detail


@pytest.mark.django_db
def test_events_keep_the_actor_after_the_user_is_deleted():
    user = UserFactory()
    organisation = OrganisationFactory()
    (event,) = _events(organisation, 1, actor=user)
    user.delete()
    event.refresh_from_db()
    assert event.actor_label == user.username
    assert chain_verify(key=chain_key_for(organisation)).ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_linear_chain():
    organisation = OrganisationFactory()
    errors = []

    def write():
        try:
            for _ in range(10):
                with transaction.atomic():
                    audit.record(actor=None, action="auth.signin.failed", organisation=organisation)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = chain_verify(key=chain_key_for(organisation))
    assert report.ok and report.events_checked == 40
