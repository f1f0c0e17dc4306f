"""Registers the worksheet-function catalogue with xlwings' classic decorators.

This is the module named under "UDF Modules" in the workbook's xlwings.conf sheet: Excel's
"Import Functions" button imports it, finds every function carrying xlwings' ``__xlfunc__`` and
writes a VBA wrapper for each. All logic lives in ``agency_xl.functions``; this module only
tells xlwings the name, category, help text and how to hand over each argument.
"""

from __future__ import annotations

import sys
from typing import Any

import xlwings as xw

from agency_xl.excel import versions
from agency_xl.functions import CATALOG

# How each kind of argument is handed over by xlwings: a range always as a 2-D list so
# single-cell and multi-cell ranges look alike; an error cell (#N/A ...) as its text so the
# function can say which argument holds it (without err_to_str it would arrive as None).
_ARG_OPTIONS = {
    "number": {"err_to_str": True},
    "text": {"err_to_str": True},
    "bool": {"err_to_str": True},
    "date": {"err_to_str": True},
    "range": {"ndim": 2, "err_to_str": True},
    "caller": {},  # xlwings fills an argument named "caller" with the calling cell itself
}


def _register(entry):  # noqa: ANN001, ANN202
    f = entry.safe
    f.__name__ = entry.name
    f.__qualname__ = entry.name
    f.__doc__ = entry.help  # xlwings shows the docstring in the Function Wizard
    # Same order as stacked decorators: @xw.func outermost (applied last), because each
    # xw.arg/xw.ret call re-applies xw.func without arguments and would reset the category.
    # Tables skip xlwings' per-cell cleaning ("raw"): the catalogue already hands over plain
    # Python values with blanks as "", and cleaning 10,000 rows cell by cell costs ~30 ms. Not a
    # result holding dates: raw hands a date to pywin32 as it is, which reads a date without a
    # time zone as UTC (a day early west of Greenwich; xlwings issue 2382); xlwings' conversion
    # makes it an Excel date.
    f = xw.ret("raw")(f) if entry.returns == "table" and not entry.dates else xw.ret()(f)
    for arg in reversed(entry.args):
        f = xw.arg(arg.name, doc=arg.help, **_ARG_OPTIONS[arg.kind])(f)
    # volatile: VBA's Application.Volatile in the wrapper Import Functions writes.
    return xw.func(category=entry.category, volatile=entry.volatile)(f)


def importing_workbook() -> Any:
    """The workbook whose Import Functions button is importing this module, else None. The button
    runs xlwings' VBA ``ImportPythonUDFs``, which has Python call
    ``xlwings.udfs.import_udfs(module_names, xl_workbook)``; that imports this module, so the
    workbook is a local of that call further up the stack."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "import_udfs" and frame.f_globals.get("__name__") == "xlwings.udfs":
            return frame.f_locals.get("xl_workbook")
        frame = frame.f_back
    return None


def check_importing_workbook() -> None:
    """At Import Functions: stop, saying what to run, when the workbook was built for another
    xlwings than the one running (``versions.check_path_matches_xlwings``); xlwings shows the
    message in Excel. Python gets this far only when the DLL the workbook's VBA names was found;
    when it was not, VBA fails before Python starts and the README explains the message."""
    book = importing_workbook()
    if book is None:
        return
    try:
        path = str(book.FullName)  # the COM workbook object xlwings' VBA hands over
    except Exception:  # noqa: BLE001 - a workbook we cannot ask for its file cannot be checked
        return
    if "://" not in path:
        versions.check_path_matches_xlwings(path)


check_importing_workbook()

for _entry in CATALOG.values():
    globals()[_entry.name] = _register(_entry)

__all__ = list(CATALOG)
