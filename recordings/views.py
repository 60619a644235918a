"""Browser upload: several files at once, one request per file so each has its own progress."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import roles
from organisations.decorators import organisation_view
from recordings.constants import Direction, IngestChannel
from recordings.keystore import KeyUnavailable
from recordings.services import (
    METADATA_MAX_BYTES,
    IngestRejected,
    ingest_unavailable_message,
    recording_ingest,
    recording_metadata_parse,
)

logger = logging.getLogger(__name__)

# Form fields that apply to every file of one upload; call_id defaults to the file's name.
SHARED_FIELDS = ("started_at", "direction", "queue", "agent_id", "announcement")


@organisation_view(roles.UPLOAD_RECORDINGS)
def upload(request: HttpRequest) -> HttpResponse:
    return render(request, "recordings/upload.html", {"directions": Direction.choices})


def _metadata_from_request(request: HttpRequest, filename: str) -> dict:
    sidecar = request.FILES.get("sidecar")
    if sidecar is not None:
        # One more byte than the limit is enough to refuse a sidecar that is too large.
        return recording_metadata_parse(raw=sidecar.read(METADATA_MAX_BYTES + 1))
    metadata = {key: request.POST[key] for key in SHARED_FIELDS if request.POST.get(key)}
    stem = re.sub(r"[^\w.\-]", "_", Path(filename).stem)[:128]
    metadata["call_id"] = request.POST.get("call_id") or stem
    return metadata


@organisation_view(roles.UPLOAD_RECORDINGS)
@require_POST
def upload_file(request: HttpRequest) -> JsonResponse:
    audio = request.FILES.get("audio")
    if audio is None:
        return JsonResponse(
            {"ok": False, "code": "no_file", "error": _("Choose an audio file.")}, status=400
        )
    try:
        metadata = _metadata_from_request(request, audio.name)
        recording = recording_ingest(
            organisation=request.organisation,
            source=Path(audio.temporary_file_path()),
            metadata=metadata,
            channel=IngestChannel.UPLOAD,
            actor=request.user,
        )
    except IngestRejected as exc:
        status = 409 if exc.code == "changed_while_reading" else 400
        return JsonResponse({"ok": False, "code": exc.code, "error": exc.message}, status=status)
    except (KeyUnavailable, OSError):
        logger.exception("Upload: could not store a call")
        return JsonResponse(
            {"ok": False, "code": "unavailable", "error": ingest_unavailable_message()},
            status=503,
        )
    return JsonResponse(
        {
            "ok": True,
            "id": str(recording.pk),
            "call_id": recording.call_id,
            "url": reverse(
                "access:recording_detail",
                kwargs={"org_slug": request.organisation.slug, "recording_id": recording.pk},
            ),
        },
        status=201,
    )
