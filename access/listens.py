"""Who listened to a call, when and for what purpose: read from the audit trail.

A listen is an `access.recording.listened` event (access/views.py writes one per play the gate
allowed; a refused play is `access.recording.refused` and is no listen). The partial index
`audit_listens` (organisation, target_id) WHERE action = 'access.recording.listened' serves this
lookup: the trail's general target index leaves calls out (see audit/models.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from audit.models import AuditEvent
from organisations.models import Membership, Organisation
from register.models import Purpose

LISTENED = "access.recording.listened"
RECORDING = "recordings.recording"


@dataclass(frozen=True)
class Listen:
    recording_id: str
    at: datetime  # in the organisation's time zone
    listener_label: str  # the user name as the trail recorded it at the time
    listener_name: str  # the person's full name today, or the label when none is known
    listener_role: str  # the role's label in the organisation today ("" when no longer a member)
    purpose_code: str
    purpose_description: str  # from the register; "" when the register no longer has the code


def listen_events(organisation: Organisation, recording_ids: Iterable) -> QuerySet[AuditEvent]:
    """The listen events of these calls, oldest first (the query the index is for)."""
    return AuditEvent.objects.filter(
        organisation=organisation,
        action=LISTENED,
        target_type=RECORDING,
        target_id__in=[str(pk) for pk in recording_ids],
    ).order_by("created_at", "sequence")


def listens_of(organisation: Organisation, recording_ids: Iterable) -> dict[str, list[Listen]]:
    """Each call's listens, keyed by the call's id as text; calls never heard are absent."""
    ids = [str(pk) for pk in recording_ids]
    if not ids:
        return {}
    events = list(
        listen_events(organisation, ids).values_list(
            "target_id", "created_at", "actor_id", "actor_label", "purpose"
        )
    )
    zone = ZoneInfo(organisation.timezone)
    actor_ids = {actor_id for _, _, actor_id, _, _ in events if actor_id is not None}
    names = {
        user.pk: user.get_full_name().strip()
        for user in get_user_model().objects.filter(pk__in=actor_ids)
    }
    roles = {
        membership.user_id: membership.get_role_display()
        for membership in Membership.objects.filter(
            organisation=organisation, user_id__in=actor_ids
        )
    }
    purposes: dict[str, str] = {}
    for code, description in Purpose.objects.filter(
        activity__organisation=organisation
    ).values_list("code", "description"):
        purposes.setdefault(code, description)
    found: dict[str, list[Listen]] = defaultdict(list)
    for target_id, created_at, actor_id, label, purpose in events:
        found[target_id].append(
            Listen(
                recording_id=target_id,
                at=created_at.astimezone(zone),
                listener_label=label,
                listener_name=names.get(actor_id) or label,
                listener_role=str(roles.get(actor_id, "")),
                purpose_code=purpose,
                purpose_description=purposes.get(purpose, ""),
            )
        )
    return dict(found)
