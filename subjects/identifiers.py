"""A request's identifiers: from what the privacy officer or the public form was given to
SubjectIdentifier rows (a keyed digest for the search, and what the page may show)."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from recordings import identifiers as ids
from subjects.constants import IdentifierKind


@dataclass(frozen=True)
class GivenIdentifier:
    kind: str
    digest: str
    display: str


def _phone_display(e164: str) -> str:
    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def identifier_given(kind: str, value: str) -> GivenIdentifier | None:
    """None for an empty value; IdentifierError (with the reason) for an invalid phone or BSN."""
    text = (value or "").strip()
    if not text:
        return None
    normalised = ids.NORMALISERS[kind](text)
    if not normalised:
        return None
    if kind == IdentifierKind.PHONE:
        display = _phone_display(normalised)
    elif kind == IdentifierKind.BSN:
        # Only the last three digits are ever shown again.
        display = "******" + normalised[-3:]
    elif kind == IdentifierKind.EMAIL:
        display = normalised
    else:
        display = " ".join(text.split())[:200]
    return GivenIdentifier(kind, ids.digest_normalised(kind, normalised), display)


def split_values(text: str) -> list[str]:
    """Several values in one field: one per line, or separated by commas or semicolons."""
    for separator in (";", ","):
        text = text.replace(separator, "\n")
    return [part.strip() for part in text.splitlines() if part.strip()]
