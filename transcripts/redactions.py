"""Redactions: the detectors' proposals, the typist's decisions on them, and redactions added
by hand. Offsets count characters (code points) of the utterance's text."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from organisations.models import Membership
from recordings.models import Recording
from transcripts.constants import MANUAL, RedactionKind, RedactionState
from transcripts.detectors import Known, propose
from transcripts.models import Redaction, Transcript, Utterance
from transcripts.policy import TranscriptError, locked_for_editing


def known_for(recording: Recording) -> Known:
    """What the call's metadata says about its people, for the detectors: the customer's
    name, address, postcode and phone number, and the employee's name."""
    names = [recording.customer_name]
    if recording.employee_id:
        names.append(recording.employee.name)
    return Known(
        names=tuple(n.strip() for n in names if n and n.strip()),
        addresses=tuple(a.strip() for a in [recording.customer_address] if a and a.strip()),
        postcodes=tuple(p.strip() for p in [recording.customer_postcode] if p and p.strip()),
        phones=tuple(p.strip() for p in [recording.customer_phone] if p and p.strip()),
    )


def _proposals(utterance: Utterance, known: Known) -> list[Redaction]:
    text = utterance.text
    return [
        Redaction(
            utterance=utterance,
            start=p.start,
            end=p.end,
            kind=p.kind if p.kind in RedactionKind.values else RedactionKind.OTHER,
            detector=p.detector[:40],
        )
        for p in propose(text, known)
        if 0 <= p.start < p.end <= len(text)
    ]


def utterance_repropose(*, utterance: Utterance, known: Known, run: bool = True) -> int:
    """Drop every redaction of the utterance (its text changed: the offsets no longer fit) and,
    with `run`, let the detectors propose again. Returns how many redactions added by hand
    were dropped: the person must add them again where still needed."""
    existing = utterance.redactions.all()
    dropped_manual = existing.filter(detector=MANUAL).exclude(state=RedactionState.REMOVED).count()
    existing.delete()
    if run:
        Redaction.objects.bulk_create(_proposals(utterance, known))
    return dropped_manual


@transaction.atomic
def redactions_propose(
    *, membership: Membership, transcript_id: Any, ip_address: str | None = None
) -> int:
    """Run the detectors over every utterance. A proposal the person already accepted or
    removed keeps that decision; proposals the detectors no longer make are dropped; redactions
    added by hand stay. Returns how many proposals wait for a decision."""
    transcript = locked_for_editing(membership, transcript_id)
    known = known_for(transcript.recording)
    utterances = list(transcript.utterances.prefetch_related("redactions"))
    if not utterances:
        raise TranscriptError(_("Type or import the utterances first."))
    new: list[Redaction] = []
    stale: list[int] = []
    for utterance in utterances:
        proposals = _proposals(utterance, known)
        wanted = {(p.start, p.end, p.kind, p.detector) for p in proposals}
        have = {}
        for redaction in utterance.redactions.all():
            if redaction.detector == MANUAL:
                continue
            key = (redaction.start, redaction.end, redaction.kind, redaction.detector)
            if key in wanted and key not in have:
                have[key] = redaction
            else:
                stale.append(redaction.pk)
        new.extend(p for p in proposals if (p.start, p.end, p.kind, p.detector) not in have)
    Redaction.objects.filter(pk__in=stale).delete()
    Redaction.objects.bulk_create(new)
    transcript.proposed_at = timezone.now()
    transcript.save(update_fields=["proposed_at"])
    waiting = Redaction.objects.filter(
        utterance__transcript=transcript, state=RedactionState.PROPOSED
    ).count()
    audit.record(
        actor=membership.user,
        action="transcripts.redactions.proposed",
        organisation=transcript.organisation,
        target=transcript,
        purpose=transcript.purpose.code,
        detail={"new": len(new), "dropped": len(stale), "waiting": waiting},
        ip_address=ip_address,
    )
    return waiting


def _redaction(transcript: Transcript, redaction_id: Any) -> Redaction:
    try:
        redaction_id = int(redaction_id)
    except (TypeError, ValueError):
        raise TranscriptError(_("No such redaction.")) from None
    redaction = Redaction.objects.filter(pk=redaction_id, utterance__transcript=transcript).first()
    if redaction is None:
        raise TranscriptError(_("No such redaction."))
    return redaction


