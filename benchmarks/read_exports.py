"""How fast ``read_exports`` reads a 25,000-household exports folder, next to two yardsticks.

    python benchmarks/read_exports.py [--households 25000] [--runs 5] [--openpyxl-runs 3]

The folder is generated once with ``agency_xl.sample_data.write_sample_exports`` and cached under
``benchmarks/_data/`` (git-ignored). Then, in this one process, the median of several runs of:

(a) ``read_exports(folder)``: everything (header detection, parsing, cleaning, combining), with
    its default of two files read at once, and (a1) with one file at a time;
(b) plain pandas: ``pandas.read_excel(engine="openpyxl")`` of each workbook with the header row
    given and no processing (``pandas.read_csv`` for the CSV files): what a straightforward
    reader costs;
(c) the floor: fastexcel (calamine -> Arrow) of each workbook with the header row given, and
    ``pyarrow.csv`` for the CSV files: loading the cells and nothing else.

Peak memory is measured for each in a fresh subprocess (``ru_maxrss``: the whole process, the
Python interpreter and the imported libraries included), next to the same process's size after
the imports alone. The targets are in the printed table; README.md keeps a copy of the results.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench_common import exports_folder, machine  # shared by the benchmark scripts

HERE = Path(__file__).resolve().parent


def layout(folder: Path) -> list[tuple[Path, str | None, int]]:
    """(file, sheet, header row) of each report file, as read_exports found them."""
    from agency_xl.ams import read_exports

    data = read_exports(folder)
    return [
        (folder / f.path, f.sheet, f.header_row)
        for f in data.health.files
        if f.header_row is not None
    ]


def run_reader(folder: Path, threads: int = 2) -> None:
    import agency_xl.ams.reader as reader

    saved, reader.READ_THREADS = reader.READ_THREADS, threads
    try:
        reader.read_exports(folder)
    finally:
        reader.READ_THREADS = saved


def run_openpyxl(files: list[tuple[Path, str | None, int]]) -> None:
    import pandas as pd

    for path, sheet, header in files:
        if path.suffix.lower() == ".csv":
            pd.read_csv(path, skiprows=header - 1, encoding_errors="replace", on_bad_lines="skip")
        else:
            pd.read_excel(path, sheet_name=sheet, header=header - 1, engine="openpyxl")


def run_floor(files: list[tuple[Path, str | None, int]]) -> None:
    import fastexcel
    from pyarrow import csv as pacsv

    for path, sheet, header in files:
        if path.suffix.lower() == ".csv":
            pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(skip_rows=header - 1, encoding="latin-1"),
                parse_options=pacsv.ParseOptions(invalid_row_handler=lambda row: "skip"),
            )
        else:
            fastexcel.read_excel(path).load_sheet(sheet, header_row=header - 1).to_arrow()


def median_time(fn: Callable[[], None], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def child(kind: str, folder: Path) -> None:
    """Run one variant once in this (fresh) process and print its memory, as JSON."""
    import fastexcel  # noqa: F401  (the imports every variant needs, before the baseline)
    import pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401

    import agency_xl.ams.reader  # noqa: F401

    base = peak_rss_mb()
    files = [(Path(p), s, h) for p, s, h in json.loads(os.environ["BENCH_LAYOUT"])]
    {
        "reader": lambda: run_reader(folder),
        "reader1": lambda: run_reader(folder, threads=1),
        "openpyxl": lambda: run_openpyxl(files),
        "floor": lambda: run_floor(files),
    }[kind]()
    print(json.dumps({"base_mb": base, "peak_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's peak resident size. Linux's VmHWM starts afresh at exec; ru_maxrss does not
    (a child started from a big parent reports the parent's peak), so it is only the fallback."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(kind: str, folder: Path, files: list) -> dict[str, float]:
    env = dict(os.environ, BENCH_LAYOUT=json.dumps([(str(p), s, h) for p, s, h in files]))
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--folder", str(folder)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--households", type=int, default=25_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--openpyxl-runs", type=int, default=3)
    ap.add_argument("--child", choices=["reader", "reader1", "openpyxl", "floor"])
    ap.add_argument("--folder", type=Path)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.folder)
        return

    folder = exports_folder(args.households)
    files = layout(folder)  # also warms the OS file cache and the imports
    size = sum(p.stat().st_size for p, _, _ in files)
    import pandas as pd

    print(f"\n{folder.name}: {len(files)} files, {size / 2**20:.1f} MB; {machine()}")
    print(
        f"pandas {pd.__version__}; medians of {args.runs} runs "
        f"({args.openpyxl_runs} for openpyxl); load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
    )

    results = {}
    for kind, fn, runs in (
        ("reader", lambda: run_reader(folder), args.runs),
        ("reader1", lambda: run_reader(folder, threads=1), args.runs),
        ("floor", lambda: run_floor(files), args.runs),
        ("openpyxl", lambda: run_openpyxl(files), args.openpyxl_runs),
    ):
        med, times = median_time(fn, runs)
        mem = memory(kind, folder, files)
        results[kind] = (med, times, mem)

    names = {
        "reader": "(a) read_exports (everything)",
        "reader1": "(a1) read_exports, one file at a time",
        "openpyxl": "(b) pandas.read_excel(openpyxl) / read_csv",
        "floor": "(c) floor: fastexcel -> Arrow / pyarrow.csv",
    }
    print(f"{'':46s} {'median s':>9s} {'runs s':>24s} {'peak MB':>8s} {'imports MB':>10s}")
    for kind in ("reader", "reader1", "openpyxl", "floor"):
        med, times, mem = results[kind]
        runs_text = " ".join(f"{t:.2f}" for t in times)
        print(
            f"{names[kind]:46s} {med:9.2f} {runs_text:>24s} {mem['peak_mb']:8.0f} "
            f"{mem['base_mb']:10.0f}"
        )
    reader, floor, plain = (results[k][0] for k in ("reader", "floor", "openpyxl"))
    peak = results["reader"][2]["peak_mb"]
    print()
    print(
        f"read_exports / floor:    {reader / floor:5.2f}x   (target <= 1.5x; one file at a time: "
        f"{results['reader1'][0] / floor:.2f}x)"
    )
    print(f"openpyxl / read_exports: {plain / reader:5.1f}x   (target >= 5x)")
    print(f"read_exports:            {reader:5.2f} s   (target < 3 s on 2 cores)")
    print(f"read_exports peak RSS:   {peak:5.0f} MB  (target < 400 MB)")


if __name__ == "__main__":
    main()
