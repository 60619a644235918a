"""The audit trail. `audit.record(...)` is the one way in."""

from typing import Any


def record(**kwargs: Any) -> Any:
    """Append an event: record(actor=, action=, organisation=, target=, purpose=, detail=)."""
    from audit.services import audit_record

    return audit_record(**kwargs)
