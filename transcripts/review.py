"""What the transcript page shows per utterance: its time and speaker, the text cut into
plain and redacted pieces, its redactions with their detector, and the anonymised text."""

from __future__ import annotations

from django.utils.translation import gettext as _

from transcripts.anonymise import anonymised, highlighted
from transcripts.constants import MANUAL, Speaker
from transcripts.detectors import DETECTORS
from transcripts.forms import UtteranceForm
from transcripts.models import Transcript
from transcripts.timecodes import format_seconds


def speaker_display(speaker: str) -> str:
    if speaker in Speaker.values:
        return str(Speaker(speaker).label)
    return speaker


def detector_labels() -> dict[str, str]:
    return {**DETECTORS, MANUAL: _("Added by hand")}


def utterance_rows(transcript: Transcript, edit_forms: dict, *, editable: bool) -> list[dict]:
    rows = []
    labels = detector_labels()
    for utterance in transcript.utterances.prefetch_related("redactions"):
        found = list(utterance.redactions.all())
        for redaction in found:
            redaction.snippet = utterance.text[redaction.start : redaction.end]
            redaction.detector_label = str(labels.get(redaction.detector, redaction.detector))
        rows.append(
            {
                "utterance": utterance,
                "time": format_seconds(utterance.start_seconds),
                "end": format_seconds(utterance.end_seconds),
                "speaker": speaker_display(utterance.speaker),
                "pieces": highlighted(utterance.text, found),
                "redactions": found,
                "anonymised": anonymised(utterance.text, found),
                "form": (
                    edit_forms.get(utterance.pk)
                    or UtteranceForm.for_utterance(utterance, prefix=f"u{utterance.pk}")
                )
                if editable
                else None,
            }
        )
    return rows
