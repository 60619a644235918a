"""One language and one locale per page.

Every role of the cast, with realistic data (a call, a request with its case, an evaluation, a
calibration session, a hold, a transcript, a subject request, …), opens every page of its
organisation (each URL pattern, filled by tests/test_tenancy.py's KWARG_MAKERS). In Dutch no
English is left: no English phrase of the catalogue whose Dutch differs, none of a few common
English words, no decimal point, no American date or clock, no purpose code. In English, dates
are day-month-year on a 24-hour clock.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

import audit
from organisations.constants import Role
from organisations.models import Employee, Organisation
from recordings.models import Recording
from register.models import Purpose
from tests.test_tenancy import KWARG_MAKERS, TENANT_PATTERNS, _route_kwargs

pytestmark = pytest.mark.django_db

# Pages that answer with a file or a redirect only, or need a query string to be a page.
SKIPPED = {"access:recording_audio"}

# Words a Dutch page may carry that are also English: names of languages in the switcher,
# loan words Dutch uses as they are.
DUTCH_TOO = {
    "English",
    "Coaching",
    "Coach",
    "Team",
    "Audit",
    "Status",
    "Dashboard",
    "Export",
    "Legal hold",
    "legal hold",
    "Privacy",
    "Transcript",
}
COMMON_ENGLISH = [
    "the",
    "and",
    "your",
    "you",
    "with",
    "Request",
    "Requests",
    "Save",
    "Cancel",
    "Delete",
    "Search",
    "Submit",
    "Approve",
    "Deny",
    "Revoke",
    "Recording",
    "Recordings",
    "Evaluation",
    "Settings",
    "Sign out",
    "Back",
    "Next",
    "Previous",
]
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])")
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
US_CLOCK = re.compile(r"\b\d{1,2}(:\d\d)?\s?(AM|PM|a\.m\.|p\.m\.)(?!\w)")
US_MONTH_FIRST = re.compile(
    r"\b(Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}\b"
)


class _Text(HTMLParser):
    """The words a person reads: text outside script and style, and titles and labels."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@cache
def english_phrases() -> tuple[tuple[str, re.Pattern], ...]:
    """The catalogue's English whose Dutch differs, as whole phrases of two words or more
    (a single word may be Dutch too); placeholders and markup left out."""
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/nl/LC_MESSAGES/django.po"))
    phrases = set()
    for entry in catalogue:
        text = entry.msgid
        if not entry.msgstr or entry.msgstr == text or re.search(r"[%{<]", text):
            continue
        if len(text.split()) < 2 or text in DUTCH_TOO:
            continue
        phrases.add(text)
    return tuple(
        (phrase, re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])"))
        for phrase in sorted(phrases, key=len, reverse=True)
    )


def data_values(organisation: Organisation) -> list[str]:
    """What the test created: names and free text that are data, not interface."""
    values = [organisation.name]
    for membership in organisation.memberships.select_related("user"):
        values += [membership.user.get_username(), membership.user.get_full_name()]
    values += list(
        Employee.objects.filter(organisation=organisation).values_list("name", flat=True)
    )
    for recording in Recording.objects.filter(organisation=organisation):
        values += [recording.call_id, recording.queue or "", recording.customer_phone or ""]
    return sorted({value for value in values if value}, key=len, reverse=True)


def _once(make):
    made = {}

    def once(cast):
        if "value" not in made:
            made["value"] = make(cast)
        return made["value"]

    return once


@pytest.fixture
def world(cast, monkeypatch):
    """Every object a page of the organisation can be about, made once: {url keyword: value}.
    The tenancy test's makers each make their own objects; here one call, one request, one
    evaluation serve every page, as in an organisation at work."""
    from tests import test_tenancy

    for name in dir(test_tenancy):
        if name.startswith("_victim_"):
            monkeypatch.setattr(test_tenancy, name, _once(getattr(test_tenancy, name)))
    kwargs = {}
    for key, maker in KWARG_MAKERS.items():
        kwargs[key] = maker(cast)
    # A purpose whose code reads like one, used by a request and named by audit events.
    purpose = Purpose.objects.filter(activity__organisation=cast.organisation).first()
    Purpose.objects.create(
        activity=purpose.activity,
        code="reactive-request",
        description="Op verzoek van klanten terugluisteren",
        short_label="Terugluisteren op verzoek",
        legal_basis="legitimate_interest",
        position=9,
    )
    recording = Recording.objects.get(pk=kwargs["recording_id"])
    for code in ("misconduct", "reactive-request"):
        audit.record(
            actor=cast["manager"],
            action="access.recording.listened",
            organisation=cast.organisation,
            target=recording,
            purpose=code,
        )
    return kwargs


