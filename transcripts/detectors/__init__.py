"""Redaction proposals for a typed transcript: validated detectors, not loose patterns.

`propose(text, known)` returns the spans of `text` that look like personal data, each with the
kind of data and the code of the detector that found it (shown to the user beside the proposal).
The user accepts, removes or adds redactions; nothing here changes a transcript.

(Interface fixed by the lead; the detectors are filled in by transcripts/detectors/*.py.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    """What the call's metadata says about the people in it: the customer's and employee's names,
    the customer's address lines and postcode, phone numbers (E.164). Each is redacted wherever
    it occurs in the text, in any casing or spacing people type it."""

    names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    start: int  # character offset into the text
    end: int  # exclusive
    kind: str  # a transcripts.constants.RedactionKind value
    detector: str  # a code of DETECTORS


# Detector code -> label shown to the user. Filled in by the detector modules.
DETECTORS: dict[str, str] = {}


def propose(text: str, known: Known | None = None) -> list[Proposal]:
    """Proposals sorted by start, never overlapping (overlaps are merged into the longer span)."""
    return []
