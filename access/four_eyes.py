"""Four eyes: motivated requests, decisions by another person, time-bounded grants.

Every function here checks its own rules (views only translate errors into messages), takes a
row lock on the request before it changes its state, and writes the audit trail with the
purpose. A second click, a concurrent approval or a stale page therefore finds the request
already decided and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import notify
from access.constants import (
    CaseKind,
    CaseStatus,
    DecisionOutcome,
    RequestKind,
    RequestStatus,
)
from access.errors import RequestError
from access.models import AccessRequest, Case, Grant, PurposeRule, RequestDecision
from access.policy import organisation_rules, recordings_visible_to
from access.request_parties import (  # noqa: F401  (CaseDraft and the listeners: one way in)
    CaseDraft,
    check_case_draft,
    check_listener,
    listener_candidates,
    needs_listener,
    request_listens,
)
from access.rules import current_policy_version, rule_for
from organisations import roles
from organisations.constants import Role
from organisations.models import Membership, Organisation
from recordings.constants import RecordingStatus
from recordings.models import Recording
from register.models import Purpose, Recipient

User = get_user_model()

# A motivation the approver can judge: several real words, not "." or "zie ticket".
MIN_MOTIVATION_WORDS = 5
MIN_MOTIVATION_CHARS = 25
_WORD = re.compile(r"[^\W\d_]{2,}")


def motivation_problem(text: str) -> str | None:
    text = (text or "").strip()
    words = _WORD.findall(text)
    if len(text) < MIN_MOTIVATION_CHARS or len(words) < MIN_MOTIVATION_WORDS:
        return _(
            "Explain why you need this in at least %(words)d words: the approver must be able "
            "to judge it."
        ) % {"words": MIN_MOTIVATION_WORDS}
    if len({word.lower() for word in words}) < 3:
        return _("The motivation repeats itself; explain the reason.")
    return None


def _rule(purpose: Purpose, organisation: Organisation) -> PurposeRule:
    rule = rule_for(purpose)
    if purpose.activity.organisation_id != organisation.pk or rule is None:
        raise RequestError(_("The policy does not allow requests for this purpose."))
    return rule


def _check_recordings(membership: Membership, recordings: list[Recording]) -> None:
    """Only calls the person may find in their list: a request is no way to learn that a call
    exists, nor to reach a call outside the person's scope."""
    if not recordings:
        raise RequestError(_("Name at least one recording."))
    now = timezone.now()
    visible = set(
        recordings_visible_to(membership=membership)
        .filter(pk__in=[r.pk for r in recordings])
        .values_list("pk", flat=True)
    )
    for recording in recordings:
        if recording.pk not in visible:
            raise RequestError(_("One of the recordings does not exist or has been erased."))
        if recording.status != RecordingStatus.HELD and recording.purge_deadline <= now:
            raise RequestError(
                _("Call %(call)s is past its retention deadline.") % {"call": recording.call_id}
            )


def case_kinds_visible_to(membership: Membership) -> set[str]:
    """Cases are visible to the roles a rule of their kind names, and to the privacy officer."""
    kinds = set()
    for rule in organisation_rules(membership):
        if rule.case_kind and (
            membership.role in rule.requester_roles
            or membership.role in rule.approver_roles
            or membership.role == Role.PRIVACY_OFFICER
        ):
            kinds.add(rule.case_kind)
    return kinds


def cases_visible_to(membership: Membership) -> QuerySet[Case]:
    return Case.objects.filter(
        organisation=membership.organisation_id, kind__in=case_kinds_visible_to(membership)
    )


def cases_choosable_by(membership: Membership) -> QuerySet[Case]:
    """The cases a request of this member may link: those of the kinds the policy shows them;
    a member who may not open the case register (an employee) only the cases they opened, so
    asking never lists other people's complaints."""
    cases = cases_visible_to(membership)
    if not membership.user.has_perm(f"organisations.{roles.VIEW_CASES}", membership.organisation):
        cases = cases.filter(created_by=membership.user_id)
    return cases


def _check_case(membership: Membership, rule: PurposeRule, case: Case | None) -> None:
    if case is None:
        if rule.case_required:
            raise RequestError(
                _(
                    "This purpose needs a case in the register (%(kind)s): link an open one or "
                    "open a new one with this request."
                )
                % {"kind": CaseKind(rule.case_kind).label}
            )
        return
    if not cases_choosable_by(membership).filter(pk=case.pk).exists():
        raise RequestError(_("No such case."))
    if rule.case_kind and case.kind != rule.case_kind:
        raise RequestError(
            _("This purpose needs a case of the kind %(kind)s.")
            % {"kind": CaseKind(rule.case_kind).label}
        )
    if case.status != CaseStatus.OPEN:
        raise RequestError(_("The case is closed."))


