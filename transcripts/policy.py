"""Who may type, read, approve and export a transcript.

A member types a transcript of a call only under an approved, working grant of their own for a
purpose the organisation has marked as a transcript purpose (TranscriptPurpose), on a call the
grant names that is not past its retention deadline. The second person who approves the
anonymised version holds the approve right for that purpose, exactly as for the purpose's
requests (access.four_eyes.decision_refusal), and is never the author nor the grant's holder.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from access.constants import RequestKind, RequestStatus
from access.four_eyes import decision_refusal, eligible_approvers
from access.models import Grant
from access.policy import PLAYABLE, active_grants
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording
from register.models import Purpose
from transcripts.constants import EDITABLE, TranscriptStatus
from transcripts.models import Transcript, TranscriptPurpose


class TranscriptError(Exception):
    """What the rules do not allow; the message is for the person."""


def is_transcript_purpose(purpose: Purpose) -> bool:
    return TranscriptPurpose.objects.filter(purpose=purpose).exists()


def transcript_grants(*, membership: Membership, recording: Recording) -> list[Grant]:
    """The member's working grants that name this call, for a transcript purpose. A grant
    whose plays are used up still lets its holder type until it expires (typing from a file
    needs no listening; the gate still counts every play)."""
    if recording.organisation_id != membership.organisation_id:
        return []
    purposes = TranscriptPurpose.objects.filter(organisation=membership.organisation_id).values(
        "purpose"
    )
    return list(
        active_grants(
            user_id=membership.user_id,
            organisation_id=membership.organisation_id,
            ignore_play_limit=True,
        )
        .filter(request__recordings=recording, request__purpose__in=purposes)
        .select_related("request__purpose")
        .order_by("expires_at")
    )


def recording_problem(recording: Recording) -> str | None:
    if recording.status not in PLAYABLE:
        return _("This recording has been erased.")
    if recording.status != RecordingStatus.HELD and timezone.now() >= recording.purge_deadline:
        return _("This recording is past its retention deadline.")
    return None


def grant_works(grant: Grant) -> bool:
    now = timezone.now()
    return (
        grant.revoked_at is None
        and grant.starts_at <= now < grant.expires_at
        and grant.request.status == RequestStatus.APPROVED
        and grant.request.kind == RequestKind.PLAYBACK
    )


def edit_refusal(membership: Membership, transcript: Transcript) -> str | None:
    """Why this member may not type in (or review) this transcript now, or None."""
    if transcript.author_id != membership.user_id:
        return _("Only the person who types the transcript may change it.")
    if transcript.status not in EDITABLE:
        return _("The transcript is %(status)s and can no longer be changed.") % {
            "status": transcript.get_status_display().lower()
        }
    if not grant_works(transcript.grant):
        return _("Your grant for this call has ended: the transcript can no longer be changed.")
    if not TranscriptPurpose.objects.filter(purpose=transcript.purpose_id).exists():
        return _("The policy no longer marks this purpose as one for transcripts.")
    return recording_problem(transcript.recording)


def approval_refusal(membership: Membership, transcript: Transcript) -> str | None:
    """Why this member may not approve (or send back) this transcript, or None."""
    if transcript.organisation_id != membership.organisation_id:
        return _("No such transcript.")
    if membership.user_id in (transcript.author_id, transcript.grant.user_id):
        return _("You typed this transcript: another person must approve it.")
    if transcript.grant.revoked_at is not None:
        # The grant it was typed under was withdrawn: so is what was made under it.
        return _("The grant this transcript was typed under was revoked.")
    return decision_refusal(membership, transcript.request)


def approvers(transcript: Transcript) -> QuerySet:
    """Who may approve: the purpose's approvers, never the author or the grant's holder."""
    return eligible_approvers(transcript.request).exclude(
        pk__in=[transcript.author_id, transcript.grant.user_id]
    )


def may_read(membership: Membership, transcript: Transcript) -> bool:
    """The author while their grant was not revoked; the purpose's approvers once it was
    submitted (they must see the clear text to judge the anonymisation)."""
    if transcript.organisation_id != membership.organisation_id:
        return False
    if transcript.author_id == membership.user_id:
        return transcript.grant.revoked_at is None
    if transcript.status == TranscriptStatus.DRAFT:
        return False
    return approval_refusal(membership, transcript) is None


def transcript_get_for_user(*, membership: Membership, transcript_id: uuid.UUID) -> Transcript:
    """The transcript, or 404 for anyone who may not read it (outsiders learn nothing)."""
    transcript = (
        Transcript.objects.select_related(
            "recording", "request", "grant__request", "purpose", "author", "organisation"
        )
        .filter(pk=transcript_id, organisation=membership.organisation_id)
        .first()
    )
    if transcript is None or not may_read(membership, transcript):
        raise Http404
    if transcript.recording.status not in PLAYABLE:
        raise Http404
    return transcript


def transcripts_waiting_for(membership: Membership) -> list[Transcript]:
    """Submitted transcripts this member may approve."""
    waiting = (
        Transcript.objects.filter(
            organisation=membership.organisation_id, status=TranscriptStatus.SUBMITTED
        )
        .exclude(author=membership.user_id)
        .select_related("request__purpose", "grant", "recording", "purpose", "author")
    )
    return [t for t in waiting if approval_refusal(membership, t) is None]


def transcript_lock(membership: Membership, transcript_id: Any) -> Transcript:
    """The member's organisation's transcript, row-locked until the caller's transaction
    ends; TranscriptError when there is none (a forged id, another organisation's)."""
    transcript = (
        Transcript.objects.select_for_update(of=("self",))
        .select_related(
            "recording__employee", "grant__request", "request", "purpose", "organisation"
        )
        .filter(pk=_uuid(transcript_id), organisation=membership.organisation_id)
        .first()
    )
    if transcript is None:
        raise TranscriptError(_("No such transcript."))
    return transcript


def locked_for_editing(membership: Membership, transcript_id: Any) -> Transcript:
    """The transcript, row-locked until the caller's transaction ends, if the member may
    change it now; TranscriptError otherwise."""
    transcript = transcript_lock(membership, transcript_id)
    refusal = edit_refusal(membership, transcript)
    if refusal:
        raise TranscriptError(refusal)
    return transcript


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
