"""Ingest tokens in the browser: the administrator (password and TOTP) finds the page in the
menu, creates a token for a recorder with an expiry, copies it from the one page that shows it,
sees that it is not shown again, and revokes it after a confirmation; the recorder's next push
is refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from access.tests.conftest import register_for
from recordings.models import IngestToken
from recordings.tests.factories import wav_bytes
from tests.browser import test_four_eyes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

open_browser_for = test_four_eyes.open_browser_for


def push(raw: str, n: int):
    metadata = {
        "call_id": f"browser-{n}",
        "direction": "inbound",
        "started_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
    }
    return Client().post(
        "/api/v1/recordings",
        {
            "metadata": json.dumps(metadata),
            "audio": SimpleUploadedFile("call.wav", wav_bytes(seed=n), "audio/wav"),
        },
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_administrator_creates_a_token_sees_it_once_and_revokes_it(
    cast, open_browser_for, live_server
):
    register_for(cast.organisation)
    admin = open_browser_for("acme-administrator")
    page = admin.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ingest tokens").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/o/acme/tokens/"
    assert "No tokens yet." in page.locator("table.data").inner_text()

    expires = timezone.localtime(timezone.now() + timedelta(days=30)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    page.fill("input[name=name]", "Asterisk 1")
    page.fill("input[name=expires_at]", expires.strftime("%Y-%m-%dT%H:%M"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "it will not be shown again" in page.locator("main section.card").inner_text()
    raw = page.locator("#raw-token").input_value()
    assert raw.startswith("es_")
    token = IngestToken.objects.get()
    assert token.expires_at == expires
    assert push(raw, 1).status_code == 201

    # Reloading the list shows the token's row, never the token itself.
    page.goto(f"{live_server.url}/o/acme/tokens/")
    assert raw not in page.content()
    row = page.locator("table.data tbody tr", has_text="Asterisk 1")
    assert "Active" in row.inner_text()

    row.get_by_role("link", name="Revoke").click()
    page.wait_for_load_state()
    assert "This cannot be undone" in page.locator("main").inner_text()
    page.get_by_role("button", name="Revoke token").click()
    page.wait_for_load_state()
    assert "Asterisk 1 is revoked" in page.locator(".messages").inner_text()
    assert "Revoked" in page.locator("table.data tbody tr", has_text="Asterisk 1").inner_text()
    refused = push(raw, 2)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert admin.problems == []
