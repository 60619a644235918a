"""The demo banner says what is true about two-factor sign-in: it reads the setting that
decides (EARSHOT_TWO_FACTOR_REQUIRED), not what a demo usually does."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _login_page(settings, *, demo: bool, two_factor: bool) -> str:
    settings.DEMO = demo
    settings.TWO_FACTOR_REQUIRED = two_factor
    client = Client()
    client.cookies["django_language"] = "en"
    return client.get(reverse("login")).content.decode()


def test_demo_banner_says_two_factor_is_on_when_the_setting_is_on(settings):
    page = _login_page(settings, demo=True, two_factor=True)
    assert "two-factor sign-in is switched on" in page
    assert "switched off" not in page


def test_demo_banner_says_two_factor_is_off_when_the_setting_is_off(settings):
    page = _login_page(settings, demo=True, two_factor=False)
    assert "two-factor sign-in is switched off" in page


def test_demo_banner_in_dutch_states_the_setting(settings):
    settings.DEMO = True
    settings.TWO_FACTOR_REQUIRED = True
    client = Client()
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("login")).content.decode()
    assert "staat aan" in page


def test_no_banner_outside_the_demo(settings):
    page = _login_page(settings, demo=False, two_factor=True)
    assert "Demo installation" not in page
