from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """Which calls a standing right covers."""

    OWN_CALLS = "own_calls", _("Calls the person handled")
    COACHED_TEAMS = "coached_teams", _("Calls of the teams the person works with")
    ORGANISATION = "organisation", _("All calls of the organisation")


class RequestKind(models.TextChoices):
    PLAYBACK = "playback", _("Playback")
    DISCLOSURE = "disclosure", _("Disclosure to an outside recipient")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("Approved")
    DENY = "deny", _("Denied")
    ESCALATE = "escalate", _("Escalated")


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    MISCONDUCT = "misconduct", _("Suspected misconduct")
    THREAT = "threat", _("Threat")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReceivedVia(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")
    INTERNAL = "internal", _("Internal report")


class DisclosureContents(models.TextChoices):
    """What a disclosure's copy holds: the page and e-mails the recipient sees say so."""

    RECORDINGS = "recordings", _("Call recordings")
    TRANSCRIPT = "transcript", _("An anonymised transcript of a call")
    SUBJECT_COPY = "subject_copy", _("A copy of the personal data held about you")
