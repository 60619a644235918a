"""Two-factor in the browser: backup codes shown at setup and used once at sign-in; a lost
device reset by an administrator and approved by the privacy officer."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MOTIVATION = "Telefoon gestolen op het station; zelf gebeld en identiteit gecontroleerd."


def _enter(page, code: str) -> None:
    page.fill("input[name=token]", code)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.click("header .account button[type=submit]")
    page.wait_for_load_state()


def _sign_in_with_app(page, live_server, user) -> None:
    device = TOTPDevice.objects.create(user=user, confirmed=True, name="phone")
    sign_in(page, live_server, user.get_username())
    _enter(page, f"{totp(device.bin_key):06d}")


def test_backup_codes_then_a_four_eyes_reset(page, live_server, cast):
    # The manager sets up the app and is shown ten backup codes, once.
    sign_in(page, live_server, "acme-manager")
    device = TOTPDevice.objects.get(user=cast["manager"])
    _enter(page, f"{totp(device.bin_key):06d}")
    codes = page.locator("[data-backup-codes] li code").all_inner_texts()
    assert len(codes) == 10
    page.click("text=I have stored them, continue")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Acme Klantcontact"
    _sign_out(page)

    # Without the phone: a backup code signs in, once, and the page says how many remain.
    sign_in(page, live_server, "acme-manager")
    _enter(page, codes[0])
    assert "9 backup codes remain" in page.locator(".messages").inner_text()
    page.click("text=Backup codes")
    assert "You have 9 unused backup codes." in page.content()
    _sign_out(page)
    sign_in(page, live_server, "acme-manager")
    _enter(page, codes[0])
    assert "has been used already" in page.content()
    _sign_out(page)

    # The administrator asks for a reset with a motivation.
    _sign_in_with_app(page, live_server, cast["administrator"])
    page.click("nav.mainnav >> text=Two-factor resets")
    page.select_option("select[name=member]", label="acme-manager (Manager)")
    page.fill("textarea[name=motivation]", MOTIVATION)
    page.click("[data-reset-form] button[type=submit]")
    page.wait_for_load_state()
    assert "waits for another administrator or the privacy officer" in page.content()
    assert page.locator("[data-open-resets] button").count() == 0  # not theirs to approve
    _sign_out(page)

    # The privacy officer sees it waiting on the dashboard and approves.
    _sign_in_with_app(page, live_server, cast["privacy_officer"])
    page.click("text=Two-factor resets waiting for your approval")
    page.wait_for_load_state()
    assert MOTIVATION in page.content()
    page.click("[data-open-resets] >> text=Approve")
    page.wait_for_load_state()
    assert "set up a new device at their next sign-in" in page.content()
    _sign_out(page)

    # The manager's next sign-in sets up a new device.
    sign_in(page, live_server, "acme-manager")
    assert "/account/two-factor/" in page.url
    assert page.locator(".qr svg").is_visible()
