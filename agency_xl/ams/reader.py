"""``read_exports(folder) -> AmsData``: every file of the exports folder into typed tables.

The contract is ../shared/AMS_EXPORTS.md. For each file (sorted by name): recognise the report by
its header row (``header.py``), load its rows in one pass (``sources/``), type and clean them
(``rows.py``, ``parse.py``, ``products.py``). Then, across files: decide the as-of date, set aside
dates after it, reject a file when more than 5% of its rows are bad, and combine the files of
each report (``combine.py``: a key seen in several files is taken from the latest report).

Data Health (``AmsData.health``) has one ``FileHealth`` per file. In it ``rows_read`` counts the
data rows found (blank, footer and title lines excluded) and ``rows_rejected`` the rows of those
left out for a bad value (all of them when the whole file is rejected).

Decisions the contract leaves open:
- A report date written as ``YYYY-MM`` in a file name means the last day of that month (the
  export of October is run at its end), so October's rows are not "in the future".
- Dates after the as-of date: a date that records an event (loss, report of a claim, commission
  statement, sale, lead, referral, growth month) cannot be after it; such a value is bad (a
  required one leaves the row out, an optional one is left blank), with its cell address. Policy
  term dates (effective, expiration, cancel, transaction effective) may lie ahead: a renewal or a
  cancellation is often dated weeks ahead; only more than two years ahead is bad (a typo such
  as 2052).
- Negative prices are bad values (see ``rows.py``).
- A blank amount or count is "nothing": the row counts, the value is NaN (an open claim with
  nothing paid yet). A blank yes/no answer counts as no (the tables hold plain bool).
- The as-of date is the latest report date stated in a title row or a file name; modification
  times count only when no file states a date (copying old exports gives them today's time).
- Several files with the same report date: the one modified later wins, then the later name.
- Hidden sheets are not read (they hold lookups, not the report).

Files are only ever opened for reading. Two are read at a time (calamine parses a workbook
without holding Python's lock) under a memory budget; ../../benchmarks/README.md has the speed
and memory measured on a 25,000-household folder.
"""

from __future__ import annotations

import calendar
import ctypes
import ctypes.util
import datetime as dt
import os
import re
import stat
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from agency_xl.ams.combine import combine_report, derive_sales, finish_table
from agency_xl.ams.data import AmsData, DataHealth, FileHealth, Mappings
from agency_xl.ams.errors import ExportFileError
from agency_xl.ams.sources import load_weight, open_source
from agency_xl.ams.header import (
    HEADER_SEARCH_ROWS,
    HeaderMatch,
    alias_tables,
    find_header,
    report_date_from_titles,
)
from agency_xl.ams.products import product_lookup
from agency_xl.ams.reports import REPORTS, Report
from agency_xl.ams.rows import (
    TEXT_KINDS,
    FileTable,
    Problem,
    build_rows,
    check_incurred,
    column_letter,
)

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")
READ_THREADS = 2  # files read at once; the owner's laptop has at least two cores
# Cell data (uncompressed sheet XML, or CSV bytes) that may be in reading at once. Calamine holds
# a sheet's cells in memory while it parses (some 1.5 bytes per byte of XML), so two big files
# read together would add their peaks: a file bigger than this is read alone.
READ_BUDGET_BYTES = 48 * 2**20
# After a file this big, free heap pages go back to the system (see _return_free_memory). Not
# after small files: the pages would only be faulted in again, at some 0.2 s a folder.
TRIM_AFTER_BYTES = 8 * 2**20
MAX_BAD_SHARE = 0.05  # more bad rows than this and the file is rejected as a whole
MAX_PROBLEMS_LISTED = 20  # per file; the rest are counted
TERM_DATE_HORIZON = dt.timedelta(days=730)
EVENT_DATES = {
    ("claims", "loss_date"),
    ("claims", "reported_date"),
    ("commissions", "statement_date"),
    ("sales", "issue_date"),
    ("leads", "lead_date"),
    ("leads", "sold_date"),
    ("referrals", "referral_date"),
    ("referrals", "sold_date"),
    ("growth", "month"),
}
_NAME_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[-_.](0[1-9]|1[0-2])(?:[-_.](0[1-9]|[12]\d|3[01]))?(?!\d)"
)
_LOCK_FILE_REASON = "an Excel lock file (the workbook is open in Excel): ignored"


@dataclass
class _FileRead:
    """One recognised file on its way to the combined tables."""

    health: FileHealth
    report: Report
    rows: FileTable
    modified: float


