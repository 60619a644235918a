"""The gate's decisions. Every question "may this person hear this call, for this purpose?"
is answered here, from the standing rights (and, later, approved grants) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access.constants import Scope
from access.models import StandingRight
from organisations.constants import Role
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording
from register.models import Purpose

# Roles that find calls in the list to ask for access (four eyes) or to answer a data
# subject's request; seeing the metadata is not hearing the call.
METADATA_ROLES = frozenset({Role.TEAM_LEADER, Role.MANAGER, Role.PRIVACY_OFFICER})
PLAYABLE = (RecordingStatus.ACTIVE, RecordingStatus.HELD)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    status: int = 200  # what the gate answers when refused: 403, 404 or 410


def _scope_filter(scope: str, membership: Membership) -> Q:
    if scope == Scope.OWN_CALLS:
        return Q(employee__user=membership.user_id)
    if scope == Scope.COACHED_TEAMS:
        return Q(employee__team__in=membership.teams.all())
    return Q()


def _rights(membership: Membership) -> QuerySet[StandingRight]:
    return StandingRight.objects.filter(
        organisation=membership.organisation_id, role=membership.role
    ).select_related("purpose")


def recordings_visible_to(*, membership: Membership) -> QuerySet[Recording]:
    """The calls whose metadata this member may see in lists (never INCOMING or PURGED)."""
    recordings = Recording.objects.filter(
        organisation=membership.organisation_id, status__in=PLAYABLE
    )
    if membership.role in METADATA_ROLES:
        return recordings
    scopes = {right.scope for right in _rights(membership)}
    if not scopes:
        return recordings.none()
    if Scope.ORGANISATION in scopes:
        return recordings
    condition = Q(pk__in=[])
    for scope in scopes:
        condition |= _scope_filter(scope, membership)
    return recordings.filter(condition)


def standing_purposes(*, membership: Membership, recording: Recording) -> list[Purpose]:
    """The purposes for which this member may hear this call without asking."""
    purposes = []
    for right in _rights(membership):
        covered = Recording.objects.filter(pk=recording.pk).filter(
            _scope_filter(right.scope, membership)
        )
        if right.scope == Scope.ORGANISATION or covered.exists():
            purposes.append(right.purpose)
    return purposes


def listen_decision(*, membership: Membership, recording: Recording, purpose_code: str) -> Decision:
    if recording.organisation_id != membership.organisation_id:
        return Decision(False, _("No such recording."), 404)
    if recording.status not in PLAYABLE:
        return Decision(False, _("This recording has been erased."), 410)
    if recording.status != RecordingStatus.HELD and timezone.now() >= recording.purge_deadline:
        return Decision(
            False, _("This recording is past its retention deadline and may not be played."), 410
        )
    purposes = standing_purposes(membership=membership, recording=recording)
    if not purpose_code:
        return Decision(False, _("Say for which purpose you listen."), 403)
    if purpose_code not in {purpose.code for purpose in purposes}:
        return Decision(False, _("You have no right to hear this call for that purpose."), 403)
    return Decision(True, "")
