"""Reading, part 2: one export file. Skip what is not an export, find the report's header row on
some sheet (or say which report it nearly is), load and type its rows, apply the 5% rule and
write its Data Health line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from agency_xl.ams.data import FileHealth, Mappings
from agency_xl.ams.dates import DatedFile, set_report_date
from agency_xl.ams.errors import ExportFileError
from agency_xl.ams.header import HEADER_SEARCH_ROWS, HeaderMatch, find_header
from agency_xl.ams.rows import TEXT_KINDS, Problem, build_rows, check_incurred
from agency_xl.ams.sources import open_source
from agency_xl.ams.sources.grid import column_letter
from agency_xl.ams.statuses import owner_statuses

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")
MAX_BAD_SHARE = 0.05  # more bad rows than this and the file is rejected as a whole
MAX_PROBLEMS_LISTED = 20  # per file; the rest are counted
# An export has tens of columns; a header with thousands of labels gets its report's columns and
# the first others loaded, this many in all (see HeaderMatch.columns_to_load).
MAX_COLUMNS_LOADED = 256
COLUMNS_IGNORED_LISTED = 50
_LOCK_FILE_REASON = "an Excel lock file (the workbook is open in Excel): ignored"


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
            return ExportFileError(f"{near.report.title} report, but {near.missing_message(sheet)}; "
                                   f"{near.mapping_advice()}")
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
