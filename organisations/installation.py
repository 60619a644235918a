"""The installation administrator: who is one, and what they may read of the organisations.

They are designated by a row of InstallationAdministrator (the command
create_installation_admin), never by Django's is_staff or is_superuser: a superuser would pass
every object permission of every organisation, and an installation administrator must not.
What they read of an organisation is its name, short name, creation and number of members.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from organisations.models import Organisation
from organisations.models_installation import InstallationAdministrator
from organisations.signals import installation_administrator_designated


def is_installation_admin(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return InstallationAdministrator.objects.filter(user=user).exists()


def installation_admin_designate(
    *, user: AbstractBaseUser, actor: AbstractBaseUser | None
) -> InstallationAdministrator:
    with transaction.atomic():
        admin, created = InstallationAdministrator.objects.get_or_create(user=user)
        if created:
            installation_administrator_designated.send(
                InstallationAdministrator, user=user, actor=actor
            )
    return admin


def organisations_overview() -> QuerySet[Organisation]:
    """Every organisation with its number of (active) members: nothing of what it holds."""
    return (
        Organisation.objects.annotate(
            member_count=Count("memberships", filter=Q(memberships__active=True), distinct=True)
        )
        .only("pk", "slug", "name", "timezone", "created_at")
        .order_by("name")
    )


def organisation_get_for_installation(*, slug: str) -> Organisation:
    return organisations_overview().get(slug=slug)
