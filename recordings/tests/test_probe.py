"""probe_audio: what each accepted format reports, and every reason a file is refused.

All files are made by recordings.tests.audio (WAV by hand, the rest with ffmpeg); no database.
"""

from __future__ import annotations

import os
import shutil
import struct

import pytest

from recordings import probe
from recordings.probe import AudioInfo, AudioRejected, probe_audio
from recordings.tests import audio

TOLERANCE = 0.1  # seconds; encoders pad to whole frames


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked in English; the interface default is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield


def rejected(path, **kwargs) -> AudioRejected:
    with pytest.raises(AudioRejected) as caught:
        probe_audio(path, **kwargs)
    return caught.value


# --- accepted -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "rate", "channels"),
    [
        ("pcm_u8", 8000, 1),
        ("pcm_s16le", 8000, 1),
        ("pcm_s16le", 44100, 2),
        ("pcm_s24le", 16000, 1),
        ("pcm_s32le", 8000, 2),
        ("pcm_f32le", 8000, 1),
        ("mulaw", 8000, 1),
        ("alaw", 8000, 2),
        ("gsm610", 8000, 1),
    ],
)
def test_wav_encodings_are_read(tmp_path, encoding, rate, channels):
    path = audio.make_wav(
        tmp_path / "call.wav", seconds=1.5, rate=rate, channels=channels, encoding=encoding
    )

    info = probe_audio(path)

    assert info == AudioInfo("wav", encoding, channels, rate, pytest.approx(1.5, abs=TOLERANCE))


def test_gsm_duration_counts_samples_not_blocks(tmp_path):
    # mutagen divides the data by the 65-byte block size: 25 blocks a second would be 3 ms.
    path = audio.make_wav(tmp_path / "call.wav", seconds=4.0, encoding="gsm610")

    assert probe_audio(path).duration_seconds == pytest.approx(4.0)


@pytest.mark.parametrize("encoding", ["pcm_s16le", "pcm_s24le"])
def test_wave_format_extensible_with_pcm_is_read(tmp_path, encoding):
    path = audio.make_wav(tmp_path / "call.wav", channels=2, encoding=encoding, extensible=True)

    assert probe_audio(path) == AudioInfo("wav", encoding, 2, 8000, 1.0)


@pytest.mark.parametrize(
    ("fmt", "container", "codec", "rate"),
    [
        ("mp3", "mp3", "mp3", 16000),
        ("ogg_vorbis", "ogg", "vorbis", 8000),
        ("ogg_opus", "ogg", "opus", 48000),
        ("flac", "flac", "flac", 8000),
        ("m4a", "m4a", "aac", 16000),
        ("m4a_alac", "m4a", "alac", 8000),
        ("mp4_aac", "m4a", "aac", 16000),
        ("aac_adts", "aac", "aac", 16000),
        ("aiff", "aiff", "pcm_s16be", 8000),
        ("speex", "ogg", "speex", 8000),
    ],
)
@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("seconds", [1.0, 3.0])
def test_encoded_formats_are_read(tmp_path, fmt, container, codec, rate, channels, seconds):
    extension = audio.ENCODINGS[fmt][0]
    path = audio.make_encoded(
        tmp_path / f"call.{extension}", fmt, seconds=seconds, channels=channels
    )

    info = probe_audio(path)

    assert (info.container, info.codec, info.channels, info.sample_rate) == (
        container,
        codec,
        channels,
        rate,
    )
    assert info.duration_seconds == pytest.approx(seconds, abs=TOLERANCE)


def test_mp3_without_id3_tag_at_8_khz_is_read_whatever_its_name(tmp_path):
    # MPEG 2.5 frames and no ID3 tag: mutagen.File would not recognise it by content alone.
    path = audio.make_encoded(tmp_path / "call.mp3", "mp3_bare")
    renamed = path.rename(tmp_path / "call.upload")

    info = probe_audio(renamed)

    assert (info.container, info.codec, info.channels, info.sample_rate) == ("mp3", "mp3", 1, 8000)
    assert info.duration_seconds == pytest.approx(1.0, abs=0.2)  # 72 ms frames


def test_the_file_name_does_not_decide_the_format(tmp_path):
    path = audio.make_wav(tmp_path / "call.flac")

    assert probe_audio(path).container == "wav"


