"""The player lists the listener's own listens to the call, one per listening session, and no
one else's; the player says what is logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.tests.test_gate import audio_url

pytestmark = pytest.mark.django_db


def detail(client, recording):
    url = reverse(
        "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": recording.pk}
    )
    return client.get(url).content.decode()


def test_the_player_lists_only_the_listeners_own_sessions(world, client_for):
    call = world.own_call  # the employee's call, in the coach's team
    coach, employee = client_for(world.cast["coach"]), client_for(world.cast["employee"])
    assert "data-own-listens" not in detail(coach, call)
    # The coach plays and seeks: one session. The employee plays their own call too.
    for header in ("bytes=0-", "bytes=1000-", "bytes=-100"):
        assert coach.get(audio_url(call), HTTP_RANGE=header).status_code == 206
    assert employee.get(audio_url(call), HTTP_RANGE="bytes=0-").status_code == 206

    page = detail(coach, call)
    assert page.count("U luisterde op ") == 1
    assert f"voor {world.purposes['coaching'].label}</li>" in page
    assert "één vermelding per doel en luistersessie van 30 minuten" in page
    assert detail(employee, call).count("U luisterde op ") == 1
    # A HEAD (the player's check while it plays) is no listen.
    assert coach.head(audio_url(call), HTTP_RANGE="bytes=0-0").status_code == 206
    assert detail(coach, call).count("U luisterde op ") == 1
    # The coach's listen to another call is not on this call's list.
    assert coach.get(audio_url(world.team_a_call), HTTP_RANGE="bytes=0-").status_code == 206
    assert detail(coach, call).count("U luisterde op ") == 1