def pages(world) -> list[tuple[str, str]]:
    urls = []
    for route, name, _pattern in TENANT_PATTERNS:
        if name in SKIPPED:
            continue
        try:
            url = reverse(name, kwargs={key: world[key] for key in _route_kwargs(route)})
        except KeyError as missing:
            # A new page whose URL needs an object this walk cannot make must not slip past.
            message = f"{name}: add a maker for {missing} or list it in SKIPPED"
            raise AssertionError(message) from None
        urls.append((name, url))
    return urls


def read(client, url: str, language: str) -> str | None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode()


def dutch_problems(text: str, organisation: Organisation, codes: list[str]) -> list[str]:
    for value in data_values(organisation):
        text = text.replace(value, " ")
    problems = [f"English: “{phrase}”" for phrase, found in english_phrases() if found.search(text)]
    for word in COMMON_ENGLISH:
        for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
            problems.append(
                f"English word: “…{text[max(match.start() - 30, 0) : match.end() + 30]}…”"
            )
    problems += [f"decimal point: {m.group()}" for m in DECIMAL_POINT.finditer(text)]
    problems += [f"US date: {m.group()}" for m in US_DATE.finditer(text)]
    problems += [f"US clock: {m.group()}" for m in US_CLOCK.finditer(text)]
    problems += [f"purpose code: {code}" for code in codes if re.search(rf"\b{code}\b", text)]
    return problems


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_dutch_page_reads_dutch_in_dutch_formats(cast, client_for, world, role):
    client = client_for(cast[role])
    codes = [
        code
        for code in Purpose.objects.filter(activity__organisation=cast.organisation).values_list(
            "code", flat=True
        )
        if "-" in code or code == "misconduct"
    ]
    found, read_pages = {}, 0
    for name, url in pages(world):
        html = read(client, url, "nl")
        if html is None:
            continue
        read_pages += 1
        problems = dutch_problems(page_text(html), cast.organisation, codes)
        if problems:
            found[f"{name} {url}"] = problems
    assert read_pages >= 5
    assert not found, "\n".join(f"{page}: {problems}" for page, problems in found.items())


@pytest.mark.parametrize("role", ["manager", "privacy_officer", "coach"])
def test_english_pages_write_day_month_year_on_a_24_hour_clock(cast, client_for, world, role):
    client = client_for(cast[role])
    found = {}
    read_pages = 0
    for name, url in pages(world):
        html = read(client, url, "en")
        if html is None:
            continue
        read_pages += 1
        text = page_text(html)
        problems = [m.group() for m in US_DATE.finditer(text)]
        problems += [m.group() for m in US_CLOCK.finditer(text)]
        problems += [m.group() for m in US_MONTH_FIRST.finditer(text)]
        if problems:
            found[f"{name} {url}"] = problems
    assert read_pages >= 5
    assert not found, found


def test_a_call_page_in_english_shows_its_start_as_day_month_year_and_24_hours(
    cast, client_for, world
):
    recording = Recording.objects.get(pk=world["recording_id"])
    started = timezone.localtime(recording.started_at)
    url = reverse(
        "access:recording_detail",
        kwargs={"org_slug": cast.organisation.slug, "recording_id": recording.pk},
    )
    text = page_text(read(client_for(cast["manager"]), url, "en"))
    assert started.strftime(f"{started.day} %b %Y, %H:%M") in text
    dutch = page_text(read(client_for(cast["manager"]), url, "nl"))
    with translation.override("nl"):
        assert formats.date_format(started, "DATETIME_FORMAT") in dutch
