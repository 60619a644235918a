"""A transcript is derived data of its call: the real purge (nightly and early erasure) deletes
it with the audio, in the tombstone's transaction; a held call keeps its transcript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.tests.factories import recording_create
from retention.purge import erase_early, purge_organisation
from transcripts.models import Redaction, Transcript, Utterance
from transcripts.redactions import redactions_propose
from transcripts.services import transcript_start
from transcripts.tests.conftest import VALID_BSN
from transcripts.tests.helpers import say

pytestmark = pytest.mark.django_db


def _typed(world, call):
    world.grant(recording=call)
    membership = world.membership("team_leader")
    transcript, _ = transcript_start(membership=membership, recording=call)
    say(world, transcript, f"Mijn BSN is {VALID_BSN}.")
    redactions_propose(membership=membership, transcript_id=transcript.pk)
    return transcript


def _second_call(world):
    call = recording_create(organisation=world.cast.organisation, duration_seconds=120.0)
    Recording.objects.filter(pk=call.pk).update(audio_duration_seconds=120.0)
    call.refresh_from_db()
    return call


def _past_deadline(*calls, status=RecordingStatus.ACTIVE):
    Recording.objects.filter(pk__in=[c.pk for c in calls]).update(
        purge_deadline=timezone.now() - timedelta(hours=1), status=status
    )


def test_the_nightly_purge_deletes_the_transcript_with_the_audio_but_not_a_held_one(
    transcript_world,
):
    due = _typed(transcript_world, transcript_world.call)
    held_call = _second_call(transcript_world)
    held = _typed(transcript_world, held_call)
    assert Redaction.objects.filter(utterance__transcript=due).exists()
    _past_deadline(transcript_world.call)
    _past_deadline(held_call, status=RecordingStatus.HELD)

    run = purge_organisation(transcript_world.cast.organisation)

    assert run.purged == 1
    assert Recording.objects.get(pk=transcript_world.call.pk).status == RecordingStatus.PURGED
    assert list(Transcript.objects.all()) == [held]
    assert not Utterance.objects.filter(transcript_id=due.pk).exists()
    assert not Redaction.objects.filter(utterance__transcript_id=due.pk).exists()
    assert held.utterances.count() == 1
    event = AuditEvent.objects.get(action="transcripts.transcript.erased")
    assert event.target_id == str(due.pk)
    assert VALID_BSN not in str(event.detail)


def test_early_erasure_deletes_the_transcript_too(transcript_world):
    transcript = _typed(transcript_world, transcript_world.call)
    other_call = _second_call(transcript_world)
    kept = _typed(transcript_world, other_call)
    erase_early(
        membership=transcript_world.membership("privacy_officer"),
        recordings=[transcript_world.call],
        reason="Verzoek van de betrokkene om verwijdering",
    )
    assert not Transcript.objects.filter(pk=transcript.pk).exists()
    assert Transcript.objects.filter(pk=kept.pk).exists()


def test_a_call_past_its_deadline_cannot_get_a_transcript_any_more(transcript_world):
    from transcripts.policy import TranscriptError

    transcript_world.grant()
    _past_deadline(transcript_world.call)
    transcript_world.call.refresh_from_db()
    with pytest.raises(TranscriptError, match="bewaartermijn van deze opname is verstreken"):
        transcript_start(
            membership=transcript_world.membership("team_leader"), recording=transcript_world.call
        )
