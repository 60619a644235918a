"""Dates of birth: a written date that is said AS a date of birth.

A date is proposed only when a birth cue comes before it in the same sentence (or in the
question it answers: "Mijn geboortedatum? Dat is 12-03-1980."), at most 40 characters earlier,
with at most two words between that are not fillers, and it is the first date after that cue:
"geboren op 12 maart 1980", "geboortedatum: 12-03-1980", "mijn geboortedatum is 1 januari
1975", "geb. 3-4-'80", "date of birth 3/4/1980", "born on March 3, 1980", "ik ben van 12 maart
1980".
Dates are numeric (12-03-1980, 12/3/80, 12.03.1980, 1980-03-12) or with a Dutch or English month
name (12 maart 1980, 12 mrt. 1980, 1 Jan 1975, March 3, 1980, 3rd of March 1980); the date must
exist and its year lie between 1900 and this year. Every other date (an appointment, a delivery,
an order date) is left alone: deduce's own date annotations are not used.

Two more ways a date is a date of birth: it is the customer's date of birth from the call's
details (`Known.dates_of_birth`, "known-date-of-birth"), written in any of the forms above; or it
is the whole utterance ("12 maart 1980." answering the agent's question in the utterance before)
and lies at least twelve years back.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from transcripts.constants import RedactionKind

from .base import Known, Proposal

CODE = "date-of-birth"
KNOWN_CODE = "known-date-of-birth"
LABELS = {
    CODE: _("Date of birth (said as one)"),
    KNOWN_CODE: _("Date of birth from the call's details"),
}
MIN_AGE_YEARS = 12

_MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "febr": 2, "february": 2,
    "maart": 3, "mrt": 3, "mar": 3, "march": 3, "maa": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "augustus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
MONTH_NAMES = frozenset(_MONTHS)
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)[0-9]{2}"
_DAY = r"[0-3]?[0-9](?:e|ste|de|st|nd|rd|th)?"

_DATES = [
    # 12-03-1980, 12/3/80, 12.03.1980 (one separator throughout)
    re.compile(
        r"(?<![0-9])(?P<a>[0-3]?[0-9])(?P<sep>[-/.])(?P<b>[01]?[0-9])(?P=sep)"
        r"(?P<year>(?:19|20)[0-9]{2}|'?[0-9]{2})(?![0-9])"
    ),
    # 1980-03-12
    re.compile(r"(?<![0-9])(?P<year>" + _YEAR + r")-(?P<b>[01]?[0-9])-(?P<a>[0-3]?[0-9])(?![0-9])"),
    # 12 maart 1980, 12 mrt. 1980, 12-mrt-1980, 3rd of March 1980
    re.compile(
        r"(?<![0-9])(?P<a>" + _DAY + r")[ \-]+(?:of[ ]+)?(?P<month>" + _MONTH + r")\.?[ \-,]*"
        r"(?P<year>" + _YEAR + r"|'[0-9]{2})(?![0-9])",
        re.IGNORECASE,
    ),
    # March 3, 1980 / March 3rd 1980
    re.compile(
        r"(?<![^\W\d_])(?P<month>" + _MONTH + r")\.?[ ]+(?P<a>" + _DAY + r"),?[ ]+"
        r"(?P<year>" + _YEAR + r")(?![0-9])",
        re.IGNORECASE,
    ),
]

_CUE = re.compile(
    r"(?<![^\W\d_])(?:"
    r"geboren|geb\.|geb(?=[ :])|geboorte[ \-]?datum|geb\.?[ ]?datum|geboortedag|"
    r"date[ ]of[ ]birth|birth[ \-]?date|born|d\.?o\.?b\.?(?=[ :])|"
    r"ik[ ]ben[ ]van(?=[ ][0-9])"
    r")(?![^\W\d_])",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!;\n](?:\s|$)")  # "?" may be followed by its answer
_MAX_GAP = 40
_ALONE = re.compile(
    r"[\W_]*(?:(?:eh|ehm|euh|uh|uhm|dat is|dat was|het is|is|op)[\W_]*)*", re.IGNORECASE
)
_FILLERS = {
    "op", "is", "was", "de", "het", "dus", "namelijk", "eh", "ehm", "euh", "uh", "uhm", "nou",
    "zeg", "maar", "mijn", "ik", "ben", "van", "datum", "on", "the", "of", "my", "i", "am",
    "at", "so", "uhh", "um",
}  # fmt: skip


def _connects(gap: str) -> bool:
    """Whether the words between a cue and a date still say the date is the birth date: short,
    in the same sentence, and at most two words other than fillers ("geboren op", "is, even
    kijken,", but not "geboren in Utrecht en verhuisde op")."""
    if len(gap) > _MAX_GAP or _SENTENCE_END.search(gap):
        return False
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", gap)]
    return sum(word not in _FILLERS for word in words) <= 2


def _number(value: str) -> int:
    return int(re.sub(r"[^0-9]", "", value))


def _year(value: str) -> int:
    year = _number(value)
    if year < 100:
        this_century = datetime.date.today().year % 100
        year += 2000 if year <= this_century else 1900
    return year


def _date(day: int, month: int, year: int) -> datetime.date | None:
    if not 1900 <= year <= datetime.date.today().year:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _readings(match: re.Match[str]) -> set[datetime.date]:
    """The dates a match can mean: day-month (Dutch) or month-day (American) for numbers."""
    groups = match.groupdict()
    year = _year(groups["year"])
    first = _number(groups["a"])
    if groups.get("month"):
        readings = {_date(first, _MONTHS[groups["month"].lower()], year)}
    else:
        second = _number(groups["b"])
        readings = {_date(first, second, year), _date(second, first, year)}
    readings.discard(None)
    return readings  # type: ignore[return-value]


def _dates(text: str) -> list[tuple[int, int, set[datetime.date]]]:
    found = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            readings = _readings(match)
            if readings:
                found.append((match.start(), match.end(), readings))
    found.sort(key=lambda date: (date[0], -date[1]))
    return found


def _known_dates(values: Iterable[datetime.date | str]) -> set[datetime.date]:
    dates = set()
    for value in values:
        if isinstance(value, datetime.date):
            dates.add(value)
        else:
            try:
                dates.add(datetime.date.fromisoformat(str(value).strip()))
            except ValueError:
                continue
    return dates


def _said_alone(text: str, start: int, end: int, readings: set[datetime.date]) -> bool:
    """The whole utterance is this date (the answer to "what is your date of birth?") and it
    lies at least MIN_AGE_YEARS back: an appointment or a delivery is near, a birth is not."""
    if _ALONE.fullmatch(text[:start]) is None or _ALONE.fullmatch(text[end:]) is None:
        return False
    latest = datetime.date.today().year - MIN_AGE_YEARS
    return all(reading.year <= latest for reading in readings)


def detect(text: str, known: Known) -> Iterator[Proposal]:
    cues = [cue.end() for cue in _CUE.finditer(text)]
    born_on = _known_dates(known.dates_of_birth)
    if not cues and not born_on and len(text) > 60:
        return
    dates = _dates(text)
    for start, end, readings in dates:
        if readings & born_on:
            yield Proposal(start, end, RedactionKind.DATE_OF_BIRTH, KNOWN_CODE)
        elif _said_alone(text, start, end, readings):
            yield Proposal(start, end, RedactionKind.DATE_OF_BIRTH, CODE)
    starts = [start for start, _end, _readings in dates]
    for cue_end in cues:
        index = bisect.bisect_left(starts, cue_end)  # the first date after the cue
        if index == len(dates):
            continue
        start, end, _readings = dates[index]
        if _connects(text[cue_end:start]):
            yield Proposal(start, end, RedactionKind.DATE_OF_BIRTH, CODE)
