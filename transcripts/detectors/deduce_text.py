"""Names and street addresses in free text, found by deduce (Dutch de-identification, docdeid).

deduce's lookup lists (Dutch first names, surnames, tussenvoegsels, titles, place names, streets)
and its name and location patterns are used; its own date, phone, BSN, e-mail, postcode,
institution and URL annotators are NOT, in favour of the validated detectors beside this module.

Why not `deduce.Deduce()` as is: it builds all its lookup structures (770 000 street variants,
48 000 care institutions) in about 100 s on first use and caches them as a 77 MB pickle inside
site-packages (fails on a read-only install); loading that pickle takes ~10 s and 1.1 GB of memory
per process. Here the same annotators are assembled from only the lists we need, built in memory
in about 2 s (no files written, nothing downloaded) on first use, once per process, behind a lock;
streets are looked up in a plain set of deduce's street names instead of its expanded trie.

Tags: deduce's "persoon" (any person-name pattern) -> NAME ("deduce-name"); a street followed by
a house number ("Kerkstraat 12a") -> ADDRESS ("deduce-address"); a place name ("Utrecht")
-> ADDRESS ("deduce-place"). A common Dutch word opening a sentence ("Mooi, dan ...", "Best dat
het ...", "Dag Pieter") is left out of a span: deduce's lists know it also as a name or town.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from transcripts.constants import RedactionKind

from .base import Known, Proposal
from .date_of_birth import MONTH_NAMES
from .known import TUSSENVOEGSELS

NAME_CODE = "deduce-name"
ADDRESS_CODE = "deduce-address"
PLACE_CODE = "deduce-place"
LABELS = {
    NAME_CODE: _("Name (deduce)"),
    ADDRESS_CODE: _("Street and house number (deduce)"),
    PLACE_CODE: _("Place name (deduce)"),
}

# deduce's annotators that find names and locations (see deduce/base_config.json).
_ANNOTATORS = {
    "prefix_with_initial", "prefix_with_interfix", "prefix_with_name", "interfix_with_name",
    "initial_with_name", "initial_interfix", "first_name_lookup", "surname_lookup",
    "name_context", "eponymous_disease", "placename", "street_pattern", "housenumber",
}  # fmt: skip
_LISTS = [
    "names/lst_first_name", "names/lst_surname", "names/lst_interfix",
    "names/lst_interfix_surname", "names/lst_prefix", "names/lst_initial",
    "whitelist/lst_common_word", "whitelist/lst_medical_term", "whitelist/lst_stop_word",
    "whitelist/lst_eponymous_disease", "locations/lst_placename",
]  # fmt: skip
_STREET_FILES = ["locations/lst_street/items.txt", "locations/lst_street/streets_bag.txt"]
_COMMON_WORD_FILES = ["whitelist/lst_common_word/items.txt", "whitelist/lst_stop_word/items.txt"]
_MAX_STREET_WORDS = 6

_lock = threading.Lock()
_engine = None
_common_words: frozenset[str] = frozenset()


def _street_annotator(streets: frozenset[str]):
    import docdeid as dd

    class StreetLookupAnnotator(dd.process.Annotator):
        """Tags "straat" where up to six words starting with a capital are a known street name;
        deduce's housenumber pattern then extends it, and bare street tags are removed."""

        def annotate(self, doc):
            tokens = doc.get_tokens()
            text = doc.text
            found = []
            for i, token in enumerate(tokens):
                if not token.text[:1].isupper() and not token.text[:1].isdigit():
                    continue
                last = None
                for j in range(i, min(len(tokens), i + _MAX_STREET_WORDS)):
                    words = " ".join(text[token.start_char : tokens[j].end_char].split())
                    if words in streets:
                        last = tokens[j]
                if last is not None:
                    found.append(
                        dd.Annotation(
                            text=text[token.start_char : last.end_char],
                            start_char=token.start_char,
                            end_char=last.end_char,
                            tag="straat",
                            priority=1,
                            start_token=token,
                            end_token=last,
                        )
                    )
            return found

    return StreetLookupAnnotator(tag="straat", priority=1)


def _build():
    import docdeid as dd
    from deduce import lookup_struct_loader as loaders
    from deduce.deduce import _BASE_CONFIG_FILE, _LOOKUP_LIST_PATH, Deduce, _DeduceProcessorLoader
    from deduce.lookup_structs import load_raw_itemsets
    from frozendict import frozendict

    base = Path(_LOOKUP_LIST_PATH)
    tokenizer = Deduce._initialize_tokenizer(base)
    raw = load_raw_itemsets(base_path=base, subdirs=_LISTS)

    lookups = dd.ds.DsCollection()
    for name in ("initial", "interfix_surname"):
        lookup = dd.ds.LookupSet()
        lookup.add_items_from_iterable(raw[name])
        lookups[name] = lookup
    lookups["prefix"] = loaders.load_prefix_lookup(raw)
    lookups["interfix"] = loaders.load_interfix_lookup(raw)
    lookups["whitelist"] = loaders.load_whitelist_lookup(raw)
    lookups["first_name"] = loaders.load_first_name_lookup(raw, tokenizer)
    lookups["surname"] = loaders.load_surname_lookup(raw, tokenizer)
    lookups["placename"] = loaders.load_placename_lookup(raw, tokenizer)
    lookups["eponymous_disease"] = loaders.load_eponymous_disease_lookup(raw, tokenizer)

    streets: set[str] = set()
    for relative in _STREET_FILES:
        with open(base / "src" / relative, encoding="utf-8") as lines:
            streets.update(" ".join(line.split()) for line in lines if len(line.strip()) >= 4)

    with open(_BASE_CONFIG_FILE, encoding="utf-8") as file:
        config = json.load(file)
    config["annotators"] = {k: v for k, v in config["annotators"].items() if k in _ANNOTATORS}
    processors = _DeduceProcessorLoader().load(
        config=frozendict(config), extras={"tokenizer": tokenizer, "ds": lookups}
    )
    locations = processors["locations"]
    names = locations.get_names(recursive=False)
    locations.add_processor(
        "street_lookup", _street_annotator(frozenset(streets)), names.index("housenumber")
    )
    locations.remove_processor("clean_street_tags")  # keep "straat+huisnummer" apart from places
    processors["post_processing"].remove_processor("redactor")

    engine = dd.DocDeid()
    engine.tokenizers["default"] = tokenizer
    engine.processors = processors
    common: set[str] = set()
    for relative in _COMMON_WORD_FILES:  # the whole lists, also the words deduce excepts
        with open(base / "src" / relative, encoding="utf-8") as lines:
            common.update(line.strip().lower() for line in lines)
    return engine, frozenset(common | _SENTENCE_WORDS)


