"""The anonymised text: every redacted span replaced by its kind in brackets, "[NAAM]"."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from transcripts.constants import RedactionKind, RedactionState

PLACEHOLDERS = {
    RedactionKind.NAME: _("NAME"),
    RedactionKind.ADDRESS: _("ADDRESS"),
    RedactionKind.POSTCODE: _("POSTCODE"),
    RedactionKind.PHONE: _("PHONE NUMBER"),
    RedactionKind.EMAIL: _("E-MAIL ADDRESS"),
    RedactionKind.BSN: _("BSN"),
    RedactionKind.IBAN: _("IBAN"),
    RedactionKind.DATE_OF_BIRTH: _("DATE OF BIRTH"),
    RedactionKind.OTHER: _("PERSONAL DATA"),
}
# Redactions that hide their span: a proposal nobody has looked at yet hides it too (the safe
# side); only a removed one shows the text again.
HIDING = (RedactionState.PROPOSED, RedactionState.ACCEPTED)


def placeholder(kind: str) -> str:
    return f"[{PLACEHOLDERS.get(kind, PLACEHOLDERS[RedactionKind.OTHER])}]"


def merged_spans(redactions: Iterable) -> list[tuple[int, int, str]]:
    """The hiding redactions as (start, end, kind), overlapping ones merged (the first kind)."""
    spans = sorted(
        (r.start, r.end, r.kind) for r in redactions if r.state in HIDING and r.end > r.start
    )
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            previous = merged[-1]
            merged[-1] = (previous[0], max(previous[1], end), previous[2])
        else:
            merged.append((start, end, kind))
    return merged


def anonymised(text: str, redactions: Iterable, language: str | None = None) -> str:
    """`text` with each hiding redaction replaced by its placeholder, in `language` (the page's
    when None)."""
    with translation.override(language) if language else contextlib.nullcontext():
        parts, at = [], 0
        for start, end, kind in merged_spans(redactions):
            parts.append(text[at:start])
            parts.append(placeholder(kind))
            at = max(at, end)
        parts.append(text[at:])
        return "".join(parts)


def highlighted(text: str, redactions: Iterable) -> list[dict]:
    """The text cut into pieces for the review page: plain pieces and redacted ones (with the
    redaction), in order. Overlapping redactions show as one mark of the first."""
    pieces: list[dict] = []
    at = 0
    active = sorted(
        (r for r in redactions if r.state != RedactionState.REMOVED),
        key=lambda r: (r.start, -r.end),
    )
    for redaction in active:
        if redaction.start < at:
            continue
        if redaction.start > at:
            pieces.append({"text": text[at : redaction.start]})
        pieces.append({"text": text[redaction.start : redaction.end], "redaction": redaction})
        at = redaction.end
    if at < len(text):
        pieces.append({"text": text[at:]})
    return pieces
