"""Exporting the approved anonymised version to the customer: a PDF and a plain text file of
the ANONYMISED text only, handed over through access.disclosures.disclosure_share (a link by
e-mail, the code in a second message). Optionally the same anonymised text is kept as a record
of the case the grant's request hangs on, under the case's retention.
"""

from __future__ import annotations

import hashlib
import io
import os
from datetime import timedelta
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

import audit
from access.rules import rule_for
from organisations.models import Membership
from recordings.constants import RecordingStatus
from transcripts.anonymise import anonymised
from transcripts.constants import Speaker, TranscriptStatus
from transcripts.models import Transcript, TranscriptCaseRecord
from transcripts.policy import (
    TranscriptError,
    approval_refusal,
    recording_problem,
    transcript_lock,
)
from transcripts.timecodes import format_seconds

# Fonts with wide Unicode coverage where the system has them (Debian: fonts-dejavu-core);
# reportlab's own Vera otherwise.
_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    os.path.join(os.path.dirname(__import__("reportlab").__file__), "fonts", "Vera.ttf"),
]


def _font() -> str:
    if "TranscriptSans" in pdfmetrics.getRegisteredFontNames():
        return "TranscriptSans"
    for path in _FONT_CANDIDATES:
        if os.path.exists(path):
            pdfmetrics.registerFont(TTFont("TranscriptSans", path))
            return "TranscriptSans"
    return "Helvetica"


def speaker_label(speaker: str, others: dict[str, int]) -> str:
    """The speaker as the anonymised version shows it: employee and customer by role, any
    free label (it may be a name) as "Other speaker 1", "Other speaker 2", …"""
    if speaker in (Speaker.EMPLOYEE, Speaker.CUSTOMER):
        return str(Speaker(speaker).label)
    number = others.setdefault(speaker, len(others) + 1)
    return _("Other speaker %(number)d") % {"number": number}


def anonymised_lines(transcript: Transcript, language: str) -> list[tuple[str, str, str]]:
    """(time, speaker, anonymised text) per utterance, in `language`."""
    others: dict[str, int] = {}
    rows = []
    with translation.override(language):
        for utterance in transcript.utterances.prefetch_related("redactions"):
            rows.append(
                (
                    format_seconds(utterance.start_seconds),
                    speaker_label(utterance.speaker, others),
                    anonymised(utterance.text, utterance.redactions.all(), language),
                )
            )
    return rows


def _heading(transcript: Transcript) -> tuple[str, str]:
    local = timezone.localtime(
        transcript.recording.started_at, ZoneInfo(transcript.organisation.timezone)
    )
    title = _("Anonymised transcript of a call with %(organisation)s") % {
        "organisation": transcript.organisation.name
    }
    subtitle = _("Call of %(date)s. Personal data is replaced by its kind in square brackets.") % {
        "date": local.strftime("%d-%m-%Y %H:%M")
    }
    return title, subtitle


def plain_text(transcript: Transcript) -> str:
    language = transcript.language
    with translation.override(language):
        title, subtitle = _heading(transcript)
        lines = [title, subtitle, ""]
        lines += [
            f"[{time}] {speaker}: {text}"
            for time, speaker, text in anonymised_lines(transcript, language)
        ]
    return "\n".join(lines) + "\n"


def pdf_bytes(transcript: Transcript) -> bytes:
    language = transcript.language
    font = _font()
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("transcript", fontName=font, fontSize=10, leading=13)
    head = styles["Heading2"].clone("transcript-head", fontName=font)
    buffer = io.BytesIO()
    with translation.override(language):
        title, subtitle = _heading(transcript)
        story: list[Any] = [Paragraph(escape(title), head), Paragraph(escape(subtitle), body)]
        story.append(Spacer(1, 4 * mm))
        for time, speaker, text in anonymised_lines(transcript, language):
            story.append(
                Paragraph(
                    f"<b>[{escape(time)}] {escape(speaker)}:</b> "
                    + escape(text).replace("\n", "<br/>"),
                    body,
                )
            )
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    ).build(story)
    return buffer.getvalue()