def read_exports(
    folder: str | Path,
    mappings: Mappings | None = None,
    as_of: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> AmsData:
    """Read every export in ``folder`` into the typed tables of ``AmsData``.

    ``mappings`` adds the owner's column and product names; ``as_of`` fixes the as-of date
    (default: the latest report date found); ``progress`` is called with a line per file
    ("Reading claims oct.xlsx (3/9)") for Excel's status bar. A file that cannot be used is
    listed in ``AmsData.health`` with the reason; it never stops the other files.
    """
    with _system_allocator():
        return _read_folder(Path(folder), mappings, as_of, progress)


@contextmanager
def _system_allocator() -> Iterator[None]:
    """Arrow allocates from the C library's malloc while the folder is read.

    Arrow's default allocator (mimalloc) keeps freed memory for reuse; reading a folder frees a
    lot of scratch space (each file's raw cells, parsing temporaries), and kept it adds up: on a
    25,000-household folder the peak is some 35 MB lower (305 MB instead of 340 MB), and reading
    is no slower.
    Buffers remember the pool they came from, so switching back afterwards is safe.
    """
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def _read_folder(
    folder: Path,
    mappings: Mappings | None,
    as_of: dt.date | None,
    progress: Callable[[str], None] | None,
) -> AmsData:
    health = DataHealth(folder=str(folder))
    if not folder.is_dir():
        health.notes.append(f"The exports folder {folder} does not exist or is not a folder.")
        return AmsData(as_of=as_of or dt.date.today(), health=health)
    paths = sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name.lower())
    tables = alias_tables(mappings)
    products = product_lookup(mappings)
    reads: list[_FileRead] = []
    # Calamine parses a workbook without holding Python's lock, so a second thread overlaps one
    # file's parsing with another's; results are taken in name order, and `progress` is called
    # from this thread only (Excel's status bar must not be touched from another thread).
    workers = max(1, min(READ_THREADS, len(paths)))
    gate = _MemoryGate(READ_BUDGET_BYTES)
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(_read_file_gated, gate, path, tables, products) for path in paths]
        for i, (path, future) in enumerate(zip(paths, futures), 1):
            if progress:
                progress(f"Reading {path.name} ({i}/{len(paths)})")
            fh, read = future.result()
            health.files.append(fh)
            if read is not None:
                reads.append(read)

    _return_free_memory()
    as_of = as_of or _latest_report_date(reads)
    for r in reads:
        _check_dates(r, as_of)
        _finish_file(r)

    data = AmsData(as_of=as_of, health=health)
    for key, report in REPORTS.items():
        parts = [r for r in reads if r.report.key == key and not r.health.rejected]
        parts.sort(key=lambda r: (r.health.report_date, r.modified, r.health.path))
        tables = []
        for r in parts:  # each file's rows are let go as soon as they are in the combined table
            tables.append((r.health, finish_table(report, r.rows.table)))
            r.rows.table = r.rows.table.iloc[:0]
        setattr(data, key, combine_report(report, tables, health.notes))
        del tables
    if data.sales is None and data.policies is not None:
        data.sales = derive_sales(data.policies)
        data.sales_derived = True
        health.notes.append(
            "No sales export found: new business is taken from the book of business "
            "(Original Effective Date as the issue date, Annual Premium as the premium)."
        )
    return data


def _latest_report_date(reads: list[_FileRead]) -> dt.date:
    """The as-of date: the latest report date written in a title row or a file name.

    Modification times count only when no file states its date: copying a folder of old exports
    gives them all today's time, which would put every row in the past by months.
    """
    stated = [
        r.health.report_date for r in reads if r.health.report_date_source != "modification time"
    ]
    any_date = [r.health.report_date for r in reads if r.health.report_date]
    dates = stated or any_date
    return max(dates) if dates else dt.date.today()


class _MemoryGate:
    """Lets a file start only while the files being read weigh less than ``budget`` bytes
    (``files.load_weight``); a file always starts when nothing else is being read."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.in_flight = 0
        self.changed = threading.Condition()

    @contextmanager
    def admit(self, weight: int) -> Iterator[None]:
        with self.changed:
            self.changed.wait_for(
                lambda: self.in_flight == 0 or self.in_flight + weight <= self.budget
            )
            self.in_flight += weight
        try:
            yield
        finally:
            with self.changed:
                self.in_flight -= weight
                self.changed.notify_all()


def _read_file_gated(
    gate: _MemoryGate, path: Path, tables: list, products: dict[str, str]
) -> tuple[FileHealth, _FileRead | None]:
    weight = load_weight(path) if not _not_an_export(path) else 0
    with gate.admit(weight):
        try:
            return _read_file(path, tables, products)
        finally:
            if weight >= TRIM_AFTER_BYTES:
                _return_free_memory()


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (Windows, macOS): nothing to do
        return None


_MALLOC_TRIM = _find_malloc_trim()


def _return_free_memory() -> None:
    """Give the heap's free pages back to the system after each file (glibc only).

    glibc keeps memory freed by a thread in that thread's arena; after a 150,000-row sheet has
    been parsed and typed that is some 100 MB nobody uses, and the next file would pile its own
    peak on top. Measured on the 25,000-household folder: peak 395 MB without, 305 MB with.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


