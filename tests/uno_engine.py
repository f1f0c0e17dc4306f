"""A real spreadsheet engine for the live-refresh tests: LibreOffice Calc, driven through UNO,
behind the part of xlwings' API that ``agency_xl.excel.live`` uses. Tests only; not shipped.

``start_engine()`` starts one headless ``soffice`` (its own profile folder, a free port) and
``Engine.open(path)`` opens a workbook in it as a ``Book``:

- ``book.sheets`` (by name or index, iterable), ``book.fullname``, ``book.app``, ``book.names``
  (``name in book.names``, ``book.names[name].refers_to`` / ``.refers_to_range``, ``add``),
  ``book.save(path)`` (.xlsx, .xlsm or .ods), ``book.close()``;
- ``sheet.name``, ``sheet.range("A6:K14")`` or ``sheet.range("leads_vendors")`` (a workbook
  name), ``sheet.used_range``, ``sheet.charts`` (each with its series' source ranges, which
  xlwings does not offer);
- ``range.value`` get and set with 2-D lists, ``range.options(ndim=2).value``, ``.address``,
  ``.shape``, ``.row``, ``.column``, ``.sheet``, ``.resize``, ``.formula``, ``.number_format``,
  ``.rows.hidden``, ``.autofilter.apply_values`` / ``.clear``;
- ``app.screen_updating``, ``app.status_bar``, ``app.calculation`` ('automatic' / 'manual'),
  ``app.calculate()``, ``app.alert(...)``;
- for the tests, what the owner does and what they check: ``sheet.insert_rows``,
  ``.insert_columns``, ``.delete_rows``, ``.protect``, ``.unlock`` (the same methods as on the
  stand-in) and ``sheet.contents()``, every cell's stored value or formula in a few calls.

Values are read and written the way xlwings does on Windows. Reading: numbers as float, empty
cells and error cells as None, cells with a date format as ``datetime``, TRUE/FALSE as bool.
Writing: a 2-D list fills the rectangle from the range's top-left cell; None, NaN and NaT empty a
cell; numbers and dates are stored as values; text is entered as Excel enters a value assigned
through COM, i.e. as if typed:
- a leading apostrophe is hidden and the rest stays text ("'=x" shows =x, as text);
- in a cell formatted as Text (@) the text is kept as it is;
- text starting with "=" becomes a formula, and so does text starting with "+", "-" or "@" that
  is not a number (Excel reads "-x" as the formula =-x; LibreOffice would keep it as text);
- other text goes through LibreOffice's own input parser, which, like Excel, turns "123",
  "2025-10-01" or "TRUE" into a number, a date or a truth value.

Where LibreOffice and Excel differ, and what the tests keep on the recording stand-in
(``tests/live_standin.py``) instead:
- Sheet protection: LibreOffice's API ignores it for single-cell writes and raises a bare
  RuntimeException for block writes; Excel raises a COM error for any write to a locked cell of a
  protected sheet. The adapter raises ``ComError`` shaped as pywintypes.com_error with Excel's
  own message, so the live refresh sees what it sees on Windows.
- Dynamic arrays: LibreOffice 7.4 has no spilling; a dynamic-array formula loads as a legacy
  array formula over its saved range, and ``app.calculate()`` evaluates it as one.
- VBA, form buttons and xlwings' worksheet functions: LibreOffice neither runs the workbook's
  VBA nor knows xlwings' functions, so formulas calling them show an error once recalculated
  (they keep their saved results until then: the profile never recalculates on load).
- Message boxes, status bar and screen updating: there is no window. ``app.alert`` records its
  arguments (``app.alerts``) and returns "ok"; the status bar records every message
  (``app.status_messages``); screen updating locks and unlocks the document's controllers.
- Calculation mode is per document in LibreOffice and per Excel session in Excel.
- Used range: LibreOffice's covers cells with content; Excel's also formatted empty cells.
- Row heights are not fitted to new content (layout only; it slowed every read after a write).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

# Excel's error, a formula cell, the recording App and a range's place, as the stand-in has them
from live_standin import EXCEL_PROTECTED, ComError, Corners, FakeApp, Formula

# Where Debian's python3-uno puts uno.py (its first lines add LibreOffice's program folder, which
# holds pyuno, to sys.path), else where a LibreOffice install from libreoffice.org keeps it.
UNO_PY = ("/usr/lib/python3/dist-packages/uno.py", "/usr/lib/libreoffice/program/uno.py",
          "/opt/libreoffice/program/uno.py")
# com.sun.star.util.NumberFormat bits
_DATE, _TIME, _TEXT, _LOGICAL = 2, 4, 256, 1024
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""


class EngineMissing(RuntimeError):
    """LibreOffice or its Python bridge is not installed (the reason says which)."""


def load_uno() -> Any:
    """Import LibreOffice's ``uno`` module without putting Debian's whole dist-packages folder on
    sys.path (it would shadow pip's packages): uno.py is loaded from its file; it adds only
    LibreOffice's program folder (for pyuno)."""
    if "uno" in sys.modules:
        return sys.modules["uno"]
    path = next((p for p in UNO_PY if os.path.exists(p)), None)
    if path is None:
        raise EngineMissing("python3-uno is not installed (no uno.py in " + ", ".join(UNO_PY) + "): "
                            "apt-get install -y python3-uno")
    program = "/usr/lib/libreoffice/program"
    if os.path.isdir(program) and program not in sys.path:
        sys.path.append(program)
    spec = importlib.util.spec_from_file_location("uno", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["uno"] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # pyuno built for another Python, say
        del sys.modules["uno"]
        raise EngineMissing(f"LibreOffice's Python bridge does not load in Python "
                            f"{sys.version.split()[0]}: {exc}") from exc
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prop(uno: Any, name: str, value: Any) -> Any:
    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name, p.Value = name, value
    return p


# --- addresses --------------------------------------------------------------------------------

def _col_letters(col: int) -> str:
    name, col = "", col + 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def _parse_cell(cell: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", cell.strip())
    if not m:
        raise ValueError(f"not a cell address: {cell!r}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def parse_address(address: str) -> tuple[int, int, int, int]:
    """'A6:K14' or '$A$6' -> zero-based (first row, first col, last row, last col)."""
    first, _, last = address.partition(":")
    r0, c0 = _parse_cell(first)
    r1, c1 = _parse_cell(last) if last else (r0, c0)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def a1(r0: int, c0: int, r1: int | None = None, c1: int | None = None, absolute: bool = True) -> str:
    """Zero-based corners -> '$A$6:$K$14' (xlwings' Range.address) or 'A6:K14'."""
    d = "$" if absolute else ""
    first = f"{d}{_col_letters(c0)}{d}{r0 + 1}"
    if r1 is None or (r1, c1) == (r0, c0):
        return first
    return f"{first}:{d}{_col_letters(c1)}{d}{r1 + 1}"


def _sheet_ref(sheet: str) -> str:
    """A sheet name as a reference writes it: quoted unless plain letters, digits, underscores."""
    return sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet) else "'" + sheet.replace("'", "''") + "'"


def _unquote(sheet: str) -> str:
    sheet = sheet.lstrip("$")
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet


def _split_lo(content: str) -> tuple[str, str] | None:
    """'$Leads.$A$6:$K$14' or "$'Cash Flow'.$A$6:$'Cash Flow'.$C$12" -> ('Leads', '$A$6:$K$14');
    None for anything else (a deleted reference, a constant)."""
    m = re.fullmatch(r"(\$?(?:'(?:[^']|'')+'|[^.:']+))\.(\$?[A-Z]+\$?\d+)"
                     r"(?::(?:\$?(?:'(?:[^']|'')+'|[^.:']+)\.)?(\$?[A-Z]+\$?\d+))?", content.strip())
    if not m:
        return None
    return _unquote(m.group(1)), m.group(2) + (f":{m.group(3)}" if m.group(3) else "")


def _lo_to_excel(content: str) -> str:
    """'$Leads.$A$6:$K$14' -> '=Leads!$A$6:$K$14' (Excel's form); a deleted reference keeps #REF!."""
    parts = _split_lo(content)
    if parts is None:
        return "=#REF!" if "#REF!" in content else "=" + content
    return f"={_sheet_ref(parts[0])}!{parts[1]}"


def _excel_to_lo(refers_to: str) -> str:
    """'=Leads!$A$6:$K$14' -> '$Leads.$A$6:$K$14'."""
    m = re.fullmatch(r"=?('(?:[^']|'')+'|[^!]+)!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)", refers_to.strip())
    if not m:
        raise ValueError(f"only references to cells are supported here, not {refers_to!r}")
    return f"${_sheet_ref(_unquote(m.group(1)))}.{m.group(2)}"


# --- values -----------------------------------------------------------------------------------

def _is_blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        import pandas as pd

        return v is pd.NaT or v is pd.NA
    except ImportError:  # pragma: no cover
        return False


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
        return True
    except ValueError:
        return False


def _plain_text(text: str) -> bool:
    """Words and punctuation only: text any parser keeps as text, in a Text cell or not."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z ,.:;()&/!?_]*", text)) and text.upper() not in ("TRUE", "FALSE")


def typed_entry(value: Any, text_cell: bool, null_date: dt.datetime) -> str:
    """The input LibreOffice's parser gets for ``value`` so the cell ends up as Excel would store
    a value assigned through COM (the module docstring lists the rules)."""
    if _is_blank(value) or value == "":  # Excel empties a cell given "", whatever its format
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date)):
        when = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return repr((when.replace(tzinfo=None) - null_date) / dt.timedelta(days=1))
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        return repr(float(value))
    text = str(value)
    if text.startswith("'"):
        return text  # LibreOffice hides the apostrophe too and keeps the rest as text
    if text_cell:
        return "'" + text
    if text.startswith(("+", "-")) and len(text) > 1 and not _is_number(text):
        return "=" + text
    if text.startswith("@") and len(text) > 1:
        return "=" + text[1:]
    return text


# --- the adapter --------------------------------------------------------------------------------

class Engine:
    """One headless LibreOffice, started by ``start_engine``."""

    def __init__(self, uno: Any, desktop: Any, process: subprocess.Popen, profile: Path) -> None:
        self.uno = uno
        self.desktop = desktop
        self.process = process
        self.profile = profile
        self.books: list[Book] = []

    def open(self, path: str | Path) -> Book:
        """Open the workbook at ``path`` (hidden; its macros never run)."""
        path = Path(path).resolve()
        args = (_prop(self.uno, "Hidden", True), _prop(self.uno, "MacroExecutionMode", 0),
                _prop(self.uno, "UpdateDocMode", 0))
        doc = self.desktop.loadComponentFromURL(self.uno.systemPathToFileUrl(str(path)), "_blank", 0, args)
        if doc is None:
            raise OSError(f"LibreOffice could not open {path}")
        # No row-height fitting after each write: it is layout only, and it made every read after
        # a refresh wait for it.
        doc.IsAdjustHeightEnabled = False
        book = Book(self, doc, path)
        self.books.append(book)
        return book

    def stop(self) -> None:
        for book in list(self.books):
            book.close()
        with contextlib.suppress(Exception):
            self.desktop.terminate()  # the bridge goes down with it
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this fixture started
            self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


@contextlib.contextmanager
def start_engine(timeout: float = 90.0) -> Iterator[Engine]:
    """A headless LibreOffice with its own profile and port, stopped (and its profile removed) on
    exit. Raises EngineMissing when LibreOffice or python3-uno is not installed."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise EngineMissing("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui")
    uno = load_uno()
    profile = Path(tempfile.mkdtemp(prefix="agency-xl-engine-"))
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
         "--nologo", "--nodefault", "--nolockcheck", f"--accept=socket,host=127.0.0.1,port={port};urp;"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    engine = None
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + timeout
        while True:
            try:
                ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if process.poll() is not None:
                    raise RuntimeError(f"soffice exited with code {process.returncode} before accepting connections")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"soffice did not accept a connection on port {port} within {timeout:.0f} s")
                time.sleep(0.25)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        engine = Engine(uno, desktop, process, profile)
        yield engine
    finally:
        if engine is not None:
            engine.stop()
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            shutil.rmtree(profile, ignore_errors=True)


class App(FakeApp):
    """xlwings' App for one document (Excel's App is the whole Excel session). It records what the
    stand-in's does (there is no window for a status bar or a message box) and acts on the
    document for screen updating (its controllers locked) and calculation."""

    def __init__(self, book: Book) -> None:
        super().__init__()
        self._book = book

    @property
    def screen_updating(self) -> bool:
        return FakeApp.screen_updating.fget(self)

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        was = self.screen_updating
        FakeApp.screen_updating.fset(self, bool(value))
        if was and not value:
            self._book.doc.lockControllers()
        elif not was and value:
            self._book.doc.unlockControllers()

    @property
    def calculation(self) -> str:
        if not self._book.doc.isAutomaticCalculationEnabled():
            return "manual"
        return FakeApp.calculation.fget(self)

    @calculation.setter
    def calculation(self, value: str) -> None:
        FakeApp.calculation.fset(self, value)
        self._book.doc.enableAutomaticCalculation(value != "manual")

    def calculate(self) -> None:
        """Excel's Application.Calculate: the formulas whose inputs changed."""
        self._book.doc.calculate()
        super().calculate()


class Book:
    def __init__(self, engine: Engine, doc: Any, path: Path) -> None:
        self.engine = engine
        self.doc = doc
        self.fullname = str(path)
        self.app = App(self)
        self.names = Names(self)
        self._formats: dict[int, tuple[int, str]] = {}
        # The document's collections, fetched once: each UNO call is a round trip to soffice.
        self.uno_sheets = doc.Sheets
        self.uno_names = doc.NamedRanges
        self.max_column = doc.Sheets.getByIndex(0).getColumns().getCount() - 1
        nd = doc.NullDate
        self.null_date = dt.datetime(nd.Year, nd.Month, nd.Day)

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    def format_of(self, key: int) -> tuple[int, str]:
        """(NumberFormat type bits, format code) of a number-format key."""
        if key not in self._formats:
            f = self.doc.NumberFormats.getByKey(key)
            self._formats[key] = (f.Type, f.FormatString)
        return self._formats[key]

    def save(self, path: str | Path) -> Path:
        """Save a copy as .xlsx, .xlsm (with the VBA project) or .ods."""
        path = Path(path).resolve()
        filters = {".xlsx": "Calc MS Excel 2007 XML", ".xlsm": "Calc MS Excel 2007 VBA XML", ".ods": "calc8"}
        self.doc.storeToURL(self.engine.uno.systemPathToFileUrl(str(path)),
                            (_prop(self.engine.uno, "FilterName", filters[path.suffix.lower()]),))
        return path

    def close(self) -> None:
        if self in self.engine.books:
            self.engine.books.remove(self)
            with contextlib.suppress(Exception):
                self.doc.close(True)


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book

    def _all(self) -> Any:
        return self.book.uno_sheets

    def __len__(self) -> int:
        return self._all().getCount()

    def __iter__(self) -> Iterator[Sheet]:
        return (Sheet(self.book, self._all().getByIndex(i)) for i in range(len(self)))

    def __getitem__(self, key: str | int) -> Sheet:
        sheets = self._all()
        if isinstance(key, int):
            return Sheet(self.book, sheets.getByIndex(key))
        if not sheets.hasByName(key):
            raise KeyError(key)
        return Sheet(self.book, sheets.getByName(key))

    def __contains__(self, key: str) -> bool:
        return self._all().hasByName(key)


class Sheet:
    def __init__(self, book: Book, uno_sheet: Any) -> None:
        self.book = book
        self.uno = uno_sheet

    @property
    def name(self) -> str:
        return self.uno.getName()

    @property
    def index(self) -> int:
        return self.uno.getRangeAddress().Sheet

    def range(self, address: str) -> Range:
        """A range by address ('A6:K14') or by workbook name ('leads_vendors'), as in Excel."""
        if not re.fullmatch(r"\$?[A-Za-z]{1,3}\$?\d+(:\$?[A-Za-z]{1,3}\$?\d+)?", address) and address in self.book.names:
            return self.book.names[address].refers_to_range
        return Range(self, *parse_address(address))

    def __getitem__(self, address: str) -> Range:
        return self.range(address)

    @property
    def used_range(self) -> Range:
        cursor = self.uno.createCursor()
        cursor.gotoStartOfUsedArea(False)
        cursor.gotoEndOfUsedArea(True)
        a = cursor.getRangeAddress()
        return Range(self, a.StartRow, a.StartColumn, a.EndRow, a.EndColumn)

    def contents(self) -> dict[tuple[int, int], Any]:
        """Every non-empty cell (zero-based row, col): its stored value (a number, dates and truth
        values included, or text), or for a formula its text as a ``Formula`` (adapter only: a
        test's before/after snapshot, in a few calls)."""
        used = self.used_range
        area = self.uno.getCellRangeByPosition(used.c0, used.r0, used.c1, used.r1)
        values = area.getDataArray()
        out = {(used.r0 + i, used.c0 + j): v for i, row in enumerate(values)
               for j, v in enumerate(row) if v is not None and v != ""}
        parts = area.queryContentCells(16).getRangeAddresses()  # CellFlags.FORMULA
        if parts:
            texts = area.getFormulaArray()
            for a in parts:
                for r in range(a.StartRow, a.EndRow + 1):
                    for c in range(a.StartColumn, a.EndColumn + 1):
                        formula = Formula(texts[r - used.r0][c - used.c0])
                        formula.result = values[r - used.r0][c - used.c0]  # None for an error
                        out[(r, c)] = formula
        return out

    @property
    def charts(self) -> list[Chart]:
        charts = self.uno.getCharts()
        return [Chart(self, charts.getByName(n)) for n in charts.getElementNames()]

    # The owner's own actions in the tests (xlwings would go through sheet.api for these).
    def insert_rows(self, before: int, count: int = 1) -> None:
        """Insert ``count`` whole rows above the 1-based row ``before``."""
        self.uno.getRows().insertByIndex(before - 1, count)

    def insert_columns(self, before: str, count: int = 1) -> None:
        """Insert ``count`` whole columns left of column ``before`` ('D')."""
        self.uno.getColumns().insertByIndex(_parse_cell(before + "1")[1], count)

    def delete_rows(self, first: int, count: int = 1) -> None:
        """Delete ``count`` whole rows from the 1-based row ``first``."""
        self.uno.getRows().removeByIndex(first - 1, count)

    def protect(self, password: str = "") -> None:
        self.uno.protect(password)

    def unlock(self, address: str) -> None:
        """Format Cells > Protection > Locked off: still editable once the sheet is protected."""
        rng = self.range(address)._uno()
        protection = rng.getPropertyValue("CellProtection")
        protection.IsLocked = False
        rng.setPropertyValue("CellProtection", protection)

    def unprotect(self, password: str = "") -> None:
        self.uno.unprotect(password)

    @property
    def protected(self) -> bool:
        return bool(self.uno.isProtected())

    def __repr__(self) -> str:
        return f"<Sheet [{Path(self.book.fullname).name}]{self.name}>"


class Range(Corners):
    """A rectangle of cells (``Corners`` has its place, address, shape, resize and options)."""

    def _uno(self) -> Any:
        return self.sheet.uno.getCellRangeByPosition(self.c0, self.r0, self.c1, self.r1)

    def _cell_types(self) -> dict[tuple[int, int], tuple[int, str, bool]]:
        """(number format type, format code, locked) of every cell, from the range's parts with
        identical formatting (a handful of calls, not one per cell)."""
        out: dict[tuple[int, int], tuple[int, str, bool]] = {}
        parts = self._uno().getUniqueCellFormatRanges()
        for i in range(parts.getCount()):
            part = parts.getByIndex(i)
            key, protection = part.getPropertyValues(("NumberFormat", "CellProtection"))
            kind, code = self.sheet.book.format_of(key)
            for a in part.getRangeAddresses():
                for r in range(a.StartRow, a.EndRow + 1):
                    for c in range(a.StartColumn, a.EndColumn + 1):
                        out[(r, c)] = (kind, code, bool(protection.IsLocked))
        return out

    # --- values
    @property
    def value(self) -> Any:
        raw = self._uno().getDataArray()
        # Only numbers can be dates or truth values: the formats are looked up when there are any.
        types = self._cell_types() if any(isinstance(v, float) for row in raw for v in row) else {}
        return self.shaped([[self._read(v, types.get((self.r0 + i, self.c0 + j), (0, "", True))[0])
                             for j, v in enumerate(row)] for i, row in enumerate(raw)])

    def _read(self, v: Any, kind: int) -> Any:
        if v is None or v == "":
            return None
        if isinstance(v, float):
            if kind & _LOGICAL:
                return bool(v)
            if kind & _DATE:
                return self.sheet.book.null_date + dt.timedelta(days=v)
        return v

    @value.setter
    def value(self, data: Any) -> None:
        if isinstance(data, (list, tuple)) and data and isinstance(data[0], (list, tuple)):
            grid = [list(row) for row in data]
        elif isinstance(data, (list, tuple)):
            grid = [list(data)]
        else:
            grid = [[data]]
        width = max((len(r) for r in grid), default=0)
        if not grid or not width or any(len(r) != width for r in grid):
            raise ValueError("a value for a range must be a value or a rectangle of values")
        target = Range(self.sheet, self.r0, self.c0, self.r0 + len(grid) - 1, self.c0 + width - 1)
        protected = self.sheet.protected
        # The cells' formats matter only for protection and for text the parser could turn into
        # something else (a number, a date, a formula): look them up only then.
        parsed = any(isinstance(v, str) and not v.startswith("'") and not _plain_text(v) for row in grid for v in row)
        types = target._cell_types() if protected or parsed else {}
        if protected and any(locked for _, _, locked in types.values()):
            raise ComError(EXCEL_PROTECTED)

        def text_cell(r: int, c: int) -> bool:
            kind, code, _ = types.get((r, c), (0, "", True))
            return bool(kind & _TEXT) and code == "@"

        null_date = self.sheet.book.null_date
        entries = tuple(tuple(typed_entry(v, text_cell(target.r0 + i, target.c0 + j), null_date)
                              for j, v in enumerate(row)) for i, row in enumerate(grid))
        target._uno().setFormulaArray(entries)

    @property
    def number_format(self) -> str:
        """The first cell's number format code (xlwings' Range.number_format)."""
        key = self.sheet.uno.getCellByPosition(self.c0, self.r0).getPropertyValue("NumberFormat")
        return self.sheet.book.format_of(key)[1]

    @number_format.setter
    def number_format(self, code: str) -> None:
        formats = self.sheet.book.doc.NumberFormats
        locale = self.sheet.book.engine.uno.createUnoStruct("com.sun.star.lang.Locale")
        key = formats.queryKey(code, locale, False)
        if key == -1:
            key = formats.addNew(code, locale)
        self._uno().setPropertyValue("NumberFormat", key)

    @property
    def formula(self) -> str:
        """The formula of the range's first cell (its value as text when it has none)."""
        return self.sheet.uno.getCellByPosition(self.c0, self.r0).getFormula()

    @property
    def rows(self) -> Rows:
        return Rows(self)

    @property
    def autofilter(self) -> AutoFilter:
        return AutoFilter(self)

    def __repr__(self) -> str:
        return f"<Range [{Path(self.sheet.book.fullname).name}]{self.sheet.name}!{self.address}>"


class Rows:
    def __init__(self, rng: Range) -> None:
        self.rng = rng

    def __len__(self) -> int:
        return self.rng.shape[0]

    @property
    def hidden(self) -> bool | None:
        """True when every row of the range is hidden, False when none is, None when some are
        (xlwings' RangeRows.hidden)."""
        sheet = self.rng.sheet.uno
        last_col = self.rng.sheet.book.max_column
        whole_rows = sheet.getCellRangeByPosition(0, self.rng.r0, last_col, self.rng.r1)
        visible: set[int] = set()
        for a in whole_rows.queryVisibleCells().getRangeAddresses():
            visible.update(range(a.StartRow, a.EndRow + 1))
        n_visible = len(visible & set(range(self.rng.r0, self.rng.r1 + 1)))
        if n_visible == len(self):
            return False
        return True if n_visible == 0 else None


class AutoFilter:
    """xlwings' Range.autofilter, for the owner's filters in the tests: the range's first row is the
    header, ``field`` one-based."""

    def __init__(self, rng: Range) -> None:
        self.rng = rng

    def apply_values(self, field: int, values: list[str | float]) -> None:
        uno = self.rng.sheet.book.engine.uno
        r = self.rng._uno()
        descriptor = r.createFilterDescriptor(True)
        fields = []
        for i, v in enumerate(values):
            f = uno.createUnoStruct("com.sun.star.sheet.TableFilterField")
            f.Field = field - 1
            f.Operator = uno.Enum("com.sun.star.sheet.FilterOperator", "EQUAL")
            f.Connection = uno.Enum("com.sun.star.sheet.FilterConnection", "OR" if i else "AND")
            f.IsNumeric = isinstance(v, (int, float))
            if f.IsNumeric:
                f.NumericValue = float(v)
            else:
                f.StringValue = str(v)
            fields.append(f)
        descriptor.setFilterFields(tuple(fields))
        descriptor.ContainsHeader = True
        r.filter(descriptor)

    def clear(self) -> None:
        r = self.rng._uno()
        r.filter(r.createFilterDescriptor(True))


class Names:
    """The workbook's defined names (xlwings' Book.names)."""

    def __init__(self, book: Book) -> None:
        self.book = book

    def _all(self) -> Any:
        return self.book.uno_names

    def __contains__(self, name: str) -> bool:
        return self._all().hasByName(name)

    def __len__(self) -> int:
        return len(self._all().getElementNames())

    def __iter__(self) -> Iterator[Name]:
        return (Name(self.book, n) for n in self._all().getElementNames())

    def __getitem__(self, name: str) -> Name:
        if name not in self:
            raise KeyError(name)
        return Name(self.book, name)

    def add(self, name: str, refers_to: str) -> Name:
        position = self.book.engine.uno.createUnoStruct("com.sun.star.table.CellAddress")
        self._all().addNewByName(name, _excel_to_lo(refers_to), position, 0)
        return Name(self.book, name)


class Name:
    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self.name = name

    def _uno(self) -> Any:
        return self.book.uno_names.getByName(self.name)

    @property
    def refers_to(self) -> str:
        return _lo_to_excel(self._uno().getContent())

    @property
    def refers_to_range(self) -> Range:
        """The cells the name refers to; raises ComError, as Excel does, when they were deleted."""
        content = self._uno().getContent()
        if "#REF!" in content:
            raise ComError("Application-defined or object-defined error")
        cells = self._uno().getReferredCells()
        if cells is None:
            raise ComError("Application-defined or object-defined error")
        a = cells.getRangeAddress()
        sheet = Sheet(self.book, self.book.uno_sheets.getByIndex(a.Sheet))
        return Range(sheet, a.StartRow, a.StartColumn, a.EndRow, a.EndColumn)

    def __repr__(self) -> str:
        return f"<Name '{self.name}': {self.refers_to}>"


@dataclass
class SeriesSource:
    """Where one chart series reads its name, categories and values (sheet, 'A7:A14')."""

    name: tuple[str, str] | str | None
    categories: tuple[str, str] | None
    values: tuple[str, str] | None


def _lo_range(text: str | None) -> tuple[str, str] | None:
    """'$Leads.$A$7:$A$14' -> ('Leads', 'A7:A14')."""
    parts = _split_lo(text) if text else None
    return (parts[0], parts[1].replace("$", "")) if parts else None


class Chart:
    def __init__(self, sheet: Sheet, table_chart: Any) -> None:
        self.sheet = sheet
        self.uno = table_chart
        self.name = table_chart.getName()

    @property
    def title(self) -> str | None:
        doc = self.uno.getEmbeddedObject()
        title = doc.getTitleObject()
        if title is None:
            return None
        return "".join(t.getString() for t in title.getText())

    @property
    def series(self) -> list[SeriesSource]:
        """Every series of every chart type in the chart (a combined chart has two types), with the
        category range of its coordinate system."""
        doc = self.uno.getEmbeddedObject()
        out = []
        for system in doc.getFirstDiagram().getCoordinateSystems():
            categories = None
            with contextlib.suppress(Exception):
                cat = system.getAxisByDimension(0, 0).getScaleData().Categories
                if cat is not None:
                    categories = _lo_range(cat.getValues().getSourceRangeRepresentation())
            for chart_type in system.getChartTypes():
                for series in chart_type.getDataSeries():
                    values = label = None
                    for seq in series.getDataSequences():
                        if seq.getValues() is not None and seq.getValues().Role == "values-y":
                            values = _lo_range(seq.getValues().getSourceRangeRepresentation())
                            lab = seq.getLabel()
                            if lab is not None:
                                text = lab.getSourceRangeRepresentation()
                                label = _lo_range(text) or text.strip('"')
                    out.append(SeriesSource(label, categories, values))
        return out
