"""A transcript is derived data of its call: when the purge (or an early erasure) turns a
call into a tombstone, its transcripts, utterances and redactions are deleted in the same
transaction (retention.purge.erase_batch calls this). A held call is never erased, so it keeps
its transcript. The anonymised version kept as a case record is not touched: it follows its
case (TranscriptCaseRecord.case, CASCADE when the case records purge deletes the case)."""

from __future__ import annotations

from collections.abc import Iterable

import audit
from transcripts.models import Transcript


def transcripts_erase_for_recordings(*, organisation, recording_ids: Iterable) -> int:
    """Delete the transcripts of these calls; one audit event per transcript (no text).
    Returns how many went. One query when there are none (the usual case)."""
    ids = list(recording_ids)
    if not ids:
        return 0
    doomed = list(
        Transcript.objects.filter(organisation=organisation, recording_id__in=ids).values_list(
            "pk", "recording_id", "purpose__code"
        )
    )
    if not doomed:
        return 0
    Transcript.objects.filter(pk__in=[pk for pk, _r, _p in doomed]).delete()
    audit.record_many(
        actor=None,
        action="transcripts.transcript.erased",
        organisation=organisation,
        target_model=Transcript,
        entries=[(pk, {"recording": str(recording)}) for pk, recording, _p in doomed],
    )
    return len(doomed)
