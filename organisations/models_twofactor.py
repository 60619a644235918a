"""The four-eyes reset of a member's lost two-factor device.

Imported at the end of organisations.models, so Django registers the model with the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TwoFactorResetStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    # Approved here; the device goes once every organisation where the member signs in with
    # two-factor has approved a reset too.
    APPROVED = "approved", _("Approved, waiting for the member's other organisations")
    COMPLETED = "completed", _("Device removed")
    DENIED = "denied", _("Denied")


OPEN_STATUSES = (TwoFactorResetStatus.PENDING, TwoFactorResetStatus.APPROVED)


class TwoFactorReset(models.Model):
    """An administrator asks to remove a member's TOTP device and backup codes; another
    administrator or the privacy officer approves. The member then sets up a new device at
    their next sign-in."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="two_factor_resets"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="two_factor_resets"
    )
    motivation = models.TextField(_("motivation"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TwoFactorResetStatus.choices,
        default=TwoFactorResetStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("two-factor reset")
        verbose_name_plural = _("two-factor resets")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "member"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="one_open_two_factor_reset_per_member",
            ),
            # Four eyes, in the database as well: the decision is another person's, and never
            # the member's own.
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | (
                    ~models.Q(decided_by=models.F("requested_by"))
                    & ~models.Q(decided_by=models.F("member"))
                ),
                name="two_factor_reset_decided_by_another_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_by__isnull=False),
                name="two_factor_reset_decision_names_its_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"two-factor reset {self.pk} of user {self.member_id} ({self.status})"
