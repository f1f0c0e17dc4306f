"""agency-xl: sample-data | refresh | template | metrics.

    agency-xl sample-data --out DIR [--households N] [--seed S] [--as-of YYYY-MM-DD]
    agency-xl refresh [--exports DIR] [--out FILE] [--settings WORKBOOK]
    agency-xl template [--out FILE] [--settings WORKBOOK]
    agency-xl metrics [--exports DIR] [--settings WORKBOOK]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from agency_xl.excel.workbook import DEFAULT_WORKBOOK

DEFAULT_EXPORTS = Path("data") / "sample"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-10-31") from None


def _owner_settings(path: str | None):  # noqa: ANN202
    from agency_xl.assumptions.sheet import OwnerSettings
    from agency_xl.excel.settings_file import read_settings_workbook

    if not path:
        return OwnerSettings()
    owner = read_settings_workbook(path)
    for p in owner.problems:
        print(f"warning: {p}", file=sys.stderr)
    return owner


def _exports(arg: str | None, owner, base: Path | None = None) -> Path:  # noqa: ANN001
    """--exports, else the folder on the owner's Settings, else the sample. A relative folder on
    Settings is taken from the workbook's folder, as Excel's Refresh does, when it exists there
    (else from the current folder, where earlier command-line runs wrote it from)."""
    folder = Path(arg or owner.exports_folder or DEFAULT_EXPORTS).expanduser()
    if not arg and owner.exports_folder and base is not None and not folder.is_absolute() \
            and (base / folder).is_dir():
        folder = base / folder
    if not folder.is_dir():
        raise ValueError(f"exports folder {folder} does not exist (pass --exports DIR, or make "
                         f"the sample with 'agency-xl sample-data --out {DEFAULT_EXPORTS}')")
    return folder


def _read(folder: Path, owner, quiet: bool = False):  # noqa: ANN001, ANN202
    from agency_xl.ams import read_exports

    def progress(msg: str) -> None:
        if not quiet:
            print(f"  {msg}", file=sys.stderr)

    data = read_exports(folder, owner.mappings, progress=progress)
    data.health.notes.extend(owner.problems)
    return data


def cmd_sample_data(args: argparse.Namespace) -> int:
    from agency_xl.sample_data import write_sample_exports

    t = time.perf_counter()
    paths = write_sample_exports(Path(args.out), households=args.households, seed=args.seed, as_of=args.as_of)
    print(f"Wrote {len(paths)} synthetic exports ({args.households} households, seed {args.seed}, "
          f"as of {args.as_of}) to {args.out} in {time.perf_counter() - t:.1f} s")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from agency_xl.ams import NoReportsFound, require_reports
    from agency_xl.history import history_path
    from agency_xl.excel.workbook import check_keepable, refresh_dashboard

    # Refreshing an existing workbook keeps what the owner typed in it, and by default runs with
    # the settings on its own Settings sheet (his assumptions, mappings and exports folder).
    previous = Path(args.out) if Path(args.out).exists() else None
    if previous is not None:
        check_keepable(previous)
    settings_path = args.settings or previous
    owner = _owner_settings(str(settings_path) if settings_path else None)
    folder = _exports(args.exports, owner, Path(settings_path).parent if settings_path else None)
    t = time.perf_counter()
    print(f"Reading exports from {folder}", file=sys.stderr)
    data = _read(folder, owner)
    try:
        require_reports(data)  # a refresh over nothing must not blank a filled workbook
    except NoReportsFound as exc:
        unchanged = f"{args.out} is unchanged" if previous is not None else "no workbook was written"
        print(f"error: {exc}. Nothing was refreshed: {unchanged}.", file=sys.stderr)
        return 2
    out, history_problem = refresh_dashboard(args.out, data, owner.assumptions, str(folder), dt.datetime.now(),
                                             keep=previous, settings_from=args.settings)
    files = data.health.files
    used = [f for f in files if f.report and not f.rejected and not f.skipped]
    print(f"Read {len(used)} report files ({sum(f.rows_read for f in used):,} rows) from {folder}; "
          f"{sum(1 for f in files if f.rejected)} rejected, {sum(1 for f in files if f.skipped)} skipped.")
    for key in ("policies", "growth", "claims", "commissions", "sales", "leads", "referrals"):
        table = data.table(key)
        state = "missing" if table is None else f"{len(table):,} rows"
        if key == "sales" and data.sales_derived:
            state += " (from the book of business)"
        print(f"  {key:<12} {state}")
    problems = data.problems()
    if problems:
        print(f"{len(problems)} data problems; see the Data Health sheet. First: {problems[0]}")
    kept = " (your own cells in it kept)" if previous is not None else ""
    print(f"Wrote {out}{kept} in {time.perf_counter() - t:.1f} s")
    if history_problem:
        print(f"warning: {history_problem}", file=sys.stderr)
    else:
        print(f"Recorded this refresh (as of {data.as_of:%Y-%m-%d}) in {history_path(out)}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from agency_xl.excel.workbook import check_keepable, write_dashboard

    # Rebuilding over an existing workbook (after an upgrade, say) keeps what the owner typed in
    # it, exactly as a refresh over it does; only the dashboard tables start empty again.
    previous = Path(args.out) if Path(args.out).exists() else None
    if previous is not None:
        check_keepable(previous)
    settings_path = args.settings or previous
    owner = _owner_settings(str(settings_path) if settings_path else None)
    folder = owner.exports_folder or str(DEFAULT_EXPORTS)
    out = write_dashboard(args.out, None, owner.assumptions, folder, keep=previous, settings_from=args.settings)
    kept = " (your own cells and Settings in it kept)" if previous is not None else ""
    print(f"Wrote the empty dashboard workbook {out}{kept}. Open it in Excel, set the exports folder on "
          f"Settings, press Import Functions once, then Refresh.")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from agency_xl.metrics import all_metrics

    owner = _owner_settings(args.settings)
    folder = _exports(args.exports, owner, Path(args.settings).parent if args.settings else None)
    data = _read(folder, owner, quiet=True)
    print(json.dumps(all_metrics(data, owner.assumptions), indent=2, default=str))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="agency-xl", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sample-data", help="write synthetic AMS exports (deterministic from the seed)")
    s.add_argument("--out", required=True, help="folder to write the exports to")
    s.add_argument("--households", type=int, default=1000)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--as-of", type=_date, default=dt.date(2025, 10, 31), help="last day of the history")
    s.set_defaults(func=cmd_sample_data)

    s = sub.add_parser("refresh", help="read the exports and write the filled dashboard workbook")
    s.add_argument("--exports", help=f"exports folder (default: Settings' folder, else {DEFAULT_EXPORTS})")
    s.add_argument("--out", default=str(DEFAULT_WORKBOOK),
                   help="workbook to write (.xlsm or .xlsx); when it exists, the cells you typed in it are "
                        "kept and its Settings sheet is used")
    s.add_argument("--settings", help="read assumptions from this workbook's Settings sheet instead")
    s.set_defaults(func=cmd_refresh)

    s = sub.add_parser("template", help="write the empty dashboard workbook with its buttons")
    s.add_argument("--out", default=str(DEFAULT_WORKBOOK))
    s.add_argument("--settings", help="carry over the Settings of this workbook")
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("metrics", help="print the base facts and every model's KPIs as JSON")
    s.add_argument("--exports")
    s.add_argument("--settings")
    s.set_defaults(func=cmd_metrics)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
