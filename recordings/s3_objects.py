"""Ranged reads of one S3 object: a seekable, read-only file that fetches only what is read.

django-storages' S3File downloads the whole object on its first read, so a Range of a few
hundred KiB of a call costs the whole recording. `RangedS3Object` asks S3 for the bytes a read
needs (`GetObject` with `Range: bytes=a-b`) and keeps the last answer as its buffer:

- `read_ahead`: a miss fetches at least this many bytes from the position (0 for the gate's
  pieces, several MiB for a whole call read in order);
- `expect(start, end)`: a hint that [start, end) will be read; a miss before it that lies within
  MERGE_GAP of it fetches through its end, so that a small read near the start (the sealed
  header) and the span after it cost one request instead of two.

Neither changes which bytes a read returns, only what is fetched. The size comes from the
Content-Range of the first answer (a HeadObject only if asked for before any read). An absent
object raises FileNotFoundError on the read that finds it out. The class knows neither Django
nor the sealed format; `open_ranged` builds one over a django-storages S3Storage (its key
naming and download parameters), and `open_stored` is what recordings/sealed_storage.py opens
an audio object with when the storage has no local path.
"""

from __future__ import annotations

import io
import re
from typing import Any, BinaryIO

from recordings import sealed

# A miss within this many bytes before an expected span fetches through the span: on S3 a
# request costs tens of milliseconds before its first byte, 128 KiB a millisecond or two. (A
# range in the first two segments of a sealed call costs one request, not two.)
MERGE_GAP = 128 * 1024
# Reading a whole object in order: one request per this many bytes (bounded memory, and no
# connection held open while a slow consumer, such as an export, takes its time).
SEQUENTIAL_READ_AHEAD = 8 * 1024 * 1024

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


def _status(error: Exception) -> tuple[int | None, str]:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return None, ""
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status, code


def _is_missing(error: Exception) -> bool:
    status, code = _status(error)
    return status == 404 or code in {"404", "NoSuchKey", "NotFound"}


