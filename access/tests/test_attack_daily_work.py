"""Attacks on issue 17's access surface: junk in the audio Range header, HEAD checks, revoking
from the list of active grants, and forged selections of calls."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from access.constants import RequestStatus
from access.models import AccessRequest, Grant
from access.selection import MAX_SELECTED, recording_line
from access.streaming import parse_range
from access.tests.test_gate import audio_url, body
from audit.models import AuditEvent
from recordings.tests.factories import recording_create, wav_bytes

pytestmark = pytest.mark.django_db
SIZE = 1_000_000
HUGE = "9" * 5000  # int() refuses more than 4,300 digits


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (f"bytes={HUGE}-", "unsatisfiable"),
        (f"bytes=0-{HUGE}", (0, SIZE - 1)),
        (f"bytes=-{HUGE}", (0, SIZE - 1)),
        (f"bytes=10-{'0' * 30}5", "unsatisfiable"),  # an end before the start, zero-padded
        (f"bytes={'0' * 40}-", (0, SIZE - 1)),
    ],
)
def test_huge_positions_in_a_range_never_fail(header, expected):
    assert parse_range(header, SIZE) == expected


@pytest.fixture
def long_call(world):
    call = recording_create(
        organisation=world.cast.organisation,
        employee=world.own_call.employee,
        audio=wav_bytes(seconds=60, seed=5),
        duration_seconds=60.0,
    )
    type(call).objects.filter(pk=call.pk).update(audio_duration_seconds=60.0)
    call.refresh_from_db()
    return call


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_RANGE": f"bytes=0-{HUGE}"},
        {"HTTP_RANGE": f"bytes=-{HUGE}"},
        {"HTTP_RANGE": "bytes=0-,0-"},  # several ranges
        {"HTTP_RANGE": "bytes=0-", "HTTP_IF_RANGE": '"not-this-audio"'},
        {"HTTP_RANGE": "bytes=0-", "HTTP_IF_RANGE": "Mon, 01 Jan 1990 00:00:00 GMT"},
        {"HTTP_RANGE": "bytes=0-999999999999999999999"},
    ],
)
def test_no_trick_gets_the_whole_call_in_one_answer(world, client_for, long_call, headers):
    response = client_for(world.cast["employee"]).get(audio_url(long_call), **headers)
    assert response.status_code == 206
    assert len(body(response)) < long_call.size_bytes // 4


def test_a_start_past_any_call_is_416_not_a_failure(world, client_for, long_call):
    response = client_for(world.cast["employee"]).get(
        audio_url(long_call), HTTP_RANGE=f"bytes={HUGE}-"
    )
    assert response.status_code == 416


def test_head_writes_no_listen_counts_no_play_and_sends_no_audio(four_eyes, client_for):
    four_eyes.rule.max_plays = 1
    four_eyes.rule.save()
    request = four_eyes.ask()
    four_eyes.decide("privacy_officer", request)
    manager = client_for(four_eyes.cast["manager"])
    url = audio_url(four_eyes.call, purpose=four_eyes.purpose.code)
    for _ in range(3):
        head = manager.head(url)
        assert head.status_code in (200, 206)
        assert head.content == b""
    assert Grant.objects.get(request=request).plays == 0
    assert not AuditEvent.objects.filter(action="access.recording.listened").exists()
    # Another organisation's administrator learns nothing from a HEAD either.
    outsider = client_for(four_eyes.cast.outsider)
    foreign = reverse(
        "access:recording_audio",
        kwargs={"org_slug": "other", "recording_id": four_eyes.call.pk},
    )
    unknown = reverse(
        "access:recording_audio", kwargs={"org_slug": "other", "recording_id": uuid.uuid4()}
    )
    # The same answer as for an id that exists nowhere: nothing to infer.
    assert outsider.head(foreign).status_code == outsider.head(unknown).status_code
    assert outsider.head(url).status_code in (403, 404)


def test_revoke_from_the_list_by_someone_who_may_not_decide_changes_nothing(four_eyes, client_for):
    request = four_eyes.ask()
    four_eyes.decide("privacy_officer", request)
    # The policy changes: the team leader no longer approves this purpose.
    four_eyes.rule.approver_roles = ["privacy_officer"]
    four_eyes.rule.save()
    revoke = reverse("requests:revoke", kwargs={"org_slug": "acme", "request_id": request.pk})
    for who in ("team_leader", "coach", "employee", "auditor", "administrator"):
        response = client_for(four_eyes.cast[who]).post(revoke, {"next": "list"})
        assert response.status_code in (302, 403, 404), who
    outsider = client_for(four_eyes.cast.outsider)
    foreign = reverse("requests:revoke", kwargs={"org_slug": "other", "request_id": request.pk})
    assert outsider.post(foreign, {"next": "list"}).status_code == 404
    assert outsider.post(revoke, {"next": "list"}).status_code in (403, 404)
    # A GET (a link, an image) revokes nothing either.
    assert client_for(four_eyes.cast["privacy_officer"]).get(revoke).status_code == 405
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert Grant.objects.get(request=request).revoked_at is None
    assert not AuditEvent.objects.filter(action="access.grant.revoked").exists()
    # The team leader's list no longer offers it.
    page = client_for(four_eyes.cast["team_leader"]).get(
        reverse("requests:list", kwargs={"org_slug": "acme"})
    )
    assert str(request.pk) not in page.content.decode().split("data-grants", 1)[-1]


def test_many_duplicate_and_junk_ids_prefill_nothing_foreign_and_create_nothing(
    four_eyes, client_for
):
    cast = four_eyes.cast
    foreign = recording_create(organisation=cast.other_organisation)
    purged = recording_create(organisation=cast.organisation)
    type(purged).objects.filter(pk=purged.pk).update(status="purged")
    mine = four_eyes.call
    ids = [str(mine.pk)] * 30 + [str(foreign.pk), str(purged.pk), "'; drop", "%00", ""]
    ids += [str(uuid.uuid4()) for _ in range(MAX_SELECTED + 10)]
    manager = client_for(cast["manager"])
    url = reverse("requests:new", kwargs={"org_slug": "acme"})
    page = manager.get(url, {"recording": ids}).content.decode()
    assert page.count(f'value="{mine.pk}"') == 1
    # Only the address typed comes back (in links that keep the query), never a ticked line.
    assert recording_line(foreign) not in page
    assert f'value="{foreign.pk}"' not in page and f'value="{purged.pk}"' not in page
    response = manager.post(
        url,
        {
            "kind": "playback",
            "purpose": str(four_eyes.purpose.pk),
            "motivation": "Klant meldt dat de medewerker hem uitschold tijdens dit gesprek.",
            "recording": [str(foreign.pk), str(purged.pk)],
        },
    )
    assert response.status_code == 200
    assert not AccessRequest.objects.exists()


def test_more_than_fifty_visible_calls_are_refused_not_created(four_eyes, client_for):
    cast = four_eyes.cast
    calls = [
        recording_create(organisation=cast.organisation, employee=four_eyes.call.employee)
        for _ in range(MAX_SELECTED + 1)
    ]
    ids = [str(call.pk) for call in calls]
    response = client_for(cast["manager"]).post(
        reverse("requests:new", kwargs={"org_slug": "acme"}),
        {
            "kind": "playback",
            "purpose": str(four_eyes.purpose.pk),
            "motivation": "Klant meldt dat de medewerker hem uitschold tijdens dit gesprek.",
            "recording": ids,
        },
    )
    assert response.status_code == 200
    assert f"Hoogstens {MAX_SELECTED} gesprekken tegelijk." in response.content.decode()
    assert not AccessRequest.objects.exists()
