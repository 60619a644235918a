"""The audit trail. `audit.record(...)` is the one way in."""

from typing import Any


def record(**kwargs: Any) -> Any:
    """Append an event: record(actor=, action=, organisation=, target=, purpose=, detail=)."""
    from audit.services import audit_record

    return audit_record(**kwargs)


def record_many(**kwargs: Any) -> int:
    """Append many events of one action: record_many(actor=, action=, organisation=,
    entries=[(target, detail), ...], purpose=), or with target_model=Model and entries of
    (primary key, detail)."""
    from audit.services import audit_record_many

    return audit_record_many(**kwargs)
