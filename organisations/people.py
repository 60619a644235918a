"""Writes for teams, employees and members in the browser: each change is an audit event.

organisations/ is the lowest app, so it announces changes with `people_changed` (audit writes
the event in the same transaction) and asks higher apps through `audio_role_check` whether a
role would let a member hear calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import remove_perm

from organisations.constants import MEMBERSHIP_DECIDERS, Role
from organisations.models import (
    Employee,
    Invitation,
    Membership,
    Organisation,
    RoleChangeRequest,
    RoleChangeStatus,
    Team,
)
from organisations.roles import ALL_ROLE_PERMISSIONS
from organisations.services import membership_change_role
from organisations.signals import people_changed
from organisations.todo import Todo, WorkItem, person, todo_group, todo_provider

# (organisation, old_role, new_role) -> True when the new role may hear calls the old one
# may not. access/ registers the check that reads the access policy's standing rights.
AudioRoleCheck = Callable[[Organisation, str, str], bool]
_audio_role_checks: list[AudioRoleCheck] = []


def audio_role_check(check: AudioRoleCheck) -> AudioRoleCheck:
    if check not in _audio_role_checks:
        _audio_role_checks.append(check)
    return check


def role_gains_audio(*, organisation: Organisation, old_role: str, new_role: str) -> bool:
    return any(check(organisation, old_role, new_role) for check in _audio_role_checks)


def _announce(
    organisation: Organisation, actor: Any, action: str, target: Any, **detail: Any
) -> None:
    people_changed.send(
        Organisation,
        organisation=organisation,
        actor=actor,
        action=action,
        target=target,
        detail=detail,
    )


# Teams -------------------------------------------------------------------------------------


def _coaches_valid(organisation: Organisation, coaches: Iterable[Membership]) -> list[Membership]:
    coaches = list(coaches)
    for coach in coaches:
        if coach.organisation_id != organisation.pk or coach.role != Role.COACH:
            raise ValidationError({"coaches": _("Only coaches of this organisation can coach.")})
        if not coach.active:
            raise ValidationError({"coaches": _("A deactivated member cannot coach.")})
    return coaches


def _set_coaches(team: Team, coaches: list[Membership]) -> None:
    current = set(team.memberships.filter(role=Role.COACH).values_list("pk", flat=True))
    wanted = {coach.pk for coach in coaches}
    for coach in Membership.objects.filter(pk__in=current - wanted):
        coach.teams.remove(team)
    for coach in coaches:
        if coach.pk not in current:
            coach.teams.add(team)


def team_create_by(
    *,
    organisation: Organisation,
    name: str,
    coaches: Iterable[Membership] = (),
    actor: AbstractBaseUser | None,
) -> Team:
    team = Team(organisation=organisation, name=name.strip())
    team.full_clean()
    coaches = _coaches_valid(organisation, coaches)
    with transaction.atomic():
        team.save()
        _set_coaches(team, coaches)
        _announce(
            organisation,
            actor,
            "organisations.team.created",
            team,
            coach_ids=sorted(c.user_id for c in coaches),
        )
    return team


def team_update(
    *, team: Team, name: str, coaches: Iterable[Membership], actor: AbstractBaseUser | None
) -> Team:
    old_name = team.name
    team.name = name.strip()
    team.full_clean()
    coaches = _coaches_valid(team.organisation, coaches)
    with transaction.atomic():
        team.save(update_fields=["name"])
        _set_coaches(team, coaches)
        _announce(
            team.organisation,
            actor,
            "organisations.team.changed",
            team,
            renamed=old_name != team.name,
            coach_ids=sorted(c.user_id for c in coaches),
        )
    return team


# Employees ---------------------------------------------------------------------------------


def _employee_checks(employee: Employee) -> None:
    if (
        employee.user_id is not None
        and not Membership.objects.filter(
            organisation=employee.organisation_id, user=employee.user_id, active=True
        ).exists()
    ):
        raise ValidationError({"user": _("Choose an active member of this organisation.")})
    employee.pbx_agent_id = employee.pbx_agent_id.strip()
    if employee.pbx_agent_id and employee.active:
        taken = Employee.objects.filter(
            organisation=employee.organisation_id, pbx_agent_id=employee.pbx_agent_id, active=True
        ).exclude(pk=employee.pk)
        if taken.exists():
            raise ValidationError(
                {"pbx_agent_id": _("Another active employee already has this PBX agent id.")}
            )
    employee.full_clean()


def _employee_detail(employee: Employee) -> dict[str, Any]:
    return {
        "team_id": employee.team_id,
        "user_id": employee.user_id,
        # The agent id itself may be a long number, which the trail refuses in details.
        "has_agent_id": bool(employee.pbx_agent_id),
    }


def employee_add(
    *,
    organisation: Organisation,
    name: str,
    team: Team | None,
    pbx_agent_id: str,
    user: AbstractBaseUser | None,
    actor: AbstractBaseUser | None,
) -> Employee:
    employee = Employee(
        organisation=organisation,
        name=name.strip(),
        team=team,
        pbx_agent_id=pbx_agent_id,
        user=user,
    )
    _employee_checks(employee)
    with transaction.atomic():
        employee.save()
        _announce(
            organisation,
            actor,
            "organisations.employee.created",
            employee,
            **_employee_detail(employee),
        )
    return employee


def employee_update(
    *,
    employee: Employee,
    name: str,
    team: Team | None,
    pbx_agent_id: str,
    user: AbstractBaseUser | None,
    actor: AbstractBaseUser | None,
) -> Employee:
    employee.name = name.strip()
    employee.team = team
    employee.pbx_agent_id = pbx_agent_id
    employee.user = user
    _employee_checks(employee)
    with transaction.atomic():
        employee.save()
        _announce(
            employee.organisation,
            actor,
            "organisations.employee.changed",
            employee,
            **_employee_detail(employee),
        )
    return employee


def employee_deactivate(*, employee: Employee, actor: AbstractBaseUser | None) -> Employee:
    """The employee stays on their old calls; ingest matches no new call to them."""
    if not employee.active:
        return employee
    with transaction.atomic():
        employee.active = False
        employee.save(update_fields=["active"])
        _announce(employee.organisation, actor, "organisations.employee.deactivated", employee)
    return employee


# Members -----------------------------------------------------------------------------------


class PeopleError(Exception):
    """A refusal a person should read: the message says why."""


def membership_deactivate(*, membership: Membership, actor: AbstractBaseUser) -> Membership:
    """The member keeps their name in the trail and on their work but loses every right."""
    if membership.user_id == actor.pk:
        raise PeopleError(_("You cannot deactivate yourself; ask another administrator."))
    if not membership.active:
        return membership
    with transaction.atomic():
        for codename in ALL_ROLE_PERMISSIONS:
            remove_perm(f"organisations.{codename}", membership.user, membership.organisation)
        membership.active = False
        membership.deactivated_at = timezone.now()
        membership.save(update_fields=["active", "deactivated_at"])
        RoleChangeRequest.objects.filter(
            membership=membership, status=RoleChangeStatus.PENDING
        ).update(status=RoleChangeStatus.DENIED, decided_at=timezone.now())
        _announce(
            membership.organisation,
            actor,
            "organisations.membership.deactivated",
            membership,
            user_id=membership.user_id,
            role=membership.role,
        )
    return membership


def member_role_change(
    *, membership: Membership, role: str, actor: AbstractBaseUser
) -> RoleChangeRequest | None:
    """Change a member's role at once, or, where the new role may hear calls the old one may
    not, ask for a second person's approval (returned, pending)."""
    if membership.user_id == actor.pk:
        raise PeopleError(_("You cannot change your own role; ask another administrator."))
    if not membership.active:
        raise PeopleError(_("This member is deactivated."))
    if role not in Role.values:
        raise PeopleError(_("Choose one of the listed roles."))
    if role == membership.role:
        return None
    if not role_gains_audio(
        organisation=membership.organisation, old_role=membership.role, new_role=role
    ):
        membership_change_role(membership=membership, role=role, actor=actor)
        return None
    return role_change_request(membership=membership, role=role, requested_by=actor, actor=actor)


