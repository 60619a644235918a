"""The people and places the call's metadata names (`Known`), wherever the text mentions them.

- Names: the full name and its parts: the surname with its tussenvoegsel ("van der Berg", also
  after initials: "P. van der Berg"), the bare surname ("Berg"), each first name of at least two
  letters. The full name matches in any casing and with any whitespace between its words; a
  part only when its name word is written with a capital ("Berg", "Jan", "de Boer", "DE BOER"),
  so "berg", "jan" or "de boer" in lowercase text (a mountain, a farmer) stays. A name that is
  also a month ("Jan", "Mei") is not proposed inside a date ("1 Jan 2026").
- Addresses: each line and each comma-separated part of it, in any casing and spacing ("Kerkstraat
  12a", "kerkstraat 12 A", "Kerkstraat 12-a"), and its words of four letters or more on their own
  (the street "Kerkstraat", the place "Utrecht"), single words again only with a capital.
- Postcodes: "1234AB" as "1234 AB", "1234ab", "1234 ab", "1234-AB".
- Phones (E.164): every way of writing that number that `phonenumbers` recognises.
Names and addresses match with or without accents ("Ayşe Yılmaz" as "Ayse Yilmaz", and back).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator

import phonenumbers
from django.utils.translation import gettext_lazy as _
from phonenumbers import Leniency, PhoneNumberMatcher

from transcripts.constants import RedactionKind

from .base import Known, Proposal
from .date_of_birth import MONTH_NAMES

NAME_CODE = "known-name"
ADDRESS_CODE = "known-address"
POSTCODE_CODE = "known-postcode"
PHONE_CODE = "known-phone"
LABELS = {
    NAME_CODE: _("Name from the call's details"),
    ADDRESS_CODE: _("Address from the call's details"),
    POSTCODE_CODE: _("Postcode from the call's details"),
    PHONE_CODE: _("Phone number from the call's details"),
}

# Dutch (and a few neighbouring) surname prefixes, lower case.
TUSSENVOEGSELS = {
    "van", "de", "der", "den", "het", "'t", "t", "ter", "ten", "te", "in", "op", "'s", "uit",
    "la", "le", "du", "di", "da", "del", "della", "dos", "el", "al", "von", "vom", "zu", "v.d.",
    "vd", "v/d", "d'", "l'", "bin", "ben", "ibn", "abu", "aan", "bij", "onder", "over", "voor",
}  # fmt: skip
_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")
_RUN = re.compile(r"[^\W\d_]+|\d+")
_INITIALS = r"(?:(?-i:[A-Z])\.[ ]?){1,4}[ ]?"


_FOLD_SPECIAL = {"ı": "i", "İ": "I", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char
    if char in _FOLD_SPECIAL:
        return _FOLD_SPECIAL[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """The text without accents, one character for one ("Yılmaz" -> "Yilmaz", "Ayşe" -> "Ayse",
    "Müller" -> "Muller"), so offsets stay those of the text."""
    return "".join(map(_fold_char, text))


def _words_pattern(words: list[str]) -> str:
    return r"\.?\s+".join(re.escape(word) for word in words)


def _bounded(pattern: str) -> str:
    return rf"(?<![\w]){pattern}(?![\w])"


def _single_word(word: str) -> str:
    """A word in any casing after a capital first letter; a name that is also a month ("Jan",
    "Mei") not when a number stands beside it (a date: "1 Jan 2026")."""
    first = re.escape(word[0].upper())
    pattern = rf"(?-i:{first}){re.escape(word[1:])}"
    if word.lower() in MONTH_NAMES:
        pattern = rf"(?<![0-9][ .-]){pattern}(?!\.?[ .-][0-9])"
    return pattern


def _surname(words: list[str]) -> str:
    """Tussenvoegsels in any casing, the surname itself with a capital ("de Boer", "De Boer",
    "DE BOER", not the farmer "de boer")."""
    return r"\s+".join(
        re.escape(word) if word.lower() in TUSSENVOEGSELS else _single_word(word) for word in words
    )


def _name_patterns(name: str) -> Iterator[str]:
    words = _WORD.findall(name)
    if not words:
        return
    if len(words) > 1:
        yield _words_pattern(words)
    interfix_at = next(
        (i for i, word in enumerate(words[1:], start=1) if word.lower() in TUSSENVOEGSELS),
        None,
    )
    if interfix_at is None:
        first_names, surname = words[:-1], words[-1:]
        core = surname
    else:
        first_names, surname = words[:interfix_at], words[interfix_at:]
        core = [w for w in surname if w.lower() not in TUSSENVOEGSELS]
    if len(surname) > 1:
        yield f"(?:{_INITIALS})?{_surname(surname)}"
    if len(core) > 1:
        yield _surname(core)
    for word in (core if len(core) == 1 else []) + first_names:
        if len(word) >= 2 and word.lower() not in TUSSENVOEGSELS:
            yield _single_word(word)
    if len(words) == 1 and len(words[0]) >= 2:
        yield _single_word(words[0])


def _flexible(runs: list[tuple[str, int, int]]) -> str:
    """Runs of letters or digits; between them whatever separators people type."""
    parts = []
    for index, (run, start, _end) in enumerate(runs):
        if index:
            previous_end = runs[index - 1][2]
            parts.append(r"[\s,./'’-]*" if previous_end == start else r"[\s,./'’-]+")
        parts.append(re.escape(run))
    return "".join(parts)


def _address_patterns(line: str) -> Iterator[str]:
    for segment in [line, *line.split(",")]:
        runs = [(m.group(), m.start(), m.end()) for m in _RUN.finditer(segment)]
        if not runs:
            continue
        if len(runs) > 1:
            yield _flexible(runs)
        # Words of the street or place on their own: consecutive letter runs of 4+ letters.
        group: list[tuple[str, int, int]] = []
        for run in [*runs, ("0", 0, 0)]:
            word = run[0]
            if word.isdigit() or (not group and (len(word) < 3 or word.lower() in TUSSENVOEGSELS)):
                if group and sum(len(w) for w, _s, _e in group) >= 4:
                    yield _flexible(group) if len(group) > 1 else _single_word(group[0][0])
                group = []
            else:
                group.append(run)


def _postcode_patterns(postcode: str) -> Iterator[str]:
    compact = re.sub(r"[\s-]", "", postcode)
    match = re.fullmatch(r"([0-9]{4})([A-Za-z]{2})", compact)
    if match:
        yield rf"{match.group(1)}[\s-]?{match.group(2)}"


def _find(text: str, patterns: Iterable[str], kind: str, code: str) -> Iterator[Proposal]:
    """Every match of every pattern; propose() keeps the covering span of overlapping ones."""
    for pattern in set(patterns):
        for match in re.finditer(_bounded(f"(?:{pattern})"), text, re.IGNORECASE):
            yield Proposal(match.start(), match.end(), kind, code)


def _phones(text: str, phones: tuple[str, ...]) -> Iterator[Proposal]:
    wanted = set()
    for phone in phones:
        try:
            number = phonenumbers.parse(phone, "NL")
        except phonenumbers.NumberParseException:
            continue
        wanted.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    if not wanted or not any(ch.isdigit() for ch in text):
        return
    for match in PhoneNumberMatcher(text, "NL", leniency=Leniency.POSSIBLE, max_tries=1_000_000):
        found = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if found in wanted:
            yield Proposal(match.start, match.end, RedactionKind.PHONE, PHONE_CODE)


def detect(text: str, known: Known) -> Iterator[Proposal]:
    folded = fold(text) if known.names or known.addresses else text
    names = [p for name in known.names for p in _name_patterns(fold(name))]
    yield from _find(folded, names, RedactionKind.NAME, NAME_CODE)
    addresses = [p for line in known.addresses for p in _address_patterns(fold(line))]
    yield from _find(folded, addresses, RedactionKind.ADDRESS, ADDRESS_CODE)
    postcodes = [p for code in known.postcodes for p in _postcode_patterns(code)]
    yield from _find(text, postcodes, RedactionKind.POSTCODE, POSTCODE_CODE)
    yield from _phones(text, known.phones)
