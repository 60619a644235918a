"""Further byte ranges of one listen take the gate's short way (one query, nothing written):
what it must still do. A revoke, a removed right, a call past its deadline or a membership that
ended stops the next range; another organisation's member gets nothing; the listen is logged
once; a range writes nothing else."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access.constants import Scope
from access.four_eyes import grant_revoke
from access.models import PurposeRule, StandingRight
from access.streaming import open_piece
from access.tests.test_gate import audio_url, body, stored_bytes
from audit.models import AuditEvent
from organisations.constants import Role
from organisations.models import Membership
from organisations.tests.factories import EmployeeFactory, TeamFactory, membership
from recordings.tests.factories import recording_create, wav_bytes

pytestmark = pytest.mark.django_db

LISTENED = "access.recording.listened"
REFUSED = "access.recording.refused"


def listens(recording) -> int:
    return AuditEvent.objects.filter(action=LISTENED, target_id=str(recording.pk)).count()


@pytest.fixture
def long_call(world):
    """A minute of audio (several pieces) of a team the coach coaches."""
    call = recording_create(
        organisation=world.cast.organisation,
        employee=world.team_a_call.employee,
        audio=wav_bytes(seconds=60, seed=11),
        duration_seconds=60.0,
    )
    type(call).objects.filter(pk=call.pk).update(audio_duration_seconds=60.0)
    call.refresh_from_db()
    return call


def test_the_ranges_of_one_listen_hand_over_the_right_bytes_and_log_one_listen(
    world, client_for, long_call
):
    coach = client_for(world.cast["coach"])
    data = stored_bytes(long_call)
    for start, end in ((0, 65535), (500_000, 565_535), (100, 199), (0, 65535)):
        response = coach.get(audio_url(long_call), HTTP_RANGE=f"bytes={start}-{end}")
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes {start}-{end}/{len(data)}"
        assert body(response) == data[start : end + 1]
    assert listens(long_call) == 1
    event = AuditEvent.objects.get(action=LISTENED, target_id=str(long_call.pk))
    assert (event.actor_id, event.purpose) == (world.cast["coach"].pk, "coaching")


def test_a_further_range_writes_nothing_and_asks_the_database_little(world, client_for, long_call):
    coach = client_for(world.cast["coach"])
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=0-65535").status_code == 206
    with CaptureQueriesContext(connection) as queries:
        response = coach.get(audio_url(long_call), HTTP_RANGE="bytes=65536-131071")
        assert body(response) == stored_bytes(long_call)[65536:131072]
    statements = [query["sql"].lstrip().split(None, 1)[0].upper() for query in queries]
    # No audit event, no session write, no play counted: only reads.
    assert set(statements) == {"SELECT"}, statements
    # The session, the user, the sign-in checks, the membership and its permission, and one
    # for the gate itself (the old gate read the rights and the rules twice: 14 in all).
    assert len(statements) <= 9, [query["sql"][:120] for query in queries]


def test_a_revoke_between_two_ranges_of_one_listen_stops_the_second(four_eyes, client_for):
    request = four_eyes.ask()
    four_eyes.decide("privacy_officer", request)
    manager = client_for(four_eyes.cast["manager"])
    url = audio_url(four_eyes.call, purpose=four_eyes.purpose.code)
    assert manager.get(url, HTTP_RANGE="bytes=0-999").status_code == 206
    assert manager.get(url, HTTP_RANGE="bytes=1000-1999").status_code == 206
    grant_revoke(
        membership=four_eyes.membership("privacy_officer"),
        request_id=request.pk,
        comment="Onderzoek afgerond",
    )
    refused = manager.get(url, HTTP_RANGE="bytes=2000-2999")
    assert refused.status_code == 403
    assert not getattr(refused, "streaming", False)
    assert listens(four_eyes.call) == 1
    assert AuditEvent.objects.filter(action=REFUSED, target_id=str(four_eyes.call.pk)).exists()


def test_a_right_taken_away_between_two_ranges_stops_the_second(world, client_for, long_call):
    coach = client_for(world.cast["coach"])
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=0-999").status_code == 206
    StandingRight.objects.filter(organisation=world.cast.organisation, role="coach").delete()
    refused = coach.get(audio_url(long_call), HTTP_RANGE="bytes=1000-1999")
    # Without the right the coach no longer sees the call at all.
    assert refused.status_code == 404
    assert not getattr(refused, "streaming", False)


def test_a_coach_moved_off_the_team_is_stopped_at_the_next_range(world, client_for, long_call):
    coach = client_for(world.cast["coach"])
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=0-999").status_code == 206
    member = Membership.objects.get(user=world.cast["coach"], organisation=world.cast.organisation)
    member.teams.set([])
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=1000-1999").status_code == 404


def test_a_membership_ended_between_two_ranges_stops_the_second(world, client_for, long_call):
    coach = client_for(world.cast["coach"])
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=0-999").status_code == 206
    Membership.objects.filter(
        user=world.cast["coach"], organisation=world.cast.organisation
    ).update(active=False)
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=1000-1999").status_code == 404


def test_a_call_past_its_deadline_stops_the_next_range(world, client_for, long_call):
    coach = client_for(world.cast["coach"])
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=0-999").status_code == 206
    type(long_call).objects.filter(pk=long_call.pk).update(
        purge_deadline=timezone.now() - timedelta(seconds=1)
    )
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=1000-1999").status_code == 410


def test_the_employee_present_rule_set_during_a_listen_holds_at_the_next_range(
    world, client_for, long_call
):
    coach = client_for(world.cast["coach"])
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=0-999").status_code == 206
    # The policy now plays coaching listens only with the employee present.
    PurposeRule.objects.create(
        organisation=world.cast.organisation,
        purpose=world.purposes["coaching"],
        requester_roles=[],
        approver_roles=["privacy_officer"],
        grant_hours=48,
        employee_present=True,
    )
    refused = coach.get(audio_url(long_call), HTTP_RANGE="bytes=1000-1999")
    assert refused.status_code == 403
    assert not getattr(refused, "streaming", False)
    # Once the coach confirms the employee is with them, the listen goes on (and stays one).
    confirm = reverse(
        "access:recording_employee_present",
        kwargs={"org_slug": "acme", "recording_id": long_call.pk},
    )
    coach.post(confirm, {"purpose": "coaching", "employee_present": "on"})
    assert coach.get(audio_url(long_call), HTTP_RANGE="bytes=1000-1999").status_code == 206
    assert listens(long_call) == 1


def test_a_member_of_another_organisation_is_refused_on_a_continuing_range(
    world, client_for, long_call
):
    """A coach of two organisations has a listen open on a call of the first; asking for the
    same call (the same listen in their session) through the second answers 404."""
    coach = world.cast["coach"]
    other = world.cast.other_organisation
    membership(coach, other, Role.COACH)
    team = TeamFactory(organisation=other)
    Membership.objects.get(user=coach, organisation=other).teams.set([team])
    EmployeeFactory(organisation=other, team=team)
    StandingRight.objects.create(
        organisation=other,
        purpose=_purpose_in(other),
        role="coach",
        scope=Scope.ORGANISATION,
    )
    client = client_for(coach)
    assert client.get(audio_url(long_call), HTTP_RANGE="bytes=0-999").status_code == 206
    through_other = audio_url(long_call).replace("/o/acme/", f"/o/{other.slug}/")
    refused = client.get(through_other, HTTP_RANGE="bytes=1000-1999")
    assert refused.status_code == 404
    assert not getattr(refused, "streaming", False)
    # And someone who is only a member there gets nothing either.
    outsider = client_for(world.cast.outsider)
    assert outsider.get(through_other, HTTP_RANGE="bytes=0-999").status_code in (403, 404)
    assert listens(long_call) == 1


def _purpose_in(organisation):
    from access.tests.conftest import register_for

    return register_for(organisation)["coaching"]


def test_a_piece_from_local_storage_hands_the_server_a_descriptor_at_its_start(world):
    """What gunicorn's sendfile relies on: the file descriptor is positioned exactly at the
    piece's first byte, and reading stops at its end."""
    call = world.own_call
    data = stored_bytes(call)
    piece = open_piece(call, 100, 250)
    try:
        assert os.lseek(piece.fileno(), 0, os.SEEK_CUR) == 100
        assert piece.read(64) + piece.read() == data[100:350]
        assert piece.read() == b""
    finally:
        piece.close()


def test_a_piece_for_a_server_not_known_to_bound_sendfile_offers_no_descriptor(world):
    """Only gunicorn is known to stop sendfile at Content-Length; under any other server a
    piece is read in chunks, so no answer can carry more of the call than its piece."""
    from django.test import RequestFactory

    from access.streaming import server_bounds_sendfile

    call = world.own_call
    data = stored_bytes(call)
    factory = RequestFactory()
    assert server_bounds_sendfile(factory.get("/", SERVER_SOFTWARE="gunicorn/27.0.1"))
    assert not server_bounds_sendfile(factory.get("/", SERVER_SOFTWARE="uWSGI"))
    assert not server_bounds_sendfile(factory.get("/"))
    piece = open_piece(call, 100, 250, sendfile=False)
    try:
        assert not hasattr(piece, "fileno")
        assert piece.read() == data[100:350]
    finally:
        piece.close()
