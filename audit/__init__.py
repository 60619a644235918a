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


def checkpoint(*, organisation: Any, kind: str = "purge") -> Any:
    """Sign and store a checkpoint of the organisation's chain head (the purge calls this at
    the end of every run). Raises audit.checkpoints.CheckpointError when it cannot."""
    from audit.checkpoints import checkpoint_write
    from audit.services import chain_key_for

    return checkpoint_write(key=chain_key_for(organisation), kind=kind)
