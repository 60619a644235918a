"""The case register: complaints, suspected misconduct and threats, and each case's timeline.

Which kinds of case a member sees follows the access policy (access.four_eyes.cases_visible_to).
The timeline is read from the audit trail, so it cannot say anything the trail does not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access.constants import CaseKind, CaseStatus
from access.four_eyes import RequestError, case_kinds_visible_to, cases_visible_to
from access.models import Case
from audit.models import AuditEvent
from organisations.models import Membership
from recordings.models import Recording

REFERENCE_PREFIX = {CaseKind.COMPLAINT: "K", CaseKind.MISCONDUCT: "G", CaseKind.THREAT: "B"}


def _next_reference(membership: Membership, kind: str, received_on: date) -> str:
    prefix = f"{REFERENCE_PREFIX[CaseKind(kind)]}-{received_on.year}-"
    taken = Case.objects.filter(
        organisation=membership.organisation_id, reference__startswith=prefix
    ).count()
    return f"{prefix}{taken + 1:04d}"


@transaction.atomic
def case_create(
    *,
    membership: Membership,
    kind: str,
    received_via: str,
    received_on: date,
    description: str,
    customer_contact: str = "",
    reference: str = "",
    recordings: list[Recording] = (),
    ip_address: str | None = None,
) -> Case:
    if kind not in case_kinds_visible_to(membership):
        raise RequestError(_("The policy does not let your role open this kind of case."))
    for recording in recordings:
        if recording.organisation_id != membership.organisation_id:
            raise RequestError(_("One of the recordings does not exist."))
    try:
        with transaction.atomic():
            case = Case.objects.create(
                organisation=membership.organisation,
                kind=kind,
                reference=reference.strip() or _next_reference(membership, kind, received_on),
                received_via=received_via,
                received_on=received_on,
                customer_contact=customer_contact.strip(),
                description=description.strip(),
                created_by=membership.user,
            )
    except IntegrityError:
        raise RequestError(_("A case with this reference already exists.")) from None
    case.recordings.add(*recordings)
    audit.record(
        actor=membership.user,
        action="access.case.opened",
        organisation=membership.organisation,
        target=case,
        detail={"kind": kind, "case": str(case.pk), "recordings": len(recordings)},
        ip_address=ip_address,
    )
    return case


def case_get(*, membership: Membership, case_id: Any) -> Case:
    case = cases_visible_to(membership).filter(pk=case_id).first()
    if case is None:
        raise RequestError(_("No such case."))
    return case


@transaction.atomic
def case_set_status(
    *, membership: Membership, case_id: Any, status: str, ip_address: str | None = None
) -> Case:
    case = case_get(membership=membership, case_id=case_id)
    if status not in CaseStatus.values or status == case.status:
        raise RequestError(_("The case already has that status."))
    case.status = status
    case.closed_at = timezone.now() if status == CaseStatus.CLOSED else None
    case.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=membership.user,
        action="access.case.closed" if status == CaseStatus.CLOSED else "access.case.reopened",
        organisation=membership.organisation,
        target=case,
        detail={"case": str(case.pk)},
        ip_address=ip_address,
    )
    return case


def case_timeline(case: Case) -> QuerySet[AuditEvent]:
    """Every event about the case, its requests, their decisions and grants, each retrieval and
    playback under them and each disclosure, oldest first."""
    request_ids = [str(pk) for pk in case.requests.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(organisation=case.organisation_id)
        .filter(
            Q(target_type="access.case", target_id=str(case.pk))
            | Q(target_type="access.accessrequest", target_id__in=request_ids)
            | Q(detail__case=str(case.pk))
            | Q(detail__request__in=request_ids)
        )
        .order_by("created_at", "sequence")
    )
