"""Invitations: a link sent by e-mail that lets one person join an organisation with one role.

The link carries a random token; only its SHA-256 is stored, so the database (or a backup of
it) cannot be used to accept an invitation. A link works once, until it expires or is revoked.
Every invitation sent, accepted and revoked is an audit event (through invitation_changed).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organisations.constants import TWO_FACTOR_ROLES
from organisations.models import Membership, Organisation
from organisations.models_installation import Invitation, InvitationState
from organisations.people import is_decider, role_gains_audio
from organisations.services import membership_create
from organisations.signals import invitation_changed

VALID_FOR = timedelta(days=7)


class InvitationUnusable(Exception):
    """The link cannot be used (any more); `message` says why, for the person holding it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *, organisation: Organisation, email: str, role: str, actor: AbstractBaseUser
) -> tuple[Invitation, str | None]:
    """A new invitation and its token (the only time the token exists in clear). The e-mail
    goes out after the transaction commits; for a role that may hear calls, only once another
    administrator or the privacy officer approves (invitation_approve), and the token is None."""
    email = BaseUserManager.normalize_email(email.strip())
    if invitations_pending(organisation=organisation).filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "An invitation to this address is still waiting to be accepted. Revoke it "
                    "first to send a new one."
                )
            }
        )
    # A role that may hear calls the invitee could not hear before (none: they are new) waits
    # for another administrator or the privacy officer, as a role change to it does
    # (organisations.people).
    needs_approval = role_gains_audio(organisation=organisation, old_role="", new_role=role)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_digest(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + VALID_FOR,
        needs_approval=needs_approval,
    )
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        if needs_approval:
            # No link exists until the approval makes one: this token is forgotten.
            invitation_changed.send(
                Invitation, invitation=invitation, actor=actor, event="proposed"
            )
            return invitation, None
        invitation_changed.send(Invitation, invitation=invitation, actor=actor, event="sent")
        transaction.on_commit(lambda: _send_invitation(invitation, token))
    return invitation, token


def invitation_decision_refusal(*, invitation: Invitation, actor: AbstractBaseUser) -> str | None:
    """Why this person may not approve or deny this invitation, or None when they may. The
    same people decide as on a role change that gains audio (organisations.people.is_decider),
    never the one who invited."""
    decider = Membership.objects.filter(
        organisation=invitation.organisation_id, user=actor.pk
    ).first()
    if decider is None or not is_decider(decider):
        return _("Only another administrator or the privacy officer can decide.")
    if invitation.invited_by_id == actor.pk:
        return _(
            "You sent this invitation; another administrator or the privacy officer must "
            "approve it."
        )
    if invitation.approved_at is not None or invitation.denied_at is not None:
        return _("This invitation has already been decided.")
    if invitation.state != InvitationState.AWAITING_APPROVAL:
        return _("This invitation does not wait for an approval.")
    return None


def _locked_for_decision(invitation: Invitation, actor: AbstractBaseUser) -> Invitation:
    # Locked: of two deciders clicking at once, one decides; the other is told it is decided.
    locked = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    refusal = invitation_decision_refusal(invitation=locked, actor=actor)
    if refusal is not None:
        raise InvitationUnusable(refusal)
    return locked


def invitation_approve(*, invitation: Invitation, actor: AbstractBaseUser) -> Invitation:
    """Another administrator or the privacy officer approves an invitation to a role that may
    hear calls; only now is its link made and sent, valid for VALID_FOR from this moment."""
    with transaction.atomic():
        locked = _locked_for_decision(invitation, actor)
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        locked.token_hash = token_digest(token)
        locked.approved_at = now
        locked.approved_by = actor
        locked.expires_at = now + VALID_FOR
        locked.save(update_fields=["token_hash", "approved_at", "approved_by", "expires_at"])
        invitation_changed.send(Invitation, invitation=locked, actor=actor, event="approved")
        invitation_changed.send(Invitation, invitation=locked, actor=actor, event="sent")
        transaction.on_commit(lambda: _send_invitation(locked, token))
    return locked


def invitation_deny(*, invitation: Invitation, actor: AbstractBaseUser) -> Invitation:
    """Another administrator or the privacy officer denies an invitation to a role that may
    hear calls: it is closed, no link is ever made, and the address may be invited anew."""
    with transaction.atomic():
        locked = _locked_for_decision(invitation, actor)
        locked.denied_at = timezone.now()
        locked.denied_by = actor
        locked.save(update_fields=["denied_at", "denied_by"])
        invitation_changed.send(Invitation, invitation=locked, actor=actor, event="denied")
    return locked


