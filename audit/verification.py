"""Walking a chain: every link, every hash, no gaps, the head agrees with the last event, and
the events agree with every signed checkpoint of the chain (read from the file store, never
from the database)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from audit.checkpoints import Checkpoint, CheckpointSet, checkpoints_load, translated
from audit.hashing import stored_event_hash
from audit.models import GENESIS_HASH, AuditChain, AuditEvent

CHECKPOINT_STORE = "checkpoints"  # the report's name for problems of the store itself


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events_checked: int
    ok: bool
    broken_event_id: int | None = None
    broken_sequence: int | None = None
    reason: str = ""
    # The newest signed checkpoint the chain was found to agree with.
    checkpoint: Checkpoint | None = None
    # The reason as an English message with its parameters, translated where a page shows it
    # (the command and the logs keep the English `reason`).
    message: tuple[str, tuple[tuple[str, Any], ...]] = ("", ())
    # Problems of the checkpoints themselves (forged, unreadable), each translatable.
    problems: tuple[str, ...] = ()

    def reason_translated(self) -> str:
        """The reason in the active language (the audit-trail page)."""
        if self.problems:
            return "; ".join(translated(problem) for problem in self.problems)
        text, params = self.message
        if not text:
            return self.reason
        return gettext(text) % dict(params)

    def problem_translated(self) -> str:
        """What broke, in the active language, without the chain's key (a page shows one)."""
        if self.broken_sequence is None:
            return self.reason_translated()
        return gettext("broken at event %(sequence)s: %(reason)s") % {
            "sequence": self.broken_sequence,
            "reason": self.reason_translated(),
        }

    def describe(self) -> str:
        if self.ok:
            if self.checkpoint is None:
                signed = "no signed checkpoint yet"
            else:
                signed = (
                    f"agrees with the signed checkpoint of {self.checkpoint.when()} "
                    f"(sequence {self.checkpoint.last_sequence})"
                )
            return f"{self.chain}: {self.events_checked} events, chain intact, {signed}"
        if self.broken_event_id is None:
            return f"{self.chain}: {self.reason}"
        return (
            f"{self.chain}: broken at event id {self.broken_event_id} "
            f"(sequence {self.broken_sequence}): {self.reason}"
        )


def _why(text: str, **params: Any) -> dict[str, Any]:
    """A reason in English (`reason`) and as a message to translate (`message`)."""
    return {"reason": text % params, "message": (text, tuple(params.items()))}


def chain_walk(
    *,
    key: str,
    events: Iterable[Any],
    head: Any | None,
    checkpoints: list[Checkpoint],
    problems: Sequence[str] = (),
) -> ChainReport:
    """The verdict on one chain: its events in sequence order, its head (None if absent) and
    its verified checkpoints. Pure: the property tests feed it events held in memory."""
    if problems:
        return ChainReport(key, 0, False, reason="; ".join(problems), problems=tuple(problems))
    checkpoints = _not_superseded(checkpoints)
    vouched: dict[int, list[Checkpoint]] = defaultdict(list)
    for checkpoint in checkpoints:
        vouched[checkpoint.last_sequence].append(checkpoint)
    prunes = {
        c.first_retained_sequence: c for c in checkpoints if c.first_retained_sequence is not None
    }
    newest = max(checkpoints, key=lambda c: (c.last_sequence, c.signed_at), default=None)
    agreed: Checkpoint | None = None
    checked, expected, previous_hash = 0, None, GENESIS_HASH

    def broken(event: Any, text: str, **params: Any) -> ChainReport:
        return ChainReport(key, checked, False, event.pk, event.sequence, **_why(text, **params))

    for event in events:
        if expected is None:
            if event.sequence in prunes and event.sequence != 1:
                agreed = prunes[event.sequence]
                previous_hash = agreed.hash_before_first_retained
            elif event.sequence != 1:
                return broken(
                    event,
                    gettext_noop(
                        "events 1 to %(last)s are missing and no signed prune checkpoint covers "
                        "them: they were removed outside prune_audit"
                    ),
                    last=event.sequence - 1,
                )
        elif event.sequence != expected:
            return broken(
                event,
                gettext_noop("expected sequence %(expected)s: an event is missing"),
                expected=expected,
            )
        if event.previous_hash != previous_hash:
            return broken(
                event, gettext_noop("its previous-hash does not match the event before it")
            )
        if stored_event_hash(event) != event.hash:
            return broken(
                event, gettext_noop("its contents do not match its hash (the row was altered)")
            )
        for checkpoint in vouched.get(event.sequence, ()):
            if checkpoint.last_hash != event.hash:
                return broken(
                    event,
                    gettext_noop(
                        "it differs from the signed checkpoint of %(when)s (%(source)s): the "
                        "chain was rewritten at or before this event"
                    ),
                    when=checkpoint.when(),
                    source=checkpoint.source,
                )
            agreed = checkpoint
        previous_hash, expected = event.hash, event.sequence + 1
        checked += 1

    if expected is None:
        if newest is not None:
            return ChainReport(
                key,
                0,
                False,
                broken_sequence=newest.last_sequence,
                **_why(
                    gettext_noop(
                        "no events remain, but the signed checkpoint of %(when)s (%(source)s) "
                        "vouches for %(sequence)s: the chain was wiped"
                    ),
                    when=newest.when(),
                    source=newest.source,
                    sequence=newest.last_sequence,
                ),
            )
        if head is not None and head.last_sequence:
            return ChainReport(
                key,
                0,
                False,
                broken_sequence=head.last_sequence,
                **_why(
                    gettext_noop(
                        "the chain head expects %(sequence)s events but none remain: events "
                        "were removed"
                    ),
                    sequence=head.last_sequence,
                ),
            )
        return ChainReport(key, 0, True)
    last = expected - 1
    if newest is not None and newest.last_sequence > last:
        return ChainReport(
            key,
            checked,
            False,
            broken_sequence=newest.last_sequence,
            **_why(
                gettext_noop(
                    "the chain ends at sequence %(last)s, but the signed checkpoint of %(when)s "
                    "(%(source)s) vouches for sequence %(sequence)s: events at the end were "
                    "removed or the chain was rolled back"
                ),
                last=last,
                when=newest.when(),
                source=newest.source,
                sequence=newest.last_sequence,
            ),
        )
    if head is None:
        return ChainReport(key, checked, False, **_why(gettext_noop("the chain head is missing")))
    if head.last_sequence != last or head.last_hash != previous_hash:
        return ChainReport(
            key,
            checked,
            False,
            broken_sequence=head.last_sequence,
            **_why(
                gettext_noop(
                    "the chain head says sequence %(sequence)s but the last event is %(last)s: "
                    "events at the end were removed or the head was altered"
                ),
                sequence=head.last_sequence,
                last=last,
            ),
        )
    return ChainReport(key, checked, True, checkpoint=agreed)


