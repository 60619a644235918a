"""BSN (burgerservicenummer): nine digits that pass the elfproef (python-stdnum).

People type and say them grouped: "123456782", "123 456 782", "123.456.782", "1234 56 782".
A nine-digit number that fails the elfproef is not proposed, nor are nine digits inside a longer
number (a phone number, an IBAN, an order number of ten digits).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from stdnum.nl import bsn as stdnum_bsn

from transcripts.constants import RedactionKind

from .base import Known, Proposal

CODE = "bsn"
LABELS = {CODE: _("BSN (elfproef)")}

# Nine ASCII digits, at most one space, dot or hyphen between two of them, and no digit (or
# separator plus digit) on either side.
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][ .\-])(?:[0-9][ .\-]?){8}[0-9](?![0-9A-Za-z])(?![ .\-][0-9])"
)


def detect(text: str, known: Known) -> Iterator[Proposal]:
    for match in _CANDIDATE.finditer(text):
        digits = re.sub(r"[^0-9]", "", match.group())
        if len(digits) == 9 and stdnum_bsn.is_valid(digits):
            yield Proposal(match.start(), match.end(), RedactionKind.BSN, CODE)
