"""Signed checkpoints: a database writer who rewrites the trail is caught by verify_audit.

Each attack is done as a database writer would: switch the trigger off, change rows with SQL,
recompute the hashes with the published canonical form (audit/hashing.py) and update the head.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import audit
from audit.checkpoints import canonical, store_path
from audit.hashing import stored_event_hash
from audit.models import GENESIS_HASH, AuditChain, AuditCheckpoint, AuditEvent, AuditPrune
from audit.services import chain_key_for
from audit.signing import key_id
from audit.tasks import verify_audit_chains, write_audit_checkpoints
from organisations.tests.factories import OrganisationFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ROOT = Path(__file__).resolve().parents[2]


def _events(organisation, count):
    return [
        audit.record(
            actor=None,
            action="auth.signin.succeeded",
            organisation=organisation,
            target=organisation,
            detail={"n": i},
        )
        for i in range(count)
    ]


def _as_dba(*statements):
    """Run SQL with the append-only trigger switched off, as a superuser could."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        finally:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def _rechain(key):
    """Renumber the chain from 1, recompute every hash and point the head at the result."""
    previous, statements = GENESIS_HASH, []
    events = list(AuditEvent.objects.filter(chain=key).order_by("sequence"))
    for number, event in enumerate(events, start=1):
        event.sequence, event.previous_hash = number, previous
        event.hash = stored_event_hash(event)
        statements.append(
            (
                "UPDATE audit_auditevent SET sequence = %s, previous_hash = %s, hash = %s "
                "WHERE id = %s",
                [number, previous, event.hash, event.pk],
            )
        )
        previous = event.hash
    statements.append(
        (
            "UPDATE audit_auditchain SET last_sequence = %s, last_hash = %s WHERE key = %s",
            [len(events), previous, key],
        )
    )
    _as_dba(*statements)


def _verify_fails(slug, *needles):
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit", "--org", slug)
    message = str(excinfo.value)
    for needle in needles:
        assert needle in message, message
    return message


def _store_lines():
    return store_path().read_text().splitlines()


@pytest.fixture
def signed_chain(db):
    """Five events of organisation "signed", a signed checkpoint of them, and the chain key."""
    organisation = OrganisationFactory(slug="signed")
    events = _events(organisation, 5)
    call_command("audit_checkpoint", "--org", "signed")
    return organisation, events, chain_key_for(organisation)


# The store -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_checkpoint_command_appends_a_signed_line_per_chain(capsys):
    first, second = OrganisationFactory(), OrganisationFactory()
    _events(first, 2)
    _events(second, 3)
    call_command("audit_checkpoint")
    assert "2 checkpoint(s) appended" in capsys.readouterr().out
    lines = [json.loads(line) for line in _store_lines()]
    heads = {line["statement"]["chain"]: line["statement"]["last_sequence"] for line in lines}
    assert heads == {chain_key_for(first): 2, chain_key_for(second): 3}
    assert {line["key_id"] for line in lines} == {
        checkpoint.key_id for checkpoint in AuditCheckpoint.objects.all()
    }
    call_command("audit_checkpoint", "--org", first.slug)
    assert len(_store_lines()) == 3  # appended; the earlier lines are untouched
    assert [json.loads(line) for line in _store_lines()[:2]] == lines


@pytest.mark.django_db
def test_hourly_checkpoint_signs_only_chains_that_moved():
    organisation = OrganisationFactory()
    _events(organisation, 2)
    assert write_audit_checkpoints() == 1
    assert write_audit_checkpoints() == 0
    _events(organisation, 1)
    assert write_audit_checkpoints() == 1
    assert json.loads(_store_lines()[-1])["statement"]["last_sequence"] == 3


@pytest.mark.django_db
def test_checkpoint_without_a_signing_key_fails_loudly(settings):
    organisation = OrganisationFactory(slug="nokey")
    _events(organisation, 1)
    settings.AUDIT_SIGNING_KEY_FILE = None
    with pytest.raises(CommandError, match="EARSHOT_AUDIT_SIGNING_KEY_FILE is not set"):
        call_command("audit_checkpoint")
    assert not store_path().exists()


def test_deploy_check_warns_without_a_signing_key(settings):
    from audit.checks import signing_key_configured

    settings.AUDIT_SIGNING_KEY_FILE = None
    (warning,) = signing_key_configured()
    assert warning.id == "audit.W001"
    settings.AUDIT_SIGNING_KEY_FILE = "/nonexistent/key.pem"
    from audit.checks import signing_key_readable

    (error,) = signing_key_readable()
    assert error.id == "audit.E002"
    assert "/nonexistent/key.pem" in error.msg


