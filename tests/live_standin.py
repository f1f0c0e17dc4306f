"""A small recording stand-in for the xlwings objects the live refresh uses, for the cases a
spreadsheet engine cannot play (tests/uno_engine.py says which) and for fast checks of the calls
made: Book (sheets, names, fullname, app), Sheet (range, used_range, name), Range (value get/set,
options(ndim=2), address, shape, sheet, rows.hidden, autofilter), Name (refers_to,
refers_to_range), App (screen_updating, status_bar, calculation, calculate, alert).

It behaves as Excel does where the live refresh depends on it: a value is entered as if typed (a
leading apostrophe is hidden and keeps text as text; "=..." becomes a formula), a workbook name
moves and grows with rows and columns inserted above, left of or inside it and turns into #REF!
when its cells are deleted, writing to a protected sheet raises Excel's COM error, a filter hides
rows. Every assignment is recorded; cell contents are kept in a dict so a test can see exactly
what a refresh changed. The owner's own actions are methods on the sheet (``insert_rows``,
``insert_columns``, ``delete_rows``, ``protect``), as on the engine adapter."""

from __future__ import annotations

from typing import Any, Iterator

from agency_xl.dashboards.spec import cell_to_rc, rc_to_cell

EXCEL_PROTECTED = ("The cell or chart you're trying to change is on a protected sheet. To make a change, "
                   "unprotect the sheet. You might be requested to enter a password.")


class ComError(Exception):
    """What Excel raises through pywin32 when it refuses a change (pywintypes.com_error):
    ``args`` = (hresult, text, excepinfo, argerror), excepinfo[2] being Excel's own message."""

    def __init__(self, message: str) -> None:
        excepinfo = (0, "Microsoft Excel", message, "xlmain11.chm", 0, -2146827284)
        super().__init__(-2147352567, "Exception occurred.", excepinfo, None)
        self.excepinfo = excepinfo


class Formula(str):
    """A cell's formula (its text), as opposed to a text value; ``result`` its value where known."""

    result: object = None


def entered(value: Any) -> Any:
    """What Excel stores for a value assigned through COM: text is entered as if typed."""
    if isinstance(value, str) and not isinstance(value, Formula):
        if value.startswith("'"):
            return value[1:]
        if value.startswith("=") or (value[:1] in ("+", "-", "@") and len(value) > 1 and not _number(value)):
            return Formula(value if value.startswith("=") else "=" + value.lstrip("@"))
    return None if value == "" else value


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _corners(address: str) -> tuple[int, int, int, int]:
    first, _, last = address.replace("$", "").partition(":")
    r0, c0 = cell_to_rc(first)
    r1, c1 = cell_to_rc(last) if last else (r0, c0)
    return r0, c0, r1, c1


def _absolute(r0: int, c0: int, r1: int, c1: int) -> str:
    def one(r: int, c: int) -> str:
        cell = rc_to_cell(r, c)
        i = next(k for k, ch in enumerate(cell) if ch.isdigit())
        return f"${cell[:i]}${cell[i:]}"

    return one(r0, c0) if (r0, c0) == (r1, c1) else f"{one(r0, c0)}:{one(r1, c1)}"


class FakeApp:
    """Records what the refresh does to Excel's application: status bar messages (False hands it
    back to Excel), screen updating, calculation mode and runs, message boxes."""

    def __init__(self) -> None:
        self.status_messages: list[str | bool] = []
        self.screen_updating_log: list[bool] = []
        self.calculation_log: list[str] = []
        self.calculations = 0
        self.alerts: list[dict[str, Any]] = []
        self._calculation = "automatic"

    @property
    def status_bar(self) -> str | bool:
        return self.status_messages[-1] if self.status_messages else False

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self.status_messages.append(value)

    @property
    def screen_updating(self) -> bool:
        return self.screen_updating_log[-1] if self.screen_updating_log else True

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self.screen_updating_log.append(value)

    @property
    def calculation(self) -> str:
        return self._calculation

    @calculation.setter
    def calculation(self, value: str) -> None:
        if value not in ("automatic", "manual", "semiautomatic"):
            raise ValueError(value)
        self._calculation = value
        self.calculation_log.append(value)

    def calculate(self) -> None:
        self.calculations += 1

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class FakeRows:
    def __init__(self, rng: "FakeRange") -> None:
        self.rng = rng

    @property
    def hidden(self) -> bool | None:
        rows = range(self.rng.r0, self.rng.r1 + 1)
        hidden = sum(1 for r in rows if r in self.rng.sheet.hidden_rows)
        return False if hidden == 0 else True if hidden == len(rows) else None


