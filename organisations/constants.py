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
# The second person of the membership's four-eyes steps (a role change or an invitation that
# gains audio, a two-factor reset): never the one who asked, never the member concerned.
MEMBERSHIP_DECIDERS = frozenset({Role.ADMINISTRATOR, Role.PRIVACY_OFFICER})
