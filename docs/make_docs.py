"""Regenerate the generated parts of docs/: functions.md (from the worksheet-function catalogue),
exports.md (from the report contract) and the dashboard screenshots in docs/img/ (the sample data
refreshed, rendered by LibreOffice).

    python docs/make_docs.py [--no-screenshots]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def functions_md() -> str:
    from agency_xl.dashboards.whatif import defaults_used, example_value, reads_exports, reads_history
    from agency_xl.functions import CATALOG

    lines = ["# Worksheet functions", "",
             "Generated from the function catalogue by `python docs/make_docs.py`; do not edit by hand.",
             "Type them in any cell after pressing **Import Functions** once (Home sheet). Ratios are "
             "decimals (0.68 = 68%); a bad argument shows `#VALUE!` with what was expected.", ""]
    by_cat: dict[str, list] = {}
    for f in CATALOG.values():
        by_cat.setdefault(f.category, []).append(f)
    from agency_xl.ams import read_exports
    from agency_xl.assumptions import Assumptions
    from agency_xl.metrics import all_metrics

    sample = all_metrics(read_exports(ROOT / "data" / "sample"), Assumptions())
    for cat in sorted(by_cat):
        lines += [f"## {cat}", ""]
        for f in sorted(by_cat[cat], key=lambda f: f.name):
            args = ", ".join(f"[{a.name}]" if a.optional else a.name for a in f.args if a.kind != "caller")
            lines += [f"### {f.name}({args})", "", f.help, ""]
            lines += ["| argument | meaning |", "|---|---|"]
            lines += [f"| `{a.name}` | {a.help} |" for a in f.args if a.kind != "caller"]
            value = example_value(f, sample if reads_exports(f) else None)
            lines += ["", f"Result unit: {f.unit or 'number'}. Example: `{f.example_formula()}` returns "]
            if f.measured_defaults is not None:
                lines[-1] += "(and where its defaults came from):"
                lines += ["", f"- `{_fmt(example_value(f, None))}` on a blank sheet. {defaults_used(f, None)}",
                          f"- `{_fmt(value)}` with the bundled sample exports as the folder on Settings. "
                          f"{defaults_used(f, sample)}"]
            elif reads_history(f):
                lines[-1] += ("a table: a header row (\"As of\" and the name), then the as-of date and the "
                              "value of each refresh recorded in the history file beside the workbook (the "
                              "last N when `last` is given).")
            elif isinstance(value, list):
                head = value[:6]
                lines[-1] += "a table:"
                lines += ["", "| " + " | ".join(_fmt(v) for v in head[0]) + " |",
                          "|" + "---|" * len(head[0])]
                lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in head[1:]]
                if len(value) > 6:
                    lines.append(f"| ... {len(value) - 6} more rows |")
            else:
                lines[-1] += f"`{_fmt(value)}`."
            if reads_exports(f) and f.measured_defaults is None:
                lines.append("(computed here on the bundled sample exports; in Excel it reads the folder on Settings)")
            lines.append("")
    return "\n".join(lines)


def exports_md() -> str:
    from agency_xl.ams.combine import KEYS_NAMED
    from agency_xl.ams.dates import DISAGREE_DAYS
    from agency_xl.ams.reports import PRODUCT_ALIASES, PRODUCTS, REPORTS
    from agency_xl.ams.rows import EARLIEST_PLAUSIBLE_DATE
    from agency_xl.ams.sources import limits

    def bound(c) -> str:  # noqa: ANN001
        if c.most is None:
            return "—"
        if c.kind == "percent":
            return f"{c.most * 100:,.0f}%"
        return f"${c.most:,.0f}" if c.kind == "money" else f"{c.most:,.0f}"

    def key(r) -> str:  # noqa: ANN001
        return ", ".join(r.column(f).canonical for f in r.row_key)

    lines = ["# The exports agency_xl reads", "",
             "Generated from `agency_xl/ams/reports.py` by `python docs/make_docs.py`.", "",
             "Save the reports from your AMS and lead vendors into one folder (the exports folder on the "
             "Settings sheet) as they come: .xlsx, .xlsm, .xls, .csv (any line ends, Excel for Mac's "
             "included) or the HTML \"Excel\" files many AMS produce. File names do not matter: each report is "
             "recognised by its header row (one row, or two stacked rows), as the report whose required "
             "columns it matches best; when two reports fit equally, the one named in its title rows or file "
             "name wins. Your files are never changed.", "",
             "Column names are matched ignoring case, spaces and trailing `:`/`.`; `#`, `No`, `Num` and "
             "`Number` are interchangeable. A name accepted for a column in one report is accepted for the "
             "column of that name in every report. When two columns of a file match one column, the closer "
             "name is used (the column's own name, then the others in the order listed below) and both are "
             "named on the Data Health sheet. When your export calls a column differently, add it to the "
             "column mapping table on the Settings sheet. (R) = required.", "",
             "## How files are combined", "",
             "- Several files of the same report (one per month, or a monthly statement beside a year-to-date "
             "one) are combined. A row is identified by its report's key (below); across files each key is "
             "counted once, from the file with the later report date, and Data Health says how many were "
             "counted once. Keys are compared without case, spaces or the leading zeros Excel drops, amounts "
             "to the cent, so `7.20%` and 0.072, or `00012345` and 12345, are the same.",
             f"- Within one file, a key listed twice is counted once (its first row) and named on Data Health "
             f"(up to {KEYS_NAMED} per file).",
             "- The book of business is a snapshot: with several books in the folder, the latest decides what "
             "is in force; the older ones are shown as NOT USED and a note names the book used.",
             "",
             "## Dates", "",
             "- A file's report date is the date on a \"Run Date\", \"Report Date\", \"Statement Date\" or "
             "\"As of\" line above its header (the end of a period written there), else a date in its file "
             "name (`2025-10` is the end of October), else its modification time.",
             "- The dashboards' as-of date is the book of business's report date (without a book, the latest "
             "report date stated by a file, never after today). Each figure's window ends where its own "
             "export's data ends: a claims export pulled in September ends the claims figures in September.",
             f"- A file whose date is more than {DISAGREE_DAYS} days from the book's, or after today, is named "
             "in a note on Data Health; it is still read. An event (a loss, a statement, a sale, a lead) cannot "
             "be dated after its own file's report date; rows dated after the book but within their file's "
             "date (a statement pulled later) are kept. What happened to a row later (a lead or referral "
             "sold, a claim reported) may be dated after its file's date, up to the book's: a log saved one "
             "file per month, `referrals 2025-08.csv`, lists August's referrals with the sales made since, "
             "and gives the same figures as the same log in one file.",
             "",
             "## What is left out, and what you are told", "",
             "Every message names the file, and the cell where there is one (`claims.xlsx!Sheet1!F17`).", "",
             "- A value that cannot be read leaves its row out (a required column) or is left blank (an "
             "optional one). More than 5% of a file's rows with such values rejects the file.",
             f"- Implausible values are values that cannot be read: an amount beyond the largest accepted "
             f"(table below; a premium over $10,000,000) and a date before {EARLIEST_PLAUSIBLE_DATE.year} "
             "(1900 is a blank formatted as a date). Negative prices are refused too.",
             "- Excel errors (`#DIV/0!`, `#REF!`, `#VALUE!` ...) and formulas without a saved result are never "
             "read as \"nothing\": they are reported by cell in every format (open and save the file in Excel "
             "to save the results). `#N/A` means nothing.",
             "- A status the reader does not know (\"Pending Cancel\") leaves its rows out, is listed with "
             "their count and rows, and does not count towards the 5%: map it on the Settings sheet's status "
             "mapping table (Report, your status, canonical status).",
             "- Slashed dates are read month first, unless a column's values show it is day first "
             "(`31/10/2025`, or months all written `01/mm/yyyy`); Data Health says so.",
             "- Footers, page headers and total lines (\"Total\", \"Grand Total\", \"Auto Total\") are not data.",
             f"- Refused: files over {limits.MAX_FILE_BYTES // 2**20} MB, workbooks that unpack to more than "
             f"{limits.MAX_UNCOMPRESSED_BYTES // 2**20} MB (counted as they unpack, whatever the zip says), "
             "CSV rows wider than Excel's 16,384 columns. An HTML table's spans are cut at Excel's limits. A "
             "stray value far below or right of a report is not read, and named.",
             "- A folder with no report in it is refused by a refresh, which then writes nothing.",
             ""]
    for r in REPORTS.values():
        lines += [f"## {r.title}", "", f"Key: {key(r)}.", "",
                  "| column | also accepted (closest first) | largest accepted |", "|---|---|---|"]
        for c in r.columns:
            lines.append(f"| {c.canonical}{' (R)' if c.required else ''} | {', '.join(c.aliases) or '—'} "
                         f"| {bound(c)} |")
        if r.status_values:
            lines += ["", "Values: " + "; ".join(f"{k} ({', '.join(v)})" for k, v in r.status_values.items())]
        lines.append("")
    lines += ["## Products", "", "Canonical products: " + ", ".join(PRODUCTS) + ".", "",
              "| AMS name | product |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in sorted(PRODUCT_ALIASES.items())]
    lines += ["", "Other names become Other and are listed on the Data Health sheet; map them on Settings."]
    return "\n".join(lines) + "\n"


def as_excel_shows(sheets: list) -> list:
    """The sheets as Excel shows them once Import Functions has been pressed: every live formula
    replaced by the result Python computed for it (LibreOffice cannot run the worksheet functions,
    so it would show #NAME?). A spilled table becomes a block of the same name, so the charts that
    read it still find it."""
    from agency_xl.dashboards.spec import Block

    for sheet in sheets:
        for f in sheet.formulas:
            rows = f.values or [[f.value]]
            width = max(len(r) for r in rows)
            rows = [list(r) + [None] * (width - len(r)) for r in rows]
            fmt = f.format or "General"
            formats = list(f.column_formats) if getattr(f, "column_formats", None) else [fmt] * width
            if f.header and len(rows) > 1:
                block = Block(f.name or f"value_{f.cell}", f.cell, [str(v) for v in rows[0]], rows[1:],
                              formats=formats, header=True)
            else:
                # A table's value column formatted by row (AMS_METRICS), else by its column's format.
                by_row = [r or formats[1] for r in f.row_formats] if f.row_formats and width > 1 else None
                block = Block(f.name or f"value_{f.cell}", f.cell, [""] * width, rows, formats=formats,
                              header=False, row_formats=by_row)
            sheet.blocks.append(block)
        sheet.formulas = []
    return sheets


MAX_HEIGHT = 2400  # pixels of a screenshot, at 60 dpi: 40 inches of sheet
EARLIER_REFRESH = dt.date(2025, 8, 31)  # the sample as of this date is refreshed first, for the Scorecard's past


def screenshots() -> list[Path]:
    """Refresh the sample into a temporary workbook, render every sheet with LibreOffice, keep one
    PNG per sheet under docs/img/ named after the sheet. The workbook's history holds one earlier
    refresh (the same agency generated as of EARLIER_REFRESH), so the Scorecard shows a past point."""
    from agency_xl.ams import read_exports
    from agency_xl.assumptions import Assumptions
    from agency_xl.excel.builder import build_workbook
    from agency_xl.excel.refresh_history import figures_and_sheets, record_refresh
    from agency_xl.sample_data import write_sample_exports

    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        sys.exit("screenshots need LibreOffice and poppler: apt-get install -y libreoffice-calc-nogui poppler-utils")
    img = DOCS / "img"
    img.mkdir(exist_ok=True)
    sample = ROOT / "data" / "sample"
    data = read_exports(sample)
    # Home shows the folder read: the repository's own path, not the machine's the docs were made on.
    data.health.folder = "data/sample"
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        workbook = t / "agency_dashboard.xlsx"
        earlier = t / "earlier"
        write_sample_exports(earlier, as_of=EARLIER_REFRESH)
        _, _, metrics = figures_and_sheets(workbook, read_exports(earlier), Assumptions(), str(earlier), None)
        record_refresh(workbook, metrics)
        _, sheets, _ = figures_and_sheets(workbook, data, Assumptions(), "data/sample", None)
        sheets = as_excel_shows(sheets)
        names = [s.name for s in sheets]
        book = build_workbook(sheets, workbook)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{t}/profile", "--headless", "--convert-to",
                        'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}',
                        "--outdir", str(t), str(book)], check=True, capture_output=True)
        # Each sheet is one PDF page as tall as its content; the screenshot keeps its top MAX_HEIGHT
        # pixels (the Segments sheet lists every household to upgrade: 11,000 pixels, 3 MB).
        subprocess.run(["pdftoppm", "-r", "60", "-H", str(MAX_HEIGHT), "-png", str(t / "agency_dashboard.pdf"),
                        str(t / "page")], check=True, capture_output=True)
        pages = sorted(t.glob("page*.png"))
        out = []
        for name, page in zip(names, pages):
            dest = img / (name.lower().replace(" ", "_").replace("-", "_") + ".png")
            shutil.copy(page, dest)
            out.append(dest)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--no-screenshots", action="store_true")
    args = p.parse_args()
    (DOCS / "functions.md").write_text(functions_md(), encoding="utf-8")
    (DOCS / "exports.md").write_text(exports_md(), encoding="utf-8")
    print("wrote docs/functions.md and docs/exports.md")
    if not args.no_screenshots:
        for path in screenshots():
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
