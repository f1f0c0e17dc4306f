"""Rows, part 3: one file's rows into its typed table (``build_rows``): every mapped column typed,
non-data lines dropped, bad rows and rows of an unknown status set aside and reported by cell."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agency_xl.ams.header import HeaderMatch
from agency_xl.ams.parse import to_text
from agency_xl.ams.products import map_products
from agency_xl.ams.reports import Column, Report
from agency_xl.ams.rows.non_data import _non_data_lines, _total_lines, _trailer_start
from agency_xl.ams.rows.values import (
    BLANK_MEANS_NOTHING,
    NO_SAVED_RESULT,
    NON_NEGATIVE,
    _NOUNS,
    _error_cells,
    _implausible,
    _implausible_message,
    bad_value_message,
    parse_column,
)
from agency_xl.ams.sources import Grid

ROWS_NAMED = 10  # row numbers listed per unknown status


@dataclass
class Problem:
    row: int  # sheet row
    col: int  # 0-based sheet column
    message: str  # without the address


@dataclass
class FileTable:
    """One file's usable rows, typed, plus what was wrong with the others."""

    table: pd.DataFrame  # report fields + "_row" (sheet row number)
    columns: dict[str, int]  # field -> 0-based sheet column, for cell addresses
    rows_read: int  # data rows found (blank, footer and title lines excluded)
    bad_rows: int  # rows left out for a bad required value
    problems: list[Problem] = field(default_factory=list)
    products_to_other: list[str] = field(default_factory=list)
    ignored_after_trailer: int = 0
    unknown_status_rows: int = 0  # rows left out for a status nobody mapped (not "bad" rows)


