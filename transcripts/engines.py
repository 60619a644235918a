"""The seam for speech-to-text. No engine is part of Earshot: the manual path (typing beside
the player, or importing a text file) is complete on its own.

An engine, once someone adds one, is a class with this shape, configured by dotted path in the
setting EARSHOT_TRANSCRIPTION_ENGINE (unset: none). It receives the audio bytes of one call
that the gate has already released for a transcript purpose (the caller holds the grant and
writes the listen event), and returns utterances the typist then corrects like typed ones.
Its output never skips the review: the detectors propose redactions on it and a second person
approves the anonymised version, exactly as for a typed transcript.

Rules for an engine: it runs on premises or within the EU under the organisation's processor
agreement; it keeps no copy of the audio or the text; it is given no metadata of the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class EngineUtterance:
    start_seconds: float
    end_seconds: float | None
    speaker: str  # "employee", "customer", or a free label such as "speaker 2"
    text: str


class TranscriptionEngine(Protocol):
    """Turns one call's audio into utterances."""

    name: str

    def transcribe(
        self, *, audio: bytes, container: str, language: str
    ) -> list[EngineUtterance]: ...


def configured_engine() -> TranscriptionEngine | None:
    """The engine the installation configured, or None (the default: type it by hand)."""
    path = getattr(settings, "EARSHOT_TRANSCRIPTION_ENGINE", "") or ""
    return import_string(path)() if path else None
