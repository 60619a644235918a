"""Property: verification against a signed checkpoint detects any single edit, deletion,
insertion or reordering of events, whether or not the writer rechained the events and the head
afterwards with the published canonical form."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.checkpoints import canonical, checkpoint_parse
from audit.hashing import stored_event_hash
from audit.models import GENESIS_HASH
from audit.signing import key_id
from audit.verification import chain_walk

KEY = Ed25519PrivateKey.generate()
KEYS = {key_id(KEY.public_key()): KEY.public_key()}
CHAIN = "organisation:1"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    """What chain_walk reads of a stored AuditEvent."""

    pk: int
    sequence: int
    detail: dict
    created_at: datetime
    previous_hash: str = ""
    hash: str = ""
    chain: str = CHAIN
    organisation_id: int | None = 1
    actor_id: int | None = None
    actor_label: str = ""
    action: str = "auth.signin.succeeded"
    target_type: str = ""
    target_id: str = ""
    purpose: str = ""
    ip_address: str | None = None


@dataclass(frozen=True)
class Head:
    last_sequence: int
    last_hash: str


def _chained(events: list[Event], renumber: bool = True) -> list[Event]:
    """What a writer with the published canonical form produces: numbered and hashed afresh."""
    previous, result = GENESIS_HASH, []
    for number, event in enumerate(events, start=1):
        event = replace(
            event, sequence=number if renumber else event.sequence, previous_hash=previous
        )
        event = replace(event, hash=stored_event_hash(event))
        result.append(event)
        previous = event.hash
    return result


def _chain(length: int) -> list[Event]:
    return _chained(
        [
            Event(pk=n, sequence=n, detail={"n": n}, created_at=START + timedelta(minutes=n))
            for n in range(1, length + 1)
        ]
    )


def _signed_checkpoint(event: Event):
    statement = {
        "chain": CHAIN,
        "kind": "scheduled",
        "last_sequence": event.sequence,
        "last_hash": event.hash,
        "signed_at": (event.created_at + timedelta(minutes=30)).isoformat(),
    }
    line = json.dumps(
        {
            "statement": statement,
            "key_id": key_id(KEY.public_key()),
            "signature": base64.b64encode(KEY.sign(canonical(statement))).decode(),
        }
    )
    checkpoint, _, problem = checkpoint_parse("test:1", line, KEYS)
    assert checkpoint is not None, problem
    return checkpoint


def _verdict(events: list[Event], head: Head, checkpoint) -> bool:
    return chain_walk(key=CHAIN, events=events, head=head, checkpoints=[checkpoint]).ok


@settings(max_examples=150, deadline=None)
@given(length=st.integers(min_value=1, max_value=6), data=st.data())
def test_any_single_change_is_detected(length, data):
    original = _chain(length)
    checkpoint = _signed_checkpoint(original[-1])
    head = Head(length, original[-1].hash)
    assert _verdict(original, head, checkpoint)  # the untouched chain verifies

    kinds = ["edit", "delete", "insert"] + (["reorder"] if length > 1 else [])
    kind = data.draw(st.sampled_from(kinds), label="change")
    events = list(original)
    if kind == "edit":
        at = data.draw(st.integers(0, length - 1), label="at")
        field = data.draw(st.sampled_from(["detail", "action", "created_at", "actor_label"]))
        value = {
            "detail": {"n": -1},
            "action": "auth.signout",
            "created_at": events[at].created_at + timedelta(seconds=1),
            "actor_label": "someone-else",
        }[field]
        events[at] = replace(events[at], **{field: value})
    elif kind == "delete":
        del events[data.draw(st.integers(0, length - 1), label="at")]
    elif kind == "insert":
        # Before an existing event: adding after the last one is an ordinary append.
        at = data.draw(st.integers(0, length - 1), label="at")
        inserted = Event(
            pk=100, sequence=events[at].sequence, detail={"n": 0}, created_at=events[at].created_at
        )
        inserted = replace(inserted, previous_hash=events[at].previous_hash)
        events.insert(at, replace(inserted, hash=stored_event_hash(inserted)))
    else:
        first, second = data.draw(
            st.lists(st.integers(0, length - 1), min_size=2, max_size=2, unique=True), label="swap"
        )
        events[first], events[second] = events[second], events[first]

    rechain = data.draw(st.booleans(), label="rechained head")
    if rechain:
        events = _chained(events)
        head = Head(len(events), events[-1].hash if events else GENESIS_HASH)
    assert not _verdict(events, head, checkpoint)
