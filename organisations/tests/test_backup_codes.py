"""Backup codes: ten one-time codes shown once at TOTP setup, accepted instead of the TOTP code
at the sign-in's second step, each once, and a new set on request that ends the old one."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from organisations.backup_codes import backup_codes_create

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _half_signed_in(username: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _with_device(user) -> list[str]:
    TOTPDevice.objects.create(user=user, confirmed=True, name="Authenticator")
    return backup_codes_create(user=user)


def _codes_on_page(content: bytes) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", content.decode())


def test_setup_shows_ten_backup_codes_once_and_audits_it(cast):
    client = _half_signed_in("acme-manager")
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=cast["manager"])
    response = client.post(
        reverse("two_factor"), {"token": f"{totp(device.bin_key):06d}", "next": "/o/acme/"}
    )
    assert response.status_code == 200
    codes = _codes_on_page(response.content)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert b"only time Earshot shows them" in response.content
    assert b'href="/o/acme/"' in response.content  # continue to where they were going
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=cast["manager"]).values_list("token", flat=True)
    )
    # Signed in fully, and the codes are not shown again anywhere.
    assert (
        client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"})).status_code
        == 200
    )
    page = client.get(reverse("two_factor_backup_codes"))
    assert _codes_on_page(page.content) == []
    assert b"You have 10 unused backup codes." in page.content
    actions = list(
        AuditEvent.objects.filter(organisation=cast.organisation, actor_id=cast["manager"].pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["auth.two_factor.set_up", "auth.backup_codes.generated"]


def test_a_backup_code_signs_in_once_and_the_page_says_how_many_remain(cast):
    codes = _with_device(cast["auditor"])
    client = _half_signed_in("acme-auditor")
    response = client.post(reverse("two_factor"), {"token": codes[3].upper(), "next": "/o/acme/"})
    assert response.status_code == 302 and response["Location"] == "/o/acme/"
    dashboard = client.get("/o/acme/")
    assert dashboard.status_code == 200
    assert b"9 backup codes remain" in dashboard.content
    event = AuditEvent.objects.get(action="auth.backup_code.used")
    assert event.actor_id == cast["auditor"].pk
    assert event.organisation_id == cast.organisation.pk
    assert event.detail == {"remaining_backup_codes": 9}
    assert codes[3] not in str(event.detail)

    again = _half_signed_in("acme-auditor")
    refused = again.post(reverse("two_factor"), {"token": codes[3]})
    assert refused.status_code == 200
    assert b"not valid or has been used already" in refused.content
    assert again.get("/o/acme/").status_code == 302  # still sent to the second step
    assert StaticToken.objects.filter(device__user=cast["auditor"]).count() == 9


def test_a_wrong_backup_code_is_refused_and_changes_nothing(cast):
    codes = _with_device(cast["privacy_officer"])
    client = _half_signed_in("acme-privacy_officer")
    wrong = "aaaa2222" if "aaaa2222" not in codes else "bbbb3333"
    response = client.post(reverse("two_factor"), {"token": wrong})
    assert response.status_code == 200
    assert b"not valid or has been used already" in response.content
    assert StaticToken.objects.filter(device__user=cast["privacy_officer"]).count() == 10
    assert "otp_device_id" not in client.session
    assert not AuditEvent.objects.filter(action="auth.backup_code.used").exists()
    # Right after a wrong code the device is throttled (django-otp): guessing is slowed down.
    throttled = client.post(reverse("two_factor"), {"token": codes[0]})
    assert throttled.status_code == 200
    assert "otp_device_id" not in client.session


def test_text_that_is_neither_a_code_nor_a_backup_code_is_explained(cast):
    _with_device(cast["manager"])
    client = _half_signed_in("acme-manager")
    response = client.post(reverse("two_factor"), {"token": "12ab"})
    assert response.status_code == 200
    assert b"or one of your backup codes" in response.content


def test_a_backup_code_from_another_user_does_not_work(cast):
    _with_device(cast["manager"])
    other_codes = _with_device(cast["administrator"])
    client = _half_signed_in("acme-manager")
    response = client.post(reverse("two_factor"), {"token": other_codes[0]})
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=cast["administrator"]).count() == 10


def test_a_new_set_ends_the_old_codes(cast, client_for):
    old = _with_device(cast["manager"])
    client = client_for(cast["manager"])
    response = client.post(reverse("two_factor_backup_codes"))
    new = _codes_on_page(response.content)
    assert len(new) == 10 and not set(new) & set(old)
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="auth.backup_codes.generated").count() == 2

    signing_in = _half_signed_in("acme-manager")
    refused = signing_in.post(reverse("two_factor"), {"token": old[0]})
    assert refused.status_code == 200
    # django-otp throttles after the wrong code (1 s, doubling); this test does not wait.
    StaticDevice.objects.get(user=cast["manager"]).throttle_reset()
    accepted = _half_signed_in("acme-manager").post(reverse("two_factor"), {"token": new[0]})
    assert accepted.status_code == 302


def test_the_password_alone_cannot_make_new_codes(cast):
    old = _with_device(cast["manager"])
    client = _half_signed_in("acme-manager")
    response = client.post(reverse("two_factor_backup_codes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    assert sorted(old) == sorted(
        StaticToken.objects.filter(device__user=cast["manager"]).values_list("token", flat=True)
    )


def test_without_two_factor_there_are_no_backup_codes_to_make(cast):
    client = Client()
    client.force_login(cast["employee"])
    client.cookies["django_language"] = "en"
    response = client.post(reverse("two_factor_backup_codes"))
    assert response.status_code == 200
    assert b"which you have not set up" in response.content
    assert not StaticToken.objects.exists()
