"""Invitations: sent by e-mail, accepted once, refused when used, expired or revoked."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from organisations.invitations import invitation_create
from organisations.models import Invitation, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


NEW_PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def send(cast, client_for, mailoutbox, django_capture_on_commit_callbacks):
    """The organisation's administrator invites someone on the invitations page; the link
    from the e-mail."""

    def send(email="nieuw@acme.example", role="coach"):
        client = client_for(cast["administrator"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("invitations:list", kwargs={"org_slug": "acme"}),
                {"email": email, "role": role},
            )
        assert response.status_code == 302, response.content
        return re.search(r"http://\S+/invitation/\S+/", mailoutbox[-1].body).group(0)

    return send


def _accept(link, username="nieuw", password=NEW_PASSWORD, client=None):
    client = client or Client()
    response = client.post(
        link, {"username": username, "password1": password, "password2": password}
    )
    return client, response


def test_administrator_invites_a_member_by_email(cast, send, mailoutbox, client_for):
    link = send(email="nieuw@acme.example", role="coach")
    invitation = Invitation.objects.get()
    assert mailoutbox[-1].to == ["nieuw@acme.example"]
    assert "Acme Klantcontact" in mailoutbox[-1].body
    # Only the token's hash is stored.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    event = AuditEvent.objects.get(action="organisations.invitation.sent")
    assert event.organisation == cast.organisation
    assert event.actor_id == cast["administrator"].pk
    assert "nieuw@acme.example" not in str(event.detail)
    page = client_for(cast["administrator"]).get(
        reverse("invitations:list", kwargs={"org_slug": "acme"})
    )
    assert b"nieuw@acme.example" in page.content and b"Waiting to be accepted" in page.content


def test_invited_person_sets_a_password_and_joins_with_the_role(cast, send):
    link = send(role="coach")
    form = Client().get(link)
    assert form.status_code == 200
    assert b'value="nieuw@acme.example"' in form.content  # the e-mail unless they choose
    client, response = _accept(link, username="nieuw.coach")
    assert response.status_code == 302
    user = get_user_model().objects.get(username="nieuw.coach")
    assert user.email == "nieuw@acme.example" and user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user).role == "coach"
    assert user.has_perm("organisations.evaluate_calls", cast.organisation)
    dashboard = client.get(response["Location"])
    assert dashboard.status_code == 200 and b"Acme Klantcontact" in dashboard.content
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.state == "accepted"
    event = AuditEvent.objects.get(action="organisations.invitation.accepted")
    assert event.actor_id == user.pk and event.organisation == cast.organisation


def test_a_two_factor_role_goes_on_to_set_up_totp(cast, send):
    link = send(role="privacy_officer")
    client, response = _accept(link)
    dashboard = client.get(response["Location"])
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("two_factor"))
    setup = client.get(dashboard["Location"])
    assert b"Set up two-factor sign-in" in setup.content


def test_a_used_link_is_refused_and_changes_nothing(cast, send):
    link = send()
    _accept(link)
    users = get_user_model().objects.count()
    again = Client().get(link)
    assert again.status_code == 410
    assert b"already been used" in again.content
    _client, reuse = _accept(link, username="tweede")
    assert reuse.status_code == 410
    assert get_user_model().objects.count() == users
    assert not get_user_model().objects.filter(username="tweede").exists()


def test_an_expired_link_is_refused_and_changes_nothing(cast, send):
    link = send()
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        page = Client().get(link)
        assert page.status_code == 410
        assert b"expired" in page.content
        _client, response = _accept(link)
        assert response.status_code == 410
    assert not get_user_model().objects.filter(username="nieuw").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_link_still_works_just_before_it_expires(cast, send):
    link = send()
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        _client, response = _accept(link)
    assert response.status_code == 302


def test_a_revoked_link_is_refused_and_changes_nothing(cast, send, client_for):
    link = send()
    invitation = Invitation.objects.get()
    client = client_for(cast["administrator"])
    response = client.post(
        reverse("invitations:revoke", kwargs={"org_slug": "acme", "invitation_id": invitation.pk})
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="organisations.invitation.revoked").exists()
    page = Client().get(link)
    assert page.status_code == 410 and b"withdrawn" in page.content
    _client, accept = _accept(link)
    assert accept.status_code == 410
    assert not get_user_model().objects.filter(username="nieuw").exists()
    # Revoking twice says so and changes nothing.
    again = client.post(
        reverse("invitations:revoke", kwargs={"org_slug": "acme", "invitation_id": invitation.pk}),
        follow=True,
    )
    assert b"Only an invitation that waits" in again.content
    assert AuditEvent.objects.filter(action="organisations.invitation.revoked").count() == 1


def test_an_unknown_link_says_it_is_not_valid():
    response = Client().get(reverse("invitation_accept", kwargs={"token": "made-up"}))
    assert response.status_code == 404
    assert b"not valid" in response.content


def test_a_weak_password_is_refused_beside_the_field(cast, send):
    link = send()
    _client, response = _accept(link, password="12345678")
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not get_user_model().objects.filter(username="nieuw").exists()
    assert Invitation.objects.get().state == "pending"


def test_a_taken_username_is_refused_beside_the_field(cast, send):
    link = send()
    _client, response = _accept(link, username="ACME-coach")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert Invitation.objects.get().state == "pending"


def test_a_signed_in_person_accepts_with_their_account(cast, send, client_for):
    link = send(role="employee")
    client = client_for(cast.outsider)
    page = client.get(link)
    assert b"other-administrator" in page.content
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=cast.outsider, organisation=cast.organisation).role == (
        "employee"
    )


def test_a_member_cannot_accept_a_second_role(cast, send, client_for):
    link = send(role="manager")
    response = client_for(cast["employee"]).post(link)
    assert response.status_code == 409
    assert Membership.objects.get(user=cast["employee"]).role == "employee"
    assert Invitation.objects.get().state == "pending"


def test_a_second_invitation_to_a_waiting_address_is_refused(cast, send, client_for):
    send(email="nieuw@acme.example")
    response = client_for(cast["administrator"]).post(
        reverse("invitations:list", kwargs={"org_slug": "acme"}),
        {"email": "NIEUW@acme.example", "role": "coach"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    "data", [{"email": "geen-adres", "role": "coach"}, {"email": "a@b.nl", "role": "koning"}]
)
def test_bad_invitation_input_is_refused(cast, client_for, data):
    response = client_for(cast["administrator"]).post(
        reverse("invitations:list", kwargs={"org_slug": "acme"}), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "role", ["employee", "coach", "team_leader", "manager", "privacy_officer", "auditor"]
)
def test_only_those_who_manage_members_invite(cast, client_for, role):
    client = client_for(cast[role])
    url = reverse("invitations:list", kwargs={"org_slug": "acme"})
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "a@b.nl", "role": "administrator"}).status_code == 403
    assert not Invitation.objects.exists()


def test_an_administrator_cannot_revoke_another_organisations_invitation(cast, client_for):
    theirs, _token = invitation_create(
        organisation=cast.other_organisation,
        email="x@other.example",
        role="coach",
        actor=cast.outsider,
    )
    response = client_for(cast["administrator"]).post(
        reverse("invitations:revoke", kwargs={"org_slug": "acme", "invitation_id": theirs.pk})
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "pending"


def test_members_page_links_to_the_invitations(cast, client_for):
    page = client_for(cast["administrator"]).get(
        reverse("organisations:members", kwargs={"org_slug": "acme"})
    )
    assert reverse("invitations:list", kwargs={"org_slug": "acme"}).encode() in page.content


@pytest.fixture
def coaches_hear_calls(cast):
    """The access policy gives coaches a standing right: the coach role may hear calls."""
    from access.models import StandingRight
    from access.tests.conftest import register_for

    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope="coached_teams",
    )


def _second_administrator(cast):
    from organisations.tests.factories import UserFactory, membership

    second = UserFactory(username="acme-administrator-2")
    membership(second, cast.organisation, "administrator")
    return second


def test_a_role_that_hears_calls_is_sent_only_after_a_second_administrator_approves(
    cast, client_for, mailoutbox, coaches_hear_calls, django_capture_on_commit_callbacks
):
    client = client_for(cast["administrator"])
    url = reverse("invitations:list", kwargs={"org_slug": "acme"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "coach@acme.example", "role": "coach"}, follow=True)
    assert b"once another administrator or the privacy officer approves it" in response.content
    assert mailoutbox == []
    invitation = Invitation.objects.get()
    assert invitation.state == "awaiting_approval"
    assert AuditEvent.objects.filter(action="organisations.invitation.proposed").exists()
    approve = reverse(
        "invitations:approve", kwargs={"org_slug": "acme", "invitation_id": invitation.pk}
    )
    # Not by the one who invited.
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(approve, follow=True)
    assert b"another administrator or the privacy officer must approve it" in refused.content
    assert mailoutbox == [] and Invitation.objects.get().state == "awaiting_approval"

    second = _second_administrator(cast)
    with django_capture_on_commit_callbacks(execute=True):
        approved = client_for(second).post(approve)
    assert approved.status_code == 302
    invitation.refresh_from_db()
    assert invitation.approved_by == second and invitation.state == "pending"
    (message,) = mailoutbox
    link = re.search(r"http://\S+/invitation/\S+/", message.body).group(0)
    _client, accepted = _accept(link, username="nieuwe-coach")
    assert accepted.status_code == 302
    assert Membership.objects.get(user__username="nieuwe-coach").role == "coach"
    actions = list(
        AuditEvent.objects.filter(action__startswith="organisations.invitation.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "organisations.invitation.proposed",
        "organisations.invitation.approved",
        "organisations.invitation.sent",
        "organisations.invitation.accepted",
    ]


def test_an_invitation_waiting_for_approval_can_be_revoked(
    cast, client_for, mailoutbox, coaches_hear_calls
):
    client = client_for(cast["administrator"])
    client.post(
        reverse("invitations:list", kwargs={"org_slug": "acme"}),
        {"email": "coach@acme.example", "role": "coach"},
    )
    invitation = Invitation.objects.get()
    client.post(
        reverse("invitations:revoke", kwargs={"org_slug": "acme", "invitation_id": invitation.pk})
    )
    assert Invitation.objects.get().state == "revoked"
    response = client_for(_second_administrator(cast)).post(
        reverse("invitations:approve", kwargs={"org_slug": "acme", "invitation_id": invitation.pk}),
        follow=True,
    )
    assert b"does not wait for an approval" in response.content
    assert mailoutbox == []


def test_a_deactivated_member_is_not_restored_by_an_invitation(cast, send, client_for):
    from organisations.people import membership_deactivate

    link = send(role="coach")
    membership_deactivate(
        membership=Membership.objects.get(user=cast["employee"]), actor=cast["administrator"]
    )
    client = Client()
    client.force_login(cast["employee"])
    response = client.post(link)
    assert response.status_code == 409
    assert b"was ended" in response.content
    assert not Membership.objects.get(user=cast["employee"]).active
    assert Invitation.objects.get().state == "pending"


# Sending again -----------------------------------------------------------------------------


def _resend(client, invitation, **kwargs):
    return client.post(
        reverse("invitations:resend", kwargs={"org_slug": "acme", "invitation_id": invitation.pk}),
        **kwargs,
    )


def test_an_expired_invitation_is_sent_again_with_a_new_link_and_the_old_one_dies(
    cast, send, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    old_link = send()
    invitation = Invitation.objects.get()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client = client_for(cast["administrator"])
        assert Invitation.objects.get().state == "expired"
        assert (
            b"Send again"
            in client.get(reverse("invitations:list", kwargs={"org_slug": "acme"})).content
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = _resend(client, invitation, follow=True)
        assert b"sent again to nieuw@acme.example" in response.content
        new_link = re.search(r"http://\S+/invitation/\S+/", mailoutbox[-1].body).group(0)
        assert new_link != old_link
        assert Client().get(old_link).status_code == 404
        _client, accepted = _accept(new_link)
        assert accepted.status_code == 302
    assert Membership.objects.filter(user__username="nieuw", role="coach").exists()
    assert AuditEvent.objects.filter(action="organisations.invitation.resent").count() == 1


def test_an_accepted_invitation_cannot_be_sent_again(cast, send, client_for, mailoutbox):
    link = send()
    _accept(link)
    invitation = Invitation.objects.get()
    sent = len(mailoutbox)
    response = _resend(client_for(cast["administrator"]), invitation, follow=True)
    assert b"cannot be sent again" in response.content
    assert len(mailoutbox) == sent
    assert not AuditEvent.objects.filter(action="organisations.invitation.resent").exists()


def test_only_the_administrator_of_the_organisation_may_send_again(cast, client_for):
    theirs, _token = invitation_create(
        organisation=cast.other_organisation,
        email="x@other.example",
        role="coach",
        actor=cast.outsider,
    )
    assert _resend(client_for(cast["administrator"]), theirs).status_code == 404
    mine, _token = invitation_create(
        organisation=cast.organisation,
        email="y@acme.example",
        role="coach",
        actor=cast["administrator"],
    )
    assert _resend(client_for(cast["coach"]), mine).status_code == 403
    mine.refresh_from_db()
    assert mine.token_hash == hashlib.sha256(_token.encode()).hexdigest()


def test_an_expired_invitation_is_not_sent_again_beside_a_newer_one(cast, send, client_for):
    send()
    expired = Invitation.objects.get()
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    send()  # a new invitation to the same address
    response = _resend(client_for(cast["administrator"]), expired, follow=True)
    assert b"A newer invitation to this address" in response.content
    assert not AuditEvent.objects.filter(action="organisations.invitation.resent").exists()
