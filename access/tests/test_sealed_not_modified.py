"""If-None-Match on a sealed call whose key is gone (review 2): no 304 (which would count a
play of audio that cannot be read), but the 409 with the reason and no play."""

from __future__ import annotations

import pytest
from django.utils import timezone

from access.streaming import UNREADABLE
from access.tests.test_gate import audio_url
from audit.models import AuditEvent
from recordings.audio_keys import key_name
from recordings.keystore import key_store
from recordings.models import AudioKey
from recordings.tests.factories import recording_create, wav_bytes

pytestmark = pytest.mark.django_db

LISTENED = "access.recording.listened"


@pytest.fixture
def call(world):
    return recording_create(
        organisation=world.cast.organisation,
        employee=world.team_a_call.employee,
        audio=wav_bytes(seconds=2, seed=5),
        duration_seconds=2.0,
        sealed=True,
    )


@pytest.mark.parametrize("destroyed", [False, True])
def test_if_none_match_on_an_unreadable_sealed_call_is_no_304_and_no_play(
    world, client_for, call, destroyed
):
    coach = client_for(world.cast["coach"])
    etag = f'"{call.sha256}"'
    assert coach.get(audio_url(call), HTTP_IF_NONE_MATCH=etag).status_code == 304
    plays = AuditEvent.objects.filter(action=LISTENED, target_id=str(call.pk)).count()

    key_store().destroy(key_name(call.audio_key))
    if destroyed:
        AudioKey.objects.filter(pk=call.audio_key_id).update(destroyed_at=timezone.now())
    response = coach.get(audio_url(call), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 409
    assert AuditEvent.objects.filter(action=UNREADABLE, target_id=str(call.pk)).exists()
    assert AuditEvent.objects.filter(action=LISTENED, target_id=str(call.pk)).count() == plays
