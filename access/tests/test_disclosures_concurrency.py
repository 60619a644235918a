"""The disclosure code under parallel guesses, on the real database: each guess runs the whole
view stack in a thread of its own with its own connection. However they interleave, at most
MAX_CODE_ATTEMPTS wrong codes are counted and logged, none answers 500, and the link is closed."""

from __future__ import annotations

import re

import httpx
import pytest
from django.test import Client

from access.disclosures import MAX_CODE_ATTEMPTS
from access.models import Disclosure
from access.tests.test_disclosures import _disclose, _link_and_code
from access.tests.test_four_eyes_concurrency import _race
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

GUESSES = 12


def _guess(link: str):
    client = Client()

    def post() -> int:
        return client.post(link, {"code": "12345678"}).status_code

    return post


def test_parallel_wrong_codes_count_at_most_the_limit(four_eyes, police):  # noqa: F811
    disclosure = _disclose(four_eyes, police)
    link, code = _link_and_code()
    statuses = _race(*(_guess(link) for _ in range(GUESSES)), line_up=disclosure)
    assert set(statuses) <= {400, 410}, statuses
    assert statuses.count(400) + statuses.count(410) == GUESSES
    disclosure.refresh_from_db()
    assert disclosure.failed_code_attempts == MAX_CODE_ATTEMPTS
    failed = AuditEvent.objects.filter(action="access.disclosure.code_failed")
    assert failed.count() == MAX_CODE_ATTEMPTS
    assert sorted(event.detail["attempts"] for event in failed) == list(
        range(1, MAX_CODE_ATTEMPTS + 1)
    )
    # The right code no longer opens the link.
    assert Client().post(link, {"code": code}).status_code == 410
    assert Disclosure.objects.get(pk=disclosure.pk).failed_code_attempts == MAX_CODE_ATTEMPTS


def test_parallel_wrong_codes_over_real_http(four_eyes, police, live_server):  # noqa: F811
    """The same through a live server: separate browsers, each with its CSRF cookie."""
    disclosure = _disclose(four_eyes, police)
    link, code = _link_and_code()
    url = live_server.url + link
    browsers = []
    for _ in range(GUESSES):
        browser = httpx.Client(timeout=60)
        page = browser.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        browsers.append((browser, token))

    def guess(browser: httpx.Client, token: str):
        def post() -> int:
            return browser.post(
                url,
                data={"code": "12345678", "csrfmiddlewaretoken": token},
                headers={"Referer": url},
            ).status_code

        return post

    try:
        statuses = _race(*(guess(*pair) for pair in browsers))
    finally:
        for browser, _token in browsers:
            browser.close()
    assert set(statuses) <= {400, 410}, statuses
    disclosure.refresh_from_db()
    assert disclosure.failed_code_attempts == MAX_CODE_ATTEMPTS
    assert AuditEvent.objects.filter(action="access.disclosure.code_failed").count() == (
        MAX_CODE_ATTEMPTS
    )
    assert Client().post(link, {"code": code}).status_code == 410