def export_refusal(membership: Membership, transcript: Transcript) -> str | None:
    """Why this member may not export the transcript now, or None. The author (while their
    grant is not revoked) or one of the purpose's approvers exports it once approved."""
    is_author = transcript.author_id == membership.user_id
    if is_author and transcript.grant.revoked_at is not None:
        return _("Your grant for this call was revoked.")
    if not is_author and approval_refusal(membership, transcript):
        return _("Only the author or an approver of this purpose exports the transcript.")
    if transcript.status == TranscriptStatus.EXPORTED:
        return _("This transcript has already been exported.")
    if transcript.status != TranscriptStatus.APPROVED:
        return _("Only an approved transcript can be exported.")
    return recording_problem(transcript.recording)


def recipients_for(transcript: Transcript) -> list:
    """The outside recipients the purpose's rule names (empty: the customer, unnamed)."""
    rule = rule_for(transcript.purpose)
    return list(rule.disclosure_recipients.all()) if rule else []


def _link_expiry(transcript: Transcript) -> Any:
    """The policy's days for a link, never past the call's own deadline: the anonymised copy
    on this server goes with the call it was typed from (unless the call is held)."""
    rule = rule_for(transcript.purpose)
    expires = timezone.now() + timedelta(days=rule.disclosure_link_days if rule else 7)
    if transcript.recording.status != RecordingStatus.HELD:
        expires = min(expires, transcript.recording.purge_deadline)
    return expires


@transaction.atomic
def transcript_export(
    *,
    membership: Membership,
    transcript_id: Any,
    recipient_email: str,
    recipient_id: Any = None,
    keep_as_case_record: bool = False,
    ip_address: str | None = None,
) -> Transcript:
    from access.constants import DisclosureContents
    from access.disclosures import DisclosureError, disclosure_share

    transcript = transcript_lock(membership, transcript_id)
    refusal = export_refusal(membership, transcript)
    if refusal:
        raise TranscriptError(refusal)
    recipient_email = (recipient_email or "").strip()
    if not recipient_email or "@" not in recipient_email:
        raise TranscriptError(_("Give the customer's e-mail address for the download link."))
    named = recipients_for(transcript)
    recipient = None
    if named:
        recipient = next((r for r in named if str(r.pk) == str(recipient_id)), None)
        if recipient is None and len(named) == 1:
            recipient = named[0]
        if recipient is None:
            raise TranscriptError(_("Choose the recipient the policy names for this purpose."))
    with translation.override(transcript.language):
        label = recipient.name if recipient else _("the customer")
    case = transcript.request.case
    if keep_as_case_record and case is None:
        raise TranscriptError(
            _("The request this transcript was typed under has no case to keep it with.")
        )
    text = plain_text(transcript)
    files = [
        ("transcript.pdf", pdf_bytes(transcript)),
        ("transcript.txt", text.encode("utf-8")),
    ]
    try:
        disclosure = disclosure_share(
            organisation=transcript.organisation,
            files=files,
            recipient_email=recipient_email,
            recipient_label=label,
            purpose_code=transcript.purpose.code,
            contents=DisclosureContents.TRANSCRIPT,
            actor=membership.user,
            ip_address=ip_address,
            expires_at=_link_expiry(transcript),
            request=None,
            recipient=recipient,
        )
    except DisclosureError as error:
        raise TranscriptError(str(error)) from None
    transcript.status = TranscriptStatus.EXPORTED
    transcript.exported_at = timezone.now()
    transcript.disclosure = disclosure
    transcript.save(update_fields=["status", "exported_at", "disclosure"])
    audit.record(
        actor=membership.user,
        action="transcripts.transcript.exported",
        organisation=transcript.organisation,
        target=transcript,
        purpose=transcript.purpose.code,
        detail={"disclosure": str(disclosure.pk), "kept_with_case": bool(keep_as_case_record)},
        ip_address=ip_address,
    )
    if keep_as_case_record:
        _keep(membership, transcript, case, text, ip_address)
    return transcript


def _keep(membership, transcript, case, text: str, ip_address) -> TranscriptCaseRecord:
    record = TranscriptCaseRecord.objects.create(
        organisation=transcript.organisation,
        case=case,
        transcript=transcript,
        language=transcript.language,
        anonymised_text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        call_started_at=transcript.recording.started_at,
        created_by=membership.user,
    )
    audit.record(
        actor=membership.user,
        action="transcripts.case_record.kept",
        organisation=transcript.organisation,
        target=record,
        purpose=transcript.purpose.code,
        detail={"case": str(case.pk), "transcript": str(transcript.pk), "sha256": record.sha256},
        ip_address=ip_address,
    )
    return record
