"""Signing in: audited, locked out after repeated failures, TOTP for the sensitive roles."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_employee_signs_in_with_a_password_and_it_is_audited(cast):
    client = Client()
    response = _sign_in(client, "acme-employee")
    assert response.status_code == 302
    dashboard = client.get(reverse("home"), follow=True)
    assert dashboard.status_code == 200
    assert b"Acme Klantcontact" in dashboard.content
    event = AuditEvent.objects.get(action="auth.signin.succeeded")
    assert event.organisation_id == cast.organisation.pk
    assert event.actor_id == cast["employee"].pk


def test_failed_sign_in_is_audited_without_the_typed_text(cast):
    _sign_in(Client(), "acme-employee", "wrong password")
    _sign_in(Client(), "nobody-we-know", "wrong password")
    failures = AuditEvent.objects.filter(action="auth.signin.failed")
    assert failures.count() == 2
    assert failures.filter(organisation=cast.organisation, target_id=str(cast["employee"].pk))
    unknown = failures.get(organisation__isnull=True)
    assert "nobody-we-know" not in str(unknown.detail)


def test_account_is_locked_after_five_failures_even_with_the_right_password(cast, settings):
    client = Client()
    for _ in range(5):
        _sign_in(client, "acme-coach", "wrong password")
    response = _sign_in(client, "acme-coach")
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content or b"Te veel" in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.signin.locked_out").exists()


@pytest.mark.parametrize("role", ["manager", "privacy_officer", "administrator", "auditor"])
def test_sensitive_roles_must_set_up_totp_before_anything_else(cast, role):
    client = Client()
    assert _sign_in(client, f"acme-{role}").status_code == 302
    response = client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    assert response.status_code == 302
    # Where they were going is kept through the TOTP step.
    assert response["Location"] == reverse("two_factor") + "?next=%2Fo%2Facme%2F"
    setup = client.get(reverse("two_factor"))
    assert b"<svg" in setup.content  # the QR code, inline SVG, no script


@pytest.mark.parametrize("role", ["employee", "coach", "team_leader"])
def test_other_roles_sign_in_without_totp(cast, role):
    client = Client()
    _sign_in(client, f"acme-{role}")
    response = client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    assert response.status_code == 200


def test_totp_setup_confirms_the_device_and_opens_the_dashboard(cast):
    client = Client()
    _sign_in(client, "acme-manager")
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=cast["manager"])
    assert not device.confirmed
    wrong = client.post(
        reverse("two_factor"), {"token": f"{(totp(device.bin_key) + 1) % 10**6:06d}"}
    )
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    # django-otp throttles a device after a wrong code (1 s, doubling); this test does not wait.
    device.throttle_reset()
    right = client.post(
        reverse("two_factor"), {"token": f"{totp(device.bin_key):06d}", "next": "/o/acme/audit/"}
    )
    # The backup codes are shown once; "continue" leads to the link they followed before.
    assert right.status_code == 200
    assert b'href="/o/acme/audit/"' in right.content
    device.refresh_from_db()
    assert device.confirmed
    dashboard = client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    assert dashboard.status_code == 200


def test_guessing_codes_is_throttled(cast):
    client = Client()
    _sign_in(client, "acme-manager")
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=cast["manager"])
    client.post(reverse("two_factor"), {"token": f"{(totp(device.bin_key) + 1) % 10**6:06d}"})
    right = client.post(reverse("two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert right.status_code == 200  # refused: still throttled after the wrong guess
    assert "_auth_user_id" in client.session and "otp_device_id" not in client.session


def test_a_code_that_is_not_six_digits_shows_an_error_beside_the_field(cast):
    client = Client()
    client.cookies["django_language"] = "en"
    _sign_in(client, "acme-auditor")
    response = client.post(reverse("two_factor"), {"token": "12ab"})
    assert b"Enter the six digits your app shows." in response.content


def test_two_factor_next_does_not_redirect_off_site(cast):
    client = Client()
    _sign_in(client, "acme-auditor")
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=cast["auditor"])
    response = client.post(
        reverse("two_factor"),
        {"token": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"},
    )
    assert b"evil.example" not in response.content
    assert b'class="button primary" href="/"' in response.content


def test_demo_switches_totp_off(cast, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client = Client()
    _sign_in(client, "acme-manager")
    response = client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    assert response.status_code == 200
