"""Invitations to a role that may hear calls are decided like a role change that gains audio:
by another administrator or the privacy officer, never the one who invited. An organisation
with a single administrator (and a privacy officer) can therefore bring in a coach."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from organisations.invitations import InvitationUnusable, invitation_approve, invitation_deny
from organisations.models import Invitation, Membership

pytestmark = pytest.mark.django_db

COACH_EMAIL = "coach@acme.example"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


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


@pytest.fixture
def proposed(cast, client_for, coaches_hear_calls, mailoutbox, django_capture_on_commit_callbacks):
    """The organisation's only administrator invites a coach: it waits, nothing is mailed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["administrator"]).post(
            reverse("invitations:list", kwargs={"org_slug": "acme"}),
            {"email": COACH_EMAIL, "role": "coach"},
            follow=True,
        )
    assert b"once another administrator or the privacy officer approves it" in response.content
    assert mailoutbox == []
    invitation = Invitation.objects.get()
    assert invitation.state == "awaiting_approval"
    return invitation


def _url(name, invitation, slug="acme"):
    return reverse(f"invitations:{name}", kwargs={"org_slug": slug, "invitation_id": invitation.pk})


def _state(invitation):
    invitation.refresh_from_db()
    return invitation.state


def test_privacy_officer_finds_approves_and_the_coach_joins(
    cast, client_for, proposed, mailoutbox, django_capture_on_commit_callbacks
):
    # The organisation has exactly one administrator: the privacy officer is the second person.
    administrators = Membership.objects.filter(organisation=cast.organisation, role="administrator")
    assert administrators.count() == 1
    officer = client_for(cast["privacy_officer"])
    decisions = reverse("organisations:role_changes", kwargs={"org_slug": "acme"})
    dashboard = officer.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    todos = dashboard.content.decode().split("data-todos", 1)[1].split("</section>", 1)[0]
    group = todos.split("Invitations waiting for your approval", 1)[1]
    assert group.startswith('</a> <span class="count" data-count>1</span>')
    assert decisions in todos
    # The administrator who invited is not asked to decide their own invitation.
    own = client_for(cast["administrator"]).get(
        reverse("organisations:dashboard", kwargs={"org_slug": "acme"})
    )
    assert b"Invitations waiting for your approval" not in own.content

    page = officer.get(decisions)
    assert page.status_code == 200
    assert COACH_EMAIL.encode() in page.content
    assert _url("approve", proposed).encode() in page.content
    assert _url("deny", proposed).encode() in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(_url("approve", proposed), {"back": "role_changes"}, follow=True)
    assert response.redirect_chain[-1][0] == decisions
    assert f"Approved: the invitation is sent to {COACH_EMAIL}.".encode() in response.content
    assert _state(proposed) == "pending"
    assert proposed.approved_by == cast["privacy_officer"]
    (message,) = mailoutbox
    assert message.to == [COACH_EMAIL]
    event = AuditEvent.objects.get(action="organisations.invitation.approved")
    assert event.actor_id == cast["privacy_officer"].pk

    link = re.search(r"http://\S+/invitation/\S+/", message.body).group(0)
    password = "a long and unusual passphrase"
    accepted = Client().post(
        link, {"username": "nieuwe-coach", "password1": password, "password2": password}
    )
    assert accepted.status_code == 302
    assert Membership.objects.get(user__username="nieuwe-coach").role == "coach"
    # Nothing waits any more.
    after = officer.get(decisions)
    assert COACH_EMAIL.encode() not in after.content


