"""Dutch first, English selectable, every string translated, dates in the organisation's zone."""

from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
from django.urls import reverse
from django.utils import dateformat

import audit

PO_FILE = Path(__file__).resolve().parents[1] / "locale/nl/LC_MESSAGES/django.po"


def test_every_interface_string_has_a_dutch_translation():
    po = polib.pofile(str(PO_FILE))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    mo = PO_FILE.with_suffix(".mo")
    assert mo.stat().st_mtime >= PO_FILE.stat().st_mtime - 1, "run make messages"


@pytest.mark.django_db
def test_sign_in_page_is_dutch_by_default(client):
    page = client.get(reverse("login")).content.decode()
    assert "Inloggen bij Earshot" in page
    assert 'lang="nl"' in page


@pytest.mark.django_db
def test_english_can_be_chosen_and_sticks(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/account/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert "Sign in to Earshot" in page


@pytest.mark.django_db
def test_audit_times_are_shown_in_amsterdam_time(cast, client_for):
    event = audit.record(actor=None, action="auth.signin.failed", organisation=cast.organisation)
    local = event.created_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    page = client_for(cast["auditor"]).get(reverse("audit:trail", kwargs={"org_slug": "acme"}))
    html = page.content.decode()
    assert dateformat.format(local, "H:i") in html
    utc = event.created_at.astimezone(ZoneInfo("UTC"))
    if utc.utcoffset() != local.utcoffset():
        assert dateformat.format(utc, "H:i") not in html
