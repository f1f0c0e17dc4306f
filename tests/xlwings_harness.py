"""Call worksheet functions the way Excel does through xlwings, on Linux.

- pywin32 is stubbed (``xlwings_stubs``) so ``xlwings.udfs`` imports; its ``xlfunc``/``xlarg``/
  ``xlret`` decorators are what ``xw.func``/``xw.arg``/``xw.ret`` are on Windows, so we install them
  under those names before importing our UDF module.
- Values go through ``xlwings.conversion.read`` with each argument's options and the result
  through ``conversion.write``, exactly as ``xlwings.udfs.call_udf`` does. Those need an engine
  named "excel"; ``FakeExcelEngine`` stands in for xlwings' Windows engine with the same
  ``clean_value_data`` rule (empty -> empty_as, error codes -> text when err_to_str, else None).
- ``vba_wrappers`` runs xlwings' own ``generate_vba_wrapper`` and returns the VBA text.
"""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path
from typing import Any

import xlwings_stubs

xlwings_stubs.install()

import xlwings  # noqa: E402
import xlwings.udfs as xl_udfs  # noqa: E402
from xlwings import conversion  # noqa: E402
from xlwings.main import Engine  # noqa: E402

CELL_ERRORS = {
    -2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
    -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!",
}
MISSING = -2147352572  # what VBA passes for an omitted Optional argument


class _EngineImpl:
    name = "excel"
    type = "desktop"

    @staticmethod
    def prepare_xl_data_element(x: Any, date_format: Any) -> Any:
        import math
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return ""
        return x

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):  # noqa: ANN001, ANN205
        def one(v: Any) -> Any:
            if v in ("", None):
                return empty_as
            if number_builder is not None and isinstance(v, float):
                return number_builder(v)
            if isinstance(v, int) and not isinstance(v, bool) and v in CELL_ERRORS:
                return CELL_ERRORS[v] if err_to_str else None
            return v
        return [[one(c) for c in row] for row in data]


def _install_engine() -> None:
    try:
        xlwings.engines["excel"]
    except KeyError:
        xlwings.engines.add(Engine(impl=_EngineImpl()))


def udf_module():  # noqa: ANN201
    """``agency_xl.excel.udfs`` registered with xlwings' Windows decorators."""
    _install_engine()
    xlwings.func, xlwings.arg, xlwings.ret = xl_udfs.xlfunc, xl_udfs.xlarg, xl_udfs.xlret
    name = "agency_xl.excel.udfs"
    if name in sys.modules:
        return importlib.reload(sys.modules[name])
    return importlib.import_module(name)


def call_like_excel(module: Any, name: str, *args: Any, caller: Any = None) -> Any:
    """Run ``name`` as ``xlwings.udfs.call_udf`` would: the calling cell put in the argument named
    "caller" (VBA passes Nothing there), omitted optionals, conversion of each argument with its
    options, the call, conversion of the result."""
    func = getattr(module, name)
    info = func.__xlfunc__
    args_info = info["args"]
    for a in args_info:
        if a["name"] == "caller":
            args = (*args, *[MISSING] * (a["pos"] + 1 - len(args)))
            args = (*args[:a["pos"]], caller, *args[a["pos"] + 1:])
    converted = []
    for i, arg in enumerate(args):
        a = args_info[min(i, len(args_info) - 1)]
        if isinstance(arg, int) and arg == MISSING:
            converted.append(a.get("optional", None))
        else:
            if isinstance(arg, list):  # a range: pywin32 gives a tuple of row tuples
                arg = tuple(tuple(r) if isinstance(r, list) else (r,) for r in arg)
            converted.append(conversion.read(None, arg, a["options"]))
    ret = func(*converted)
    out = conversion.write(ret, None, info["ret"]["options"])
    # Excel shows a scalar in the cell either way; as a grid here so tests read [0][0] alike
    # (the default converter already makes it 2-D, a "raw" result does not).
    return out if isinstance(out, list) else [[out]]


def vba_wrappers(module: Any, workbook_name: str = "agency_dashboard.xlsm") -> str:
    class _Book:
        Name = workbook_name

    buf = io.StringIO()
    xl_udfs.generate_vba_wrapper("agency_xl.excel.udfs", module, buf, _Book())
    return buf.getvalue()


class CallingCell:
    """What xlwings passes as ``caller``: the calling cell, in a workbook at ``book_path`` whose Settings
    sheet names ``folder_text`` as the exports folder (and holds ``extra_rows``). ``settings=False``:
    a workbook without a Settings sheet (a function copied into the owner's own workbook)."""

    def __init__(self, folder_text: str, book_path: Path, extra_rows: list | None = None,
                 settings: bool = True) -> None:
        rows = [["Settings"], [None], [None], [None, "Exports folder", None, folder_text]] + (extra_rows or [])

        class _UR:
            value = rows

        class _Sheet:
            used_range = _UR()

        class _Sheets(dict):
            pass

        class _Book:
            fullname = str(book_path)
            sheets = _Sheets(Settings=_Sheet()) if settings else _Sheets()

        class _S:
            book = _Book()

        self.sheet = _S()
