"""``read_exports(folder) -> AmsData``: every file of the exports folder into typed tables.

The contract is ../shared/AMS_EXPORTS.md. For each file (sorted by name): recognise the report by
its header row (``header.py``), load its rows in one pass (``sources/``), type and clean them
(``rows.py``, ``parse.py``, ``products.py``, ``statuses.py``). Then, across files (``dates.py``,
``combine.py``): decide the as-of date from the book of business, set aside dates a row cannot
have, reject a file when more than 5% of its rows are bad, count a key repeated within one file
once, keep only the latest book, combine the files of each report (a key seen in several files is
taken from the latest report), and record how far each report's data reaches
(``AmsData.coverage``).

Data Health (``AmsData.health``) has one ``FileHealth`` per file. In it ``rows_read`` counts the
data rows found (blank, footer and title lines excluded) and ``rows_rejected`` the rows of those
left out (a bad value, or a status nobody mapped; all of them when the whole file is rejected).

Decisions the contract leaves open (the date rules are in ``dates.py``):
- Negative prices are bad values (see ``rows.py``).
- A blank amount or count is "nothing": the row counts, the value is NaN (an open claim with
  nothing paid yet). A blank yes/no answer counts as no (the tables hold plain bool).
- Rows left out for an unknown status do not count towards the 5% rule: one status the owner has
  not mapped yet ("Pending Cancel" on 5% of the book) must not drop the whole book.
- Several files with the same report date: the one modified later wins, then the later name.
- Several books of business: the latest (by report date, a stated date before a modification
  time) decides what is in force; books of that same date are read together (a book split in
  two files); older ones are not used, and a note says which file was used.
- Hidden sheets are not read (they hold lookups, not the report).

Files are only ever opened for reading. Two are read at a time (calamine parses a workbook
without holding Python's lock) under a memory budget; ../../benchmarks/README.md has the speed
and memory measured on a 25,000-household folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import os
import stat
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from agency_xl.ams.combine import combine_report, derive_sales, drop_repeated_keys, finish_table
from agency_xl.ams.data import AmsData, DataHealth, FileHealth, Mappings
from agency_xl.ams.dates import (
    DatedFile,
    as_of_date,
    check_dates,
    coverage,
    date_warnings,
    set_report_date,
)
from agency_xl.ams.errors import ExportFileError, NoReportsFound
from agency_xl.ams.folder import DEAD_LINK_REASON, list_folder
from agency_xl.ams.header import HEADER_SEARCH_ROWS, HeaderMatch, alias_tables, find_header
from agency_xl.ams.products import product_lookup
from agency_xl.ams.reports import REPORTS
from agency_xl.ams.rows import TEXT_KINDS, Problem, build_rows, check_incurred
from agency_xl.ams.sources import load_weight, open_source
from agency_xl.ams.sources.grid import column_letter
from agency_xl.ams.statuses import owner_statuses

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
# An export has tens of columns; a header with thousands of labels gets its report's columns and
# the first others loaded, this many in all (see HeaderMatch.columns_to_load).
MAX_COLUMNS_LOADED = 256
COLUMNS_IGNORED_LISTED = 50
_LOCK_FILE_REASON = "an Excel lock file (the workbook is open in Excel): ignored"


def read_exports(
    folder: str | Path,
    mappings: Mappings | None = None,
    as_of: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> AmsData:
    """Read every export in ``folder`` into the typed tables of ``AmsData``.

    ``mappings`` adds the owner's column, product and status names; ``as_of`` fixes the as-of
    date (default: the book of business's report date, see ``dates.py``); ``progress`` is called
    with a line per file ("Reading claims oct.xlsx (3/9)") for Excel's status bar. A file that
    cannot be used is listed in ``AmsData.health`` with the reason; it never stops the other
    files. A folder with no report in it gives an ``AmsData`` with every table None: a refresh
    calls ``require_reports`` on it before writing anything.
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
    listing = list_folder(folder)
    paths = listing.files
    tables = alias_tables(mappings)
    products = product_lookup(mappings)
    reads: list[DatedFile] = []
    # Calamine parses a workbook without holding Python's lock, so a second thread overlaps one
    # file's parsing with another's; results are taken in name order, and `progress` is called
    # from this thread only (Excel's status bar must not be touched from another thread).
    workers = max(1, min(READ_THREADS, len(paths)))
    gate = _MemoryGate(READ_BUDGET_BYTES)
    with ThreadPoolExecutor(workers) as pool:
        futures = [
            pool.submit(_read_file_gated, gate, path, tables, products, mappings) for path in paths
        ]
        for i, (path, future) in enumerate(zip(paths, futures), 1):
            if progress:
                progress(f"Reading {path.name} ({i}/{len(paths)})")
            fh, read = future.result()
            health.files.append(fh)
            if read is not None:
                reads.append(read)
    for name in listing.dead_links:
        health.files.append(FileHealth(path=name, skipped=f"{name}: {DEAD_LINK_REASON}"))
    health.files.sort(key=lambda f: f.path.lower())

    _return_free_memory()
    books = _latest_books(reads)
    fixed = as_of is not None
    as_of = as_of or as_of_date(reads, books)
    for r in reads:
        check_dates(r, as_of, fixed)
        _finish_file(r)
    used = [r for r in reads if not r.health.rejected]
    books = _latest_books(used)
    _set_aside_older_books(used, books, health.notes)
    used = [r for r in used if not r.health.set_aside]

    data = AmsData(as_of=as_of, health=health)
    for key, report in REPORTS.items():
        parts = sorted((r for r in used if r.report.key == key), key=DatedFile.rank)
        tables = []
        for r in parts:  # each file's rows are let go as soon as they are in the combined table
            rows, keys = drop_repeated_keys(report, r.health, r.rows.table)
            tables.append((r.health, finish_table(report, rows), keys))
            r.rows.table = r.rows.table.iloc[:0]
        setattr(data, key, combine_report(report, tables, health.notes))
        del tables
    data.coverage = coverage(used, as_of)
    if data.sales is None and data.policies is not None:
        data.sales = derive_sales(data.policies)
        data.sales_derived = True
        data.coverage["sales"] = data.coverage["policies"]
        health.notes.append(
            "No sales export found: new business is taken from the book of business "
            "(Original Effective Date as the issue date, Annual Premium as the premium)."
        )
    health.notes.extend(date_warnings(used, as_of, book_dated=bool(books) and not fixed))
    return data


def _latest_books(reads: list[DatedFile]) -> list[DatedFile]:
    """The book files that decide what is in force: those of the latest report date (a stated
    date before a modification time)."""
    books = [r for r in reads if r.report.key == "policies"]
    if not books:
        return []
    latest = max((r.stated, r.health.report_date) for r in books)
    return [r for r in books if (r.stated, r.health.report_date) == latest]


def _set_aside_older_books(
    used: list[DatedFile], latest: list[DatedFile], notes: list[str]
) -> None:
    older = [r for r in used if r.report.key == "policies" and r not in latest]
    if not older:
        return
    names = " and ".join(r.health.path for r in latest)
    when = f"report date {latest[0].health.report_date:%Y-%m-%d}"
    for r in older:
        r.health.set_aside = (
            f"{r.health.path}: an older book of business (report date "
            f"{r.health.report_date:%Y-%m-%d}); the latest, {names} ({when}), decides what is in "
            "force: not used"
        )
    notes.append(
        f"Book of business: {len(older) + len(latest)} books in the folder; the latest, {names} "
        f"({when}), decides what is in force; not used: "
        + ", ".join(f"{r.health.path} ({r.health.report_date:%Y-%m-%d})" for r in older)
        + "."
    )


def require_reports(data: AmsData) -> AmsData:
    """``data`` when at least one report was read; else raise ``NoReportsFound``.

    A refresh calls this before writing anything: a folder that is empty, or holds no report the
    reader recognises, must not blank a filled workbook. The message names the folder and says
    what was found in it.
    """
    if any(data.table(key) is not None for key in REPORTS):
        return data
    h = data.health
    files = h.files
    if not files:
        found = "it is empty" if not h.notes else h.notes[0].rstrip(".")
    else:
        reasons = [f.rejected or f.skipped for f in files if f.rejected or f.skipped]
        found = (
            f"{len(files)} {'file' if len(files) == 1 else 'files'} in it, none a report that "
            f"could be read"
        )
        if reasons:
            found += "; " + "; ".join(reasons[:3]) + ("; ..." if len(reasons) > 3 else "")
    raise NoReportsFound(
        f"no report could be read from the exports folder {h.folder}: {found}. Save the AMS "
        "exports there (or choose the right folder on the Settings sheet), then refresh again"
    )


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
    gate: _MemoryGate,
    path: Path,
    tables: list,
    products: dict[str, str],
    mappings: Mappings | None,
) -> tuple[FileHealth, DatedFile | None]:
    weight = load_weight(path) if not _not_an_export(path) else 0
    with gate.admit(weight):
        try:
            return _read_file(path, tables, products, mappings)
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
    path: Path, tables: list, products: dict[str, str], mappings: Mappings | None
) -> tuple[FileHealth, DatedFile | None]:
    fh = FileHealth(path=path.name)
    reason = _not_an_export(path)
    if reason:
        fh.skipped = reason
        return fh, None
    try:
        return _read_export(path, fh, tables, products, mappings)
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
    path: Path,
    fh: FileHealth,
    tables: list,
    products: dict[str, str],
    mappings: Mappings | None,
) -> tuple[FileHealth, DatedFile | None]:
    source = open_source(path)
    match: HeaderMatch | None = None
    closest: tuple[HeaderMatch, str | None] | None = None
    sheets_seen = 0
    peek = None
    for peek in source.sheets():
        if not peek.rows:
            continue
        sheets_seen += 1
        match, near = find_header(peek.rows, tables, path.name)
        if match:
            break
        if near and (closest is None or near.score() > closest[0].score()):
            closest = (near, peek.name)
    if match is None or peek is None:
        raise _no_header(path, fh, sheets_seen, closest, source.kind)

    report = match.report
    fh.report, fh.sheet, fh.header_row = report.key, peek.name, match.row
    ignored = match.ignored
    fh.columns_ignored = ignored[:COLUMNS_IGNORED_LISTED] + (
        [f"... and {len(ignored) - COLUMNS_IGNORED_LISTED:,} more"]
        if len(ignored) > COLUMNS_IGNORED_LISTED
        else []
    )
    set_report_date(fh, path, [r for r in peek.rows if r[0] < match.row - match.stacked])
    text_cols = [c for f, c in match.columns.items() if report.column(f).kind in TEXT_KINDS]
    grid = source.load(peek, match.row, text_cols, match.columns_to_load(MAX_COLUMNS_LOADED))
    rows = build_rows(grid, match, products, owner_statuses(report, mappings))
    rows.problems.extend(_header_notes(match))
    if rows.rows_read == 0:
        raise ExportFileError(
            f"no data rows below the header ({_sheet_words(peek.name)}header row {match.row})"
        )
    if report.key == "claims":
        check_incurred(rows)
    fh.rows_read = rows.rows_read
    fh.products_to_other = rows.products_to_other
    return fh, DatedFile(fh, report, rows, path.stat().st_mtime)


def _header_notes(match: HeaderMatch) -> list[Problem]:
    """Two columns matching one field; a header stacked on two rows."""
    out = []
    for fld, used, ignored in match.doubles:
        out.append(Problem(
            match.row, ignored,
            f'"{match.labels[ignored]}" and "{match.labels[used]}" ({column_letter(used)}'
            f"{match.row}) both name {match.report.column(fld).canonical}: "
            f'"{match.labels[used]}" is the closer name and is used, this column is ignored',
        ))
    if match.stacked:
        first = min(match.labels)
        out.append(Problem(
            match.row - 1, first,
            f"the header is written on two rows ({match.row - 1} and {match.row}): read as one, "
            "each column's two labels joined",
        ))
    return out


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
        fh.near_miss = True
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


def _finish_file(r: DatedFile) -> None:
    """Row counts, the 5% rule, the problems with their cell addresses, the period covered."""
    fh, rows = r.health, r.rows
    fh.rows_rejected = rows.bad_rows + rows.unknown_status_rows
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
