"""The access lines of the register's evidence: listens, requests and disclosures per purpose
and recipient in the last 30 and 90 days, and any listen for a purpose the register does not
declare."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.constants import RequestStatus
from access.models import AccessRequest, Disclosure
from audit.models import AuditEvent
from organisations.models import Organisation
from register.evidence import Evidence
from register.models import Purpose

WINDOWS = (30, 90)


def access_evidence(organisation: Organisation) -> list[Evidence]:
    now = timezone.now()
    declared = set(
        Purpose.objects.filter(activity__organisation=organisation).values_list("code", flat=True)
    )
    audit_url = reverse("audit:trail", kwargs={"org_slug": organisation.slug})
    lines = []
    listens = {}
    for days in WINDOWS:
        rows = (
            AuditEvent.objects.filter(
                organisation=organisation,
                action="access.recording.listened",
                created_at__gte=now - timedelta(days=days),
            )
            .values("purpose")
            .annotate(n=Count("id"))
        )
        listens[days] = {row["purpose"]: row["n"] for row in rows}
    requests = {}
    for days in WINDOWS:
        rows = (
            AccessRequest.objects.filter(
                organisation=organisation, created_at__gte=now - timedelta(days=days)
            )
            .values("purpose__code", "status")
            .annotate(n=Count("id"))
        )
        requests[days] = rows
    for code in sorted(declared | set(listens[90])):
        approved = {
            days: sum(
                r["n"]
                for r in requests[days]
                if r["purpose__code"] == code and r["status"] == RequestStatus.APPROVED
            )
            for days in WINDOWS
        }
        denied = {
            days: sum(
                r["n"]
                for r in requests[days]
                if r["purpose__code"] == code and r["status"] == RequestStatus.DENIED
            )
            for days in WINDOWS
        }
        lines.append(
            Evidence(
                "purposes",
                code,
                _(
                    "listens %(l30)d / %(l90)d, requests approved %(a30)d / %(a90)d, "
                    "denied %(d30)d / %(d90)d (30 / 90 days)"
                )
                % {
                    "l30": listens[30].get(code, 0),
                    "l90": listens[90].get(code, 0),
                    "a30": approved[30],
                    "a90": approved[90],
                    "d30": denied[30],
                    "d90": denied[90],
                },
                ok=code in declared,
                url=audit_url,
            )
        )
    undeclared = sum(n for code, n in listens[90].items() if code not in declared)
    lines.append(
        Evidence(
            "purposes",
            _("Listens for a purpose the register does not declare (90 days)"),
            str(undeclared),
            ok=not undeclared,
            url=audit_url,
        )
    )
    for row in (
        Disclosure.objects.filter(organisation=organisation)
        .values("recipient__name")
        .annotate(n=Count("id"))
        .order_by("recipient__name")
    ):
        lines.append(Evidence("recipients", row["recipient__name"], _("%(n)d disclosure(s)") % row))
    return lines


def requests_waiting(membership) -> list:
    """Dashboard: pending requests this member may decide and has not yet approved."""
    from access.four_eyes import decision_refusal
    from organisations import roles
    from organisations.todo import Todo

    if not membership.user.has_perm(
        f"organisations.{roles.APPROVE_REQUESTS}", membership.organisation
    ):
        return []
    pending = (
        AccessRequest.objects.filter(
            organisation=membership.organisation_id,
            status=RequestStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .exclude(requester=membership.user_id)
        .exclude(decisions__approver=membership.user_id)
        .select_related("purpose")
    )
    count = sum(1 for item in pending if not decision_refusal(membership, item))
    url = reverse("requests:list", kwargs={"org_slug": membership.organisation.slug})
    return [Todo(_("Requests waiting for your decision"), count, url)]
