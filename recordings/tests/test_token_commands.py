"""Ingest token commands for scripted installs: create (optionally expiring), list, revoke."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.models import AuditEvent
from recordings.models import IngestToken
from recordings.tokens import (
    IngestTokenRefused,
    _hash,
    ingest_token_authenticate,
    ingest_token_create,
)

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=AMS)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_prints_the_token_once_and_audits_without_an_actor(cast):
    out = run("create_ingest_token", "--org", "acme", "--name", "Asterisk 1")
    lines = out.splitlines()
    assert lines[0] == "Token 'Asterisk 1' for Acme Klantcontact:"
    raw = lines[1]
    assert "shown only now" in lines[2]
    token = IngestToken.objects.get()
    assert token.token_hash == _hash(raw) and token.created_by is None
    assert token.expires_at is None
    assert ingest_token_authenticate(raw=raw) == token
    (event,) = AuditEvent.objects.filter(action="recordings.token.created")
    assert event.actor_label == "" and event.actor_id is None
    assert event.target_id == str(token.pk)
    assert raw not in str(event.detail) and token.token_hash not in str(event.detail)


def test_create_with_an_expiry_date_means_midnight_in_the_organisations_time_zone(cast, clock):
    out = run(
        "create_ingest_token", "--org", "acme", "--name", "Tijdelijk", "--expires", "2026-04-01"
    )
    token = IngestToken.objects.get()
    assert token.expires_at == datetime(2026, 4, 1, 0, 0, tzinfo=AMS)
    assert "It expires at 2026-03-31T22:00:00+00:00." in out
    raw = out.splitlines()[1]
    assert ingest_token_authenticate(raw=raw) == token
    clock.move_to(datetime(2026, 4, 1, 0, 0, 1, tzinfo=AMS))
    with translation.override("en"), pytest.raises(IngestTokenRefused, match="expired"):
        ingest_token_authenticate(raw=raw)


def test_create_takes_an_iso_datetime_with_or_without_offset(cast):
    run("create_ingest_token", "--org", "acme", "--name", "a", "--expires", "2026-04-01T17:30")
    run("create_ingest_token", "--org", "acme", "--name", "b", "--expires", "2026-04-01T17:30Z")
    expiries = dict(IngestToken.objects.values_list("name", "expires_at"))
    assert expiries["a"] == datetime(2026, 4, 1, 17, 30, tzinfo=AMS)
    assert expiries["b"] == datetime(2026, 4, 1, 17, 30, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    "args,message",
    [
        (["--org", "nope", "--name", "x"], "No organisation with slug 'nope'."),
        (
            ["--org", "acme", "--name", "x", "--expires", "2026-03-01"],
            "--expires '2026-03-01': Choose a moment in the future.",
        ),
        (
            ["--org", "acme", "--name", "x", "--expires", "next week"],
            "--expires 'next week': Enter a date and time such as 2027-01-31 17:00.",
        ),
        (["--org", "acme", "--name", "x", "--expires", "2026-02-30"], "Enter a date and time"),
        (["--org", "acme", "--name", "   "], "Give the token a name"),
    ],
)
def test_create_refuses_bad_input_clearly_and_creates_nothing(cast, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_ingest_token", *args)
    assert not IngestToken.objects.exists()
    assert not AuditEvent.objects.filter(action="recordings.token.created").exists()


def test_create_refuses_a_name_in_use(cast):
    run("create_ingest_token", "--org", "acme", "--name", "Asterisk 1")
    with pytest.raises(CommandError, match="A token named Asterisk 1 exists already"):
        run("create_ingest_token", "--org", "acme", "--name", "Asterisk 1")
    assert IngestToken.objects.count() == 1


def test_list_shows_each_token_with_its_status_but_never_the_token(cast, clock):
    live, live_raw = ingest_token_create(
        organisation=cast.organisation, name="Live", actor=cast["administrator"]
    )
    soon, _ = ingest_token_create(
        organisation=cast.organisation,
        name="Soon",
        actor=None,
        expires_at=datetime(2026, 3, 10, 13, 0, tzinfo=AMS),
    )
    run("revoke_ingest_token", "--org", "acme", "--name", "Live")
    ingest_token_create(organisation=cast.other_organisation, name="Theirs", actor=None)
    clock.move_to(datetime(2026, 3, 10, 14, 0, tzinfo=AMS))
    out = run("list_ingest_tokens", "--org", "acme")
    lines = out.splitlines()
    assert lines[0].split("\t")[:3] == ["id", "status", "name"]
    rows = {line.split("\t")[2]: line.split("\t") for line in lines[1:]}
    assert set(rows) == {"Live", "Soon"}
    assert rows["Live"][1] == "revoked" and rows["Live"][4] == "acme-administrator"
    assert rows["Soon"][1] == "expired" and rows["Soon"][6] == "2026-03-10T12:00:00+00:00"
    assert live_raw not in out and live.token_hash not in out and "Theirs" not in out


def test_list_of_an_organisation_without_tokens_says_so(cast):
    assert run("list_ingest_tokens", "--org", "acme") == "Acme Klantcontact has no ingest tokens.\n"
    with pytest.raises(CommandError, match="No organisation with slug 'nope'."):
        run("list_ingest_tokens", "--org", "nope")


def test_revoke_by_name_stops_the_token_and_audits_once(cast):
    token, raw = ingest_token_create(organisation=cast.organisation, name="Asterisk 1", actor=None)
    out = run("revoke_ingest_token", "--org", "acme", "--name", "Asterisk 1")
    assert f"Revoked token 'Asterisk 1' (id {token.pk}) of Acme Klantcontact" in out
    with translation.override("en"), pytest.raises(IngestTokenRefused, match="was revoked"):
        ingest_token_authenticate(raw=raw)
    token.refresh_from_db()
    first = token.revoked_at
    assert first is not None and token.revoked_by is None
    again = run("revoke_ingest_token", "--org", "acme", "--name", "Asterisk 1")
    assert "was revoked already" in again and "nothing changed" in again
    token.refresh_from_db()
    assert token.revoked_at == first
    (event,) = AuditEvent.objects.filter(action="recordings.token.revoked")
    assert event.actor_label == "" and event.target_id == str(token.pk)


def test_revoke_by_id(cast):
    token, _ = ingest_token_create(organisation=cast.organisation, name="Asterisk 1", actor=None)
    run("revoke_ingest_token", "--org", "acme", "--id", str(token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_refuses_unknown_tokens_and_another_organisations_token(cast):
    theirs, _ = ingest_token_create(organisation=cast.other_organisation, name="Theirs", actor=None)
    with pytest.raises(CommandError, match="No organisation with slug 'nope'."):
        run("revoke_ingest_token", "--org", "nope", "--name", "x")
    with pytest.raises(CommandError, match="Acme Klantcontact has no token named 'Theirs'."):
        run("revoke_ingest_token", "--org", "acme", "--name", "Theirs")
    with pytest.raises(CommandError, match=f"Acme Klantcontact has no token with id {theirs.pk}."):
        run("revoke_ingest_token", "--org", "acme", "--id", str(theirs.pk))
    with pytest.raises(CommandError, match="one of the arguments --name --id is required"):
        run("revoke_ingest_token", "--org", "acme")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditEvent.objects.filter(action="recordings.token.revoked").exists()


def test_revoke_by_an_ambiguous_name_asks_for_the_id(cast):
    # Tokens made before names had to be unique may share one.
    first, _ = ingest_token_create(organisation=cast.organisation, name="PBX", actor=None)
    second, _ = ingest_token_create(organisation=cast.organisation, name="PBX 2", actor=None)
    IngestToken.objects.filter(pk=second.pk).update(name="PBX")
    with pytest.raises(CommandError, match=r"Several tokens are named 'PBX' \(ids .*\); use --id"):
        run("revoke_ingest_token", "--org", "acme", "--name", "PBX")
    assert not IngestToken.objects.filter(revoked_at__isnull=False).exists()
    assert first.pk != second.pk
