"""Probe an audio file on local disk before anything is stored; refuse what is not valid audio.

mutagen reads the headers. It does not decode audio and it trusts declared sizes, so truncation
is checked by hand where mutagen cannot see it: WAV and AIFF (chunks), FLAC (the last frame),
Ogg (the end-of-stream page), M4A/MP4 (top-level boxes) and AAC in ADTS (every frame).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from mutagen import MutagenError
from mutagen.aac import AAC
from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.mp3 import MP3, HeaderNotFoundError
from mutagen.mp4 import MP4
from mutagen.ogg import OggPage
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE


@dataclass(frozen=True)
class AudioInfo:
    container: str  # "wav", "aiff", "mp3", "aac", "ogg", "flac", "m4a"
    codec: (
        str  # "pcm_s16le", "mulaw", "alaw", "gsm610", "mp3", "vorbis", "opus", "speex", "aac", ...
    )
    channels: int
    sample_rate: int
    duration_seconds: float


class AudioRejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


# The class is picked from the magic bytes, not by mutagen.File: File() scores candidates partly
# by file-name extension (uploads keep the client's extension, so a WAV named .flac would go to
# FLAC) and does not recognise an MP3 without ID3 tag whose frames are MPEG 2.5 (8 kHz).
_CLASSES = {
    "wav": WAVE,
    "aiff": AIFF,
    "mp3": MP3,
    "aac": AAC,
    "vorbis": OggVorbis,
    "opus": OggOpus,
    "speex": OggSpeex,
    "flac": FLAC,
    "m4a": MP4,
}
_OGG_KINDS = ("vorbis", "opus", "speex")
# Malformed input can make mutagen's parsers fail with these instead of MutagenError.
_PARSE_ERRORS = (MutagenError, struct.error, ValueError, IndexError, KeyError, EOFError)
_WAV_CODECS = {1: None, 3: "pcm_f32le", 6: "alaw", 7: "mulaw", 49: "gsm610"}  # None: by bits
_WAV_PCM = {8: "pcm_u8", 16: "pcm_s16le", 24: "pcm_s24le", 32: "pcm_s32le"}
_GUID_TAIL = bytes.fromhex("00001000800000aa00389b71")  # KSDATAFORMAT_SUBTYPE_* after the tag
_WAV_SLACK = 4  # writers that miscount the data chunk by a byte or two are not truncated files
_GSM_BLOCK, _GSM_SAMPLES = 65, 320  # GSM 6.10 in WAV: 65-byte blocks of 320 samples
# AIFF-C compression types Earshot takes; None: PCM, big-endian unless "sowt".
_AIFC_CODECS = {b"NONE": None, b"twos": None, b"sowt": None, b"fl32": "pcm_f32be"}
_AIFC_CODECS |= {b"FL32": "pcm_f32be", b"ulaw": "mulaw", b"ULAW": "mulaw", b"alaw": "alaw"}
_AIFC_CODECS |= {b"ALAW": "alaw"}
_ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000]
_ADTS_RATES += [7350]
_FLAC_BLOCKSIZES = [0, 192, *(576 << n for n in range(4)), 0, 0, *(256 << n for n in range(8))]


def probe_audio(path: Path, *, max_bytes: int | None = None) -> AudioInfo:
    """Return what the file holds, or raise AudioRejected. OSError (missing file) propagates."""
    size = Path(path).stat().st_size  # the size checks come before any byte is parsed
    if size == 0:
        raise AudioRejected("empty", _("The file is empty."))
    if max_bytes is not None and size > max_bytes:
        limit = f"{max_bytes / 2**20:g}"
        raise AudioRejected(
            "too_large", _("The file is larger than the limit of %(limit)s MB.") % {"limit": limit}
        )
    with open(path, "rb") as f:
        kind = _sniff(f)
        if kind == "wav":  # our own RIFF walk first: its messages say what exactly is wrong
            codec, channels, rate, duration = _check_wav(f, size)
        elif kind == "aiff":
            codec, channels, frames = _check_aiff(f, size)
        elif kind == "aac":  # mutagen estimates the length of ADTS; count the frames instead
            channels, rate, duration = _check_adts(f, size)
        audio = _load(kind, f)
        info = audio.info
        if kind == "wav":
            return _audio("wav", codec, channels, rate, duration)  # mutagen: blocks, not samples
        if kind == "aiff":
            rate = info.sample_rate
            return _audio("aiff", codec, channels, rate, frames / rate if rate else 0)
        if kind == "aac":
            return _audio("aac", "aac", channels or info.channels, rate, duration)
        if kind == "mp3":
            if info.layer != 3:
                raise _unsupported(_("MPEG audio layer %(layer)s") % {"layer": info.layer})
            return _audio("mp3", "mp3", info.channels, info.sample_rate, info.length)
        if kind in _OGG_KINDS:
            try:
                page = OggPage.find_last(f, info.serial)
            except _PARSE_ERRORS as exc:
                raise _corrupt(kind) from exc
            if page is None or not page.last:  # mutagen reports the length up to the cut
                raise AudioRejected(
                    "truncated", _("The Ogg file is truncated: its final page is missing.")
                )
            rate = 48000 if kind == "opus" else info.sample_rate  # Opus always decodes at 48 kHz
            return _audio("ogg", kind, info.channels, rate, info.length)
        if kind == "flac":  # a stream written live may leave STREAMINFO's total at 0 (unknown)
            samples = _check_flac(f, size, info)
            return _audio(
                "flac", "flac", info.channels, info.sample_rate, samples / info.sample_rate
            )
        moov = _check_mp4_boxes(f, size)
        if not info.codec:  # no sound track: mutagen falls back to the movie header
            raise AudioRejected("no_audio", _("The file contains no audio track."))
        if info.codec == "alac":  # Apple Lossless, what iOS and some recorders write
            return _audio("m4a", "alac", info.channels, info.sample_rate, info.length)
        if not info.codec.startswith("mp4a.40."):  # MPEG-4 audio object types: AAC LC, HE, ...
            raise _unsupported(info.codec_description or info.codec)
        channels = info.channels
        if info.codec == "mp4a.40.2":  # AAC LC: see _aac_lc_channels
            channels = _aac_lc_channels(moov) or channels
        return _audio("m4a", "aac", channels, info.sample_rate, info.length)


def _sniff(f) -> str:
    head = f.read(64)
    if head[:3] == b"ID3" and len(head) >= 10:  # an ID3v2 tag may precede MP3 and FLAC
        tag_size = sum(b << (7 * (3 - i)) for i, b in enumerate(head[6:10]))  # "syncsafe"
        f.seek(10 + tag_size + (10 if head[5] & 0x10 else 0))  # header, tag, optional footer
        after = f.read(4)
        if after == b"fLaC":
            return "flac"
        return "aac" if _is_adts(after) else "mp3"  # mutagen skips tags, finds frames
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:4] == b"OggS":  # the first page holds the codec's identification packet
        if b"\x01vorbis" in head:
            return "vorbis"
        if b"OpusHead" in head:
            return "opus"
        if b"Speex   " in head:
            return "speex"
        raise _unsupported(_("an Ogg codec other than Vorbis, Opus or Speex"))
    if _is_adts(head):  # AAC in ADTS frames, as recorders stream it
        return "aac"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # MPEG frame sync
        if head[1] & 0x06 == 0x02:  # layer III; others are MP1/MP2
            return "mp3"
        raise _unsupported(_("raw MPEG audio other than MP3"))
    raise AudioRejected(
        "not_audio",
        _(
            "This is not an audio file Earshot can read "
            "(WAV, AIFF, MP3, AAC, Ogg Vorbis/Opus/Speex, FLAC or M4A/MP4)."
        ),
    )


def _load(kind: str, f):
    f.seek(0)
    try:
        return _CLASSES[kind](f)
    except HeaderNotFoundError as exc:  # MP3: no run of valid frames anywhere in the first MB
        raise AudioRejected("corrupt", _("The MP3 file contains no valid audio frames.")) from exc
    except _PARSE_ERRORS as exc:
        raise _corrupt(kind) from exc


def _check_wav(f, size: int) -> tuple[str, int, int, float]:
    """Walk the RIFF chunks: mutagen takes the data chunk's declared size on trust."""
    fmt = data = None
    f.seek(12)
    while (header := f.read(8)) and len(header) == 8:
        chunk_id, chunk_size = struct.unpack("<4sI", header)
        start = f.tell()
        if chunk_id == b"fmt ":
            fmt = f.read(min(chunk_size, 40))
        elif chunk_id == b"data" and data is None:
            data = (start, chunk_size)
        if start + chunk_size > size:  # nothing past an oversized chunk can be trusted
            break
        f.seek(start + chunk_size + chunk_size % 2)  # chunks are padded to even sizes
    if data and data[0] + data[1] > size + _WAV_SLACK:
        message = _(
            "The WAV file is truncated: its header announces %(expected)s bytes of audio "
            "but the file holds %(actual)s."
        )
        raise AudioRejected("truncated", message % {"expected": data[1], "actual": size - data[0]})
    if fmt is None or len(fmt) < 16 or data is None:
        raise AudioRejected("corrupt", _("The WAV file is damaged: its headers are incomplete."))
    tag, channels, rate, byte_rate, block_align, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == 0xFFFE and len(fmt) >= 40 and fmt[28:40] == _GUID_TAIL:  # WAVE_FORMAT_EXTENSIBLE
        tag = struct.unpack("<H", fmt[24:26])[0]
    if tag not in _WAV_CODECS:  # e.g. 2 (Microsoft ADPCM), 0x11 (IMA ADPCM), 0x55 (MP3)
        raise _unsupported(_("WAV format tag %(tag)s") % {"tag": tag})
    if (tag == 3 and bits != 32) or (tag == 1 and bits not in _WAV_PCM):
        raise _unsupported(_("WAV with %(bits)s-bit samples") % {"bits": bits})
    if channels == 0 or rate == 0:
        raise _no_audio(channels, rate)
    codec = _WAV_CODECS[tag] or _WAV_PCM[bits]
    samples_per_block = _GSM_SAMPLES if tag == 49 else 1
    expected_align = _GSM_BLOCK if tag == 49 else channels * max(bits, 8) // 8
    if tag == 49 and channels != 1:
        expected_align = 0  # GSM 6.10 in WAV is mono only
    if block_align != expected_align or abs(byte_rate - rate * block_align / samples_per_block) > 1:
        raise AudioRejected(
            "corrupt", _("The WAV file is damaged: its format header contradicts itself.")
        )
    held = min(data[1], size - data[0])  # within the slack, count only what is there
    duration = held // block_align * samples_per_block / rate
    return codec, channels, rate, duration


