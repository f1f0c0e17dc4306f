"""The dashboard workbook as a whole: which sheets, which buttons, which xlwings settings.

``write_dashboard`` is what `agency-xl template` (no data) and the headless `agency-xl refresh`
(with data, through ``refresh_dashboard``, which also records the refresh in the history file
beside the workbook) both call, so the two give the same layout and the live refresh in Excel finds
every block where it expects it.
"""

from __future__ import annotations

import datetime as dt
import keyword
import sys
from pathlib import Path

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_all, home
from agency_xl.dashboards.spec import Sheet
from agency_xl.excel import builder, carry, vba, versions
from agency_xl.excel.refresh_history import figures_and_sheets, record_refresh

UDF_MODULE = "agency_xl.excel.udfs"
DEFAULT_WORKBOOK = Path("workbooks") / "agency_dashboard.xlsm"

MODULE_TEMPLATE = '''"""The Python side of {name}.xlsm: its Refresh button runs main() (xlwings' SampleCall macro
imports the module named like the workbook). Written by agency-xl beside the workbook."""

import xlwings as xw

from agency_xl.excel.live import refresh_book


def main() -> None:
    """Refresh every dashboard of the workbook that called this from the exports folder on its
    Settings sheet."""
    refresh_book(xw.Book.caller())
'''


def xlwings_conf() -> dict[str, str]:
    """The xlwings.conf sheet. The interpreter is the Python building the workbook when that is
    the owner's own Windows or macOS machine, so the buttons work without editing anything.
    "Use UDF Server" False: the Refresh button starts Python through cmd.exe, without xlwings' DLL,
    so it still runs (and says what to do) when the DLL is missing after an upgrade."""
    conf = {"UDF Modules": UDF_MODULE, "Debug UDFs": "False", "Use UDF Server": "False",
            "Show Console": "False"}
    key = carry.INTERPRETER_KEY.get(carry.this_platform())
    if key == "Interpreter_Win":
        conf[key] = sys.executable.replace("python.exe", "pythonw.exe")
    elif key == "Interpreter_Mac":
        conf[key] = sys.executable
    return conf


def buttons() -> list[tuple[str, str, str, str]]:
    return [
        ("Home", home.REFRESH_BUTTON_CELL, "Refresh", vba.REFRESH_MACRO),
        ("Home", home.IMPORT_BUTTON_CELL, "Import Functions", vba.IMPORT_FUNCTIONS_MACRO),
    ]


def _extra_sheets(macro: bool) -> tuple[str, ...]:
    return (carry.CONF_SHEET,) if macro else ()


def check_keepable(out: str | Path) -> None:
    """Raise ValueError when the existing workbook ``out`` holds what a headless refresh over it
    would lose (a sheet of the owner's own, a chart or picture he added); cheap, so a refresh can
    say so before reading the exports."""
    out = Path(out)
    sheets = build_all(None, Assumptions(), "")
    carry.check_keepable(out, sheets, _extra_sheets(out.suffix.lower() == ".xlsm"), carry.layout_fingerprint(sheets))


def check_macro_path(path: Path) -> None:
    """An .xlsm's Refresh button imports a Python module named like the workbook."""
    if path.suffix.lower() == ".xlsm" and (not path.stem.isidentifier() or keyword.iskeyword(path.stem)):
        raise ValueError(
            f"{path.name}: a macro workbook's name must be a valid Python module name (letters, digits, "
            f"underscores, not starting with a digit), because its Refresh button runs "
            f"'import {path.stem}'. Try {path.with_name('agency_dashboard.xlsm').name!r} or use .xlsx.")


def write_dashboard(
    out: str | Path,
    data: AmsData | None,
    settings: Assumptions,
    exports_folder: str,
    refreshed_at: dt.datetime | None = None,
    *,
    keep: str | Path | None = None,
    settings_from: str | Path | None = None,
) -> Path:
    """Build the whole workbook at ``out``: .xlsm with buttons, VBA project and xlwings.conf, or a
    macro-free .xlsx for sharing. For an .xlsm, the Python module its Refresh button imports is
    written beside it when it is not there yet.

    ``keep``: a previous workbook (usually ``out`` itself) whose owner cells are written back: every
    cell outside the refreshed blocks and formulas (``agency_xl.excel.carry``); raises ValueError,
    before anything is written, when it holds what cannot be kept (a sheet of the owner's own ...).
    ``settings_from``: the workbook the settings were read from, when not ``keep`` (its Settings
    input cells are shown instead of the previous ones)."""
    out = Path(out)
    check_macro_path(out)
    sheets = build_all(data, settings, exports_folder, refreshed_at)
    return _write(out, sheets, settings, keep, settings_from)


def refresh_dashboard(
    out: str | Path,
    data: AmsData,
    settings: Assumptions,
    exports_folder: str,
    refreshed_at: dt.datetime,
    *,
    keep: str | Path | None = None,
    settings_from: str | Path | None = None,
) -> tuple[Path, str | None]:
    """``write_dashboard`` with data, then the refresh recorded in the history file beside the
    workbook (``refresh_history.record_refresh``, the metrics of the figures the sheets show).
    Returns the workbook and None, or the history's problem: the workbook is written either way."""
    out = Path(out)
    check_macro_path(out)
    _, sheets, metrics = figures_and_sheets(out, data, settings, exports_folder, refreshed_at)
    path = _write(out, sheets, settings, keep, settings_from)
    return path, record_refresh(path, metrics, refreshed_at)


def _write(out: Path, sheets: list[Sheet], settings: Assumptions, keep: str | Path | None,
           settings_from: str | Path | None) -> Path:
    macro = out.suffix.lower() == ".xlsm"
    conf = xlwings_conf()
    layout = carry.layout_fingerprint(build_all(None, settings, ""))
    if keep is not None:
        previous = carry.read_previous(keep, sheets, extra=_extra_sheets(macro), layout=layout)
        source = carry.read_previous(settings_from, sheets, check=False) if settings_from else None
        carry.carry_over(sheets, previous, source)
        conf = carry.merged_conf(conf, previous)
    properties = {carry.LAYOUT_PROPERTY: layout}
    if macro:  # the xlwings version of the VBA built in, for versions.check_workbook_matches_xlwings
        properties[versions.VERSION_PROPERTY] = vba.xlwings_version()
    path = builder.build_workbook(sheets, out, buttons() if macro else None, conf if macro else None,
                                  properties=properties)
    if macro:
        module = out.with_suffix(".py")
        if not module.exists():
            module.write_text(MODULE_TEMPLATE.format(name=out.stem), encoding="utf-8")
    return path