def role_change_request(
    *, membership: Membership, role: str, requested_by: AbstractBaseUser, actor: Any
) -> RoleChangeRequest:
    """Ask for a second person's approval of a role that may hear calls (pending). The
    add_member command asks on the member's behalf (requested_by) with no actor in the trail."""
    if membership.role_change_requests.filter(status=RoleChangeStatus.PENDING).exists():
        raise PeopleError(_("A role change of this member already waits for approval."))
    with transaction.atomic():
        change = RoleChangeRequest.objects.create(
            organisation=membership.organisation,
            membership=membership,
            old_role=membership.role,
            new_role=role,
            requested_by=requested_by,
        )
        _announce(
            membership.organisation,
            actor,
            "organisations.role_change.requested",
            change,
            user_id=membership.user_id,
            old_role=change.old_role,
            new_role=role,
        )
    return change


# Four eyes on giving a role that may hear calls (a role change or an invitation): who may
# decide. Never the person who asked; each caller checks that against its own request.
def is_decider(membership: Membership) -> bool:
    return membership.active and membership.role in MEMBERSHIP_DECIDERS


def role_change_refusal(*, decider: Membership, change: RoleChangeRequest) -> str | None:
    """Why this member may not decide on this role change, or None when they may."""
    if decider.organisation_id != change.organisation_id:
        return _("This request belongs to another organisation.")
    if not is_decider(decider):
        return _("Only another administrator or the privacy officer can decide.")
    if decider.user_id == change.requested_by_id:
        return _("You asked for this change; another person must decide.")
    if decider.user_id == change.membership.user_id:
        return _("Nobody decides on their own role.")
    if change.status != RoleChangeStatus.PENDING:
        return _("This request has already been decided.")
    return None


