"""Legacy (BIFF) .xls workbooks.

Calamine reads an error cell (``#DIV/0!``) as empty, as it does in a workbook; xlrd, which keeps
it, finds the error cells of the sheet the reader loads, so they are reported as in every other
format.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from agency_xl.ams.errors import ExportFileError
from agency_xl.ams.sources.grid import PEEK_ROWS, Grid, SheetPeek
from agency_xl.ams.sources.limits import PASSWORD_MESSAGE, first_line

_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")


class XlsSource:
    """A legacy (BIFF) workbook, read whole as text with fastexcel: .xls exports are small."""

    kind = "xls"

    def __init__(self, path: Path) -> None:
        import fastexcel

        self.path = path
        data = path.read_bytes()
        # An encrypted .xlsx is an OLE file holding an "EncryptionInfo" stream.
        if _ENCRYPTED_OOXML in data:
            raise ExportFileError(PASSWORD_MESSAGE)
        self._data = data
        try:
            self._reader = fastexcel.read_excel(data)
            self._names = list(self._reader.sheet_names)
        except fastexcel.FastExcelError as e:
            raise _xls_error(e) from None
        self._frames: dict[str, pd.DataFrame] = {}

    def sheets(self) -> Iterator[SheetPeek]:
        import fastexcel

        for name in self._names:
            try:
                sheet = self._reader.load_sheet(
                    name, header_row=None, skip_rows=0, dtypes="string", whitespace_as_null=True
                )
                if sheet.visible != "visible":
                    continue
                frame = sheet.to_arrow().to_pandas()
            except fastexcel.FastExcelError as e:
                raise _xls_error(e, name) from None
            frame.columns = [c.absolute_index for c in sheet.selected_columns]
            self._frames[name] = frame
            yield SheetPeek(name, _peek_frame(frame))

    def load(
        self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int],
        columns: Sequence[int],
    ) -> Grid:
        frame = self._frames[sheet.name or ""]
        frame = frame[[c for c in frame.columns if c in set(columns)]]
        errors = {
            (row - header_row - 1, col): text
            for (row, col), text in self._error_cells(sheet.name or "").items()
            if row > header_row
        }
        return Grid(frame.iloc[header_row:].reset_index(drop=True), header_row + 1, errors)

    def _error_cells(self, name: str) -> dict[tuple[int, int], str]:
        """(sheet row, column) -> the error value shown, for every error cell of sheet ``name``."""
        import xlrd

        try:
            book = xlrd.open_workbook(file_contents=self._data, on_demand=True)
            sheet = book.sheet_by_name(name)
        except Exception:  # noqa: BLE001 - xlrd only adds detail; calamine has read the sheet
            return {}
        out = {}
        for r in range(sheet.nrows):
            types = sheet.row_types(r)
            if xlrd.XL_CELL_ERROR not in types:
                continue
            for c, kind in enumerate(types):
                if kind == xlrd.XL_CELL_ERROR:
                    code = sheet.cell_value(r, c)
                    out[(r + 1, c)] = xlrd.error_text_from_code.get(code, "#VALUE!")
        book.release_resources()
        return out


def _xls_error(e: Exception, sheet: str | None = None) -> ExportFileError:
    text = str(e)
    if "password" in text.lower() or "encrypt" in text.lower():
        return ExportFileError(PASSWORD_MESSAGE)
    where = f"sheet '{sheet}' of " if sheet else ""
    return ExportFileError(f"{where}the legacy .xls workbook cannot be read ({first_line(e)})")


def _peek_frame(frame: pd.DataFrame) -> list[tuple[int, list[Any]]]:
    """First PEEK_ROWS non-empty rows of a grid whose row i is sheet row i+1."""
    rows: list[tuple[int, list[Any]]] = []
    width = (max(frame.columns) + 1) if len(frame.columns) else 0
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        cells: list[Any] = [None] * width
        for col, v in zip(frame.columns, values):
            if isinstance(v, str) and v.strip():
                cells[col] = v
        if any(c is not None for c in cells):
            rows.append((i + 1, cells))
            if len(rows) >= PEEK_ROWS:
                break
    return rows

