"""Reading an Earshot register export for import: the file, its JSON, and each activity and
line on its own, with every problem named by activity, line and field (register.importing
checks the rest against the organisation and imports)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organisations.constants import Role
from register.constants import CustomerField, DataCategory, LegalBasis, RecipientKind, RetentionUnit
from register.document import ACTIVITY_FIELDS, CHILD_SECTIONS
from register.models import ProcessingActivity

MAX_BYTES = 2 * 1024 * 1024
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")

# How each field of a document is read: (kind, required, choices).
TEXT, SLUG, CHOICE, COUNT, FLAG, CODES = "text", "slug", "choice", "count", "flag", "codes"
_SPEC: dict[str, dict[str, tuple[str, bool, Any]]] = {
    "activity": {
        "reference": (TEXT, True, None),
        "name": (TEXT, True, None),
        "description": (TEXT, False, None),
        "published_organisation": (TEXT, False, None),
        "controller_name": (TEXT, False, None),
        "controller_visiting_address": (TEXT, False, None),
        "controller_postal_address": (TEXT, False, None),
        "automated_decision_making": (TEXT, False, None),
        "transfer_outside_eu": (TEXT, False, None),
        "related_processing": (TEXT, False, None),
        "recorded_customer_fields": (CODES, False, CustomerField),
    },
    "purposes": {
        "code": (SLUG, True, None),
        # Optional: registers exported before purposes had a short name still import.
        "short_label": (TEXT, False, None),
        "description": (TEXT, True, None),
        "legal_basis": (CHOICE, True, LegalBasis),
        "legal_basis_note": (TEXT, False, None),
    },
    "data_subject_entries": {
        "subject_category": (TEXT, True, None),
        "personal_data": (TEXT, True, None),
        "collection_purpose": (TEXT, True, None),
        "data_category": (CHOICE, True, DataCategory),
        "retention_value": (COUNT, True, None),
        "retention_unit": (CHOICE, True, RetentionUnit),
        "retention_text": (TEXT, False, None),
        "period_set_by_organisation": (FLAG, False, None),
        "source": (TEXT, False, None),
        "mandatory_supply": (FLAG, False, None),
        "mandatory_supply_text": (TEXT, False, None),
    },
    "recipients": {
        "name": (TEXT, True, None),
        "kind": (CHOICE, True, RecipientKind),
        "role": (CHOICE, False, Role),
    },
}
_DEFAULTS = {TEXT: "", CODES: [], FLAG: False, CHOICE: ""}
assert set(_SPEC["activity"]) == set(ACTIVITY_FIELDS)
assert all(set(_SPEC[s]) == set(fields) for s, (_m, fields) in CHILD_SECTIONS.items())


@dataclass(frozen=True)
class Problem:
    """One reason the import is refused: where (activity and line), which field, and why."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where}, {self.field}: {self.message}"
        return f"{self.where}: {self.message}"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _read_value(kind: str, choices: Any, value: Any) -> tuple[Any, str]:
    """The value as stored, or an error message."""
    if kind in (TEXT, SLUG, CHOICE):
        if not isinstance(value, str):
            return None, _("must be text, not %(type)s") % {"type": _json_type(value)}
        value = value.strip() if kind != TEXT else value
        if kind == SLUG and not _SLUG.match(value):
            return None, _(
                "“%(value)s” is not a code: use letters, digits, hyphens and underscores only"
            ) % {"value": value}
        if kind == CHOICE and value and value not in choices.values:
            return None, _("“%(value)s” is not known; known values: %(known)s") % {
                "value": value,
                "known": ", ".join(choices.values),
            }
        return value, ""
    if kind == COUNT:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, _("must be a whole number, not %(type)s") % {"type": _json_type(value)}
        if value < 1:
            return None, _("must be 1 or more")
        return value, ""
    if kind == FLAG:
        if not isinstance(value, bool):
            return None, _("must be true or false, not %(type)s") % {"type": _json_type(value)}
        return value, ""
    # CODES
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None, _("must be a list of codes")
    unknown = [item for item in value if item not in choices.values]
    if unknown:
        return None, _("unknown codes: %(codes)s; known values: %(known)s") % {
            "codes": ", ".join(unknown),
            "known": ", ".join(choices.values),
        }
    return value, ""


def _ignored(key: str) -> bool:
    # The display words an export carries beside its codes are read, never imported.
    return key.endswith(("_label", "_labels", "_words"))


def _read_object(
    spec: dict[str, tuple[str, bool, Any]], raw: Any, where: str, problems: list[Problem]
) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.append(
            Problem(where, "", _("must be an object, not %(type)s") % {"type": _json_type(raw)})
        )
        return None
    values: dict[str, Any] = {}
    for key in raw:
        if key not in spec and key not in CHILD_SECTIONS and not _ignored(key):
            problems.append(Problem(where, key, _("unknown field")))
    for name, (kind, required, choices) in spec.items():
        if name not in raw or (required and raw[name] in ("", None)):
            if required:
                problems.append(Problem(where, name, _("missing; this field is required")))
            else:
                values[name] = _DEFAULTS[kind]
            continue
        value, error = _read_value(kind, choices, raw[name])
        if error:
            problems.append(Problem(where, name, error))
        else:
            values[name] = value
    return values


