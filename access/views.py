"""The recordings a person may see, the player, and the only view that returns audio bytes."""

from __future__ import annotations

import time
import uuid

from django.contrib import messages
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSession
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

import audit
from access.actions import recording_actions, selection_actions
from access.forms import RecordingFilterForm
from access.gate_check import quick_listen_decision
from access.policy import (
    Decision,
    grant_count_play,
    granted_purposes,
    listen_decision,
    requestable_rules,
    standing_purposes,
)
from access.presence import employee_confirm, employee_confirmed, presence_key
from access.selectors import Cursor, recording_get_for_user, recordings_page
from access.streaming import audio_discard, audio_response, audio_unreadable_notice
from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view

# Range requests of one playback within this window count as one listen in the audit trail.
LISTEN_WINDOW_SECONDS = 30 * 60


@organisation_view(roles.VIEW_RECORDINGS)
def recording_list(request: HttpRequest) -> HttpResponse:
    form = RecordingFilterForm(request.GET or None, organisation=request.organisation)
    cursor = Cursor.decode(request.GET.get("after", ""))
    rows, next_cursor = recordings_page(
        membership=request.membership,
        filters=form.filters() if form.is_bound else {},
        cursor=cursor,
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "access/recording_list.html",
        {
            "form": form,
            "recordings": rows,
            "query": query.urlencode(),
            "next_cursor": next_cursor.encode() if next_cursor else "",
            "first_page": cursor is None,
            # Buttons that carry the ticked calls into a form (a request, a hold, a case).
            "selection_actions": selection_actions(request.membership),
        },
    )


@organisation_view(roles.VIEW_RECORDINGS)
def recording_detail(request: HttpRequest, recording_id: uuid.UUID) -> HttpResponse:
    # The purposes, rules and permissions the page and its actions ask repeatedly: read once.
    from access.request_memo import request_memo_start

    request_memo_start(request.membership)
    recording = recording_get_for_user(membership=request.membership, recording_id=recording_id)
    options = [
        {
            "code": purpose.code,
            "description": purpose.description,
            "label": purpose.label,
            "until": None,
        }
        for purpose in standing_purposes(membership=request.membership, recording=recording)
    ]
    for purpose, grant in granted_purposes(membership=request.membership, recording=recording):
        if purpose.code not in {option["code"] for option in options}:
            options.append(
                {
                    "code": purpose.code,
                    "description": purpose.description,
                    "label": purpose.label,
                    "until": grant,
                }
            )
    code = options[0]["code"] if options else ""
    decision = listen_decision(
        membership=request.membership,
        recording=recording,
        purpose_code=code,
        employee_present=employee_confirmed(request, presence_key(recording.pk, code)),
    )
    unreadable = ""
    if (options and decision.allowed) or decision.awaits_employee:
        # Where a player would be shown: whether its audio can be read (a key check, no audio
        # read), so that a missing or destroyed key is said here, not by a silent player.
        unreadable = audio_unreadable_notice(recording)
    return render(
        request,
        "access/recording_detail.html",
        {
            "recording": recording,
            "purposes": options,
            "decision": decision,
            "unreadable": unreadable,
            "may_ask": bool(requestable_rules(request.membership)),
            "actions": recording_actions(request.membership, recording),
        },
    )


def _open_listen(request: HttpRequest, key: str) -> str | None:
    """The playback already counted in this session for this call and purpose, if its window
    is still open: the grant id it was charged to, or "" for a standing right."""
    entry = request.session.get("listens", {}).get(key)
    if not isinstance(entry, list | tuple) or len(entry) != 2:
        return None
    started, grant = entry
    return grant if time.time() - started <= LISTEN_WINDOW_SECONDS else None


def _listen_keep_open(request: HttpRequest, key: str) -> None:
    """A playback that goes on keeps its session: each piece of audio moves the window's start
    forward (at most every half window, so the session is written rarely), so a long call, or
    one paused a while, is one listen and is not refused halfway by a one-play grant."""
    entry = request.session.get("listens", {}).get(key)
    if entry and time.time() - entry[0] > LISTEN_WINDOW_SECONDS / 2:
        _listen_start(request, key, entry[1])


def _listen_start(request: HttpRequest, key: str, grant_id: str) -> None:
    now = time.time()
    listens = request.session.get("listens", {})
    listens = {
        k: v
        for k, v in listens.items()
        if isinstance(v, list | tuple) and now - v[0] <= LISTEN_WINDOW_SECONDS
    }
    listens[key] = (now, grant_id)
    request.session["listens"] = listens


# A refused play is logged once per call, purpose and session in this window: the player asks
# once more to read the reason, and that is the same attempt, not a second one.
REFUSAL_WINDOW_SECONDS = 60


def _refuse(request: HttpRequest, recording, purpose: str, decision: Decision) -> HttpResponse:
    now = time.time()
    refusals = {
        key: at
        for key, at in request.session.get("refusals", {}).items()
        if now - at <= REFUSAL_WINDOW_SECONDS
    }
    key = f"{recording.pk}:{purpose}:{decision.status}"
    if key not in refusals:
        refusals[key] = now
        audit.record(
            actor=request.user,
            action="access.recording.refused",
            organisation=request.organisation,
            target=recording,
            purpose=purpose,
            detail={"status": decision.status},
            ip_address=client_ip(request),
        )
    request.session["refusals"] = refusals
    return HttpResponse(
        decision.reason, status=decision.status, content_type="text/plain; charset=utf-8"
    )


