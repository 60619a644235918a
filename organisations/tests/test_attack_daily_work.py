"""Attacks on 'send again' of an invitation (issue 17): a forged cross-site post, a GET, an
invitation that waits for its approval, one of another organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from organisations.invitations import invitation_create
from organisations.models_installation import Invitation
from organisations.tests.test_invitations import coaches_hear_calls  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _url(invitation, slug="acme"):
    return reverse("invitations:resend", kwargs={"org_slug": slug, "invitation_id": invitation.pk})


def test_resend_needs_a_post_with_its_token(cast, client_for, mailoutbox):
    invitation, _token = invitation_create(
        organisation=cast.organisation,
        email="a@acme.example",
        role="coach",
        actor=cast["administrator"],
    )
    before = Invitation.objects.get(pk=invitation.pk).token_hash
    admin = client_for(cast["administrator"])
    admin.handler.enforce_csrf_checks = True
    assert admin.post(_url(invitation)).status_code == 403
    assert admin.get(_url(invitation)).status_code == 405
    assert Invitation.objects.get(pk=invitation.pk).token_hash == before
    assert not AuditEvent.objects.filter(action="organisations.invitation.resent").exists()


def test_an_invitation_waiting_for_approval_is_not_sent_by_sending_again(
    cast,
    client_for,
    mailoutbox,
    django_capture_on_commit_callbacks,
    coaches_hear_calls,  # noqa: F811
):
    """A role that may hear calls is sent only after a second person approves: 'send again'
    must not be a way around that."""
    invitation, token = invitation_create(
        organisation=cast.organisation,
        email="m@acme.example",
        role="coach",
        actor=cast["administrator"],
    )
    assert token is None and invitation.state == "awaiting_approval"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["administrator"]).post(_url(invitation), follow=True)
    assert response.status_code == 200
    assert not mailoutbox
    assert Invitation.objects.get(pk=invitation.pk).state == "awaiting_approval"


def test_another_organisations_invitation_under_its_own_slug(cast, client_for):
    theirs, _token = invitation_create(
        organisation=cast.other_organisation,
        email="x@other.example",
        role="coach",
        actor=cast.outsider,
    )
    # An acme administrator at the other organisation's address is no member there.
    assert client_for(cast["administrator"]).post(_url(theirs, "other")).status_code in (403, 404)
