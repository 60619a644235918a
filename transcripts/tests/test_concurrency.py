"""Two approvers click at the same moment, on the real database: the transcript's row lock lets
one approve; the other is told it is already decided. Nothing is approved twice."""

from __future__ import annotations

import pytest

from access.tests.test_four_eyes_concurrency import _race
from audit.models import AuditEvent
from transcripts.approval import transcript_decide, transcript_submit
from transcripts.models import TranscriptDecision
from transcripts.policy import TranscriptError
from transcripts.tests.helpers import started
from transcripts.tests.test_approval_and_export import _reviewed

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_approvers_at_once_give_one_approval(transcript_world):
    transcript = _reviewed(transcript_world, started(transcript_world))
    transcript_submit(
        membership=transcript_world.membership("team_leader"), transcript_id=transcript.pk
    )

    def approve(role: str):
        def call():
            try:
                transcript_decide(
                    membership=transcript_world.membership(role),
                    transcript_id=transcript.pk,
                    outcome="approved",
                )
            except TranscriptError as error:
                return str(error)
            return "approved"

        return call

    results = _race(approve("manager"), approve("privacy_officer"), line_up=transcript)
    assert results.count("approved") == 1
    (refusal,) = [r for r in results if r != "approved"]
    assert "wacht niet meer op goedkeuring" in refusal
    assert TranscriptDecision.objects.count() == 1
    assert AuditEvent.objects.filter(action="transcripts.transcript.approved").count() == 1
