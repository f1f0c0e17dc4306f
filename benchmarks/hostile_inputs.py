"""Memory and time of ``read_exports`` on the hostile and odd files of issue 10.

    python benchmarks/hostile_inputs.py [--only NAME ...] [--keep DIR]
    PYTHONPATH=/path/to/other/checkout python benchmarks/hostile_inputs.py   # its reader, same files

Each case is a folder written here (by ``tests/odd_exports.py`` and the test fixtures, as the
tests write them, some of them larger), read once by ``read_exports`` in a fresh subprocess under
a 3 GB address-space limit, so a runaway case fails alone instead of taking the machine. The
table gives, per case: what happened to the file (read, refused, the stray cell left out), the
wall time of ``read_exports`` alone, and the process's peak resident memory (``VmHWM``: the
interpreter and libraries included; "imports MB" is the same process before reading). A child
killed by a signal (calamine's abort on a huge sheet is SIGABRT) is shown as such. The tests
assert what the reader does with each file; the numbers are only here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from bench_common import machine
from read_exports import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent

ADDRESS_SPACE = 3 * 2**30
CLAIMS_HEADER = ["Claim #", "Policy #", "LOB", "Date of Loss", "Status", "Paid Loss", "Reserve"]
LEADS_HEADER = ["Lead ID", "Received Date", "Lead Vendor", "Lead Cost", "Disposition"]


def claims_rows(n: int) -> list[list]:
    return [[f"C-{i}", f"P-{i}", "PPA", "10/01/2025", "Open", 100.0 + i, 0.0] for i in range(n)]


def _stray(ref: tuple[int, int] | None) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(folder / "claims.xlsx"))
        ws = wb.add_worksheet("Sheet1")
        ws.write_row(0, 0, CLAIMS_HEADER)
        for i, row in enumerate(claims_rows(300), 1):
            ws.write_row(i, 0, row)
        if ref:
            ws.write_string(*ref, "x")
        wb.close()

    return write


def _lying_dimension(folder: Path) -> None:
    from tests.odd_exports import write_raw_xlsx

    write_raw_xlsx(folder / "claims.xlsx", [CLAIMS_HEADER] + claims_rows(300),
                   dimension="A1:G301", extra_cells=[("XFD1048576", "x")])


def _lying_zip(folder: Path) -> None:
    """The issue's case: some 3 MB of deflated leads whose header says 1 MB, inflating to 700 MB
    (rows without row numbers, as some writers leave them, compress 200 to 1)."""
    from tests.odd_exports import SHEET_HEAD, lie_about_size, write_workbook_stream

    row = ('<row><c t="inlineStr"><is><t>L-1</t></is></c><c><v>45931</v></c>'
           '<c t="inlineStr"><is><t>EverQuote</t></is></c><c><v>12.5</v></c>'
           '<c t="inlineStr"><is><t>Quoted</t></is></c></row>').encode()
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in LEADS_HEADER).encode()
    block = row * 10_000

    def sheet(f) -> None:  # noqa: ANN001
        f.write(SHEET_HEAD.encode() + b"<sheetData><row>" + header + b"</row>")
        for _ in range(700 * 2**20 // len(block)):
            f.write(block)
        f.write(b"</sheetData></worksheet>")

    path = write_workbook_stream(folder / "leads.xlsx", sheet, level=9)
    lie_about_size(path, "xl/worksheets/sheet1.xml", 2**20)


def _bomb(folder: Path) -> None:
    with zipfile.ZipFile(folder / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            chunk = b"<row>" + b" " * (2**20 - 5)
            for _ in range(400):
                f.write(chunk)


def _wide_csv(columns: int) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        from tests.odd_exports import write_wide_csv

        write_wide_csv(folder / "claims.csv", CLAIMS_HEADER, claims_rows(1000), columns)

    return write


def _html_spans(folder: Path) -> None:
    header = "".join(f"<th>{h}</th>" for h in CLAIMS_HEADER)
    body = "".join(
        f'<tr><td>C{i}</td><td>P{i}</td><td>PPA</td><td>09/01/2025</td><td rowspan="1000000000">'
        f"Open</td><td>{i}</td><td>0</td></tr>" for i in range(2000)
    )
    (folder / "claims.xls").write_text(
        '<html><body><table><tr><td colspan="1000000000">Claims Detail Report</td></tr>'
        f"<tr>{header}</tr>{body}</table></body></html>"
    )


def _html_cell_bomb(folder: Path) -> None:
    row = '<tr><td colspan="16384">x</td></tr>' * 5_000
    (folder / "claims.xls").write_text(f"<html><body><table>{row}</table></body></html>")


def _sample(folder: Path) -> None:
    from agency_xl.sample_data import write_sample_exports

    write_sample_exports(folder, households=1000, seed=7, as_of=dt.date(2025, 10, 31))


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "sample": ("the 1,000-household sample folder, for scale", _sample),
    "stray_far": ("'x' at XFD1048576 beside 300 claims (calamine: SIGABRT)", _stray((1_048_575, 16_383))),
    "stray_last_row": ("'x' at A1048576 beside 300 claims (5x the memory)", _stray((1_048_575, 0))),
    "stray_last_col": ("'x' at XFD6 beside 300 claims", _stray((5, 16_383))),
    "lying_dimension": ("dimension A1:G301, 'x' at XFD1048576", _lying_dimension),
    "lying_zip": ("3 MB declaring 1 MB, inflating to 700 MB", _lying_zip),
    "bomb": ("400 MB of blanks declared honestly (a bomb)", _bomb),
    "csv_50000_columns": ("1,000 claims padded to 50,000 columns", _wide_csv(50_000)),
    "csv_16384_columns": ("1,000 claims padded to 16,384 columns", _wide_csv(16_384)),
    "html_spans": ("colspan and rowspan of a billion", _html_spans),
    "html_cells": ("5,000 rows of colspan 16,384 (82M cells)", _html_cell_bomb),
}


def child(folder: Path) -> None:
    """Read ``folder`` once in this fresh process; print what happened, time and memory (JSON)."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    from agency_xl.ams import read_exports

    base = peak_rss_mb()
    t = time.perf_counter()
    data = read_exports(folder)
    seconds = time.perf_counter() - t
    outcome = []
    for f in data.health.files:
        if f.rejected or f.skipped:
            outcome.append((f.rejected or f.skipped)[:110])
        elif f.report:
            stray = [p for p in f.problems if "far outside" in p]
            outcome.append(f"{f.path}: {f.rows_read:,} rows read" + ("; stray left out" if stray else ""))
    print(json.dumps({"base_mb": base, "peak_mb": peak_rss_mb(), "seconds": seconds,
                      "outcome": outcome if len(outcome) <= 2 else [f"{len(outcome)} files read"]}))