def test_the_inviter_cannot_approve_or_deny(
    cast, client_for, proposed, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(cast["administrator"])
    page = client.get(reverse("organisations:role_changes", kwargs={"org_slug": "acme"}))
    assert b"You invited; another person decides." in page.content
    assert _url("approve", proposed).encode() not in page.content
    for name in ("approve", "deny"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_url(name, proposed), follow=True)
        assert (
            b"You sent this invitation; another administrator or the privacy officer must "
            b"approve it." in response.content
        )
        assert _state(proposed) == "awaiting_approval"
    with pytest.raises(InvitationUnusable, match="You sent this invitation"):
        invitation_approve(invitation=proposed, actor=cast["administrator"])
    with pytest.raises(InvitationUnusable, match="You sent this invitation"):
        invitation_deny(invitation=proposed, actor=cast["administrator"])
    assert _state(proposed) == "awaiting_approval" and mailoutbox == []
    assert not AuditEvent.objects.filter(
        action__in=["organisations.invitation.approved", "organisations.invitation.denied"]
    ).exists()


@pytest.mark.parametrize("field", ["approved", "denied"])
def test_the_database_refuses_a_decision_by_the_inviter(cast, proposed, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=proposed.pk).update(
            **{f"{field}_at": timezone.now(), f"{field}_by": cast["administrator"]}
        )


def test_the_database_refuses_approved_and_denied_together(cast, proposed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=proposed.pk).update(
            approved_at=timezone.now(),
            approved_by=cast["privacy_officer"],
            denied_at=timezone.now(),
            denied_by=cast["privacy_officer"],
        )


@pytest.mark.parametrize("role", ["team_leader", "coach", "employee", "manager", "auditor"])
def test_other_roles_cannot_decide(cast, client_for, proposed, mailoutbox, role):
    client = client_for(cast[role])
    for name in ("approve", "deny"):
        assert client.post(_url(name, proposed)).status_code == 403
    assert _state(proposed) == "awaiting_approval" and mailoutbox == []
    with pytest.raises(InvitationUnusable, match="Only another administrator or the privacy"):
        invitation_approve(invitation=proposed, actor=cast[role])


def test_an_outsider_gets_404_with_a_real_invitation_id(cast, client_for, proposed, mailoutbox):
    outsider = client_for(cast.outsider)
    for name in ("approve", "deny"):
        # Through the victim organisation (not a member) and through their own.
        assert outsider.post(_url(name, proposed, slug="acme")).status_code == 404
        assert outsider.post(_url(name, proposed, slug="other")).status_code == 404
    assert _state(proposed) == "awaiting_approval" and mailoutbox == []
    # The service refuses them too: they are no member of the invitation's organisation.
    with pytest.raises(InvitationUnusable):
        invitation_approve(invitation=proposed, actor=cast.outsider)


def test_a_second_approve_click_says_already_decided_and_changes_nothing(
    cast, client_for, proposed, mailoutbox, django_capture_on_commit_callbacks
):
    officer = client_for(cast["privacy_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(_url("approve", proposed))
    token_hash = Invitation.objects.get().token_hash
    for name in ("approve", "deny"):
        with django_capture_on_commit_callbacks(execute=True):
            again = officer.post(_url(name, proposed), follow=True)
        assert b"This invitation has already been decided." in again.content
    invitation = Invitation.objects.get()
    assert invitation.state == "pending" and invitation.token_hash == token_hash
    assert invitation.denied_at is None
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="organisations.invitation.approved").count() == 1


def test_deny_closes_the_invitation_and_is_audited(
    cast, client_for, proposed, mailoutbox, django_capture_on_commit_callbacks
):
    officer = client_for(cast["privacy_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(_url("deny", proposed), {"back": "role_changes"}, follow=True)
    assert f"Denied: no invitation is sent to {COACH_EMAIL}.".encode() in response.content
    assert _state(proposed) == "denied"
    assert proposed.denied_by == cast["privacy_officer"] and proposed.approved_at is None
    assert mailoutbox == []
    event = AuditEvent.objects.get(action="organisations.invitation.denied")
    assert event.actor_id == cast["privacy_officer"].pk
    assert event.organisation == cast.organisation
    assert COACH_EMAIL not in str(event.detail)
    # The privacy officer's to-do is gone; the administrator sees the outcome.
    dashboard = officer.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    assert b"Invitations waiting for your approval" not in dashboard.content
    admin = client_for(cast["administrator"])
    listing = admin.get(reverse("invitations:list", kwargs={"org_slug": "acme"}))
    assert b"Denied" in listing.content
    # Approving afterwards changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        later = client_for(cast["privacy_officer"]).post(_url("approve", proposed), follow=True)
    assert b"This invitation has already been decided." in later.content
    assert _state(proposed) == "denied" and mailoutbox == []
    # The address may be invited anew.
    again = admin.post(
        reverse("invitations:list", kwargs={"org_slug": "acme"}),
        {"email": COACH_EMAIL, "role": "coach"},
    )
    assert again.status_code == 302
    assert Invitation.objects.filter(email=COACH_EMAIL).count() == 2


def test_a_second_administrator_still_decides_on_the_invitations_page(
    cast, client_for, proposed, mailoutbox, django_capture_on_commit_callbacks
):
    from organisations.tests.factories import UserFactory, membership

    second = UserFactory(username="acme-administrator-2")
    membership(second, cast.organisation, "administrator")
    client = client_for(second)
    listing = reverse("invitations:list", kwargs={"org_slug": "acme"})
    assert _url("deny", proposed).encode() in client.get(listing).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("approve", proposed))
    assert response.status_code == 302 and response["Location"] == listing
    assert _state(proposed) == "pending" and len(mailoutbox) == 1