def role_change_decide(*, decider: Membership, change_id: int, approve: bool) -> RoleChangeRequest:
    with transaction.atomic():
        change = (
            RoleChangeRequest.objects.select_for_update()
            .select_related("membership__user", "membership__organisation")
            .get(pk=change_id, organisation=decider.organisation_id)
        )
        refusal = role_change_refusal(decider=decider, change=change)
        if refusal:
            raise PeopleError(refusal)
        membership = change.membership
        if approve and (not membership.active or membership.role != change.old_role):
            raise PeopleError(
                _("The member's role changed since this was asked; deny it and ask again.")
            )
        change.status = RoleChangeStatus.APPROVED if approve else RoleChangeStatus.DENIED
        change.decided_by = decider.user
        change.decided_at = timezone.now()
        change.full_clean()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        _announce(
            change.organisation,
            decider.user,
            "organisations.role_change.approved" if approve else "organisations.role_change.denied",
            change,
            user_id=membership.user_id,
            old_role=change.old_role,
            new_role=change.new_role,
        )
        if approve:
            membership_change_role(membership=membership, role=change.new_role, actor=decider.user)
    return change


@todo_provider
def role_changes_waiting(membership: Membership) -> list[Todo]:
    """Dashboard: role changes and invitations this administrator or privacy officer may
    decide; both are decided on the role changes page."""
    if not is_decider(membership):
        return []
    changes = (
        RoleChangeRequest.objects.filter(
            organisation=membership.organisation_id, status=RoleChangeStatus.PENDING
        )
        .exclude(requested_by=membership.user_id)
        .exclude(membership__user=membership.user_id)
        .select_related("membership__user", "requested_by")
        .order_by("requested_at")
    )
    invitations = (
        Invitation.objects.filter(
            organisation=membership.organisation_id,
            needs_approval=True,
            approved_at__isnull=True,
            denied_at__isnull=True,
            revoked_at__isnull=True,
            accepted_at__isnull=True,
        )
        .exclude(invited_by=membership.user_id)
        .select_related("invited_by")
        .order_by("expires_at")
    )
    url = reverse("organisations:role_changes", kwargs={"org_slug": membership.organisation.slug})

    def change_item(change: RoleChangeRequest) -> WorkItem:
        return WorkItem(
            title=_("%(who)s: %(old)s → %(new)s")
            % {
                "who": person(change.membership.user),
                "old": change.get_old_role_display(),
                "new": change.get_new_role_display(),
            },
            url=url,
            detail=_("asked by %(who)s") % {"who": person(change.requested_by)},
        )

    def invitation_item(invitation: Invitation) -> WorkItem:
        return WorkItem(
            title=_("%(email)s as %(role)s")
            % {"email": invitation.email, "role": invitation.get_role_display()},
            url=url,
            deadline=invitation.expires_at,
            detail=_("invited by %(who)s") % {"who": person(invitation.invited_by)},
        )

    return [
        todo_group(
            _("Role changes waiting for your approval"),
            url,
            changes,
            change_item,
        ),
        todo_group(
            _("Invitations waiting for your approval"),
            url,
            invitations,
            invitation_item,
        ),
    ]
