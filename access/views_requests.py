"""Pages of four eyes: ask, see what waits for you, decide, withdraw, revoke."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.constants import CaseStatus, DecisionOutcome, RequestKind, RequestStatus
from access.disclosures import disclosure_cancel
from access.forms_four_eyes import NEW_CASE_FIELDS, AccessRequestForm, DecisionForm
from access.four_eyes import (
    RequestError,
    cases_choosable_by,
    decision_refusal,
    eligible_approvers,
    grant_revoke,
    request_create,
    request_decide,
    request_withdraw,
    requester_history,
    requests_openable_by,
)
from access.models import AccessRequest
from access.policy import recordings_visible_to, requestable_rules
from access.request_lists import active_grants_for, decisions_by, may_oversee_requests
from access.request_parties import listener_candidates, needs_listener, request_listens
from access.selection import Selection, selection_initial, selection_read, selection_refusal
from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view
from register.models import Recipient


def _request_for(request: HttpRequest, request_id: uuid.UUID) -> AccessRequest:
    """The requester and the approvers of its purpose may open a request; nobody else."""
    access_request = (
        AccessRequest.objects.select_related(
            "purpose", "case", "requester", "listener", "recipient"
        )
        .filter(pk=request_id, organisation=request.organisation)
        .first()
    )
    if access_request is None or not requests_openable_by(request.membership, [access_request]):
        raise Http404
    return access_request


# Rows per page of "decided by you" and "active grants".
LIST_PAGE = 25


@organisation_view(roles.VIEW_REQUESTS)
def request_list(request: HttpRequest) -> HttpResponse:
    base = AccessRequest.objects.filter(organisation=request.organisation).select_related(
        "purpose", "requester", "grant"
    )
    waiting = []
    if request.user.has_perm(f"organisations.{roles.APPROVE_REQUESTS}", request.organisation):
        pending = base.filter(status=RequestStatus.PENDING, expires_at__gt=timezone.now()).exclude(
            requester=request.user
        )
        waiting = [
            item
            for item in pending.prefetch_related("decisions")
            if not decision_refusal(request.membership, item)
            and not any(d.approver_id == request.user.pk for d in item.decisions.all())
        ]
    return render(
        request,
        "access/request_list.html",
        {
            "waiting": waiting,
            # Asked by the person, or naming them as the listener of an employee's request.
            "mine": base.filter(Q(requester=request.user) | Q(listener=request.user))[:100],
            "may_ask": bool(requestable_rules(request.membership)),
            **_oversight(request),
        },
    )


def _oversight(request: HttpRequest) -> dict:
    """For approvers and the privacy officer: what they decided and the running grants, each
    paged on its own (?decided=<n>, ?grants=<n>)."""
    if not may_oversee_requests(request.membership):
        return {"oversees": False}
    return {
        "oversees": True,
        "decided": Paginator(decisions_by(request.membership), LIST_PAGE).get_page(
            request.GET.get("decided")
        ),
        "grants": Paginator(active_grants_for(request.membership), LIST_PAGE).get_page(
            request.GET.get("grants")
        ),
    }


def _prefill(request: HttpRequest, rules, selection: Selection, cases) -> dict:
    """?recording=<id>…&purpose=<code>&case=<id>: the chosen calls (all ticked), the purpose
    where this member may ask for it, an open case they may choose; any other purpose or case
    is left out."""
    initial = {"recording": selection_initial(selection)}
    code = request.GET.get("purpose", "")
    rule = next((rule for rule in rules if rule.purpose.code == code), None)
    if rule is not None:
        initial["purpose"] = str(rule.purpose_id)
    case = request.GET.get("case", "")
    if any(str(item.pk) == case for item in cases):
        initial["case"] = case
    return initial


def _listeners(membership, rules, kind: str) -> list:
    """Whom an employee may name to listen with them, over the rules that ask for one."""
    found = {}
    for rule in rules:
        if needs_listener(membership, rule, kind):
            for candidate in listener_candidates(membership, rule):
                found.setdefault(candidate.user_id, candidate)
    return list(found.values())


@organisation_view(roles.VIEW_REQUESTS)
def request_new(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or request.POST.get("kind") or RequestKind.PLAYBACK
    if kind not in RequestKind.values:
        raise Http404
    rules = requestable_rules(request.membership)
    cases = list(cases_choosable_by(request.membership).filter(status=CaseStatus.OPEN))
    selection = selection_read(request, recordings_visible_to(membership=request.membership))
    selection_refusal(request, selection)
    form = AccessRequestForm(
        request.POST or None,
        initial=_prefill(request, rules, selection, cases),
        rules=rules,
        cases=cases,
        kind=kind,
        offered=selection.recordings,
        listeners=_listeners(request.membership, rules, kind),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = None
        if kind == RequestKind.DISCLOSURE:
            recipient = Recipient.objects.filter(
                pk=data["recipient"], activity__organisation=request.organisation
            ).first()
        try:
            created = request_create(
                membership=request.membership,
                purpose=data["rule"].purpose,
                motivation=data["motivation"],
                recordings=data["recording"],
                case=data["case_obj"],
                new_case=data["new_case"],
                listener=data["listener_user"],
                kind=kind,
                recipient=recipient,
                recipient_email=data.get("recipient_email", ""),
                ip_address=client_ip(request),
            )
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request was sent to the approvers."))
            return redirect(
                "requests:detail", org_slug=request.organisation.slug, request_id=created.pk
            )
    return render(
        request,
        "access/request_new.html",
        {
            "form": form,
            "kind": kind,
            "has_rules": bool(form.fields["purpose"].choices),
            "new_case_fields": [form[name] for name in NEW_CASE_FIELDS if name in form.fields],
        },
    )


@organisation_view(roles.VIEW_REQUESTS)
def request_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    access_request = _request_for(request, request_id)
    refusal = decision_refusal(request.membership, access_request)
    already = access_request.decisions.filter(approver=request.user).exists()
    approvers = eligible_approvers(access_request).exclude(pk=request.user.pk)
    return render(
        request,
        "access/request_detail.html",
        {
            "item": access_request,
            "listens": request_listens(access_request),
            "is_listener": access_request.listener_id == request.user.pk,
            "recordings": access_request.recordings.select_related("employee"),
            "decisions": access_request.decisions.select_related("approver"),
            "history": requester_history(access_request)[:20] if not refusal else [],
            "may_decide": not refusal
            and not already
            and access_request.status == RequestStatus.PENDING,
            "may_revoke": access_request.status == RequestStatus.APPROVED
            and (
                not refusal
                or request.user.pk in (access_request.requester_id, access_request.listener_id)
            ),
            "is_requester": access_request.requester_id == request.user.pk,
            "grant": getattr(access_request, "grant", None),
            "disclosure": getattr(access_request, "disclosure", None),
            "decision_form": DecisionForm(approvers=approvers),
            "approvers": approvers,
        },
    )


def _back(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    if request.POST.get("next") == "list":  # revoked from the list of active grants
        url = reverse("requests:list", kwargs={"org_slug": request.organisation.slug})
        return redirect(f"{url}#grants")
    return redirect("requests:detail", org_slug=request.organisation.slug, request_id=request_id)


@organisation_view(roles.VIEW_REQUESTS)
@require_POST
def request_decide_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    access_request = _request_for(request, request_id)
    form = DecisionForm(request.POST, approvers=eligible_approvers(access_request))
    if not form.is_valid():
        messages.error(request, _("The decision could not be read; try again."))
        return _back(request, request_id)
    try:
        decided = request_decide(
            membership=request.membership,
            request_id=request_id,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
            escalate_to=form.cleaned_data["escalate_to"],
            ip_address=client_ip(request),
        )
    except RequestError as error:
        messages.error(request, str(error))
    else:
        if form.cleaned_data["outcome"] == DecisionOutcome.ESCALATE:
            messages.success(request, _("The request was passed on."))
        else:
            messages.success(
                request,
                _("Your decision was recorded. The request is now: %(status)s.")
                % {"status": decided.get_status_display()},
            )
    return _back(request, request_id)


def _act(request: HttpRequest, request_id: uuid.UUID, action, done: str) -> HttpResponse:
    """Run one step on a request the person may open; its refusal becomes a message."""
    try:
        action()
    except RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return _back(request, request_id)


@organisation_view(roles.VIEW_REQUESTS)
@require_POST
def request_withdraw_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    _request_for(request, request_id)
    return _act(
        request,
        request_id,
        lambda: request_withdraw(
            membership=request.membership, request_id=request_id, ip_address=client_ip(request)
        ),
        _("The request was withdrawn."),
    )


@organisation_view(roles.VIEW_REQUESTS)
@require_POST
def grant_revoke_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    _request_for(request, request_id)
    return _act(
        request,
        request_id,
        lambda: grant_revoke(
            membership=request.membership,
            request_id=request_id,
            comment=request.POST.get("comment", ""),
            ip_address=client_ip(request),
        ),
        _("The grant was revoked; it stops working at once."),
    )


@organisation_view(roles.VIEW_REQUESTS)
@require_POST
def disclosure_cancel_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    disclosure = getattr(_request_for(request, request_id), "disclosure", None)
    if disclosure is None:
        raise Http404
    return _act(
        request,
        request_id,
        lambda: disclosure_cancel(
            membership=request.membership,
            disclosure_id=disclosure.pk,
            ip_address=client_ip(request),
        ),
        _("The link was cancelled and the copy deleted."),
    )
