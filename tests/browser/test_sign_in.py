"""A person signs in and sees the dashboard; switches organisation; switches language."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.constants import Role
from organisations.tests.factories import UserFactory, membership
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_employee_signs_in_and_sees_the_dashboard(page, live_server, cast):
    sign_in(page, live_server, "acme-employee")
    assert page.locator("h1").inner_text() == "Acme Klantcontact"
    assert "You work here as Employee" in page.content()
    nav = page.locator("nav.mainnav")
    assert nav.get_by_text("Dashboard").is_visible()
    assert nav.get_by_text("Audit trail").count() == 0
    page.screenshot(path=str(live_server_screenshot_dir() / "dashboard.png"))


def test_wrong_password_shows_an_error_and_keeps_the_user_out(page, live_server, cast):
    sign_in(page, live_server, "acme-employee", password="not the password")
    assert "/account/login/" in page.url
    assert page.locator(".errors").is_visible()


def test_user_switches_between_organisations(page, live_server, cast):
    both = UserFactory(username="both")
    membership(both, cast.organisation, Role.COACH)
    membership(both, cast.other_organisation, Role.EMPLOYEE)
    sign_in(page, live_server, "both")
    page.click("details.switcher summary")
    page.click(f"text={cast.other_organisation.name}")
    assert page.locator("h1").inner_text() == cast.other_organisation.name


@pytest.mark.parametrize("page_language", ["nl"])
def test_dutch_by_default_and_english_on_request(page, live_server, cast):
    sign_in(page, live_server, "acme-coach")
    assert "U werkt hier als Coach" in page.content()
    page.select_option("#language-select", "en")
    page.click("footer button[type=submit]")
    page.wait_for_load_state()
    assert "You work here as Coach" in page.content()


def test_auditor_sets_up_totp_and_reads_the_audit_trail(page, live_server, cast):
    sign_in(page, live_server, "acme-auditor")
    assert "/account/two-factor/" in page.url
    assert page.locator(".qr svg").is_visible()
    device = TOTPDevice.objects.get(user=cast["auditor"])
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    # The backup codes are shown once; continuing leads on.
    assert page.locator("[data-backup-codes] li").count() == 10
    page.click("text=I have stored them, continue")
    page.wait_for_load_state()
    page.click("nav.mainnav >> text=Audit trail")
    assert page.locator("h1").inner_text() == "Audit trail"
    assert page.locator("main table td", has_text="signed in").first.is_visible()  # as a sentence


def live_server_screenshot_dir():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "test-results"
    path.mkdir(exist_ok=True)
    return path
