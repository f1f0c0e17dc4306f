"""The Data Health sheet: per file, what was read, skipped or rejected and why; per report, how
far its data reaches (the day its figures' windows end); and every problem, named by file and
cell."""

from __future__ import annotations

import datetime as dt

from agency_xl.ams import AmsData
from agency_xl.ams.dates import MODIFICATION_TIME
from agency_xl.ams.reports import REPORTS
from agency_xl.dashboards.spec import Block, Label, Sheet

FILE_ROWS = 40
PROBLEM_ROWS = 300
INFO_ROWS = 10
# How the Files table names where a report date came from (ams.dates: title row, file name, or the
# file's modification time, which the owner knows as the time he saved it).
DATE_FROM = {MODIFICATION_TIME: "file's save time"}


def _d(value: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(value, dt.time()) if value else None


def build(data: AmsData | None) -> Sheet:
    problems_at = FILE_ROWS + INFO_ROWS + 13  # 1-based row: below the files and the information list
    sheet = Sheet("data_health", "Data Health", "Data Health", tab_color="#C00000")
    sheet.labels = [
        Label("A1", "Data Health: what was read from your exports folder", "title"),
        Label("A2", "Fix what is listed here in the exports (or map names on Settings), then Refresh. "
                    "Your export files are never changed.", "note"),
        Label("A4", "Files", "heading"),
        Label(f"A{FILE_ROWS + 8}", "Information (no problem: nothing to fix)", "heading"),
        Label(f"A{problems_at - 1}", "Problems (first 300)", "heading"),
    ]
    files = data.health.files if data else []
    rows = []
    for f in sorted(files, key=lambda f: f.path.lower())[:FILE_ROWS]:
        state = ("REJECTED" if f.rejected else "SKIPPED" if f.skipped else
                 "NOT USED" if f.set_aside else "OK")
        why = f.rejected or f.skipped or f.set_aside or (f"{len(f.problems)} problems" if f.problems else "")
        rows.append([
            f.path, REPORTS[f.report].title if f.report else None, f.sheet, f.header_row,
            _d(f.report_date), DATE_FROM.get(f.report_date_source, f.report_date_source), f.rows_read, f.rows_rejected, state, why,
            ", ".join(f.columns_ignored) or None, ", ".join(f.products_to_other) or None,
            f"{f.period[0]:%Y-%m-%d} to {f.period[1]:%Y-%m-%d}" if f.period else None,
        ])
    sheet.blocks.append(Block(
        "files", "A5",
        ["File", "Report", "Sheet", "Header row", "Report date", "Date from", "Rows read", "Rows rejected",
         "State", "Why", "Columns ignored", "Products shown as Other", "Period covered"],
        rows, n_rows=FILE_ROWS,
        formats=["@", "@", "@", "0", "yyyy-mm-dd", "@", "#,##0", "#,##0", "@", "@", "@", "@", "@"],
    ))
    problems = data.problems() if data else []
    if data and len(problems) > PROBLEM_ROWS:
        problems = problems[:PROBLEM_ROWS - 1] + [f"... and {len(problems) - PROBLEM_ROWS + 1} more"]
    sheet.blocks.append(Block(
        "problems", f"A{problems_at}", ["Problem"], [[p] for p in problems], n_rows=PROBLEM_ROWS,
        formats=["@"],
    ))
    sheet.labels.append(Label("O4", "Reports: how far each one's data reaches", "heading"))
    sheet.blocks.append(Block(
        "reports", "O5", ["Report", "Files used", "Rows", "Data from", "Figures end on"],
        _report_rows(data), n_rows=len(REPORTS),
        formats=["@", "#,##0", "#,##0", "yyyy-mm-dd", "yyyy-mm-dd"],
    ))
    # Worth knowing, but no problem (identical rows counted once, dates from a file's save time):
    # listed apart, above the problems, so the problems list holds only what to fix.
    info = data.health.info if data else []
    if len(info) > INFO_ROWS:
        info = info[:INFO_ROWS - 1] + [f"... and {len(info) - INFO_ROWS + 1} more"]
    sheet.blocks.append(Block("information", f"A{FILE_ROWS + 9}", ["Information"], [[i] for i in info],
                              n_rows=INFO_ROWS, formats=["@"]))
    sheet.column_widths = {0: 42, 1: 30, 2: 12, 3: 8, 4: 11, 5: 16, 6: 9, 7: 9, 8: 10, 9: 60, 10: 30,
                           11: 24, 12: 24, 13: 3, 14: 34, 15: 10, 16: 9, 17: 11, 18: 14}
    return sheet


def _report_rows(data: AmsData | None) -> list[list]:
    """One row per report: files used, rows, and the first and last day its data covers (the
    last is where its figures' windows end; ``AmsData.coverage``)."""
    if data is None:
        return []
    rows = []
    for key, report in REPORTS.items():
        table = data.table(key)
        used = [f for f in data.health.files
                if f.report == key and not (f.rejected or f.skipped or f.set_aside)]
        first, last = data.coverage.get(key, (None, None))
        title = report.title + (" (from the book)" if key == "sales" and data.sales_derived else "")
        rows.append([title, len(used), len(table) if table is not None else None, _d(first),
                     _d(last)])
    return rows
