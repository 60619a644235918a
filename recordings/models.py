"""A Recording: one call's audio and metadata, with its purge deadline."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Employee, Organisation
from recordings import identifiers
from recordings.constants import (
    AudioKeyKind,
    Direction,
    IngestChannel,
    RecordingStatus,
    TokenStatus,
)

# Rows that are not tombstones. Queries on calls filter on a status that is not PURGED, which
# PostgreSQL takes as implying this condition, so they can use the partial indexes below.
LIVE = ~models.Q(status=RecordingStatus.PURGED)


class AudioKey(models.Model):
    """A key in the key store (recordings/keystore.py) that wraps calls' data keys; the row
    describes it and never holds key material. A day key covers the calls whose deadline falls
    on its UTC day and is destroyed after their purge; from then on every copy of those calls,
    in any backup, is unreadable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="audio_keys"
    )
    kind = models.CharField(max_length=8, choices=AudioKeyKind.choices)
    # For a day key: the UTC date of the deadlines it covers.
    day = models.DateField(null=True, blank=True)
    # For a hold key: the hold's id (no foreign key: retention is a higher app).
    hold_ref = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once the key file is confirmed gone.
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("audio key")
        verbose_name_plural = _("audio keys")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day"],
                condition=models.Q(kind=AudioKeyKind.DAY, destroyed_at__isnull=True),
                name="audio_key_live_day_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "hold_ref"],
                condition=models.Q(kind=AudioKeyKind.HOLD, destroyed_at__isnull=True),
                name="audio_key_live_hold_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=AudioKeyKind.DAY, day__isnull=False)
                    | models.Q(kind=AudioKeyKind.HOLD, day__isnull=True) & ~models.Q(hold_ref="")
                ),
                name="audio_key_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == AudioKeyKind.DAY:
            return f"day key {self.day} ({self.organisation_id})"
        return f"hold key {self.hold_ref} ({self.organisation_id})"