class RangedS3Object(io.RawIOBase):
    """`key` in `bucket`, read through `client` (a boto3 S3 client) by ranges.

    `extra` goes with every GetObject/HeadObject (for example SSE-C parameters). Counters
    `requests` and `bytes_fetched` say what it cost."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        key: str,
        *,
        read_ahead: int = 0,
        extra: dict[str, Any] | None = None,
        size: int | None = None,
    ) -> None:
        super().__init__()
        if read_ahead < 0:
            raise ValueError("read_ahead must not be negative")
        self._client = client
        self._bucket = bucket
        self._key = key
        self._extra = dict(extra or {})
        self.read_ahead = read_ahead
        self._size = size
        self._position = 0
        self._buffer = memoryview(b"")
        self._buffer_start = 0
        self._expected: tuple[int, int] | None = None
        self.requests = 0
        self.bytes_fetched = 0

    # io.RawIOBase -------------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def tell(self) -> int:
        self._check_open()
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self.size + offset
        else:
            raise ValueError(f"invalid whence {whence!r}")
        if position < 0:
            raise ValueError("negative seek position")
        self._position = position
        return position

    def read(self, size: int | None = -1) -> bytes:
        self._check_open()
        if size is None or size < 0:
            return self.readall()
        if size == 0:
            return b""
        position = self._position
        parts: list[memoryview] = []
        buffered = self._buffered(position, size)
        if buffered:
            parts.append(buffered)
            position += len(buffered)
            size -= len(buffered)
        if size > 0 and (self._size is None or position < self._size):
            fetched = self._fetch(position, self._fetch_end(position, position + size))
            piece = fetched[:size]
            parts.append(piece)
            position += len(piece)
        self._position = position
        if not parts:
            return b""
        return parts[0].tobytes() if len(parts) == 1 else b"".join(parts)

    def readall(self) -> bytes:
        self._check_open()
        parts = []
        while True:
            want = max(self.read_ahead, SEQUENTIAL_READ_AHEAD)
            data = self.read(want)
            if not data:
                break
            parts.append(data)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._buffer = memoryview(b"")
        super().close()

    # Ranged access ----------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """The object's size: from an earlier answer's Content-Range, else a HeadObject."""
        if self._size is None:
            self.requests += 1
            try:
                head = self._client.head_object(Bucket=self._bucket, Key=self._key, **self._extra)
            except Exception as error:
                if _is_missing(error):
                    raise FileNotFoundError(f"no object {self._key!r}") from error
                raise
            self._size = int(head["ContentLength"])
        return self._size

    def expect(self, start: int, end: int) -> None:
        """Say that bytes [start, end) are about to be read (a hint for what to fetch)."""
        self._expected = (start, end) if 0 <= start < end else None

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on a closed file")

    def _buffered(self, position: int, size: int) -> memoryview:
        offset = position - self._buffer_start
        if 0 <= offset < len(self._buffer):
            return self._buffer[offset : offset + size]
        return memoryview(b"")

    def _fetch_end(self, position: int, needed_end: int) -> int:
        end = max(needed_end, position + self.read_ahead)
        if self._expected is not None:
            start, expected_end = self._expected
            if position < expected_end and start <= needed_end + MERGE_GAP:
                end = max(end, expected_end)
        if self._size is not None:
            end = min(end, self._size)
        return end

    def _fetch(self, start: int, end: int) -> memoryview:
        """Bytes [start, end) (fewer at the end of the object), kept as the buffer."""
        self.requests += 1
        try:
            answer = self._client.get_object(
                Bucket=self._bucket, Key=self._key, Range=f"bytes={start}-{end - 1}", **self._extra
            )
        except Exception as error:
            if _is_missing(error):
                raise FileNotFoundError(f"no object {self._key!r}") from error
            status, code = _status(error)
            if status == 416 or code == "InvalidRange":  # at or past the end
                actual = getattr(error, "response", {}).get("Error", {}).get("ActualObjectSize")
                if actual is not None and str(actual).isdigit():
                    self._size = int(actual)
                elif self._size is None:
                    self._size = start
                self._buffer = memoryview(b"")
                return self._buffer
            raise
        body = answer["Body"]
        try:
            data = body.read()
        finally:
            body.close()
        self.bytes_fetched += len(data)
        match = _CONTENT_RANGE.fullmatch(str(answer.get("ContentRange") or ""))
        if match is None:
            # A server that ignored the Range sent the whole object.
            self._size = len(data)
            data = data[start:end]
        else:
            if match.group(3) != "*":
                self._size = int(match.group(3))
            if int(match.group(1)) != start:
                raise OSError(f"S3 answered bytes from {match.group(1)}, not {start}")
        self._buffer = memoryview(data)
        self._buffer_start = start
        return self._buffer


def is_s3_storage(storage: Any) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # django-storages or boto3 not installed: no S3 here
        return False
    return isinstance(storage, S3Storage)


def open_ranged(storage: Any, name: str, *, read_ahead: int = 0) -> RangedS3Object:
    """A RangedS3Object over the object a django-storages S3Storage keeps as `name`, named and
    parameterised as the storage's own open() would (location prefix, download parameters)."""
    from s3transfer.constants import ALLOWED_DOWNLOAD_ARGS
    from storages.utils import clean_name

    cleaned = clean_name(name)
    key = storage._normalize_name(cleaned)
    # As S3File asks for them: by the name without the storage's location prefix.
    extra = {
        parameter: value
        for parameter, value in storage.get_object_parameters(cleaned).items()
        if parameter in ALLOWED_DOWNLOAD_ARGS
    }
    return RangedS3Object(
        storage.connection.meta.client,
        storage.bucket_name,
        key,
        read_ahead=read_ahead,
        extra=extra,
    )


def sealed_span(start: int, length: int) -> tuple[int, int]:
    """The bytes of a sealed object (recordings/sealed.py, format v1, SEGMENT-sized segments)
    that a plaintext range touches: its segments, tags included. Only a hint: a file laid
    out otherwise still reads right, in more requests."""
    stride = sealed.SEGMENT + sealed.TAG
    first = start // sealed.SEGMENT
    last = (start + max(length, 1) - 1) // sealed.SEGMENT
    return sealed.HEADER_SIZE + first * stride, sealed.HEADER_SIZE + (last + 1) * stride


def open_stored(
    storage: Any, name: str, *, sealed_object: bool, plain_range: tuple[int, int] | None = None
) -> BinaryIO:
    """The stored object `name`, open for reading, on a storage without local paths.

    On S3: a RangedS3Object that fetches only what is read. With `plain_range` (start, length)
    the plaintext range that will be read: for a sealed object the header (one small read)
    and the segments the range touches, for a plaintext one that range, each fetched as one
    request where it can be (the header and nearby segments together). Without it the whole
    object is read in order, SEQUENTIAL_READ_AHEAD at a time. Another storage: its own open().
    """
    if not is_s3_storage(storage):
        return storage.open(name, "rb")
    if plain_range is None:
        return open_ranged(storage, name, read_ahead=SEQUENTIAL_READ_AHEAD)
    handle = open_ranged(storage, name)
    start, length = plain_range
    if sealed_object:
        handle.expect(*sealed_span(start, length))
    else:
        handle.expect(start, start + length)
    return handle