@transaction.atomic
def redaction_decide(
    *,
    membership: Membership,
    transcript_id: Any,
    redaction_id: Any,
    state: str,
    ip_address: str | None = None,
) -> Redaction:
    """Accept or remove a redaction (a removed one may be accepted again)."""
    transcript = locked_for_editing(membership, transcript_id)
    redaction = _redaction(transcript, redaction_id)
    if state not in (RedactionState.ACCEPTED, RedactionState.REMOVED):
        raise TranscriptError(_("Accept or remove the redaction."))
    if redaction.state == state:
        return redaction  # a second click changes nothing
    redaction.state, redaction.changed_by = state, membership.user
    redaction.save(update_fields=["state", "changed_by", "changed_at"])
    audit.record(
        actor=membership.user,
        action=f"transcripts.redaction.{state}",
        organisation=transcript.organisation,
        target=transcript,
        purpose=transcript.purpose.code,
        detail={
            "utterance": redaction.utterance.position,
            "kind": redaction.kind,
            "detector": redaction.detector,
        },
        ip_address=ip_address,
    )
    return redaction


def span_of(text: str, *, exact: str, occurrence: int) -> tuple[int, int]:
    """The span of the n-th (1-based) occurrence of `exact` in `text` (for pages without
    script: type the text to redact and which occurrence)."""
    if not exact:
        raise TranscriptError(_("Type the exact text to redact."))
    at = -1
    for _n in range(max(1, occurrence)):
        at = text.find(exact, at + 1)
        if at < 0:
            raise TranscriptError(
                _("The utterance does not contain “%(text)s” that often.") % {"text": exact[:60]}
                if occurrence > 1
                else _("The utterance does not contain “%(text)s”.") % {"text": exact[:60]}
            )
    return at, at + len(exact)


@transaction.atomic
def redaction_add(
    *,
    membership: Membership,
    transcript_id: Any,
    utterance_id: Any,
    kind: str,
    start: int | None = None,
    end: int | None = None,
    exact: str = "",
    occurrence: int = 1,
    ip_address: str | None = None,
) -> Redaction:
    """Add a redaction by hand: a span (start, end) chosen by selecting text (the page's script
    fills it in), or else the exact text and which occurrence of it. It may not overlap a
    redaction that hides text already."""
    transcript = locked_for_editing(membership, transcript_id)
    try:
        utterance = transcript.utterances.filter(pk=int(utterance_id)).first()
    except (TypeError, ValueError):
        utterance = None
    if utterance is None:
        raise TranscriptError(_("No such utterance."))
    if kind not in RedactionKind.values:
        raise TranscriptError(_("Choose what kind of personal data it is."))
    text = utterance.text
    chosen = start is not None and end is not None and 0 <= start < end <= len(text)
    if not chosen and exact and exact.strip():
        start, end = span_of(text, exact=exact.strip(), occurrence=occurrence)
    if start is None or end is None or not (0 <= start < end <= len(text)):
        raise TranscriptError(_("Select the text to redact, or type it exactly."))
    # Leading and trailing spaces of a selection are not part of what is hidden.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise TranscriptError(_("Select the text to redact, or type it exactly."))
    overlapping = (
        utterance.redactions.exclude(state=RedactionState.REMOVED)
        .filter(start__lt=end, end__gt=start)
        .exists()
    )
    if overlapping:
        raise TranscriptError(
            _("This text overlaps a redaction already there: remove that one first.")
        )
    redaction = Redaction.objects.create(
        utterance=utterance,
        start=start,
        end=end,
        kind=kind,
        detector=MANUAL,
        state=RedactionState.ACCEPTED,
        changed_by=membership.user,
    )
    audit.record(
        actor=membership.user,
        action="transcripts.redaction.added",
        organisation=transcript.organisation,
        target=transcript,
        purpose=transcript.purpose.code,
        detail={"utterance": utterance.position, "kind": kind},
        ip_address=ip_address,
    )
    return redaction
