"""The parties of a request beyond requester and approver: the case it opens in the case
register (CaseDraft), and the listener an employee names where the policy says an employee does
not listen alone; and, read back from the audit trail, who listened under a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access.constants import ReceivedVia, RequestKind
from access.errors import RequestError
from access.models import AccessRequest, PurposeRule
from audit.models import AuditEvent
from organisations.constants import Role
from organisations.models import Membership


@dataclass(frozen=True)
class CaseDraft:
    """A case opened in the complaints register together with a request (same transaction):
    its kind is the one the purpose's rule names; the reference is numbered when empty."""

    received_via: str
    received_on: date
    description: str
    customer_contact: str = ""
    reference: str = ""


def check_case_draft(rule: PurposeRule, draft: CaseDraft) -> None:
    if not rule.case_kind:
        raise RequestError(_("This purpose does not record its requests in a case."))
    if draft.received_via not in ReceivedVia.values:
        raise RequestError(_("Say how the case was received."))
    if not (draft.description or "").strip():
        raise RequestError(_("Describe the case for the complaints register."))
    if draft.received_on > timezone.localdate():
        raise RequestError(_("A case cannot be received in the future."))


def listener_candidates(membership: Membership, rule: PurposeRule) -> QuerySet[Membership]:
    """Who may hear the calls of this employee's request with them: active members whose role
    may ask under the rule, other than employees, never the employee themself."""
    listener_roles = [role for role in rule.requester_roles if role != Role.EMPLOYEE]
    return (
        Membership.objects.filter(
            organisation=membership.organisation_id,
            role__in=listener_roles,
            active=True,
            user__is_active=True,
        )
        .exclude(user=membership.user_id)
        .select_related("user")
        .order_by("user__username")
    )


def needs_listener(membership: Membership, rule: PurposeRule, kind: str) -> bool:
    return (
        rule.employee_request_listener
        and membership.role == Role.EMPLOYEE
        and kind == RequestKind.PLAYBACK
    )


def check_listener(membership: Membership, rule: PurposeRule, kind: str, listener) -> None:
    if not needs_listener(membership, rule, kind):
        if listener is not None:
            raise RequestError(_("Only an employee's request under this purpose names a listener."))
        return
    if listener is None:
        raise RequestError(
            _(
                "Under this purpose an employee does not listen alone: name who will hear the "
                "call together with you."
            )
        )
    if listener.pk == membership.user_id:
        raise RequestError(_("Name someone else as listener: you will be present as the employee."))
    if not listener_candidates(membership, rule).filter(user=listener.pk).exists():
        raise RequestError(_("That person may not listen under this purpose."))


def request_listens(request: AccessRequest) -> list[dict]:
    """Who listened under this request's grant, when, and whether the call's employee was
    present: read from the audit trail, so the employee who asked sees who heard their call."""
    recording_ids = [str(pk) for pk in request.recordings.values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(
        organisation=request.organisation_id,
        action="access.recording.listened",
        target_type="recordings.recording",
        target_id__in=recording_ids,
        detail__request=str(request.pk),
    ).order_by("created_at", "sequence")
    return [
        {
            "who": event.actor_label,
            "at": event.created_at,
            "employee_present": bool(event.detail.get("employee_present")),
        }
        for event in events
    ]
