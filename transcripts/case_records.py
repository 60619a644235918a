"""The anonymised versions kept as case records, shown on their case's page (through
access.case_sections) to whoever may open the case, and read or downloaded as plain text."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

import audit
from access.case_sections import CaseSection
from access.four_eyes import cases_visible_to
from organisations.models import Membership
from transcripts.models import TranscriptCaseRecord
from transcripts.policy import TranscriptError


def kept_transcripts_section(membership: Membership, case: Any) -> list[CaseSection]:
    records = list(
        TranscriptCaseRecord.objects.filter(
            organisation=membership.organisation_id, case=case
        ).order_by("call_started_at", "created_at")
    )
    if not records:
        return []
    return [CaseSection("transcripts/case_records.html", {"transcript_records": records})]


def case_record_get(*, membership: Membership, record_id: Any) -> TranscriptCaseRecord:
    """A kept anonymised version of a case this member may open; refused otherwise."""
    record = (
        TranscriptCaseRecord.objects.filter(
            pk=record_id,
            organisation=membership.organisation_id,
            case__in=cases_visible_to(membership),
        )
        .select_related("case")
        .first()
    )
    if record is None:
        raise TranscriptError(_("No such kept transcript."))
    return record


def case_record_read(
    *, membership: Membership, record: TranscriptCaseRecord, download: bool, ip_address
) -> None:
    audit.record(
        actor=membership.user,
        action="transcripts.case_record.read",
        organisation=membership.organisation,
        target=record,
        detail={"case": str(record.case_id), "download": download, "sha256": record.sha256},
        ip_address=ip_address,
    )


def case_record_file_name(record: TranscriptCaseRecord) -> str:
    return f"transcript-{record.call_started_at:%Y%m%d-%H%M%S}-{record.pk.hex[:8]}.txt"
