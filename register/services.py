"""Writes to the register. Every creation and change is a numbered version of the activity and
an event in the audit trail of the organisation, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

import audit
from organisations.models import Organisation
from register.constants import DataCategory
from register.document import CHILD_SECTIONS, activity_document, document_changes
from register.models import (
    DataSubjectEntry,
    ProcessingActivity,
    Purpose,
    Recipient,
    RegisterVersion,
)


class RegisterError(Exception):
    """A change the register refuses; the message is for the person who made it."""


class RuleProblem(NamedTuple):
    """A rule over an activity's lines that a new or imported activity breaks."""

    section: str  # "purposes", "data_subject_entries" or "recipients"
    line: int | None  # 1-based line number in that section, or None for the section
    field: str
    message: str


def activity_rule_problems(
    *,
    organisation: Organisation,
    purposes: list[dict[str, Any]],
    data_subject_entries: list[dict[str, Any]],
    replacing: Iterable[str] = (),
) -> list[RuleProblem]:
    """Every rule over the lines of a new activity that they break: at least one purpose;
    purpose codes unique within the organisation (listens, requests and evaluations name a
    purpose by its code); a line that declares how long recordings are kept. `replacing`:
    references of activities whose purposes are being replaced, so their codes are free."""
    problems: list[RuleProblem] = []
    if not purposes:
        problems.append(
            RuleProblem(
                "purposes", None, "purposes", _("A processing activity needs at least one purpose.")
            )
        )
    taken = set(
        Purpose.objects.filter(activity__organisation=organisation)
        .exclude(activity__reference__in=list(replacing))
        .values_list("code", flat=True)
    )
    seen: set[str] = set()
    for number, row in enumerate(purposes, 1):
        code = row.get("code") or ""
        if code in seen:
            message = _("the code “%(code)s” is used by an earlier purpose")
        elif code in taken:
            message = _(
                "the code “%(code)s” is already used by another activity of this organisation"
            )
        else:
            seen.add(code)
            continue
        problems.append(RuleProblem("purposes", number, "code", message % {"code": code}))
    if not any(row.get("data_category") == DataCategory.RECORDING for row in data_subject_entries):
        problems.append(
            RuleProblem(
                "data_subject_entries",
                None,
                "data_category",
                _(
                    "No line declares how long recordings are kept: add a line with the data "
                    "category “Recording audio and call metadata” and its retention period."
                ),
            )
        )
    return problems


def activity_create(
    *,
    organisation: Organisation,
    actor: Any | None,
    reference: str,
    name: str,
    purposes: list[dict[str, Any]],
    data_subject_entries: list[dict[str, Any]],
    recipients: list[dict[str, Any]],
    ip_address: str | None = None,
    **fields: Any,
) -> ProcessingActivity:
    """Create one processing activity with its purposes, data-subject entries and recipients,
    as version 1. Raises RegisterError (and saves nothing) when a value is refused."""
    with transaction.atomic():
        if ProcessingActivity.objects.filter(
            organisation=organisation, reference=reference
        ).exists():
            raise RegisterError(
                _("The register already has an activity with the reference %(reference)s.")
                % {"reference": reference}
            )
        activity = ProcessingActivity(
            organisation=organisation, reference=reference, name=name, **fields
        )
        _clean(activity)
        activity.save()
        children = [
            (Purpose, purposes),
            (DataSubjectEntry, data_subject_entries),
            (Recipient, recipients),
        ]
        for model, rows in children:
            for position, row in enumerate(rows):
                child = model(activity=activity, position=position, **row)
                _clean(child)
                child.save()
        version = _version_record(activity=activity, actor=actor, before=None)
        audit.record(
            actor=actor,
            action="register.activity.created",
            organisation=organisation,
            target=activity,
            detail={"reference": reference, "version": version.number},
            ip_address=ip_address,
        )
    return activity


def _clean(row: Model) -> None:
    try:
        row.full_clean()
    except ValidationError as error:
        raise RegisterError(" ".join(error.messages)) from error


