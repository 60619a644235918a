"""Make audio (and not-audio) files for the tests: the suite ships no binary fixtures.

WAV files are written here (the stdlib `wave` module for integer PCM, RIFF headers by hand for
the rest); compressed formats come from the `ffmpeg` binary (Debian package ffmpeg, installed by
scripts/install-system-packages). Without ffmpeg the tests that need it fail, never skip.
"""

from __future__ import annotations

import math
import random
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest

TONE_HZ = 440

# fmt: (extension, ffmpeg codec arguments). Rates: Opus only takes 48 kHz; MP3 and AAC at 16 kHz
# keep the encoder's padding small enough that the reported length stays within 0.1 s.
ENCODINGS = {
    "mp3": ("mp3", ["-c:a", "libmp3lame", "-ar", "16000", "-b:a", "32k"]),
    # 8 kHz MP3 is MPEG 2.5; without ID3 tag or Xing header the file starts with a frame.
    "mp3_bare": (
        "mp3",
        ["-c:a", "libmp3lame", "-ar", "8000", "-b:a", "16k", "-id3v2_version", "0"]
        + ["-write_xing", "0"],
    ),
    "ogg_vorbis": ("ogg", ["-c:a", "libvorbis", "-ar", "8000"]),
    "ogg_opus": ("opus", ["-c:a", "libopus", "-ar", "48000", "-b:a", "24k"]),
    "flac": ("flac", ["-c:a", "flac", "-ar", "8000"]),
    # faststart puts the movie header first, so a truncation cuts the media data.
    "m4a": ("m4a", ["-c:a", "aac", "-ar", "16000", "-movflags", "+faststart"]),
    "m4a_alac": ("m4a", ["-c:a", "alac", "-ar", "8000"]),
    "mp4_aac": ("mp4", ["-c:a", "aac", "-ar", "16000", "-movflags", "+faststart", "-f", "mp4"]),
    "aac_adts": ("aac", ["-c:a", "aac", "-ar", "16000", "-f", "adts"]),
    "aiff": ("aif", ["-c:a", "pcm_s16be", "-ar", "8000", "-f", "aiff"]),
    "speex": ("spx", ["-c:a", "libspeex", "-ar", "8000", "-f", "spx"]),
    # Recognised but refused (by the probe, or by the drop folder for its extension):
    "ogg_flac": ("oga", ["-c:a", "flac", "-ar", "8000", "-f", "ogg"]),
    "mp2": ("mp2", ["-c:a", "mp2", "-ar", "16000", "-b:a", "32k"]),
    "wma": ("wma", ["-c:a", "wmav2", "-ar", "16000", "-f", "asf"]),
    "ac3": ("ac3", ["-c:a", "ac3", "-ar", "48000", "-f", "ac3"]),
}

WAV_TAGS = {"pcm_f32le": 3, "alaw": 6, "mulaw": 7, "gsm610": 49, "adpcm": 2}
GSM_BLOCK_BYTES, GSM_BLOCK_SAMPLES = 65, 320


def require_ffmpeg() -> str:
    binary = shutil.which("ffmpeg")
    if binary is None:
        pytest.fail(
            "ffmpeg is not installed; the tests make their audio files with it. "
            "Install it: scripts/install-system-packages (or apt-get install ffmpeg).",
            pytrace=False,
        )
    return binary


