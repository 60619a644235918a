"""The audit trail's links to transcripts and the anonymised versions kept with a case."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.links import register_target_link, resolver_for
from transcripts.models import Transcript, TranscriptCaseRecord


def register_audit_links() -> None:
    register_target_link(
        "transcripts.transcript",
        resolver_for(
            lambda org: Transcript.objects.filter(organisation=org),
            label=lambda transcript: _("transcript"),
            url_name="transcripts:detail",
            url_kwargs=lambda transcript: {"transcript_id": transcript.pk},
        ),
        noun=gettext_lazy("transcript"),
        detail_keys=("transcript",),
    )
    register_target_link(
        "transcripts.transcriptcaserecord",
        resolver_for(
            lambda org: TranscriptCaseRecord.objects.filter(organisation=org),
            label=lambda record: _("anonymised transcript kept with its case"),
            url_name="transcripts:case_record",
            url_kwargs=lambda record: {"record_id": record.pk},
        ),
        noun=gettext_lazy("kept transcript"),
    )
