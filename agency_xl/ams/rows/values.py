"""Rows, part 1: each column typed by its kind, and what makes a value bad. Unreadable, an Excel
error, implausible (beyond its column's bound, a date before 1950) or a negative price; and the
message that says so."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.ams.parse import (
    Parsed,
    excel_errors,
    parse_date,
    parse_id,
    parse_money,
    parse_month,
    parse_percent,
    parse_status,
    parse_yesno,
)
from agency_xl.ams.reports import Column, Report
from agency_xl.ams.sources import Grid

TEXT_KINDS = ("id", "text", "product", "status")  # loaded as text by fastexcel
# A blank amount or count is "nothing" (AMS_EXPORTS.md: "— or blank for nothing"), not a missing
# value: an open claim with nothing paid yet still counts. It stays NaN in the table.
BLANK_MEANS_NOTHING = ("money", "int", "number", "percent")
NON_NEGATIVE = {
    ("policies", "annual_premium"),
    ("sales", "premium"),
    ("leads", "cost"),
    ("leads", "quoted_premium"),
    ("referrals", "incentive_paid"),
}
EARLIEST_PLAUSIBLE_DATE = pd.Timestamp("1950-01-01")
_NOUNS = {
    "money": "an amount",
    "int": "a number",
    "number": "a number",
    "percent": "a percentage",
    "date": "a date",
    "month": "a month",
    "yesno": "yes or no",
    "id": "an id",
    "text": "text",
    "product": "a product",
    "status": "a status",
}
NO_SAVED_RESULT = "formula without a saved result: open and save the file in Excel"


def parse_column(
    s: pd.Series, col: Column, report: Report, statuses: dict[str, str] | None = None
) -> Parsed:
    """One column of the file, typed per its kind in reports.py; ``statuses``: the owner's status
    names for this report (see ``statuses.owner_statuses``)."""
    kind = col.kind
    if kind in ("id", "text", "product"):
        return parse_id(s)
    if kind in ("money", "int", "number"):
        return parse_money(s)
    if kind == "percent":
        return parse_percent(s)
    if kind == "date":
        return parse_date(s)
    if kind == "month":
        return parse_month(s)
    if kind == "status":
        return parse_status(s, report.status_values, statuses)
    if kind == "yesno":
        return parse_yesno(s)
    raise ValueError(f"unknown column kind {kind!r} for {col.canonical}")


def bad_value_message(raw: str, col: Column, report: Report) -> str:
    if col.kind == "status":
        known = ", ".join(report.status_values)
        return f'"{raw}" is not a known {col.canonical} (known: {known})'
    return f'"{raw}" is not {_NOUNS.get(col.kind, "a value")}'


def _bound_words(col: Column) -> str:
    if col.kind == "percent":
        return f"{col.most * 100:,.0f}%"
    if col.kind == "money":
        return f"${col.most:,.0f}"
    return f"{col.most:,.0f}"


def _implausible(values: pd.Series, col: Column) -> np.ndarray:
    """Amounts beyond the column's bound, dates before 1950."""
    if col.kind in ("date", "month"):
        return (values < EARLIEST_PLAUSIBLE_DATE).fillna(False).to_numpy()
    if col.most is not None and col.kind in BLANK_MEANS_NOTHING:
        return (values.abs() > col.most).fillna(False).to_numpy()
    return np.zeros(len(values), dtype=bool)


def _short(raw: str) -> str:
    """A cell's text as a message shows it: a number of 300 digits in short form."""
    if len(raw) <= 24:
        return raw
    try:
        return f"{float(raw):.6g}"
    except ValueError:
        return raw[:24] + "..."


def _implausible_message(raw: str, col: Column) -> str:
    raw = _short(raw)
    if col.kind in ("date", "month"):
        return f'"{raw}" is before {EARLIEST_PLAUSIBLE_DATE.year}, not a plausible {col.canonical}'
    return f'"{raw}" is beyond a plausible {col.canonical} (at most {_bound_words(col)})'


def _error_cells(grid: Grid, frame_col: pd.Series, c: int) -> tuple[np.ndarray, dict[int, str]]:
    """Excel errors in one column: error cells the source found, and error values written as text.
    Returns the mask and, for the error cells, the text to show ("" for a formula without a
    value)."""
    mask = excel_errors(frame_col)
    shown: dict[int, str] = {}  # error cells of a workbook (their text is not in the frame)
    for (pos, col), text in grid.errors.items():
        # #N/A means "nothing" in every format (parse.BLANK_TOKENS)
        if col == c and pos < len(mask) and text.strip().upper() != "#N/A":
            mask[pos] = True
            shown[pos] = text
    return mask, shown
