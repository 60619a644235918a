"""ICT staff set up a production installation from the command line."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_create_organisation_and_first_administrator(monkeypatch):
    call_command("create_organisation", "acme", "Acme Klantcontact")
    monkeypatch.setattr("sys.stdin", io.StringIO("a sufficiently long passphrase\n"))
    call_command("add_member", "beheer", "acme", "administrator", "--password-stdin")
    user = get_user_model().objects.get(username="beheer")
    assert user.check_password("a sufficiently long passphrase")
    organisation = Organisation.objects.get(slug="acme")
    assert user.has_perm("organisations.manage_members", organisation)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisations.organisation.created", "organisations.membership.created"} <= actions


def test_a_bad_time_zone_is_refused():
    with pytest.raises(CommandError, match="tijdzone|time zone"):
        call_command("create_organisation", "acme", "Acme", "--timezone", "Mars/Olympus")
    assert not Organisation.objects.exists()


def test_a_weak_password_is_refused_and_nothing_is_created(monkeypatch):
    call_command("create_organisation", "acme", "Acme Klantcontact")
    monkeypatch.setattr("sys.stdin", io.StringIO("12345\n"))
    with pytest.raises(CommandError):
        call_command("add_member", "beheer", "acme", "administrator", "--password-stdin")
    assert not get_user_model().objects.filter(username="beheer").exists()
    assert not Membership.objects.exists()


def test_new_user_without_a_password_is_refused():
    call_command("create_organisation", "acme", "Acme Klantcontact")
    with pytest.raises(CommandError, match="--password-stdin"):
        call_command("add_member", "beheer", "acme", "coach")
