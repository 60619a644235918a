"""The trail's labels and links for what organisations/ holds: people, memberships, teams,
employees and invitations (audit/ sits right above organisations/, so it registers them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.filters import person_name
from audit.links import register_target_link, resolver_for
from organisations.models import (
    Employee,
    Invitation,
    Membership,
    Organisation,
    Team,
    TwoFactorReset,
)


def _users(organisation: Any) -> Any:
    return get_user_model().objects.filter(
        pk__in=Membership.objects.filter(organisation=organisation).values("user_id")
    )


def register_audit_links() -> None:
    register_target_link(
        "auth.user",
        resolver_for(_users, label=person_name),
        noun=gettext_lazy("person"),
    )
    register_target_link(
        "organisations.membership",
        resolver_for(
            lambda org: Membership.objects.filter(organisation=org).select_related("user"),
            label=lambda membership: (
                _("%(person)s as %(role)s")
                % {"person": person_name(membership.user), "role": membership.get_role_display()}
            ),
        ),
        noun=gettext_lazy("membership"),
    )
    register_target_link(
        "organisations.team",
        resolver_for(
            lambda org: Team.objects.filter(organisation=org),
            label=lambda team: _("team %(name)s") % {"name": team.name},
            url_name="organisations:team_edit",
            url_kwargs=lambda team: {"team_id": team.pk},
        ),
        noun=gettext_lazy("team"),
    )
    register_target_link(
        "organisations.employee",
        resolver_for(
            lambda org: Employee.objects.filter(organisation=org),
            label=lambda employee: employee.name,
            url_name="organisations:employee_edit",
            url_kwargs=lambda employee: {"employee_id": employee.pk},
        ),
        noun=gettext_lazy("employee"),
    )
    register_target_link(
        "organisations.invitation",
        resolver_for(
            lambda org: Invitation.objects.filter(organisation=org),
            label=lambda invitation: _("invitation"),
            url_name="invitations:list",
        ),
        noun=gettext_lazy("invitation"),
    )
    register_target_link(
        "organisations.organisation",
        resolver_for(
            lambda org: Organisation.objects.filter(pk=org.pk),
            label=lambda organisation: organisation.name,
        ),
        noun=gettext_lazy("organisation"),
    )
    register_target_link(
        "organisations.twofactorreset",
        resolver_for(
            lambda org: TwoFactorReset.objects.filter(organisation=org),
            label=lambda reset: _("two-factor reset"),
            url_name="twofactor_resets:list",
        ),
        noun=gettext_lazy("two-factor reset"),
    )
