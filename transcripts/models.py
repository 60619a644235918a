"""Typed transcripts of a call, their redactions, the four-eyes approval of the anonymised
version, and the anonymised versions kept as case records.

A transcript is derived data of its call: it is deleted with the call's audio (the purge calls
transcripts.erasure in the tombstone's transaction). Only the anonymised text kept as a case
record outlives it, under the case's retention.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from access.models import AccessRequest, Case, Disclosure, Grant
from organisations.models import Organisation
from recordings.models import Recording
from register.models import Purpose
from transcripts.constants import (
    MAX_SPEAKER_CHARS,
    MAX_UTTERANCE_CHARS,
    DecisionOutcome,
    RedactionKind,
    RedactionState,
    TranscriptLanguage,
    TranscriptStatus,
)


class TranscriptPurpose(models.Model):
    """A purpose of the register whose grants let the holder type an anonymised transcript
    (switched on by the administrator or the privacy officer; switching off deletes the row)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="transcript_purposes"
    )
    purpose = models.OneToOneField(
        Purpose, on_delete=models.CASCADE, related_name="transcript_setting"
    )
    switched_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    switched_on_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transcript purpose")
        verbose_name_plural = _("transcript purposes")

    def __str__(self) -> str:
        return self.purpose.code


class Transcript(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="transcripts"
    )
    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="transcripts")
    # The approved request and its grant it was typed under; erased with them (case retention).
    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="+")
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TranscriptStatus.choices,
        default=TranscriptStatus.DRAFT,
    )
    language = models.CharField(
        _("language of the call"),
        max_length=2,
        choices=TranscriptLanguage.choices,
        default=TranscriptLanguage.NL,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the detectors last ran over the whole transcript (the review started).
    proposed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")
        constraints = [
            models.UniqueConstraint(
                fields=["recording", "request"], name="one_transcript_per_call_and_request"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=TranscriptStatus.values),
                name="transcript_status_is_known",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="transcript_org_status"),
        ]

    def __str__(self) -> str:
        return f"transcript {self.pk}"


class Utterance(models.Model):
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="utterances")
    position = models.PositiveIntegerField()
    start_seconds = models.FloatField(_("start (s)"), validators=[MinValueValidator(0)])
    end_seconds = models.FloatField(
        _("end (s)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    speaker = models.CharField(_("speaker"), max_length=MAX_SPEAKER_CHARS)
    text = models.TextField(_("text"), validators=[MaxLengthValidator(MAX_UTTERANCE_CHARS)])

    class Meta:
        # Timestamps may overlap (people talk over each other): the time orders, then the typing.
        ordering = ["start_seconds", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "position"], name="utterance_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(start_seconds__gte=0), name="utterance_start_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(end_seconds__isnull=True)
                | models.Q(end_seconds__gte=models.F("start_seconds")),
                name="utterance_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} @ {self.start_seconds}"


class Redaction(models.Model):
    utterance = models.ForeignKey(Utterance, on_delete=models.CASCADE, related_name="redactions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=32, choices=RedactionKind.choices)
    detector = models.CharField(
        max_length=40
    )  # a code of transcripts.detectors.DETECTORS, or "manual"
    state = models.CharField(
        max_length=16, choices=RedactionState.choices, default=RedactionState.PROPOSED
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "end"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="redaction_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}-{self.end} ({self.state})"


class TranscriptDecision(models.Model):
    """The second person's answer on the anonymised version. Never the author (database
    check on the copied author), and at most one approval per transcript."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="decisions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(approver=models.F("author")),
                name="transcript_approved_by_another_person",
            ),
            models.UniqueConstraint(
                fields=["transcript"],
                condition=models.Q(outcome="approved"),
                name="one_approval_per_transcript",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.approver_id})"


class TranscriptCaseRecord(models.Model):
    """The exported anonymised version, kept with its case: it goes when the case is erased
    (retention/case_records.py deletes cases; CASCADE takes this with it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="transcript_case_records"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transcript_records")
    transcript = models.ForeignKey(
        Transcript, on_delete=models.SET_NULL, null=True, blank=True, related_name="case_records"
    )
    language = models.CharField(max_length=2, choices=TranscriptLanguage.choices)
    anonymised_text = models.TextField()
    sha256 = models.CharField(max_length=64)
    call_started_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kept anonymised transcript")
        verbose_name_plural = _("kept anonymised transcripts")

    def __str__(self) -> str:
        return f"transcript record {self.pk}"
