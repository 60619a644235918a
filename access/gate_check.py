"""The gate's common case in one SQL statement: may this member hear this call for this purpose
now, through a standing right of their role or through the grant their playback is charged to?

The player asks for a piece of audio every few seconds, so this runs for every byte range. It
says yes or "ask the full decision" (access.policy.listen_decision), never no: a grant to charge
and every refusal with its reason stay there. It says yes only where listen_decision would:

- the call is in the member's organisation, playable (active or held) and, unless held, before
  its retention deadline;
- a standing right of the member's role for a purpose with this code covers the call (the whole
  organisation, the member's own calls, or a call of a team the member coaches), or, for a
  further range of a playback charged to a grant, that grant still works (approved, not
  revoked, started, not expired; its play limit was paid when the playback started);
- where the policy plays the call only with its employee present, the listener is that
  employee or confirmed the employee is with them. Where a purpose code is in more than one
  activity of the register, any of their rules asking for the employee asks here.

One statement instead of the ORM's query building: what the gate costs per range is what the
listener waits for at every seek (issue 18); the SQL is built once from the models' tables.
"""

from __future__ import annotations

import functools
import uuid

from django.db import connection
from django.utils import timezone

from access.constants import RequestKind, RequestStatus, Scope
from access.models import AccessRequest, Grant, PurposeRule, StandingRight
from access.policy import Decision
from organisations.models import Employee, Membership
from recordings.constants import RecordingStatus
from recordings.models import AudioKey, Recording
from register.models import Purpose


@functools.cache
def _sql() -> str:
    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    request_recordings = AccessRequest.recordings.through
    teams = Membership.teams.through
    return f"""
SELECT r.*, e.user_id AS employee_user_id,
  k.organisation_id AS key_organisation_id, k.destroyed_at IS NULL AS key_live,
  EXISTS (
    SELECT 1 FROM {table(StandingRight)} s JOIN {table(Purpose)} p ON p.id = s.purpose_id
    WHERE s.organisation_id = %(org)s AND s.role = %(role)s AND p.code = %(purpose)s
      AND (s.scope = %(scope_org)s
        OR (s.scope = %(scope_own)s AND e.user_id = %(user)s)
        OR (s.scope = %(scope_team)s AND e.team_id IN (
          SELECT t.team_id FROM {table(teams)} t WHERE t.membership_id = %(membership)s)))
  ) AS standing,
  EXISTS (
    SELECT 1 FROM {table(PurposeRule)} pr JOIN {table(Purpose)} p ON p.id = pr.purpose_id
    WHERE pr.organisation_id = %(org)s AND p.code = %(purpose)s AND pr.employee_present
  ) AS presence_rule,
  (SELECT CASE WHEN a.listener_id IS NULL THEN 1 ELSE 2 END
    FROM {table(Grant)} g
    JOIN {table(AccessRequest)} a ON a.id = g.request_id
    JOIN {table(Purpose)} p ON p.id = a.purpose_id
    JOIN {table(request_recordings)} ar ON ar.accessrequest_id = a.id AND ar.recording_id = r.id
    WHERE g.id = %(grant)s AND g.user_id = %(user)s AND a.organisation_id = %(org)s
      AND a.kind = %(playback)s AND a.status = %(approved)s AND p.code = %(purpose)s
      AND g.revoked_at IS NULL AND g.starts_at <= %(now)s AND g.expires_at > %(now)s
  ) AS grant_state
FROM {table(Recording)} r LEFT JOIN {table(Employee)} e ON e.id = r.employee_id
  LEFT JOIN {table(AudioKey)} k ON k.id = r.audio_key_id
WHERE r.id = %(recording)s AND r.organisation_id = %(org)s
  AND r.status IN (%(active)s, %(held)s)  -- access.policy.PLAYABLE
  AND (r.status = %(held)s OR r.purge_deadline > %(now)s)
"""  # noqa: S608 (table names from the models, every value a parameter)


def _attach_live_key(recording: Recording) -> None:
    """The sealed call's key row, read by the same statement, so decrypting the piece costs no
    second query. Only a live key: a destroyed one is left to load in full, for the date its
    refusal names."""
    if recording.audio_key_id is not None and recording.key_live:
        recording.audio_key = AudioKey.from_db(
            connection.alias,
            ["id", "organisation_id", "destroyed_at"],
            [recording.audio_key_id, recording.key_organisation_id, None],
        )


def quick_listen_decision(
    *,
    membership: Membership,
    recording_id: uuid.UUID,
    purpose_code: str,
    grant_id: str = "",
    employee_present: bool = False,
) -> tuple[Recording, Decision] | None:
    """(the recording, an allowing Decision) when a standing right, or the grant `grant_id`
    this playback is charged to, lets the member hear the call now; None when listen_decision
    must answer. The recording has no related objects loaded (its employee_id is there)."""
    if not purpose_code:
        return None
    grant = None
    if grant_id:
        try:
            grant = Grant._meta.pk.get_db_prep_value(uuid.UUID(grant_id), connection)
        except ValueError:
            return None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = {
        "org": membership.organisation_id,
        "role": membership.role,
        "user": membership.user_id,
        "membership": membership.pk,
        "purpose": purpose_code,
        "grant": grant,
        "recording": Recording._meta.pk.get_db_prep_value(recording_id, connection),
        "now": now,
        "active": RecordingStatus.ACTIVE.value,
        "held": RecordingStatus.HELD.value,
        "scope_org": Scope.ORGANISATION.value,
        "scope_own": Scope.OWN_CALLS.value,
        "scope_team": Scope.COACHED_TEAMS.value,
        "playback": RequestKind.PLAYBACK.value,
        "approved": RequestStatus.APPROVED.value,
    }
    found = list(Recording.objects.raw(_sql(), params))
    if not found:
        return None
    recording = found[0]
    _attach_live_key(recording)
    via_grant = not recording.standing and recording.grant_state is not None
    if not (recording.standing or via_grant):
        return None
    if recording.presence_rule or (via_grant and recording.grant_state == 2):
        if recording.employee_id is None:
            return None
        if not (recording.employee_user_id == membership.user_id or employee_present):
            return None
        return recording, Decision(True, "", with_employee=True)
    return recording, Decision(True, "")