def test_flac_without_total_samples_takes_its_length_from_the_last_frame(tmp_path):
    path = audio.make_encoded(tmp_path / "call.flac", "flac", seconds=2.0)
    content = bytearray(path.read_bytes())
    # STREAMINFO starts at byte 8; its 64 bits at 18..26 end with the 36-bit total sample count.
    (packed,) = struct.unpack(">Q", content[18:26])
    content[18:26] = struct.pack(">Q", packed & ~((1 << 36) - 1))
    path.write_bytes(bytes(content))

    assert probe_audio(path).duration_seconds == pytest.approx(2.0)


def test_a_file_at_the_limit_is_accepted(tmp_path):
    path = audio.make_wav(tmp_path / "call.wav")

    assert probe_audio(path, max_bytes=path.stat().st_size).container == "wav"


# --- refused: size ----------------------------------------------------------------------------


def test_empty_file(tmp_path):
    error = rejected(audio.write_empty(tmp_path / "call.wav"))

    assert (error.code, str(error)) == ("empty", "The file is empty.")


def test_too_large_is_refused_before_anything_reads_the_file(tmp_path, monkeypatch):
    path = audio.make_wav(tmp_path / "call.wav")
    os.truncate(path, 5 * 2**20 + 1)

    def untouchable(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(probe, "open", untouchable, raising=False)
    monkeypatch.setattr(probe, "_CLASSES", dict.fromkeys(probe._CLASSES, untouchable))

    error = rejected(path, max_bytes=5 * 2**20)

    assert error.code == "too_large"
    assert error.message == "The file is larger than the limit of 5 MB."


def test_messages_go_through_gettext(tmp_path, monkeypatch):
    monkeypatch.setattr(probe, "_", lambda message: f"[nl] {message}")

    assert str(rejected(audio.write_empty(tmp_path / "x.wav"))) == "[nl] The file is empty."


# --- refused: not audio -----------------------------------------------------------------------

NOT_AUDIO = (
    "This is not an audio file Earshot can read "
    "(WAV, AIFF, MP3, AAC, Ogg Vorbis/Opus/Speex, FLAC or M4A/MP4)."
)


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        (audio.write_pdf, "invoice.pdf"),
        (audio.write_pdf, "call.mp3"),  # the extension does not make it audio
        (audio.write_text, "notes.txt"),
        (audio.write_text, "call.wav"),
        (audio.write_random, "noise.bin"),
        (audio.write_random, "noise.flac"),
    ],
)
def test_not_audio(tmp_path, writer, name):
    error = rejected(writer(tmp_path / name))

    assert (error.code, error.message) == ("not_audio", NOT_AUDIO)


@pytest.mark.parametrize("fmt", ["wma", "ac3"])
def test_formats_recorders_rarely_write_are_not_audio_earshot_reads(tmp_path, fmt):
    path = audio.make_encoded(tmp_path / f"call.{audio.ENCODINGS[fmt][0]}", fmt)

    assert rejected(path).code == "not_audio"


def test_riff_that_is_not_wave_is_not_audio(tmp_path):
    path = tmp_path / "clip.avi"
    path.write_bytes(b"RIFF" + struct.pack("<I", 100) + b"AVI LIST" + bytes(92))

    assert rejected(path).code == "not_audio"


# --- refused: recognised but unsupported ------------------------------------------------------


def assert_unsupported(error: AudioRejected, encoding: str) -> None:
    assert error.code == "unknown_format"
    assert f"cannot accept this recording's encoding ({encoding})" in error.message
    assert "Please convert it to" in error.message


def test_wav_with_adpcm(tmp_path):
    error = rejected(audio.make_wav(tmp_path / "call.wav", encoding="adpcm"))

    assert_unsupported(error, "WAV format tag 2")


def test_wav_with_64_bit_float(tmp_path):
    path = audio.write_riff_wav(
        tmp_path / "call.wav", tag=3, channels=1, rate=8000, bits=64, data=bytes(64000)
    )

    assert_unsupported(rejected(path), "WAV with 64-bit samples")


def test_wave_format_extensible_with_adpcm_subformat(tmp_path):
    guid = struct.pack("<I", 2) + bytes.fromhex("00001000800000aa00389b71")
    path = audio.write_riff_wav(
        tmp_path / "call.wav", tag=0xFFFE, channels=1, rate=8000, bits=4, block_align=256,
        byte_rate=4096, extra=struct.pack("<HI", 4, 1) + guid, data=bytes(2048),
    )  # fmt: skip

    assert_unsupported(rejected(path), "WAV format tag 2")


