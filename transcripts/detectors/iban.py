"""IBAN with valid check digits (python-stdnum), with or without spaces, in any case.

"NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "nl91abna0417164300". An IBAN-shaped string whose
check digits are wrong is not proposed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban

from transcripts.constants import RedactionKind

from .base import Known, Proposal

CODE = "iban"
LABELS = {CODE: _("IBAN (check digits)")}

# Country code and check digits, then up to 30 letters/digits with single spaces or hyphens.
_START = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}")
_ALNUM = re.compile(r"[0-9A-Za-z]")
_MIN_LENGTH, _MAX_LENGTH = 15, 34


def _alnum_ends(text: str, start: int) -> list[int]:
    """Offsets just after each letter/digit of the run that starts at `start`."""
    ends, position, count = [], start, 0
    while position < len(text) and count < _MAX_LENGTH:
        char = text[position]
        if _ALNUM.match(char):
            count += 1
            position += 1
            ends.append(position)
        elif char in " -" and position + 1 < len(text) and _ALNUM.match(text[position + 1]):
            position += 1
        else:
            break
    return ends


def detect(text: str, known: Known) -> Iterator[Proposal]:
    for match in _START.finditer(text):
        ends = _alnum_ends(text, match.start())
        # Longest valid candidate that ends at a word boundary.
        for end in reversed(ends[_MIN_LENGTH - 1 :]):
            if end < len(text) and _ALNUM.match(text[end]):
                continue
            if stdnum_iban.is_valid(text[match.start() : end]):
                yield Proposal(match.start(), end, RedactionKind.IBAN, CODE)
                break
