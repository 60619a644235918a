"""Tells organisations/ whether a role change lets a member hear calls: the new role holds a
standing right (purpose and scope) in the access policy that the old role does not."""

from __future__ import annotations

from access.models import StandingRight
from organisations.models import Organisation


def role_gains_standing_audio(organisation: Organisation, old_role: str, new_role: str) -> bool:
    rights = StandingRight.objects.filter(organisation=organisation)

    def held(role: str) -> set[tuple[int, str]]:
        return set(rights.filter(role=role).values_list("purpose_id", "scope"))

    return bool(held(new_role) - held(old_role))
