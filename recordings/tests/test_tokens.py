"""The ingest token page: only the organisation's administrator lists, creates (shown once),
expires and revokes tokens; the API refuses an expired or revoked token; each step is audited."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.tests.conftest import register_for
from audit.models import AuditEvent
from conftest import signed_in_client
from organisations.constants import Role
from recordings.models import IngestToken, Recording
from recordings.tests.factories import wav_bytes
from recordings.tokens import _hash, ingest_token_create, ingest_token_revoke

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=AMS)
NOT_ADMINISTRATORS = [role.value for role in Role if role != Role.ADMINISTRATOR]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def token(cast):
    register_for(cast.organisation)
    return ingest_token_create(organisation=cast.organisation, name="Asterisk 1", actor=None)


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def admin(cast, client_for):
    return english(client_for(cast["administrator"]))


def url(name, cast, token_id=None, slug=None):
    kwargs = {"org_slug": slug or cast.organisation.slug}
    if token_id is not None:
        kwargs["token_id"] = token_id
    return reverse(f"recordings_tokens:{name}", kwargs=kwargs)


def push(raw, n=1):
    metadata = {
        "call_id": f"api-{n}",
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


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# --- who may -------------------------------------------------------------------------------


def test_the_administrator_sees_the_tokens_and_the_menu_item(cast, admin, token):
    response = admin.get(url("list", cast))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Asterisk 1" in page
    assert (
        url("list", cast)
        in admin.get(reverse("organisations:dashboard", args=["acme"])).content.decode()
    )
    for other_url in (url("expiry", cast, token[0].pk), url("revoke", cast, token[0].pk)):
        assert admin.get(other_url).status_code == 200


@pytest.mark.parametrize("role", NOT_ADMINISTRATORS)
def test_every_other_role_is_refused_everywhere_and_changes_nothing(cast, client_for, token, role):
    row, raw = token
    client = client_for(cast[role])
    assert client.get(reverse("organisations:dashboard", args=["acme"])).status_code == 200
    assert (
        url("list", cast)
        not in client.get(reverse("organisations:dashboard", args=["acme"])).content.decode()
    )
    assert client.get(url("list", cast)).status_code == 403
    assert client.post(url("list", cast), {"name": "Sneaky"}).status_code == 403
    assert client.get(url("expiry", cast, row.pk)).status_code == 403
    expiry = {"expires_at": "2026-04-01T00:00"}
    assert client.post(url("expiry", cast, row.pk), expiry).status_code == 403
    assert client.get(url("revoke", cast, row.pk)).status_code == 403
    assert client.post(url("revoke", cast, row.pk)).status_code == 403
    row.refresh_from_db()
    assert (row.revoked_at, row.expires_at) == (None, None)
    assert list(IngestToken.objects.values_list("name", flat=True)) == ["Asterisk 1"]
    assert push(raw).status_code == 201


def test_an_administrator_of_another_organisation_gets_404_on_every_url(cast, client_for, token):
    row, raw = token
    other_token, _ = ingest_token_create(
        organisation=cast.other_organisation, name="Their PBX", actor=None
    )
    client = client_for(cast.outsider)
    # Under the victim's slug: the organisation itself is not confirmed.
    for method, target in [
        ("get", url("list", cast)),
        ("post", url("list", cast)),
        ("get", url("expiry", cast, row.pk)),
        ("post", url("expiry", cast, row.pk)),
        ("get", url("revoke", cast, row.pk)),
        ("post", url("revoke", cast, row.pk)),
    ]:
        response = getattr(client, method)(target, {"expires_at": "2026-04-01T00:00"})
        assert response.status_code == 404, (method, target)
        assert b"Asterisk" not in response.content
    # Under their own slug, with a forged id of the victim's token.
    for method, name in [
        ("get", "expiry"),
        ("post", "expiry"),
        ("get", "revoke"),
        ("post", "revoke"),
    ]:
        target = url(name, cast, row.pk, slug="other")
        response = getattr(client, method)(target, {"expires_at": "2026-04-01T00:00"})
        assert response.status_code == 404, (method, target)
        assert b"Asterisk" not in response.content
    # Their own list shows only their own token.
    own = client.get(url("list", cast, slug="other")).context["rows"]
    assert [listed.name for listed, _status in own] == ["Their PBX"]
    row.refresh_from_db()
    assert (row.revoked_at, row.expires_at) == (None, None)
    assert push(raw).status_code == 201
    assert other_token.pk != row.pk


def test_an_administrator_without_the_second_factor_is_sent_to_it(cast, token):
    client = Client()
    client.force_login(cast["administrator"])
    response = client.get(url("list", cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    response = client.post(url("revoke", cast, token[0].pk))
    assert response.status_code == 302
    token[0].refresh_from_db()
    assert token[0].revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(cast, token):
    response = Client().post(url("revoke", cast, token[0].pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    token[0].refresh_from_db()
    assert token[0].revoked_at is None


# --- create ----------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_stored_only_hashed(cast, admin):
    register_for(cast.organisation)
    response = admin.post(url("list", cast), {"name": "Recorder 2", "expires_at": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "it will not be shown again" in page
    raw = response.context["raw_token"]
    assert raw.startswith("es_") and raw in page
    row = IngestToken.objects.get(name="Recorder 2")
    assert row.token_hash == _hash(raw) and raw not in row.token_hash
    assert row.created_by == cast["administrator"] and row.expires_at is None
    # Never again: not on the list, not on the token's pages.
    for again in (url("list", cast), url("expiry", cast, row.pk), url("revoke", cast, row.pk)):
        assert raw not in admin.get(again).content.decode()
    # It works.
    assert push(raw).status_code == 201
    (event,) = events("recordings.token.created")
    assert event.actor_label == "acme-administrator"
    assert event.target_id == str(row.pk)
    assert event.detail == {"expires_at": None}
    assert raw not in json.dumps(event.detail) and row.token_hash not in json.dumps(event.detail)


def test_a_token_is_created_with_an_expiry_in_the_organisations_time_zone(cast, admin):
    response = admin.post(
        url("list", cast), {"name": "Tijdelijk", "expires_at": "2026-04-01T09:30"}
    )
    assert response.status_code == 200
    row = IngestToken.objects.get(name="Tijdelijk")
    assert row.expires_at == datetime(2026, 4, 1, 9, 30, tzinfo=AMS)
    (event,) = events("recordings.token.created")
    assert event.detail == {"expires_at": "2026-04-01T07:30:00+00:00"}
    assert "Tijdelijk" in admin.get(url("list", cast)).content.decode()


@pytest.mark.parametrize(
    "value,message",
    [
        ("2026-03-10T11:59", "Choose a moment in the future."),
        ("2020-01-01", "Choose a moment in the future."),
        ("0001-01-01T00:00", "Enter a date and time such as 2027-01-31 17:00."),
        ("tomorrow", "Enter a date and time such as 2027-01-31 17:00."),
        ("2026-02-30T10:00", "Enter a date and time such as 2027-01-31 17:00."),
        ("9999-12-31T23:59-12:00", "Enter a date and time such as 2027-01-31 17:00."),
        ("2026-03-29T02:30", "2026-03-29 02:30:00 couldn’t be interpreted"),
    ],
)
def test_a_bad_expiry_gets_a_form_error_and_creates_nothing(cast, admin, value, message):
    response = admin.post(url("list", cast), {"name": "Recorder 3", "expires_at": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["raw_token"] is None
    assert not IngestToken.objects.exists()
    assert not events("recordings.token.created")


def test_a_name_is_required_and_unique_among_tokens_in_use(cast, admin, token):
    response = admin.post(url("list", cast), {"name": "  "})
    assert response.status_code == 400
    response = admin.post(url("list", cast), {"name": "Asterisk 1"})
    assert response.status_code == 400
    assert "A token named Asterisk 1 exists already" in response.content.decode()
    assert IngestToken.objects.count() == 1
    # Once the old one is revoked, its successor may carry the name.
    ingest_token_revoke(token=token[0], actor=None)
    assert admin.post(url("list", cast), {"name": "Asterisk 1"}).status_code == 200
    assert IngestToken.objects.filter(name="Asterisk 1").count() == 2


# --- revoke ----------------------------------------------------------------------------------


def test_revoking_asks_first_then_the_api_refuses_the_token(cast, admin, token):
    row, raw = token
    assert push(raw, 1).status_code == 201
    confirm = admin.get(url("revoke", cast, row.pk))
    assert "This cannot be undone" in confirm.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None  # looking at the question changes nothing
    response = admin.post(url("revoke", cast, row.pk), follow=True)
    assert "Asterisk 1 is revoked" in response.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert row.revoked_by == cast["administrator"]
    refused = push(raw, 2)
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        "This token was revoked; ask an administrator of the organisation for a new one."
    )
    assert Recording.objects.count() == 1
    (event,) = events("recordings.token.revoked")
    assert event.actor_label == "acme-administrator" and event.target_id == str(row.pk)
    assert raw not in json.dumps(event.detail) and row.token_hash not in json.dumps(event.detail)
    assert "Revoked" in admin.get(url("list", cast)).content.decode()


def test_revoking_twice_says_so_and_changes_nothing(cast, admin, token):
    row, _ = token
    admin.post(url("revoke", cast, row.pk))
    row.refresh_from_db()
    first = row.revoked_at
    response = admin.post(url("revoke", cast, row.pk), follow=True)
    assert "Asterisk 1 was revoked already; nothing changed." in response.content.decode()
    assert "was revoked already" in admin.get(url("revoke", cast, row.pk)).content.decode()
    row.refresh_from_db()
    assert row.revoked_at == first
    assert len(events("recordings.token.revoked")) == 1


def test_revoking_needs_the_csrf_token(cast, token):
    client = signed_in_client(cast["administrator"])
    client.handler.enforce_csrf_checks = True
    assert client.post(url("revoke", cast, token[0].pk)).status_code == 403
    token[0].refresh_from_db()
    assert token[0].revoked_at is None


# --- expiry ----------------------------------------------------------------------------------


def test_an_expiry_set_on_the_page_makes_the_api_refuse_the_token_from_then_on(
    cast, admin, client_for, token, clock
):
    row, raw = token
    response = admin.post(
        url("expiry", cast, row.pk), {"expires_at": "2026-03-11T08:00"}, follow=True
    )
    assert "The expiry of Asterisk 1 is saved." in response.content.decode()
    row.refresh_from_db()
    assert row.expires_at == datetime(2026, 3, 11, 8, 0, tzinfo=AMS)
    (event,) = events("recordings.token.expiry_changed")
    assert event.detail == {"expires_at_before": None, "expires_at": "2026-03-11T07:00:00+00:00"}
    assert event.actor_label == "acme-administrator"
    assert push(raw, 1).status_code == 201

    clock.move_to(datetime(2026, 3, 11, 8, 0, 1, tzinfo=AMS))
    refused = push(raw, 2)
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        "This token expired at 2026-03-11T07:00:00+00:00; ask an administrator of the "
        "organisation for a new one."
    )
    assert Recording.objects.count() == 1
    admin = english(client_for(cast["administrator"]))  # a new day, a new sign-in
    page = admin.get(url("list", cast)).content.decode()
    assert "Expired" in page
    # An expired token stays expired: its expiry can no longer be moved.
    again = admin.post(url("expiry", cast, row.pk), {"expires_at": "2026-05-01T00:00"})
    assert again.status_code == 400
    assert "This token has expired; create a new one." in again.content.decode()
    row.refresh_from_db()
    assert row.expires_at == datetime(2026, 3, 11, 8, 0, tzinfo=AMS)


def test_an_expiry_can_be_moved_or_cleared_and_each_change_is_audited(cast, admin, token, clock):
    row, raw = token
    admin.post(url("expiry", cast, row.pk), {"expires_at": "2026-03-11T08:00"})
    admin.post(url("expiry", cast, row.pk), {"expires_at": ""})
    row.refresh_from_db()
    assert row.expires_at is None
    # The same value again is no change and no event.
    response = admin.post(url("expiry", cast, row.pk), {"expires_at": ""}, follow=True)
    assert "Asterisk 1 already had that expiry." in response.content.decode()
    details = [event.detail for event in events("recordings.token.expiry_changed")]
    assert details == [
        {"expires_at_before": None, "expires_at": "2026-03-11T07:00:00+00:00"},
        {"expires_at_before": "2026-03-11T07:00:00+00:00", "expires_at": None},
    ]
    clock.move_to(datetime(2026, 6, 1, 12, 0, tzinfo=AMS))
    assert push(raw).status_code == 201


@pytest.mark.parametrize(
    "value,message",
    [
        ("2026-03-09T10:00", "Choose a moment in the future."),
        ("not a date", "Enter a date and time such as 2027-01-31 17:00."),
        ("2026-13-01", "Enter a date and time such as 2027-01-31 17:00."),
        ("99999-01-01", "Enter a date and time such as 2027-01-31 17:00."),
    ],
)
def test_a_bad_expiry_change_gets_a_form_error_and_changes_nothing(
    cast, admin, token, value, message
):
    row, raw = token
    admin.post(url("expiry", cast, row.pk), {"expires_at": "2026-04-01T00:00"})
    response = admin.post(url("expiry", cast, row.pk), {"expires_at": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    row.refresh_from_db()
    assert row.expires_at == datetime(2026, 4, 1, 0, 0, tzinfo=AMS)
    assert len(events("recordings.token.expiry_changed")) == 1
    assert push(raw).status_code == 201


def test_a_revoked_token_gets_no_new_expiry(cast, admin, token):
    row, raw = token
    ingest_token_revoke(token=row, actor=None)
    response = admin.post(url("expiry", cast, row.pk), {"expires_at": "2026-04-01T00:00"})
    assert response.status_code == 400
    assert "This token is revoked; create a new one." in response.content.decode()
    row.refresh_from_db()
    assert row.expires_at is None
    assert not events("recordings.token.expiry_changed")


def test_the_list_shows_status_creator_and_last_use(cast, admin, token, clock):
    row, raw = token
    assert push(raw).status_code == 201
    row.refresh_from_db()
    assert row.last_used_at is not None
    page = admin.get(url("list", cast)).content.decode()
    assert "by a command" in page and "Active" in page and "never" not in page
    admin.post(url("list", cast), {"name": "Kort", "expires_at": "2026-03-10T12:30"})
    clock.move_to(datetime(2026, 3, 10, 13, 0, tzinfo=AMS))
    rows = {t.name: s for t, s in admin.get(url("list", cast)).context["rows"]}
    assert rows == {"Asterisk 1": "active", "Kort": "expired"}
