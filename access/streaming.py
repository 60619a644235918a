"""Handing over audio bytes after the gate said yes: ranged streaming (206) so the browser can
seek, or an offload to nginx (X-Accel-Redirect) or to a presigned S3 URL.

Every answer holds a bounded piece of the call (`chunk_limit`: about ten seconds of audio,
64-256 KiB): an open range (`bytes=0-`) gets 206 with a capped end, and the browser asks for the
next piece, which passes the gate again. A revoked or ended grant therefore stops the next
piece; see docs/listening.md for how quickly a revoke reaches a playing player.

The bytes of a piece come from `open_piece`, the one place that reads stored audio: from local
storage it hands the WSGI server the open file (FileResponse, `wsgi.file_wrapper`), so gunicorn
sends the piece with sendfile; from S3 it is read in CHUNKs. That is for plaintext calls (stored
before encryption at rest, not yet migrated). A sealed call (`sealing` "v1") is decrypted here:
the piece (at most MAX_ANSWER_BYTES) is read and verified with sealed_storage.read_range, which
decrypts only the 64 KiB segments it touches, BEFORE the answer is built, so a tampered segment
or a missing key is refused with 409 and its reason, never half sent. Sizes, ranges and the
ETag are the plaintext's. Nginx or S3 cannot decrypt: with those delivery modes a sealed call
is still served by the app, only plaintext calls are handed off."""

from __future__ import annotations

import io
import logging
import re
import time
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

import audit
from organisations.client_ip import client_ip
from recordings import sealed_storage
from recordings.models import Recording
from recordings.storage import audio_storage

logger = logging.getLogger(__name__)

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
UNREADABLE = "recordings.audio.unreadable"
# A call that cannot be read is logged once per call and session in this window: a player asks
# again when the user presses play again, and that is the same failure, not a new one.
UNREADABLE_WINDOW_SECONDS = 60


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


def _common_headers(response: HttpResponse, recording: Recording | None) -> HttpResponse:
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


def is_sealed(recording: Recording) -> bool:
    return bool(recording.sealing)


def audio_unreadable_notice(recording: Recording) -> str:
    """Why the call's audio cannot be played, for its page; "" when it can (as far as a look at
    its key tells: a tampered object shows only when it is read). A plaintext call: ""."""
    if not is_sealed(recording):
        return ""
    reason = sealed_storage.readable(recording)
    if reason is None:
        return ""
    # readable() read the key's row: its destruction date is on the recording already.
    destroyed_at = recording.audio_key.destroyed_at if reason == "key_destroyed" else None
    if reason == "retention_ended":
        destroyed_at = recording.purge_deadline
    return sealed_storage.AudioUnreadable(reason, destroyed_at=destroyed_at).message


def unreadable_response(
    request: HttpRequest, recording: Recording, error: sealed_storage.AudioUnreadable
) -> HttpResponse:
    """409 with the reason, and the event `recordings.audio.unreadable` (once per call and
    session in UNREADABLE_WINDOW_SECONDS). Not a 500: nothing is wrong with the request or the
    server, the stored call is in a state (key destroyed or missing, object tampered) that
    conflicts with playing it; not a 404/410 either: the call exists and its page says why."""
    logger.warning("Recording %s is unreadable: %s", recording.pk, error.reason)
    session = getattr(request, "session", None)
    now = time.time()
    seen = {}
    if session is not None:
        seen = {
            key: at
            for key, at in session.get("unreadable", {}).items()
            if isinstance(at, int | float) and now - at <= UNREADABLE_WINDOW_SECONDS
        }
    key = f"{recording.pk}:{error.reason}"
    if key not in seen:
        seen[key] = now
        audit.record(
            actor=getattr(request, "user", None),
            action=UNREADABLE,
            organisation=getattr(request, "organisation", None) or recording.organisation,
            target=recording,
            purpose=request.GET.get("purpose", "")[:64],
            detail={"reason": error.reason, "where": "gate"},
            ip_address=client_ip(request),
        )
    if session is not None:
        session["unreadable"] = seen
    response = HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    response.audio_unreadable = True  # the gate counts no play for it
    return _common_headers(response, None)


def audio_discard(response: HttpResponse) -> None:
    """Close the stored file an answer that will not be sent holds open. Not
    response.close(): that also ends the request for Django (request_finished closes the
    database connection)."""
    stream = getattr(response, "file_to_stream", None)
    if stream is not None:
        stream.close()


def audio_response(request: HttpRequest, recording: Recording) -> HttpResponse:
    """The answer to a GET (or a HEAD: the same status and headers, no body) the gate allowed.

    A sealed call is answered from its decrypted piece, whatever the delivery mode; a piece
    that cannot be decrypted answers 409 (unreadable_response) and hands over no byte."""
    content_type = CONTENT_TYPES.get(recording.container, "application/octet-stream")
    sealed = is_sealed(recording)
    if settings.AUDIO_DELIVERY == "nginx" and not sealed:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"/protected-audio/{recording.storage_key}"
        return _common_headers(response, recording)
    if settings.AUDIO_DELIVERY == "s3" and not sealed:
        return _common_headers(
            HttpResponseRedirect(audio_storage().url(recording.storage_key)), recording
        )
    etag, last_modified = validators(recording)
    # A 304 says "play what you have", and counts a play: not for a sealed call that can no
    # longer be read (key destroyed or missing), which goes on to its 409 below.
    if _not_modified(request, etag) and not (sealed and sealed_storage.readable(recording)):
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
    if sealed:
        # Decrypted and verified before a header goes out; a HEAD too, so that it answers the
        # status a GET would.
        try:
            plain = sealed_storage.read_range(recording, start, length)
        except sealed_storage.AudioUnreadable as error:
            return unreadable_response(request, recording, error)
        if request.method == "HEAD":
            response = HttpResponse(content_type=content_type, status=status)
        else:
            # A file object without a descriptor: the server reads it, no sendfile.
            response = FileResponse(io.BytesIO(plain), content_type=content_type, status=status)
            response.block_size = CHUNK
    elif request.method == "HEAD":
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
