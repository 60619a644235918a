"""Data subject requests in the browser: the privacy officer registers a request from the
menu and finds the caller's call; publishes the public form; a member of the public sends a
request, confirms it from the e-mail, and it appears in the privacy officer's list."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from access.tests.conftest import register_for
from recordings.tests.factories import recording_create
from subjects.models import SubjectRequest
from tests.browser import test_four_eyes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

open_browser_for = test_four_eyes.open_browser_for


def test_privacy_officer_registers_a_request_and_the_public_sends_one(
    cast, open_browser_for, live_server, browser
):
    register_for(cast.organisation, customer_fields=("phone", "name"))
    call = recording_create(
        organisation=cast.organisation, customer_phone="+31612345678", call_id="pbx-77"
    )
    officer = open_browser_for("acme-privacy_officer")
    page = officer.page
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Data subject requests"
    ).click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/o/acme/subject-requests/"
    page.click("text=Register a request")
    page.wait_for_load_state()
    assert page.locator("input[name=bsn]").count() == 0  # the register declares no BSN
    page.select_option("select[name=right]", "access")
    page.select_option("select[name=received_via]", "letter")
    page.fill("input[name=requester_name]", "Jan de Vries")
    page.fill("textarea[name=phones]", "06 - 1234 5678")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "AVG-" in main and "+31 6 12345678" in main
    assert page.locator("[data-recordings] li", has_text=call.call_id).count() == 1

    page.goto(f"{live_server.url}/o/acme/subject-requests/")
    page.click("text=Publish the public form")
    page.wait_for_load_state()
    form_url = page.locator("main a", has_text="/rights/acme/").inner_text()

    public = browser.new_context(locale="en")
    public.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    visitor = public.new_page()
    visitor.goto(form_url.replace("http://testserver", live_server.url))
    visitor.select_option("select[name=right]", "erasure")
    visitor.fill("input[name=requester_name]", "Piet Jansen")
    visitor.fill("input[name=requester_email]", "piet@example.nl")
    visitor.fill("textarea[name=phones]", "+31 6 8765 4321")
    visitor.click("main form button[type=submit]")
    visitor.wait_for_load_state()
    assert visitor.locator("[data-sent]").count() == 1
    link = re.search(r"http://\S+/confirm/\S+/", mail.outbox[-1].body).group(0)
    visitor.goto(live_server.url + "/rights/" + link.split("/rights/", 1)[1])
    visitor.click("main form button[type=submit]")
    visitor.wait_for_load_state()
    assert visitor.locator("[data-confirmed]").count() == 1
    public.close()

    confirmed = SubjectRequest.objects.get(requester_name="Piet Jansen")
    assert confirmed.status == "open"
    page.goto(f"{live_server.url}/o/acme/subject-requests/")
    assert page.locator("table.data a", has_text=confirmed.reference).count() == 1
    assert officer.problems == []
