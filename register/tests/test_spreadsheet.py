"""The CSV cell every export writes: formulas neutralised, numbers and plain text untouched."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from register.spreadsheet import csv_cell, csv_writer


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
