"""Reading a typed transcript from a plain text file.

One utterance per line: a time, a speaker, a colon, the text.

    [00:01:23] Klant: Goedemiddag, u spreekt met ...
    00:01:27 Medewerker: Waarmee kan ik u helpen?
    [00:01:30 - 00:01:41] Tolk: ...
    1:45 Customer: ...

The time is [hh:]mm:ss with optional tenths (00:01:23.5), in square brackets or not, optionally
followed by "- end time". "Klant"/"Customer" and "Medewerker"/"Employee"/"Agent" are the
customer and the employee; any other label is kept as typed (at most 50 characters). A line
that starts with a space or a tab continues the text of the utterance above it. Empty lines and
lines starting with # are skipped. Files in UTF-8, UTF-16 or Windows-1252 are read.

Any bad line refuses the whole file: the answer lists every bad line with its number and
nothing is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from transcripts.constants import MAX_SPEAKER_CHARS, MAX_UTTERANCE_CHARS, Speaker
from transcripts.timecodes import format_seconds, parse_seconds

MAX_BYTES = 2 * 1024 * 1024
# Valid UTF-8 multi-byte sequences in a file that is not valid UTF-8 as a whole: parts were
# saved in two encodings (as organisations/employees_import.py decides for its CSV files).
_UTF8_SEQUENCE = re.compile(rb"[\xc3-\xc5][\x80-\xbf]|\xe2\x80[\x90-\xbf]")

_TIME_PART = r"\d{1,2}(?::\d{1,3}){1,2}(?:[.,]\d{1,3})?"
_LINE = re.compile(
    rf"^\s*(?:\[\s*(?P<b_start>{_TIME_PART})(?:\s*-\s*(?P<b_end>{_TIME_PART}))?\s*\]"
    rf"|(?P<start>{_TIME_PART})(?:\s*-\s*(?P<end>{_TIME_PART}))?)"
    r"\s+(?P<speaker>[^:]{1,200}?)\s*:\s?(?P<text>.*)$"
)

SPEAKER_WORDS = {
    "klant": Speaker.CUSTOMER,
    "customer": Speaker.CUSTOMER,
    "beller": Speaker.CUSTOMER,
    "caller": Speaker.CUSTOMER,
    "medewerker": Speaker.EMPLOYEE,
    "employee": Speaker.EMPLOYEE,
    "agent": Speaker.EMPLOYEE,
    "klantcontactmedewerker": Speaker.EMPLOYEE,
}


def speaker_code(label: str) -> str:
    """The stored speaker: employee/customer for their usual words, else the label as typed."""
    label = " ".join((label or "").split())
    return SPEAKER_WORDS.get(label.lower(), label)


@dataclass
class ParsedUtterance:
    line: int
    start_seconds: float
    end_seconds: float | None
    speaker: str
    text: str


@dataclass
class ParseResult:
    utterances: list[ParsedUtterance] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)


class TranscriptFileError(Exception):
    """The file cannot be read at all (encoding, size); the message is for the person."""


def decode(data: bytes) -> str:
    """The file's text: UTF-16 (with its byte order mark), UTF-8, or Windows-1252."""
    if len(data) > MAX_BYTES:
        raise TranscriptFileError(_("The file is larger than 2 MB."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise TranscriptFileError(_("The file is not valid UTF-16 text.")) from None
        if "\x00" in text:  # the database refuses it in a speaker's label as in the text
            raise TranscriptFileError(_("This is not a plain text file: save it as text (UTF-8)."))
        return text
    if b"\x00" in data:
        raise TranscriptFileError(_("This is not a plain text file: save it as text (UTF-8)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        raise TranscriptFileError(
            _(
                "The file mixes two character encodings (UTF-8 and Windows-1252), so letters "
                "would be garbled. Save it again as text (UTF-8)."
            )
        )
    return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else _refuse_encoding()


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _refuse_encoding() -> str:
    raise TranscriptFileError(
        _("The file's encoding is not UTF-8 or Windows-1252: save it as text (UTF-8).")
    )


def read_file(data: bytes, *, duration_seconds: float | None) -> ParseResult:
    return parse(decode(data), duration_seconds=duration_seconds)


def parse(text: str, *, duration_seconds: float | None) -> ParseResult:
    result = ParseResult()
    current: ParsedUtterance | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if raw[:1] in (" ", "\t") and not _LINE.match(line):
            if current is None:
                result.errors.append((number, _("A continued line needs an utterance above it.")))
            else:
                current.text = f"{current.text}\n{line.strip()}"
            continue
        current = _parse_line(number, line, duration_seconds, result)
    for utterance in result.utterances:
        if len(utterance.text) > MAX_UTTERANCE_CHARS:
            result.errors.append(
                (
                    utterance.line,
                    _("The text is longer than %(max)d characters.") % {"max": MAX_UTTERANCE_CHARS},
                )
            )
    if not result.utterances and not result.errors:
        result.errors.append((0, _("The file holds no utterances.")))
    result.errors.sort()
    return result


def _parse_line(
    number: int, line: str, duration_seconds: float | None, result: ParseResult
) -> ParsedUtterance | None:
    match = _LINE.match(line)
    if not match:
        result.errors.append(
            (
                number,
                _(
                    "Write a line as [00:01:23] Speaker: text (a time, a speaker, a colon, "
                    "the text)."
                ),
            )
        )
        return None
    start = parse_seconds(match["b_start"] or match["start"])
    end_text = match["b_end"] or match["end"]
    end = parse_seconds(end_text) if end_text else None
    problem = utterance_problem(
        start=start,
        end=end,
        end_given=bool(end_text),
        speaker=match["speaker"],
        text=match["text"],
        duration_seconds=duration_seconds,
    )
    if problem:
        result.errors.append((number, problem))
        return None
    utterance = ParsedUtterance(
        number, start, end, speaker_code(match["speaker"]), match["text"].strip()
    )
    result.utterances.append(utterance)
    return utterance


def utterance_problem(
    *,
    start: float | None,
    end: float | None,
    end_given: bool,
    speaker: str,
    text: str,
    duration_seconds: float | None,
) -> str | None:
    """What is wrong with one utterance, for the person; None when it is fine. Timestamps of
    different utterances may overlap: people talk over each other."""
    if start is None:
        return _("The start time is not a time: write it as 00:01:23 or 1:23.")
    if start < 0:
        return _("The start time cannot be negative.")
    if duration_seconds and start > duration_seconds + 1:
        return _("The start time lies after the end of the call (%(duration)s).") % {
            "duration": format_seconds(duration_seconds)
        }
    if end_given and end is None:
        return _("The end time is not a time: write it as 00:01:23 or 1:23.")
    if end is not None:
        if end < start:
            return _("The end time lies before the start time.")
        if duration_seconds and end > duration_seconds + 1:
            return _("The end time lies after the end of the call (%(duration)s).") % {
                "duration": format_seconds(duration_seconds)
            }
    speaker = " ".join((speaker or "").split())
    if not speaker:
        return _("Say who speaks.")
    if len(speaker) > MAX_SPEAKER_CHARS:
        return _("The speaker's label is longer than %(max)d characters.") % {
            "max": MAX_SPEAKER_CHARS
        }
    if not (text or "").strip():
        return _("The utterance has no text.")
    if len(text) > MAX_UTTERANCE_CHARS:
        return _("The text is longer than %(max)d characters.") % {"max": MAX_UTTERANCE_CHARS}
    if "\x00" in text:
        return _("The text holds a character that is not text.")
    return None
