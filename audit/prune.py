"""The trail's own retention: the one sanctioned way to remove a chain's oldest events.

Only a prefix goes (every event before a moment, always keeping the newest event), and only
after the chain verifies: first a signed checkpoint that names the first event kept and the
hash of the last one removed (so the rest still verifies from there), then an AuditPrune
marker, which is what lets the database's delete trigger through (audit/triggers.py), then the
delete and an event saying so, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.checkpoints import Kind, checkpoint_write
from audit.models import AuditChain, AuditEvent, AuditPrune
from audit.services import audit_record, chain_key_for
from audit.verification import chain_verify


class PruneError(Exception):
    """The prune was refused; nothing was removed. The message says why."""


@dataclass(frozen=True)
class PruneResult:
    removed: int
    first_retained_sequence: int | None


def audit_prune(*, organisation, before: datetime, actor=None) -> PruneResult:
    key = chain_key_for(organisation)
    report = chain_verify(key=key)
    if not report.ok:
        raise PruneError(f"the chain does not verify, nothing was removed: {report.describe()}")
    with transaction.atomic():
        head = AuditChain.objects.select_for_update().filter(key=key).first()
        if head is None:
            return PruneResult(0, None)
        events = AuditEvent.objects.filter(chain=key)
        last_old = (
            events.filter(created_at__lt=before, sequence__lt=head.last_sequence)
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        if last_old is None:
            return PruneResult(0, None)
        first_retained, hash_before = last_old[0] + 1, last_old[1]
        checkpoint_write(key=key, kind=Kind.PRUNE, prune=(first_retained, hash_before))
        removable = events.filter(sequence__lt=first_retained)
        count = removable.count()
        AuditPrune.objects.create(
            chain=key,
            first_retained_sequence=first_retained,
            hash_before=hash_before,
            removed=count,
            pruned_at=timezone.now(),
        )
        removable._raw_delete(removable.db)
        audit_record(
            actor=actor,
            action="audit.trail.pruned",
            organisation=organisation,
            detail={
                "first_retained_sequence": first_retained,
                "removed": count,
                "before": before.isoformat(),
            },
        )
    return PruneResult(count, first_retained)