@transaction.atomic
def request_create(
    *,
    membership: Membership,
    purpose: Purpose,
    motivation: str,
    recordings: list[Recording],
    case: Case | None = None,
    kind: str = RequestKind.PLAYBACK,
    recipient: Recipient | None = None,
    recipient_email: str = "",
    new_case: CaseDraft | None = None,
    listener: Any = None,
    ip_address: str | None = None,
) -> AccessRequest:
    """Ask. `case` links an open case; `new_case` opens one in the same transaction instead
    (a refused request opens no case); `listener` is who hears the calls of an employee's
    request where the rule says an employee does not listen alone."""
    organisation = membership.organisation
    rule = _rule(purpose, organisation)
    if membership.role not in rule.requester_roles:
        raise RequestError(_("The policy does not let your role ask for this purpose."))
    problem = motivation_problem(motivation)
    if problem:
        raise RequestError(problem)
    _check_recordings(membership, recordings)
    if new_case is not None:
        if case is not None:
            raise RequestError(_("Link an existing case or open a new one, not both."))
        check_case_draft(rule, new_case)
    else:
        _check_case(membership, rule, case)
    check_listener(membership, rule, kind, listener)
    if kind == RequestKind.DISCLOSURE:
        if recipient is None or not rule.disclosure_recipients.filter(pk=recipient.pk).exists():
            raise RequestError(_("The policy does not name this recipient for this purpose."))
        if not recipient_email:
            raise RequestError(_("Give the recipient's e-mail address for the download link."))
    else:
        recipient, recipient_email = None, ""
    if new_case is not None:
        from access.cases import case_create  # access.cases imports this module

        case = case_create(
            membership=membership,
            kind=rule.case_kind,
            received_via=new_case.received_via,
            received_on=new_case.received_on,
            description=new_case.description,
            customer_contact=new_case.customer_contact,
            reference=new_case.reference,
            recordings=recordings,
            ip_address=ip_address,
        )
    request = AccessRequest.objects.create(
        organisation=organisation,
        kind=kind,
        requester=membership.user,
        listener=listener,
        purpose=purpose,
        motivation=motivation.strip(),
        case=case,
        recipient=recipient,
        recipient_email=recipient_email,
        approvals_required=rule.approvals_required,
        policy_version=current_policy_version(organisation),
        expires_at=timezone.now() + timedelta(hours=rule.request_expiry_hours),
    )
    request.recordings.set(recordings)
    if case is not None:
        case.recordings.add(*recordings)
    audit.record(
        actor=membership.user,
        action="access.request.created",
        organisation=organisation,
        target=request,
        purpose=purpose.code,
        detail={
            "kind": kind,
            "recordings": [str(r.pk) for r in recordings],
            "case": str(case.pk) if case else "",
            "case_opened": new_case is not None,
            "listener": listener.pk if listener is not None else None,
        },
        ip_address=ip_address,
    )
    transaction.on_commit(lambda: notify.request_created(request, eligible_approvers(request)))
    return request


def _approver_roles(purpose: Purpose) -> list[str]:
    """The roles the purpose's rule names as approver that also hold the approve right."""
    rule = rule_for(purpose)
    return [
        role
        for role in (rule.approver_roles if rule else [])
        if roles.APPROVE_REQUESTS in roles.ROLE_PERMISSIONS.get(role, ())
    ]


def eligible_approvers(request: AccessRequest) -> QuerySet:
    """Members of the request's organisation whose role the rule names as approver and who hold
    the approve right, never the requester nor the listener: with a listener, three people."""
    approver_roles = _approver_roles(request.purpose)
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=request.organisation_id,
            memberships__role__in=approver_roles,
            memberships__active=True,
        )
        .exclude(pk__in=[request.requester_id, request.hearer_id])
        .distinct()
    )


def decision_refusal(membership: Membership, request: AccessRequest) -> str | None:
    """Why this member may not decide on this request, or None when they may."""
    if request.organisation_id != membership.organisation_id:
        return _("No such request.")
    if request.requester_id == membership.user_id:
        return _("You cannot decide on your own request.")
    if request.listener_id == membership.user_id:
        return _("You are the listener of this request: another person decides on it.")
    if not membership.user.has_perm(
        f"organisations.{roles.APPROVE_REQUESTS}", membership.organisation
    ):
        return _("Your role may not approve requests.")
    if membership.role not in _approver_roles(request.purpose):
        return _("The policy does not name your role as approver for this purpose.")
    return None