class Recording(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="recordings",
        # Every index below starts with the organisation: a separate one would only cost writes.
        db_index=False,
    )
    call_id = models.CharField(_("call id"), max_length=128)
    started_at = models.DateTimeField(_("start"))
    duration_seconds = models.FloatField(_("duration (s)"))
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    queue = models.CharField(_("queue / line"), max_length=100, blank=True)
    employee = models.ForeignKey(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recordings",
        verbose_name=_("employee"),
        # Indexed through Meta.indexes, only where set: a tombstone has no employee.
        db_index=False,
    )
    # Customer identification: only what the organisation declares in its register.
    customer_phone = models.CharField(_("customer phone number"), max_length=20, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    # The organisation's own number for the customer (a database default too, for raw inserts).
    customer_number = models.CharField(
        _("customer number"), max_length=100, blank=True, default="", db_default=""
    )
    customer_address = models.CharField(_("customer address"), max_length=300, blank=True)
    customer_postcode = models.CharField(_("customer postcode"), max_length=10, blank=True)
    customer_bsn = models.CharField(_("customer BSN"), max_length=9, blank=True)
    customer_gender = models.CharField(_("customer gender"), max_length=20, blank=True)
    customer_date_of_birth = models.DateField(_("customer date of birth"), null=True, blank=True)
    # Keyed digests of the normalised phone number, BSN and name (recordings/identifiers.py),
    # set on every save from the values beside them: a data subject request finds the person's
    # calls by these, through the indexes below, whichever way the value was written. NULL when
    # there is nothing to find (no value, a tombstone): such rows stay out of the indexes.
    customer_phone_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    customer_bsn_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    customer_name_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    customer_number_digest = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    # How the caller was told the call is recorded: the announcement's id or version.
    announcement = models.CharField(_("recording announcement"), max_length=100, blank=True)

    # Unique through Meta.constraints, not unique=True: that adds a second (LIKE) index that no
    # query uses and every tombstone update must write.
    storage_key = models.CharField(max_length=200)
    size_bytes = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    container = models.CharField(_("container"), max_length=20)
    codec = models.CharField(_("codec"), max_length=40)
    channels = models.PositiveSmallIntegerField(_("channels"))
    sample_rate = models.PositiveIntegerField(_("sample rate"))
    audio_duration_seconds = models.FloatField(_("audio duration (s)"))

    purge_deadline = models.DateTimeField(_("erased at the latest"))
    retention_days = models.PositiveIntegerField(_("retention applied (days)"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RecordingStatus.choices,
        default=RecordingStatus.INCOMING,
    )
    # Set by the purge (retention/): when the audio was erased and the row became a tombstone,
    # or why the last attempt failed (the next run retries; until then the call is overdue).
    purged_at = models.DateTimeField(_("purged"), null=True, blank=True)
    purge_failed_at = models.DateTimeField(null=True, blank=True)
    purge_error = models.CharField(max_length=300, blank=True)
    ingested_at = models.DateTimeField(_("ingested"), auto_now_add=True)
    ingested_via = models.CharField(_("ingested via"), max_length=16, choices=IngestChannel.choices)
    # Encryption at rest (recordings/sealed_storage.py): the call's random data key, wrapped
    # (AES-GCM) under audio_key. sealing "" is plaintext audio (before the migration), "v1" the
    # sealed format (recordings/sealed.py). A tombstone keeps audio_key (to say when the key was
    # destroyed) but not wrapped_key.
    audio_key = models.ForeignKey(
        AudioKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recordings",
        # Indexed through Meta.indexes, only for live rows: whether a key is still used.
        db_index=False,
    )
    wrapped_key = models.BinaryField(null=True, blank=True)
    sealing = models.CharField(max_length=8, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        # Every index but the primary key leaves tombstones out (LIVE): nothing looks them up
        # but by id, and the purge's tombstone update then writes one index entry per call
        # instead of one per index (it was most of the purge's database work).
        constraints = [
            # A purged call's id is free again: the tombstone's call_id is its own row id.
            models.UniqueConstraint(
                fields=["organisation", "call_id"],
                condition=LIVE,
                name="recording_call_id_unique_in_org",
            ),
            # Two rows never name one object: erasing one call's audio cannot take another's.
            models.UniqueConstraint(
                fields=["storage_key"], condition=LIVE, name="recording_storage_key_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "sha256"],
                condition=LIVE,
                name="recording_audio_unique_in_org",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RecordingStatus.values),
                name="recording_status_is_known",
            ),
        ]
        indexes = [
            # Keyset pagination of the list, newest first, with and without filters.
            models.Index(
                fields=["organisation", "-started_at", "-id"], condition=LIVE, name="rec_org_start"
            ),
            models.Index(
                fields=["organisation", "employee", "-started_at", "-id"],
                condition=LIVE,
                name="rec_org_employee_start",
            ),
            models.Index(
                fields=["organisation", "queue", "-started_at", "-id"],
                condition=LIVE,
                name="rec_org_queue_start",
            ),
            models.Index(
                fields=["organisation", "customer_phone", "-started_at", "-id"],
                condition=LIVE,
                name="rec_org_phone_start",
            ),
            # Due and overdue calls, always asked per organisation (the purge, the register's
            # evidence): without the organisation the planner scanned a whole index instead.
            models.Index(
                fields=["organisation", "status", "purge_deadline"],
                condition=LIVE,
                name="rec_org_status_deadline",
            ),
            # The register's retention evidence: oldest live call, calls on an earlier period.
            models.Index(
                fields=["organisation", "status", "started_at"],
                condition=LIVE,
                name="rec_org_status_start",
            ),
            models.Index(
                fields=["organisation", "status", "retention_days"],
                condition=LIVE,
                name="rec_org_status_period",
            ),
            # A data subject request's search by identifier (subjects/search.py).
            models.Index(
                fields=["organisation", "customer_phone_digest"],
                condition=LIVE & models.Q(customer_phone_digest__isnull=False),
                name="rec_org_phone_digest",
            ),
            models.Index(
                fields=["organisation", "customer_bsn_digest"],
                condition=LIVE & models.Q(customer_bsn_digest__isnull=False),
                name="rec_org_bsn_digest",
            ),
            models.Index(
                fields=["organisation", "customer_name_digest"],
                condition=LIVE & models.Q(customer_name_digest__isnull=False),
                name="rec_org_name_digest",
            ),
            models.Index(
                fields=["organisation", "customer_number_digest"],
                condition=LIVE & models.Q(customer_number_digest__isnull=False),
                name="rec_org_number_digest",
            ),
            # Whether a key still wraps a live call (recordings/audio_keys.py, key_is_unused).
            models.Index(fields=["audio_key"], condition=LIVE, name="rec_audio_key_live"),
            # Calls still stored in plaintext (stored before issue 19): the sealing migration's
            # work list and the register's count of them; empty once everything is sealed.
            models.Index(
                fields=["organisation", "id"],
                condition=LIVE & models.Q(sealing=""),
                name="rec_org_plaintext",
            ),
            # For SET_NULL when an employee is deleted.
            models.Index(
                fields=["employee"],
                condition=models.Q(employee__isnull=False),
                name="rec_employee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} ({self.started_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        self.set_identifier_digests()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            sources = {source for source, _target, _kind in identifiers.RECORDING_DIGESTS}
            if sources & set(update_fields):
                targets = {target for _source, target, _kind in identifiers.RECORDING_DIGESTS}
                kwargs["update_fields"] = {*update_fields, *targets}
        super().save(*args, **kwargs)

    def set_identifier_digests(self) -> None:
        for source, target, kind in identifiers.RECORDING_DIGESTS:
            setattr(self, target, identifiers.optional_digest(kind, getattr(self, source)))


class IngestToken(models.Model):
    """A recorder's or PBX's credential for the ingest API; only its hash is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="ingest_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Empty when a command created it (scripted installs have no signed-in person).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # No expiry when empty; from this instant on the API refuses the token.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("ingest token")
        verbose_name_plural = _("ingest tokens")

    def __str__(self) -> str:
        return self.name

    def status_at(self, moment: datetime) -> TokenStatus:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= moment:
            return TokenStatus.EXPIRED
        return TokenStatus.ACTIVE


# The archive import's run and journal (manage.py import), kept in their own module.
from recordings.archive_models import ArchiveImport, ArchiveImportFile  # noqa: E402, F401

# Objects the sealing migration has still to delete (recordings/seal_existing.py).
from recordings.sealing_models import PlaintextLeftover, SealingFailure  # noqa: E402, F401
