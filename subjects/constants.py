"""Choices of data subject requests (GDPR art. 15-21)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectRight(models.TextChoices):
    ACCESS = "access", _("Access (art. 15)")
    ERASURE = "erasure", _("Erasure (art. 17)")
    RESTRICTION = "restriction", _("Restriction (art. 18)")
    OBJECTION = "objection", _("Objection (art. 21)")


class SubjectRequestStatus(models.TextChoices):
    # Sent through the public form; the requester has not yet confirmed the e-mail address.
    UNCONFIRMED = "unconfirmed", _("Not yet confirmed by e-mail")
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SubjectDecision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    NOTHING_FOUND = "nothing_found", _("Nothing found about the person")


class SubjectReceivedVia(models.TextChoices):
    PUBLIC_FORM = "public_form", _("The public request form")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    NAME = "name", _("Name")
    CUSTOMER_NUMBER = "customer_number", _("Customer number")
    BSN = "bsn", _("BSN")
    EMAIL = "email", _("E-mail address")


class AnswerLanguage(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


# Days before the deadline on which the privacy officers are warned, once each.
WARNING_DAYS = (7, 1)
# The statutory month, and the two further months it may be extended by (art. 12(3)).
EXTENSION_MAX_MONTHS = 2
# How long the public form's confirmation link works; unconfirmed requests are deleted after.
CONFIRMATION_HOURS = 72
# References read "AVG-2026-0001": per organisation and year of receipt.
REFERENCE_PREFIX = "AVG"
# The public form: submissions per client address, and per organisation, within the window.
PUBLIC_LIMIT_PER_CLIENT = 5
PUBLIC_LIMIT_PER_ORGANISATION = 100
PUBLIC_LIMIT_WINDOW_MINUTES = 60
