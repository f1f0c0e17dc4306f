"""Regenerate the generated parts of docs/: functions.md (from the worksheet-function catalogue),
exports.md (from the report contract) and the dashboard screenshots in docs/img/ (the sample data
refreshed, rendered by LibreOffice).

    python docs/make_docs.py [--no-screenshots]
"""

from __future__ import annotations

import argparse
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
    from agency_xl.dashboards.whatif import example_value, reads_history, takes_caller
    from agency_xl.excel.functions import CATALOG

    lines = ["# Worksheet functions", "",
             "Generated from the function catalogue by `python docs/make_docs.py`; do not edit by hand.",
             "Type them in any cell after pressing **Import Functions** once (Home sheet). Ratios are "
             "decimals (0.68 = 68%); a bad argument shows `#VALUE!` with what was expected.", ""]
    by_cat: dict[str, list] = {}
    for f in CATALOG.values():
        by_cat.setdefault(f.category, []).append(f)
    sample = str(ROOT / "data" / "sample")
    for cat in sorted(by_cat):
        lines += [f"## {cat}", ""]
        for f in sorted(by_cat[cat], key=lambda f: f.name):
            args = ", ".join(f"[{a.name}]" if a.optional else a.name for a in f.args if a.kind != "caller")
            lines += [f"### {f.name}({args})", "", f.help, ""]
            lines += ["| argument | meaning |", "|---|---|"]
            lines += [f"| `{a.name}` | {a.help} |" for a in f.args if a.kind != "caller"]
            value = example_value(f, sample if takes_caller(f) else None)
            lines += ["", f"Result unit: {f.unit or 'number'}. Example: `{f.example_formula()}` returns "]
            if reads_history(f):
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
            if takes_caller(f) and not reads_history(f):
                lines.append("(computed here on the bundled sample exports; in Excel it reads the folder on Settings)")
            lines.append("")
    return "\n".join(lines)


def exports_md() -> str:
    from agency_xl.ams.reports import PRODUCT_ALIASES, PRODUCTS, REPORTS

    lines = ["# The exports agency_xl reads", "",
             "Generated from `agency_xl/ams/reports.py` by `python docs/make_docs.py`.", "",
             "Save the reports from your AMS and lead vendors into one folder (the exports folder on the "
             "Settings sheet) as they come: .xlsx, .xlsm, .xls, .csv or the HTML \"Excel\" files many AMS "
             "produce. File names do not matter: each report is recognised by its header row. Several files of "
             "the same report (one per month) are combined; when two files hold the same row, the later report "
             "date wins. Your files are never changed.", "",
             "Column names are matched ignoring case, spaces and trailing `:`/`.`; `#`, `No`, `Num` and "
             "`Number` are interchangeable. When your export calls a column differently, add it to the "
             "column mapping table on the Settings sheet. (R) = required.", ""]
    for r in REPORTS.values():
        lines += [f"## {r.title}", "", "| column | also accepted |", "|---|---|"]
        for c in r.columns:
            lines.append(f"| {c.canonical}{' (R)' if c.required else ''} | {', '.join(c.aliases) or '—'} |")
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
                block = Block(f.name or f"value_{f.cell}", f.cell, [""] * width, rows, formats=formats,
                              header=False, row_formats=[fmt] * len(rows) if width > 1 else None)
            sheet.blocks.append(block)
        sheet.formulas = []
    return sheets


def screenshots() -> list[Path]:
    """Refresh the sample into a temporary workbook, render every sheet with LibreOffice, keep one
    PNG per sheet under docs/img/ named after the sheet."""
    from agency_xl.ams import read_exports
    from agency_xl.assumptions import Assumptions
    from agency_xl.dashboards import build_all
    from agency_xl.excel.builder import build_workbook

    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        sys.exit("screenshots need LibreOffice and poppler: apt-get install -y libreoffice-calc-nogui poppler-utils")
    img = DOCS / "img"
    img.mkdir(exist_ok=True)
    sample = ROOT / "data" / "sample"
    data = read_exports(sample)
    sheets = as_excel_shows(build_all(data, Assumptions(), "data/sample"))
    names = [s.name for s in sheets]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        book = build_workbook(sheets, t / "agency_dashboard.xlsx")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{t}/profile", "--headless", "--convert-to",
                        'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}',
                        "--outdir", str(t), str(book)], check=True, capture_output=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(t / "agency_dashboard.pdf"), str(t / "page")],
                       check=True, capture_output=True)
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
