"""The gate's decisions. Every question "may this person hear this call, for this purpose?"
is answered here, from the access policy (standing rights) and approved grants, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access.constants import RequestKind, RequestStatus, Scope
from access.models import Grant, PurposeRule, StandingRight
from access.request_memo import memoized
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
    grant: Grant | None = None  # set when an approved request, not a standing right, allows
    # Allowed with the call's employee present (confirmed by the listener, or the listener is
    # that employee): the listen event says so.
    with_employee: bool = False
    # Refused only because the policy plays this call with its employee present and the
    # listener has not confirmed that yet: the player asks for it.
    awaits_employee: bool = False


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


# Where the policy lets a role ask for access, the calls it may find to ask about.
REQUEST_SCOPE = {Role.EMPLOYEE: Scope.OWN_CALLS, Role.COACH: Scope.COACHED_TEAMS}


def active_grants(
    *, user_id: int, organisation_id: int, ignore_play_limit: bool = False
) -> QuerySet[Grant]:
    """Grants that work now: approved, not revoked, not expired, plays left (a playback already
    counted may finish its last play: ignore_play_limit)."""
    now = timezone.now()
    grants = Grant.objects.filter(
        user=user_id,
        request__organisation=organisation_id,
        request__kind=RequestKind.PLAYBACK,
        request__status=RequestStatus.APPROVED,
        revoked_at__isnull=True,
        starts_at__lte=now,
        expires_at__gt=now,
    )
    if ignore_play_limit:
        return grants
    return grants.filter(Q(max_plays__isnull=True) | Q(plays__lt=F("max_plays")))


def requestable_rules(membership: Membership) -> list[PurposeRule]:
    """The rules under which this member's role may ask (a handful per organisation; JSON
    containment is not portable to SQLite, so the roles are read in Python)."""
    rules = organisation_rules(membership)
    return [rule for rule in rules if membership.role in rule.requester_roles]


def organisation_rules(membership: Membership) -> list[PurposeRule]:
    """The purpose rules of the member's organisation, with their purposes (read once per
    page that opted in to access.request_memo)."""
    return list(
        memoized(
            membership,
            ("organisation_rules",),
            lambda: list(
                PurposeRule.objects.filter(organisation=membership.organisation_id).select_related(
                    "purpose"
                )
            ),
        )
    )


def may_ask(membership: Membership) -> bool:
    return bool(requestable_rules(membership))


def recordings_visible_to(*, membership: Membership) -> QuerySet[Recording]:
    """The calls whose metadata this member may see in lists (never INCOMING or PURGED)."""
    recordings = Recording.objects.filter(
        organisation=membership.organisation_id, status__in=PLAYABLE
    )
    if membership.role in METADATA_ROLES:
        return recordings
    scopes = {right.scope for right in _rights(membership)}
    if membership.role in REQUEST_SCOPE and may_ask(membership):
        scopes.add(REQUEST_SCOPE[membership.role])
    if Scope.ORGANISATION in scopes:
        return recordings
    granted = active_grants(
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        ignore_play_limit=True,
    ).values("request__recordings")
    condition = Q(pk__in=granted)
    for scope in scopes:
        condition |= _scope_filter(scope, membership)
    return recordings.filter(condition)


def standing_purposes(*, membership: Membership, recording: Recording) -> list[Purpose]:
    """The purposes for which this member may hear this call without asking."""
    return list(
        memoized(
            membership,
            ("standing_purposes", recording.pk),
            lambda: _standing_purposes(membership, recording),
        )
    )


def _standing_purposes(membership: Membership, recording: Recording) -> list[Purpose]:
    purposes = []
    for right in _rights(membership):
        covered = Recording.objects.filter(pk=recording.pk).filter(
            _scope_filter(right.scope, membership)
        )
        if right.scope == Scope.ORGANISATION or covered.exists():
            purposes.append(right.purpose)
    return purposes


def granted_purposes(
    *, membership: Membership, recording: Recording, continuing: bool = False
) -> list[tuple[Purpose, Grant]]:
    """The purposes for which an approved, still working grant lets this member hear the call."""
    return list(
        memoized(
            membership,
            ("granted_purposes", recording.pk, continuing),
            lambda: _granted_purposes(membership, recording, continuing),
        )
    )


def _granted_purposes(
    membership: Membership, recording: Recording, continuing: bool
) -> list[tuple[Purpose, Grant]]:
    grants = (
        active_grants(
            user_id=membership.user_id,
            organisation_id=membership.organisation_id,
            ignore_play_limit=continuing,
        )
        .filter(request__recordings=recording)
        .select_related("request__purpose")
        .order_by("expires_at")
    )
    return [(grant.request.purpose, grant) for grant in grants]


def grant_count_play(grant: Grant) -> bool:
    """Count one play against the grant, atomically: False when it stopped working meanwhile
    (revoked, expired, or its last play taken by a parallel request)."""
    now = timezone.now()
    return bool(
        Grant.objects.filter(pk=grant.pk, revoked_at__isnull=True, expires_at__gt=now)
        .filter(Q(max_plays__isnull=True) | Q(plays__lt=F("max_plays")))
        .update(plays=F("plays") + 1)
    )


def _presence(
    *,
    membership: Membership,
    recording: Recording,
    required: bool,
    employee_present: bool,
    grant: Grant | None = None,
) -> Decision:
    """Allow, unless the call is played only with its employee present and that is not
    confirmed (the listener who is the call's own employee is present by definition)."""
    if not required:
        return Decision(True, "", grant=grant)
    employee = recording.employee
    if employee is None:
        return Decision(
            False,
            _(
                "This call may only be played with its employee present, and the call has no "
                "known employee."
            ),
            403,
        )
    if employee.user_id == membership.user_id or employee_present:
        return Decision(True, "", grant=grant, with_employee=True)
    return Decision(
        False,
        _(
            "This call is played only with its employee present: first confirm on the call's "
            "page that the employee is with you."
        ),
        403,
        grant=grant,
        awaits_employee=True,
    )


def presence_required(purpose: Purpose, grant: Grant | None = None) -> bool:
    """Whether a listen for this purpose (under this grant) needs the call's employee present:
    the purpose's rule says so, or the grant answers an employee's request that another member
    hears with them."""
    return _rule_wants_employee(purpose) or (
        grant is not None and grant.request.listener_id is not None
    )


def _rule_wants_employee(purpose: Purpose) -> bool:
    rule = PurposeRule.objects.filter(purpose=purpose).only("employee_present").first()
    return rule is not None and rule.employee_present


def _presence_required_for(
    membership: Membership, purpose: Purpose, grant: Grant | None = None
) -> bool:
    """presence_required, the purpose's rule read once per page that opted in."""
    wants = memoized(
        membership, ("employee_present", purpose.pk), lambda: _rule_wants_employee(purpose)
    )
    return wants or (grant is not None and grant.request.listener_id is not None)


def listen_decision(
    *,
    membership: Membership,
    recording: Recording,
    purpose_code: str,
    continuing: bool = False,
    employee_present: bool = False,
) -> Decision:
    """May this member hear this call for this purpose now? `continuing` is true for a further
    byte range of a playback already counted against a grant's plays; `employee_present` is
    true when the listener has confirmed that the call's employee is with them."""
    if recording.organisation_id != membership.organisation_id:
        return Decision(False, _("No such recording."), 404)
    if recording.status not in PLAYABLE:
        return Decision(False, _("This recording has been erased."), 410)
    if recording.status != RecordingStatus.HELD and timezone.now() >= recording.purge_deadline:
        return Decision(
            False, _("This recording is past its retention deadline and may not be played."), 410
        )
    if not purpose_code:
        return Decision(False, _("Say for which purpose you listen."), 403)
    presence = {
        "membership": membership,
        "recording": recording,
        "employee_present": employee_present,
    }
    for purpose in standing_purposes(membership=membership, recording=recording):
        if purpose.code == purpose_code:
            return _presence(**presence, required=_presence_required_for(membership, purpose))
    grants = granted_purposes(membership=membership, recording=recording, continuing=continuing)
    for purpose, grant in grants:
        if purpose.code == purpose_code:
            required = _presence_required_for(membership, purpose, grant)
            return _presence(**presence, required=required, grant=grant)
    return Decision(False, _("You have no right to hear this call for that purpose."), 403)
