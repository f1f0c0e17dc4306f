"""Is a built workbook a valid file? The check every workbook the tests build goes through.

``tests/conftest.py`` wraps ``agency_xl.excel.builder.build_workbook`` for the whole test session so
that each file it writes is checked here before the test sees it. The check reads the file as
Excel would have to, not as our own code wrote it:

- every XML part of the zip parses;
- every cell's stored value fits its type (ECMA-376 Part 1, 18.18.11 ST_CellType): a number cell
  (``t="n"`` or no ``t``) holds a finite number, ``t="b"`` holds 0 or 1, ``t="s"`` an index into
  the shared strings, ``t="e"`` an Excel error, ``t="d"`` an ISO 8601 date, ``t="inlineStr"`` an
  ``<is>`` element, ``t="str"`` (a formula's text result) any text. One exception: a formula cell
  may store an empty ``<v/>``, which is how XlsxWriter writes a formula whose result is not known
  (Excel recalculates it on load);
- openpyxl loads it, with and without ``data_only`` (the cached results), and in read-only mode
  (as ``carry.check_keepable`` does).

``<v>None</v>``, ``<v>nan</v>`` or ``<v>True</v>`` in a number cell fail here: openpyxl refuses such
a file, and Excel offers to "repair" it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XML_PARTS = (".xml", ".rels", ".vml")
# The error values a cell can hold (ECMA-376 18.17.7.3 lists the first seven; Excel 365 adds the rest).
ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}

# Every file the session-wide wrapper of build_workbook (tests/conftest.py) checked, in order.
CHECKED: list[Path] = []


class InvalidWorkbook(AssertionError):
    """The file is not one Excel and openpyxl would read without complaint."""


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _is_iso_date(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text.rstrip("Z"))
        return True
    except ValueError:
        return False


def cell_problem(cell: ET.Element, shared_strings: int) -> str | None:
    """What is wrong with one ``<c>`` element of a worksheet, or None."""
    kind = cell.get("t", "n")
    v = cell.find(f"{MAIN}v")
    has_formula = cell.find(f"{MAIN}f") is not None
    text = None if v is None else (v.text or "")
    if kind == "inlineStr":
        return None if cell.find(f"{MAIN}is") is not None else "t=\"inlineStr\" without an <is> element"
    if text is None or kind == "str":
        return None
    if kind == "n":
        if text == "" and has_formula:
            return None  # a formula whose result is not stored; Excel calculates it
        return None if _is_number(text) else f"number cell stores <v>{text}</v>"
    if kind == "b":
        return None if text in ("0", "1") else f"boolean cell stores <v>{text}</v>"
    if kind == "s":
        ok = text.isdigit() and int(text) < shared_strings
        return None if ok else f"shared-string cell stores <v>{text}</v> ({shared_strings} strings)"
    if kind == "e":
        return None if text in ERRORS else f"error cell stores <v>{text}</v>"
    if kind == "d":
        return None if _is_iso_date(text) else f"date cell stores <v>{text}</v>"
    return f'unknown cell type t="{kind}"'


def check_parts(path: Path) -> None:
    """Every XML part parses; every cell's stored value fits its type."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        if "[Content_Types].xml" not in names:
            raise InvalidWorkbook(f"{path.name}: no [Content_Types].xml")
        parsed: dict[str, ET.Element] = {}
        for name in names:
            if name.endswith(XML_PARTS):
                try:
                    parsed[name] = ET.fromstring(z.read(name))
                except ET.ParseError as exc:
                    raise InvalidWorkbook(f"{path.name}: part {name} is not well-formed XML ({exc})") from None
    sst = parsed.get("xl/sharedStrings.xml")
    shared = 0 if sst is None else len(sst.findall(f"{MAIN}si"))
    problems = []
    for name, root in parsed.items():
        if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            continue
        for cell in root.iter(f"{MAIN}c"):
            problem = cell_problem(cell, shared)
            if problem:
                problems.append(f"{name} {cell.get('r')}: {problem}")
    if problems:
        raise InvalidWorkbook(f"{path.name}: {len(problems)} cells hold a value that does not fit their "
                              f"type, e.g. " + "; ".join(problems[:5]))


def check_openpyxl_loads(path: Path) -> None:
    import openpyxl

    for options in ({}, {"data_only": True}, {"read_only": True}):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. "Data Validation extension is not supported"
                wb = openpyxl.load_workbook(path, **options)
                if options.get("read_only"):
                    for ws in wb.worksheets:  # read-only mode reads the cells only when asked
                        for _ in ws.iter_rows(values_only=True):
                            pass
                wb.close()
        except Exception as exc:  # noqa: BLE001 - any failure to load is the finding
            raise InvalidWorkbook(f"{path.name}: openpyxl cannot load it with {options or 'defaults'}: "
                                  f"{type(exc).__name__}: {exc}") from exc


def check_workbook(path: str | Path) -> None:
    """Raise ``InvalidWorkbook`` unless the file at ``path`` is a valid workbook (module docstring)."""
    path = Path(path)
    check_parts(path)
    check_openpyxl_loads(path)