def _is_adts(head: bytes) -> bool:
    # 12 sync bits, layer 00; a sampling index past 12 is reserved.
    return len(head) >= 4 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0 and head[2] >> 2 & 15 < 13


def _check_aiff(f, size: int) -> tuple[str, int, int]:
    """Walk the IFF chunks (big-endian): the sound data must hold what COMM announces.

    Returns the codec, channels and sample frames.
    """
    f.seek(0)
    form = f.read(12)
    comm = ssnd = None
    while (header := f.read(8)) and len(header) == 8:
        chunk_id, chunk_size = struct.unpack(">4sI", header)
        start = f.tell()
        if chunk_id == b"COMM":
            comm = f.read(min(chunk_size, 64))
        elif chunk_id == b"SSND" and ssnd is None:
            ssnd = (start, chunk_size)
        if start + chunk_size > size:
            break
        f.seek(start + chunk_size + chunk_size % 2)
    if comm is None or len(comm) < 18 or ssnd is None:
        if ssnd is not None and ssnd[0] + ssnd[1] > size + _WAV_SLACK:
            raise _truncated_aiff(ssnd[1], size - ssnd[0])
        raise AudioRejected("corrupt", _("The AIFF file is damaged: its headers are incomplete."))
    channels, frames, bits = struct.unpack(">hLh", comm[:8])
    compression = comm[18:22] if form[8:12] == b"AIFC" else b"NONE"
    if compression not in _AIFC_CODECS:
        raise _unsupported(
            _("AIFF-C compression %(type)s") % {"type": compression.decode("latin-1")}
        )
    codec = _AIFC_CODECS[compression]
    width = 1 if codec in ("mulaw", "alaw") else (bits + 7) // 8
    if codec is None:
        if bits not in (8, 16, 24, 32):
            raise _unsupported(_("AIFF with %(bits)s-bit samples") % {"bits": bits})
        codec = "pcm_s8" if bits == 8 else f"pcm_s{bits}{'le' if compression == b'sowt' else 'be'}"
    expected = max(channels, 0) * frames * width
    held = min(ssnd[1], size - ssnd[0]) - 8  # after the offset and block size fields
    if ssnd[0] + ssnd[1] > size + _WAV_SLACK or held + _WAV_SLACK < expected:
        raise _truncated_aiff(expected, max(held, 0))
    return codec, channels, frames


