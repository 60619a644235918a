"""Whether a member may open a page of the organisation, from its URL alone: pages that list
links to others' pages (the audit trail, the register's evidence) offer only the links that
lead somewhere for this member, instead of links that answer 403."""

from __future__ import annotations

from typing import Any

from django.urls import Resolver404, resolve
from guardian.shortcuts import get_perms

from organisations.models import Membership


def may_open(membership: Membership, url: str, cache: dict[str, Any] | None = None) -> bool:
    """True when the page's organisation_view permission is one the member's role holds (or
    the page asks for none). Object-level rules (whose evaluation) are the caller's to add."""
    try:
        view = resolve(url.split("?", 1)[0]).func
    except Resolver404:
        return False
    permission = getattr(view, "organisation_permission", None)
    if permission is None:
        return True
    if cache is None:
        cache = {}
    if "permissions" not in cache:
        # Every right of the member on the organisation at once (two queries), not one
        # has_perm per kind of link.
        cache["permissions"] = set(get_perms(membership.user, membership.organisation))
    return permission in cache["permissions"]
