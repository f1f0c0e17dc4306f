"""The live refresh: fills the dashboards of the owner's open workbook through xlwings.

Kept thin on purpose (it only runs inside Excel): read the Settings sheet, read the exports, build
the sheet descriptions with the same code as the headless refresh, then write each block with one
range assignment. Only the blocks' rectangles are written; the owner's notes, inputs and what-if
formulas elsewhere on the sheets are never touched. Uses only documented xlwings calls:
``book.sheets[name]``, ``sheet.used_range.value``, ``sheet.range(cell).value = rows``,
``app.screen_updating``, ``app.status_bar``, ``book.fullname``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from agency_xl.ams import read_exports
from agency_xl.assumptions.sheet import SETTINGS_SHEET, parse_settings
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import Sheet

FORMULA_STARTS = ("=", "+", "-", "@")
# Sheets whose content is the owner's input or live formulas: a refresh never writes there.
NOT_REFRESHED = {"Settings", "What-If"}


def as_typed_text(value: Any) -> Any:
    """A value assigned through xlwings is entered as if typed; text that starts like a formula
    gets Excel's hidden apostrophe so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def block_values(rows: list[list[Any]]) -> list[list[Any]]:
    return [[as_typed_text(v) for v in row] for row in rows]


def resolve_folder(folder: str | None, book_path: str) -> Path:
    """The exports folder from Settings; a relative path is taken from the workbook's folder."""
    if not folder:
        raise ValueError("Settings: the exports folder is empty. Put the folder where you save your "
                         "AMS exports in the yellow cell next to 'Exports folder'.")
    p = Path(folder).expanduser()
    return p if p.is_absolute() else Path(book_path).parent / p


def write_sheets(book: Any, sheets: list[Sheet], status: Callable[[str], None]) -> int:
    """Write every block of every refreshed sheet with one range assignment each; returns the
    number of blocks written."""
    names = {s.name for s in book.sheets}
    written = 0
    todo = [s for s in sheets if s.name not in NOT_REFRESHED]
    for i, sheet in enumerate(todo, start=1):
        if sheet.name not in names:
            raise ValueError(f"the workbook has no sheet {sheet.name!r}; rebuild it with 'agency-xl template'")
        status(f"agency_xl: writing {sheet.name} ({i}/{len(todo)})")
        target = book.sheets[sheet.name]
        for block in sheet.blocks:
            target.range(block.anchor).value = block_values(block.grid())
            written += 1
    return written


def refresh_book(book: Any, now: dt.datetime | None = None) -> int:
    """Refresh the open workbook ``book`` (an ``xlwings.Book``). Returns the blocks written."""
    app = book.app

    def status(msg: str) -> None:
        app.status_bar = msg

    app.screen_updating = False
    try:
        status("agency_xl: reading Settings")
        owner = parse_settings(book.sheets[SETTINGS_SHEET].used_range.value or [], SETTINGS_SHEET)
        folder = resolve_folder(owner.exports_folder, book.fullname)
        data = read_exports(folder, owner.mappings, progress=status)
        data.health.notes.extend(owner.problems)
        sheets = build_all(data, owner.assumptions, str(folder), now or dt.datetime.now())
        written = write_sheets(book, sheets, status)
        status(f"agency_xl: refreshed {written} blocks from {folder}")
        return written
    finally:
        app.screen_updating = True
