"""The append-only, hash-chained audit trail.

Each organisation has its own chain (events without an organisation, such as a failed sign-in
for an unknown user, go on the "system" chain). An event stores the hash of the event before it
in its chain; the database refuses UPDATE and DELETE on the table (audit/triggers.py, checked
after every migration and by a system check). Signed checkpoints of each chain head, kept
outside the database, make a rewrite by a database writer visible (audit/checkpoints.py).
Targets and actors are stored by id without foreign-key constraints, so the trail never
cascades away with what it describes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.catalogue import describe

SYSTEM_CHAIN = "system"
GENESIS_HASH = "0" * 64


class AuditChain(models.Model):
    """The head of one chain; locked while an event is appended so the chain stays linear."""

    key = models.CharField(max_length=64, unique=True)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    last_verified_ok = models.BooleanField(null=True)
    # What the last verification said when it failed, and the newest signed checkpoint it
    # checked the chain against (shown on the audit-trail page and the register's evidence).
    last_verified_problem = models.TextField(blank=True)
    last_verified_checkpoint_sequence = models.BigIntegerField(null=True, blank=True)
    last_verified_checkpoint_at = models.DateTimeField(null=True, blank=True)
    # A verification started from the audit-trail page and not finished yet (a task runs it).
    verification_requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


class AuditEvent(models.Model):
    chain = models.CharField(max_length=64)
    sequence = models.BigIntegerField()
    created_at = models.DateTimeField()
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # audit_org_time (organisation, -created_at) serves every lookup by organisation.
        db_index=False,
        null=True,
        related_name="+",
    )
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=100, blank=True)
    detail = models.JSONField(default=dict)
    ip_address = models.GenericIPAddressField(null=True)
    previous_hash = models.CharField(max_length=64)
    # Not indexed: nothing looks an event up by its hash, and an index on random digests costs
    # a random B-tree write per event (the purge writes 100,000 a night). The chain's integrity
    # rests on (chain, sequence) being unique and each event naming the previous one's hash.
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_sequence_per_chain")
        ]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="audit_org_time"),
            # A case's history looks its events up by target. Calls are left out: their events
            # are the bulk of the trail (an ingest, each play, the purge) and nothing looks them
            # up by call, while each one inserted at a random place of this index (a full-page
            # image in the WAL for nearly every purge event; most of the purge's WAL).
            models.Index(
                fields=["target_type", "target_id"],
                condition=~models.Q(target_type="recordings.recording"),
                name="audit_target",
            ),
            # "Who listened to this call, when and for what purpose" (a data subject's access
            # request, subjects/). Only listens: a few per call at most, against an ingest and a
            # purge event for every call, so the purge writes nothing into this index.
            models.Index(
                fields=["organisation", "target_id"],
                condition=models.Q(
                    action="access.recording.listened", target_type="recordings.recording"
                ),
                name="audit_listens",
            ),
            # The register counts today's listens live (earlier days are counted once, see
            # audit/daily.py): from this index alone, without a heap page per event, which at
            # ten million events was ~57,000 rows read through the whole-trail time index.
            models.Index(
                fields=["organisation", "created_at"],
                include=["purpose", "id"],
                condition=models.Q(action="access.recording.listened"),
                name="audit_listens_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.sequence} {self.action}"

    @property
    def sentence(self) -> str:
        return describe(self.action)


class DailyActionCount(models.Model):
    """How many events of one action (and purpose) an organisation's trail holds for one local
    day. Filled nightly (and on demand) for days that have ended, so evidence such as "listens
    per purpose in 90 days" reads a few hundred rows instead of a million events. Events are
    never changed or removed, so a counted day stays right."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    action = models.CharField(max_length=100)
    purpose = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day", "action", "purpose"], name="one_count_per_day"
            )
        ]
        indexes = [models.Index(fields=["organisation", "action", "day"], name="daily_org_action")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day} {self.action} {self.purpose}: {self.count}"


class DailyCountsDone(models.Model):
    """Up to which local day (inclusive) an organisation's events are counted."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    through_day = models.DateField()
    counted_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation_id} through {self.through_day}"


class AuditCheckpoint(models.Model):
    """A copy, for display only, of a signed checkpoint. The checkpoint itself lives in the
    append-only file store (and the object store); verification never reads this table."""

    chain = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20)
    last_sequence = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    first_retained_sequence = models.BigIntegerField(null=True, blank=True)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=32)
    line = models.TextField()  # the exact signed line written to the file store

    class Meta:
        indexes = [models.Index(fields=["chain", "-signed_at"], name="audit_checkpoint_chain")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.last_sequence} {self.kind}"

    @property
    def kind_label(self) -> str:
        labels = {
            "scheduled": _("hourly"),
            "purge": _("after a purge run"),
            "command": _("by command"),
            "prune": _("before pruning"),
            "restore": _("after a restore"),
        }
        return str(labels.get(self.kind, self.kind))


class AuditPrune(models.Model):
    """The sanctioned removal of a chain's oldest events: the database's delete trigger lets
    through only events of `chain` below `first_retained_sequence`. Append-only itself."""

    chain = models.CharField(max_length=64)
    first_retained_sequence = models.BigIntegerField()
    hash_before = models.CharField(max_length=64)
    removed = models.BigIntegerField()
    pruned_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["chain", "first_retained_sequence"], name="audit_prune")]

    def __str__(self) -> str:
        return f"{self.chain} pruned below {self.first_retained_sequence}"
