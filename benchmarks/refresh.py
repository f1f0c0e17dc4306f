"""How long the full headless refresh takes, and how it grows with the size of the agency.

    python benchmarks/refresh.py [--sizes 1000 5000 25000] [--runs 5] [--write]

For each size, a sample exports folder is generated once with
``agency_xl.sample_data.write_sample_exports(folder, households, seed=7)`` and cached under
``benchmarks/_data/households_<N>_seed_7`` (git-ignored; the same folders benchmarks/read_exports.py
uses). Then, ``--runs`` times, a fresh Python process runs ``agency-xl refresh`` exactly as the
command line does (``agency_xl.cli.main(["refresh", ...])``: read, all eight model sheets plus
Home, Settings, What-If and Data Health, write the .xlsm with every chart). The child wraps the
three stages and every sheet's ``build`` in timers, so the table splits the time into

    read    ``read_exports`` (the AMS reader)
    sheets  ``build_all``: every model and dashboard description (per sheet in the second table)
    write   ``build_workbook``: XlsxWriter, charts, VBA project
    process the whole child process, wall clock: interpreter start, imports, the above, printing

and reports the child's peak resident memory (VmHWM: the whole process, libraries included).
Medians over the runs. A third table runs the live refresh (``agency_xl.excel.live.refresh_book``)
against the recording stand-in of xlwings (tests/live_standin.py) on the template workbook, and
counts blocks written against the range assignments it recorded: each block must be one.

Targets (issue 6.2): 1,000 households under 3 s; 25,000 under 15 s with peak memory under 600 MB.
``--write`` replaces this script's section of benchmarks/README.md with the tables, the date and
the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from bench_common import exports_folder, machine  # shared by the benchmark scripts

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
LOAD = os.getloadavg()  # before this script's own work
TARGETS = {1000: (3.0, None), 25_000: (15.0, 600.0)}  # households -> (seconds, peak MB)
STAGES = ("settings", "read", "sheets", "keep", "write")


def peak_rss_mb() -> float:
    """This process's peak resident size (VmHWM starts afresh at exec; ru_maxrss is the fallback)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the child processes -------------------------------------------------------------------------

_ACTIVE: list[list[float]] = []  # the stages running now, innermost last: [time of stages nested in it]


def _timed(owner: Any, attr: str, key: str, times: dict[str, float], stage: bool = True) -> None:
    """Replace ``owner.attr`` by the same function that adds its run time to ``times[key]``. A
    stage's time excludes the stages nested in it (settings read inside keep ...), so the stages
    add up; a sheet's time (``stage=False``) is all of its build."""
    fn = getattr(owner, attr)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        if stage:
            _ACTIVE.append([0.0])
        try:
            return fn(*args, **kwargs)
        finally:
            spent = time.perf_counter() - t
            if stage:
                nested = _ACTIVE.pop()[0]
                if _ACTIVE:
                    _ACTIVE[-1][0] += spent
                spent -= nested
            times[key] = times.get(key, 0.0) + spent

    setattr(owner, attr, wrapper)


def _sheet_modules() -> list[Any]:
    from agency_xl import dashboards

    return [dashboards.home, dashboards.settings_sheet, *dashboards.MODEL_SHEETS, dashboards.whatif,
            dashboards.data_health]


def child_refresh(folder: Path, out: Path, started: float) -> dict[str, Any]:
    """``agency-xl refresh`` in this process, stages and sheets timed."""
    import agency_xl.ams
    import agency_xl.excel.workbook as workbook
    from agency_xl import cli
    from agency_xl.excel import carry

    times: dict[str, float] = {}
    _timed(cli, "_owner_settings", "settings", times)
    _timed(agency_xl.ams, "read_exports", "read", times)  # cli imports it at call time
    _timed(workbook, "build_all", "sheets", times)
    for name in ("check_keepable", "read_previous", "carry_over"):
        _timed(carry, name, "keep", times)
    _timed(workbook, "build_workbook", "write", times)
    for module in _sheet_modules():
        _timed(module, "build", "sheet:" + module.__name__.rsplit(".", 1)[1], times, stage=False)
    imported = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        rc = cli.main(["refresh", "--exports", str(folder), "--out", str(out)])
    if rc:
        raise SystemExit(f"agency-xl refresh failed: {err.getvalue()}")
    end = time.perf_counter()
    return {"times": times, "imports": imported - started, "in_process": end - imported,
            "peak_mb": peak_rss_mb()}