class FakeAutoFilter:
    def __init__(self, rng: "FakeRange") -> None:
        self.rng = rng

    def apply_values(self, field: int, values: list[Any]) -> None:
        """Hide the data rows (below the range's header row) whose ``field`` is not in ``values``."""
        s, c = self.rng.sheet, self.rng.c0 + field - 1
        for r in range(self.rng.r0 + 1, self.rng.r1 + 1):
            if s.cells.get((r, c)) not in values:
                s.hidden_rows.add(r)

    def clear(self) -> None:
        self.rng.sheet.hidden_rows -= set(range(self.rng.r0, self.rng.r1 + 1))


class Corners:
    """Where a range is (zero-based corners) and what xlwings derives from that: its address,
    shape, first row and column, ``resize``, ``options(ndim=2)`` and the shape of ``.value``
    (a scalar for one cell, a list for one row or column, else a list of rows). Shared by the
    stand-in's ranges and the engine adapter's."""

    def __init__(self, sheet: Any, r0: int, c0: int, r1: int, c1: int, ndim: int | None = None) -> None:
        self.sheet = sheet
        self.r0, self.c0, self.r1, self.c1 = r0, c0, r1, c1
        self._ndim = ndim

    @property
    def address(self) -> str:
        return _absolute(self.r0, self.c0, self.r1, self.c1)

    @property
    def shape(self) -> tuple[int, int]:
        return self.r1 - self.r0 + 1, self.c1 - self.c0 + 1

    @property
    def row(self) -> int:
        return self.r0 + 1

    @property
    def column(self) -> int:
        return self.c0 + 1

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> Any:
        rows, cols = self.shape
        return type(self)(self.sheet, self.r0, self.c0, self.r0 + (row_size or rows) - 1,
                          self.c0 + (column_size or cols) - 1, self._ndim)

    def options(self, ndim: int | None = None) -> Any:
        return type(self)(self.sheet, self.r0, self.c0, self.r1, self.c1, ndim)

    def shaped(self, grid: list[list[Any]]) -> Any:
        """``grid`` (the range's rows) as xlwings' ``.value`` returns it."""
        if self._ndim == 2:
            return grid
        rows, cols = self.shape
        if rows == 1 and cols == 1:
            return grid[0][0]
        return grid[0] if rows == 1 else [row[0] for row in grid] if cols == 1 else grid


class FakeRange(Corners):
    @property
    def rows(self) -> FakeRows:
        return FakeRows(self)

    @property
    def autofilter(self) -> FakeAutoFilter:
        return FakeAutoFilter(self)

    @property
    def value(self) -> Any:
        return self.shaped([[self.sheet.shown(r, c) for c in range(self.c0, self.c1 + 1)]
                            for r in range(self.r0, self.r1 + 1)])

    @value.setter
    def value(self, data: Any) -> None:
        grid = data if isinstance(data, list) and data and isinstance(data[0], list) else \
            [data] if isinstance(data, list) else [[data]]
        rows, cols = len(grid), max(len(r) for r in grid)
        target = {(self.r0 + i, self.c0 + j) for i in range(rows) for j in range(cols)}
        if self.sheet.protected and not target <= self.sheet.unlocked:
            raise ComError(EXCEL_PROTECTED)
        self.sheet.book.assignments.append((self.sheet.name, self.address, data))
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                stored = entered(v)
                key = (self.r0 + i, self.c0 + j)
                if stored is None:
                    self.sheet.cells.pop(key, None)
                else:
                    self.sheet.cells[key] = stored


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str, cells: dict[tuple[int, int], Any]) -> None:
        self.book = book
        self.name = name
        self.cells = cells
        self.hidden_rows: set[int] = set()
        self.protected = False
        self.unlocked: set[tuple[int, int]] = set()  # cells a protected sheet still lets one change

    def range(self, address: str) -> FakeRange:
        return FakeRange(self, *_corners(address))

    def shown(self, r: int, c: int) -> Any:
        """A cell's value as xlwings reads it (a formula's result is not computed here: None)."""
        v = self.cells.get((r, c))
        return None if isinstance(v, Formula) else v

    @property
    def used_range(self) -> FakeRange:
        """From A1 to the last used cell (the real used range starts at the first used cell;
        our sheets always use A1 for the title)."""
        if not self.cells:
            return FakeRange(self, 0, 0, 0, 0)
        return FakeRange(self, 0, 0, max(r for r, _ in self.cells), max(c for _, c in self.cells))

    def contents(self) -> dict[tuple[int, int], Any]:
        """Every non-empty cell: its value, or for a formula its text as a ``Formula``."""
        return dict(self.cells)

    def dump(self) -> dict[str, Any]:
        return {rc_to_cell(*k): v for k, v in self.cells.items()}

    # --- the owner's actions
    def insert_rows(self, before: int, count: int = 1) -> None:
        """Insert ``count`` whole rows above the 1-based row ``before``."""
        self._shift(before - 1, count, axis=0)

    def insert_columns(self, before: str, count: int = 1) -> None:
        """Insert ``count`` whole columns left of column ``before`` ('D')."""
        self._shift(cell_to_rc(before + "1")[1], count, axis=1)

    def delete_rows(self, first: int, count: int = 1) -> None:
        """Delete ``count`` whole rows from the 1-based row ``first``."""
        lo, hi = first - 1, first - 1 + count - 1
        self.cells = {(r - count if r > hi else r, c): v for (r, c), v in self.cells.items() if not lo <= r <= hi}
        self.hidden_rows = {r - count if r > hi else r for r in self.hidden_rows if not lo <= r <= hi}
        for name, ref in list(self.book.names.refs.items()):
            if ref is None or ref[0] != self.name:
                continue
            _, r0, c0, r1, c1 = ref
            if lo <= r0 and r1 <= hi:
                self.book.names.refs[name] = None  # all its rows deleted: =#REF!
                continue
            top = r0 if r0 < lo else lo if r0 <= hi else r0 - count
            bottom = r1 if r1 < lo else lo - 1 if r1 <= hi else r1 - count
            self.book.names.refs[name] = (self.name, top, c0, bottom, c1)

    def _shift(self, at: int, count: int, axis: int) -> None:
        def move(k: int) -> int:
            return k + count if k >= at else k

        self.cells = {((move(r), c) if axis == 0 else (r, move(c))): v for (r, c), v in self.cells.items()}
        if axis == 0:
            self.hidden_rows = {move(r) for r in self.hidden_rows}
        for name, ref in list(self.book.names.refs.items()):
            if ref is None or ref[0] != self.name:
                continue
            _, r0, c0, r1, c1 = ref
            # A name moves when cells are inserted before it and grows when they go inside it.
            if axis == 0:
                self.book.names.refs[name] = (self.name, move(r0), c0, r1 + count if r1 >= at else r1, c1)
            else:
                self.book.names.refs[name] = (self.name, r0, move(c0), r1, c1 + count if c1 >= at else c1)

    def protect(self) -> None:
        self.protected = True

    def unlock(self, address: str) -> None:
        """Format Cells > Protection > Locked off: still editable once the sheet is protected."""
        r0, c0, r1, c1 = _corners(address)
        self.unlocked |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}

    def unprotect(self) -> None:
        self.protected = False


