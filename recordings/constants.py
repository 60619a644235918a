from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    INTERNAL = "internal", _("Internal")


class RecordingStatus(models.TextChoices):
    # INCOMING: the row exists, its audio is being stored. Never listed or played; a row left
    # INCOMING by a crash is swept together with any object under its key.
    INCOMING = "incoming", _("Being stored")
    ACTIVE = "active", _("Active")
    HELD = "held", _("Under legal hold")
    PURGED = "purged", _("Purged")


class IngestChannel(models.TextChoices):
    UPLOAD = "upload", _("Browser upload")
    API = "api", _("HTTP API")
    DROP_FOLDER = "drop_folder", _("Drop folder")
    ARCHIVE = "archive", _("Archive import")


class TokenStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ArchiveImportOutcome(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    # Already in Earshot from an earlier run of this folder: neither imported nor refused.
    ALREADY = "already", _("Already imported")
    REFUSED = "refused", _("Refused")


class AudioKeyKind(models.TextChoices):
    # DAY: wraps the data keys of the calls whose deadline falls on one UTC day; destroyed once
    # that day's purge has erased them. HOLD: wraps the data keys of a legal hold's calls.
    DAY = "day", _("Deadline day")
    HOLD = "hold", _("Legal hold")
