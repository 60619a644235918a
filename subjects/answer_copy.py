"""Access (art. 15): the approved copy of everything found, handed to the data subject through
access.disclosures.disclosure_share (a link by e-mail, the code in a second message): the
answer letter, a PDF and a JSON of the contents, and per call its audio (read in access/, each
call audited) or its approved anonymised transcript (from the transcripts app), or neither."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import audit
from access.constants import DisclosureContents
from access.disclosures import disclosure_share
from access.models import AccessRequest, Case, Disclosure
from access.subject_audio import audio_may_leave, subject_copy_audio
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording
from subjects.answer_constants import AnswerAction, CopyMedia
from subjects.answer_models import SubjectAnswer
from subjects.answer_outcome import found_counts, today_iso
from subjects.copy_contents import copy_contents
from subjects.copy_pdf import copy_pdf
from subjects.letter import letter_file_name, letter_pdf
from subjects.search import find_subject_data

# How long the copy's link works at most (never past a copied call's deadline).
COPY_LINK_DAYS = 14


def _transcript_files(answer: SubjectAnswer, recordings: list, membership, ip_address) -> dict:
    """{call id: [(file name, bytes), ...]} of approved anonymised transcripts, when the
    transcripts app has them (imported lazily: it is optional to this answer)."""
    try:
        from transcripts.constants import TranscriptStatus
        from transcripts.export import pdf_bytes, plain_text
        from transcripts.models import Transcript
    except ImportError:  # pragma: no cover - the transcripts app is part of the install
        return {}
    found: dict = {}
    transcripts = Transcript.objects.filter(
        organisation=answer.organisation,
        recording__in=[r.pk for r in recordings],
        status__in=[TranscriptStatus.APPROVED, TranscriptStatus.EXPORTED],
    ).order_by("recording_id", "-decided_at")
    for transcript in transcripts:
        key = str(transcript.recording_id)
        if key in found:
            continue  # the newest approved one per call
        stem = (
            f"transcripts/{transcript.recording.started_at:%Y%m%d-%H%M%S}-{transcript.pk.hex[:8]}"
        )
        found[key] = [
            (f"{stem}.pdf", pdf_bytes(transcript)),
            (f"{stem}.txt", plain_text(transcript).encode()),
        ]
        audit.record(
            actor=membership.user,
            action="subjects.transcript.disclosed",
            organisation=answer.organisation,
            target=transcript,
            detail={"subject_request": str(answer.subject_request_id)},
            ip_address=ip_address,
        )
    return found


def copy_link_expiry(recordings: list) -> Any:
    """At most COPY_LINK_DAYS, never past the deadline of a copied call that no hold keeps: a
    copy may not outlive the call it copies."""
    now = timezone.now()
    expires = now + timedelta(days=COPY_LINK_DAYS)
    for recording in recordings:
        if recording.status != RecordingStatus.HELD and recording.purge_deadline > now:
            expires = min(expires, recording.purge_deadline)
    return expires


def copy_link_preview(answer: SubjectAnswer) -> Any:
    """Until when a proposed copy's link would work if approved now (None otherwise)."""
    if answer is None or not answer.is_proposed or answer.action != AnswerAction.COPY:
        return None
    return copy_link_expiry(list(answer.recordings.all()))


def _approved_findings(answer: SubjectAnswer, recordings: list) -> Any:
    """What the search finds now, narrowed to what was approved: the calls of the answer, the
    certain cases plus the cases the preparer ticked (a case found only through its free text
    is no proof that it is the person's), and the access requests and disclosures of those."""
    subject_request = answer.subject_request
    found = find_subject_data(subject_request)
    org = answer.organisation_id
    ticked = set(answer.outcome.get("judged_cases") or ())
    case_ids = set(found.cases.values_list("pk", flat=True)) | set(
        Case.objects.filter(organisation=org, pk__in=ticked).values_list("pk", flat=True)
    )
    call_ids = [r.pk for r in recordings]
    access_requests = (
        AccessRequest.objects.filter(organisation=org)
        .filter(Q(recordings__in=call_ids) | Q(case__in=case_ids))
        .distinct()
    )
    disclosures = Disclosure.objects.filter(organisation=org).filter(
        Q(pk__in=found.disclosures.values("pk")) | Q(request__in=access_requests.values("pk"))
    )
    return dataclasses.replace(
        found,
        recordings=Recording.objects.filter(pk__in=call_ids).order_by("started_at"),
        cases=Case.objects.filter(pk__in=case_ids).order_by("-received_on"),
        access_requests=access_requests,
        disclosures=disclosures.order_by("-created_at"),
    )


def answer_send_copy(answer: SubjectAnswer, membership: Membership, ip_address: str | None) -> None:
    subject_request = answer.subject_request
    # The calls approved, as they are now (one the purge erased meanwhile holds nothing).
    recordings = list(
        Recording.objects.filter(pk__in=answer.recordings.values("pk"))
        .exclude(status=RecordingStatus.PURGED)
        .order_by("started_at")
    )
    findings = _approved_findings(answer, recordings)
    with_translation = translation.override(answer.language)
    with with_translation:
        contents = copy_contents(subject_request, findings)
    files: list[tuple[str, bytes]] = []
    calls = {call["id"]: call for call in contents["calls"]}
    audio_count = transcript_count = 0
    if answer.media == CopyMedia.AUDIO:
        for recording, name, data in subject_copy_audio(
            organisation=answer.organisation,
            recordings=[r for r in recordings if audio_may_leave(r)],
            actor=membership.user,
            subject_request_id=subject_request.pk,
            ip_address=ip_address,
        ):
            files.append((f"audio/{name}", data))
            calls[str(recording.pk)]["files"].append(f"audio/{name}")
            audio_count += 1
    elif answer.media == CopyMedia.TRANSCRIPT:
        for call_id, pairs in _transcript_files(answer, recordings, membership, ip_address).items():
            files += pairs
            if call_id in calls:
                calls[call_id]["files"] += [name for name, _data in pairs]
            transcript_count += 1
    expires_at = copy_link_expiry(recordings)
    answer.outcome = {
        **answer.outcome,
        "found": found_counts(findings),
        "done_on": today_iso(answer),
        "copy": {
            "calls": len(recordings),
            "audio": audio_count,
            "transcripts": transcript_count,
            "link_until": timezone.localtime(
                expires_at, ZoneInfo(answer.organisation.timezone)
            ).isoformat(),
        },
    }
    with with_translation:
        document = copy_pdf(contents)
    data = json.dumps(contents, ensure_ascii=False, indent=2).encode()
    letter = letter_pdf(answer)
    files = [
        (letter_file_name(answer), letter),
        ("copy.pdf", document),
        ("copy.json", data),
        *files,
    ]
    answer.disclosure = disclosure_share(
        organisation=answer.organisation,
        files=files,
        recipient_email=subject_request.requester_email,
        recipient_label=_label_for_subject(answer.language),
        purpose_code="",
        contents=DisclosureContents.SUBJECT_COPY,
        actor=membership.user,
        ip_address=ip_address,
        expires_at=expires_at,
    )


def _label_for_subject(language: str) -> str:
    with translation.override(language):
        return _("the data subject")
