"""The outside recipient's side of a disclosure: no account, a link and a separate code."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.disclosure_copy import GONE, CopyUnreadable, copy_readable, open_copy
from access.disclosures import (
    MAX_CODE_ATTEMPTS,
    disclosure_check_code,
    disclosure_for_token,
    disclosure_record_download,
    disclosure_record_event,
)
from organisations.client_ip import client_ip

logger = logging.getLogger(__name__)

SESSION_KEY = "opened_disclosures"


def _opened(request: HttpRequest, disclosure) -> bool:
    return str(disclosure.pk) in request.session.get(SESSION_KEY, [])


@never_cache
def disclosure_open(request: HttpRequest, token: str) -> HttpResponse:
    disclosure = disclosure_for_token(token)
    if disclosure is None:
        raise Http404
    locked = disclosure.failed_code_attempts >= MAX_CODE_ATTEMPTS
    if not disclosure.is_open or locked:
        return render(
            request,
            "access/disclosure_public.html",
            {"disclosure": disclosure, "ended": True, "locked": locked},
            status=410,
        )
    wrong = False
    if request.method == "POST" and not _opened(request, disclosure):
        if disclosure_check_code(
            disclosure=disclosure, code=request.POST.get("code", ""), ip_address=client_ip(request)
        ):
            request.session.cycle_key()
            request.session[SESSION_KEY] = [
                *request.session.get(SESSION_KEY, []),
                str(disclosure.pk),
            ]
            return redirect("disclosure_open", token=token)
        wrong = True
        if disclosure.failed_code_attempts >= MAX_CODE_ATTEMPTS:
            return render(
                request,
                "access/disclosure_public.html",
                {"disclosure": disclosure, "ended": True, "locked": True},
                status=410,
            )
    opened = _opened(request, disclosure)
    return render(
        request,
        "access/disclosure_public.html",
        {
            "disclosure": disclosure,
            "opened": opened,
            # The copy's key checked (not the copy): a copy that cannot be opened says so here.
            "unreadable": copy_readable(disclosure) if opened else None,
            "wrong": wrong,
            "token": token,
            "attempts_left": MAX_CODE_ATTEMPTS - disclosure.failed_code_attempts,
        },
        status=400 if wrong else 200,
    )


@never_cache
@require_GET
def disclosure_download(request: HttpRequest, token: str) -> HttpResponse:
    disclosure = disclosure_for_token(token)
    if disclosure is None:
        raise Http404
    if not disclosure.is_open or disclosure.failed_code_attempts >= MAX_CODE_ATTEMPTS:
        return HttpResponse(status=410)
    if not _opened(request, disclosure):
        return redirect("disclosure_open", token=token)
    try:
        # Decrypted and checked whole before the first byte (access/disclosure_copy.py).
        chunks = open_copy(disclosure)
    except CopyUnreadable as error:
        return _unreadable(request, disclosure, error)
    disclosure_record_download(disclosure=disclosure, ip_address=client_ip(request))
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"earshot-{disclosure.contents}-{disclosure.created_at:%Y%m%d}.zip"
    )
    response["Content-Length"] = str(disclosure.size_bytes)
    response["Cache-Control"] = "no-store, private"
    return response


def _unreadable(request: HttpRequest, disclosure, error: CopyUnreadable) -> HttpResponse:
    """The page that says why the copy cannot be had; the organisation's trail says it too."""
    logger.warning("disclosure %s cannot be downloaded: %s", disclosure.pk, error)
    disclosure_record_event(
        disclosure,
        "access.disclosure.unreadable",
        detail={"reason": error.reason},
        ip_address=client_ip(request),
    )
    return render(
        request,
        "access/disclosure_public.html",
        {"disclosure": disclosure, "opened": True, "unreadable": error},
        status=410 if error.reason in GONE else 409,
    )
