"""An installation administrator creates an organisation and invites its administrator, who
accepts, chooses a password and sets up two-factor sign-in: no shell at any step."""

import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.installation import installation_admin_designate
from organisations.models import Membership, Organisation
from organisations.tests.factories import UserFactory
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _enter_code(page, device) -> None:
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_new_organisation_from_invitation_to_two_factor(page, live_server, settings):
    settings.BASE_URL = live_server.url
    ict = UserFactory(username="ict-beheer")
    installation_admin_designate(user=ict, actor=None)
    device = TOTPDevice.objects.create(user=ict, name="ict", confirmed=True)

    sign_in(page, live_server, "ict-beheer")
    _enter_code(page, device)
    assert page.locator("h1").inner_text() == "Installation"

    page.click("text=New organisation")
    page.fill("input[name=name]", "Gemeente Voorbeeld KCC")
    page.fill("input[name=slug]", "Niet goed")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".field.invalid input[name=slug]").is_visible()
    assert not Organisation.objects.exists()

    page.fill("input[name=slug]", "voorbeeld-kcc")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Gemeente Voorbeeld KCC"

    page.fill("input[name=email]", "beheer@voorbeeld.example")
    page.click("main form.card button[type=submit]")
    page.wait_for_load_state()
    row = page.locator("tr[data-invitation]")
    assert "beheer@voorbeeld.example" in row.inner_text()
    assert "Waiting to be accepted" in row.inner_text()
    (message,) = mail.outbox
    link = re.search(r"http://\S+/invitation/\S+/", message.body).group(0)

    # The invited administrator, in a browser of their own.
    page.click("header button[type=submit]")  # sign out
    page.wait_for_load_state()
    page.goto(link)
    assert page.locator("h1").inner_text() == "Join Gemeente Voorbeeld KCC"
    assert page.input_value("input[name=username]") == "beheer@voorbeeld.example"
    page.fill("input[name=username]", "beheer")
    page.fill("input[name=password1]", "een lange wachtzin voor beheer")
    page.fill("input[name=password2]", "een lange wachtzin voor beheer")
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    assert "/account/two-factor/" in page.url
    assert page.locator(".qr svg").is_visible()
    new_device = TOTPDevice.objects.get(user__username="beheer")
    _enter_code(page, new_device)
    if page.locator("[data-backup-codes]").count():
        page.click("text=I have stored them, continue")
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Gemeente Voorbeeld KCC"
    assert "You work here as Administrator" in page.content()
    assert Membership.objects.get(user__username="beheer").role == "administrator"

    # The link was for one use (asked outside the page: the browser logs a 410 as an error).
    again = page.request.get(link)
    assert again.status == 410 and "already been used" in again.text()
