from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from organisations.constants import Role
from organisations.roles import ORGANISATION_PERMISSIONS


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_single_line(value: str) -> None:
    """A name goes into e-mail subjects and letters: a line break or control character there
    would break the header (Django refuses to send it) or forge a second line."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValidationError(_("Use one line without control characters."))


class Organisation(models.Model):
    """A tenant: one controller's contact centre with its own register, policy and users."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_timezone]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        default_permissions = ()
        permissions = ORGANISATION_PERMISSIONS

    def __str__(self) -> str:
        return self.name


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct foreign key: rights go with the organisation, no generic lookups."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    """A person who handles calls. Not every employee signs in; the PBX knows their agent id."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="employees"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="employees"
    )
    name = models.CharField(_("name"), max_length=200)
    pbx_agent_id = models.CharField(_("PBX agent id"), max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee_records",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.UniqueConstraint(
                # Among active employees only: a deactivated employee keeps the agent id on
                # record, and a successor may be given it.
                fields=["organisation", "pbx_agent_id"],
                condition=~models.Q(pbx_agent_id="") & models.Q(active=True),
                name="employee_active_agent_id_unique_in_org",
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="employee_user_unique_in_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.team_id and self.team.organisation_id != self.organisation_id:
            raise ValidationError({"team": _("The team belongs to another organisation.")})


class Membership(models.Model):
    """A user's one role in one organisation. A user may belong to several organisations."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="memberships",
        verbose_name=_("teams"),
        help_text=_("For coaches and team leaders: the teams they work with."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A member is deactivated, never deleted: the audit trail names them.
    active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_user_and_org"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}: {self.get_role_display()}"


# The installation administrator and invitations live in a module of their own.
from organisations.models_installation import (  # noqa: E402, F401
    InstallationAdministrator,
    Invitation,
)

# The four-eyes reset of a lost two-factor device.
from organisations.models_twofactor import TwoFactorReset  # noqa: E402, F401


class RoleChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class RoleChangeRequest(models.Model):
    """A role change that would let a member hear calls waits for a second person (four eyes)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_change_requests"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="role_change_requests"
    )
    old_role = models.CharField(_("current role"), max_length=32, choices=Role.choices)
    new_role = models.CharField(_("new role"), max_length=32, choices=Role.choices)
    status = models.CharField(
        max_length=16, choices=RoleChangeStatus.choices, default=RoleChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("role change request")
        verbose_name_plural = _("role change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status="pending"),
                name="one_pending_role_change_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("requested_by")),
                name="role_change_decided_by_another_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.old_role} -> {self.new_role} ({self.status})"
