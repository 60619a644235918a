"""Typing a transcript: marking transcript purposes, starting one under a grant, adding,
changing and deleting utterances, importing a text file.

Every function checks its own rules (views only turn TranscriptError into a message), locks the
transcript's row before it changes it, and writes the audit trail without personal data: the
position of an utterance, never its text or speaker.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

import audit
from organisations.constants import Role
from organisations.models import Membership, Organisation
from recordings.models import Recording
from register.models import Purpose
from transcripts.constants import MAX_UTTERANCES, TranscriptLanguage
from transcripts.models import Transcript, TranscriptPurpose, Utterance
from transcripts.policy import (
    TranscriptError,
    locked_for_editing,
    recording_problem,
    transcript_grants,
)
from transcripts.redactions import known_for, utterance_repropose
from transcripts.text_import import TranscriptFileError, read_file, speaker_code, utterance_problem

# Who marks a purpose as one for anonymised transcripts.
PURPOSE_ROLES = (Role.ADMINISTRATOR, Role.PRIVACY_OFFICER)


@transaction.atomic
def transcript_purpose_set(
    *,
    organisation: Organisation,
    purpose: Purpose,
    actor: Any,
    on: bool = True,
    ip_address: str | None = None,
) -> bool:
    """Mark (or unmark) a purpose of the register as producing anonymised transcripts. Returns
    whether anything changed. `actor` may be None for a scripted install (the demo)."""
    if purpose.activity.organisation_id != organisation.pk:
        raise TranscriptError(_("The purpose belongs to another organisation."))
    existing = TranscriptPurpose.objects.select_for_update().filter(purpose=purpose).first()
    if on and existing is None:
        TranscriptPurpose.objects.create(
            organisation=organisation, purpose=purpose, switched_on_by=actor
        )
        action = "transcripts.purpose.switched_on"
    elif not on and existing is not None:
        existing.delete()
        action = "transcripts.purpose.switched_off"
    else:
        return False
    audit.record(
        actor=actor,
        action=action,
        organisation=organisation,
        target=purpose,
        purpose=purpose.code,
        ip_address=ip_address,
    )
    return True


def purpose_switch(
    *, membership: Membership, purpose_id: Any, on: bool, ip_address: str | None = None
) -> bool:
    """The page's way in: only the administrator or the privacy officer switches."""
    if membership.role not in PURPOSE_ROLES:
        raise TranscriptError(
            _("Only the administrator or the privacy officer marks purposes for transcripts.")
        )
    purpose = Purpose.objects.filter(
        pk=purpose_id, activity__organisation=membership.organisation_id
    ).first()
    if purpose is None:
        raise TranscriptError(_("No such purpose."))
    return transcript_purpose_set(
        organisation=membership.organisation,
        purpose=purpose,
        actor=membership.user,
        on=on,
        ip_address=ip_address,
    )


@transaction.atomic
def transcript_start(
    *,
    membership: Membership,
    recording: Recording,
    grant_id: Any = None,
    language: str = TranscriptLanguage.NL,
    ip_address: str | None = None,
) -> tuple[Transcript, bool]:
    """Start a transcript of the call under one of the member's transcript grants (the first
    one when none is named). Returns (transcript, created): one transcript per call and grant,
    a second click opens the first."""
    grants = transcript_grants(membership=membership, recording=recording)
    if grant_id:
        grants = [g for g in grants if str(g.pk) == str(grant_id)]
    if not grants:
        raise TranscriptError(
            _(
                "You need an approved, working grant for a transcript purpose to type a "
                "transcript of this call."
            )
        )
    problem = recording_problem(recording)
    if problem:
        raise TranscriptError(problem)
    if language not in TranscriptLanguage.values:
        raise TranscriptError(_("Choose the language of the call."))
    grant = grants[0]
    transcript, created = Transcript.objects.get_or_create(
        recording=recording,
        request=grant.request,
        defaults={
            "organisation": membership.organisation,
            "grant": grant,
            "purpose": grant.request.purpose,
            "author": membership.user,
            "language": language,
        },
    )
    if created:
        audit.record(
            actor=membership.user,
            action="transcripts.transcript.started",
            organisation=membership.organisation,
            target=transcript,
            purpose=grant.request.purpose.code,
            detail={
                "recording": str(recording.pk),
                "request": str(grant.request_id),
                "grant": str(grant.pk),
            },
            ip_address=ip_address,
        )
    return transcript, created


