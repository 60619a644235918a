"""The CSV cell every export writes: formulas neutralised, numbers and plain text untouched."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from organisations.spreadsheet import csv_cell, csv_writer


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+31 20 123 4567", "'+31 20 123 4567"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-12.50", "-12.50"),
        (-3, "-3"),
        (Decimal("-0.25"), "-0.25"),
        ("Coaching = luisteren", "Coaching = luisteren"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_starts_with_a_quote(value, cell):
    assert csv_cell(value) == cell


def test_the_writer_neutralises_every_cell_of_every_row():
    buffer = io.StringIO()
    csv_writer(buffer).writerows([["=A1", "ok"], ["1", "@x"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'=A1", "ok"], ["1", "'@x"]]


def test_every_csv_export_goes_through_the_shared_writer():
    """A new export that writes CSV with the standard library's writer would skip the
    neutralising: only organisations/spreadsheet.py may use it."""
    root = Path(__file__).resolve().parents[2]
    skipped = {".venv", "node_modules", "tests", "build", "var"}
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skipped & set(path.relative_to(root).parts)
        and path.relative_to(root) != Path("organisations/spreadsheet.py")
        and re.search(r"csv\.(writer|DictWriter)\(", path.read_text(errors="replace"))
    ]
    assert offenders == []
