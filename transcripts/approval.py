"""Four eyes on the anonymised version: the author submits, another person who holds the
approve right for the purpose approves it or sends it back with a comment.

Both steps lock the transcript's row first: a second click, or two approvers at once, find it
already decided and change nothing. The database refuses an approval by the author and a
second approval as well (TranscriptDecision's constraints).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from organisations.models import Membership
from transcripts import notify
from transcripts.constants import TRANSITIONS, DecisionOutcome, RedactionState, TranscriptStatus
from transcripts.models import Redaction, Transcript, TranscriptDecision
from transcripts.policy import (
    TranscriptError,
    approval_refusal,
    approvers,
    locked_for_editing,
    transcript_lock,
)


def _move(transcript: Transcript, status: str) -> None:
    if (transcript.status, status) not in TRANSITIONS:
        raise TranscriptError(
            _("The transcript is %(status)s: this step is not possible now.")
            % {"status": transcript.get_status_display().lower()}
        )
    transcript.status = status


def submit_problem(transcript: Transcript) -> str | None:
    """What still stands between the typed transcript and its submission, or None."""
    if not transcript.utterances.exists():
        return _("Type or import the utterances first.")
    if transcript.proposed_at is None:
        return _("Let Earshot propose the redactions and review them first.")
    waiting = Redaction.objects.filter(
        utterance__transcript=transcript, state=RedactionState.PROPOSED
    ).count()
    if waiting:
        return _(
            "%(count)d proposed redaction(s) wait for your decision: accept or remove each."
        ) % {"count": waiting}
    return None


@transaction.atomic
def transcript_submit(
    *, membership: Membership, transcript_id: Any, ip_address: str | None = None
) -> Transcript:
    transcript = locked_for_editing(membership, transcript_id)
    problem = submit_problem(transcript)
    if problem:
        raise TranscriptError(problem)
    if not approvers(transcript).exists():
        raise TranscriptError(
            _("Nobody else holds the approve right for this purpose: ask the administrator.")
        )
    _move(transcript, TranscriptStatus.SUBMITTED)
    transcript.submitted_at = timezone.now()
    transcript.save(update_fields=["status", "submitted_at"])
    audit.record(
        actor=membership.user,
        action="transcripts.transcript.submitted",
        organisation=transcript.organisation,
        target=transcript,
        purpose=transcript.purpose.code,
        detail={"utterances": transcript.utterances.count()},
        ip_address=ip_address,
    )
    waiting_for = list(approvers(transcript))
    transaction.on_commit(lambda: notify.transcript_submitted(transcript, waiting_for))
    return transcript


@transaction.atomic
def transcript_decide(
    *,
    membership: Membership,
    transcript_id: Any,
    outcome: str,
    comment: str = "",
    ip_address: str | None = None,
) -> Transcript:
    """Approve the anonymised version or send it back to the author with a comment."""
    transcript = transcript_lock(membership, transcript_id)
    refusal = approval_refusal(membership, transcript)
    if refusal:
        raise TranscriptError(refusal)
    if transcript.status != TranscriptStatus.SUBMITTED:
        raise TranscriptError(
            _("This transcript is no longer waiting for approval (%(status)s).")
            % {"status": transcript.get_status_display().lower()}
        )
    comment = (comment or "").strip()
    if outcome == DecisionOutcome.SENT_BACK and not comment:
        raise TranscriptError(_("Say what must change: the author reads it."))
    if outcome not in DecisionOutcome.values:
        raise TranscriptError(_("Unknown decision."))
    try:
        with transaction.atomic():
            TranscriptDecision.objects.create(
                transcript=transcript,
                author=transcript.author,
                approver=membership.user,
                outcome=outcome,
                comment=comment[:5000],
            )
    except IntegrityError:
        raise TranscriptError(_("This transcript has already been decided.")) from None
    _move(
        transcript,
        TranscriptStatus.APPROVED
        if outcome == DecisionOutcome.APPROVED
        else TranscriptStatus.SENT_BACK,
    )
    transcript.decided_at = timezone.now()
    transcript.save(update_fields=["status", "decided_at"])
    audit.record(
        actor=membership.user,
        action=f"transcripts.transcript.{outcome}",
        organisation=transcript.organisation,
        target=transcript,
        purpose=transcript.purpose.code,
        detail={"author": transcript.author_id},
        ip_address=ip_address,
    )
    transaction.on_commit(lambda: notify.transcript_decided(transcript))
    return transcript
