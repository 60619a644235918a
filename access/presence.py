"""The listener's confirmation that a call's employee is with them, kept in the session per
call and purpose for one sitting: the gate plays a call the policy plays only with its
employee present after this confirmation, and its listen event says so."""

from __future__ import annotations

import time

from django.http import HttpRequest

# A confirmation that the call's employee is present holds for one sitting.
PRESENCE_WINDOW_SECONDS = 2 * 60 * 60


def presence_key(recording_id, purpose_code: str) -> str:
    return f"{recording_id}:{purpose_code}"


def employee_confirmed(request: HttpRequest, key: str) -> bool:
    """Whether the listener confirmed, in this session and within the window, that the call's
    employee is with them for this call and purpose."""
    at = request.session.get("present", {}).get(key)
    return isinstance(at, int | float) and time.time() - at <= PRESENCE_WINDOW_SECONDS


def employee_confirm(request: HttpRequest, key: str) -> None:
    now = time.time()
    present = {
        k: at
        for k, at in request.session.get("present", {}).items()
        if isinstance(at, int | float) and now - at <= PRESENCE_WINDOW_SECONDS
    }
    present[key] = now
    request.session["present"] = present
