"""The register as a document: one plain structure for the JSON export, the CSV export, the PDF,
the page of an earlier version and the comparison with the seed documents.

The field names are the model's own, so a document can be compared with `seed_data` directly
and a version snapshot can be read back without a mapping table.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from organisations.models import Organisation
from register.models import DataSubjectEntry, ProcessingActivity, Purpose, Recipient
from register.selectors import activities_for_organisation

ACTIVITY_FIELDS = (
    "reference",
    "name",
    "description",
    "published_organisation",
    "controller_name",
    "controller_visiting_address",
    "controller_postal_address",
    "automated_decision_making",
    "transfer_outside_eu",
    "related_processing",
    "recorded_customer_fields",
)
PURPOSE_FIELDS = ("code", "short_label", "description", "legal_basis", "legal_basis_note")
ENTRY_FIELDS = (
    "subject_category",
    "personal_data",
    "collection_purpose",
    "data_category",
    "retention_value",
    "retention_unit",
    "retention_text",
    "period_set_by_organisation",
    "source",
    "mandatory_supply",
    "mandatory_supply_text",
)
RECIPIENT_FIELDS = ("name", "kind", "role")
# The free-text fields of a data-subject entry, in the order the register prints them.
ENTRY_TEXT_FIELDS = (
    "subject_category",
    "personal_data",
    "collection_purpose",
    "retention_text",
    "source",
    "mandatory_supply_text",
)

# Section name in the document -> (model, fields), in the order the register prints them.
CHILD_SECTIONS: dict[str, tuple[type, tuple[str, ...]]] = {
    "purposes": (Purpose, PURPOSE_FIELDS),
    "data_subject_entries": (DataSubjectEntry, ENTRY_FIELDS),
    "recipients": (Recipient, RECIPIENT_FIELDS),
}


def _plain(value: Any) -> Any:
    # TextChoices members become their stored value, so JSON and comparisons see strings.
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.value if hasattr(value, "value") and isinstance(value, str) else value


def activity_document(activity: ProcessingActivity) -> dict[str, Any]:
    document = {field: _plain(getattr(activity, field)) for field in ACTIVITY_FIELDS}
    for section, (_model, fields) in CHILD_SECTIONS.items():
        rows = sorted(getattr(activity, section).all(), key=lambda row: row.position)
        document[section] = [
            {field: _plain(getattr(row, field)) for field in fields} for row in rows
        ]
    return document


def register_document(organisation: Organisation) -> dict[str, Any]:
    """The whole register of one organisation, as exported."""
    return {
        "organisation": organisation.name,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "activities": [
            activity_document(activity)
            for activity in activities_for_organisation(organisation=organisation)
        ],
    }


def document_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What differs between two versions of an activity, worded for the version list:
    'name', 'purposes: added misuse-check', 'data_subject_entries 2: retention_value'."""
    if before is None:
        return ["created"]
    changes = [field for field in ACTIVITY_FIELDS if before.get(field) != after.get(field)]
    for section, (_model, fields) in CHILD_SECTIONS.items():
        old_rows, new_rows = before.get(section, []), after.get(section, [])
        if section == "purposes":
            # Purposes are known by their code, which never changes.
            old = {row["code"]: row for row in old_rows}
            new = {row["code"]: row for row in new_rows}
            changes += [f"{section}: added {code}" for code in new if code not in old]
            changes += [f"{section}: removed {code}" for code in old if code not in new]
            for code in new.keys() & old.keys():
                changed = [f for f in fields if old[code].get(f) != new[code].get(f)]
                if changed:
                    changes.append(f"{section} {code}: {', '.join(changed)}")
            continue
        for number, (old_row, new_row) in enumerate(zip(old_rows, new_rows, strict=False), 1):
            changed = [f for f in fields if old_row.get(f) != new_row.get(f)]
            if changed:
                changes.append(f"{section} {number}: {', '.join(changed)}")
        if len(new_rows) > len(old_rows):
            changes.append(f"{section}: {len(new_rows) - len(old_rows)} added")
        elif len(old_rows) > len(new_rows):
            changes.append(f"{section}: {len(old_rows) - len(new_rows)} removed")
    return changes
