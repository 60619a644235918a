"""Writing to the audit trail. audit.record() is the one way in."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from audit.catalogue import EVENTS
from audit.hashing import batch_hasher, event_hash
from audit.models import SYSTEM_CHAIN, AuditChain, AuditEvent

# Detail keys that would copy a customer's personal data into a trail that outlives the audio.
_FORBIDDEN_DETAIL_KEYS = frozenset(
    {
        "phone",
        "phone_number",
        "caller",
        "customer_name",
        "name",
        "bsn",
        "address",
        "postcode",
        "email",
        "date_of_birth",
        "birth_date",
    }
)
# Runs of nine or more digits (a BSN, a phone number) in any detail value.
_LONG_NUMBER = re.compile(r"\d[\d\s\-]{7,}\d")
# What may look like a long number but identifies no person: UUIDs, SHA-256 digests and ISO
# timestamps. They are taken out before the long-number check.
_MACHINE_VALUE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\b[0-9a-f]{64}\b"
    r"|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?",
    re.IGNORECASE,
)


class AuditDetailError(ValueError):
    """The detail of an event would carry personal data or cannot be stored as JSON."""


def chain_key_for(organisation: Any | None) -> str:
    return f"organisation:{organisation.pk}" if organisation is not None else SYSTEM_CHAIN


def _check_detail(detail: dict[str, Any]) -> dict[str, Any]:
    return _check_details([detail])[0]


def _check_details(details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each detail as stored (plain JSON), or AuditDetailError. One JSON round trip for all:
    the purge checks thousands of details a batch."""
    try:
        normalised = json.loads(json.dumps(details))
    except (TypeError, ValueError) as exc:
        raise AuditDetailError(f"audit detail must be plain JSON: {exc}") from exc
    for detail in normalised:
        _refuse_personal_data(detail)
    return normalised


def _refuse_personal_data(value: Any, key: str = "") -> None:
    if key.lower() in _FORBIDDEN_DETAIL_KEYS:
        raise AuditDetailError(f"audit detail may not carry {key!r}; name the target by id")
    if isinstance(value, dict):
        for child_key, child in value.items():
            _refuse_personal_data(child, str(child_key))
    elif isinstance(value, list):
        for child in value:
            _refuse_personal_data(child, key)
    elif (
        isinstance(value, str)
        # The cheap search first: most values hold no long run of digits at all.
        and _LONG_NUMBER.search(value)
        and not _MACHINE_VALUE.fullmatch(value)
        and _LONG_NUMBER.search(_MACHINE_VALUE.sub("", value))
    ):
        raise AuditDetailError(
            f"audit detail {key!r} holds a long number (phone number or BSN?); use ids"
        )


def _locked_head(key: str) -> AuditChain:
    try:
        return AuditChain.objects.select_for_update().get(key=key)
    except AuditChain.DoesNotExist:
        try:
            with transaction.atomic():
                AuditChain.objects.create(key=key)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        return AuditChain.objects.select_for_update().get(key=key)


def audit_record(
    *,
    actor: Any | None,
    action: str,
    organisation: Any | None,
    target: models.Model | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to its organisation's chain, in the caller's transaction."""
    if action not in EVENTS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit/catalogue.py")
    detail = _check_detail(detail or {})
    key = chain_key_for(organisation)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_label = actor.get_username() if actor_id is not None else ""
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    with transaction.atomic():
        head = _locked_head(key)
        fields = {
            "chain": key,
            "sequence": head.last_sequence + 1,
            "created_at": timezone.now(),
            "organisation_id": organisation.pk if organisation is not None else None,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "purpose": purpose or "",
            "detail": detail,
            "ip_address": ip_address,
            "previous_hash": head.last_hash,
        }
        digest = event_hash(**fields)
        event = AuditEvent.objects.create(hash=digest, **fields)
        head.last_sequence = event.sequence
        head.last_hash = digest
        head.save(update_fields=["last_sequence", "last_hash"])
    return event


def audit_record_many(
    *,
    actor: Any | None,
    action: str,
    organisation: Any,
    entries: list[tuple[Any, dict[str, Any]]],
    purpose: str = "",
    target_model: type[models.Model] | None = None,
) -> int:
    """Append one event per (target, detail) in a single locked pass over the chain head:
    the same events, hashes and order as calling audit_record for each, at batch speed (the
    purge writes an event per erased recording). With `target_model`, each target is given
    by its primary key instead of an instance."""
    if action not in EVENTS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit/catalogue.py")
    if not entries:
        return 0
    key = chain_key_for(organisation)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_label = actor.get_username() if actor_id is not None else ""
    if target_model is not None:
        targets = [(target_model._meta.label_lower, str(pk)) for pk, _ in entries]
    else:
        targets = [(target._meta.label_lower, str(target.pk)) for target, _ in entries]
    details = _check_details([detail or {} for _, detail in entries])
    with transaction.atomic():
        head = _locked_head(key)
        sequence, previous = head.last_sequence, head.last_hash
        shared = {
            "chain": key,
            "created_at": timezone.now(),
            "organisation_id": organisation.pk,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "purpose": purpose,
            "ip_address": None,
        }
        hashers: dict[str, Callable] = {}
        events = []
        for (target_type, target_id), detail in zip(targets, details, strict=True):
            sequence += 1
            if target_type not in hashers:
                hashers[target_type] = batch_hasher(target_type=target_type, **shared)
            digest = hashers[target_type](sequence, target_id, detail, previous)
            events.append(
                {
                    **shared,
                    "sequence": sequence,
                    "target_type": target_type,
                    "target_id": target_id,
                    "detail": detail,
                    "previous_hash": previous,
                    "hash": digest,
                }
            )
            previous = digest
        _insert_events(events)
        head.last_sequence, head.last_hash = sequence, previous
        head.save(update_fields=["last_sequence", "last_hash"])
    return len(events)


_COPY_COLUMNS = [
    "chain",
    "sequence",
    "created_at",
    "organisation_id",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "purpose",
    "detail",
    "ip_address",
    "previous_hash",
    "hash",
]


def _insert_events(events: list[dict[str, Any]]) -> None:
    """Insert many events: PostgreSQL's COPY where available (an order of magnitude faster
    than a multi-row INSERT for the purge's thousands of events), bulk_create elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([AuditEvent(**row) for row in events], batch_size=500)
        return
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _COPY_COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in events:
            copy.write_row(
                [json.dumps(row[name]) if name == "detail" else row[name] for name in _COPY_COLUMNS]
            )
