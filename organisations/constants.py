from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    COACH = "coach", _("Coach")
    TEAM_LEADER = "team_leader", _("Team leader")
    MANAGER = "manager", _("Manager")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")


# Roles that can reach other people's recordings or the configuration: they sign in with a
# TOTP code as well as a password (unless settings.TWO_FACTOR_REQUIRED is off, as in the demo).
TWO_FACTOR_ROLES = frozenset({Role.MANAGER, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR, Role.AUDITOR})
