"""Reads of the register. Later capabilities take purposes and retention periods from here."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch, QuerySet

from organisations.models import Organisation
from register.models import DataSubjectEntry, ProcessingActivity, Purpose


def activities_for_organisation(*, organisation: Organisation) -> QuerySet[ProcessingActivity]:
    return ProcessingActivity.objects.filter(organisation=organisation).prefetch_related(
        Prefetch("purposes", queryset=Purpose.objects.order_by("position")),
        Prefetch("data_subject_entries", queryset=DataSubjectEntry.objects.order_by("position")),
        "recipients",
    )


def purposes_for_organisation(*, organisation: Organisation) -> QuerySet[Purpose]:
    return Purpose.objects.filter(activity__organisation=organisation).select_related("activity")


def retention_entry_for_category(
    *, organisation: Organisation, category: str
) -> DataSubjectEntry | None:
    """The register line that sets a data category's retention: the shortest of the lines that
    declare it, because the register says "at the latest". None when nothing declares it."""
    entries = DataSubjectEntry.objects.filter(
        activity__organisation=organisation, data_category=category
    ).select_related("activity")
    return min(entries, key=lambda entry: entry.retention_days, default=None)


def retention_for_category(*, organisation: Organisation, category: str) -> timedelta | None:
    entry = retention_entry_for_category(organisation=organisation, category=category)
    return entry.retention if entry else None
