"""Reading the owner's Settings sheet back: his assumptions, exports folder and mapping tables.

The sheet is read as a plain grid of values (rows of cells), which both openpyxl (a saved
workbook, for scheduled headless runs: ``agency_xl.excel.settings_file``) and xlwings (the open
workbook: ``agency_xl.excel.live``) can give, so one parser serves both; it knows neither. Layout (written by ``agency_xl.dashboards.settings_sheet``):
- a cell labelled "Exports folder" with the folder in the cell two to its right;
- rows whose column A holds a setting key such as ``profitability.expense_ratio``, value in column C;
- a table headed "Report | Your column name | Canonical column" (column mapping);
- a table headed "Your product name | Canonical product" (product mapping);
- a table headed "Report | Your status | Canonical status" (status mapping: a status the AMS
  writes that the reader does not know, such as "Pending Cancel", mapped to one it does);
- a table headed "Producer | Annual pay" (each producer's pay, ``producers.pay``).
"""

from __future__ import annotations

import re

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from agency_xl.ams.data import Mappings
from agency_xl.ams.reports import PRODUCTS, REPORTS
from agency_xl.ams.sources.grid import column_letter
from agency_xl.assumptions import Assumptions, settings_rows, with_values

EXPORTS_LABEL = "Exports folder"
COLUMN_MAP_HEADER = ("Report", "Your column name", "Canonical column")
PRODUCT_MAP_HEADER = ("Your product name", "Canonical product")
STATUS_MAP_HEADER = ("Report", "Your status", "Canonical status")
PAY_TITLE = "Producer pay (annual $): what the Producers sheet checks commissions against"
PAY_HEADER = ("Producer", "Annual pay")
SETTINGS_SHEET = "Settings"
EXAMPLE_NOTE = "Example:"  # the note under each mapping table starts so


@dataclass
class OwnerSettings:
    assumptions: Assumptions = field(default_factory=Assumptions)
    mappings: Mappings = field(default_factory=Mappings)
    exports_folder: str | None = None
    problems: list[str] = field(default_factory=list)  # settings that could not be used, and why


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _find(rows: list[list[Any]], header: tuple[str, ...]) -> tuple[int, int] | None:
    want = [h.lower() for h in header]
    for r, row in enumerate(rows):
        cells = [_text(v).lower() for v in row]
        for c in range(len(cells) - len(want) + 1):
            if cells[c:c + len(want)] == want:
                return r, c
    return None


# What a setting's key looks like in column A ("cash_flow.monthly_expenses"): group.name.
SETTING_KEY = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


def parse_settings(rows: list[list[Any]], where: str = "Settings") -> OwnerSettings:
    """The owner's settings from the Settings sheet's grid. A bad value is reported (with its
    cell) and its default kept, so one typo never stops a refresh."""
    out = OwnerSettings()
    known = {key for key, *_ in settings_rows()}
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for r, row in enumerate(rows):
        row = list(row) + [None] * 3
        key = _text(row[0])
        if key in known:
            value = row[2]
            if value is None or _text(value) == "":
                continue
            if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false"):
                value = value.strip().lower() in ("yes", "true")
            values[key] = value
            cells[key] = f"{where}!C{r + 1}"
        elif SETTING_KEY.fullmatch(key) and row[2] is not None and _text(row[2]) != "":
            # A key this version does not know (renamed or removed since the workbook was built):
            # say so, or the owner's value would be dropped without a word.
            out.problems.append(f"{where}!A{r + 1}: setting {key} is not one this version of agency_xl knows "
                                f"(renamed or removed); its value {row[2]!r} is not used. Type it next to the "
                                f"setting's current name in column A, then delete this row")
        for c, v in enumerate(row):
            if _text(v) == EXPORTS_LABEL and c + 2 < len(row) and _text(row[c + 2]):
                out.exports_folder = _text(row[c + 2])
    # Apply one at a time so a single bad value only loses itself.
    a = Assumptions()
    for key, value in values.items():
        try:
            a = with_values({key: value}, a)
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"]
            out.problems.append(f"{cells[key]}: setting {key} = {value!r} not used ({msg}); default kept")
    out.assumptions = a

    for r, key, theirs, canonical in _report_table(rows, COLUMN_MAP_HEADER, "column", where, out):
        cols = [c.canonical for rep in ([REPORTS[key]] if key else REPORTS.values()) for c in rep.columns]
        match = next((c for c in cols if c.lower() == canonical.lower()), None)
        if not theirs or match is None:
            out.problems.append(
                f"{where}!row {r + 1}: column mapping {theirs!r} -> {canonical!r} not used "
                f"(the canonical column must be one of the report's columns)")
            continue
        out.mappings.columns[(key, theirs)] = match
    pos = _find(rows, PRODUCT_MAP_HEADER)
    if pos:
        r0, c0 = pos
        for r in range(r0 + 1, len(rows)):
            row = list(rows[r]) + [None] * (c0 + 2)
            theirs, canonical = (_text(v) for v in row[c0:c0 + 2])
            if (not theirs and not canonical) or theirs.startswith(EXAMPLE_NOTE):
                continue  # the example note under the table is not a mapping
            match = next((p for p in PRODUCTS if p.lower() == canonical.lower()), None)
            if not theirs or match is None:
                out.problems.append(
                    f"{where}!row {r + 1}: product mapping {theirs!r} -> {canonical!r} not used "
                    f"(use one of {', '.join(PRODUCTS)})")
                continue
            out.mappings.products[theirs] = match
    _status_mappings(rows, where, out)
    _producer_pay(rows, where, out)
    return out


