"""The installation's own people and the invitations that bring people into an organisation.

Imported at the end of organisations.models, so Django registers these models with the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.constants import Role


class InstallationAdministrator(models.Model):
    """ICT staff who run this installation: they create organisations and invite each one's
    first administrator. Being one makes nobody a member of any organisation: they see no
    organisation's calls, register or trail, only its name and number of members."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="installation_administrator",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("installation administrator")
        verbose_name_plural = _("installation administrators")

    def __str__(self) -> str:
        return str(self.user)


class InvitationState(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
    PENDING = "pending", _("Waiting to be accepted")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    DENIED = "denied", _("Denied")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    """A link, sent by e-mail, that lets one person join an organisation with one role.

    Only a hash of the link's random token is stored; the link works once, until it expires
    or is revoked."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A role that may hear calls is given only with a second person's approval (four eyes):
    # such an invitation is sent once another administrator or the privacy officer approves
    # it (organisations.people.is_decider), or closed when they deny it.
    needs_approval = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denied_at = models.DateTimeField(null=True, blank=True)
    denied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="invitation_role_is_known"
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("invited_by")),
                name="invitation_approved_by_another_person",
            ),
            models.CheckConstraint(
                condition=models.Q(denied_by__isnull=True)
                | ~models.Q(denied_by=models.F("invited_by")),
                name="invitation_denied_by_another_person",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_at__isnull=True) | models.Q(denied_at__isnull=True),
                name="invitation_not_both_approved_and_denied",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}: {self.get_role_display()}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.denied_at is not None:
            return InvitationState.DENIED
        if self.needs_approval and self.approved_at is None:
            return InvitationState.AWAITING_APPROVAL
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def get_state_display(self) -> str:
        return InvitationState(self.state).label