def child_live(folder: Path, workdir: Path) -> dict[str, Any]:
    """The live refresh of the template workbook, against the recording stand-in of xlwings."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from live_standin import book_from_file

    from agency_xl.assumptions import Assumptions
    from agency_xl.excel import live
    from agency_xl.excel.workbook import write_dashboard

    template = write_dashboard(workdir / "agency_dashboard.xlsm", None, Assumptions(), str(folder))
    book = book_from_file(template)
    t = time.perf_counter()
    written = live.refresh_book(book).blocks
    seconds = time.perf_counter() - t
    cells = sum(len(rows) * len(rows[0]) if rows and isinstance(rows[0], list) else 1
                for _, _, rows in book.assignments)
    return {"seconds": seconds, "blocks": written, "assignments": len(book.assignments), "cells": cells,
            "status_messages": len(book.app.status_messages),
            "screen_updating": book.app.screen_updating_log}


# --- the parent ----------------------------------------------------------------------------------

def run_child(*args: str) -> tuple[dict[str, Any], float]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True,
                         text=True)
    wall = time.perf_counter() - t
    return json.loads(out.stdout.strip().splitlines()[-1]), wall


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    def med(get: Callable[[dict[str, Any]], float]) -> float:
        return statistics.median(get(r) for r in results)

    sheets = sorted({k for r in results for k in r["times"] if k.startswith("sheet:")})
    return {
        "process": med(lambda r: r["process"]), "process_runs": [r["process"] for r in results],
        "imports": med(lambda r: r["imports"]), "in_process": med(lambda r: r["in_process"]),
        **{s: med(lambda r, s=s: r["times"].get(s, 0.0)) for s in STAGES},
        "sheet_times": {s.split(":", 1)[1]: med(lambda r, s=s: r["times"].get(s, 0.0)) for s in sheets},
        "peak_mb": max(r["peak_mb"] for r in results),
    }


def measure(households: int, runs: int) -> dict[str, Any]:
    """``runs`` refreshes into a new workbook, and ``runs`` over the workbook a previous refresh
    wrote (the owner's usual case: his cells are kept, its Settings sheet is read), each in a fresh
    process; and one live refresh against the stand-in."""
    folder = exports_folder(households)
    size_mb = sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 2**20
    new, over = [], []
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        previous = Path(tmp) / "previous" / "agency_dashboard.xlsm"
        previous.parent.mkdir()
        run_child("refresh", "--folder", str(folder), "--out", str(previous))  # also warms the OS cache
        for i in range(runs):
            out = Path(tmp) / f"new{i}" / "agency_dashboard.xlsm"
            out.parent.mkdir()
            res, wall = run_child("refresh", "--folder", str(folder), "--out", str(out))
            new.append({**res, "process": wall})
            out = Path(tmp) / f"over{i}" / "agency_dashboard.xlsm"
            out.parent.mkdir()
            shutil.copy(previous, out)
            res, wall = run_child("refresh", "--folder", str(folder), "--out", str(out))
            over.append({**res, "process": wall})
        live, _ = run_child("live", "--folder", str(folder), "--out", tmp)
    return {"households": households, "folder_mb": size_mb, "runs": runs,
            "new": _summary(new), "over": _summary(over), "live": live}


def verdict(households: int, seconds: float, peak: float) -> str:
    target = TARGETS.get(households)
    if target is None:
        return ""
    limit_s, limit_mb = target
    ok = seconds < limit_s and (limit_mb is None or peak < limit_mb)
    text = f"< {limit_s:g} s" + (f", < {limit_mb:g} MB" if limit_mb else "")
    return f"{text}: {'yes' if ok else 'NO'}"


def tables(results: list[dict[str, Any]]) -> str:
    import pandas as pd
    import xlsxwriter

    lines = [
        f"refresh.py, {dt.datetime.now():%Y-%m-%d %H:%M}; {machine()}",
        f"pandas {pd.__version__}, XlsxWriter {xlsxwriter.__version__}; median of {results[0]['runs']} runs "
        f"each, a fresh process per run; load average before: {' '.join(f'{x:.1f}' for x in LOAD)}",
        "",
        "Headless `agency-xl refresh --exports DIR --out agency_dashboard.xlsm`, seconds; peak memory of the "
        "whole process. *new*: the workbook does not exist yet; *over*: it exists (a previous refresh "
        "wrote it), so its Settings sheet is read and the owner's cells are carried over (*keep*).",
        "",
        "| households | workbook | exports MB | process | imports | settings | read | sheets | keep | write "
        "| peak MB | target |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        for mode in ("new", "over"):
            m = r[mode]
            stages = " | ".join(f"{m[s]:.2f}" for s in STAGES)
            lines.append(f"| {r['households']:,} | {mode} | {r['folder_mb']:.1f} | {m['process']:.2f} | "
                         f"{m['imports']:.2f} | {stages} | {m['peak_mb']:.0f} | "
                         f"{verdict(r['households'], m['process'], m['peak_mb'])} |")
    base = results[0]
    if len(results) > 1:
        lines += ["", f"Growth against {base['households']:,} households, new workbook (time ratio)", "",
                  "| households | process | " + " | ".join(STAGES) + " |", "|---:|" + "---:|" * (len(STAGES) + 1)]
        for r in results[1:]:
            cells = " | ".join(f"{r['new'][k] / base['new'][k]:.1f}x" if base["new"][k] > 0.005 else "-"
                               for k in ("process", *STAGES))
            lines.append(f"| {r['households']:,} ({r['households'] / base['households']:.0f}x) | {cells} |")
    names = list(base["new"]["sheet_times"])
    names.sort(key=lambda n: -results[-1]["new"]["sheet_times"].get(n, 0.0))
    lines += ["", "Time per sheet description (`build`, milliseconds, models included; new workbook), "
                  "slowest first", "",
              "| sheet | " + " | ".join(f"{r['households']:,}" for r in results) + " |",
              "|---|" + "---:|" * len(results)]
    for n in names:
        lines.append(f"| {n} | " + " | ".join(f"{r['new']['sheet_times'].get(n, 0.0) * 1e3:,.0f}"
                                             for r in results) + " |")
    lines += ["", "Live refresh (`refresh_book`: read, sheets, range assignments) against the recording "
                  "stand-in of xlwings (tests/live_standin.py)", "",
              "| households | blocks written | range assignments | cells | status messages | screen updating "
              "| seconds |", "|---:|---:|---:|---:|---:|---|---:|"]
    for r in results:
        lv = r["live"]
        screen = " -> ".join("on" if x else "off" for x in lv["screen_updating"])
        lines.append(f"| {r['households']:,} | {lv['blocks']} | {lv['assignments']} | {lv['cells']:,} | "
                     f"{lv['status_messages']} | {screen} | {lv['seconds']:.2f} |")
    return "\n".join(lines)


def update_readme(script: str, title: str, text: str) -> None:
    """Replace ``script``'s section of benchmarks/README.md (between its begin/end markers, added
    at the end the first time); the rest of the file is left as it is."""
    begin, end = f"<!-- {script}: begin -->", f"<!-- {script}: end -->"
    section = f"{begin}\n## {title}\n\n{text}\n{end}"
    old = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + section + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(new, encoding="utf-8")


def main() -> None:
    started = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 25_000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="update this script's section of README.md")
    ap.add_argument("--child", choices=["refresh", "live"], help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "refresh":
        print(json.dumps(child_refresh(args.folder, args.out, started)))
        return
    if args.child == "live":
        print(json.dumps(child_live(args.folder, args.out)))
        return
    results = []
    for n in args.sizes:
        results.append(measure(n, args.runs))
        print(f"{n:,} households: {results[-1]['new']['process']:.2f} s new, "
              f"{results[-1]['over']['process']:.2f} s over the previous workbook", file=sys.stderr, flush=True)
    text = tables(results)
    print(text)
    if args.write:
        update_readme("refresh.py", "Refresh speed (`benchmarks/refresh.py`)", text)
        print(f"\nupdated {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
