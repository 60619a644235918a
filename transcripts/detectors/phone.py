"""Phone numbers as people type and say them, validated by `phonenumbers` (region NL).

Finds 06-12345678, 06 12 34 56 78, 020-1234567, (020) 123 45 67, +31 6 12345678,
+31 (0)6 12345678, 0031 6 12345678, 0900/0800 numbers and valid foreign numbers written with
their +country code. Leniency VALID: the number must be a valid number of its country (an order
number "123456", a nine-digit number without its leading 0, a time or a date are not).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from phonenumbers import Leniency, PhoneNumberMatcher

from transcripts.constants import RedactionKind

from .base import Known, Proposal

CODE = "phone"
LABELS = {CODE: _("Phone number (validated)")}

REGION = "NL"


def detect(text: str, known: Known) -> Iterator[Proposal]:
    if not any(ch.isdigit() for ch in text):
        return
    for match in PhoneNumberMatcher(text, REGION, leniency=Leniency.VALID, max_tries=1_000_000):
        yield Proposal(match.start, match.end, RedactionKind.PHONE, CODE)
