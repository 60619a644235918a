"""Sealed audio, format v1: AES-256-GCM in segments, so a Range decrypts only what it touches.

Layout: a header, then the segments.

    header   b"ESA1" | version (1 byte) | segment size (4 bytes) | plaintext size (8 bytes)
    segment  ciphertext of up to `segment size` plaintext bytes | 16-byte tag

Every segment is full but the last; an empty plaintext has one empty last segment. Segment `i`
is sealed under the recording's own random data key with the nonce `i` (12 bytes, big-endian:
a counter is safe because no key ever seals a second file) and the associated data
`context | header | i (8 bytes) | last (1 byte)`. So a flipped bit anywhere, a header that lies
about the sizes, segments swapped, dropped or cut off, or a file opened with another
recording's context (organisation, recording) fails to decrypt instead of giving wrong bytes.

Pure Python over `cryptography`; nothing here knows Django.
"""

from __future__ import annotations

import hashlib
import io
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"ESA1"
VERSION = 1
SEGMENT = 64 * 1024
TAG = 16
KEY_BYTES = 32
_HEADER = struct.Struct(">4sBIQ")
HEADER_SIZE = _HEADER.size  # 17
# A header may name another segment size (a later writer's choice), within sane bounds.
_MAX_SEGMENT = 16 * 1024 * 1024
# Segments read and decrypted per read() of the sealed file: few calls, bounded memory.
_BATCH_BYTES = 1024 * 1024

_REASONS = {
    "tampered": "The sealed audio was altered or does not belong to this recording.",
    "truncated": "The sealed audio is shorter or longer than its header says.",
    "not_sealed": "The file is not sealed audio.",
}


class SealedAudioError(Exception):
    """The sealed bytes cannot be trusted; `.reason` is "tampered", "truncated" or "not_sealed"."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        message = _REASONS.get(reason, reason)
        super().__init__(f"{message} ({detail})" if detail else message)


def _segments(plain_size: int, segment: int = SEGMENT) -> int:
    return max(1, -(-plain_size // segment))


def sealed_size(plain_size: int, segment: int = SEGMENT) -> int:
    """The size of the sealed file of `plain_size` plaintext bytes."""
    if plain_size < 0:
        raise ValueError("plain_size must not be negative")
    return HEADER_SIZE + plain_size + TAG * _segments(plain_size, segment)


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _check_key(data_key: bytes) -> AESGCM:
    if len(data_key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    return AESGCM(bytes(data_key))


class _Header:
    __slots__ = ("raw", "segment", "plain_size", "count", "stride")

    def __init__(self, raw: bytes, segment: int, plain_size: int):
        self.raw = raw
        self.segment = segment
        self.plain_size = plain_size
        self.count = _segments(plain_size, segment)
        self.stride = segment + TAG

    def plain_length(self, index: int) -> int:
        if index < self.count - 1:
            return self.segment
        return self.plain_size - (self.count - 1) * self.segment

    def offset(self, index: int) -> int:
        return HEADER_SIZE + index * self.stride

    def aad(self, prefix: bytes, index: int) -> bytes:
        return prefix + struct.pack(">QB", index, index == self.count - 1)


def _pack_header(plain_size: int, segment: int) -> bytes:
    return _HEADER.pack(MAGIC, VERSION, segment, plain_size)


def _read_header(sealed: BinaryIO) -> _Header:
    raw = _read_exactly(sealed, HEADER_SIZE)
    if raw[:4] != MAGIC:
        if len(raw) < 4 and MAGIC.startswith(raw):
            raise SealedAudioError("truncated", "header")
        raise SealedAudioError("not_sealed")
    if len(raw) < HEADER_SIZE:
        raise SealedAudioError("truncated", "header")
    _, version, segment, plain_size = _HEADER.unpack(raw)
    if version != VERSION:
        raise SealedAudioError("tampered", f"unknown version {version}")
    if not 0 < segment <= _MAX_SEGMENT:
        raise SealedAudioError("tampered", "segment size")
    return _Header(raw, segment, plain_size)


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes: fewer only at the end of the stream."""
    data = stream.read(size)
    if data is None:
        data = b""
    if len(data) == size or not data:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        more = stream.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _rewind(sealed: BinaryIO) -> None:
    """To the start when the stream can seek; a stream that cannot is read from where it is."""
    seekable = getattr(sealed, "seekable", None)
    if seekable is not None and seekable():
        sealed.seek(0)


def plain_size_of(sealed: BinaryIO) -> int:
    """The plaintext size the header states. The header is authenticated only when a segment
    is decrypted (it is in every segment's associated data): a caller that trusts this size
    before read_range or iter_plain must still let those refuse the file."""
    _rewind(sealed)
    return _read_header(sealed).plain_size


