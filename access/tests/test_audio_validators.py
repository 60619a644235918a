"""The gate's answers carry validators (a strong ETag, the SHA-256 of the audio, and
Last-Modified); If-Range, If-None-Match and HEAD are honoured, always behind the same decision.

A HEAD hands over no audio: it is decided like a GET (a refusal is logged like one) but counts
no play against a grant and writes no listen."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.conf import settings
from django.utils.http import http_date

from access.models import Grant
from access.tests.test_gate import audio_url, body, stored_bytes
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _etag(recording) -> str:
    return f'"{recording.sha256}"'


def _last_modified(recording) -> str:
    return http_date(recording.ingested_at.timestamp())


def test_every_answer_carries_a_strong_etag_and_last_modified(world, client_for):
    call = world.team_a_call
    response = client_for(world.cast["coach"]).get(audio_url(call))
    assert response.status_code == 200
    assert response["ETag"] == _etag(call)
    assert response["Last-Modified"] == _last_modified(call)
    part = client_for(world.cast["coach"]).get(audio_url(call), HTTP_RANGE="bytes=0-9")
    assert part.status_code == 206 and part["ETag"] == _etag(call)


@pytest.mark.parametrize(
    ("if_range", "ranged"),
    [
        ("etag", True),
        ("date", True),
        ('"not-the-audio"', False),
        ("weak", False),  # If-Range compares strongly: a weak tag never matches
        ("old-date", False),
        ("garbage", False),
    ],
)
def test_if_range_applies_the_range_only_while_the_validator_matches(
    world, client_for, if_range, ranged
):
    call = world.team_a_call
    header = {
        "etag": _etag(call),
        "date": _last_modified(call),
        "weak": f"W/{_etag(call)}",
        "old-date": http_date((call.ingested_at - timedelta(days=1)).timestamp()),
    }.get(if_range, if_range)
    response = client_for(world.cast["coach"]).get(
        audio_url(call), HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=header
    )
    data = stored_bytes(call)
    if ranged:
        assert response.status_code == 206 and body(response) == data[10:20]
    else:
        assert response.status_code == 200 and body(response) == data


def test_if_none_match_answers_304_without_a_body(world, client_for):
    call = world.team_a_call
    coach = client_for(world.cast["coach"])
    response = coach.get(audio_url(call), HTTP_IF_NONE_MATCH=_etag(call))
    assert response.status_code == 304
    assert response["ETag"] == _etag(call) and response.content == b""
    other = coach.get(audio_url(call), HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and body(other) == stored_bytes(call)


def test_head_answers_the_headers_with_a_standing_right_and_logs_no_listen(world, client_for):
    call = world.team_a_call
    response = client_for(world.cast["coach"]).head(audio_url(call))
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(call.size_bytes)
    assert response["ETag"] == _etag(call)
    assert response["Last-Modified"] == _last_modified(call)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/wav"
    assert not AuditEvent.objects.filter(action="access.recording.listened").exists()
    ranged = client_for(world.cast["coach"]).head(audio_url(call), HTTP_RANGE="bytes=0-9")
    assert ranged.status_code == 206 and ranged["Content-Range"].startswith("bytes 0-9/")


def test_head_goes_through_the_gate(world, client_for):
    coach = client_for(world.cast["coach"])
    assert coach.head(audio_url(world.team_b_call)).status_code == 404  # not a coached team
    assert coach.head(audio_url(world.team_a_call, "misconduct")).status_code == 403
    assert AuditEvent.objects.filter(action="access.recording.refused").count() == 1
    outsider = client_for(world.cast.outsider)
    assert outsider.head(audio_url(world.team_a_call)).status_code == 404
    assert outsider.get(audio_url(world.team_a_call)).status_code == 404


def test_head_uses_up_none_of_a_grants_plays(four_eyes, client_for):
    four_eyes.rule.max_plays = 1
    four_eyes.rule.save()
    request = four_eyes.ask()
    four_eyes.decide("privacy_officer", request)
    grant = Grant.objects.get(request=request)
    url = audio_url(four_eyes.call, four_eyes.purpose.code)
    manager = client_for(four_eyes.cast["manager"])
    for _ in range(3):
        head = manager.head(url)
        assert head.status_code == 200 and head["ETag"] == _etag(four_eyes.call)
    grant.refresh_from_db()
    assert grant.plays == 0
    assert not AuditEvent.objects.filter(action="access.recording.listened").exists()
    assert manager.get(url, HTTP_RANGE="bytes=0-9").status_code == 206
    grant.refresh_from_db()
    assert grant.plays == 1
    # Another organisation's user finds nothing, with HEAD as with GET.
    outsider = client_for(four_eyes.cast.outsider)
    assert outsider.head(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_head_and_if_range_over_real_http(world, live_server, client_for):
    call = world.own_call
    session = client_for(world.cast["employee"]).cookies[settings.SESSION_COOKIE_NAME].value
    url = live_server.url + audio_url(call)
    data = stored_bytes(call)
    with httpx.Client(cookies={settings.SESSION_COOKIE_NAME: session}, timeout=10) as http:
        head = http.head(url)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == str(len(data))
        etag = head.headers["etag"]
        assert etag == _etag(call)
        part = http.get(url, headers={"Range": "bytes=5-14", "If-Range": etag})
        assert part.status_code == 206 and part.content == data[5:15]
        changed = http.get(url, headers={"Range": "bytes=5-14", "If-Range": '"older"'})
        assert changed.status_code == 200 and changed.content == data
    outsider = client_for(world.cast.outsider).cookies[settings.SESSION_COOKIE_NAME].value
    with httpx.Client(cookies={settings.SESSION_COOKIE_NAME: outsider}, timeout=10) as http:
        assert http.head(url).status_code == 404
