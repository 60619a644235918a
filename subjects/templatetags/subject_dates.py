"""{{ value|as_date }}: a day an answer's outcome keeps as an ISO string, as a date for the
date filter, so it shows in the page language's format."""

from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def as_date(value: str | date | None) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
