"""Reads for organisations and memberships. Lookups answer 404 to outsiders."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from organisations.constants import TWO_FACTOR_ROLES
from organisations.installation import is_installation_admin
from organisations.models import Membership


def memberships_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, active=True).select_related("organisation")


def membership_get_for_user(*, user: AbstractBaseUser | AnonymousUser, slug: str) -> Membership:
    """The user's membership of the organisation named by slug, or 404 for everyone else."""
    try:
        return memberships_for_user(user=user).get(organisation__slug=slug)
    except Membership.DoesNotExist:
        raise Http404("No such organisation.") from None


def user_requires_two_factor(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    # Installation administrators too: they create organisations and invite administrators.
    if memberships_for_user(user=user).filter(role__in=TWO_FACTOR_ROLES).exists():
        return True
    return is_installation_admin(user=user)
