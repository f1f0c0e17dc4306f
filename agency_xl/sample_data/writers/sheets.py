"""Writing the sample exports, part 2: the workbooks. A worksheet written top to bottom, the
number formats, the title block and the run date every AMS report opens with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from agency_xl.sample_data import profile as pf


class Sheet:
    """One worksheet written top to bottom (XlsxWriter's constant-memory mode)."""

    def __init__(self, wb: xlsxwriter.Workbook, name: str, widths: list[float]):
        self.wb = wb
        self.ws = wb.add_worksheet(name)
        self.row = 0
        self.ncols = len(widths)
        self.bold = wb.add_format({"bold": True})
        self.title_fmt = wb.add_format({"bold": True, "font_size": 14})
        for c, w in enumerate(widths):
            self.ws.set_column(c, c, w)

    def title(self, text: str, merged: bool = False) -> None:
        if merged:
            self.ws.merge_range(self.row, 0, self.row, self.ncols - 1, text, self.title_fmt)
        else:
            self.ws.write_string(self.row, 0, text)
        self.row += 1

    def blank(self) -> None:
        self.row += 1

    def header(self, names: list[str]) -> None:
        for c, name in enumerate(names):
            self.ws.write_string(self.row, c, name, self.bold)
        self.row += 1

    def line(self, cells: dict[int, object], fmt=None) -> None:
        """A single row (titles, totals, footers): {column: value}."""
        for c, v in cells.items():
            if isinstance(v, str):
                self.ws.write_string(self.row, c, v, fmt)
            elif v is not None:
                self.ws.write_number(self.row, c, v, fmt)
        self.row += 1

    def rows(self, columns: list[list], formats: list, start: int = 0,
             stop: int | None = None) -> None:
        """Data rows ``start:stop`` from column lists: str -> text cell, number -> number cell
        in the column's format, None -> empty."""
        ws_string, ws_number = self.ws.write_string, self.ws.write_number
        stop = len(columns[0]) if stop is None else stop
        r = self.row
        for i in range(start, stop):
            for c, col in enumerate(columns):
                v = col[i]
                if v is None:
                    continue
                if v.__class__ is str:
                    ws_string(r, c, v)
                else:
                    ws_number(r, c, v, formats[c])
            r += 1
        self.row = r


def _workbook(path: Path, as_of: dt.date, title: str) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    # A fixed creation time (the morning after the as-of date's close) keeps files reproducible.
    wb.set_properties({"title": title, "author": "AMS Reports", "company": pf.AGENCY_NAME,
                       "created": dt.datetime.combine(as_of, dt.time(6, 15))})
    return wb


class Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.date = wb.add_format({"num_format": "mm/dd/yyyy"})
        self.datetime = wb.add_format({"num_format": "m/d/yyyy h:mm"})
        self.month = wb.add_format({"num_format": "mmm yyyy"})
        self.money = wb.add_format({"num_format": "#,##0.00"})
        self.dollars = wb.add_format({"num_format": "$#,##0.00"})
        self.pct = wb.add_format({"num_format": "0.00%"})
        self.id = wb.add_format({"num_format": "0"})


def _title_block(sheet: Sheet, lines: list[str]) -> None:
    sheet.title(lines[0], merged=True)
    for text in lines[1:]:
        sheet.title(text)
    sheet.blank()


def _run_date(d: dt.date) -> str:
    return f"Run Date: {d:%m/%d/%Y}"


def _rows_with_serials(sheet: Sheet, columns: list[list], formats: list, lo: int, hi: int,
                       serial_col: int) -> None:
    """Like Sheet.rows, but an int in ``serial_col`` is a bare serial number (General format)."""
    ws = sheet.ws
    r = sheet.row
    for i in range(lo, hi):
        for c, col in enumerate(columns):
            v = col[i]
            if v is None:
                continue
            if v.__class__ is str:
                ws.write_string(r, c, v)
            elif c == serial_col and v.__class__ is int:
                ws.write_number(r, c, v)
            else:
                ws.write_number(r, c, v, formats[c])
        r += 1
    sheet.row = r
