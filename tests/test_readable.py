"""Technical values in words a person reads, in the page's language."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import translation

from earshot.templatetags.readable import audio_words, duration


def test_a_calls_length_reads_as_people_say_it():
    with translation.override("en"):
        assert duration(45) == "45 s"
        assert duration(65.4) == "1 min 05 s"
        assert duration(3720) == "1 h 02 min"
        assert duration(None) == "—"
    with translation.override("nl"):
        assert duration(3720) == "1 u 02 min"


def test_the_audio_is_named_without_codec_or_channel_count():
    wav = SimpleNamespace(container="wav", codec="pcm_s16le", channels=1, sample_rate=8000)
    stereo = SimpleNamespace(container="wav", codec="pcm_s16le", channels=2, sample_rate=44100)
    with translation.override("en"):
        assert audio_words(wav) == "WAV · mono · 8 kHz"
        assert audio_words(stereo) == "WAV · stereo · 44.1 kHz"
    with translation.override("nl"):
        assert audio_words(stereo) == "WAV · stereo · 44,1 kHz"
        assert "pcm" not in audio_words(wav)
