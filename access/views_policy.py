"""The access policy page: read by the privacy officer, manager and auditor; edited by the
administrator, one purpose at a time, every save a new version."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.forms_four_eyes import PurposeRuleForm
from access.models import PolicyVersion, PurposeRule, StandingRight
from access.policy_words import policy_version_rows
from access.rules import purpose_policy_save
from organisations import roles
from organisations.client_ip import client_ip
from organisations.constants import Role
from organisations.decorators import organisation_view
from register.models import Purpose


def _purposes(request: HttpRequest):
    return Purpose.objects.filter(activity__organisation=request.organisation).select_related(
        "activity"
    )


@organisation_view(roles.VIEW_ACCESS_POLICY)
def policy_overview(request: HttpRequest) -> HttpResponse:
    rules = {
        rule.purpose_id: rule
        for rule in PurposeRule.objects.filter(organisation=request.organisation).prefetch_related(
            "disclosure_recipients"
        )
    }
    standing: dict[int, list[StandingRight]] = {}
    for right in StandingRight.objects.filter(organisation=request.organisation):
        standing.setdefault(right.purpose_id, []).append(right)
    role_labels = dict(Role.choices)
    rows = []
    for purpose in _purposes(request):
        rule = rules.get(purpose.pk)
        rows.append(
            {
                "purpose": purpose,
                "rule": rule,
                "standing": standing.get(purpose.pk, []),
                "requesters": [role_labels[r] for r in (rule.requester_roles if rule else [])],
                "approvers": [role_labels[r] for r in (rule.approver_roles if rule else [])],
            }
        )
    return render(
        request,
        "access/policy.html",
        {
            "rows": rows,
            "versions": PolicyVersion.objects.filter(organisation=request.organisation)[:20],
            "may_change": request.user.has_perm(
                f"organisations.{roles.CHANGE_ACCESS_POLICY}", request.organisation
            ),
        },
    )


@organisation_view(roles.CHANGE_ACCESS_POLICY)
def policy_edit(request: HttpRequest, purpose_id: int) -> HttpResponse:
    purpose = _purposes(request).filter(pk=purpose_id).first()
    if purpose is None:
        raise Http404
    rule = PurposeRule.objects.filter(purpose=purpose).first() or PurposeRule(
        organisation=request.organisation, purpose=purpose
    )
    standing = {
        right.role: right.scope
        for right in StandingRight.objects.filter(
            organisation=request.organisation, purpose=purpose
        )
    }
    approve_roles = [
        role for role, perms in roles.ROLE_PERMISSIONS.items() if roles.APPROVE_REQUESTS in perms
    ]
    form = PurposeRuleForm(
        request.POST or None,
        instance=rule,
        purpose=purpose,
        standing=standing,
        approve_roles=approve_roles,
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in form.Meta.fields
            if name != "disclosure_recipients"
        }
        version = purpose_policy_save(
            organisation=request.organisation,
            purpose=purpose,
            actor=request.user,
            rule_fields=fields,
            disclosure_recipients=list(form.cleaned_data["disclosure_recipients"]),
            standing=form.standing(),
            ip_address=client_ip(request),
        )
        messages.success(
            request, _("Saved as version %(number)d of the policy.") % {"number": version.number}
        )
        return redirect("policy:overview", org_slug=request.organisation.slug)
    return render(request, "access/policy_edit.html", {"form": form, "purpose": purpose})


@organisation_view(roles.VIEW_ACCESS_POLICY)
def policy_version(request: HttpRequest, number: int) -> HttpResponse:
    version = PolicyVersion.objects.filter(organisation=request.organisation, number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "access/policy_version.html",
        {"version": version, "rows": policy_version_rows(version.snapshot)},
    )
