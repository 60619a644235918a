"""Writes to the register. Each creation is in the audit trail of the organisation."""

from __future__ import annotations

from typing import Any

from django.db import transaction

import audit
from organisations.models import Organisation
from register.models import DataSubjectEntry, ProcessingActivity, Purpose, Recipient


def activity_create(
    *,
    organisation: Organisation,
    actor: Any | None,
    reference: str,
    name: str,
    purposes: list[dict[str, Any]],
    data_subject_entries: list[dict[str, Any]],
    recipients: list[dict[str, Any]],
    **fields: Any,
) -> ProcessingActivity:
    """Create one processing activity with its purposes, data-subject entries and recipients."""
    with transaction.atomic():
        activity = ProcessingActivity(
            organisation=organisation, reference=reference, name=name, **fields
        )
        activity.full_clean()
        activity.save()
        children = [
            (Purpose, purposes),
            (DataSubjectEntry, data_subject_entries),
            (Recipient, recipients),
        ]
        for model, rows in children:
            for position, row in enumerate(rows):
                child = model(activity=activity, position=position, **row)
                child.full_clean()
                child.save()
        audit.record(
            actor=actor,
            action="register.activity.created",
            organisation=organisation,
            target=activity,
            detail={"reference": reference},
        )
    return activity
