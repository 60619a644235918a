"""Standing rights: who may listen without asking, for which declared purpose, to which calls."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from access.constants import Scope
from organisations.constants import Role
from organisations.models import Organisation
from register.models import Purpose


class StandingRight(models.Model):
    """A role may listen, for one purpose of the register, to the calls within a scope.

    Everything not covered by a standing right needs an approved request (four eyes).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="standing_rights"
    )
    purpose = models.ForeignKey(
        Purpose, on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope = models.CharField(_("scope"), max_length=32, choices=Scope.choices)

    class Meta:
        verbose_name = _("standing right")
        verbose_name_plural = _("standing rights")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "purpose", "role"],
                name="one_standing_right_per_purpose_and_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.purpose.code} ({self.get_scope_display()})"

    def clean(self) -> None:
        if self.purpose_id and self.purpose.activity.organisation_id != self.organisation_id:
            raise ValidationError({"purpose": _("The purpose belongs to another organisation.")})
