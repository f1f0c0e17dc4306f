"""How long the backtests take (issue 13.5): every forecast rerun as of past month-ends on the
exports already read, and compared with what happened.

    python benchmarks/backtest.py [--sizes 1000 25000] [--runs 5] [--write]

For each size, the sample exports folder (``bench_common.exports_folder``: generated once, cached
under benchmarks/_data/) is read once with ``read_exports``; the backtests then run ``--runs``
times on that ``AmsData`` with the default Settings (6 month-ends per horizon, horizons 1, 3, 6:
11 month-ends in all), as the refresh will run them: nothing is read again. The table gives the
median wall-clock and CPU seconds of ``figures.backtest.backtests`` (the machine is shared: CPU
seconds move less with the other work on it), the month-ends rerun, and, from one more run with
timers, where the time goes: cutting the exports as of each month-end (the book rebuilt) and each
forecast. For scale, the refresh's eight model sheets (``build_model_sheets``) on the same data,
timed the same way: on a busy machine the ratio of the two CPU times moves least.

Targets: the backtests add under 1 s to the refresh of 1,000 households, under 5 s at 25,000.
``--write`` replaces this script's section of benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import statistics
import sys
import time
from typing import Any

from bench_common import exports_folder, machine
from refresh import update_readme

import agency_xl.figures.backtest as backtest_module
from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_model_sheets
from agency_xl.figures import compute_figures
from agency_xl.figures import forecasts

TARGETS = {1000: 1.0, 25_000: 5.0}
LOAD = os.getloadavg()


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def split(data: Any, settings: Assumptions) -> dict[str, float]:
    """CPU seconds per part of one backtest: the cuts of the exports, each forecaster, the rest."""
    spent: collections.Counter[str] = collections.Counter()
    history_as_of = forecasts.ExportsHistory.as_of

    def timed_as_of(self: Any, *args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return history_as_of(self, *args, **kwargs)
        finally:
            spent["cut the exports (book rebuilt)"] += time.process_time() - t

    def timed(name: str, f: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            t = time.process_time()
            try:
                return f(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - t
        return run

    originals = {m.key: m.forecaster for m in forecasts.MODELS}
    wrapped = {}
    for m in forecasts.MODELS:  # one timer per forecaster (the two cash forecasts share one)
        if m.forecaster not in wrapped:
            name = "cash projection" if m.forecaster is forecasts.cash_forecasts else m.key.replace("_", " ")
            wrapped[m.forecaster] = timed(name, m.forecaster)
    forecasts.ExportsHistory.as_of = timed_as_of
    for m in forecasts.MODELS:
        object.__setattr__(m, "forecaster", wrapped[originals[m.key]])
    try:
        t = time.process_time()
        backtest_module.backtests(data, settings)
        spent["comparisons, actuals, summaries"] = time.process_time() - t - sum(spent.values())
    finally:
        forecasts.ExportsHistory.as_of = history_as_of
        for m in forecasts.MODELS:
            object.__setattr__(m, "forecaster", originals[m.key])
    return dict(spent)


def measure(households: int, runs: int) -> dict[str, Any]:
    folder = exports_folder(households)
    start = _clock()
    data = read_exports(folder)
    read = _since(start)
    settings = Assumptions()
    walls, cpus = [], []
    result = None
    for _ in range(runs):
        start = _clock()
        result = backtest_module.backtests(data, settings)
        wall, cpu = _since(start)
        walls.append(wall)
        cpus.append(cpu)
    sheet_runs = []
    for _ in range(runs):
        start = _clock()
        build_model_sheets(compute_figures(data, settings))  # the figures and the sheets laid out
        sheet_runs.append(_since(start))
    sheets = (statistics.median(w for w, _ in sheet_runs), statistics.median(c for _, c in sheet_runs))
    month_ends = {c for m in result.models for c in m.comparisons["cutoff"]}
    return {"households": households, "read": read[0], "wall": statistics.median(walls),
            "cpu": statistics.median(cpus), "runs": walls, "sheets": sheets[0], "sheets_cpu": sheets[1], "month_ends": len(month_ends),
            "comparisons": sum(len(m.comparisons) for m in result.models), "split": split(data, settings)}


def tables(results: list[dict[str, Any]], runs: int) -> str:
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [f"backtest.py, {now}; {machine()}",
             f"median of {runs} runs; load average before: {' '.join(f'{x:.1f}' for x in LOAD)}", "",
             "`backtests(data, settings)` on the exports already read; default Settings (6 month-ends per "
             "horizon, horizons 1, 3, 6). Seconds.", "",
             "| households | month-ends rerun | comparisons | backtests wall | backtests CPU | runs (wall) | "
             "target | model sheets wall | model sheets CPU | backtests / sheets (CPU) | read wall |",
             "|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|"]
    for r in results:
        target = TARGETS.get(r["households"])
        verdict = f"< {target:g} s: {'yes' if r['wall'] < target else 'no'}" if target else ""
        lines.append(f"| {r['households']:,} | {r['month_ends']} | {r['comparisons']} | {r['wall']:.2f} | "
                     f"{r['cpu']:.2f} | {' '.join(f'{x:.2f}' for x in r['runs'])} | {verdict} | "
                     f"{r['sheets']:.2f} | {r['sheets_cpu']:.2f} | {r['cpu'] / r['sheets_cpu']:.1f}x | "
                     f"{r['read']:.2f} |")
    lines += ["", "Where the time goes (CPU seconds of one run, all month-ends together)", "",
              "| part | " + " | ".join(f"{r['households']:,}" for r in results) + " |",
              "|---|" + "---:|" * len(results)]
    parts = list(dict.fromkeys(k for r in results for k in sorted(r["split"], key=r["split"].get, reverse=True)))
    for part in parts:
        lines.append(f"| {part} | " + " | ".join(f"{r['split'].get(part, 0.0):.2f}" for r in results) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 25_000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="update this script's section of README.md")
    args = ap.parse_args()
    results = []
    for n in args.sizes:
        results.append(measure(n, args.runs))
        print(f"{n:,} households: backtests {results[-1]['wall']:.2f} s", file=sys.stderr, flush=True)
    text = tables(results, args.runs)
    print(text)
    if args.write:
        update_readme("backtest.py", "Backtest speed (`benchmarks/backtest.py`)", text)
        print("\nupdated benchmarks/README.md", file=sys.stderr)


if __name__ == "__main__":
    main()
