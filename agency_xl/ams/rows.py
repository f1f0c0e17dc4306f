"""From the raw rows below a header to a typed table of one report, for one file.

What happens to each row:
- blank rows are dropped;
- lines that are not data are dropped without complaint: footers ("Total", "Grand Total",
  "Page 1 of 3", "*** End of Report ***", "Report generated ..."), the header repeated on every
  page, and one-cell lines (group headings such as "Producer: J. Smith"); after a "Grand Total",
  "End of Report" or "Report generated" line the rest of the sheet is the report's trailer. Only a
  row with a required value missing or unreadable is looked at this way, so a claim whose cause of
  loss is "Total loss" stays a claim. A row whose id or product cell says "Total" ("Total",
  "Grand Total", "Subtotal", "Auto Total") is a total line in every report, whatever else it
  holds: the growth report's "Total" line is not a product;
- a row whose required value is blank or cannot be read is left out and reported with the cell
  address (``claims.xlsx!Sheet1!F17: "abc" is not an amount``); an optional value that cannot be
  read is left blank and reported the same way;
- an Excel error is never a value: an error cell of a workbook, the same error written as text in
  a CSV or HTML export (``#DIV/0!``, ``#REF!``, ...), and a formula whose result was never saved
  are bad values, reported by cell, in every format alike (``#N/A`` means "nothing", see
  ``parse.py``);
- an implausible value is a bad value: an amount or count beyond its column's bound
  (``Column.most``: a premium over $10M) and a date before 1950 (a 1900 date is a zero or a blank
  formatted as a date, not a loss or a policy);
- a negative amount where only a price can stand (annual premium, sale premium, lead cost, quoted
  premium, referral incentive) is a bad value: an AMS writes a return premium as its own
  transaction, not as a negative price, so such a cell is a data error, not a refund;
- a status the report does not know (nor the owner's status mapping table) leaves its row out
  without counting as a bad value: the rows are reported by status, with their count and row
  numbers, for the owner to map on Settings, and the rest of the file is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agency_xl.ams.header import HeaderMatch, normalise_label
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
    text_matches,
    to_text,
)
from agency_xl.ams.products import map_products
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
_FOOTER = re.compile(
    r"^\W*(grand\s+totals?|sub-?\s*totals?|totals?|page\s+\d+|end\s+of\s+report|"
    r"report\s+(generated|printed|run)|generated\s+(on|by|at)|printed\s+(on|by|at)|"
    r"record\s+count|count|records?\b|rows?\b)",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"^\W*(grand\s+totals?|end\s+of\s+report|report\s+(generated|printed))", re.IGNORECASE
)
# An id or product cell that names a total line: "Total", "Grand Total:", "Sub-total", "Total
# Auto", "Auto Total".
_TOTAL_CELL = r"^\W*((grand|sub)[\s-]*)?totals?\b|\btotals?\W*$"
_TOTAL_KINDS = ("id", "product")
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
INCURRED_TOLERANCE = 0.01  # dollars: a cent of rounding is not a disagreement
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


def _total_lines(values: dict[str, pd.Series], report: Report, n: int) -> np.ndarray:
    """Rows whose id or product cell names a total line."""
    out = np.zeros(n, dtype=bool)
    for fld, v in values.items():
        if report.column(fld).kind in _TOTAL_KINDS:
            out |= text_matches(v, _TOTAL_CELL)
    return out


def _leftmost_text(
    frame: pd.DataFrame, cols: list[int], blanks: dict[int, np.ndarray], rows: np.ndarray
) -> pd.Series:
    """Text of the leftmost non-blank cell of each row in ``rows`` (a boolean mask)."""
    idx = np.flatnonzero(rows)
    out = pd.Series(np.nan, index=idx, dtype="str")
    todo = np.ones(len(idx), dtype=bool)
    for c in cols:
        here = todo & ~blanks[c][idx]
        if here.any():
            out.iloc[np.flatnonzero(here)] = to_text(frame[c].iloc[idx[here]]).to_numpy()
            todo &= ~here
        if not todo.any():
            break
    return out


def _non_data_lines(
    frame: pd.DataFrame,
    cols: list[int],
    blanks: dict[int, np.ndarray],
    filled: np.ndarray,
    candidates: np.ndarray,
    match: HeaderMatch,
) -> np.ndarray:
    """Footers, repeated headers and one-cell lines among the candidate rows."""
    n = len(frame)
    out = np.zeros(n, dtype=bool)
    if not candidates.any():
        return out
    idx = np.flatnonzero(candidates)
    first = _leftmost_text(frame, cols, blanks, candidates)
    out[idx] = first.str.match(_FOOTER, na=False).to_numpy()
    out |= candidates & (filled == 1)
    same_as_header = np.zeros(len(idx), dtype=np.int64)
    for c, label in match.labels.items():
        if c in frame.columns:
            cells = to_text(frame[c].iloc[idx]).map(normalise_label, na_action="ignore")
            same_as_header += (cells == normalise_label(label)).fillna(False).to_numpy()
    out[idx] |= same_as_header >= 2
    return out


def _trailer_start(
    frame: pd.DataFrame, cols: list[int], blanks: dict[int, np.ndarray], candidates: np.ndarray
) -> int | None:
    """Position of the first "Grand Total" / "End of Report" / "Report generated" line."""
    if not candidates.any():
        return None
    first = _leftmost_text(frame, cols, blanks, candidates)
    hits = first.str.match(_TRAILER, na=False)
    return int(first.index[hits.to_numpy()][0]) if hits.any() else None


def check_incurred(ft: FileTable) -> None:
    """Claims: Incurred = Paid + Reserve where it is absent; report a stated one that differs.

    A blank Paid or Reserve is nothing paid or reserved; both blank gives a blank Incurred. A
    stated Incurred can only be checked when the file has a Reserve column.
    """
    t = ft.table
    paid = t["paid_loss"]
    reserve = t["reserve"] if "reserve" in t else pd.Series(np.nan, index=t.index)
    computed = (paid.fillna(0) + reserve.fillna(0)).where(paid.notna() | reserve.notna())
    if "incurred_loss" not in t:
        t["incurred_loss"] = computed
        return
    stated = t["incurred_loss"]
    if "reserve" in t:
        differs = (
            stated.notna() & computed.notna() & (stated - computed).abs().gt(INCURRED_TOLERANCE)
        )
        col = ft.columns["incurred_loss"]
        rows = zip(
            t["_row"][differs], stated[differs], paid[differs].fillna(0), reserve[differs].fillna(0)
        )
        for row, s, p, r in rows:
            ft.problems.append(
                Problem(
                    int(row),
                    col,
                    f"Incurred Loss {s:,.2f} differs from Paid Loss + Reserve = {p:,.2f} + "
                    f"{r:,.2f} = {p + r:,.2f} (the stated Incurred is kept)",
                )
            )
    t["incurred_loss"] = stated.fillna(computed)