@pytest.mark.parametrize(
    ("fmt", "encoding"),
    [
        ("ogg_flac", "an Ogg codec other than Vorbis, Opus or Speex"),
        ("mp2", "raw MPEG audio other than MP3"),
    ],
)
def test_encoded_but_unsupported(tmp_path, fmt, encoding):
    path = audio.make_encoded(tmp_path / f"call.{audio.ENCODINGS[fmt][0]}", fmt)

    assert_unsupported(rejected(path), encoding)


# --- refused: truncated -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "announced"), [("pcm_s16le", 16000), ("mulaw", 8000), ("gsm610", 1625)]
)
def test_truncated_wav_says_how_much_is_missing(tmp_path, encoding, announced):
    path = audio.make_wav(tmp_path / "call.wav", encoding=encoding)
    header_size = path.read_bytes().index(b"data") + 8  # the audio starts after this
    audio.truncate(path, 0.5)
    held = path.stat().st_size - header_size

    error = rejected(path)

    assert error.code == "truncated"
    assert error.message == (
        f"The WAV file is truncated: its header announces {announced} bytes of audio "
        f"but the file holds {held}."
    )


def test_wav_a_few_bytes_short_is_accepted(tmp_path):
    # Some writers miscount the data chunk by a byte or two; that is not a truncated call.
    path = audio.write_riff_wav(
        tmp_path / "call.wav", tag=1, channels=1, rate=8000, bits=16, data=bytes(16000),
        data_size=16002,
    )  # fmt: skip

    assert probe_audio(path).duration_seconds == pytest.approx(1.0)


@pytest.mark.parametrize(
    "fmt", ["ogg_vorbis", "ogg_opus", "speex", "flac", "m4a", "mp4_aac", "aac_adts", "aiff"]
)
@pytest.mark.parametrize("keep", [0.6, 0.9, 0.999])
def test_truncated_encoded_files(tmp_path, fmt, keep):
    path = audio.make_encoded(tmp_path / f"call.{audio.ENCODINGS[fmt][0]}", fmt, seconds=3.0)
    audio.truncate(path, keep)

    error = rejected(path)

    assert error.code == "truncated"
    assert error.message.startswith("The ") and " file is truncated: " in error.message


def test_flac_cut_exactly_between_two_frames_is_truncated(tmp_path):
    path = audio.make_encoded(tmp_path / "call.flac", "flac", seconds=2.0)
    content = path.read_bytes()
    frame_starts = [
        i for i in range(len(content) - 1) if probe._flac_frame_end(content, i, 0) is not None
    ]
    path.write_bytes(content[: frame_starts[-1]])  # everything but the last frame

    assert rejected(path).message == "The FLAC file is truncated: the end of its audio is missing."


def test_truncated_m4a_says_how_much_is_missing(tmp_path):
    path = audio.make_encoded(tmp_path / "call.m4a", "m4a")
    full = path.stat().st_size
    audio.truncate(path, 0.5)

    error = rejected(path)

    assert error.message == (
        f"The M4A file is truncated: it should hold {full} bytes but holds {full // 2}."
    )


def test_truncated_aiff_says_how_much_is_missing(tmp_path):
    path = audio.make_encoded(tmp_path / "call.aif", "aiff", seconds=1.0)
    header_size = path.read_bytes().index(b"SSND") + 16  # chunk header, offset, block size
    audio.truncate(path, 0.5)

    error = rejected(path)

    assert error.message == (
        "The AIFF file is truncated: its header announces 16000 bytes of audio but the file "
        f"holds {path.stat().st_size - header_size}."
    )


def test_aac_cut_inside_a_frame_is_truncated(tmp_path):
    path = audio.make_encoded(tmp_path / "call.aac", "aac_adts")
    audio.truncate(path, 0.75)

    assert rejected(path).message == "The AAC file is truncated: its last frame is cut off."


def test_alac_cut_short_is_refused(tmp_path):
    # Without faststart the movie header is at the end: a cut file has none to read.
    path = audio.make_encoded(tmp_path / "call.m4a", "m4a_alac")
    audio.truncate(path, 0.9)

    assert rejected(path).code in ("corrupt", "truncated")


