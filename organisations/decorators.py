"""The one way views reach tenant data: resolve the organisation from the URL for this user.

Outsiders get 404 (the organisation's existence is not confirmed); members without the right
get 403. The organisation's time zone is activated for the request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from organisations.permission_check import membership_with_permission

View = Callable[..., HttpResponse]


def organisation_view(permission: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: object, **kwargs: object):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # The membership and the right in one statement (issue 18: every byte range of
            # the audio gate passes here); it answers as the lookup plus has_perm did.
            membership, granted = membership_with_permission(
                user=request.user, slug=org_slug, codename=permission
            )
            if membership is None:
                raise Http404("No such organisation.")
            if not granted:
                raise PermissionDenied
            organisation = membership.organisation
            request.membership = membership
            request.organisation = organisation
            timezone.activate(organisation.timezone)
            # Only when it changes: the player's audio pieces and checks come every few
            # seconds, and each write of the session is an UPDATE.
            if request.session.get("last_organisation") != organisation.slug:
                request.session["last_organisation"] = organisation.slug
            return view(request, *args, **kwargs)

        wrapper.organisation_permission = permission  # read by the tenancy test
        return wrapper

    return decorator