def _producer_pay(rows: list[list[Any]], where: str, out: OwnerSettings) -> None:
    """The producer pay table: producer name -> annual pay ($). A row with a name and no usable
    amount (or an amount and no name) is reported with its cell and left out."""
    pos = _find(rows, PAY_HEADER)
    if not pos:
        return
    r0, c0 = pos
    pay: dict[str, float] = {}
    for r in range(r0 + 1, len(rows)):
        row = list(rows[r]) + [None] * (c0 + 2)
        name, amount = _text(row[c0]), row[c0 + 1]
        if name.startswith(EXAMPLE_NOTE) or (not name and _text(amount) == ""):
            continue
        value = _amount(amount)
        if not name or value is None:
            cell = f"{where}!{column_letter(c0 + (1 if name else 0))}{r + 1}"
            out.problems.append(f"{cell}: producer pay {name or '(no name)'!r} = {amount!r} not used (give the "
                                f"producer's name and his annual pay in dollars, 0 or more)")
            continue
        pay[name] = value
    if pay:
        out.assumptions = with_values({"producers.pay": pay}, out.assumptions)


def _amount(value: Any) -> float | None:
    """A dollar amount typed in a cell ($52,000 as text too); None when it is not one or below 0."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(_text(value).replace("$", "").replace(",", ""))
        except ValueError:
            return None
    return number if number == number and 0 <= number < float("inf") else None


def _report_key(report: str) -> str:
    """A report named on Settings, by its key or title ("" for any report)."""
    by_title = {rep.title.lower(): rep.key for rep in REPORTS.values()}
    return by_title.get(report.lower(), report.lower()) if report else ""


def _report_table(
    rows: list[list[Any]], header: tuple[str, ...], what: str, where: str, out: OwnerSettings
) -> Iterator[tuple[int, str, str, str]]:
    """The filled rows of a "Report | your name | canonical name" table under ``header``: (row
    index, report key or "" for any report, your name, canonical name). A row naming a report
    that does not exist is reported and passed by."""
    pos = _find(rows, header)
    if not pos:
        return
    r0, c0 = pos
    for r in range(r0 + 1, len(rows)):
        row = list(rows[r]) + [None] * (c0 + 3)
        report, theirs, canonical = (_text(v) for v in row[c0:c0 + 3])
        if (not theirs and not canonical) or report.startswith(EXAMPLE_NOTE):
            continue
        key = _report_key(report)
        if key and key not in REPORTS:
            out.problems.append(f"{where}!row {r + 1}: {what} mapping names unknown report {report!r}")
            continue
        yield r, key, theirs, canonical


def _status_mappings(rows: list[list[Any]], where: str, out: OwnerSettings) -> None:
    """The status mapping table: (report or any, the owner's status) -> canonical status. A row
    whose canonical status no report (or not the report named) has is reported, not used."""
    for r, key, theirs, canonical in _report_table(rows, STATUS_MAP_HEADER, "status", where, out):
        reports = [REPORTS[key]] if key else list(REPORTS.values())
        known = [s for rep in reports for s in rep.status_values]
        if not known:
            out.problems.append(
                f"{where}!row {r + 1}: status mapping {theirs!r} -> {canonical!r} not used (the "
                f"{REPORTS[key].title} report has no status the reader maps)")
            continue
        match = next((s for s in known if s.lower() == canonical.lower()), None)
        if not theirs or match is None:
            choices = ", ".join(dict.fromkeys(known))
            out.problems.append(
                f"{where}!row {r + 1}: status mapping {theirs!r} -> {canonical!r} not used "
                f"(the canonical status must be one of {choices})")
            continue
        out.mappings.statuses[(key, theirs)] = match