def references_to(row: Model) -> list[str]:
    """What elsewhere in Earshot still refers to this row (requests, access rules,
    disclosures...), by name. The register never imports those apps: it asks Django which
    models point here."""
    found = []
    for relation in row._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if relation.one_to_many or relation.one_to_one or relation.many_to_many:
            lookup = {relation.field.name: row}
        else:
            continue
        if relation.related_model._base_manager.filter(**lookup).exists():
            found.append(str(relation.related_model._meta.verbose_name))
    return sorted(set(found))


def _save_children(activity: ProcessingActivity, section: str, rows: list[dict[str, Any]]) -> None:
    """Make the activity's rows of one section exactly `rows`, in that order. A row with an
    "id" updates that row; a row without one is new; a row left out is removed, unless
    something still refers to it."""
    model, fields = CHILD_SECTIONS[section]
    existing = {row.pk: row for row in model.objects.filter(activity=activity)}
    kept = {row["id"] for row in rows if row.get("id")}
    unknown = kept - existing.keys()
    if unknown:
        # A forged or stale form: ids of another activity (or organisation) change nothing.
        raise RegisterError(_("The form refers to lines that are not in this activity."))
    for pk, row in existing.items():
        if pk in kept:
            continue
        users = references_to(row)
        if users:
            raise RegisterError(
                _("“%(line)s” cannot be removed: it is still used by %(users)s.")
                % {"line": str(row)[:80], "users": ", ".join(users)}
            )
        row.delete()
    for position, values in enumerate(rows):
        row = existing.get(values.get("id")) or model(activity=activity)
        if row.pk and section == "purposes" and values.get("code", row.code) != row.code:
            # Listens, requests and the audit trail name a purpose by its code.
            raise RegisterError(_("The code of an existing purpose cannot be changed."))
        for field in fields:
            if field in values:
                setattr(row, field, values[field])
        row.position = position
        try:
            row.full_clean(exclude=["activity"])
        except ValidationError as error:
            raise RegisterError(" ".join(error.messages)) from error
        row.save()


def activity_update(
    *,
    activity: ProcessingActivity,
    actor: Any,
    fields: dict[str, Any],
    purposes: list[dict[str, Any]],
    data_subject_entries: list[dict[str, Any]],
    recipients: list[dict[str, Any]],
    ip_address: str | None = None,
) -> RegisterVersion | None:
    """Save an edited activity as its next version. Returns None when nothing changed."""
    with transaction.atomic():
        # Lock the activity: two people saving at once get consecutive versions, and the
        # second one's "before" is the first one's result.
        activity = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
        before = _latest_snapshot(activity)
        if not purposes:
            raise RegisterError(_("A processing activity needs at least one purpose."))
        if not any(
            row.get("data_category") == DataCategory.RECORDING for row in data_subject_entries
        ):
            raise RegisterError(
                _("The register must keep a line that declares how long recordings are kept.")
            )
        for field, value in fields.items():
            if field in ("reference", "organisation", "id"):
                continue
            setattr(activity, field, value)
        try:
            activity.full_clean()
        except ValidationError as error:
            raise RegisterError(" ".join(error.messages)) from error
        activity.save()
        _save_children(activity, "purposes", purposes)
        _save_children(activity, "data_subject_entries", data_subject_entries)
        _save_children(activity, "recipients", recipients)
        activity = ProcessingActivity.objects.get(pk=activity.pk)
        if activity_document(activity) == before:
            transaction.set_rollback(True)
            return None
        version = _version_record(activity=activity, actor=actor, before=before)
        audit.record(
            actor=actor,
            action="register.activity.changed",
            organisation=activity.organisation,
            target=activity,
            detail={
                "reference": activity.reference,
                "version": version.number,
                "changes": version.summary[:200],
            },
            ip_address=ip_address,
        )
    return version


def _latest_snapshot(activity: ProcessingActivity) -> dict[str, Any]:
    latest = activity.versions.order_by("-number").first()
    # Activities from before versioning have no snapshot: their current state is the "before".
    return latest.snapshot if latest else activity_document(activity)


def _version_record(
    *, activity: ProcessingActivity, actor: Any, before: dict[str, Any] | None
) -> RegisterVersion:
    snapshot = activity_document(activity)
    number = (activity.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return RegisterVersion.objects.create(
        organisation=activity.organisation,
        activity=activity,
        number=number,
        created_by=actor,
        summary="; ".join(document_changes(before, snapshot))[:500],
        snapshot=snapshot,
    )
