"""The outside recipient's side of a disclosure: no account, a link and a separate code."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.disclosures import (
    MAX_CODE_ATTEMPTS,
    disclosure_check_code,
    disclosure_for_token,
    disclosure_record_download,
)
from organisations.client_ip import client_ip
from recordings.storage import audio_storage

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
    return render(
        request,
        "access/disclosure_public.html",
        {
            "disclosure": disclosure,
            "opened": _opened(request, disclosure),
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
    disclosure_record_download(disclosure=disclosure, ip_address=client_ip(request))
    response = FileResponse(
        audio_storage().open(disclosure.storage_key, "rb"),
        as_attachment=True,
        filename=f"earshot-{disclosure.contents}-{disclosure.created_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store, private"
    return response