# What verify_audit catches --------------------------------------------------------------------


def test_an_intact_signed_chain_verifies(signed_chain, capsys):
    call_command("verify_audit", "--org", "signed")
    out = capsys.readouterr().out
    assert "chain intact" in out
    assert "agrees with the signed checkpoint" in out
    assert "(sequence 5)" in out


def test_an_edited_event_is_caught(signed_chain):
    _, events, _ = signed_chain
    _as_dba(("UPDATE audit_auditevent SET detail = '{\"n\": 99}' WHERE id = %s", [events[1].pk]))
    _verify_fails("signed", f"event id {events[1].pk}", "altered")


def test_an_edited_event_with_a_rechained_head_is_caught(signed_chain):
    _, events, key = signed_chain
    _as_dba(("UPDATE audit_auditevent SET detail = '{\"n\": 99}' WHERE id = %s", [events[1].pk]))
    _rechain(key)
    _verify_fails("signed", "signed checkpoint", "rewritten", f"event id {events[4].pk}")


def test_a_deleted_event_with_renumbering_is_caught(signed_chain):
    _, events, key = signed_chain
    _as_dba(("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk]))
    _rechain(key)
    _verify_fails("signed", "ends at sequence 4", "vouches for sequence 5", "rolled back")


def test_a_wiped_chain_is_caught(signed_chain):
    _, _, key = signed_chain
    _as_dba(
        ("DELETE FROM audit_auditevent WHERE chain = %s", [key]),
        ("DELETE FROM audit_auditchain WHERE key = %s", [key]),
    )
    _verify_fails("signed", "no events remain", "wiped")
    # Also when every chain is verified: the chain is known from its signed checkpoints.
    with pytest.raises(CommandError, match="wiped"):
        call_command("verify_audit")


def test_a_chain_rolled_back_to_an_earlier_checkpoint_is_caught(signed_chain):
    organisation, _, key = signed_chain
    later = _events(organisation, 3)
    call_command("audit_checkpoint", "--org", "signed")
    # Back to the state of the first checkpoint: events 6-8 gone, the head at 5.
    head_then = AuditEvent.objects.get(chain=key, sequence=5)
    _as_dba(
        ("DELETE FROM audit_auditevent WHERE id = ANY(%s)", [[e.pk for e in later]]),
        (
            "UPDATE audit_auditchain SET last_sequence = 5, last_hash = %s WHERE key = %s",
            [head_then.hash, key],
        ),
    )
    _verify_fails("signed", "ends at sequence 5", "vouches for sequence 8")
    # ... and carrying on from there does not hide it.
    _events(organisation, 3)
    _verify_fails("signed", "signed checkpoint", "rewritten")


@pytest.mark.parametrize("forgery", ["other-key", "altered-statement", "garbage"])
def test_a_forged_checkpoint_is_caught(signed_chain, forgery):
    _, _, key = signed_chain
    line = json.loads(_store_lines()[-1])
    if forgery == "other-key":
        # Signed, but with the attacker's own key.
        attacker = Ed25519PrivateKey.generate()
        line["statement"]["last_sequence"] = 2
        line["key_id"] = key_id(attacker.public_key())
        line["signature"] = (
            __import__("base64").b64encode(attacker.sign(canonical(line["statement"]))).decode()
        )
        expected = "unknown key"
    elif forgery == "altered-statement":
        line["statement"]["last_sequence"] = 2
        expected = "signature does not verify"
    else:
        line = {"statement": "nonsense"}
        expected = "cannot be read"
    with store_path().open("a") as file:
        file.write(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match=expected) as excinfo:
        call_command("verify_audit")
    assert "checkpoints.jsonl:2" in str(excinfo.value)
    assert AuditChain.objects.get(key=key).last_verified_ok is False


def test_verification_never_trusts_the_database_copy(signed_chain):
    _, events, key = signed_chain
    _as_dba(("UPDATE audit_auditevent SET detail = '{\"n\": 99}' WHERE id = %s", [events[0].pk]))
    _rechain(key)
    AuditCheckpoint.objects.all().delete()  # the display copy is not protected, nor needed
    _verify_fails("signed", "rewritten")


def test_a_kept_copy_catches_a_rewrite_when_the_store_is_wiped_too(signed_chain, tmp_path):
    _, events, key = signed_chain
    copy = tmp_path / "kept.jsonl"
    copy.write_text(store_path().read_text())
    store_path().unlink()
    _as_dba(("UPDATE audit_auditevent SET detail = '{\"n\": 99}' WHERE id = %s", [events[0].pk]))
    _rechain(key)
    call_command("verify_audit", "--org", "signed")  # nothing left to compare with
    with pytest.raises(CommandError, match="rewritten"):
        call_command("verify_audit", "--org", "signed", "--checkpoints", str(copy))
    with pytest.raises(CommandError, match="No checkpoint file"):
        call_command("verify_audit", "--checkpoints", str(tmp_path / "absent.jsonl"))


def test_nightly_verification_records_the_problem_for_the_pages(signed_chain):
    _, events, key = signed_chain
    assert verify_audit_chains()[key] is True
    head = AuditChain.objects.get(key=key)
    assert head.last_verified_checkpoint_sequence == 5
    assert head.last_verified_problem == ""
    _as_dba(("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk]))
    assert verify_audit_chains()[key] is False
    head.refresh_from_db()
    # Stored in the installation's language (Dutch): the audit-trail page shows it.
    assert "staat in voor volgnummer 5" in head.last_verified_problem


# Pruning ----------------------------------------------------------------------------------------


def _at(day):
    return time_machine.travel(datetime.fromisoformat(day).replace(tzinfo=AMSTERDAM), tick=False)


@pytest.fixture
def old_and_new_events(db):
    organisation = OrganisationFactory(slug="prunable")
    with _at("2026-01-10T12:00"):
        old = _events(organisation, 3)
        call_command("audit_checkpoint", "--org", "prunable")
    with _at("2026-03-10T12:00"):
        new = _events(organisation, 2)
    return organisation, old, new


def test_prune_removes_the_oldest_events_and_the_rest_still_verifies(old_and_new_events, capsys):
    organisation, old, new = old_and_new_events
    key = chain_key_for(organisation)
    with _at("2026-04-01T12:00"):
        call_command("prune_audit", "--org", "prunable", "--before", "2026-02-01")
    assert "3 event(s) from before 2026-02-01 removed" in capsys.readouterr().out
    assert list(AuditEvent.objects.filter(chain=key).values_list("sequence", flat=True)) == [
        4,
        5,
        6,
    ]
    assert AuditEvent.objects.get(chain=key, sequence=6).action == "audit.trail.pruned"
    prune_line = json.loads(_store_lines()[-1])["statement"]
    assert prune_line["first_retained_sequence"] == 4
    assert prune_line["hash_before_first_retained"] == old[-1].hash
    call_command("verify_audit", "--org", "prunable")
    call_command("audit_checkpoint", "--org", "prunable")
    call_command("verify_audit", "--org", "prunable")
    assert "chain intact" in capsys.readouterr().out
    # Still append-only for everything the prune did not cover.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=new[0].pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditPrune.objects.all().delete()


def test_prune_keeps_the_newest_event(old_and_new_events):
    organisation, _, _ = old_and_new_events
    with _at("2026-04-01T12:00"):
        call_command("prune_audit", "--org", "prunable", "--before", "2026-04-01")
    key = chain_key_for(organisation)
    assert list(AuditEvent.objects.filter(chain=key).values_list("sequence", flat=True)) == [5, 6]
    call_command("verify_audit", "--org", "prunable")


def test_removing_old_events_outside_prune_is_caught(old_and_new_events):
    organisation, old, _ = old_and_new_events
    _as_dba(("DELETE FROM audit_auditevent WHERE id = ANY(%s)", [[e.pk for e in old]]))
    _verify_fails("prunable", "events 1 to 3 are missing", "outside prune_audit")


def test_removing_more_than_was_pruned_is_caught(old_and_new_events):
    organisation, old, new = old_and_new_events
    with _at("2026-04-01T12:00"):
        call_command("prune_audit", "--org", "prunable", "--before", "2026-02-01")
    _as_dba(("DELETE FROM audit_auditevent WHERE id = %s", [new[0].pk]))
    _verify_fails("prunable", "events 1 to 4 are missing")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--org", "nope", "--before", "2026-02-01"], "No organisation"),
        (["--org", "prunable", "--before", "1 februari"], "YYYY-MM-DD"),
        (["--org", "prunable", "--before", "2026-05-01"], "lies in the future"),
    ],
)
def test_prune_refuses_bad_input_and_changes_nothing(old_and_new_events, arguments, message):
    with _at("2026-04-01T12:00"), pytest.raises(CommandError, match=message):
        call_command("prune_audit", *arguments)
    assert AuditEvent.objects.count() == 5
    assert not AuditPrune.objects.exists()


def test_prune_refuses_a_broken_chain(old_and_new_events):
    _, old, _ = old_and_new_events
    _as_dba(("UPDATE audit_auditevent SET detail = '{}' WHERE id = %s", [old[0].pk]))
    with _at("2026-04-01T12:00"), pytest.raises(CommandError, match="Not pruned.*altered"):
        call_command("prune_audit", "--org", "prunable", "--before", "2026-02-01")
    assert AuditEvent.objects.count() == 5


def test_nothing_to_prune_says_so(old_and_new_events, capsys):
    with _at("2026-04-01T12:00"):
        call_command("prune_audit", "--org", "prunable", "--before", "2025-12-01")
    assert "no events from before 2025-12-01" in capsys.readouterr().out
    assert AuditEvent.objects.count() == 5


# The commands as an operator runs them ------------------------------------------------------


def _manage_env(settings):
    from django.db import connection as db

    conf = db.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARSHOT_")}
    env.update(
        DJANGO_SETTINGS_MODULE="earshot.settings",
        DATABASE_URL=(
            f"postgres://{conf['USER']}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"
        ),  # the test database, where this test's rows are committed
        EARSHOT_SECRET_KEY="x" * 50,
        EARSHOT_IDENTIFIER_KEY="identifier-key-" + "i" * 32,
        EARSHOT_HTTPS="0",
        EARSHOT_VAR_DIR=str(settings.VAR_DIR),
        EARSHOT_AUDIT_SIGNING_KEY_FILE=str(settings.AUDIT_SIGNING_KEY_FILE),
        EARSHOT_AUDIT_CHECKPOINT_DIR=str(settings.AUDIT_CHECKPOINT_DIR),
    )
    return env


def _run(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_commands_exit_non_zero_and_name_the_problem(settings):
    organisation = OrganisationFactory(slug="exitcodes")
    events = _events(organisation, 3)
    env = _manage_env(settings)
    assert _run("audit_checkpoint", env=env).returncode == 0
    result = _run("verify_audit", "--org", "exitcodes", env=env)
    assert result.returncode == 0, result.stderr
    assert "chain intact" in result.stdout

    _as_dba(("UPDATE audit_auditevent SET detail = '{}' WHERE id = %s", [events[0].pk]))
    _rechain(chain_key_for(organisation))
    result = _run("verify_audit", "--org", "exitcodes", env=env)
    assert result.returncode == 1
    assert "rewritten" in result.stderr

    result = _run("prune_audit", "--org", "exitcodes", "--before", "2020-01-01", env=env)
    assert result.returncode == 1
    assert "Not pruned" in result.stderr

    result = _run("audit_checkpoint", env={**env, "EARSHOT_AUDIT_SIGNING_KEY_FILE": "/nope"})
    assert result.returncode == 1
    assert "audit.E002" in result.stderr  # the system check stops it before anything


def test_an_auditor_verifies_with_the_public_key_only(signed_chain, settings, tmp_path, capsys):
    from audit.signing import public_pem, signing_key

    public = tmp_path / "verify.pem"
    public.write_text(public_pem(signing_key().public_key()))
    settings.AUDIT_SIGNING_KEY_FILE = None
    settings.AUDIT_VERIFY_KEY_FILE = str(public)
    call_command("verify_audit", "--org", "signed")
    assert "agrees with the signed checkpoint" in capsys.readouterr().out

    public.write_text(public_pem(Ed25519PrivateKey.generate().public_key()))
    _verify_fails("signed", "unknown key")


def test_a_restore_from_backup_shows_until_it_is_signed_for(signed_chain):
    organisation, events, key = signed_chain
    _events(organisation, 3)
    call_command("audit_checkpoint", "--org", "signed")
    # The database comes back from a backup taken at event 5.
    _as_dba(
        ("DELETE FROM audit_auditevent WHERE chain = %s AND sequence > 5", [key]),
        (
            "UPDATE audit_auditchain SET last_sequence = 5, last_hash = %s WHERE key = %s",
            [events[-1].hash, key],
        ),
    )
    _verify_fails("signed", "ends at sequence 5", "vouches for sequence 8")

    call_command("audit_checkpoint", "--org", "signed", "--after-restore")
    restored = AuditEvent.objects.get(chain=key, sequence=6)
    assert restored.action == "audit.trail.restored"
    assert restored.detail == {"restored_sequence": 5, "checkpoints_went_to": 8}
    call_command("verify_audit", "--org", "signed")
    _events(organisation, 4)  # past the sequences the superseded checkpoints named
    call_command("audit_checkpoint", "--org", "signed")
    call_command("verify_audit", "--org", "signed")
    # What the backup holds is still vouched for by the checkpoints before it.
    _as_dba(("UPDATE audit_auditevent SET detail = '{}' WHERE id = %s", [events[0].pk]))
    _rechain(key)
    _verify_fails("signed", "rewritten")
