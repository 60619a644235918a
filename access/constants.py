from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """Which calls a standing right covers."""

    OWN_CALLS = "own_calls", _("Calls the person handled")
    COACHED_TEAMS = "coached_teams", _("Calls of the teams the person works with")
    ORGANISATION = "organisation", _("All calls of the organisation")
