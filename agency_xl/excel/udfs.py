"""Registers the worksheet-function catalogue with xlwings' classic decorators.

This is the module named under "UDF Modules" in the workbook's xlwings.conf sheet: Excel's
"Import Functions" button imports it, finds every function carrying xlwings' ``__xlfunc__`` and
writes a VBA wrapper for each. All logic lives in ``agency_xl.excel.functions``; this module only
tells xlwings the name, category, help text and how to hand over each argument.
"""

from __future__ import annotations

import xlwings as xw

from agency_xl.excel.functions import CATALOG

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
    # Python values with blanks as "", and cleaning 10,000 rows cell by cell costs ~30 ms.
    f = xw.ret("raw")(f) if entry.returns == "table" else xw.ret()(f)
    for arg in reversed(entry.args):
        f = xw.arg(arg.name, doc=arg.help, **_ARG_OPTIONS[arg.kind])(f)
    return xw.func(category=entry.category)(f)


for _entry in CATALOG.values():
    globals()[_entry.name] = _register(_entry)

__all__ = list(CATALOG)
