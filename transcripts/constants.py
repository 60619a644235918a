from django.db import models
from django.utils.translation import gettext_lazy as _


class RedactionKind(models.TextChoices):
    """What a redacted span was: the anonymised text shows the kind in its place."""

    NAME = "name", _("Name")
    ADDRESS = "address", _("Address")
    POSTCODE = "postcode", _("Postcode")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")
    BSN = "bsn", _("BSN")
    IBAN = "iban", _("Bank account (IBAN)")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
    OTHER = "other", _("Other personal data")
