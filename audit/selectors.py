"""Reads of the audit trail, one organisation's chain at a time."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q, QuerySet

from audit.models import AuditChain, AuditCheckpoint, AuditEvent
from audit.services import chain_key_for
from organisations.models import Organisation

PAGE_SIZE = 50


def audit_events_page(
    *,
    organisation: Organisation,
    before_sequence: int | None = None,
    page_size: int = PAGE_SIZE,
    condition: Q | None = None,
) -> tuple[list[AuditEvent], int | None]:
    """Newest first, keyset-paginated on the chain's sequence; returns (events, next cursor).
    `condition` (the page's filters) narrows the organisation's own chain, never widens it."""
    events: QuerySet[AuditEvent] = AuditEvent.objects.filter(
        chain=chain_key_for(organisation)
    ).order_by("-sequence")
    if condition is not None:
        events = events.filter(condition)
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


def audit_events_export(
    *, organisation: Organisation, condition: Q, up_to_sequence: int
) -> Iterator[AuditEvent]:
    """Every event of the organisation's chain that matches, oldest first, in chunks (an
    export of the whole trail must not hold it in memory); none after `up_to_sequence`."""
    events = AuditEvent.objects.filter(
        condition, chain=chain_key_for(organisation), sequence__lte=up_to_sequence
    ).order_by("sequence")
    return events.iterator(chunk_size=2000)
