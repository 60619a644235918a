"""Redaction proposals for a typed transcript: validated detectors, not loose patterns.

`propose(text, known)` returns the spans of `text` that look like personal data, each with the
kind of data and the code of the detector that found it (shown to the user beside the proposal).
The user accepts, removes or adds redactions; nothing here changes a transcript.

Each detector is a small module with `LABELS` (code -> label) and `detect(text, known)`:
bsn, phone, iban, email, postcode, date_of_birth (validated), known (the call's metadata) and
deduce_text (names and streets in free text, with the deduce library). See each module's
docstring for what it finds and what it deliberately leaves alone.

Overlaps: proposals that overlap (share at least one character) become one proposal covering
all of them. Its kind and detector are those of one proposal among them: a validated or known
detector before deduce's lookups; among those the longest span (a phone number before a BSN-like
run of digits inside it, an e-mail address before the name inside it); at equal length the
order of SPECIFICITY below (the call's own metadata first). So "meneer Pieter van der Berg"
(deduce) over "Pieter van der Berg" (known) is one NAME span named "known-name".
Proposals that only touch stay apart.
"""

from __future__ import annotations

from . import bsn, date_of_birth, deduce_text, email, iban, known, phone, postcode
from .base import Known, Proposal, searchable

__all__ = ["DETECTORS", "Known", "Proposal", "propose"]

_MODULES = (known, email, iban, bsn, phone, postcode, date_of_birth, deduce_text)

# Detector code -> label shown to the user. Filled in by the detector modules.
DETECTORS: dict[str, str] = {}
for _module in _MODULES:
    DETECTORS.update(_module.LABELS)

# Most specific first: which proposal names a merged span.
SPECIFICITY = [
    known.PHONE_CODE,
    known.POSTCODE_CODE,
    known.NAME_CODE,
    known.ADDRESS_CODE,
    date_of_birth.KNOWN_CODE,
    email.CODE,
    iban.CODE,
    bsn.CODE,
    phone.CODE,
    date_of_birth.CODE,
    postcode.CODE,
    deduce_text.ADDRESS_CODE,
    deduce_text.NAME_CODE,
    deduce_text.PLACE_CODE,
]
_RANK = {code: rank for rank, code in enumerate(SPECIFICITY)}


_FROM_LOOKUPS = {deduce_text.ADDRESS_CODE, deduce_text.NAME_CODE, deduce_text.PLACE_CODE}


def _preference(proposal: Proposal) -> tuple[bool, int, int, int]:
    return (
        proposal.detector in _FROM_LOOKUPS,
        -(proposal.end - proposal.start),
        _RANK.get(proposal.detector, len(_RANK)),
        proposal.start,
    )


def _preferred(a: Proposal, b: Proposal) -> Proposal:
    return a if _preference(a) <= _preference(b) else b


def _merge(proposals: list[Proposal]) -> list[Proposal]:
    merged: list[Proposal] = []
    start = end = 0
    best: Proposal | None = None
    for proposal in sorted(proposals, key=lambda p: (p.start, -p.end)):
        if best is not None and proposal.start < end:
            end = max(end, proposal.end)
            best = _preferred(best, proposal)
            continue
        if best is not None:
            merged.append(Proposal(int(start), int(end), best.kind, best.detector))
        start, end, best = proposal.start, proposal.end, proposal
    if best is not None:
        merged.append(Proposal(int(start), int(end), best.kind, best.detector))
    return merged


def propose(text: str, known: Known | None = None) -> list[Proposal]:
    """Proposals sorted by start, never overlapping (overlapping ones are merged into one span
    covering them, named after the most specific of them: see the module docstring)."""
    if not text or not text.strip():
        return []
    known = known or Known()
    plain = searchable(text)
    found = [
        proposal
        for module in _MODULES
        for proposal in module.detect(plain, known)
        if 0 <= proposal.start < proposal.end <= len(text)
    ]
    return _merge(found)
