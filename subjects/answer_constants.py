"""Choices of the answer to a data subject request (subjects-answer)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerAction(models.TextChoices):
    # Art. 15: a copy of everything found, through a disclosure link and a separate code.
    COPY = "copy", _("Send a copy of the data")
    # Art. 17 (and an objection under art. 21 that is granted): the calls erased early.
    ERASURE = "erasure", _("Erase the calls")
    # Nothing leaves and nothing is erased: a refusal, "nothing found", a restriction noted.
    DECISION_ONLY = "decision_only", _("Record the decision only")


class AnswerStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for a second person's approval")
    # Approved, and the erasure committed to be done: it is carried out outside the approval's
    # transaction (the purge commits per batch) and stays here until every call is gone.
    APPROVED = "approved", _("Approved, being carried out")
    CARRIED_OUT = "carried_out", _("Approved and carried out")
    REJECTED = "rejected", _("Rejected by the second person")


class CopyMedia(models.TextChoices):
    AUDIO = "audio", _("The audio of each call")
    TRANSCRIPT = "transcript", _("An approved anonymised transcript where there is one")
    METADATA = "metadata", _("Metadata and listens only, no audio")
