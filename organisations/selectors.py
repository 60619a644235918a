"""Reads for organisations and memberships. Lookups answer 404 to outsiders."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import QuerySet

from organisations.constants import TWO_FACTOR_ROLES
from organisations.models import Membership
from organisations.models_installation import InstallationAdministrator


def memberships_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, active=True).select_related("organisation")


def user_requires_two_factor(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """A member of a two-factor role, or an installation administrator (they create
    organisations and invite administrators). Asked on every request of a signed-in user who
    has not entered a code (the two-factor middleware), so one plain statement, not two ORM
    queries (issue 18: the audio gate's share of each byte range)."""
    if not user.is_authenticated:
        return False
    memberships = connection.ops.quote_name(Membership._meta.db_table)
    admins = connection.ops.quote_name(InstallationAdministrator._meta.db_table)
    roles = sorted(str(role) for role in TWO_FACTOR_ROLES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {memberships} WHERE user_id = %s AND active"  # noqa: S608
            f" AND role IN ({', '.join(['%s'] * len(roles))}))"
            f" OR EXISTS (SELECT 1 FROM {admins} WHERE user_id = %s)",
            [user.pk, *roles, user.pk],
        )
        return bool(cursor.fetchone()[0])
