from django.db import models
from django.utils.translation import gettext_lazy as _


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    COMMAND = "command", _("Command line")
    EARLY_ERASURE = "early_erasure", _("Early erasure")
    REQUESTED = "requested", _("Started from the retention page")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class HoldStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Active")
    RELEASE_PENDING = "release_pending", _("Release waiting for approval")
    RELEASED = "released", _("Released")
    DENIED = "denied", _("Denied")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPLIED = "applied", _("Applied")
    DENIED = "denied", _("Denied")


class DestructionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for approval")
    DESTROYED = "destroyed", _("Approved and destroyed")
    REJECTED = "rejected", _("Rejected")
