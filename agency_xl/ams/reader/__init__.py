"""``read_exports(folder) -> AmsData``: every file of the exports folder into typed tables.

The contract is ../shared/AMS_EXPORTS.md. For each file (sorted by name): recognise the report by
its header row (``header.py``), load its rows in one pass (``sources/``), type and clean them
(``rows/``, ``parse/``, ``products.py``, ``statuses.py``). Then, across files (``dates.py``,
``combine.py``): decide the as-of date from the book of business, set aside dates a row cannot
have, reject a file when more than 5% of its rows are bad, count a key repeated within one file
once, keep only the latest book, combine the files of each report (a key seen in several files is
taken from the latest report), and record how far each report's data reaches
(``AmsData.coverage``).

Data Health (``AmsData.health``) has one ``FileHealth`` per file. In it ``rows_read`` counts the
data rows found (blank, footer and title lines excluded) and ``rows_rejected`` the rows of those
left out (a bad value, or a status nobody mapped; all of them when the whole file is rejected).

Decisions the contract leaves open (the date rules are in ``dates.py``):
- Negative prices are bad values (see ``rows/values.py``).
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
without holding Python's lock) under a memory budget; ../../../benchmarks/README.md has the speed
and memory measured on a 25,000-household folder.

Here: the folder (every file, then across files). In ``export_file``: one file. In ``memory``:
reading within a memory budget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from agency_xl.ams.combine import combine_report, derive_sales, drop_repeated_keys, finish_table
from agency_xl.ams.data import AmsData, DataHealth, FileHealth, Mappings
from agency_xl.ams.dates import DatedFile, as_of_date, check_dates, coverage, date_warnings, save_time_notes
from agency_xl.ams.errors import NoReportsFound
from agency_xl.ams.folder import DEAD_LINK_REASON, list_folder
from agency_xl.ams.header import alias_tables
from agency_xl.ams.products import product_lookup
from agency_xl.ams.reader.export_file import (
    COLUMNS_IGNORED_LISTED,
    EXTENSIONS,
    MAX_BAD_SHARE,
    MAX_COLUMNS_LOADED,
    MAX_PROBLEMS_LISTED,
    _finish_file,
    _not_an_export,
    _read_file,
)
from agency_xl.ams.reader.memory import _MemoryGate, _return_free_memory, _system_allocator
from agency_xl.ams.reports import REPORTS
from agency_xl.ams.sources import load_weight

__all__ = [
    "COLUMNS_IGNORED_LISTED", "EXTENSIONS", "MAX_BAD_SHARE", "MAX_COLUMNS_LOADED",
    "MAX_PROBLEMS_LISTED", "READ_BUDGET_BYTES", "READ_THREADS", "TRIM_AFTER_BYTES", "read_exports",
    "require_reports",
]

READ_THREADS = 2  # files read at once; the owner's laptop has at least two cores
# Cell data (uncompressed sheet XML, or CSV bytes) that may be in reading at once. Calamine holds
# a sheet's cells in memory while it parses (some 1.5 bytes per byte of XML), so two big files
# read together would add their peaks: a file bigger than this is read alone.
READ_BUDGET_BYTES = 48 * 2**20
# After a file this big, free heap pages go back to the system (see _return_free_memory). Not
# after small files: the pages would only be faulted in again, at some 0.2 s a folder.
TRIM_AFTER_BYTES = 8 * 2**20


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
    _set_aside_older_books(used, books, health.info)
    used = [r for r in used if not r.health.set_aside]

    data = AmsData(as_of=as_of, health=health)
    for key, report in REPORTS.items():
        parts = sorted((r for r in used if r.report.key == key), key=DatedFile.rank)
        tables = []
        for r in parts:  # each file's rows are let go as soon as they are in the combined table
            rows, keys = drop_repeated_keys(report, r.health, r.rows.table)
            tables.append((r.health, finish_table(report, rows), keys))
            r.rows.table = r.rows.table.iloc[:0]
        setattr(data, key, combine_report(report, tables, health.notes, health.info))
        del tables
    data.coverage = coverage(used, as_of)
    if data.sales is None and data.policies is not None:
        data.sales = derive_sales(data.policies)
        data.sales_derived = True
        data.coverage["sales"] = data.coverage["policies"]
        health.info.append(
            "No sales export found: new business is taken from the book of business "
            "(Original Effective Date as the issue date, Annual Premium as the premium)."
        )
    health.notes.extend(date_warnings(used, as_of, book_dated=bool(books) and not fixed))
    health.info.extend(save_time_notes(used))
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
