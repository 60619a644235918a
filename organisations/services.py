"""Writes for organisations, teams, employees and memberships (roles and their rights)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from organisations.models import Employee, Membership, Organisation, Team
from organisations.roles import ALL_ROLE_PERMISSIONS, ROLE_PERMISSIONS
from organisations.signals import membership_changed, organisation_created


def organisation_create(
    *, slug: str, name: str, timezone: str = "Europe/Amsterdam", actor: AbstractBaseUser | None
) -> Organisation:
    organisation = Organisation(slug=slug, name=name, timezone=timezone)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        organisation_created.send(Organisation, organisation=organisation, actor=actor)
    return organisation


def team_create(*, organisation: Organisation, name: str) -> Team:
    team = Team(organisation=organisation, name=name)
    team.full_clean()
    team.save()
    return team


def employee_create(
    *,
    organisation: Organisation,
    name: str,
    team: Team | None = None,
    pbx_agent_id: str = "",
    user: AbstractBaseUser | None = None,
) -> Employee:
    employee = Employee(
        organisation=organisation, name=name, team=team, pbx_agent_id=pbx_agent_id, user=user
    )
    employee.full_clean()
    employee.save()
    return employee


def _apply_role_permissions(membership: Membership) -> None:
    wanted = ROLE_PERMISSIONS[membership.role]
    for codename in ALL_ROLE_PERMISSIONS - wanted:
        remove_perm(f"organisations.{codename}", membership.user, membership.organisation)
    for codename in wanted:
        assign_perm(f"organisations.{codename}", membership.user, membership.organisation)


def membership_create(
    *,
    user: AbstractBaseUser,
    organisation: Organisation,
    role: str,
    actor: AbstractBaseUser | None,
    teams: list[Team] | tuple[Team, ...] = (),
) -> Membership:
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        if teams:
            membership.teams.set(teams)
        _apply_role_permissions(membership)
        membership_changed.send(
            Membership, membership=membership, actor=actor, old_role=None, new_role=role
        )
    return membership


def membership_change_role(
    *, membership: Membership, role: str, actor: AbstractBaseUser | None
) -> Membership:
    old_role = membership.role
    if old_role == role:
        return membership
    membership.role = role
    membership.full_clean()
    with transaction.atomic():
        membership.save(update_fields=["role"])
        _apply_role_permissions(membership)
        membership_changed.send(
            Membership, membership=membership, actor=actor, old_role=old_role, new_role=role
        )
    return membership


def membership_remove(*, membership: Membership, actor: AbstractBaseUser | None) -> None:
    with transaction.atomic():
        for codename in ALL_ROLE_PERMISSIONS:
            remove_perm(f"organisations.{codename}", membership.user, membership.organisation)
        membership_changed.send(
            Membership, membership=membership, actor=actor, old_role=membership.role, new_role=None
        )
        membership.delete()


def membership_sync_permissions(*, organisation: Organisation | None = None) -> int:
    """Re-apply the role table to every membership (after a release adds a permission)."""
    # A deactivated member holds no rights; a release must not give them back.
    memberships = Membership.objects.filter(active=True).select_related("user", "organisation")
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    count = 0
    with transaction.atomic():
        for membership in memberships:
            _apply_role_permissions(membership)
            count += 1
    return count
