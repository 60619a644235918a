"""The canonical form of an event and its hash. Changing this breaks every existing chain."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def event_payload(
    *,
    chain: str,
    sequence: int,
    created_at: datetime,
    organisation_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    purpose: str,
    detail: dict[str, Any],
    ip_address: str | None,
    previous_hash: str,
) -> bytes:
    document = {
        "chain": chain,
        "sequence": sequence,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "organisation": organisation_id,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "purpose": purpose,
        "detail": detail,
        "ip_address": ip_address,
        "previous_hash": previous_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(**fields: Any) -> str:
    return hashlib.sha256(event_payload(**fields)).hexdigest()


def stored_event_hash(event: Any) -> str:
    """Recompute the hash of a stored AuditEvent from its columns."""
    return event_hash(
        chain=event.chain,
        sequence=event.sequence,
        created_at=event.created_at,
        organisation_id=event.organisation_id,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        purpose=event.purpose,
        detail=event.detail,
        ip_address=event.ip_address,
        previous_hash=event.previous_hash,
    )
