"""Verification started from the audit-trail page. Walking a chain takes some 8 seconds per
100,000 events (measured on PostgreSQL), so a big organisation's trail is verified by a task;
the page shows that it runs and, once done, the result stamped on the chain head."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditChain
from audit.services import chain_key_for

# A request older than this is taken as lost (a worker that died): it may be started again.
STALE_AFTER = timedelta(minutes=30)


def chain_verification_request(*, organisation: Any) -> bool:
    """Queue a verification of the organisation's chain; False if one is already waiting or
    running (a second click starts nothing)."""
    from audit.tasks import verify_organisation_chain

    now = timezone.now()
    claimed = (
        AuditChain.objects.filter(key=chain_key_for(organisation))
        .filter(
            Q(verification_requested_at__isnull=True)
            | Q(verification_requested_at__lt=now - STALE_AFTER)
        )
        .update(verification_requested_at=now)
    )
    if claimed:
        organisation_id = organisation.pk
        transaction.on_commit(lambda: verify_organisation_chain.delay(organisation_id))
    return bool(claimed)


def chain_verification_pending(head: AuditChain | None) -> bool:
    return bool(
        head is not None
        and head.verification_requested_at is not None
        and head.verification_requested_at >= timezone.now() - STALE_AFTER
    )
