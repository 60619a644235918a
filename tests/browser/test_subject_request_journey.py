"""A data subject request from start to end, as the people involved see it: a member of the
public sends an access request on the organisation's public form (in Dutch, the default) and
confirms it from the e-mail; the privacy officer finds it in the list, prepares a copy and cannot
approve it herself; the manager approves it from the dashboard's to-do; the requester receives
a link and, in a separate message, the code, and downloads the copy with them."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from access.tests.conftest import register_for
from organisations.models import Membership
from recordings.tests.factories import recording_create
from subjects.models import SubjectRequest
from subjects.services import public_form_set
from tests.browser import test_four_eyes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

open_browser_for = test_four_eyes.open_browser_for
EMAIL = "sanne@example.nl"


def _path(url: str) -> str:
    """The path of a link in an e-mail, whatever host the e-mail's base URL names."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_public_request_confirmed_copied_approved_and_downloaded(
    cast, open_browser_for, live_server, browser
):
    register_for(cast.organisation, customer_fields=("phone", "name"))
    call = recording_create(
        organisation=cast.organisation, customer_phone="+31612345600", call_id="pbx-501"
    )
    officer_membership = Membership.objects.get(
        organisation=cast.organisation, user=cast.users["privacy_officer"]
    )
    public_form_set(membership=officer_membership, enabled=True, ip_address=None)

    public = browser.new_context(locale="nl")
    public.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    visitor = public.new_page()
    problems: list[str] = []
    visitor.on("console", lambda m: m.type == "error" and problems.append(m.text))
    visitor.goto(f"{live_server.url}/rights/acme/")
    visitor.select_option("select[name=right]", "access")
    visitor.fill("input[name=requester_name]", "Sanne Visser")
    visitor.fill("input[name=requester_email]", EMAIL)
    # Two numbers, one a line, as the help text says.
    visitor.fill("textarea[name=phones]", "06 1234 5600\n020 123 4567")
    visitor.click("main form button[type=submit]")
    visitor.wait_for_load_state()
    assert "Kijk in uw e-mail" in visitor.inner_text("main")
    link = re.search(r"http://\S+/confirm/\S+/", mail.outbox[-1].body).group(0)
    visitor.goto(live_server.url + _path(link))
    visitor.click("main form button[type=submit]")
    visitor.wait_for_load_state()
    request = SubjectRequest.objects.get(requester_name="Sanne Visser")
    assert request.reference in visitor.inner_text("[data-confirmed]")
    mail.outbox.clear()

    officer = open_browser_for("acme-privacy_officer")
    op = officer.page
    op.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Data subject requests"
    ).click()
    op.wait_for_load_state()
    op.click(f"table.data a:has-text('{request.reference}')")
    op.wait_for_load_state()
    assert op.locator("[data-recordings] li", has_text=call.call_id).count() == 1
    op.select_option("select[name=answer-action]", "copy")
    op.select_option("select[name=answer-decision]", "granted")
    op.fill("textarea[name=answer-reason]", "U hebt recht op een kopie van uw gegevens.")
    op.select_option("select[name=answer-language]", "nl")
    op.select_option("select[name=answer-media]", "audio")
    op.click("[data-answer-form] button[type=submit]")
    op.wait_for_load_state()
    assert op.locator("[data-approve]").count() == 0  # not her own approval
    assert [m.to for m in mail.outbox] == [["acme-manager@example.test"]]
    mail.outbox.clear()

    manager = open_browser_for("acme-manager")
    mp = manager.page
    mp.goto(live_server.url + reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    mp.click("text=Answers to data subject requests to approve")
    mp.wait_for_load_state()
    mp.click("[data-approve]")
    mp.wait_for_load_state()
    assert "Approved and carried out; the request is answered." in mp.content()

    # The requester: a link in one e-mail, the code in another.
    assert [m.to for m in mail.outbox] == [[EMAIL], [EMAIL]]
    bodies = " ".join(m.body for m in mail.outbox)
    download = re.search(r"http://\S+/d/\S+/", bodies).group(0)
    code = re.search(r"\b(\d{8})\b", bodies).group(1)
    visitor.goto(live_server.url + _path(download))
    visitor.fill("input[name=code]", code)
    visitor.click("main form button[type=submit]")
    visitor.wait_for_load_state()
    with visitor.expect_download() as copy:
        visitor.click("main a:has-text('Downloaden')")
    with open(copy.value.path(), "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert any(name.endswith(".pdf") for name in names)
    public.close()
    assert problems == [] and officer.problems == [] and manager.problems == []