def build_rows(
    grid: Grid,
    match: HeaderMatch,
    products: dict[str, str],
    statuses: dict[str, str] | None = None,
) -> FileTable:
    """Type every mapped column of ``grid``, drop non-data lines, set aside bad rows."""
    report = match.report
    frame = grid.frame
    n = len(frame)
    positions = np.arange(n)
    sheet_rows = grid.first_row + positions
    all_cols = sorted(frame.columns)
    header_row = grid.first_row - 1
    no = np.zeros(n, dtype=bool)

    problems: list[Problem] = [Problem(r, c, m) for r, c, m in grid.notes]
    values: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}  # unreadable, an Excel error, implausible or negative
    errors: dict[str, tuple[np.ndarray, dict[int, str]]] = {}
    implausible: dict[str, np.ndarray] = {}
    negative: dict[str, np.ndarray] = {}
    unknown: dict[str, np.ndarray] = {}  # statuses nobody knows
    for fld, c in match.columns.items():
        col = report.column(fld)
        p = parse_column(frame[c], col, report, statuses)
        v, b = p.values, p.bad
        err, shown = _error_cells(grid, frame[c], c)
        if err.any():
            errors[fld] = (err, shown)
            v = v.where(~err)
        if col.kind == "status":
            unknown[fld] = b & ~err
            b = np.zeros(n, dtype=bool)
        far = _implausible(v, col)
        if far.any():
            implausible[fld] = far
            v = v.where(~far)
        if (report.key, fld) in NON_NEGATIVE:
            neg = (v < 0).fillna(False).to_numpy()
            negative[fld] = neg
            v = v.where(~neg)
        values[fld] = v
        bad[fld] = b | err | far | negative.get(fld, no)
        if p.note:
            problems.append(Problem(header_row, c, f"{col.canonical} is {p.note}"))

    def missing(fld: str) -> np.ndarray:
        return values[fld].isna().to_numpy() & ~bad[fld] & ~unknown.get(fld, no)

    # Blank cells: exact for the columns read (a dash or "n/a" is blank); empty for the others.
    blanks = {c: frame[c].isna().to_numpy() for c in all_cols}
    for fld, c in match.columns.items():
        blanks[c] = missing(fld)
    filled = np.zeros(n, dtype=np.int64)
    for c in all_cols:
        filled += ~blanks[c]
    empty = filled == 0

    def blank_not_allowed(fld: str) -> np.ndarray:
        if report.column(fld).kind in BLANK_MEANS_NOTHING:
            return no
        return missing(fld)

    req_problem = np.zeros(n, dtype=bool)
    for col in report.required:
        req_problem |= bad[col.field] | blank_not_allowed(col.field)
    unknown_any = np.zeros(n, dtype=bool)
    for mask in unknown.values():
        unknown_any |= mask
    candidates = (req_problem | unknown_any) & ~empty

    ignored = _non_data_lines(frame, all_cols, blanks, filled, candidates, match)
    ignored |= _total_lines(values, report, n) & ~empty
    trailer_at = _trailer_start(frame, all_cols, blanks, candidates)
    after_trailer = positions > trailer_at if trailer_at is not None else np.zeros(n, bool)
    ignored_after = int((after_trailer & ~empty & ~ignored).sum())
    ignored |= after_trailer
    data = ~empty & ~ignored
    bad_rows = req_problem & data
    unknown_rows = unknown_any & data & ~bad_rows
    kept = data & ~bad_rows & ~unknown_rows

    for fld, c in match.columns.items():
        col = report.column(fld)
        is_required = col.required
        scope = bad_rows if is_required else kept
        flagged = bad[fld] & scope
        if is_required:
            blank_here = blank_not_allowed(fld) & bad_rows
            for pos in np.flatnonzero(blank_here):
                problems.append(Problem(int(sheet_rows[pos]), c, f"{col.canonical} is blank"))
        if flagged.any():
            raw = to_text(frame[c][flagged])
            suffix = "" if is_required else f" ({col.canonical} left blank)"
            err, shown = errors.get(fld, (no, {}))
            for pos, text in zip(np.flatnonzero(flagged), raw):
                if err[pos]:
                    text = shown.get(int(pos), text)
                    msg = (
                        f'"{text}" is an Excel error value, not {_NOUNS[col.kind]}'
                        if text
                        else NO_SAVED_RESULT
                    )
                elif implausible.get(fld, no)[pos]:
                    msg = _implausible_message(text, col)
                elif negative.get(fld, no)[pos]:
                    msg = f'"{text}" is a negative {col.canonical}'
                else:
                    msg = bad_value_message(text, col, report)
                problems.append(Problem(int(sheet_rows[pos]), c, msg + suffix))
    for fld, mask in unknown.items():
        problems.extend(_unknown_statuses(frame[match.columns[fld]], mask & unknown_rows,
                                          sheet_rows, match.columns[fld], report.column(fld),
                                          report))
    problems.sort(key=lambda p: (p.row, p.col))

    table = pd.DataFrame({fld: v[kept] for fld, v in values.items()})
    table["_row"] = sheet_rows[kept]
    table = table.reset_index(drop=True)

    products_to_other: list[str] = []
    for fld, v in list(table.items()):
        if fld != "_row" and report.column(fld).kind == "product":
            table[fld], unknown_products = map_products(v, products)
            products_to_other.extend(u for u in unknown_products if u not in products_to_other)

    return FileTable(
        table=table,
        columns=dict(match.columns),
        rows_read=int(data.sum()),
        bad_rows=int(bad_rows.sum()),
        problems=problems,
        products_to_other=products_to_other,
        ignored_after_trailer=ignored_after,
        unknown_status_rows=int(unknown_rows.sum()),
    )


def _unknown_statuses(
    cells: pd.Series, rows: np.ndarray, sheet_rows: np.ndarray, c: int, col: Column,
    report: Report,
) -> list[Problem]:
    """One problem per unknown status: its count and rows, at its first cell."""
    if not rows.any():
        return []
    text = to_text(cells[rows])
    at = sheet_rows[rows]
    known = ", ".join(report.status_values)
    out = []
    for value, where in pd.Series(at, index=text.to_numpy()).groupby(level=0, sort=False):
        numbers = where.tolist()
        listed = ", ".join(str(r) for r in numbers[:ROWS_NAMED])
        if len(numbers) > ROWS_NAMED:
            listed += f" and {len(numbers) - ROWS_NAMED} more"
        count = f"{len(numbers)} {'row' if len(numbers) == 1 else 'rows'}"
        out.append(Problem(
            int(numbers[0]), c,
            f'"{value}" is not a known {col.canonical} (known: {known}): {count} left out '
            f"({'row' if len(numbers) == 1 else 'rows'} {listed}); map it to one of them in the "
            "status mapping table on the Settings sheet",
        ))
    return out
