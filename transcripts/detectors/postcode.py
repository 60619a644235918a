"""Dutch postcodes: "1234 AB", "1234AB", "1234ab", "postcode 1234 ab".

Valid shape: four digits not starting with 0, then two letters that are not SA, SD or SS.
Deliberately not proposed, because a postcode's shape is common in other things people say:
- anything glued to a letter, digit or hyphenated part: "1234AB-7", "X-1234AB", "12345AB";
- a product, model or size: the word before it is "type", "model", "artikel", "art.", "maat",
  "serie", "code"... ("type 2000XL", "artikel 1234AB");
- a quantity with a unit: "1500 kg", "2000ml", "1200 GB", "1000 km";
- a year and an abbreviation: "sinds 2019 BV", "in 2024 NL" (years 1900-2099 only);
- four digits, a space and two lowercase letters ("in 2024 is", "1980 en") unless the word
  "postcode" comes just before it; "1234 AB" (capitals) and "1234ab" (glued) are found anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from transcripts.constants import RedactionKind

from .base import Known, Proposal

CODE = "postcode"
LABELS = {CODE: _("Postcode (1234 AB)")}

_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9A-Za-z]-)"  # not glued to a word, nor "X-1234AB"
    r"(?P<digits>[1-9][0-9]{3})(?P<space>[ ]?)(?P<letters>[A-Za-z]{2})"
    r"(?![0-9A-Za-z])(?!-[0-9A-Za-z])"  # not "1234ABC", not "1234AB-7"
)
_EXCLUDED_LETTERS = {"SA", "SD", "SS"}
_UNITS = {
    # quantities and sizes that look like postcode letters
    "KM", "CM", "MM", "DM", "KG", "MG", "ML", "CL", "DL", "GB", "MB", "KB", "TB", "PK", "CC",
    "KW", "MW", "GW", "HZ", "XL", "XS", "LB", "OZ", "PC", "CT",
}  # fmt: skip
_ABBREVIATIONS = {
    "BV", "NV", "NL", "EU", "VS", "US", "UK", "TV", "OK", "ID", "AI", "IT", "EK", "WK",
    "PM", "AM", "CV", "HR",
}  # fmt: skip
_PRODUCT_WORDS = {
    "type", "model", "modelnummer", "artikel", "artikelnummer", "art", "article", "product",
    "productcode", "code", "serie", "series", "versie", "version", "maat", "size", "nr",
    "nummer", "onderdeel", "part", "sku", "ean", "bestelnummer", "ordernummer", "order",
}  # fmt: skip
_POSTCODE_WORD = re.compile(r"post\s?code(?:\s+(?:is|was|wordt))?\s*[:=]?\s*$", re.IGNORECASE)
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[.:#]?\s*$")


def _previous_word(text: str, start: int) -> str:
    match = _PREVIOUS_WORD.search(text[max(0, start - 40) : start])
    return match.group(1).lower() if match else ""


def detect(text: str, known: Known) -> Iterator[Proposal]:
    for match in _CANDIDATE.finditer(text):
        letters = match.group("letters")
        if letters.upper() in _EXCLUDED_LETTERS:
            continue
        after_postcode_word = bool(
            _POSTCODE_WORD.search(text[max(0, match.start() - 20) : match.start()])
        )
        if not after_postcode_word:
            if letters.upper() in _UNITS or _previous_word(text, match.start()) in _PRODUCT_WORDS:
                continue
            if match.group("digits")[:2] in ("19", "20") and letters.upper() in _ABBREVIATIONS:
                continue  # a year and an abbreviation: "sinds 2019 BV", "in 2024 NL"
            if match.group("space") and not letters.isupper():
                continue
        yield Proposal(match.start(), match.end(), RedactionKind.POSTCODE, CODE)
