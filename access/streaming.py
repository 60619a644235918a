"""Handing over audio bytes after the gate said yes: ranged streaming (206) so the browser can
seek, or an offload to nginx (X-Accel-Redirect) or to a presigned S3 URL.

Every answer holds a bounded piece of the call (`chunk_limit`: about ten seconds of audio,
64-256 KiB): an open range (`bytes=0-`) gets 206 with a capped end, and the browser asks for the
next piece, which passes the gate again. A revoked or ended grant therefore stops the next
piece; see docs/listening.md for how quickly a revoke reaches a playing player.

The bytes of a piece come from `open_piece`, the one place that reads stored audio: from local
storage it hands the WSGI server the open file (FileResponse, `wsgi.file_wrapper`), so gunicorn
sends the piece with sendfile; from S3 it is read in CHUNKs. Audio encrypted at rest would be
decrypted segment by segment here, as a reader without a file descriptor."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from recordings.models import Recording
from recordings.storage import audio_storage

CHUNK = 64 * 1024
# The most one answer hands over: about CHUNK_SECONDS of audio, within these bounds.
CHUNK_SECONDS = 10
MIN_ANSWER_BYTES = 64 * 1024
MAX_ANSWER_BYTES = 256 * 1024
CONTENT_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "aac": "audio/aac",  # ADTS
    "aiff": "audio/aiff",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _position(digits: str) -> int:
    """A byte position as sent; one of more than 18 digits is past any call (and int() refuses
    strings of more than 4,300 digits)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else 10**18


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(start, end) inclusive for one satisfiable range; None to send everything (no header,
    several ranges or bad syntax: all allowed by RFC 9110); "unsatisfiable" for 416."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = _position(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = _position(first)
    end = min(_position(last), size - 1) if last else size - 1
    if start >= size or (last and _position(last) < start):
        return "unsatisfiable"
    return start, end


def chunk_limit(size: int, duration_seconds: float | None) -> int:
    """How many bytes one answer may hold for a call of this size and length: about
    CHUNK_SECONDS of audio, at least MIN_ANSWER_BYTES, at most MAX_ANSWER_BYTES."""
    if duration_seconds and duration_seconds > 0:
        per_second = size / duration_seconds
        wanted = int(per_second * CHUNK_SECONDS)
    else:
        wanted = MAX_ANSWER_BYTES
    return max(MIN_ANSWER_BYTES, min(MAX_ANSWER_BYTES, wanted))


def bounded(wanted: tuple[int, int] | None, size: int, limit: int) -> tuple[int, int, bool]:
    """(start, end, partial) of what to send: the range asked for (or the whole call when none
    applies), its end capped so that at most `limit` bytes go out. `partial` says whether the
    answer is a 206: always for a range, and for a whole call that does not fit in one answer."""
    start, end = wanted if wanted else (0, size - 1)
    end = min(end, start + limit - 1)
    return start, end, bool(wanted) or end < size - 1


class Piece:
    """`length` bytes of stored audio from `start`, as a file object that reads no further.

    With a file descriptor (local storage) the WSGI server may send it with sendfile: the
    descriptor is positioned at `start` (unbuffered, so the position is exact) and the answer's
    Content-Length bounds what it sends. Without one (S3) it is read in CHUNKs."""

    def __init__(self, handle: BinaryIO, start: int, length: int, *, descriptor: bool) -> None:
        handle.seek(start)
        self._handle = handle
        self._left = length
        if descriptor:
            self.fileno = handle.fileno

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = self._handle.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()


def server_bounds_sendfile(request: HttpRequest) -> bool:
    """Whether the WSGI server is one known to stop its sendfile at the answer's
    Content-Length (gunicorn). Another server's file wrapper might send from the descriptor's
    position to the end of the file, handing over the rest of the call in one answer, so that
    a revoke would stop nothing: those get the piece read in CHUNKs instead."""
    return request.META.get("SERVER_SOFTWARE", "").startswith("gunicorn/")


def open_piece(recording: Recording, start: int, length: int, *, sendfile: bool = True) -> Piece:
    storage = audio_storage()
    try:
        path = storage.path(recording.storage_key)
    except NotImplementedError:  # not on local disk (S3)
        return Piece(storage.open(recording.storage_key, "rb"), start, length, descriptor=False)
    handle = open(path, "rb", buffering=0)  # noqa: SIM115
    return Piece(handle, start, length, descriptor=sendfile)


def _chunks(recording: Recording, start: int, length: int) -> Iterator[bytes]:
    piece = open_piece(recording, start, length)
    try:
        while chunk := piece.read(CHUNK):
            yield chunk
    finally:
        piece.close()


def _common_headers(response: HttpResponse, recording: Recording) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def validators(recording: Recording) -> tuple[str, str]:
    """A strong ETag (the SHA-256 of the audio, which never changes once stored) and the
    Last-Modified date (when it was ingested)."""
    return f'"{recording.sha256}"', http_date(recording.ingested_at.timestamp())


def _if_range_holds(request: HttpRequest, recording: Recording, etag: str) -> bool:
    """Whether a Range may apply (RFC 9110, 13.1.5): without If-Range always; with it only
    while its validator matches, an ETag compared strongly or the exact Last-Modified date."""
    value = request.headers.get("If-Range", "").strip()
    if not value:
        return True
    if value.startswith(('"', "W/")):
        return value == etag
    date = parse_http_date_safe(value)
    return date is not None and date == int(recording.ingested_at.timestamp())


def _not_modified(request: HttpRequest, etag: str) -> bool:
    """If-None-Match names this audio (weak comparison, as RFC 9110 13.1.2 asks)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in {tag.removeprefix("W/") for tag in tags}


def audio_response(request: HttpRequest, recording: Recording) -> HttpResponse:
    """The answer to a GET (or a HEAD: the same status and headers, no body) the gate allowed."""
    content_type = CONTENT_TYPES.get(recording.container, "application/octet-stream")
    if settings.AUDIO_DELIVERY == "nginx":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"/protected-audio/{recording.storage_key}"
        return _common_headers(response, recording)
    if settings.AUDIO_DELIVERY == "s3":
        return _common_headers(
            HttpResponseRedirect(audio_storage().url(recording.storage_key)), recording
        )
    etag, last_modified = validators(recording)
    if _not_modified(request, etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Last-Modified"] = last_modified
        return _common_headers(response, recording)
    size = recording.size_bytes
    ranged = _if_range_holds(request, recording, etag)
    wanted = parse_range(request.headers.get("Range", ""), size) if ranged else None
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _common_headers(response, recording)
    limit = chunk_limit(size, recording.audio_duration_seconds or recording.duration_seconds)
    start, end, partial = bounded(wanted, size, limit)
    length = end - start + 1
    status = 206 if partial else 200
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type, status=status)
    else:
        response = FileResponse(
            open_piece(recording, start, length, sendfile=server_bounds_sendfile(request)),
            content_type=content_type,
            status=status,
        )
        response.block_size = CHUNK  # where the server reads it itself (no sendfile)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    if partial:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return _common_headers(response, recording)