def _fields_of(document: dict[str, Any]) -> dict[str, Any]:
    return {name: document[name] for name in ACTIVITY_FIELDS if name in document}


def line_where(activity_where: str, section: str, number: int, row: Any) -> str:
    names = {
        "purposes": _("purpose %(number)d"),
        "data_subject_entries": _("data-subject line %(number)d"),
        "recipients": _("recipient %(number)d"),
    }
    where = f"{activity_where}, {names[section] % {'number': number}}"
    if section == "purposes" and isinstance(row, dict) and isinstance(row.get("code"), str):
        where += f" ({row['code']})"
    return where


def _model_problems(model: type, values: dict[str, Any], where: str) -> list[Problem]:
    """What the model itself refuses (lengths, validators) in values that are well typed."""
    try:
        model(**values).full_clean(exclude=["activity", "organisation"], validate_unique=False)
    except ValidationError as error:
        return [
            Problem(where, name, " ".join(messages))
            for name, messages in error.message_dict.items()
            if name in values
        ]
    return []


def _read_activity(raw: Any, number: int, problems: list[Problem]) -> dict[str, Any] | None:
    """The activity as far as it can be read (lines with a problem keep what reads well), or
    None when it is not an object at all; every problem found is added to `problems`."""
    reference = raw.get("reference") if isinstance(raw, dict) else None
    where = _("activity %(number)d") % {"number": number}
    if isinstance(reference, str) and reference:
        where += f" ({reference})"
    found: list[Problem] = []
    document = _read_object(_SPEC["activity"], raw, where, found)
    if document is None:
        problems += found
        return None
    document["where"] = where
    if not found:
        found += _model_problems(ProcessingActivity, _fields_of(document), where)
    for section, (model, _fields) in CHILD_SECTIONS.items():
        rows = raw.get(section, [])
        if not isinstance(rows, list):
            found.append(
                Problem(
                    where,
                    section,
                    _("must be a list, not %(type)s") % {"type": _json_type(rows)},
                )
            )
            continue
        document[section] = []
        for line, row in enumerate(rows, 1):
            here = line_where(where, section, line, row)
            line_problems: list[Problem] = []
            values = _read_object(_SPEC[section], row, here, line_problems)
            if values is not None and not line_problems:
                line_problems += _model_problems(model, values, here)
            found += line_problems
            # A line that is no object keeps its place, so later lines keep their numbers.
            document[section].append(values or {})
    problems += found
    return document


def _activities_of(data: Any, problems: list[Problem]) -> list[Any]:
    if isinstance(data, dict) and "activities" in data:
        if isinstance(data["activities"], list):
            if not data["activities"]:
                problems.append(Problem(_("the file"), "activities", _("the list is empty")))
            return data["activities"]
        problems.append(
            Problem(
                _("the file"),
                "activities",
                _("must be a list, not %(type)s") % {"type": _json_type(data["activities"])},
            )
        )
        return []
    if isinstance(data, dict) and "reference" in data:
        return [data]
    problems.append(
        Problem(
            _("the file"),
            "",
            _(
                "this is not an Earshot register export: it has neither “activities” nor a "
                "“reference”"
            ),
        )
    )
    return []


def parse(content: bytes, problems: list[Problem]) -> list[dict[str, Any]]:
    """The activity documents of a file as far as they can be read, each line checked on its
    own (without the organisation); every problem found is added to `problems`."""
    if len(content) > MAX_BYTES:
        problems.append(
            Problem(
                _("the file"),
                "",
                _("is larger than %(mb)d MB; a register export is far smaller")
                % {"mb": MAX_BYTES // (1024 * 1024)},
            )
        )
        return []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(
            Problem(
                _("the file"),
                "",
                _("is not UTF-8 text (byte %(position)d)") % {"position": error.start + 1},
            )
        )
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            Problem(
                _("line %(line)d, column %(column)d")
                % {"line": error.lineno, "column": error.colno},
                "",
                _("this is not valid JSON (%(reason)s)") % {"reason": error.msg},
            )
        )
        return []
    documents = []
    for number, raw in enumerate(_activities_of(data, problems), 1):
        document = _read_activity(raw, number, problems)
        if document is not None:
            documents.append(document)
    references = [document["reference"] for document in documents if "reference" in document]
    for reference in sorted({r for r in references if references.count(r) > 1}):
        problems.append(
            Problem(
                _("the file"),
                "reference",
                _("the reference %(reference)s appears more than once") % {"reference": reference},
            )
        )
    return documents
