"""A recorded access-policy version in words: the snapshot stores codes and field names
(access.rules.policy_snapshot); its page names each purpose, field and value as people read
them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from access.constants import CaseKind, Scope
from access.models import PurposeRule
from organisations.constants import Role


def _field_words(key: str) -> str:
    if key == "standing":
        return _("Standing rights")
    try:
        return capfirst(PurposeRule._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _value_words(key: str, value: Any) -> str:
    roles = dict(Role.choices)
    if key == "standing":
        scopes = dict(Scope.choices)
        return "; ".join(
            f"{roles.get(role, role)}: {scopes.get(scope, scope)}" for role, scope in value.items()
        )
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "case_kind":
        return str(dict(CaseKind.choices).get(value, value)) if value else ""
    if key.endswith("_roles"):
        return ", ".join(str(roles.get(role, role)) for role in value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def policy_version_rows(snapshot: dict[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(purpose code, [(field in words, value in words), ...]), ...] in the snapshot's order."""
    return [
        (code, [(_field_words(key), _value_words(key, value)) for key, value in entry.items()])
        for code, entry in snapshot.items()
    ]
