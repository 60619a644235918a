"""Coaching settings in the browser: the administrator finds the page in the menu, a sample
size out of range is refused beside its field, then two calls a quarter drawn at once, the
purpose and an arbiter are saved and shown back; the change is in the audit trail."""

from __future__ import annotations

import pytest

from access.tests.conftest import register_for
from audit.models import AuditEvent
from coaching.models import SamplingPolicy
from tests.browser import test_four_eyes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

open_browser_for = test_four_eyes.open_browser_for


def test_administrator_sets_the_sample_and_the_arbiter(cast, open_browser_for, live_server):
    register_for(cast.organisation)
    leader = cast["team_leader"]
    leader.first_name, leader.last_name = "Tessa", "Teamleider"
    leader.save()
    admin = open_browser_for("acme-administrator")
    page = admin.page
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Coaching settings").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/o/acme/coaching/settings/"
    assert "applies from the next draw" in page.inner_text("main")

    page.fill("input[name=per_quarter]", "13")
    page.select_option("select[name=purpose]", label="Coaching en monitoring")
    # The browser's own range check would stop the form: let the server answer.
    page.eval_on_selector("form[data-coaching-settings]", "f => f.noValidate = true")
    page.click("main form button[data-save]")
    page.wait_for_load_state()
    field = page.locator("p.field.invalid")
    assert field.count() == 1
    assert "less than or equal to 12" in field.inner_text()
    assert field.locator("input[name=per_quarter]").count() == 1
    assert not SamplingPolicy.objects.filter(organisation=cast.organisation).exists()

    page.fill("input[name=per_quarter]", "2")
    page.select_option("select[name=mode]", "at_once")
    page.fill("input[name=dispute_days]", "10")
    page.select_option("select[name=arbiter]", label="Tessa Teamleider")
    page.click("main form button[data-save]")
    page.wait_for_load_state()
    assert "Coaching settings saved." in page.inner_text("main")
    assert page.input_value("input[name=per_quarter]") == "2"
    assert page.input_value("select[name=mode]") == "at_once"
    assert page.input_value("select[name=arbiter]") == str(leader.pk)
    policy = SamplingPolicy.objects.get(organisation=cast.organisation)
    assert (policy.per_quarter, policy.mode, policy.purpose.code) == (2, "at_once", "coaching")
    event = AuditEvent.objects.get(action="coaching.settings.changed")
    assert event.detail["changed"]["dispute_days"] == [14, 10]
    assert admin.problems == []
