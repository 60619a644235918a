"""What every detector shares: the dataclasses of the interface and the text it reads.

Detectors read `searchable(text)`, a copy of the text with the same length in which invisible
or typographic characters are replaced one for one (zero-width and non-breaking spaces become a
plain space, typographic dashes a hyphen), so every offset they find is an offset of the
original text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    """What the call's metadata says about the people in it: the customer's and employee's names,
    the customer's address lines and postcode, phone numbers (E.164), date of birth. Each is
    redacted wherever it occurs in the text, in any casing or spacing people type it."""

    names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    # The customer's date of birth (a date, or ISO "1980-03-12"): found in any written form.
    dates_of_birth: tuple[datetime.date | str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    start: int  # character offset into the text
    end: int  # exclusive
    kind: str  # a transcripts.constants.RedactionKind value
    detector: str  # a code of DETECTORS


_ONE_FOR_ONE = str.maketrans(
    {
        "\u200b": " ",  # zero-width space
        "\u200c": " ",  # zero-width non-joiner
        "\u200d": " ",  # zero-width joiner
        "\u2060": " ",  # word joiner
        "\ufeff": " ",  # byte order mark / zero-width no-break space
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
    }
)


def searchable(text: str) -> str:
    """The text as detectors read it: same length, same offsets, odd characters made plain."""
    return text.translate(_ONE_FOR_ONE)


# A word character of any script, for "not glued to another word" checks.
WORD_CHAR = re.compile(r"\w")


def glued(text: str, start: int, end: int) -> bool:
    """True when the span touches a letter or digit on either side (part of a longer token)."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return bool(WORD_CHAR.match(before) or WORD_CHAR.match(after))
