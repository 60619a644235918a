"""Importing a register from Earshot's own JSON export (register.exports.as_json), so a register
can move between installations and be kept under version control.

A file holds the whole export ({"activities": [...]}, its evidence and names are ignored) or a
single activity document (a version's snapshot). Each activity is matched by its reference: a
new reference is created as version 1, a known one is replaced as its next version (purposes
matched by code, recipients by name, data-subject lines by position). The import is refused
whole, with every problem listed by activity, line and field, and nothing changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

import audit
from organisations.models import Organisation
from register.document import ACTIVITY_FIELDS, CHILD_SECTIONS, activity_document, document_changes
from register.import_reading import Problem, line_where, parse
from register.models import ProcessingActivity, Purpose
from register.services import (
    RegisterError,
    activity_create,
    activity_rule_problems,
    activity_update,
    references_to,
)


@dataclass
class PlannedActivity:
    document: dict[str, Any]
    existing: ProcessingActivity | None
    changes: list[str]

    @property
    def outcome(self) -> str:
        if self.existing is None:
            return "created"
        return "changed" if self.changes else "unchanged"


@dataclass
class ImportPlan:
    """What an import would do, or why it is refused."""

    digest: str
    activities: list[PlannedActivity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.activities)


class ImportRefused(Exception):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("; ".join(str(problem) for problem in plan.problems))
        self.plan = plan


def _matched(
    existing: ProcessingActivity, document: dict[str, Any], where: str, problems: list[Problem]
) -> dict[str, list[dict[str, Any]]]:
    """The document's lines with the ids of the rows they replace; a row the import drops that
    something still refers to is a problem."""
    purposes = {purpose.code: purpose for purpose in existing.purposes.all()}
    recipients = list(existing.recipients.order_by("position"))
    entries = list(existing.data_subject_entries.order_by("position"))
    rows: dict[str, list[dict[str, Any]]] = {}
    rows["purposes"] = [
        {**row, "id": purposes[row["code"]].pk} if row["code"] in purposes else dict(row)
        for row in document["purposes"]
    ]
    kept_codes = {row["code"] for row in document["purposes"]}
    dropped: list[tuple[str, Any]] = [
        ("purposes", purpose) for code, purpose in purposes.items() if code not in kept_codes
    ]
    unmatched = list(recipients)
    rows["recipients"] = []
    for row in document["recipients"]:
        match = next((r for r in unmatched if r.name == row["name"]), None)
        if match is not None:
            unmatched.remove(match)
            row = {**row, "id": match.pk}
        rows["recipients"].append(dict(row))
    dropped += [("recipients", recipient) for recipient in unmatched]
    rows["data_subject_entries"] = [
        {**row, "id": entries[index].pk} if index < len(entries) else dict(row)
        for index, row in enumerate(document["data_subject_entries"])
    ]
    for section, row in dropped:
        users = references_to(row)
        if users:
            label = row.code if section == "purposes" else row.name[:80]
            problems.append(
                Problem(
                    where,
                    section,
                    _(
                        "the import leaves out “%(line)s”, which is still used by %(users)s; "
                        "keep the line in the file, or end that use first"
                    )
                    % {"line": label, "users": ", ".join(users)},
                )
            )
    return rows


def import_plan(*, organisation: Organisation, content: bytes) -> ImportPlan:
    """Read a file and say what importing it into the organisation would do, or every reason
    it cannot. Changes nothing."""
    plan = ImportPlan(digest=hashlib.sha256(content).hexdigest())
    documents = parse(content, plan.problems)
    references = [document["reference"] for document in documents if "reference" in document]
    existing = {
        activity.reference: activity
        for activity in ProcessingActivity.objects.filter(
            organisation=organisation, reference__in=references
        )
    }
    clean_file = not plan.problems
    codes_in_file: dict[str, str] = {}
    for document in documents:
        where = document.pop("where")
        reference = document.get("reference", "")
        purposes = document.get("purposes", [])
        for rule in activity_rule_problems(
            organisation=organisation,
            purposes=purposes,
            data_subject_entries=document.get("data_subject_entries", []),
            replacing=references,
        ):
            if rule.line is not None or rule.section not in document:
                # Codes per line below, with the line's own number; a section that is no
                # list has its problem already.
                continue
            plan.problems.append(Problem(where, rule.field, rule.message))
        for number, row in enumerate(purposes, 1):
            if "code" not in row:
                continue
            other = codes_in_file.setdefault(row["code"], reference)
            if other != reference:
                message = _("the code is also used by activity %(reference)s in this file") % {
                    "reference": other
                }
            elif any(earlier.get("code") == row["code"] for earlier in purposes[: number - 1]):
                message = _("the code “%(code)s” is used by an earlier purpose") % row
            elif (
                Purpose.objects.filter(activity__organisation=organisation, code=row["code"])
                .exclude(activity__reference__in=references)
                .exists()
            ):
                message = (
                    _(
                        "the code “%(code)s” is already used by another activity of this "
                        "organisation"
                    )
                    % row
                )
            else:
                continue
            plan.problems.append(
                Problem(line_where(where, "purposes", number, row), "code", message)
            )
        activity = existing.get(reference)
        changes = ["created"]
        if activity is not None and clean_file:
            _matched(activity, document, where, plan.problems)
            changes = document_changes(activity_document(activity), document)
        plan.activities.append(PlannedActivity(document, activity, changes))
    if plan.problems:
        plan.activities = []
    return plan


def register_import(
    *,
    organisation: Organisation,
    actor: Any | None,
    content: bytes,
    source: str,
    ip_address: str | None = None,
) -> ImportPlan:
    """Import a file into the organisation's register, all of it or nothing. Raises
    ImportRefused (after recording the refusal in the audit trail) with every problem."""
    plan = import_plan(organisation=organisation, content=content)
    refusal = {"organisation": organisation, "actor": actor, "plan": plan, "source": source}
    if not plan.ok:
        import_refusal_record(**refusal, ip_address=ip_address)
        raise ImportRefused(plan)
    try:
        with transaction.atomic():
            outcomes = [
                _apply(organisation, actor, planned, ip_address) for planned in plan.activities
            ]
            audit.record(
                actor=actor,
                action="register.imported",
                organisation=organisation,
                detail={"source": source, "sha256": plan.digest, "activities": outcomes},
                ip_address=ip_address,
            )
    except RegisterError as error:
        # Changed since the plan was made (or a rule the plan does not know): refused whole.
        plan.problems.append(Problem(_("the register"), "", str(error)))
        plan.activities = []
        import_refusal_record(**refusal, ip_address=ip_address)
        raise ImportRefused(plan) from error
    return plan


def _apply(
    organisation: Organisation, actor: Any, planned: PlannedActivity, ip_address: str | None
) -> dict[str, Any]:
    document = planned.document
    children = {section: document[section] for section in CHILD_SECTIONS}
    fields = {name: document[name] for name in ACTIVITY_FIELDS}
    if planned.existing is None:
        activity = activity_create(
            organisation=organisation, actor=actor, ip_address=ip_address, **fields, **children
        )
        return {"reference": activity.reference, "outcome": "created", "version": 1}
    problems: list[Problem] = []
    rows = _matched(planned.existing, document, "", problems)
    if problems:
        raise RegisterError(str(problems[0]))
    version = activity_update(
        activity=planned.existing, actor=actor, fields=fields, ip_address=ip_address, **rows
    )
    number = version.number if version else planned.existing.versions.count()
    return {
        "reference": planned.existing.reference,
        "outcome": "changed" if version else "unchanged",
        "version": number,
    }


def import_refusal_record(
    *,
    organisation: Organisation,
    actor: Any,
    plan: ImportPlan,
    source: str,
    ip_address: str | None,
) -> None:
    audit.record(
        actor=actor,
        action="register.import.refused",
        organisation=organisation,
        detail={
            "source": source,
            "sha256": plan.digest,
            "problems": len(plan.problems),
            "fields": sorted({problem.field for problem in plan.problems if problem.field})[:20],
        },
        ip_address=ip_address,
    )
