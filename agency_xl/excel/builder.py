"""Writes dashboard sheets into a new workbook with XlsxWriter: values, styles, native charts,
buttons and the xlwings VBA project. Used by ``agency-xl template`` and the headless refresh.

Text from the exports is always written with ``write_string`` (never parsed as a formula), with a
quote-prefix format when it starts with = + - @ so it stays text if the owner edits the cell.
The file is written to a temporary file beside the target and renamed over it only when complete,
so an interrupted build leaves the previous file intact.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import xlsxwriter
import xlsxwriter.exceptions
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from agency_xl.dashboards.spec import Block, Chart, Formula, Sheet, cell_to_rc
from agency_xl.excel import carry, vba
from agency_xl.figures.sources import DEFAULT_NOTE

FORMULA_STARTS = ("=", "+", "-", "@")
HEADER_FILL = "#1F3864"
INPUT_FILL = "#FFF2CC"

STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16, "font_color": HEADER_FILL},
    "subtitle": {"italic": True, "font_color": "#404040"},
    "heading": {"bold": True, "font_size": 12, "font_color": HEADER_FILL, "bottom": 1},
    "note": {"italic": True, "font_color": "#595959"},
    "text": {},
    "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "text_wrap": True,
               "valign": "top"},
    "input": {"bg_color": INPUT_FILL, "border": 1, "border_color": "#BF9000"},
    "cell": {},
    "status": {"italic": True, "font_color": "#1F3864", "bold": True},
    "link": {"font_color": "#0563C1", "underline": 1},
    "wrap": {"text_wrap": True, "valign": "top"},
    "note_wrap": {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"},
    # A figure computed from a Settings default (figures.sources): italic grey on a light grey fill.
    "default": {"italic": True, "font_color": "#7F7F7F", "bg_color": "#EDEDED"},
}


class _Formats:
    """XlsxWriter formats created once per (style, number format, quote prefix)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.cache: dict[tuple[str, str | None, bool], Any] = {}

    def get(self, style: str = "cell", num_format: str | None = None, quote: bool = False) -> Any:
        key = (style, num_format, quote)
        if key not in self.cache:
            props = dict(STYLES[style])
            if num_format and num_format != "General":
                props["num_format"] = num_format
            if quote:
                props["quote_prefix"] = True
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]



DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_HEADER_LINES = 4


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at word breaks in a column ``width`` characters wide
    (Excel's width unit: the digit 0; bold header text is a little wider, hence the 0.9)."""
    room = max(1, int(width * 0.9))
    lines, used = 1, 0
    for word in text.split():
        n = len(word)
        if used and used + 1 + n > room:
            lines, used = lines + 1, 0
        used = n if not used else used + 1 + n
        while used > room:  # a word longer than the column breaks inside it
            lines, used = lines + 1, used - room
    return lines


def _plain(value: Any) -> Any:
    """numpy scalars as the Python values they stand for (np.int64 is no int, np.bool_ no bool)."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def write_value(ws: Worksheet, row: int, col: int, value: Any, fmts: _Formats, style: str = "cell",
                num_format: str | None = None) -> None:
    """One cell, typed: text as text (never a formula), numbers, booleans, dates, blanks. A number
    Excel cannot hold (NaN, infinite) is a blank cell, as "not measurable" is elsewhere."""
    value = _plain(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        ws.write_blank(row, col, None, fmts.get(style, num_format))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmts.get(style, num_format))
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmts.get(style, num_format))
    elif isinstance(value, (dt.datetime, dt.date)):
        fmt = num_format if num_format and num_format not in ("General", "@") else "yyyy-mm-dd"
        ws.write_datetime(row, col, value, fmts.get(style, fmt))
    else:
        text = str(value)
        quote = text.startswith(FORMULA_STARTS)
        ws.write_string(row, col, text, fmts.get(style, num_format if num_format == "@" else None, quote))


def write_block(ws: Worksheet, block: Block, fmts: _Formats) -> None:
    r0, c0 = block.top_left
    formats = block.formats or ["General"] * len(block.columns)
    for i, row in enumerate(block.grid()):
        is_header = block.header and i == 0
        data_index = i - (1 if block.header else 0)
        for j, value in enumerate(row):
            if is_header:
                write_value(ws, r0 + i, c0 + j, value, fmts, "header")
                continue
            fmt = formats[j]
            if block.row_formats and j in block.row_format_columns:
                fmt = block.row_formats[data_index]
            marked = (data_index, j) in block.defaults
            write_value(ws, r0 + i, c0 + j, value, fmts, "default" if marked else "cell", fmt)
            if marked:
                ws.write_comment(r0 + i, c0 + j, DEFAULT_NOTE[0].upper() + DEFAULT_NOTE[1:] + ".", {"x_scale": 1.6})
    if block.filter_buttons:  # over the header and every fixed row, blank ones too: sorting keeps the shape
        ws.autofilter(r0, c0, r0 + block.height - 1, c0 + len(block.columns) - 1)
    _conditional_formats(ws, block, fmts)


def add_table(ws: Worksheet, sheet: Sheet, block: Block, fmts: _Formats) -> None:
    """An Excel table over ``block``'s rectangle (its cells already written): filter buttons on
    the header, banded rows. Its name ("List_" + the block's workbook name) cannot clash with a
    workbook name, which Excel requires of a table's name."""
    r0, c0 = block.top_left
    ws.add_table(r0, c0, r0 + block.height - 1, c0 + len(block.columns) - 1, {
        "name": carry.TABLE_PREFIX + sheet.workbook_name(block), "style": "Table Style Light 9",
        "columns": [{"header": str(h), "header_format": fmts.get("header")} for h in block.columns]})


def _conditional_formats(ws: Worksheet, block: Block, fmts: _Formats) -> None:
    if block.heatmap_column is not None:
        ws.conditional_format(*block.column_range(block.heatmap_column), {
            "type": "3_color_scale", "min_color": "#63BE7B", "mid_color": "#FFEB84",
            "max_color": "#F8696B"})
    if block.status_column is not None:
        colours = block.status_words or {"OK": "#C6EFCE", "WATCH": "#FFEB9C", "ALERT": "#FFC7CE"}
        for word, colour in colours.items():
            fmt = fmts.wb.add_format({"bg_color": colour, "bold": True})
            ws.conditional_format(*block.column_range(block.status_column), {
                "type": "text", "criteria": "begins with", "value": word, "format": fmt})
    if block.arrow_column is not None:
        for word, colour in {"better": "#2E7D32", "worse": "#C62828"}.items():
            fmt = fmts.wb.add_format({"font_color": colour, "bold": True})
            ws.conditional_format(*block.column_range(block.arrow_column), {
                "type": "text", "criteria": "containing", "value": word, "format": fmt})


def _series_ref(sheet: Sheet, source: Block | Formula, col: int) -> list[Any]:
    """[sheet, first row, col, last row, col]: one column over every fixed data row of ``source``."""
    return [sheet.name, *source.column_range(col)]


def _category_date_format(sheet: Sheet, chart: Chart) -> str | None:
    """A date category column shows as serial numbers on the axis unless the axis gets its format."""
    src = sheet.source(chart.series[0].block)
    if isinstance(src, Block) and src.formats:
        fmt = src.formats[chart.series[0].categories]
        if any(code in fmt for code in ("yy", "mmm", "dd")):
            return "mmm yy" if "mmm" in fmt else fmt
    return None


def add_chart(wb: Workbook, ws: Worksheet, sheet: Sheet, chart: Chart) -> None:
    """A native chart bound to the sheet's own cells: every series covers all the fixed data rows
    of its block (or spilled table), whatever the data the workbook is built with, so the chart is
    the same in the template and after any refresh. The live refresh never touches charts: rows it
    leaves blank plot nothing (Excel keeps an empty category slot for each)."""
    kind = "doughnut" if chart.kind == "gauge" else chart.kind
    main = wb.add_chart({"type": kind, **({"subtype": "stacked"} if chart.stacked else {})})
    others: dict[str, Any] = {}
    for s in chart.series:
        block = sheet.source(s.block)
        series: dict[str, Any] = {
            "name": ([sheet.name, block.top_left[0], block.column_range(s.values)[1]]
                     if s.name_from_header and isinstance(block, Block) and block.header else s.name),
            "categories": _series_ref(sheet, block, s.categories),
            "values": _series_ref(sheet, block, s.values),
        }
        if s.color:
            key = "line" if (s.kind or kind) == "line" else "fill"
            series[key] = {"color": s.color, **({"width": 2.25} if key == "line" else {})}
            if key == "line" and s.dash:
                series[key].update(width=1.25, dash_type="dash")
            if key == "line":
                series["marker"] = ({"type": "circle", "size": 6, "fill": {"color": s.color},
                                     "border": {"color": s.color}} if s.markers else {"type": "none"})
                if s.dashed:  # a target: a dash at each point, so a single point shows it too
                    series["line"]["dash_type"] = "dash"
                    series["marker"] = {"type": "dash", "size": 9, "fill": {"color": s.color},
                                        "border": {"color": s.color}}
        if s.points:
            series["points"] = [{"fill": {"none": True}} if p == "none" else {"fill": {"color": p}}
                                for p in s.points]
        if s.secondary:
            series["y2_axis"] = True
        target = main
        if s.kind and s.kind != kind:
            if s.kind not in others:
                others[s.kind] = wb.add_chart({"type": s.kind})
            target = others[s.kind]
        target.add_series(series)
    if chart.kind == "gauge":
        main.set_rotation(270)
        main.set_hole_size(50)
        main.set_chartarea({"border": {"none": True}})
        for other in others.values():
            other.set_rotation(270)
    for other in others.values():
        main.combine(other)
    title: Any = chart.title
    if chart.title_cell is not None:  # the text of a cell the refresh rewrites
        block, row = chart.title_cell
        b = sheet.block(block)
        title = [sheet.name, b.first_data_row + row, b.top_left[1]]
    main.set_title({"name": title, "name_font": {"size": 11}})
    if chart.legend:
        main.set_legend({"position": chart.legend})
    else:
        main.set_legend({"none": True})
    if kind not in ("pie", "doughnut"):
        axis: dict[str, Any] = {"major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
        if chart.y_format:
            axis["num_format"] = chart.y_format
        if chart.y_title:
            axis["name"] = chart.y_title
        if chart.y_min is not None:
            axis["min"] = chart.y_min
        if chart.y_max is not None:
            axis["max"] = chart.y_max
        # Category labels at the bottom of the plot, clear of bars that go below zero.
        x_axis: dict[str, Any] = {"label_position": "low"}
        if chart.x_title:
            x_axis["name"] = chart.x_title
        x_format = chart.x_format or _category_date_format(sheet, chart)
        if x_format:
            x_axis["num_format"] = x_format
        if kind == "bar":  # XlsxWriter: a bar chart's x axis is the (horizontal) value axis
            main.set_x_axis(axis)
            main.set_y_axis(x_axis)
        else:
            main.set_y_axis(axis)
            main.set_x_axis(x_axis)
        if chart.y2_format:
            for other in others.values():
                other.set_y2_axis({"num_format": chart.y2_format})
            main.set_y2_axis({"num_format": chart.y2_format})
        main.show_blanks_as("gap")
    main.set_size({"width": chart.width, "height": chart.height})
    ws.insert_chart(chart.anchor, main, {"object_position": 1})


def define_block_names(wb: Workbook, sheets: list[Sheet]) -> None:
    """A workbook name over every block's rectangle (``Sheet.workbook_name``). Excel moves a name
    when the owner inserts or deletes rows and columns around it, so the live refresh finds each
    block where the owner's edits have put it, and can tell when a block itself was cut into."""
    seen: dict[str, str] = {}
    for sheet in sheets:
        for block in sheet.blocks:
            name = sheet.workbook_name(block)
            if name.lower() in seen:  # Excel names ignore case
                raise ValueError(f"the workbook name {name!r} is given twice ({seen[name.lower()]} and "
                                 f"{sheet.name}!{block.address()})")
            seen[name.lower()] = f"{sheet.name}!{block.address()}"
            first, last = block.address().split(":")
            wb.define_name(name, f"={quote_sheetname(sheet.name)}!{_absolute(first)}:{_absolute(last)}")


def _absolute(cell: str) -> str:
    """'A6' -> '$A$6'."""
    r, c = cell_to_rc(cell)
    return xl_rowcol_to_cell(r, c, row_abs=True, col_abs=True)


def _spill_style(f: Formula, i: int, j: int) -> tuple[str, str | None]:
    """Style and number format of cell (i, j) of a spilled result: the header style for the first
    row of a table with a header, else the row's format, else the column's, else the formula's."""
    if f.header and i == 0:
        return "header", None
    row = f.row_formats[i] if f.row_formats and i < len(f.row_formats) else None
    col = f.column_formats[j] if f.column_formats and j < len(f.column_formats) else None
    return "cell", row or col or f.format


def write_sheet(wb: Workbook, sheet: Sheet, fmts: _Formats) -> Worksheet:
    sheet.validate()
    ws = wb.add_worksheet(sheet.name)
    if sheet.tab_color:
        ws.set_tab_color(sheet.tab_color)
    ws.hide_gridlines(2)
    for col, width in sheet.column_widths.items():
        ws.set_column(col, col, width)
    for label in sheet.labels:
        r, c = cell_to_rc(label.cell)
        write_value(ws, r, c, label.text, fmts, label.style)
    for inp in sheet.inputs:
        r, c = cell_to_rc(inp.cell)
        write_value(ws, r, c, inp.value, fmts, "input", inp.format)
        if inp.choices:
            ws.data_validation(r, c, r, c, {
                "validate": "list", "source": list(inp.choices),
                "error_title": "Not in the list", "error_message": "Pick one of: " + ", ".join(inp.choices)})
        elif inp.choices_from:
            ws.data_validation(r, c, r, c, {
                "validate": "list", "source": "=" + inp.choices_from, "error_type": "warning",
                "error_title": "Not in the list", "error_message": "Pick a name from the list (arrow at the "
                "right of the cell); a name it does not hold is not used."})
    header_lines: dict[int, int] = {}
    for block in sheet.blocks:
        write_block(ws, block, fmts)
        if block.table:
            add_table(ws, sheet, block, fmts)
        if block.header:
            r0, c0 = block.top_left
            # Header text wraps in its cell: give the row as many lines as its longest wrapped name.
            lines = max(wrapped_lines(str(name), sheet.column_widths.get(c0 + j, DEFAULT_WIDTH))
                        for j, name in enumerate(block.columns))
            if lines > 1:
                header_lines[r0] = max(lines, header_lines.get(r0, 1))
    for r, lines in header_lines.items():
        ws.set_row(r, LINE_HEIGHT * min(lines, MAX_HEADER_LINES))
    for r, points in sheet.row_heights.items():
        ws.set_row(r, points)
    for f in sheet.formulas:
        r, c = cell_to_rc(f.cell)
        if f.spill:
            rows, cols = f.spill
            first = f.values[0][0] if f.values else f.value
            write_formula(ws, r, c, f.formula, first, fmts.get(*_spill_style(f, 0, 0)), spill=f.spill)
            # XlsxWriter pads the spill range with zeros; cache the real result there instead.
            for i, row_values in enumerate(f.values or []):
                for j, v in enumerate(row_values):
                    if i or j:
                        write_value(ws, r + i, c + j, v, fmts, *_spill_style(f, i, j))
        else:
            style = "link" if "HYPERLINK(" in f.formula.upper() else f.style
            write_formula(ws, r, c, f.formula, f.value, fmts.get(style, f.format))
    write_carried(ws, sheet, fmts)
    for chart in sheet.charts:
        add_chart(wb, ws, sheet, chart)
    return ws


def write_carried(ws: Worksheet, sheet: Sheet, fmts: _Formats) -> None:
    """The owner's cells kept from the workbook being overwritten, over the template's labels and
    inputs (his edits win, as they do in the live refresh). A cell keeps the style of our label or
    input at its place (yellow input cells stay yellow), else his number format."""
    styles: dict[tuple[int, int], tuple[str, str | None]] = {}
    for label in sheet.labels:
        styles[cell_to_rc(label.cell)] = (label.style, None)
    for inp in sheet.inputs:
        styles[cell_to_rc(inp.cell)] = ("input", inp.format)
    for (r, c), kept in sorted(sheet.carried.items()):
        style, ours = styles.get((r, c), ("cell", None))
        num_format = ours or kept.number_format
        if num_format == "General":
            num_format = None
        if kept.formula:
            write_formula(ws, r, c, kept.value, kept.cached, fmts.get(style, num_format), spill=kept.spill)
        elif isinstance(kept.value, (dt.time, dt.timedelta)):
            ws.write_datetime(r, c, kept.value, fmts.get(style, num_format or "hh:mm:ss"))
        else:
            write_value(ws, r, c, kept.value, fmts, style, num_format)
    for (r, c), (text, author) in sorted(sheet.carried_notes.items()):
        ws.write_comment(r, c, text, {"author": author} if author else {})


EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (serial numbers)


def stored_result(value: Any) -> bool | float | str:
    """A formula's last result as the file can store it: a bool, a finite number or text. Excel
    stores a date as its serial number and an empty result as empty text; so is a result not known
    (None: the template, or a cell whose last result was never saved) or not finite. Anything
    else (a value XlsxWriter would write as ``<v>None</v>``, making the file unreadable) is text."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else ""
    if isinstance(value, dt.datetime):
        return (value.replace(tzinfo=None) - EXCEL_EPOCH) / dt.timedelta(days=1)
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    if isinstance(value, dt.time):
        return (dt.datetime.combine(EXCEL_EPOCH.date(), value.replace(tzinfo=None)) - EXCEL_EPOCH) / dt.timedelta(days=1)
    if isinstance(value, dt.timedelta):
        return value / dt.timedelta(days=1)
    return str(value)


def write_formula(ws: Worksheet, row: int, col: int, formula: str, result: Any, fmt: Any,
                  spill: tuple[int, int] | None = None) -> None:
    """A formula with its last result stored as a type the cell can hold (``stored_result``); with
    ``spill`` (rows, columns) a dynamic-array formula, which Excel 365/2021 spills over as many
    cells as its result needs (older Excel shows it as a fixed {=...} array of that size)."""
    value = stored_result(result)
    if spill is None:
        ws.write_formula(row, col, formula, fmt, value)
        return
    if isinstance(value, bool):  # XlsxWriter stores an array formula's result as a number or text
        value = "TRUE" if value else "FALSE"
    rows, cols = spill
    ws.write_dynamic_array_formula(row, col, row + rows - 1, col + cols - 1, formula, fmt, value)


def build_workbook(sheets: list[Sheet], path: str | Path, buttons: list[tuple[str, str, str, str]] | None = None,
                   conf: dict[str, str] | None = None, properties: dict[str, str] | None = None) -> Path:
    """Write ``sheets`` to ``path`` (.xlsm with the xlwings VBA project and buttons, or a macro-free
    .xlsx), atomically. ``buttons``: (sheet name, cell, caption, macro). ``conf``: the xlwings.conf
    sheet's key/value rows (.xlsm only). ``properties``: custom document properties."""
    path = Path(path)
    macro = path.suffix.lower() == ".xlsm"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        })
        wb.set_properties({"title": "Agency dashboard", "comments": "Built by agency_xl"})
        for name, value in (properties or {}).items():
            wb.set_custom_property(name, value)
        fmts = _Formats(wb)
        worksheets = {s.name: write_sheet(wb, s, fmts) for s in sheets}
        define_block_names(wb, sheets)
        if macro:
            wb.add_vba_project(io.BytesIO(vba.vba_project_bytes()), is_stream=True)
            for sheet_name, cell, caption, macro_name in buttons or []:
                worksheets[sheet_name].insert_button(cell, {
                    "macro": macro_name, "caption": caption, "width": 170, "height": 34})
            conf_ws = wb.add_worksheet("xlwings.conf")
            for i, (key, value) in enumerate((conf or {}).items()):
                conf_ws.write_string(i, 0, key)
                conf_ws.write_string(i, 1, value)
            conf_ws.set_column(0, 0, 20)
            conf_ws.set_column(1, 1, 60)
            # Hidden, not deleted: xlwings reads it by name (wb.Sheets("xlwings.conf") in its VBA,
            # book.sheets["xlwings.conf"] in Python), which finds hidden sheets too. The owner can
            # unhide it (right-click a sheet tab > Unhide) to change the interpreter path.
            conf_ws.hide()
        try:
            wb.close()
        except xlsxwriter.exceptions.FileCreateError as exc:  # e.g. the disk is full
            raise OSError(f"cannot write {path}: {exc}") from exc
        # mkstemp makes the file private; give it the mode a normally created file would get.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.replace(tmp, path)
        except PermissionError:
            # Windows refuses to replace a file Excel has open ("[WinError 32] The process cannot
            # access the file ..."): say so in plain words.
            raise OSError(f"cannot write {path}: the file is open, probably in Excel. Close it in Excel "
                          f"(or close Excel), then run the command again. Nothing was changed.") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
