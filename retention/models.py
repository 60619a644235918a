"""What the retention engine keeps about its own work: purge runs with their reports, legal
holds (four eyes to place and to release) and confirmed changes of existing calls' deadlines.
The erased recordings themselves stay as tombstones in recordings.Recording."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from access.models import Case
from organisations.models import Organisation
from recordings.models import Recording
from retention.constants import (
    ChangeStatus,
    DestructionStatus,
    HoldStatus,
    RunStatus,
    RunTrigger,
)


class PurgeRun(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="purge_runs"
    )
    trigger = models.CharField(max_length=16, choices=RunTrigger.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    horizon = models.DateTimeField(
        help_text="Everything whose deadline falls before this moment is erased by this run."
    )
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    purged = models.PositiveIntegerField(default=0)
    bytes_freed = models.BigIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(
        default=0, help_text="Calls past their deadline and not erased when the run ended."
    )
    # Requests, cases and disclosures past the period of the register's "case" lines.
    cases_erased = models.PositiveIntegerField(default=0)
    requests_erased = models.PositiveIntegerField(default=0)
    disclosures_erased = models.PositiveIntegerField(default=0)
    records_failed = models.PositiveIntegerField(
        default=0, help_text="Cases or requests kept because a disclosure copy would not go."
    )
    # Records of higher apps under the same period, by eraser name: {"subject_requests": 2}.
    others_erased = models.JSONField(default=dict, blank=True)
    # Keys of ended days (or released holds) whose calls were all gone, destroyed by this run:
    # from then on every backup of those calls is unreadable. Failed: still there, retried.
    keys_destroyed = models.PositiveIntegerField(default=0)
    keys_failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["organisation", "-started_at"], name="purgerun_org_time")]

    def __str__(self) -> str:
        return f"purge {self.organisation_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def others_erased_list(self) -> list[tuple[str, int]]:
        """[(label, number erased), ...] of higher apps' records (data subject requests)."""
        from retention.case_records import case_record_label

        return [(case_record_label(name), n) for name, n in sorted(self.others_erased.items())]

    @property
    def needs_attention(self) -> bool:
        return (
            self.status != RunStatus.FINISHED
            or self.failed > 0
            or self.overdue > 0
            or self.records_failed > 0
            or self.keys_failed > 0
        )


class LegalHold(models.Model):
    """Suspends erasure of some calls for a case (threat, police request, dispute). Placing and
    releasing it each take two people."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="legal_holds"
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        verbose_name=_("case"),
    )
    motivation = models.TextField(_("motivation"))
    review_on = models.DateField(_("review on"))
    recordings = models.ManyToManyField(
        Recording, related_name="legal_holds", verbose_name=_("recordings")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=HoldStatus.choices, default=HoldStatus.PENDING
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    release_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    release_reason = models.TextField(_("reason for release"), blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return f"hold {self.pk} ({self.get_status_display()})"


class RetentionChange(models.Model):
    """Applying the register's current recording retention to calls stamped under an earlier
    period: proposed by one person, applied when a second approves."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_changes"
    )
    retention_days = models.PositiveIntegerField()
    affected = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"retention {self.retention_days} d ({self.get_status_display()})"


class DestructionList(models.Model):
    """Archival records (QM evaluations, calibration sessions) that reached their period.

    Proposed by one person, approved by a second; approval destroys them and turns this row into
    the destruction statement (verklaring van vernietiging): what was destroyed, when, on what
    grounds and by whose approval. Metadata only: no names, no answers, no comments."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="destruction_lists"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=DestructionStatus.choices, default=DestructionStatus.PROPOSED
    )
    # [{"kind": "evaluation"|"calibration", "id": ..., "date": "YYYY-MM-DD", "form": "...",
    #   "period": "7 years"}], and per kind the register line that gives the period.
    items = models.JSONField()
    grounds = models.JSONField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="destruction_list_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"destruction list {self.number} ({self.get_status_display()})"
