"""Reads of the audit trail, one organisation's chain at a time."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditChain, AuditCheckpoint, AuditEvent
from audit.services import chain_key_for
from organisations.models import Organisation

PAGE_SIZE = 50


def audit_events_page(
    *, organisation: Organisation, before_sequence: int | None = None, page_size: int = PAGE_SIZE
) -> tuple[list[AuditEvent], int | None]:
    """Newest first, keyset-paginated on the chain's sequence; returns (events, next cursor)."""
    events: QuerySet[AuditEvent] = AuditEvent.objects.filter(
        chain=chain_key_for(organisation)
    ).order_by("-sequence")
    if before_sequence is not None:
        events = events.filter(sequence__lt=before_sequence)
    page = list(events[: page_size + 1])
    next_cursor = page[page_size - 1].sequence if len(page) > page_size else None
    return page[:page_size], next_cursor


def audit_chain_head(*, organisation: Organisation) -> AuditChain | None:
    return AuditChain.objects.filter(key=chain_key_for(organisation)).first()


def audit_checkpoints_recent(
    *, organisation: Organisation, limit: int = 5
) -> list[AuditCheckpoint]:
    """The newest signed checkpoints of the chain, from the database's copy (display only)."""
    return list(
        AuditCheckpoint.objects.filter(chain=chain_key_for(organisation)).order_by("-signed_at")[
            :limit
        ]
    )