# -- one file -------------------------------------------------------------------------------------


def _read_file(
    path: Path, tables: list, products: dict[str, str]
) -> tuple[FileHealth, _FileRead | None]:
    fh = FileHealth(path=path.name)
    reason = _not_an_export(path)
    if reason:
        fh.skipped = reason
        return fh, None
    try:
        return _read_export(path, fh, tables, products)
    except ExportFileError as e:
        message = f"{path.name}: {e.message}"
        if e.skip:
            fh.skipped = message
        else:
            fh.rejected = message
        return fh, None
    except Exception as e:  # a reader bug or an unforeseen file must not stop the other files
        fh.rejected = f"{path.name}: could not be read ({type(e).__name__}: {e})"
        return fh, None


def _not_an_export(path: Path) -> str | None:
    name = path.name
    if name.startswith("~$"):
        return f"{name}: {_LOCK_FILE_REASON}"
    if name.startswith(".") or _hidden_on_windows(path):
        return f"{name}: a hidden file: ignored"
    if path.suffix.lower() not in EXTENSIONS:
        return (
            f"{name}: not an export the reader takes ({path.suffix or 'no extension'}); "
            f"exports are {', '.join(EXTENSIONS)} files"
        )
    return None


def _hidden_on_windows(path: Path) -> bool:
    attrs = getattr(os.stat(path), "st_file_attributes", 0)
    return bool(attrs & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _sheet_words(sheet: str | None) -> str:
    return f"sheet '{sheet}', " if sheet else ""


def _read_export(
    path: Path, fh: FileHealth, tables: list, products: dict[str, str]
) -> tuple[FileHealth, _FileRead | None]:
    source = open_source(path)
    match: HeaderMatch | None = None
    closest: tuple[HeaderMatch, str | None] | None = None
    sheets_seen = 0
    peek = None
    for peek in source.sheets():
        if not peek.rows:
            continue
        sheets_seen += 1
        match, near = find_header(peek.rows, tables)
        if match:
            break
        if near and (closest is None or near.score() > closest[0].score()):
            closest = (near, peek.name)
    if match is None or peek is None:
        raise _no_header(path, fh, sheets_seen, closest, source.kind)

    report = match.report
    fh.report, fh.sheet, fh.header_row = report.key, peek.name, match.row
    fh.columns_ignored = match.ignored
    _set_report_date(fh, path, [r for r in peek.rows if r[0] < match.row])
    text_cols = [c for f, c in match.columns.items() if report.column(f).kind in TEXT_KINDS]
    grid = source.load(peek, match.row, text_cols)
    rows = build_rows(grid, match, products)
    if rows.rows_read == 0:
        raise ExportFileError(
            f"no data rows below the header ({_sheet_words(peek.name)}header row {match.row})"
        )
    if report.key == "claims":
        check_incurred(rows)
    fh.rows_read = rows.rows_read
    fh.products_to_other = rows.products_to_other
    return fh, _FileRead(fh, report, rows, path.stat().st_mtime)


def _no_header(
    path: Path,
    fh: FileHealth,
    sheets_seen: int,
    closest: tuple[HeaderMatch, str | None] | None,
    kind: str,
) -> ExportFileError:
    if sheets_seen == 0:
        what = (
            "workbook has no data (every sheet is empty)"
            if kind in ("xlsx", "xls")
            else "file has no rows"
        )
        return ExportFileError(f"the {what}")
    # One matching label ("Month") says nothing about which report a sheet is.
    if closest is not None and len(closest[0].columns) >= 2:
        near, sheet = closest
        found_required = near.score()[0]
        # Most of a report's required columns are there: it is that report, but incomplete.
        if (
            found_required >= 2
            and found_required * 2 >= len(near.report.required)
            and len(near.columns) >= 3
        ):
            fh.report, fh.sheet, fh.header_row = near.report.key, sheet, near.row
            return ExportFileError(f"{near.report.title} report, but {near.missing_message(sheet)}")
        return ExportFileError(
            f"not a recognised export (no header row of a report among the first "
            f"{HEADER_SEARCH_ROWS} rows); closest: the {near.report.title} report at "
            f"{_sheet_words(sheet)}row {near.row}, missing required {near.missing_columns()}",
            skip=True,
        )
    return ExportFileError(
        f"not a recognised export (no header row of a report among the first {HEADER_SEARCH_ROWS} "
        "rows of any sheet)",
        skip=True,
    )


def _set_report_date(fh: FileHealth, path: Path, title_rows: list) -> None:
    found = report_date_from_titles(title_rows)
    if found:
        fh.report_date, fh.report_date_source = found, "title row"
        return
    found = date_from_file_name(path.name)
    if found:
        fh.report_date, fh.report_date_source = found, "file name"
        return
    fh.report_date = dt.date.fromtimestamp(path.stat().st_mtime)
    fh.report_date_source = "modification time"


def date_from_file_name(name: str) -> dt.date | None:
    """``2025-10-31 claims.xlsx`` -> 2025-10-31; ``2025-10_Claims.xlsx`` -> 2025-10-31 (the
    month's end)."""
    m = _NAME_DATE.search(name)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    day = int(m.group(3)) if m.group(3) else calendar.monthrange(year, month)[1]
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# -- checks that need the as-of date --------------------------------------------------------------


def _check_dates(r: _FileRead, as_of: dt.date) -> None:
    """Dates after the as-of date (see the module docstring) become bad values."""
    t = r.rows.table
    report = r.report
    limit_event = pd.Timestamp(as_of)
    limit_term = pd.Timestamp(as_of + TERM_DATE_HORIZON)
    drop = np.zeros(len(t), dtype=bool)
    for fld in list(t.columns):
        if fld == "_row" or report.column(fld).kind not in ("date", "month"):
            continue
        col = report.column(fld)
        event = (report.key, fld) in EVENT_DATES
        limit = limit_event if event else limit_term
        if col.kind == "month":
            limit = limit_event.to_period("M").to_timestamp()
        late = (t[fld] > limit).fillna(False).to_numpy()
        if not late.any():
            continue
        why = (
            f"is after the as-of date {as_of:%Y-%m-%d}"
            if event
            else (f"is more than two years after the as-of date {as_of:%Y-%m-%d}")
        )
        suffix = "" if col.required else f" ({col.canonical} left blank)"
        for row, value in zip(t["_row"][late], t[fld][late]):
            r.rows.problems.append(
                Problem(int(row), r.rows.columns[fld], f"{value:%Y-%m-%d} {why}{suffix}")
            )
        if col.required:
            drop |= late
        else:
            t.loc[late, fld] = pd.NaT
    if drop.any():
        r.rows.table = t[~drop].reset_index(drop=True)
        r.rows.bad_rows += int(drop.sum())


def _finish_file(r: _FileRead) -> None:
    """Row counts, the 5% rule, the problems with their cell addresses, the period covered."""
    fh, rows = r.health, r.rows
    fh.rows_rejected = rows.bad_rows
    sheet = f"{fh.sheet}!" if fh.sheet else ""
    rows.problems.sort(key=lambda p: (p.row, p.col))
    messages = [
        f"{fh.path}!{sheet}{column_letter(p.col)}{p.row}: {p.message}" for p in rows.problems
    ]
    if rows.ignored_after_trailer:
        n = rows.ignored_after_trailer
        messages.append(
            f"{fh.path}: {n} {'row' if n == 1 else 'rows'} after the report's closing line "
            f"(Grand Total / End of Report) {'was' if n == 1 else 'were'} not read"
        )
    fh.problems = messages[:MAX_PROBLEMS_LISTED]
    if len(messages) > MAX_PROBLEMS_LISTED:
        fh.problems.append(
            f"{fh.path}: ... and {len(messages) - MAX_PROBLEMS_LISTED} more problems"
        )
    share = rows.bad_rows / rows.rows_read if rows.rows_read else 0.0
    if share > MAX_BAD_SHARE:
        fh.rejected = (
            f"{fh.path}: {rows.bad_rows} of {rows.rows_read} data rows ({share:.1%}) have a value "
            f"that cannot be used, more than the {MAX_BAD_SHARE:.0%} allowed, so the whole file is left out; "
            f"first: {messages[0]}"
        )
        fh.rows_rejected = rows.rows_read
        return
    date_fields = [c.field for c in r.report.columns if c.kind in ("date", "month")]
    main = next((f for f in date_fields if f in rows.table and rows.table[f].notna().any()), None)
    if main:
        fh.period = (rows.table[main].min().date(), rows.table[main].max().date())