class FakeSheets:
    def __init__(self, sheets: list[FakeSheet]) -> None:
        self._sheets = sheets

    def __iter__(self) -> Iterator[FakeSheet]:
        return iter(self._sheets)

    def __getitem__(self, name: str) -> FakeSheet:
        for s in self._sheets:
            if s.name == name:
                return s
        raise KeyError(name)


class FakeName:
    def __init__(self, names: "FakeNames", name: str) -> None:
        self.names = names
        self.name = name

    @property
    def refers_to(self) -> str:
        ref = self.names.refs[self.name]
        if ref is None:
            return "=#REF!"
        sheet, *corners = ref
        quoted = sheet if sheet.isidentifier() else "'" + sheet + "'"
        return f"={quoted}!{_absolute(*corners)}"

    @property
    def refers_to_range(self) -> FakeRange:
        ref = self.names.refs[self.name]
        if ref is None:
            raise ComError("Application-defined or object-defined error")
        sheet, r0, c0, r1, c1 = ref
        return FakeRange(self.names.book.sheets[sheet], r0, c0, r1, c1)


class FakeNames:
    def __init__(self, book: "FakeBook") -> None:
        self.book = book
        self.refs: dict[str, tuple[str, int, int, int, int] | None] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.refs

    def __iter__(self) -> Iterator[FakeName]:
        return (FakeName(self, n) for n in self.refs)

    def __getitem__(self, name: str) -> FakeName:
        if name not in self.refs:
            raise KeyError(name)
        return FakeName(self, name)

    def add(self, name: str, refers_to: str) -> FakeName:
        sheet, _, address = refers_to.lstrip("=").rpartition("!")
        self.refs[name] = (sheet.strip("'"), *_corners(address))
        return FakeName(self, name)


class FakeBook:
    def __init__(self, fullname: str, contents: dict[str, dict[tuple[int, int], Any]]) -> None:
        self.fullname = fullname
        self.app = FakeApp()
        self.assignments: list[tuple[str, str, Any]] = []
        self.sheets = FakeSheets([FakeSheet(self, n, dict(c)) for n, c in contents.items()])
        self.names = FakeNames(self)


def book_from_file(path) -> FakeBook:  # noqa: ANN001
    """A FakeBook holding the cell values (formulas as ``Formula``) and the workbook names of a
    workbook file."""
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=str(path).endswith(".xlsm"))
    contents = {}
    for ws in wb.worksheets:
        contents[ws.title] = {(c.row - 1, c.column - 1): Formula(getattr(c.value, "text", c.value))
                              if c.data_type == "f" else c.value
                              for row in ws.iter_rows() for c in row if c.value is not None}
    book = FakeBook(str(path), contents)
    for name, defined in wb.defined_names.items():
        for sheet, address in defined.destinations:
            book.names.refs[name] = (sheet, *_corners(address))
    return book
