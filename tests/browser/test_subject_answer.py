"""In the browser, two people: the privacy officer prepares a copy for a data subject and cannot
approve it herself; the manager follows the dashboard's to-do and approves; the copy's link and
code are e-mailed and the privacy officer downloads the answer letter."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from recordings.tests.factories import recording_create
from subjects.tests.conftest import register_request, registers  # noqa: F401 (fixture)
from tests.browser.test_four_eyes import open_browser_for  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "+31612345678"
EMAIL = "jan@example.nl"


def test_privacy_officer_prepares_the_copy_and_the_manager_approves_it(
    open_browser_for,  # noqa: F811
    live_server,
    registers,  # noqa: F811
):
    cast = registers
    recording_create(organisation=cast.organisation, customer_phone=PHONE)
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    detail = live_server.url + reverse(
        "subjects:detail", kwargs={"org_slug": "acme", "subject_request_id": request.pk}
    )

    officer = open_browser_for("acme-privacy_officer")
    op = officer.page
    op.goto(detail)
    op.select_option("select[name=answer-action]", "copy")
    op.select_option("select[name=answer-decision]", "granted")
    op.fill("textarea[name=answer-reason]", "You have the right to a copy of your data.")
    op.select_option("select[name=answer-language]", "en")
    op.select_option("select[name=answer-media]", "audio")
    op.click("[data-answer-form] button[type=submit]")
    op.wait_for_load_state()
    assert "another privacy officer or a manager must approve it" in op.content()
    assert op.locator("[data-approval-refusal]").count() == 1
    assert op.locator("[data-approve]").count() == 0
    # The manager is told by e-mail that an answer waits for approval; nothing went out yet.
    assert [message.to for message in mail.outbox] == [["acme-manager@example.test"]]
    mail.outbox.clear()

    manager = open_browser_for("acme-manager")
    mp = manager.page
    mp.goto(live_server.url + reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    mp.click("text=Answers to data subject requests to approve")
    mp.wait_for_load_state()
    mp.click("[data-approve]")
    mp.wait_for_load_state()
    assert "Approved and carried out; the request is answered." in mp.content()
    assert [message.to for message in mail.outbox] == [[EMAIL], [EMAIL]]

    op.goto(detail)
    with op.expect_download() as download:
        op.click("[data-letter]")
    with open(download.value.path(), "rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Our decision: we grant your request." in text
    assert "download link" in text
    assert officer.problems == [] and manager.problems == []
