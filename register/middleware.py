"""Sends a member to the recording policy until they have acknowledged its current version."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from register.acknowledgement import policy_waiting_for

# Sign-in and sign-out, static files, the language switch, the public disclosure links, the
# machine API and the health check are never held up; nor is the policy page itself.
_ALLOWED_PREFIXES = ("/account/", "/static/", "/i18n/", "/d/", "/api/", "/healthz")
_POLICY_PAGE = re.compile(r"^/o/[^/]+/register/recording-policy/acknowledge/$")


class RecordingPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not _POLICY_PAGE.match(request.path)
        ):
            policy = policy_waiting_for(user)
            if policy is not None:
                url = reverse(
                    "register:policy_acknowledge", kwargs={"org_slug": policy.organisation.slug}
                )
                here = request.get_full_path()
                if request.method == "GET" and url_has_allowed_host_and_scheme(here, None):
                    url += "?next=" + quote(here, safe="/")
                return redirect(url)
        return self.get_response(request)
