"""Small, messy AMS export files written into a test's tmp_path.

The files look like the contract's "What real files look like": title rows (merged), a "Run
Date" line, a blank row before the header, blank rows inside the data, footer rows, amounts as
text. Each helper returns the path it wrote.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

Rows = Sequence[Sequence[Any]]

CLAIMS_HEADER = ["Claim #", "Policy #", "LOB", "Date of Loss", "Status", "Paid Loss", "Reserve"]
CLAIMS_ROWS = [
    ["C-1001", "00012345", "PPA", dt.datetime(2025, 3, 4), "Closed", 1234.56, 0],
    ["C-1002", 778899.0, "HO-3", "10/15/2025", "Open", "$2,500.00", "$1,000.00"],
    ["C-1003", "00012346", "Homeowners", 45870, "Open", "(150.00)", "—"],
    ["C-1004", " 00012347 ", "Personal Umbrella Policy", "2025-06-30", "Closed", "-$12.00", None],
]

BOOK_HEADER = [
    "Policy No.",
    "Customer ID",
    "Named Insured",
    "Line of Business",
    "Policy Status",
    "Orig Eff Date",
    "Exp Date",
    "Written Premium",
    "Agent",
]
BOOK_ROWS = [
    [
        "P-001",
        "H1",
        "Ann Lee",
        "Private Passenger Auto",
        "Active",
        dt.datetime(2021, 5, 1),
        dt.datetime(2026, 5, 1),
        1450.0,
        "Sam",
    ],
    [
        "P-002",
        "H1",
        "Ann Lee",
        "HO3",
        "In Force",
        dt.datetime(2022, 1, 15),
        dt.datetime(2026, 1, 15),
        "$1,980.00",
        "Sam",
    ],
    [
        "P-003",
        "H2",
        "Bo Chan",
        "PUP",
        "Cancelled",
        dt.datetime(2020, 2, 1),
        dt.datetime(2025, 2, 1),
        310.0,
        "Kim",
    ],
    [
        "P-004",
        "H3",
        "Cy Diaz",
        "Boat",
        "Expired",
        dt.datetime(2019, 7, 1),
        dt.datetime(2024, 7, 1),
        420.5,
        "Kim",
    ],
]


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Rows,
    *,
    sheet: str = "Sheet1",
    titles: Sequence[str] = (
        "Acme Insurance Agency",
        "Claims Detail Report",
        "Run Date: 10/31/2025",
    ),
    footers: Rows = (["Grand Total"],),
    blank_after: Sequence[int] = (1,),
    start_col: int = 0,
    extra_sheets: dict[str, Rows] | None = None,
    hidden_sheets: dict[str, Rows] | None = None,
) -> Path:
    """A workbook: merged title rows, a blank row, the header, data (with blank rows), footers.

    ``extra_sheets`` are written before the report's sheet (e.g. a cover sheet); ``hidden_sheets``
    are written first and hidden.
    """
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "mm/dd/yyyy"})
    bold = wb.add_format({"bold": True})
    for name, data in (hidden_sheets or {}).items():
        ws = wb.add_worksheet(name)
        _write_rows(ws, 0, 0, data, date_fmt)
        ws.hide()
    for name, data in (extra_sheets or {}).items():
        _write_rows(wb.add_worksheet(name), 0, 0, data, date_fmt)
    ws = wb.add_worksheet(sheet)
    if hidden_sheets:
        ws.activate()
    r = 0
    width = max(len(header), 2)
    for title in titles:
        if width > 1:
            ws.merge_range(r, start_col, r, start_col + width - 1, title, bold)
        else:
            ws.write_string(r, start_col, title, bold)
        r += 1
    if titles:
        r += 1  # the blank row before the header
    for j, label in enumerate(header):
        ws.write_string(r, start_col + j, label, bold)
    r += 1
    for i, row in enumerate(rows):
        _write_rows(ws, r, start_col, [row], date_fmt)
        r += 1
        if i in blank_after:
            r += 1
    _write_rows(ws, r, start_col, footers, date_fmt)
    wb.close()
    return path


def _write_rows(ws: Any, r0: int, c0: int, rows: Rows, date_fmt: Any) -> None:
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, (dt.datetime, dt.date)):
                ws.write_datetime(r0 + i, c0 + j, v, date_fmt)
            elif isinstance(v, str):
                ws.write_string(r0 + i, c0 + j, v)  # text stays text ("00123", "$1.00")
            else:
                ws.write(r0 + i, c0 + j, v)


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dt.datetime, dt.date)):
        return f"{v:%m/%d/%Y}"
    return str(v)


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Rows,
    *,
    encoding: str = "utf-8",
    titles: Sequence[str] = ("Claims Detail Report", "Run Date: 10/31/2025"),
    footers: Rows = (["Total"],),
    delimiter: str = ",",
) -> Path:
    """A CSV export with title lines, a blank line, the header, data and footers."""
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        for t in titles:
            w.writerow([t])
        if titles:
            w.writerow([])
        w.writerow(header)
        for row in rows:
            w.writerow([_cell_text(v) for v in row])
        for row in footers:
            w.writerow([_cell_text(v) for v in row])
    return path


def write_html_xls(
    path: Path,
    header: Sequence[str],
    rows: Rows,
    *,
    title: str = "Claims Detail Report",
    run_date: str = "Run Date: 10/31/2025",
    encoding: str = "utf-8",
) -> Path:
    """An HTML table saved with an .xls name, the way many AMS "Excel" exports come."""
    width = len(header)
    cells = "".join(f"<th>{h}</th>" for h in header)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{_escape(_cell_text(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    html = (
        f'<html><head><meta charset="{encoding}"><title>{title}</title></head><body>\n'
        f"<table border=1>\n<tr><td colspan={width}><b>{title}</b></td></tr>\n"
        f"<tr><td colspan={width}>{run_date}</td></tr>\n<tr>{cells}</tr>\n{body}\n"
        f"<tr><td>Total</td>{'<td></td>' * (width - 1)}</tr>\n</table></body></html>\n"
    )
    path.write_bytes(html.encode(encoding))
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_xls(xlsx: Path, out_dir: Path) -> Path:
    """A real legacy (BIFF8) .xls, converted from ``xlsx`` by LibreOffice."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "lo_profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(out_dir),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.rmtree(profile, ignore_errors=True)
    return out_dir / (xlsx.stem + ".xls")


def folder_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, to show the exports were not touched."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
