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


class TranscriptStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")
    EXPORTED = "exported", _("Exported")


# The one table of allowed status changes: (from, to).
TRANSITIONS = {
    (TranscriptStatus.DRAFT, TranscriptStatus.SUBMITTED),
    (TranscriptStatus.SENT_BACK, TranscriptStatus.SUBMITTED),
    (TranscriptStatus.SUBMITTED, TranscriptStatus.APPROVED),
    (TranscriptStatus.SUBMITTED, TranscriptStatus.SENT_BACK),
    (TranscriptStatus.APPROVED, TranscriptStatus.EXPORTED),
}
# The author types and reviews only in these states.
EDITABLE = (TranscriptStatus.DRAFT, TranscriptStatus.SENT_BACK)


class TranscriptLanguage(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class Speaker(models.TextChoices):
    """Who speaks; a free label (an interpreter, a second agent) is stored as typed."""

    EMPLOYEE = "employee", _("Agent")
    CUSTOMER = "customer", _("Customer")
    OTHER = "other", _("Other speaker")


class RedactionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REMOVED = "removed", _("Removed")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")


# The detector code of a redaction the user added by hand.
MANUAL = "manual"
# Utterances longer than this are refused (a whole call typed as one line is not a transcript).
MAX_UTTERANCE_CHARS = 10_000
MAX_SPEAKER_CHARS = 50
# Utterances per transcript: a call of a few hours; more is a wrong file, and would make the
# page and the detectors' run unusable.
MAX_UTTERANCES = 3000
