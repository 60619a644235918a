"""Walking a chain: every link, every hash, no gaps, and the head agrees with the last event."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from audit.hashing import stored_event_hash
from audit.models import GENESIS_HASH, AuditChain, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events_checked: int
    ok: bool
    broken_event_id: int | None = None
    broken_sequence: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"{self.chain}: {self.events_checked} events, chain intact"
        return (
            f"{self.chain}: broken at event id {self.broken_event_id} "
            f"(sequence {self.broken_sequence}): {self.reason}"
        )


def chain_verify(*, key: str) -> ChainReport:
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    events = AuditEvent.objects.filter(chain=key).order_by("sequence")
    for event in events.iterator(chunk_size=2000):
        problem = ""
        if event.sequence != expected_sequence:
            problem = f"expected sequence {expected_sequence}: an event is missing"
        elif event.previous_hash != previous_hash:
            problem = "its previous-hash does not match the event before it"
        elif stored_event_hash(event) != event.hash:
            problem = "its contents do not match its hash (the row was altered)"
        if problem:
            return ChainReport(key, checked, False, event.pk, event.sequence, problem)
        previous_hash = event.hash
        expected_sequence += 1
        checked += 1
    head = AuditChain.objects.filter(key=key).first()
    if head is not None and (head.last_sequence != checked or head.last_hash != previous_hash):
        return ChainReport(
            key,
            checked,
            False,
            None,
            head.last_sequence,
            f"the chain head expects {head.last_sequence} events but {checked} remain: "
            "events at the end were removed",
        )
    return ChainReport(key, checked, True)


def chains_verify(*, keys: list[str] | None = None) -> list[ChainReport]:
    """Verify the given chains (default: all) and stamp each head with the result."""
    if keys is None:
        keys = sorted(
            set(AuditChain.objects.values_list("key", flat=True))
            | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
        )
    reports = [chain_verify(key=key) for key in keys]
    now = timezone.now()
    for report in reports:
        AuditChain.objects.filter(key=report.chain).update(
            last_verified_at=now, last_verified_ok=report.ok
        )
    return reports