def clean_text(text: str) -> str:
    """Line ends as one character (a browser sends CR LF): offsets of redactions count the
    characters the pages show."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _check(transcript: Transcript, *, start, end, speaker: str, text: str) -> None:
    problem = utterance_problem(
        start=start,
        end=end,
        end_given=False,
        speaker=speaker,
        text=text,
        duration_seconds=transcript.recording.audio_duration_seconds
        or transcript.recording.duration_seconds,
    )
    if problem:
        raise TranscriptError(problem)


def _audit(
    membership: Membership,
    transcript: Transcript,
    action: str,
    *,
    ip_address: str | None,
    **detail: Any,
) -> None:
    audit.record(
        actor=membership.user,
        action=action,
        organisation=transcript.organisation,
        target=transcript,
        purpose=transcript.purpose.code,
        detail=detail,
        ip_address=ip_address,
    )


@transaction.atomic
def utterance_add(
    *,
    membership: Membership,
    transcript_id: Any,
    start_seconds: float | None,
    end_seconds: float | None = None,
    speaker: str,
    text: str,
    ip_address: str | None = None,
) -> Utterance:
    transcript = locked_for_editing(membership, transcript_id)
    text = clean_text(text)
    _check(transcript, start=start_seconds, end=end_seconds, speaker=speaker, text=text)
    _check_room(transcript, 1)
    position = (transcript.utterances.aggregate(n=Max("position"))["n"] or 0) + 1
    utterance = Utterance.objects.create(
        transcript=transcript,
        position=position,
        start_seconds=start_seconds,
        end_seconds=end_seconds,
        speaker=speaker_code(speaker),
        text=text,
    )
    if transcript.proposed_at is not None:
        utterance_repropose(utterance=utterance, known=known_for(transcript.recording))
    _audit(
        membership,
        transcript,
        "transcripts.utterance.added",
        position=position,
        ip_address=ip_address,
    )
    return utterance


@transaction.atomic
def utterance_change(
    *,
    membership: Membership,
    transcript_id: Any,
    utterance_id: Any,
    start_seconds: float | None,
    end_seconds: float | None = None,
    speaker: str,
    text: str,
    ip_address: str | None = None,
) -> int | None:
    """Change an utterance. When its text changed after the review started, its redactions
    no longer fit: they are dropped and the detectors propose again. Returns how many
    redactions added by hand were dropped (None when the text did not change)."""
    transcript = locked_for_editing(membership, transcript_id)
    utterance = _utterance(transcript, utterance_id)
    text = clean_text(text)
    _check(transcript, start=start_seconds, end=end_seconds, speaker=speaker, text=text)
    text_changed = text != utterance.text
    utterance.start_seconds, utterance.end_seconds = start_seconds, end_seconds
    utterance.speaker, utterance.text = speaker_code(speaker), text
    utterance.save()
    dropped = None
    if text_changed:
        dropped = utterance_repropose(
            utterance=utterance,
            known=known_for(transcript.recording),
            run=transcript.proposed_at is not None,
        )
    _audit(
        membership,
        transcript,
        "transcripts.utterance.changed",
        position=utterance.position,
        text_changed=text_changed,
        ip_address=ip_address,
    )
    return dropped


@transaction.atomic
def utterance_delete(
    *,
    membership: Membership,
    transcript_id: Any,
    utterance_id: Any,
    ip_address: str | None = None,
) -> None:
    transcript = locked_for_editing(membership, transcript_id)
    utterance = _utterance(transcript, utterance_id)
    position = utterance.position
    utterance.delete()
    _audit(
        membership,
        transcript,
        "transcripts.utterance.deleted",
        position=position,
        ip_address=ip_address,
    )


def _check_room(transcript: Transcript, adding: int) -> None:
    if transcript.utterances.count() + adding > MAX_UTTERANCES:
        raise TranscriptError(
            _("A transcript holds at most %(max)d utterances.") % {"max": MAX_UTTERANCES}
        )


def _utterance(transcript: Transcript, utterance_id: Any) -> Utterance:
    try:
        utterance_id = int(utterance_id)
    except (TypeError, ValueError):
        raise TranscriptError(_("No such utterance.")) from None
    utterance = transcript.utterances.filter(pk=utterance_id).first()
    if utterance is None:
        raise TranscriptError(_("No such utterance."))
    return utterance


class ImportRefused(TranscriptError):
    """The file had bad lines: `errors` holds (line number, message) for each; nothing was
    imported."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(_("The file was not imported: correct the lines below and try again."))
        self.errors = errors


@transaction.atomic
def transcript_import(
    *,
    membership: Membership,
    transcript_id: Any,
    data: bytes,
    ip_address: str | None = None,
) -> int:
    """Add the utterances of a text file (format: transcripts.text_import) after those
    already typed. All or nothing: a single bad line refuses the file. Returns the count."""
    transcript = locked_for_editing(membership, transcript_id)
    recording = transcript.recording
    try:
        result = read_file(
            data, duration_seconds=recording.audio_duration_seconds or recording.duration_seconds
        )
    except TranscriptFileError as error:
        raise TranscriptError(str(error)) from None
    if result.errors:
        raise ImportRefused(result.errors)
    _check_room(transcript, len(result.utterances))
    position = transcript.utterances.aggregate(n=Max("position"))["n"] or 0
    created = Utterance.objects.bulk_create(
        [
            Utterance(
                transcript=transcript,
                position=position + number,
                start_seconds=parsed.start_seconds,
                end_seconds=parsed.end_seconds,
                speaker=parsed.speaker,
                text=clean_text(parsed.text),
            )
            for number, parsed in enumerate(result.utterances, start=1)
        ]
    )
    if transcript.proposed_at is not None:
        known = known_for(recording)
        for utterance in created:
            utterance_repropose(utterance=utterance, known=known)
    _audit(
        membership,
        transcript,
        "transcripts.transcript.imported",
        utterances=len(created),
        ip_address=ip_address,
    )
    return len(created)
