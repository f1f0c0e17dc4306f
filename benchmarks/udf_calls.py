"""Python-side cost of worksheet functions, as Excel calls them.

Measures, median of several repeats, per call:
- every scalar function of the catalogue on its worked example (the catalogue's safe wrapper: argument
  checks, the model, the result conversion), and the same through xlwings' converters;
- table functions fed 10,000 rows (SEGMENT_SUMMARY over 10,000 households, SEASONAL_INDEX over
  10,000 sale dates), alone and through xlwings' converters (the test harness's stand-in for the
  Windows engine does the per-cell cleaning of the argument ranges), and xlwings' conversion of a
  10,000-row result: the default one, and "raw", the one the table functions use;
- AMS_METRIC on a cached exports folder (the exports are read once, then looked up).
Targets (issue 6): scalar < 20 us, a 10,000-row table < 5 ms, cached AMS_METRIC < 50 us.
The machine may be shared: run it twice and look at the load average printed.

    python benchmarks/udf_calls.py [--write]   (--write replaces this script's section of benchmarks/README.md)
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the xlwings harness (pywin32 stubbed)


def per_call(fn, number: int, repeat: int = 5) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t) / number)
    return statistics.median(times)


def main() -> None:
    import numpy as np
    import xlwings_harness as xh

    from agency_xl.dashboards.whatif import excel_args, takes_caller
    from agency_xl.functions import CATALOG

    load = os.getloadavg()
    udfs = xh.udf_module()
    rows = []
    for name in sorted(CATALOG):
        f = CATALOG[name]
        if f.returns == "table" or (takes_caller(f) and f.measured_defaults is None):
            continue
        args = excel_args(f.example)
        rows.append((f"{name} (scalar)", per_call(lambda: f.safe(*args), 2000), 20e-6))
        rows.append((f"{name} via xlwings converters", per_call(lambda: xh.call_like_excel(udfs, name, *args), 500), None))

    rng = np.random.default_rng(1)
    if "SEGMENT_SUMMARY" in CATALOG:
        products = [[float(x)] for x in rng.integers(1, 5, 10_000)]
        premium = [[float(x)] for x in rng.uniform(300, 6000, 10_000)]
        f = CATALOG["SEGMENT_SUMMARY"]
        rows.append(("SEGMENT_SUMMARY, 10,000 households in", per_call(lambda: f.safe(products, premium), 20), 5e-3))
        rows.append(("SEGMENT_SUMMARY, 10,000 households, via xlwings converters",
                     per_call(lambda: xh.call_like_excel(udfs, "SEGMENT_SUMMARY", products, premium), 10), None))
    if "SEASONAL_INDEX" in CATALOG:
        base = dt.datetime(2023, 1, 1)
        dates = [[base + dt.timedelta(days=int(d))] for d in rng.integers(0, 1000, 10_000)]
        f = CATALOG["SEASONAL_INDEX"]
        rows.append(("SEASONAL_INDEX, 10,000 dates in", per_call(lambda: f.safe(dates), 20), 5e-3))
        rows.append(("SEASONAL_INDEX, 10,000 dates, via xlwings converters",
                     per_call(lambda: xh.call_like_excel(udfs, "SEASONAL_INDEX", dates), 10), None))
    from xlwings import conversion
    big = [["Month", "A", "B", "C", "D"]] + [[i, 1.0 * i, 2.0, 3.0, "x"] for i in range(10_000)]
    rows.append(("xlwings default conversion of a 10,000-row result",
                 per_call(lambda: conversion.write(big, None, {}), 20), None))
    rows.append(('xlwings "raw" conversion of it (what table functions use)',
                 per_call(lambda: conversion.write(big, None, {"convert": "raw"}), 20), 5e-3))

    sample = HERE.parent / "data" / "sample"
    if sample.is_dir() and "AMS_METRIC" in CATALOG:
        f = CATALOG["AMS_METRIC"]
        t = time.perf_counter()
        f.safe("retention", None, None, str(sample))
        first = time.perf_counter() - t
        rows.append(("AMS_METRIC first call (reads the exports)", first, None))
        rows.append(("AMS_METRIC cached", per_call(lambda: f.safe("retention", None, None, str(sample)), 5000), 50e-6))
        rows.append(("AMS_METRIC cached, by product",
                     per_call(lambda: f.safe("retention", "Auto", None, str(sample)), 5000), 50e-6))

    from refresh import machine, update_readme  # benchmarks/ is on the path as the script's folder

    lines = [f"udf_calls.py, {dt.datetime.now():%Y-%m-%d %H:%M}; {machine()}",
             f"median of 5 repeats; load average before: {' '.join(f'{x:.1f}' for x in load)}", "",
             "| what | per call | target | ok |", "|---|---:|---:|---|"]
    for what, sec, target in rows:
        per = f"{sec * 1e6:,.1f} us" if sec < 1e-3 else f"{sec * 1e3:,.2f} ms"
        tgt = "" if target is None else (f"{target * 1e6:.0f} us" if target < 1e-3 else f"{target * 1e3:.0f} ms")
        ok = "" if target is None else ("yes" if sec <= target else "NO")
        lines.append(f"| {what} | {per} | {tgt} | {ok} |")
    text = "\n".join(lines)
    print(text)
    if "--write" in sys.argv:
        update_readme("udf_calls.py", "Worksheet-function call costs (`benchmarks/udf_calls.py`)", text)


if __name__ == "__main__":
    main()
