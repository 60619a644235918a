"""Form widgets every app shares."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """An `<input type="date">`. The browser shows the date in the user's own format, but its
    value is always ISO `YYYY-MM-DD`: a localised value (`02-12-2026` on a Dutch page) leaves the
    field empty and the form then says the date is required. A DateField reads ISO in every
    language."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