def requests_openable_by(membership: Membership, requests: Iterable[AccessRequest]) -> set[Any]:
    """The ids of those requests this member may open: their requester and listener, and
    whoever may decide on them (decision_refusal's rule), asking the rights once."""
    may_approve = None
    approver_roles: dict[Any, list[str]] = {}
    openable = set()
    for request in requests:
        if request.organisation_id != membership.organisation_id:
            continue
        if membership.user_id in (request.requester_id, request.listener_id):
            openable.add(request.pk)
            continue
        if may_approve is None:
            may_approve = membership.user.has_perm(
                f"organisations.{roles.APPROVE_REQUESTS}", membership.organisation
            )
        if not may_approve:
            continue
        if request.purpose_id not in approver_roles:
            approver_roles[request.purpose_id] = _approver_roles(request.purpose)
        if membership.role in approver_roles[request.purpose_id]:
            openable.add(request.pk)
    return openable


def _expire_if_due(request: AccessRequest) -> None:
    if request.status == RequestStatus.PENDING and request.expires_at <= timezone.now():
        request.status = RequestStatus.EXPIRED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        audit.record(
            actor=None,
            action="access.request.expired",
            organisation=request.organisation,
            target=request,
            purpose=request.purpose.code,
        )


def _expire_one(request_id: Any, organisation_id: int | None = None) -> bool:
    """Mark one request expired if it waited past its time, under a row lock, in a transaction
    of its own (callers run outside any transaction): a refusal that follows must not roll the
    expiry back. True when this call expired it."""
    requests = AccessRequest.objects.select_for_update().select_related("purpose", "organisation")
    if organisation_id is not None:
        requests = requests.filter(organisation=organisation_id)
    with transaction.atomic():
        request = requests.filter(pk=request_id).first()
        if request is None or request.status != RequestStatus.PENDING:
            return False
        _expire_if_due(request)
        return request.status == RequestStatus.EXPIRED


def _expire_due(membership: Membership, request_id: Any) -> None:
    _expire_one(request_id, membership.organisation_id)


def _locked(membership: Membership, request_id: Any) -> AccessRequest:
    """The request, row-locked until the caller's transaction ends."""
    request = (
        AccessRequest.objects.select_for_update()
        .select_related("purpose", "organisation")
        .filter(pk=request_id, organisation=membership.organisation_id)
        .first()
    )
    if request is None:
        raise RequestError(_("No such request."))
    return request


def _grant_create(request: AccessRequest) -> Grant:
    rule = rule_for(request.purpose)
    now = timezone.now()
    return Grant.objects.create(
        request=request,
        user_id=request.hearer_id,
        starts_at=now,
        expires_at=now + timedelta(hours=rule.grant_hours if rule else 24),
        max_plays=rule.max_plays if rule else None,
    )


def request_decide(
    *,
    membership: Membership,
    request_id: Any,
    outcome: str,
    comment: str = "",
    escalate_to: Any = None,
    ip_address: str | None = None,
) -> AccessRequest:
    """Approve, deny or escalate. Returns the request; raises RequestError when refused."""
    _expire_due(membership, request_id)
    with transaction.atomic():
        request = _locked(membership, request_id)
        if request.status != RequestStatus.PENDING:
            raise RequestError(
                _("This request is no longer waiting for a decision (%(status)s).")
                % {"status": request.get_status_display()}
            )
        refusal = decision_refusal(membership, request)
        if refusal:
            raise RequestError(refusal)
        comment = (comment or "").strip()
        if outcome == DecisionOutcome.DENY and not comment:
            raise RequestError(_("Say why you deny the request: the requester reads it."))
        if outcome == DecisionOutcome.ESCALATE:
            if escalate_to is None or escalate_to.pk == membership.user_id:
                raise RequestError(_("Choose another approver to escalate to."))
            if not eligible_approvers(request).filter(pk=escalate_to.pk).exists():
                raise RequestError(_("That person may not approve this request."))
            request.escalated_to = escalate_to
            request.save(update_fields=["escalated_to"])
        elif outcome not in (DecisionOutcome.APPROVE, DecisionOutcome.DENY):
            raise RequestError(_("Unknown decision."))
        if request.decisions.filter(
            approver=membership.user, outcome=DecisionOutcome.APPROVE
        ).exists():
            # The database refuses it too (one_approval_per_person); this says it kindly.
            raise RequestError(_("You have already approved this request."))
        try:
            with transaction.atomic():
                RequestDecision.objects.create(
                    request=request, approver=membership.user, outcome=outcome, comment=comment
                )
        except IntegrityError:
            raise RequestError(_("You have already approved this request.")) from None
        approvals = request.decisions.filter(outcome=DecisionOutcome.APPROVE).count()
        if outcome == DecisionOutcome.DENY:
            request.status = RequestStatus.DENIED
        elif outcome == DecisionOutcome.APPROVE and approvals >= request.approvals_required:
            request.status = RequestStatus.APPROVED
        if request.status != RequestStatus.PENDING:
            request.closed_at = timezone.now()
            request.save(update_fields=["status", "closed_at"])
        action = {
            DecisionOutcome.APPROVE: "access.request.approved",
            DecisionOutcome.DENY: "access.request.denied",
            DecisionOutcome.ESCALATE: "access.request.escalated",
        }[outcome]
        audit.record(
            actor=membership.user,
            action=action,
            organisation=request.organisation,
            target=request,
            purpose=request.purpose.code,
            detail={
                "approvals": approvals,
                "approvals_required": request.approvals_required,
                "escalated_to": escalate_to.pk if escalate_to else None,
            },
            ip_address=ip_address,
        )
        if request.status == RequestStatus.APPROVED:
            if request.kind == RequestKind.PLAYBACK:
                grant = _grant_create(request)
                audit.record(
                    actor=membership.user,
                    action="access.grant.created",
                    organisation=request.organisation,
                    target=grant,
                    purpose=request.purpose.code,
                    detail={"request": str(request.pk), "expires_at": grant.expires_at.isoformat()},
                    ip_address=ip_address,
                )
            else:
                from access.disclosures import disclosure_produce

                disclosure_produce(request=request, actor=membership.user, ip_address=ip_address)
    if outcome == DecisionOutcome.ESCALATE:
        transaction.on_commit(lambda: notify.request_escalated(request, escalate_to))
    elif request.status != RequestStatus.PENDING:
        transaction.on_commit(lambda: notify.request_decided(request))
    return request