class Sealer(io.RawIOBase):
    """A readable binary file whose bytes are `source` sealed; hashes the plaintext on the way.

    One pass: each segment is read from `source`, hashed into `.sha256` and encrypted. Use as
    `Storage.save(name, File(Sealer(...)))`. `source` must yield exactly `plain_size` bytes;
    fewer or more (the file changed while it was read) raises SealedAudioError("truncated").
    """

    def __init__(
        self,
        source: BinaryIO,
        plain_size: int,
        data_key: bytes,
        context: bytes,
        *,
        segment: int = SEGMENT,
    ):
        super().__init__()
        if plain_size < 0:
            raise ValueError("plain_size must not be negative")
        if not 0 < segment <= _MAX_SEGMENT:
            raise ValueError("segment size out of range")
        self._source = source
        self._aead = _check_key(data_key)
        header = _pack_header(plain_size, segment)
        self._layout = _Header(header, segment, plain_size)
        self._prefix = bytes(context) + header
        self._next = 0  # next segment to seal
        self._pending = memoryview(header)
        self._produced = 0
        self.sha256 = hashlib.sha256()
        self.size = sealed_size(plain_size, segment)
        self.plain_size = plain_size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._produced

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Only a no-op rewind before the first read (Django's File.chunks asks for one)."""
        if (offset, whence) in ((0, io.SEEK_SET), (0, io.SEEK_CUR)) and self._produced == 0:
            return 0
        if whence == io.SEEK_CUR and offset == 0:
            return self._produced
        # Not io.UnsupportedOperation: File.chunks would swallow it and go on mid-stream.
        raise OSError("a Sealer cannot seek once it has been read")

    def _seal_next(self) -> bytes:
        layout = self._layout
        index = self._next
        want = layout.plain_length(index)
        plain = _read_exactly(self._source, want)
        if len(plain) != want:
            raise SealedAudioError("truncated", "the source ended before its stated size")
        last = index == layout.count - 1
        if last and self._source.read(1):
            raise SealedAudioError("truncated", "the source is longer than its stated size")
        self.sha256.update(plain)
        self._next += 1
        return self._aead.encrypt(_nonce(index), plain, layout.aad(self._prefix, index))

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("read of a closed Sealer")
        if size is None or size < 0:
            size = self.size - self._produced
        # Whole sealed segments go into the answer as they are, the last one split by a view:
        # each byte is copied once (by the join), whatever the read size.
        parts: list[memoryview] = []
        have = 0
        pending = self._pending
        count = self._layout.count
        while have < size:
            if not pending:
                if self._next >= count:
                    break
                pending = memoryview(self._seal_next())
            room = size - have
            if len(pending) <= room:
                parts.append(pending)
                have += len(pending)
                pending = memoryview(b"")
            else:
                parts.append(pending[:room])
                pending = pending[room:]
                have = size
        self._pending = pending
        self._produced += have
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)


def _open(sealed: BinaryIO, data_key: bytes, context: bytes) -> tuple[AESGCM, _Header, bytes]:
    aead = _check_key(data_key)
    _rewind(sealed)
    header = _read_header(sealed)
    return aead, header, bytes(context) + header.raw


def _decrypt_run(
    sealed: BinaryIO, aead: AESGCM, header: _Header, prefix: bytes, first: int, last: int
) -> Iterator[bytes]:
    """The plaintext of segments first..last (inclusive), read a batch of segments at a time
    from the stream's current position (which must be segment `first`'s offset)."""
    per_batch = max(1, _BATCH_BYTES // header.stride)
    index = first
    while index <= last:
        end = min(last, index + per_batch - 1)
        # Only the file's last segment is shorter than the stride.
        want = (end - index) * header.stride + header.plain_length(end) + TAG
        data = _read_exactly(sealed, want)
        if len(data) != want:
            raise SealedAudioError("truncated")
        view = memoryview(data)
        pos = 0
        for i in range(index, end + 1):
            n = header.plain_length(i) + TAG
            try:
                yield aead.decrypt(_nonce(i), view[pos : pos + n], header.aad(prefix, i))
            except InvalidTag:
                raise SealedAudioError("tampered", f"segment {i}") from None
            pos += n
        index = end + 1


def read_range(sealed: BinaryIO, data_key: bytes, context: bytes, start: int, length: int) -> bytes:
    """Plaintext bytes start..start+length-1, decrypting only the segments they touch."""
    if start < 0 or length < 0:
        raise ValueError("start and length must not be negative")
    aead, header, prefix = _open(sealed, data_key, context)
    if start + length > header.plain_size:
        # The caller's size (the recording's) and the file's disagree: the file is short.
        raise SealedAudioError(
            "truncated", f"range {start}+{length} past the end ({header.plain_size} bytes)"
        )
    if length == 0:
        return b""
    first = start // header.segment
    last = (start + length - 1) // header.segment
    sealed.seek(header.offset(first))
    pieces = list(_decrypt_run(sealed, aead, header, prefix, first, last))
    head = start - first * header.segment
    if len(pieces) == 1:
        return pieces[0][head : head + length]
    tail = start + length - last * header.segment
    pieces[0] = pieces[0][head:]
    pieces[-1] = pieces[-1][:tail]
    return b"".join(pieces)


def iter_plain(sealed: BinaryIO, data_key: bytes, context: bytes) -> Iterator[bytes]:
    """The whole plaintext, a segment at a time, each verified; the end of the file too."""
    aead, header, prefix = _open(sealed, data_key, context)
    yield from _decrypt_run(sealed, aead, header, prefix, 0, header.count - 1)
    if sealed.read(1):
        raise SealedAudioError("tampered", "bytes after the last segment")