def engine():
    """The one engine of this process, built on first use (2-4 s, ~90 MB), thread-safe: the
    engine keeps no state between texts, so threads share it."""
    global _engine, _common_words
    if _engine is None:
        with _lock:
            if _engine is None:
                built, common = _build()
                _common_words = common
                _engine = built
    return _engine


# Words that open a sentence on the phone and are also in deduce's name or place lists.
_SENTENCE_WORDS = frozenset(
    {"born", "dag", "dank", "bedankt", "prima", "top", "super", "helder", "precies", "klopt"}
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:…]\s*|\n\s*)[\"'“‘(\-\s]*$")


_FIRST_WORD = re.compile(r"([^\W\d_]+)\s*")


def _without_opening_word(text: str, start: int, end: int) -> int:
    """Where the span starts once a common word opening the sentence is left out ("Dag" in
    "Dag Pieter", "Mooi" in "Mooi, dan ..."): deduce's lists know such words as names or towns."""
    first = _FIRST_WORD.match(text, start, end)
    if first is None or first.group(1).lower() not in _common_words:
        return start
    if not _SENTENCE_START.search(text[max(0, start - 10) : start]):
        return start
    return first.end()


_NUMBER_BEFORE = re.compile(r"[0-9][ .-]$")
_NUMBER_AFTER = re.compile(r"\.?[ .-][0-9]")


def _month_in_a_date(text: str, start: int, end: int) -> bool:
    """ "Jan" or "Mei" in "1 Jan 2026": a month, not a name."""
    if text[start:end].lower() not in MONTH_NAMES:
        return False
    return bool(_NUMBER_BEFORE.search(text, 0, start) or _NUMBER_AFTER.match(text, end))


def _code(tag: str) -> tuple[str, str] | None:
    if tag in ("persoon", "patient"):
        return RedactionKind.NAME, NAME_CODE
    if tag.startswith("straat+huisnummer"):
        return RedactionKind.ADDRESS, ADDRESS_CODE
    if tag == "locatie":
        return RedactionKind.ADDRESS, PLACE_CODE
    return None


_LAST_WORD = re.compile(r"\s+(\S+)$")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Without surrounding spaces or punctuation, nor a dangling tussenvoegsel ("Jansen op de"
    where deduce's name ran into the street that follows)."""
    while start < end and not (text[start].isalnum() or text[start] in "'’"):  # keep 't Hart
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while (last := _LAST_WORD.search(text, start, end)) and last.group(1) in TUSSENVOEGSELS:
        end = last.start()
    return start, end


# deduce's context patterns take time that grows much faster than the text where many
# name-like words follow each other (1,600 characters of "Jan Jan ..." took minutes): a longer
# text is read in windows of this many words that overlap by a few, so a name across the
# edge of one window is whole in the next (overlapping proposals are merged by propose()).
_WINDOW_WORDS = 40
_WINDOW_OVERLAP = 8
_WORD_AT = re.compile(r"\S+")


def windows(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the parts of `text` deduce reads: the whole text when it is short."""
    words = list(_WORD_AT.finditer(text))
    if len(words) <= _WINDOW_WORDS:
        yield 0, len(text)
        return
    step = _WINDOW_WORDS - _WINDOW_OVERLAP
    for first in range(0, len(words), step):
        last = min(first + _WINDOW_WORDS, len(words)) - 1
        yield words[first].start(), words[last].end()
        if last == len(words) - 1:
            return


def detect(text: str, known: Known) -> Iterator[Proposal]:
    if not any(ch.isalpha() for ch in text):
        return
    for window_start, window_end in windows(text):
        yield from _detect_piece(text, window_start, window_end)


def _detect_piece(text: str, offset: int, piece_end: int) -> Iterator[Proposal]:
    piece = text[offset:piece_end]
    if not any(ch.isalpha() for ch in piece):
        return
    document = engine().deidentify(piece)
    for annotation in document.annotations:
        mapped = _code(annotation.tag)
        if mapped is None:
            continue
        start, end = _trimmed(
            text, offset + int(annotation.start_char), offset + int(annotation.end_char)
        )
        start, end = _trimmed(text, _without_opening_word(text, start, end), end)
        if start >= end or _month_in_a_date(text, start, end):
            continue
        yield Proposal(start, end, mapped[0], mapped[1])
