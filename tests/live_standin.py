"""A small recording stand-in for the xlwings objects the live refresh uses: Book (sheets,
fullname, app), Sheet (range, used_range, name), Range (value get/set), App (screen_updating,
status_bar). Each value assignment is recorded; cell contents are kept in a dict so a test can
see exactly what a refresh changed."""

from __future__ import annotations

from typing import Any

from agency_xl.dashboards.spec import cell_to_rc, rc_to_cell


class FakeApp:
    def __init__(self) -> None:
        self.status_messages: list[str] = []
        self.screen_updating_log: list[bool] = []

    @property
    def status_bar(self) -> str:
        return self.status_messages[-1] if self.status_messages else ""

    @status_bar.setter
    def status_bar(self, value: str) -> None:
        self.status_messages.append(value)

    @property
    def screen_updating(self) -> bool:
        return self.screen_updating_log[-1] if self.screen_updating_log else True

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self.screen_updating_log.append(value)


class FakeRange:
    def __init__(self, sheet: "FakeSheet", address: str) -> None:
        self.sheet = sheet
        self.address = address

    @property
    def value(self) -> Any:
        return self.sheet.cells.get(cell_to_rc(self.address))

    @value.setter
    def value(self, rows: Any) -> None:
        self.sheet.book.assignments.append((self.sheet.name, self.address, rows))
        r0, c0 = cell_to_rc(self.address)
        grid = rows if isinstance(rows, list) and rows and isinstance(rows[0], list) else [[rows]]
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                self.sheet.cells[(r0 + i, c0 + j)] = v


class FakeUsedRange:
    def __init__(self, sheet: "FakeSheet") -> None:
        self.sheet = sheet

    @property
    def value(self) -> list[list[Any]]:
        """From A1 to the last used cell (the real used range starts at the first used cell;
        our sheets always use A1 for the title)."""
        if not self.sheet.cells:
            return None
        rmax = max(r for r, _ in self.sheet.cells)
        cmax = max(c for _, c in self.sheet.cells)
        return [[self.sheet.cells.get((r, c)) for c in range(cmax + 1)] for r in range(rmax + 1)]


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str, cells: dict[tuple[int, int], Any]) -> None:
        self.book = book
        self.name = name
        self.cells = cells

    def range(self, address: str) -> FakeRange:
        return FakeRange(self, address)

    @property
    def used_range(self) -> FakeUsedRange:
        return FakeUsedRange(self)

    def dump(self) -> dict[str, Any]:
        return {rc_to_cell(*k): v for k, v in self.cells.items()}


class FakeSheets:
    def __init__(self, sheets: list[FakeSheet]) -> None:
        self._sheets = sheets

    def __iter__(self):  # noqa: ANN204
        return iter(self._sheets)

    def __getitem__(self, name: str) -> FakeSheet:
        for s in self._sheets:
            if s.name == name:
                return s
        raise KeyError(name)


class FakeBook:
    def __init__(self, fullname: str, contents: dict[str, dict[tuple[int, int], Any]]) -> None:
        self.fullname = fullname
        self.app = FakeApp()
        self.assignments: list[tuple[str, str, Any]] = []
        self.sheets = FakeSheets([FakeSheet(self, n, dict(c)) for n, c in contents.items()])


def book_from_file(path) -> FakeBook:  # noqa: ANN001
    """A FakeBook holding the cell values of a workbook file (as Excel would show them)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=str(path).endswith(".xlsm"))
    contents = {}
    for ws in wb.worksheets:
        contents[ws.title] = {(c.row - 1, c.column - 1): c.value for row in ws.iter_rows() for c in row
                              if c.value is not None}
    return FakeBook(str(path), contents)