def run_case(folder: Path) -> dict:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child", str(folder)], capture_output=True,
                         text=True)
    if out.returncode < 0:
        name = signal.Signals(-out.returncode).name
        return {"outcome": [f"killed by {name}"], "seconds": time.perf_counter() - t,
                "peak_mb": float("nan"), "base_mb": float("nan")}
    if out.returncode:
        return {"outcome": [out.stderr.strip().splitlines()[-1][:110]], "seconds": float("nan"),
                "peak_mb": float("nan"), "base_mb": float("nan")}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", nargs="*", choices=list(CASES))
    ap.add_argument("--keep", type=Path, help="write the cases here and keep them")
    ap.add_argument("--child", type=Path)
    args = ap.parse_args()
    if args.child:  # reads with the agency_xl on PYTHONPATH (another checkout, to compare)
        child(args.child)
        return
    sys.path.insert(0, str(ROOT))  # the files are written by this checkout's tests/odd_exports.py
    root = args.keep or Path(tempfile.mkdtemp(prefix="hostile_"))
    print(f"\nread_exports on hostile inputs; {machine()}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"each read in a fresh process limited to {ADDRESS_SPACE // 2**30} GB of address space\n")
    print(f"{'case':20s} {'size MB':>8s} {'read s':>7s} {'peak MB':>8s} {'imports MB':>10s}  outcome")
    for name in args.only or CASES:
        what, write = CASES[name]
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            write(folder)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        r = run_case(folder)
        print(f"{name:20s} {size:8.1f} {r['seconds']:7.2f} {r['peak_mb']:8.0f} {r['base_mb']:10.0f}"
              f"  {'; '.join(r['outcome'])}")
        print(f"{'':20s} ({what})")
    if not args.keep:
        import shutil

        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
