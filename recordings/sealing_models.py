"""The sealing migration's list of objects still to delete (recordings/seal_existing.py).

A row names an object in the audio storage that must go unless a live recording names it:
- kind "plaintext": a call's old plaintext object, written in the same transaction that
  switched the call to its sealed copy;
- kind "sealed": a sealed copy being written, written before the copy; the switch deletes it
  in its transaction. Left over when the run died or the call changed meanwhile.
A run killed at any point leaves only objects listed here (or none), so the next run deletes
them: no plaintext and no orphan is left behind. The rows hold a storage key, no personal data.
"""

from __future__ import annotations

from django.db import models

from organisations.models import Organisation


class LeftoverKind(models.TextChoices):
    PLAINTEXT = "plaintext", "plaintext"
    SEALED = "sealed", "sealed"


class PlaintextLeftover(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plaintext_leftovers"
    )
    storage_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=LeftoverKind.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.storage_key}"


class SealingFailure(models.Model):
    """A plaintext call the sealing migration could not seal (its object missing, its SHA-256
    not the row's, ...): a bounded run (the beat task) leaves it alone until `retry_after`, so
    calls that keep failing do not take every run's budget and stall the others behind them.
    `manage.py seal_audio` (unbounded) tries every call. Gone once the call is sealed."""

    recording = models.OneToOneField(
        "recordings.Recording", on_delete=models.CASCADE, related_name="sealing_failure"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sealing_failures"
    )
    reason = models.CharField(max_length=32)
    attempts = models.PositiveIntegerField(default=1)
    failed_at = models.DateTimeField()
    retry_after = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "retry_after"])]

    def __str__(self) -> str:
        return f"{self.recording_id}: {self.reason} ×{self.attempts}"
