from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    """GDPR art. 6(1), worded as the Dutch register words them."""

    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Performance of a contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTERESTS = "vital_interests", _("Vital interests")
    PUBLIC_TASK = "public_task", _("Public task")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")


class RetentionUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


class DataCategory(models.TextChoices):
    """What the retention engine acts on. Several register lines may share a category; the
    shortest declared period wins ("at the latest")."""

    RECORDING = "recording", _("Recording audio and call metadata")
    EVALUATION = "evaluation", _("QM forms and evaluations")
    CALIBRATION = "calibration", _("Calibration results")
    CASE = "case", _("Requests, cases and disclosures")
    OTHER = "other", _("Other")


class RecipientKind(models.TextChoices):
    INTERNAL_ROLE = "internal_role", _("Role within the organisation")
    PROCESSOR = "processor", _("Processor")
    OUTSIDE_PARTY = "outside_party", _("Outside party")


class CustomerField(models.TextChoices):
    """Customer identification a recording may carry, only where the register declares it."""

    PHONE = "phone", _("Phone number")
    NAME = "name", _("Name")
    ADDRESS = "address", _("Address")
    POSTCODE = "postcode", _("Postcode")
    BSN = "bsn", _("BSN")
    GENDER = "gender", _("Gender")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
    CUSTOMER_NUMBER = "customer_number", _("Customer number")