def make_encoded(path: Path, fmt: str, *, seconds: float = 1.0, channels: int = 1) -> Path:
    """Encode a sine tone with ffmpeg; fmt is a key of ENCODINGS."""
    if seconds <= 0:  # lavfi's sine source reads duration=0 as "forever"
        raise ValueError("make_encoded needs a positive duration")
    _extension, codec_args = ENCODINGS[fmt]
    command = [require_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"]
    command += ["-i", f"sine=frequency={TONE_HZ}:duration={seconds}", "-ac", str(channels)]
    subprocess.run([*command, *codec_args, str(path)], check=True, capture_output=True)
    return path


def make_video_only_mp4(path: Path) -> Path:
    """An MP4 with one second of black video and no sound track."""
    command = [require_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"]
    command += ["-i", "color=c=black:s=16x16:d=1", "-c:v", "mpeg4", "-f", "mp4", str(path)]
    subprocess.run(command, check=True, capture_output=True)
    return path


def tone(frames: int, rate: int, channels: int) -> list[float]:
    """Interleaved samples in -0.5..0.5."""
    return [
        0.5 * math.sin(2 * math.pi * TONE_HZ * n / rate)
        for n in range(frames)
        for _ in range(channels)
    ]


def make_wav(
    path: Path,
    *,
    seconds: float = 1.0,
    rate: int = 8000,
    channels: int = 1,
    encoding: str = "pcm_s16le",
    extensible: bool = False,
) -> Path:
    """A WAV file; encodings: pcm_u8/s16le/s24le/s32le, pcm_f32le, mulaw, alaw, gsm610, adpcm.

    extensible=True writes integer PCM with a WAVE_FORMAT_EXTENSIBLE header. Compressed payloads
    are zero bytes of the right length: the probe reads headers, it does not decode.
    """
    frames = round(seconds * rate)
    widths = {"pcm_u8": 1, "pcm_s16le": 2, "pcm_s24le": 3, "pcm_s32le": 4}
    if encoding in widths:
        width = widths[encoding]
        samples = tone(frames, rate, channels)
        if width == 1:  # 8-bit WAV is unsigned
            payload = bytes(round(128 + 127 * s) for s in samples)
        else:
            scale = 2 ** (8 * width - 1) - 1
            payload = b"".join(
                round(s * scale).to_bytes(width, "little", signed=True) for s in samples
            )
        if extensible:
            guid = struct.pack("<I", 1) + bytes.fromhex("00001000800000aa00389b71")
            extra = struct.pack("<HI", 8 * width, (1 << channels) - 1) + guid
            return write_riff_wav(
                path,
                tag=0xFFFE,
                channels=channels,
                rate=rate,
                bits=8 * width,
                extra=extra,
                data=payload,
            )
        with wave.open(str(path), "wb") as out:
            out.setnchannels(channels)
            out.setsampwidth(width)
            out.setframerate(rate)
            out.writeframes(payload)
        return path
    tag = WAV_TAGS[encoding]
    if encoding == "pcm_f32le":
        payload = struct.pack(f"<{frames * channels}f", *tone(frames, rate, channels))
        return write_riff_wav(path, tag=tag, channels=channels, rate=rate, bits=32, data=payload)
    if encoding in ("mulaw", "alaw"):
        return write_riff_wav(
            path,
            tag=tag,
            channels=channels,
            rate=rate,
            bits=8,
            data=bytes(frames * channels),
            fact=frames,
        )
    if encoding == "gsm610":  # mono; 65-byte blocks of 320 samples, so 8000 Hz -> 1625 B/s
        blocks = math.ceil(frames / GSM_BLOCK_SAMPLES)
        return write_riff_wav(
            path,
            tag=tag,
            channels=1,
            rate=rate,
            bits=0,
            block_align=GSM_BLOCK_BYTES,
            byte_rate=rate * GSM_BLOCK_BYTES // GSM_BLOCK_SAMPLES,
            extra=struct.pack("<H", GSM_BLOCK_SAMPLES),
            data=bytes(blocks * GSM_BLOCK_BYTES),
            fact=frames,
        )
    # Microsoft ADPCM: 4 bits a sample, 256-byte blocks of 500 samples, the 7 standard coefficients.
    coefficients = [(256, 0), (512, -256), (0, 0), (192, 64), (240, 0), (460, -208), (392, -232)]
    extra = struct.pack("<HH", 500, len(coefficients)) + b"".join(
        struct.pack("<hh", *pair) for pair in coefficients
    )
    blocks = math.ceil(frames / 500)
    return write_riff_wav(
        path,
        tag=tag,
        channels=1,
        rate=rate,
        bits=4,
        block_align=256,
        byte_rate=rate * 256 // 500,
        extra=extra,
        data=bytes(blocks * 256),
        fact=frames,
    )


def write_riff_wav(
    path: Path,
    *,
    tag: int,
    channels: int,
    rate: int,
    bits: int,
    data: bytes,
    block_align: int | None = None,
    byte_rate: int | None = None,
    extra: bytes | None = None,
    fact: int | None = None,
    data_size: int | None = None,
) -> Path:
    """A RIFF/WAVE file with the fields given; the defaults are the consistent values.

    extra is the fmt extension after cbSize (None: a plain 16-byte PCM fmt chunk); data_size
    overrides the data chunk's declared size (to announce more bytes than the file holds).
    """
    if block_align is None:
        block_align = channels * max(bits, 8) // 8
    if byte_rate is None:
        byte_rate = rate * block_align
    fmt = struct.pack("<HHIIHH", tag, channels, rate, byte_rate, block_align, bits)
    if extra is not None:
        fmt += struct.pack("<H", len(extra)) + extra
    chunks = _chunk(b"fmt ", fmt)
    if fact is not None:
        chunks += _chunk(b"fact", struct.pack("<I", fact))
    chunks += _chunk(b"data", data, declared=data_size)
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks)
    return path


def _chunk(chunk_id: bytes, body: bytes, *, declared: int | None = None) -> bytes:
    size = len(body) if declared is None else declared
    return chunk_id + struct.pack("<I", size) + body + b"\0" * (len(body) % 2)


def truncate(path: Path, keep_fraction: float) -> Path:
    """Keep only the first keep_fraction of the file's bytes."""
    content = path.read_bytes()
    path.write_bytes(content[: int(len(content) * keep_fraction)])
    return path


def corrupt(path: Path, *, offset: int = 12, length: int = 24, fill: bytes = b"\xa5") -> Path:
    """Overwrite `length` bytes from `offset`; the default hits a WAV file's fmt chunk."""
    with path.open("r+b") as f:
        f.seek(offset)
        f.write(fill * length)
    return path


def write_pdf(path: Path) -> Path:
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return path


def write_text(path: Path) -> Path:
    path.write_text("Call notes: customer asked about the invoice of March.\n", encoding="utf-8")
    return path


def write_random(path: Path, size: int = 4096, seed: int = 20240501) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def write_empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path
