"""Sends members of two-factor roles to set up or enter their TOTP code before anything else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from organisations.selectors import user_requires_two_factor

# Paths a half-signed-in user may still reach.
_ALLOWED_PREFIXES = ("/account/", "/static/", "/i18n/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.TWO_FACTOR_REQUIRED
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and user_requires_two_factor(user=user)
        ):
            # Keep where they were going: a link followed before sign-in still leads there.
            target = reverse("two_factor")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