def _truncated_aiff(expected: int, actual: int) -> AudioRejected:
    message = _(
        "The AIFF file is truncated: its header announces %(expected)s bytes of audio but the "
        "file holds %(actual)s."
    )
    return AudioRejected("truncated", message % {"expected": expected, "actual": actual})


def _check_adts(f, size: int) -> tuple[int, int, float]:
    """Walk every ADTS frame: a stream cut while written ends inside a frame.

    Returns channels (0: in the stream's own config), sample rate and duration.
    """
    f.seek(0)
    head = f.read(10)
    position = 0
    if head[:3] == b"ID3" and len(head) == 10:
        position = 10 + sum(b << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
        position += 10 if head[5] & 0x10 else 0
    end = size
    f.seek(max(0, size - 128))
    if size > 128 and f.read(3) == b"TAG":  # a trailing ID3v1 tag is not audio
        end -= 128
    frames = blocks = channels = rate = 0
    f.seek(position)
    buffer, buffer_start = f.read(2**20), position
    while position < end:
        offset = position - buffer_start
        if offset + 7 > len(buffer):
            f.seek(position)
            buffer, buffer_start, offset = f.read(2**20), position, 0
        header = buffer[offset : offset + 7]
        if len(header) < 7:
            raise _truncated_adts()
        if not _is_adts(header):
            raise _corrupt("aac")
        length = (header[3] & 3) << 11 | header[4] << 3 | header[5] >> 5
        if length < 7:
            raise _corrupt("aac")
        if position + length > end:
            raise _truncated_adts()
        if frames == 0:
            rate = _ADTS_RATES[header[2] >> 2 & 15]
            channels = (header[2] & 1) << 2 | header[3] >> 6
        frames += 1
        blocks += (header[6] & 3) + 1  # raw data blocks in the frame, 1024 samples each
        position += length
    if frames == 0:
        raise _corrupt("aac")
    return channels, rate, blocks * 1024 / rate


def _truncated_adts() -> AudioRejected:
    return AudioRejected("truncated", _("The AAC file is truncated: its last frame is cut off."))


def _check_flac(f, size: int, info) -> int:
    """mutagen reads only the metadata; check that the last frame is whole and ends the stream.

    Returns the number of samples in the stream.
    """
    end = size
    f.seek(max(0, size - 128))
    if size > 128 and f.read(3) == b"TAG":  # a trailing ID3v1 tag is not audio
        end -= 128
    window = min(end, 2 * (info.max_framesize or 2**19) + 16)  # the last two frames fit in it
    f.seek(end - window)
    buf = f.read(window)
    position, tried = len(buf), 0
    while tried < 2 and (position := buf.rfind(b"\xff", 0, position)) >= 0:
        last_sample = _flac_frame_end(buf, position, info.max_blocksize)
        if last_sample is None:
            continue
        tried += 1  # a false sync inside audio data may pass CRC-8, so look at one more
        if _crc(buf[position:-2], _CRC16, 16) == int.from_bytes(buf[-2:], "big"):
            if info.total_samples and last_sample < info.total_samples:
                break  # the file ends on a frame boundary, but too early
            return info.total_samples or last_sample
    message = _("The FLAC file is truncated: the end of its audio is missing.")
    raise AudioRejected("truncated", message)


def _flac_frame_end(buf: bytes, i: int, max_blocksize: int) -> int | None:
    """The sample number after the frame whose header starts at buf[i]; None if no header."""
    try:
        if buf[i + 1] & 0xFE != 0xF8 or buf[i + 3] & 1 or buf[i + 3] >> 4 >= 11:
            return None
        size_code, rate_code, lead = buf[i + 2] >> 4, buf[i + 2] & 15, buf[i + 4]
        length = next(n for n in range(9) if not lead & (0x80 >> n))  # UTF-8 style number
        if size_code == 0 or rate_code == 15 or length in (1, 8):
            return None
        number, p = lead & (0xFF >> (length + 1)), i + 5
        for byte in buf[p : p + max(length - 1, 0)]:
            number = number << 6 | byte & 0x3F
        p += max(length - 1, 0)
        if size_code in (6, 7):
            blocksize = int.from_bytes(buf[p : p + size_code - 5], "big") + 1
            p += size_code - 5
        else:
            blocksize = _FLAC_BLOCKSIZES[size_code]
        p += {12: 1, 13: 2, 14: 2}.get(rate_code, 0)
        if _crc(buf[i:p], _CRC8, 8) != buf[p]:
            return None
    except (IndexError, StopIteration):
        return None
    first = number if buf[i + 1] & 1 else number * max_blocksize  # variable: sample number
    return first + blocksize


def _crc_table(poly: int, width: int) -> list[int]:
    top, mask, table = 1 << (width - 1), (1 << width) - 1, []
    for byte in range(256):
        crc = byte << (width - 8)
        for _bit in range(8):
            crc = ((crc << 1) ^ poly if crc & top else crc << 1) & mask
        table.append(crc)
    return table


_CRC8, _CRC16 = _crc_table(0x07, 8), _crc_table(0x8005, 16)  # FLAC frame header / frame


def _crc(data: bytes, table: list[int], width: int) -> int:
    crc, shift, mask = 0, width - 8, (1 << width) - 1
    for byte in data:
        crc = ((crc << 8) & mask) ^ table[(crc >> shift) ^ byte]
    return crc


def _check_mp4_boxes(f, size: int) -> bytes:
    """Walk the top-level boxes: mutagen misses a cut-off media box when the movie box is first.

    Returns the movie (moov) box's content.
    """
    position, moov = 0, b""
    while position + 8 <= size:
        f.seek(position)
        box_size, box_type = struct.unpack(">I4s", f.read(8))
        if box_size == 1:  # a 64-bit size follows the type
            box_size = struct.unpack(">Q", f.read(8))[0]
        elif box_size == 0:  # the box runs to the end of the file
            box_size = size - position
        if box_size < 8:
            raise _corrupt("m4a")
        if position + box_size > size:
            message = _(
                "The M4A file is truncated: it should hold %(expected)s bytes but holds %(actual)s."
            )
            raise AudioRejected(
                "truncated", message % {"expected": position + box_size, "actual": size}
            )
        if box_type == b"moov":
            moov = f.read(min(box_size, 2**24))
        position += box_size
    return moov


def _aac_lc_channels(moov: bytes) -> int | None:
    """The channel configuration in the AAC stream's AudioSpecificConfig (in the esds box).

    MP4 writers put 2 in the sample entry's channel count whatever the stream holds (ISO
    14496-12 says so), and mutagen falls back to that for AAC LC without explicit signalling.
    """
    try:
        position, tag = moov.index(b"esds", moov.index(b"mp4a")) + 8, 0  # past version/flags
        while tag != 5:  # ES_Descriptor (3) > DecoderConfigDescriptor (4) > DecSpecificInfo (5)
            tag, position = moov[position], position + 1
            while moov[position] & 0x80:  # the length: 7 bits a byte; we only need to skip it
                position += 1
            position += 1
            if tag == 3:  # ES_ID, flags, then the optional fields the flags announce
                flags, position = moov[position + 2], position + 3
                position += 2 if flags & 0x80 else 0
                position += 1 + moov[position] if flags & 0x40 else 0
                position += 2 if flags & 0x20 else 0
            elif tag == 4:  # object type, stream type, buffer size, max and average bitrate
                position += 13
            elif tag != 5:
                return None
        config = int.from_bytes(moov[position : position + 2], "big")  # 5+4+4 bits
    except (ValueError, IndexError):
        return None
    if config >> 11 != 2 or (config >> 7) & 15 == 15:  # not AAC LC, or an explicit rate
        return None
    return {7: 8}.get((config >> 3) & 15, (config >> 3) & 15) or None  # 0: see the PCE


def _audio(container, codec, channels, rate, duration) -> AudioInfo:
    if not channels or not rate:
        raise _no_audio(channels, rate)
    if duration <= 0:
        raise AudioRejected("no_audio", _("The file contains no audio: it lasts zero seconds."))
    return AudioInfo(container, codec, channels, rate, float(duration))


def _no_audio(channels: int, rate: int) -> AudioRejected:
    if not channels:
        return AudioRejected("no_audio", _("The file contains no audio: it declares no channels."))
    return AudioRejected("no_audio", _("The file contains no audio: its sample rate is zero."))


def _corrupt(kind: str) -> AudioRejected:
    name = {"vorbis": "Ogg", "opus": "Ogg", "speex": "Ogg"}.get(kind, kind.upper())
    message = _("The %(format)s file is damaged and cannot be read.") % {"format": name}
    return AudioRejected("corrupt", message)


def _unsupported(what: str) -> AudioRejected:
    message = _(
        "Earshot cannot accept this recording's encoding (%(encoding)s). Please convert it to "
        "WAV (PCM, µ-law, A-law or GSM 6.10), AIFF, MP3, AAC, Ogg Vorbis/Opus/Speex, FLAC or "
        "M4A/MP4 (AAC or ALAC)."
    )
    return AudioRejected("unknown_format", message % {"encoding": what})
