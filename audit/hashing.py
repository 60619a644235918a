"""The canonical form of an event and its hash. Changing this breaks every existing chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
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
    return _canonical(document).encode()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(**fields: Any) -> str:
    return hashlib.sha256(event_payload(**fields)).hexdigest()


def batch_hasher(
    *,
    chain: str,
    created_at: datetime,
    organisation_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    purpose: str,
    ip_address: str | None,
) -> Callable[[int, str, dict[str, Any], str], str]:
    """event_hash for many events that differ only in sequence, target id, detail and previous
    hash (the purge's batches): the same bytes as event_payload, with the fields they share
    serialised once. The keys below are event_payload's in sorted order."""
    shared = {
        "action": action,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "chain": chain,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "ip_address": ip_address,
        "organisation": organisation_id,
        "purpose": purpose,
        "target_type": target_type,
    }

    def part(*keys: str) -> str:
        return "".join(f"{_canonical(key)}:{_canonical(shared[key])}," for key in keys)

    head = "{" + part("action", "actor_id", "actor_label", "chain", "created_at") + '"detail":'
    middle = "," + part("ip_address", "organisation") + '"previous_hash":'
    after_previous = "," + part("purpose") + '"sequence":'
    tail = "," + part("target_type")[:-1] + "}"

    def event_hash_of(sequence: int, target_id: str, detail: dict[str, Any], previous: str) -> str:
        payload = (
            f"{head}{_canonical(detail)}{middle}{_canonical(previous)}{after_previous}"
            f'{sequence},"target_id":{_canonical(target_id)}{tail}'
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    return event_hash_of


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