def _not_superseded(checkpoints: list[Checkpoint]) -> list[Checkpoint]:
    """Without the checkpoints a later signed restore checkpoint set aside: those signed before
    it that vouch for sequences past the restored head (events the restore lost)."""
    restores = [c for c in checkpoints if c.restored_sequence is not None]
    return [
        c
        for c in checkpoints
        if not any(
            c.signed_at < r.signed_at and c.last_sequence > r.restored_sequence for r in restores
        )
    ]


def chain_verify(*, key: str, loaded: CheckpointSet | None = None) -> ChainReport:
    if loaded is None:
        loaded = checkpoints_load()
    events = AuditEvent.objects.filter(chain=key).order_by("sequence")
    return chain_walk(
        key=key,
        events=events.iterator(chunk_size=2000),
        head=AuditChain.objects.filter(key=key).first(),
        checkpoints=loaded.by_chain.get(key, []),
        problems=[problem for chain, problem in loaded.problems if chain == key],
    )


def chains_verify(
    *, keys: list[str] | None = None, checkpoint_files: Iterable[Path] = ()
) -> list[ChainReport]:
    """Verify the given chains (default: all, including chains known only from their signed
    checkpoints) and stamp each head with the result."""
    loaded = checkpoints_load(extra=checkpoint_files)
    if keys is None:
        keys = sorted(
            set(AuditChain.objects.values_list("key", flat=True))
            | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
            | set(loaded.by_chain)
            | {chain for chain, _ in loaded.problems if chain is not None}
        )
    reports = [chain_verify(key=key, loaded=loaded) for key in keys]
    unattributed = [problem for chain, problem in loaded.problems if chain is None]
    if unattributed:
        reports.append(
            ChainReport(
                CHECKPOINT_STORE,
                0,
                False,
                reason="; ".join(unattributed),
                problems=tuple(unattributed),
            )
        )
    now = timezone.now()
    for report in reports:
        if report.chain == CHECKPOINT_STORE:
            continue
        # Stored in the installation's language: the audit-trail page shows it.
        with translation.override(settings.LANGUAGE_CODE):
            problem = report.problem_translated()
            unattributed_text = "; ".join(translated(problem) for problem in unattributed)
        AuditChain.objects.filter(key=report.chain).update(
            last_verified_at=now,
            last_verified_ok=report.ok and not unattributed,
            last_verified_problem=problem if not report.ok else unattributed_text,
            last_verified_checkpoint_sequence=(
                report.checkpoint.last_sequence if report.checkpoint else None
            ),
            last_verified_checkpoint_at=report.checkpoint.signed_at if report.checkpoint else None,
        )
    return reports