def test_aac_with_garbage_between_frames_is_corrupt(tmp_path):
    path = audio.make_encoded(tmp_path / "call.aac", "aac_adts", seconds=2.0)
    content = path.read_bytes()
    path.write_bytes(content[:1000] + b"\0" * 64 + content[1000:])

    assert rejected(path).message == "The AAC file is damaged and cannot be read."


# --- refused: corrupt -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["pcm_s16le", "gsm610"])
def test_wav_with_damaged_header(tmp_path, encoding):
    path = audio.corrupt(audio.make_wav(tmp_path / "call.wav", encoding=encoding))

    error = rejected(path)

    assert (error.code, error.message) == (
        "corrupt",
        "The WAV file is damaged: its headers are incomplete.",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("block_align", 3), ("byte_rate", 12345)],
)
def test_wav_whose_format_header_contradicts_itself(tmp_path, field, value):
    path = audio.write_riff_wav(
        tmp_path / "call.wav", tag=1, channels=1, rate=8000, bits=16, data=bytes(16000),
        **{field: value},
    )  # fmt: skip

    error = rejected(path)

    assert error.code == "corrupt"
    assert "its format header contradicts itself" in error.message


def test_mp3_without_valid_frames(tmp_path):
    path = audio.make_encoded(tmp_path / "call.mp3", "mp3")
    content = path.read_bytes()
    tag_end = 10 + sum(b << (7 * (3 - i)) for i, b in enumerate(content[6:10]))
    path.write_bytes(content[:tag_end] + bytes(len(content) - tag_end))  # ID3 tag, then zeros

    error = rejected(path)

    assert (error.code, error.message) == (
        "corrupt",
        "The MP3 file contains no valid audio frames.",
    )


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("flac", "FLAC"), ("m4a", "M4A"), ("ogg_vorbis", "Ogg"), ("ogg_opus", "Ogg")],
)
def test_encoded_files_with_damaged_headers(tmp_path, fmt, name):
    path = audio.make_encoded(tmp_path / f"call.{audio.ENCODINGS[fmt][0]}", fmt)
    content = path.read_bytes()
    # FLAC and M4A: zero the header blocks after the signature. Ogg: zero the second page's
    # header, which holds the comment and setup packets.
    offset = content.index(b"OggS", 4) if fmt.startswith("ogg") else 8
    audio.corrupt(path, offset=offset, length=32, fill=b"\0")

    error = rejected(path)

    assert (error.code, error.message) == (
        "corrupt",
        f"The {name} file is damaged and cannot be read.",
    )


# --- refused: no audio ------------------------------------------------------------------------


def test_wav_of_zero_seconds(tmp_path):
    error = rejected(audio.make_wav(tmp_path / "call.wav", seconds=0))

    assert (error.code, error.message) == (
        "no_audio",
        "The file contains no audio: it lasts zero seconds.",
    )


@pytest.mark.parametrize(
    ("channels", "rate", "message"),
    [
        (0, 8000, "The file contains no audio: it declares no channels."),
        (1, 0, "The file contains no audio: its sample rate is zero."),
    ],
)
def test_wav_without_channels_or_sample_rate(tmp_path, channels, rate, message):
    path = audio.write_riff_wav(
        tmp_path / "call.wav", tag=1, channels=channels, rate=rate, bits=16, block_align=2,
        byte_rate=16000, data=bytes(16000),
    )  # fmt: skip

    error = rejected(path)

    assert (error.code, error.message) == ("no_audio", message)


def test_mp3_of_zero_length(tmp_path):
    # One encoder-delay's worth of audio: the frames hold nothing once the delay is removed.
    path = audio.make_encoded(tmp_path / "call.mp3", "mp3", seconds=0.001)

    assert rejected(path).code == "no_audio"


def test_mp4_without_an_audio_track(tmp_path):
    path = audio.make_video_only_mp4(tmp_path / "clip.mp4")

    error = rejected(path)

    assert (error.code, error.message) == ("no_audio", "The file contains no audio track.")


# --- the helpers ------------------------------------------------------------------------------


def test_without_ffmpeg_the_encoded_tests_fail_and_say_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)

    with pytest.raises(pytest.fail.Exception, match="install"):
        audio.make_encoded(tmp_path / "call.mp3", "mp3")


def test_exception_carries_code_and_message():
    error = AudioRejected("empty", "The file is empty.")

    assert (error.code, error.message, str(error)) == ("empty", "The file is empty.", error.message)
