"""The speech-to-text seam: no engine unless an installation configures one by dotted path."""

from __future__ import annotations

from transcripts.engines import EngineUtterance, TranscriptionEngine, configured_engine


class FakeEngine:
    name = "fake"

    def transcribe(self, *, audio: bytes, container: str, language: str) -> list[EngineUtterance]:
        return [EngineUtterance(0.0, 1.5, "customer", f"{len(audio)} bytes of {container}")]


def test_no_engine_is_configured_by_default(settings):
    settings.EARSHOT_TRANSCRIPTION_ENGINE = ""
    assert configured_engine() is None


def test_an_engine_is_loaded_from_its_dotted_path(settings):
    settings.EARSHOT_TRANSCRIPTION_ENGINE = "transcripts.tests.test_engines.FakeEngine"
    engine = configured_engine()
    assert isinstance(engine, FakeEngine)
    engine_as_protocol: TranscriptionEngine = engine
    (utterance,) = engine_as_protocol.transcribe(audio=b"abc", container="wav", language="nl")
    assert utterance.text == "3 bytes of wav"
