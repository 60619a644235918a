"""The journal of `manage.py import`: one row per run, one per file the run has finished.

A file's row is written after the ingest has committed its recording (or refused it), so a
run killed at any moment resumes by skipping the files of its journal. The rows name files by
their path in the archive, which may hold a phone number (Asterisk names do): they are working
state, deleted when the run finishes; the run's row keeps only counts.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from recordings.constants import ArchiveImportOutcome


class ArchiveImport(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="archive_imports"
    )
    # The archive's folder, resolved: a rerun on the same folder resumes an unfinished run.
    root = models.TextField(_("folder"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    files = models.PositiveIntegerField(_("files"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    already_imported = models.PositiveIntegerField(_("already imported"), default=0)

    class Meta:
        verbose_name = _("archive import")
        verbose_name_plural = _("archive imports")
        constraints = [
            # One unfinished run per folder: the one a rerun resumes.
            models.UniqueConstraint(
                fields=["organisation", "root"],
                condition=models.Q(finished_at__isnull=True),
                name="archive_import_one_open_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.root} ({self.started_at:%Y-%m-%d %H:%M})"


class ArchiveImportFile(models.Model):
    run = models.ForeignKey(ArchiveImport, on_delete=models.CASCADE, related_name="entries")
    # Relative to the run's root, as text (bytes that are not UTF-8 as \\xNN).
    path = models.TextField()
    outcome = models.CharField(max_length=16, choices=ArchiveImportOutcome.choices)
    code = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    recording = models.ForeignKey(
        "recordings.Recording",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "path"], name="archive_import_file_once")
        ]
        indexes = [
            models.Index(
                fields=["recording"],
                condition=models.Q(recording__isnull=False),
                name="archive_file_recording",
            )
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.outcome}"
