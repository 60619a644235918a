"""CSV for spreadsheets: kept in organisations/spreadsheet.py (the lowest app), so the audit
trail's export, below the register, writes through the same writer."""

from organisations.spreadsheet import FORMULA_STARTS, csv_cell, csv_writer

__all__ = ["FORMULA_STARTS", "csv_cell", "csv_writer"]
