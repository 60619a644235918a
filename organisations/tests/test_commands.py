"""ICT staff set up a production installation from the command line."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from organisations.models import Membership, Organisation, RoleChangeRequest

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


@pytest.mark.parametrize("name", ["Acme\nBcc: attacker@example.com", "Acme\rX", "Acme\x00"])
def test_a_name_with_a_line_break_or_control_character_is_refused(name):
    # The name goes into e-mail subjects; a line break there would break every notification.
    with pytest.raises(CommandError, match="één regel|one line"):
        call_command("create_organisation", "acme", name)
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


# Four eyes: add_member never gives a role that may hear calls at once ----------------------


def _add_member(monkeypatch, *args, password=None):
    if password is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("add_member", *args, stdout=out)
    return out.getvalue()


def _coaches_may_listen(organisation):
    from access.constants import Scope
    from access.models import StandingRight
    from access.tests.conftest import register_for

    purposes = register_for(organisation)
    StandingRight.objects.create(
        organisation=organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope=Scope.COACHED_TEAMS,
    )


def test_the_readme_first_administrator_is_made_at_once_without_a_second_person(monkeypatch):
    call_command("create_organisation", "acme", "Acme Klantcontact")
    organisation = Organisation.objects.get(slug="acme")
    _coaches_may_listen(organisation)
    out = _add_member(
        monkeypatch,
        "beheer",
        "acme",
        "administrator",
        "--password-stdin",
        password="a long passphrase",
    )
    assert "beheer is Administrator in Acme Klantcontact." in out
    membership = Membership.objects.get(user__username="beheer", organisation=organisation)
    assert membership.role == "administrator"
    assert not RoleChangeRequest.objects.exists()


def test_an_existing_member_asked_for_a_listening_role_waits_for_the_privacy_officer(
    cast, client_for, monkeypatch
):
    _coaches_may_listen(cast.organisation)
    target = Membership.objects.get(user=cast["auditor"], organisation=cast.organisation)
    out = _add_member(monkeypatch, "acme-auditor", "acme", "coach")
    assert "waits for another administrator or the privacy officer" in out
    assert "Members → Role changes" in out
    target.refresh_from_db()
    assert target.role == "auditor"
    assert not cast["auditor"].has_perm("organisations.evaluate_calls", cast.organisation)
    change = RoleChangeRequest.objects.get(membership=target)
    assert (change.status, change.old_role, change.new_role) == ("pending", "auditor", "coach")
    event = AuditEvent.objects.get(action="organisations.role_change.requested")
    assert event.actor_id is None
    assert event.detail["new_role"] == "coach"

    officer = client_for(cast["privacy_officer"])
    dashboard = officer.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    # The officer's to-do links to the role changes page, where she decides.
    assert (
        reverse("organisations:role_changes", kwargs={"org_slug": "acme"})
        in dashboard.content.decode()
    )
    officer.post(
        reverse(
            "organisations:role_change_decision",
            kwargs={"org_slug": "acme", "change_id": change.pk},
        ),
        {"decision": "approve"},
    )
    target.refresh_from_db()
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == cast["privacy_officer"]
    assert target.role == "coach"
    assert cast["auditor"].has_perm("organisations.evaluate_calls", cast.organisation)


def test_a_new_user_asked_for_a_listening_role_starts_as_employee_and_waits(
    cast, client_for, monkeypatch
):
    _coaches_may_listen(cast.organisation)
    out = _add_member(
        monkeypatch, "nieuw", "acme", "coach", "--password-stdin", password="a long passphrase"
    )
    assert "nieuw is Employee in Acme Klantcontact" in out
    assert "waits for another administrator or the privacy officer" in out
    membership = Membership.objects.get(user__username="nieuw", organisation=cast.organisation)
    assert membership.role == "employee"
    change = RoleChangeRequest.objects.get(membership=membership)
    assert (change.status, change.old_role, change.new_role) == ("pending", "employee", "coach")
    # Asking again changes nothing and says why.
    with pytest.raises(CommandError, match="already waits"):
        _add_member(monkeypatch, "nieuw", "acme", "coach")
    assert RoleChangeRequest.objects.filter(membership=membership).count() == 1


def test_a_role_without_audio_is_given_at_once(cast, monkeypatch):
    _coaches_may_listen(cast.organisation)
    out = _add_member(monkeypatch, "acme-auditor", "acme", "team_leader")
    assert "acme-auditor is Team leader in Acme Klantcontact." in out
    target = Membership.objects.get(user=cast["auditor"], organisation=cast.organisation)
    assert target.role == "team_leader"
    assert not RoleChangeRequest.objects.exists()
    assert AuditEvent.objects.filter(action="organisations.membership.role_changed").exists()


def test_a_new_user_is_refused_where_even_an_employee_may_hear_calls(cast, monkeypatch):
    from access.constants import Scope
    from access.models import StandingRight
    from register.models import Purpose

    _coaches_may_listen(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=Purpose.objects.get(activity__organisation=cast.organisation, code="coaching"),
        role="employee",
        scope=Scope.OWN_CALLS,
    )
    with pytest.raises(CommandError, match="invite nieuw in the browser"):
        _add_member(
            monkeypatch, "nieuw", "acme", "coach", "--password-stdin", password="a long passphrase"
        )
    assert not get_user_model().objects.filter(username="nieuw").exists()
    assert not RoleChangeRequest.objects.exists()


def test_a_deactivated_member_gets_no_role_back(cast, monkeypatch):
    from organisations.people import membership_deactivate

    target = Membership.objects.get(user=cast["auditor"], organisation=cast.organisation)
    membership_deactivate(membership=target, actor=cast["administrator"])
    with pytest.raises(CommandError, match="deactivated"):
        _add_member(monkeypatch, "acme-auditor", "acme", "team_leader")
    target.refresh_from_db()
    assert target.role == "auditor" and not target.active
    assert not cast["auditor"].has_perm("organisations.view_dashboard", cast.organisation)
