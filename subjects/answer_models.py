"""The answer to a data subject request: what one privacy officer prepared (a copy of the data,
a list of calls to erase, or only a decision), the second person's approval, and what was done.
Loaded through subjects/models.py."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from access.models import Disclosure
from organisations.models import Organisation
from recordings.models import Recording
from subjects.answer_constants import AnswerAction, AnswerStatus, CopyMedia
from subjects.constants import AnswerLanguage, SubjectDecision


class SubjectAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    subject_request = models.ForeignKey(
        "subjects.SubjectRequest", on_delete=models.CASCADE, related_name="answers"
    )
    action = models.CharField(_("action"), max_length=16, choices=AnswerAction.choices)
    media = models.CharField(
        _("what the copy holds of each call"),
        max_length=16,
        choices=CopyMedia.choices,
        blank=True,
    )
    decision = models.CharField(_("decision"), max_length=16, choices=SubjectDecision.choices)
    reason = models.TextField(_("reason for the decision"))
    language = models.CharField(
        _("language of the answer"), max_length=2, choices=AnswerLanguage.choices
    )
    # The calls the answer covers: copied (audio or transcript where live), or to be erased.
    recordings = models.ManyToManyField(Recording, related_name="+", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AnswerStatus.choices, default=AnswerStatus.PROPOSED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True)
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What was found and done, kept for the letter (an erased call keeps only its day).
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-prepared_at"]
        verbose_name = _("answer to a data subject request")
        verbose_name_plural = _("answers to data subject requests")
        constraints = [
            # One answer in play per request: a double click prepares nothing twice.
            models.UniqueConstraint(
                fields=["subject_request"],
                condition=~models.Q(status=AnswerStatus.REJECTED),
                name="subject_answer_one_in_play",
            ),
            # Four eyes: the approver is never the one who prepared it.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("prepared_by")),
                name="subject_answer_four_eyes",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AnswerStatus.values),
                name="subject_answer_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_request} {self.action} ({self.status})"

    @property
    def is_proposed(self) -> bool:
        return self.status == AnswerStatus.PROPOSED
