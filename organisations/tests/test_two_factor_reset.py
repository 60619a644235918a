"""The reset of a lost two-factor device: an administrator asks, a second person approves, and
only then are the member's TOTP device and backup codes removed."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from conftest import signed_in_client
from organisations.backup_codes import backup_codes_create
from organisations.constants import Role
from organisations.models import TwoFactorReset
from organisations.tests.factories import UserFactory, membership

pytestmark = pytest.mark.django_db
MOTIVATION = "Telefoon gestolen op het station; zelf gebeld en identiteit gecontroleerd."


def _device(user) -> None:
    TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "phone"})
    backup_codes_create(user=user)


def _client(user) -> Client:
    client = signed_in_client(user)
    client.cookies["django_language"] = "en"
    return client


def _url(name, org="acme", **kwargs):
    return reverse(f"twofactor_resets:{name}", kwargs={"org_slug": org, **kwargs})


def _ask(client, member_user, organisation, motivation=MOTIVATION):
    member = organisation.memberships.get(user=member_user)
    return client.post(
        _url("new", organisation.slug), {"member": member.pk, "motivation": motivation}
    )


def _has_device(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )


def _actions(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("pk").values_list("action", flat=True)
    )


@pytest.fixture
def second_admin(cast):
    user = UserFactory(username="acme-administrator-2")
    membership(user, cast.organisation, Role.ADMINISTRATOR)
    return user


def test_reset_waits_for_a_second_person_then_removes_device_and_backup_codes(
    cast, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"  # the language of e-mails
    manager, admin, officer = cast["manager"], cast["administrator"], cast["privacy_officer"]
    _device(manager)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(_client(admin), manager, cast.organisation)
    reset = TwoFactorReset.objects.get()
    assert reset.status == "pending" and reset.requested_by == admin
    assert _has_device(manager)  # nothing happens on one person's word
    assert "asked to reset your two-factor sign-in" in mail.outbox[-1].body
    assert mail.outbox[-1].to == [manager.email]

    page = _client(officer).get(_url("list"))
    assert MOTIVATION.encode() in page.content
    assert _url("approve", reset_id=reset.pk).encode() in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(officer).post(_url("approve", reset_id=reset.pk), follow=True)
    assert b"set up a new device at their next sign-in" in response.content
    reset.refresh_from_db()
    assert reset.status == "completed" and reset.decided_by == officer
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticToken.objects.filter(device__user=manager).exists()
    assert "no longer work" in mail.outbox[-1].body

    events = AuditEvent.objects.filter(
        organisation=cast.organisation, action__startswith="organisations.two_factor_reset."
    )
    assert [(e.action, e.actor_id) for e in events.order_by("pk")] == [
        ("organisations.two_factor_reset.requested", admin.pk),
        ("organisations.two_factor_reset.approved", officer.pk),
        ("organisations.two_factor_reset.device_removed", officer.pk),
    ]
    assert events.first().detail == {"member_id": manager.pk, "reset_id": reset.pk}

    # At the next sign-in the member sets up a new device (the QR code).
    client = Client()
    client.post(reverse("login"), {"username": "acme-manager", "password": "correct horse battery"})
    assert b"<svg" in client.get(reverse("two_factor")).content


def test_a_session_verified_with_the_removed_device_must_set_up_again(cast, second_admin):
    manager = cast["manager"]
    _device(manager)
    old_session = _client(manager)
    assert old_session.get("/o/acme/").status_code == 200
    _ask(_client(cast["administrator"]), manager, cast.organisation)
    _client(second_admin).post(_url("approve", reset_id=TwoFactorReset.objects.get().pk))
    response = old_session.get("/o/acme/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))


def test_requester_cannot_approve_own_request(cast):
    manager, admin = cast["manager"], cast["administrator"]
    _device(manager)
    client = _client(admin)
    _ask(client, manager, cast.organisation)
    reset = TwoFactorReset.objects.get()
    page = client.get(_url("list"))
    assert _url("approve", reset_id=reset.pk).encode() not in page.content
    response = client.post(_url("approve", reset_id=reset.pk), follow=True)
    assert b"You asked for this reset" in response.content
    reset.refresh_from_db()
    assert reset.status == "pending" and reset.decided_by is None
    assert _has_device(manager)
    assert "organisations.two_factor_reset.approved" not in _actions()


def test_member_cannot_approve_the_reset_of_their_own_device(cast):
    officer = cast["privacy_officer"]
    _device(officer)
    _ask(_client(cast["administrator"]), officer, cast.organisation)
    reset = TwoFactorReset.objects.get()
    response = _client(officer).post(_url("approve", reset_id=reset.pk), follow=True)
    assert b"You cannot decide the reset of your own device." in response.content
    reset.refresh_from_db()
    assert reset.status == "pending"
    assert _has_device(officer)


def test_a_second_approval_click_or_a_stale_page_changes_nothing(cast, second_admin):
    manager, officer = cast["manager"], cast["privacy_officer"]
    _device(manager)
    _ask(_client(cast["administrator"]), manager, cast.organisation)
    reset = TwoFactorReset.objects.get()
    _client(officer).post(_url("approve", reset_id=reset.pk))
    again = _client(officer).post(_url("approve", reset_id=reset.pk), follow=True)
    assert b"already decided" in again.content
    # Another approver on a page loaded before the decision: refused, nothing changes.
    stale = _client(second_admin).post(_url("deny", reset_id=reset.pk), follow=True)
    assert b"already decided" in stale.content
    reset.refresh_from_db()
    assert reset.status == "completed" and reset.decided_by == officer
    assert _actions().count("organisations.two_factor_reset.approved") == 1
    assert "organisations.two_factor_reset.denied" not in _actions()


def test_a_denied_reset_keeps_the_device(cast):
    manager = cast["manager"]
    _device(manager)
    _ask(_client(cast["administrator"]), manager, cast.organisation)
    reset = TwoFactorReset.objects.get()
    response = _client(cast["privacy_officer"]).post(_url("deny", reset_id=reset.pk), follow=True)
    assert b"is denied" in response.content
    reset.refresh_from_db()
    assert reset.status == "denied"
    assert StaticToken.objects.filter(device__user=manager).count() == 10
    assert "organisations.two_factor_reset.denied" in _actions()


def test_the_database_refuses_a_decision_by_the_requester_or_the_member(cast):
    from django.db import IntegrityError, transaction

    manager, admin = cast["manager"], cast["administrator"]
    _device(manager)
    _ask(_client(admin), manager, cast.organisation)
    reset = TwoFactorReset.objects.get()
    for decider in (admin, manager):
        with pytest.raises(IntegrityError), transaction.atomic():
            TwoFactorReset.objects.filter(pk=reset.pk).update(status="approved", decided_by=decider)


def test_bad_requests_are_refused_with_a_reason_and_create_nothing(cast):
    manager, admin = cast["manager"], cast["administrator"]
    client = _client(admin)
    no_device = _ask(client, manager, cast.organisation)
    assert no_device.status_code == 400
    assert b"has no two-factor device yet" in no_device.content
    _device(manager)
    short = _ask(client, manager, cast.organisation, motivation="kwijt")
    assert b"Explain in at least 4 words" in short.content
    employee = cast.organisation.memberships.get(user=cast["employee"])
    not_listed = client.post(_url("new"), {"member": employee.pk, "motivation": MOTIVATION})
    assert b"Choose one of the listed members." in not_listed.content
    assert not TwoFactorReset.objects.exists()
    _ask(client, manager, cast.organisation)
    twice = _ask(client, manager, cast.organisation)
    assert b"already open" in twice.content
    assert TwoFactorReset.objects.count() == 1


def test_another_organisations_administrator_gets_404_on_every_url(cast):
    manager = cast["manager"]
    _device(manager)
    _ask(_client(cast["administrator"]), manager, cast.organisation)
    reset = TwoFactorReset.objects.get()
    outsider = _client(cast.outsider)
    assert outsider.get(_url("list")).status_code == 404
    assert _ask(outsider, manager, cast.organisation).status_code == 404
    for name in ("approve", "deny"):
        assert outsider.post(_url(name, reset_id=reset.pk)).status_code == 404
        # Nor through their own organisation's URLs.
        assert outsider.post(_url(name, "other", reset_id=reset.pk)).status_code == 404
    reset.refresh_from_db()
    assert reset.status == "pending" and _has_device(manager)


def test_an_administrator_cannot_reset_a_member_of_another_organisation(cast):
    manager = cast["manager"]
    _device(manager)
    acme_manager = cast.organisation.memberships.get(user=manager)
    response = _client(cast.outsider).post(
        _url("new", "other"), {"member": acme_manager.pk, "motivation": MOTIVATION}
    )
    assert response.status_code == 400
    assert b"Choose one of the listed members." in response.content
    assert not TwoFactorReset.objects.exists() and _has_device(manager)


@pytest.mark.parametrize(
    "role,list_status,new_status,approve_status",
    [
        ("administrator", 200, 400, 302),
        ("privacy_officer", 200, 403, 302),
        ("manager", 403, 403, 403),
        ("auditor", 403, 403, 403),
        ("team_leader", 403, 403, 403),
        ("coach", 403, 403, 403),
        ("employee", 403, 403, 403),
    ],
)
def test_who_may_see_ask_and_decide(
    cast, second_admin, role, list_status, new_status, approve_status
):
    member = cast["auditor"] if role != "auditor" else cast["manager"]
    _device(member)
    _ask(_client(second_admin), member, cast.organisation)
    reset = TwoFactorReset.objects.get()
    client = _client(cast[role])
    assert client.get(_url("list")).status_code == list_status
    assert client.post(_url("new"), {}).status_code == new_status
    assert client.post(_url("approve", reset_id=reset.pk)).status_code == approve_status
    reset.refresh_from_db()
    assert reset.status == ("completed" if approve_status == 302 else "pending")


def test_the_dashboard_shows_waiting_resets_to_those_who_may_approve(cast):
    manager = cast["manager"]
    _device(manager)
    _ask(_client(cast["administrator"]), manager, cast.organisation)
    label = b"Two-factor resets waiting for your approval"
    assert label in _client(cast["privacy_officer"]).get("/o/acme/").content
    assert label not in _client(cast["administrator"]).get("/o/acme/").content
    assert label not in _client(cast["auditor"]).get("/o/acme/").content


def test_a_member_of_two_organisations_keeps_the_device_until_both_approve(cast):
    """The device is the user's: one organisation's administrators cannot weaken the sign-in
    that protects another organisation's data."""
    user = cast["manager"]
    other = cast.other_organisation
    membership(user, other, Role.PRIVACY_OFFICER)
    other_officer = UserFactory(username="other-privacy-officer")
    membership(other_officer, other, Role.PRIVACY_OFFICER)
    _device(user)

    _ask(_client(cast["administrator"]), user, cast.organisation)
    acme_reset = TwoFactorReset.objects.get(organisation=cast.organisation)
    response = _client(cast["privacy_officer"]).post(
        _url("approve", reset_id=acme_reset.pk), follow=True
    )
    assert b"once a reset is approved there as well" in response.content
    acme_reset.refresh_from_db()
    assert acme_reset.status == "approved"
    assert _has_device(user)

    _ask(_client(cast.outsider), user, other)
    other_reset = TwoFactorReset.objects.get(organisation=other)
    _client(other_officer).post(_url("approve", "other", reset_id=other_reset.pk))
    acme_reset.refresh_from_db()
    other_reset.refresh_from_db()
    assert acme_reset.status == other_reset.status == "completed"
    assert not _has_device(user)
    # Each organisation's trail records the removal; acme's does not name other's people.
    acme_removed = AuditEvent.objects.get(
        organisation=cast.organisation, action="organisations.two_factor_reset.device_removed"
    )
    assert acme_removed.actor_id is None
    other_removed = AuditEvent.objects.get(
        organisation=other, action="organisations.two_factor_reset.device_removed"
    )
    assert other_removed.actor_id == other_officer.pk


def test_a_deactivated_membership_elsewhere_does_not_hold_the_device_nor_is_offered(cast):
    """Only organisations where the user still signs in with two-factor must approve; a
    deactivated member is not offered for a reset."""
    from organisations.people import membership_deactivate

    user = cast["manager"]
    other = cast.other_organisation
    elsewhere = membership(user, other, Role.PRIVACY_OFFICER)
    membership_deactivate(membership=elsewhere, actor=cast.outsider)
    _device(user)
    _ask(_client(cast["administrator"]), user, cast.organisation)
    reset = TwoFactorReset.objects.get()
    _client(cast["privacy_officer"]).post(_url("approve", reset_id=reset.pk))
    reset.refresh_from_db()
    assert reset.status == "completed" and not _has_device(user)

    _device(user)
    response = _client(cast.outsider).post(
        _url("new", "other"), {"member": elsewhere.pk, "motivation": MOTIVATION}
    )
    assert b"Choose one of the listed members." in response.content
    assert TwoFactorReset.objects.count() == 1