def _session_save_now(request: HttpRequest) -> None:
    """Write a database session now, in the caller's transaction, instead of after the answer
    in a transaction (and a commit, a disk flush) of its own; the middleware then has nothing
    left to write. A session without a row yet, or kept elsewhere, is left to the middleware,
    which also sets its cookie."""
    session = request.session
    # Exactly the database engine: cached_db is a subclass whose cache write would outlive a
    # rolled-back listen, leaving a listen open in the session with no event in the trail.
    if type(session) is not DatabaseSession or session.session_key is None:
        return
    try:
        session.save()
    except UpdateError:  # deleted meanwhile (signed out in another tab): as the middleware says
        raise SessionInterrupted(
            "The request's session was deleted before the request completed."
        ) from None
    session.modified = False


def _play_count(
    request: HttpRequest, recording, purpose: str, decision: Decision, key: str
) -> bool:
    """Count a new play against the grant (if one pays), write its listen event and open the
    listen in the session, in one transaction: a request that fails to log its listen uses up
    none of the grant's plays and opens no listen. False, with nothing written, when the grant
    has no play left or has ended."""
    grant = decision.grant
    detail: dict = {}
    if grant is not None:
        detail = {
            "grant": str(grant.pk),
            "request": str(grant.request_id),
            "case": str(grant.request.case_id or ""),
        }
    if decision.with_employee:
        # Heard with the call's employee present: their id, never their name.
        detail.update(employee_present=True, employee=recording.employee_id)
    listened = {
        "actor": request.user,
        "action": "access.recording.listened",
        "organisation": request.organisation,
        "target": recording,
        "purpose": purpose,
        "detail": detail,
        "ip_address": client_ip(request),
    }
    with transaction.atomic():
        if grant is not None and not grant_count_play(grant):
            return False
        audit.record(**listened)
        _listen_start(request, key, str(grant.pk) if grant is not None else "")
        _session_save_now(request)
    return True


@organisation_view(roles.VIEW_RECORDINGS)
@require_safe
def recording_audio(request: HttpRequest, recording_id: uuid.UUID) -> HttpResponse:
    """The gate: decide, write the audit event, then hand over the bytes.

    A HEAD is decided like a GET (a refusal is answered and logged the same way) and answers
    the same status and headers, but hands over no audio: it counts no play against a grant
    and writes no listen. A GET that starts a playback does, also when it is answered 304
    (If-None-Match)."""
    purpose = request.GET.get("purpose", "")[:64]
    key = f"{recording_id}:{purpose}"
    charged_to = _open_listen(request, key)
    employee_present = employee_confirmed(request, presence_key(recording_id, purpose))
    # The common case (a standing right, or the grant this playback is charged to) in one
    # query; everything else (charging a grant, refusing with the reason) the full decision.
    quick = quick_listen_decision(
        membership=request.membership,
        recording_id=recording_id,
        purpose_code=purpose,
        grant_id=charged_to or "",
        employee_present=employee_present,
    )
    if quick is not None:
        recording, decision = quick
    else:
        recording = recording_get_for_user(membership=request.membership, recording_id=recording_id)
        decision = listen_decision(
            membership=request.membership,
            recording=recording,
            purpose_code=purpose,
            continuing=charged_to is not None,
            employee_present=employee_present,
        )
        if not decision.allowed:
            return _refuse(request, recording, purpose, decision)
    if request.method == "HEAD":
        return audio_response(request, recording)
    grant = decision.grant
    # A play is a listening session: its further byte ranges (seeking, the browser's own
    # follow-up requests) within the window are not a new play, unless another grant pays.
    if charged_to is None or (grant is not None and str(grant.pk) != charged_to):
        # The answer first: a sealed call is decrypted here, and one that cannot be read (409)
        # uses up no play of a grant and is no listen.
        response = audio_response(request, recording)
        if getattr(response, "audio_unreadable", False):
            return response
        try:
            counted = _play_count(request, recording, purpose, decision, key)
        except BaseException:
            audio_discard(response)
            raise
        if not counted:
            audio_discard(response)
            refused = Decision(False, _("Your grant has no plays left or has ended."), 403)
            return _refuse(request, recording, purpose, refused)
        return response
    _listen_keep_open(request, key)
    return audio_response(request, recording)


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def recording_employee_present(request: HttpRequest, recording_id: uuid.UUID) -> HttpResponse:
    """The listener confirms that the call's employee is with them, for one call and purpose,
    before the first byte of a call the policy plays only with its employee present."""
    recording = recording_get_for_user(membership=request.membership, recording_id=recording_id)
    purpose = request.POST.get("purpose", "")[:64]
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse(
            "access:recording_detail",
            kwargs={"org_slug": request.organisation.slug, "recording_id": recording.pk},
        )
    decision = listen_decision(
        membership=request.membership, recording=recording, purpose_code=purpose
    )
    if not decision.awaits_employee:
        if decision.allowed:
            messages.info(request, _("No confirmation is needed: you may play this call."))
        else:
            messages.error(request, decision.reason)
        return redirect(back)
    if request.POST.get("employee_present") != "on":
        messages.error(request, _("Tick the box to confirm that the employee is with you."))
        return redirect(back)
    employee_confirm(request, presence_key(recording.pk, purpose))
    audit.record(
        actor=request.user,
        action="access.recording.employee_confirmed",
        organisation=request.organisation,
        target=recording,
        purpose=purpose,
        detail={"employee": recording.employee_id},
        ip_address=client_ip(request),
    )
    messages.success(request, _("Confirmed: you may now play the call with the employee."))
    return redirect(back)
