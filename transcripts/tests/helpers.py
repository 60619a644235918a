"""Shortcuts for the transcript tests: a started transcript with utterances."""

from __future__ import annotations

from transcripts.services import transcript_start, utterance_add


def started(world, role: str = "team_leader"):
    world.grant(role=role)
    transcript, _ = transcript_start(membership=world.membership(role), recording=world.call)
    return transcript


def say(world, transcript, text: str, *, at: float = 1.0, speaker: str = "customer", **kw):
    return utterance_add(
        membership=world.membership(kw.pop("role", "team_leader")),
        transcript_id=transcript.pk,
        start_seconds=at,
        speaker=speaker,
        text=text,
        **kw,
    )