def request_withdraw(
    *, membership: Membership, request_id: Any, ip_address: str | None = None
) -> AccessRequest:
    _expire_due(membership, request_id)
    with transaction.atomic():
        return _withdraw(membership, request_id, ip_address)


def _withdraw(membership: Membership, request_id: Any, ip_address: str | None) -> AccessRequest:
    request = _locked(membership, request_id)
    if request.requester_id != membership.user_id:
        raise RequestError(_("Only the requester can withdraw a request."))
    if request.status != RequestStatus.PENDING:
        raise RequestError(_("Only a pending request can be withdrawn."))
    request.status = RequestStatus.WITHDRAWN
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=membership.user,
        action="access.request.withdrawn",
        organisation=request.organisation,
        target=request,
        purpose=request.purpose.code,
        ip_address=ip_address,
    )
    return request


@transaction.atomic
def grant_revoke(
    *, membership: Membership, request_id: Any, comment: str, ip_address: str | None = None
) -> AccessRequest:
    """Stop an approved request's grant at once: the gate checks the grant on every byte range.
    The requester or the listener may give up the grant; otherwise it takes an approver of the
    purpose."""
    request = _locked(membership, request_id)
    if request.status == RequestStatus.REVOKED:  # a second click, or someone else was first
        raise RequestError(_("This access was already revoked; nothing changed."))
    if request.status != RequestStatus.APPROVED or request.kind != RequestKind.PLAYBACK:
        raise RequestError(_("Only an approved playback request has a grant to revoke."))
    if membership.user_id not in (request.requester_id, request.listener_id):
        refusal = decision_refusal(membership, request)
        if refusal:
            raise RequestError(refusal)
    grant = Grant.objects.select_for_update().get(request=request)
    now = timezone.now()
    grant.revoked_at, grant.revoked_by = now, membership.user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    request.status = RequestStatus.REVOKED
    request.save(update_fields=["status"])
    audit.record(
        actor=membership.user,
        action="access.grant.revoked",
        organisation=request.organisation,
        target=grant,
        purpose=request.purpose.code,
        detail={"request": str(request.pk), "comment": (comment or "")[:500]},
        ip_address=ip_address,
    )
    return request


def requests_expire() -> int:
    """Mark pending requests past their time as expired (hourly from beat). Returns the count."""
    due = AccessRequest.objects.filter(
        status=RequestStatus.PENDING, expires_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(_expire_one(pk) for pk in list(due))


def requester_history(request: AccessRequest) -> QuerySet[AccessRequest]:
    """The requester's other requests in this organisation, for the approver to weigh."""
    return (
        AccessRequest.objects.filter(
            organisation=request.organisation_id, requester=request.requester_id
        )
        .exclude(pk=request.pk)
        .select_related("purpose")
        .order_by("-created_at")
    )
