"""CSV for spreadsheets: every export the product offers (the register, coaching reports, the
audit trail) is written through `csv_writer`, which neutralises values a spreadsheet would run
as a formula. It lives in the lowest app so that every app may use it.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote in
front (OWASP, "CSV Injection"): Excel and LibreOffice then show it as text. Numbers stay
numbers. (defusedcsv does the same but leaves a leading tab or carriage return alone.)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value: Any) -> str:
    """The value as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return text
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class _SafeWriter:
    def __init__(self, buffer: Any) -> None:
        self._writer = csv.writer(buffer)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(buffer: Any) -> _SafeWriter:
    """A csv.writer (Excel dialect) whose cells are neutralised with `csv_cell`."""
    return _SafeWriter(buffer)