def invitations_awaiting_approval(*, organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(
        needs_approval=True,
        approved_at__isnull=True,
        denied_at__isnull=True,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).select_related("invited_by")


def invitation_link(token: str) -> str:
    return settings.BASE_URL + reverse("invitation_accept", kwargs={"token": token})


def _send_invitation(invitation: Invitation, token: str) -> None:
    organisation = invitation.organisation
    with translation.override(settings.LANGUAGE_CODE), timezone.override(organisation.timezone):
        body = _(
            "%(inviter)s invites you to work in Earshot for %(organisation)s as %(role)s.\n\n"
            "Open this link to choose your username and password. It works once, until "
            "%(expires)s:\n%(link)s\n"
        ) % {
            "inviter": invitation.invited_by.get_username(),
            "organisation": organisation.name,
            "role": invitation.get_role_display(),
            "expires": timezone.localtime(invitation.expires_at).strftime("%d-%m-%Y %H:%M"),
            "link": invitation_link(token),
        }
        if invitation.role in TWO_FACTOR_ROLES:
            body += "\n" + _(
                "This role signs in with a code from an authenticator app as well; you set "
                "it up right after choosing your password.\n"
            )
        body += "\n" + _("If you did not expect this message, you can ignore it.\n")
        send_mail(
            _("Invitation to Earshot for %(organisation)s") % {"organisation": organisation.name},
            body,
            None,
            [invitation.email],
        )


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=token_digest(token))
        .first()
    )


def invitations_pending(*, organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(
        Q(expires_at__gt=timezone.now()) | Q(needs_approval=True, approved_at__isnull=True),
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        denied_at__isnull=True,
    )


def unusable_reason(invitation: Invitation) -> str | None:
    """Why the link cannot be used, in words for the person holding it; None when it can."""
    state = invitation.state
    if state == InvitationState.ACCEPTED:
        return _("This invitation has already been used. Sign in with the account it created.")
    if state == InvitationState.REVOKED:
        return _("This invitation was withdrawn. Ask whoever invited you for a new one.")
    if state == InvitationState.EXPIRED:
        return _("This invitation has expired. Ask whoever invited you for a new one.")
    if state == InvitationState.DENIED:
        return _("This invitation was denied. Ask whoever invited you.")
    if state == InvitationState.AWAITING_APPROVAL:
        return _(
            "This invitation still waits for the approval of another administrator or the "
            "privacy officer."
        )
    return None


def invitation_accept(
    *, invitation: Invitation, user: AbstractBaseUser, new_user: bool
) -> Membership:
    """Join the organisation with the invitation's role, once. `user` is either an existing
    account (new_user=False) or an unsaved one with its password set (new_user=True)."""
    with transaction.atomic():
        # Locked: of two people opening the same link at once, one joins; the other is told.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        reason = unusable_reason(locked)
        if reason is not None:
            raise InvitationUnusable(reason)
        if new_user:
            user.full_clean()
            user.save()
        else:
            existing = Membership.objects.filter(
                user=user, organisation=locked.organisation_id
            ).first()
            if existing is not None and not existing.active:
                raise InvitationUnusable(
                    _(
                        "Your membership of %(organisation)s was ended; an invitation does not "
                        "restore it. Ask its administrator."
                    )
                    % {"organisation": locked.organisation.name}
                )
            if existing is not None:
                raise InvitationUnusable(
                    _("You are already a member of %(organisation)s.")
                    % {"organisation": locked.organisation.name}
                )
        membership = membership_create(
            user=user, organisation=locked.organisation, role=locked.role, actor=user
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        invitation_changed.send(Invitation, invitation=locked, actor=user, event="accepted")
    return membership


def may_resend(invitation: Invitation) -> bool:
    """A link waiting to be accepted, or one that expired unused, can be sent again; an
    invitation that needed an approval is not renewed after it expired (invite anew, so the
    role is approved again)."""
    state = invitation.state
    return state == InvitationState.PENDING or (
        state == InvitationState.EXPIRED and not invitation.needs_approval
    )


def invitation_resend(*, invitation: Invitation, actor: AbstractBaseUser) -> Invitation:
    """Send the invitation again with a new link, valid for VALID_FOR from now: the mail was
    lost, or the invitee was too late. The old link stops working at once."""
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .get(pk=invitation.pk)
        )
        if not may_resend(locked):
            raise InvitationUnusable(
                _("This invitation cannot be sent again; it is %(state)s.")
                % {"state": locked.get_state_display().lower()}
            )
        newer = invitations_pending(organisation=locked.organisation).filter(
            email__iexact=locked.email
        )
        if newer.exclude(pk=locked.pk).exists():
            # One live link per address, as invitation_create keeps it.
            raise InvitationUnusable(
                _("A newer invitation to this address is still waiting to be accepted.")
            )
        token = secrets.token_urlsafe(32)
        locked.token_hash = token_digest(token)
        locked.expires_at = timezone.now() + VALID_FOR
        locked.save(update_fields=["token_hash", "expires_at"])
        invitation_changed.send(Invitation, invitation=locked, actor=actor, event="resent")
        transaction.on_commit(lambda: _send_invitation(locked, token))
    return locked


def invitation_revoke(*, invitation: Invitation, actor: AbstractBaseUser) -> Invitation:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.state not in (InvitationState.PENDING, InvitationState.AWAITING_APPROVAL):
            raise InvitationUnusable(
                _(
                    "Only an invitation that waits to be accepted can be revoked; this one "
                    "is %(state)s."
                )
                % {"state": locked.get_state_display().lower()}
            )
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        invitation_changed.send(Invitation, invitation=locked, actor=actor, event="revoked")
    return locked
