"""Archival records: QM evaluations and calibration sessions, destroyed after their period.

Dutch archival practice: the engine proposes a destruction list of what has reached the period
the register declares (data categories "evaluation" and "calibration"); a second person
approves it; the destruction leaves a statement (verklaring van vernietiging) with metadata only,
downloadable as PDF. An evaluation counts from its release, a calibration session from its
closing; a category the register does not declare is never destroyed.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access.four_eyes import RequestError
from coaching.constants import EvaluationStatus, SessionStatus
from coaching.models import CalibrationSession, Evaluation
from coaching.rollups import rollup_refresh
from organisations import roles
from organisations.models import Membership, Organisation
from register.constants import DataCategory, RetentionUnit
from register.models import DataSubjectEntry
from register.selectors import retention_entry_for_category
from retention.constants import DestructionStatus
from retention.models import DestructionList


def due_records(organisation: Organisation, *, now=None) -> tuple[list[dict], dict]:
    """What has reached its period: (items, grounds per kind)."""
    now = now or timezone.now()
    items: list[dict] = []
    grounds: dict[str, dict] = {}
    entry = retention_entry_for_category(
        organisation=organisation, category=DataCategory.EVALUATION
    )
    if entry is not None:
        grounds["evaluation"] = _ground(entry)
        for evaluation in (
            Evaluation.objects.filter(
                organisation=organisation,
                calibration__isnull=True,
                released_at__lte=now - entry.retention,
            )
            .exclude(status=EvaluationStatus.DRAFT)
            .select_related("form_version__form")
            .order_by("released_at")
        ):
            items.append(
                {
                    "kind": "evaluation",
                    "id": str(evaluation.pk),
                    "date": evaluation.released_at.date().isoformat(),
                    "form": str(evaluation.form_version),
                }
            )
    entry = retention_entry_for_category(
        organisation=organisation, category=DataCategory.CALIBRATION
    )
    if entry is not None:
        grounds["calibration"] = _ground(entry)
        for session in (
            CalibrationSession.objects.filter(
                organisation=organisation,
                status=SessionStatus.CLOSED,
                closed_at__lte=now - entry.retention,
            )
            .select_related("form_version__form")
            .order_by("closed_at")
        ):
            items.append(
                {
                    "kind": "calibration",
                    "id": str(session.pk),
                    "date": session.closed_at.date().isoformat(),
                    "form": str(session.form_version),
                }
            )
    return items, grounds


def _ground(entry: DataSubjectEntry) -> dict:
    # Value and unit, not a worded period: the statement is read in either language.
    return {
        "value": entry.retention_value,
        "unit": entry.retention_unit,
        "days": entry.retention_days,
        "register": f"{entry.activity.reference}: {entry.retention_text or entry.personal_data}"[
            :500
        ],
    }


def period_label(ground: dict) -> str:
    return f"{ground['value']} {RetentionUnit(ground['unit']).label}"


def _may_decide(membership: Membership) -> None:
    if not membership.user.has_perm(
        f"organisations.{roles.CHANGE_RETENTION}", membership.organisation
    ):
        raise RequestError(_("Your role may not propose or approve the destruction of records."))


@transaction.atomic
def destruction_propose(*, membership: Membership) -> DestructionList:
    _may_decide(membership)
    organisation = membership.organisation
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if DestructionList.objects.filter(
        organisation=organisation, status=DestructionStatus.PROPOSED
    ).exists():
        raise RequestError(_("A destruction list is already waiting for approval."))
    items, grounds = due_records(organisation)
    if not items:
        raise RequestError(_("No archival record has reached its period."))
    number = (
        DestructionList.objects.filter(organisation=organisation).aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    proposal = DestructionList.objects.create(
        organisation=organisation,
        number=number,
        items=items,
        grounds=grounds,
        proposed_by=membership.user,
    )
    audit.record(
        actor=membership.user,
        action="retention.destruction.proposed",
        organisation=organisation,
        target=proposal,
        detail={"number": number, "records": len(items)},
    )
    return proposal


@transaction.atomic
def destruction_decide(*, membership: Membership, list_id: Any, approve: bool) -> DestructionList:
    """A second person approves (the records are destroyed now) or rejects the list."""
    _may_decide(membership)
    proposal = (
        DestructionList.objects.select_for_update()
        .filter(pk=list_id, organisation=membership.organisation_id)
        .first()
    )
    if proposal is None:
        raise RequestError(_("No such destruction list."))
    if proposal.status != DestructionStatus.PROPOSED:
        raise RequestError(_("This destruction list has already been decided."))
    if proposal.proposed_by_id == membership.user_id:
        raise RequestError(_("A second person must approve what you proposed."))
    proposal.decided_by = membership.user
    proposal.decided_at = timezone.now()
    if not approve:
        proposal.status = DestructionStatus.REJECTED
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
        _event(membership, "retention.destruction.rejected", proposal)
        return proposal
    evaluation_ids = [i["id"] for i in proposal.items if i["kind"] == "evaluation"]
    session_ids = [i["id"] for i in proposal.items if i["kind"] == "calibration"]
    evaluations = list(
        Evaluation.objects.select_for_update().filter(
            organisation=membership.organisation_id, pk__in=evaluation_ids
        )
    )
    for evaluation in evaluations:
        evaluation.delete()  # answers, comments, disputes and revisions go with it
        rollup_refresh(evaluation)  # the report sums no longer count it
    CalibrationSession.objects.filter(
        organisation=membership.organisation_id, pk__in=session_ids
    ).delete()  # the coaches' blind score sheets go with it
    proposal.status = DestructionStatus.DESTROYED
    proposal.destroyed_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "destroyed_at"])
    _event(membership, "retention.destruction.executed", proposal)
    return proposal


def _event(membership: Membership, action: str, proposal: DestructionList) -> None:
    audit.record(
        actor=membership.user,
        action=action,
        organisation=membership.organisation,
        target=proposal,
        detail={"number": proposal.number, "records": len(proposal.items)},
    )


def statement_pdf(proposal: DestructionList) -> bytes:
    """The destruction statement: what, when, on what grounds, by whose approval."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()

    def p(text, style="BodyText"):
        return Paragraph(escape(str(text)), styles[style])

    kinds = {"evaluation": _("QM evaluations"), "calibration": _("Calibration sessions")}

    def when(moment) -> str:
        return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else "—"

    approver = proposal.decided_by.get_username() if proposal.decided_by else "—"
    story = [
        p(_("Destruction statement"), "Title"),
        p(
            _("%(organisation)s, destruction list %(number)d")
            % {"organisation": proposal.organisation.name, "number": proposal.number}
        ),
        Spacer(1, 4 * mm),
        Table(
            [
                [_("Proposed by"), proposal.proposed_by.get_username()],
                [_("Proposed at"), when(proposal.proposed_at)],
                [_("Approved by"), approver],
                [_("Destroyed at"), when(proposal.destroyed_at)],
            ],
            colWidths=[45 * mm, 120 * mm],
        ),
        Spacer(1, 4 * mm),
        p(_("Grounds"), "Heading2"),
    ]
    for kind, ground in proposal.grounds.items():
        count = sum(1 for i in proposal.items if i["kind"] == kind)
        story.append(
            p(
                _("%(kind)s: %(count)d destroyed after %(period)s (%(register)s)")
                % {
                    "kind": kinds.get(kind, kind),
                    "count": count,
                    "period": period_label(ground),
                    "register": ground["register"],
                }
            )
        )
    story += [Spacer(1, 4 * mm), p(_("Records"), "Heading2")]
    rows = [[_("Kind"), _("Record"), _("Date"), _("Form")]]
    rows += [
        [kinds.get(i["kind"], i["kind"]), i["id"], i["date"], i["form"]] for i in proposal.items
    ]
    story.append(Table(rows, colWidths=[35 * mm, 70 * mm, 25 * mm, 40 * mm], repeatRows=1))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Destruction statement")).build(story)
    return buffer.getvalue()
