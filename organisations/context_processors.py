"""What the base layout needs: the current organisation, the switcher, and the navigation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.core import ObjectPermissionChecker

from organisations import roles
from organisations.installation import is_installation_admin
from organisations.selectors import memberships_for_user

# (permission, url name, label): shown only to members whose role holds the permission.
NAVIGATION = [
    (roles.VIEW_DASHBOARD, "organisations:dashboard", _("Dashboard")),
    (roles.VIEW_RECORDINGS, "access:recording_list", _("Recordings")),
    (roles.UPLOAD_RECORDINGS, "recordings:upload", _("Upload")),
    (roles.VIEW_RECORDINGS, "coaching:overview", _("Coaching")),
    (roles.VIEW_COACHING_REPORTS, "coaching:reports", _("Coaching reports")),
    (roles.VIEW_REQUESTS, "requests:list", _("Requests")),
    (roles.VIEW_CASES, "cases:list", _("Cases")),
    # Transcripts typed for a customer and those waiting for one's approval.
    (roles.VIEW_RECORDINGS, "transcripts:list", _("Transcripts")),
    (roles.VIEW_ACCESS_POLICY, "policy:overview", _("Access policy")),
    (roles.VIEW_ACCESS_POLICY, "coaching:settings", _("Coaching settings")),
    (roles.VIEW_RETENTION, "retention:overview", _("Retention")),
    (roles.HANDLE_SUBJECT_REQUESTS, "subjects:list", _("Data subject requests")),
    (roles.VIEW_REGISTER, "register:overview", _("Processing register")),
    (roles.VIEW_AUDIT_TRAIL, "audit:trail", _("Audit trail")),
    (roles.MANAGE_MEMBERS, "organisations:members", _("Members")),
    (roles.MANAGE_MEMBERS, "organisations:teams", _("Teams")),
    (roles.MANAGE_MEMBERS, "organisations:employees", _("Employees")),
    (roles.MANAGE_INGEST_TOKENS, "recordings_tokens:list", _("Ingest tokens")),
    (roles.APPROVE_TWO_FACTOR_RESET, "twofactor_resets:list", _("Two-factor resets")),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    context: dict[str, object] = {
        "demo_mode": settings.DEMO,
        # The demo banner states the setting that decides, not what the demo usually does.
        "two_factor_required": settings.TWO_FACTOR_REQUIRED,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    organisation = getattr(request, "organisation", None)
    context["memberships"] = list(memberships_for_user(user=user))
    context["is_installation_admin"] = is_installation_admin(user=user)
    context["current_organisation"] = organisation
    context["current_membership"] = getattr(request, "membership", None)
    if organisation is not None:
        # One lookup of the member's rights for the whole menu, not one per item.
        granted = set(ObjectPermissionChecker(user).get_perms(organisation))
        context["nav_items"] = [
            {
                "url": reverse(url_name, kwargs={"org_slug": organisation.slug}),
                "label": label,
                "active": request.resolver_match is not None
                and request.resolver_match.view_name == url_name,
            }
            for permission, url_name, label in NAVIGATION
            if permission in granted
        ]
    return context
