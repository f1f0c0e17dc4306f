"""The live refresh: fills the dashboards of the owner's open workbook through xlwings.

Kept thin on purpose (it only runs inside Excel): read the Settings sheet, read the exports, build
the sheet descriptions with the same code as the headless refresh, then write each block with one
range assignment. Only the blocks' rectangles are written; the owner's notes, inputs and what-if
formulas elsewhere on the sheets are never touched.

Each block is found through its workbook name (``Sheet.workbook_name``), which Excel moves when
the owner inserts rows or columns, so the block is written where his edits have put it. Before a
sheet is written, every one of its blocks is checked: the name still covers a rectangle of the
block's shape, on one sheet, with the block's header, and none of its rows is hidden (a filter
would hide rows of the new data). A sheet that fails a check is left exactly as it was, with a
message naming the sheet and the block; the other sheets are filled. Home, whose "Refreshed at"
says the dashboards are current, is written last and only when every other sheet was.

During the refresh Excel's calculation is manual and screen updating off (both restored after,
then one calculation); progress shows in the status bar, which is handed back to Excel at the
end. What went wrong reaches the owner as a plain message box, never a traceback.

Uses only documented xlwings calls: ``book.sheets[name]``, ``book.names``, ``name in book.names``,
``Name.refers_to_range``, ``Range.value``, ``Range.options(ndim=2)``, ``Range.shape``,
``Range.sheet``, ``Range.address``, ``Range.resize``, ``Range.rows.hidden``, ``sheet.used_range``,
``app.screen_updating``, ``app.calculation``, ``app.calculate()``, ``app.status_bar``,
``app.alert(prompt, title, buttons, mode)``, ``book.fullname``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from agency_xl.ams import read_exports, require_reports
from agency_xl.assumptions.sheet import SETTINGS_SHEET, parse_settings

from agency_xl.dashboards.spec import Block, Sheet
from agency_xl.excel import versions
from agency_xl.excel.refresh_history import figures_and_sheets, record_refresh

FORMULA_STARTS = ("=", "+", "-", "@")
# Sheets whose content is the owner's input or live formulas: a refresh never writes there.
NOT_REFRESHED = {"Settings", "What-If"}
HOME = "Home"  # written last: its "Refreshed at" says every other sheet is current
TITLE = "agency_xl Refresh"
REBUILD = ("Rebuild the workbook with 'agency-xl template' (it keeps your Settings and your own "
           "cells) and open the new file.")


class Refused(Exception):
    """A sheet the refresh leaves as it was (or, when Excel refused a write part-way, with its
    first ``written`` blocks written); the text says why, in the owner's words."""

    def __init__(self, text: str, written: int = 0) -> None:
        super().__init__(text)
        self.written = written


@dataclass
class Refreshed:
    """What one live refresh did: the sheets and blocks written, the sheets refused and why, or
    the error that stopped it before anything was written."""

    folder: Path | None = None
    sheets: list[str] = field(default_factory=list)
    blocks: int = 0
    refused: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    history_problem: str | None = None  # the history file could not be written (the sheets were)

    @property
    def complete(self) -> bool:
        return self.error is None and not self.refused

    def message(self) -> str | None:
        """The message box text for the owner, or None when all went well."""
        text = self._sheets_message()
        if self.history_problem:
            text = f"{text}\n\n{self.history_problem}" if text else self.history_problem
        return text

    def _sheets_message(self) -> str | None:
        if self.error and self.sheets:
            return (f"The refresh stopped after writing {', '.join(self.sheets)}.\n\n{self.error}\n\n"
                    f"{HOME} still shows the last complete refresh.")
        if self.error:
            return f"The dashboards were not refreshed.\n\n{self.error}"
        if not self.refused:
            return None
        lines = [f"Refreshed {len(self.sheets)} sheets from {self.folder}, but not these:", ""]
        lines += [f"- {text}" for text in self.refused.values()]
        if HOME not in self.sheets:
            lines += ["", f"{HOME} still shows the last complete refresh."]
        return "\n".join(lines)


def as_typed_text(value: Any) -> Any:
    """A value assigned through xlwings is entered as if typed; text that starts like a formula
    gets Excel's hidden apostrophe so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def block_values(rows: list[list[Any]]) -> list[list[Any]]:
    return [[as_typed_text(v) for v in row] for row in rows]


def resolve_folder(folder: str | None, book_path: str) -> Path:
    """The exports folder from Settings; a relative path is taken from the workbook's folder.
    Raises ValueError when it is empty or not a folder."""
    if not folder:
        raise ValueError("Settings: the exports folder is empty. Put the folder where you save your "
                         "AMS exports in the yellow cell next to 'Exports folder'.")
    p = Path(folder).expanduser()
    p = p if p.is_absolute() else Path(book_path).parent / p
    if not p.is_dir():  # a typo must not empty every dashboard
        raise ValueError(f"Settings: the exports folder {p} does not exist. Put the folder where you save "
                         f"your AMS exports in the yellow cell next to 'Exports folder'.")
    return p


def excel_says(exc: BaseException) -> str:
    """Excel's own words from the error it raised (pywin32's com_error carries them in
    ``excepinfo[2]``), else the error's text; never a traceback."""
    info = getattr(exc, "excepinfo", None)
    if info is None and len(exc.args) > 2 and isinstance(exc.args[2], tuple):
        info = exc.args[2]
    if info and len(info) > 2 and info[2]:
        return str(info[2]).strip()
    return str(exc).strip() or type(exc).__name__


def _same_header(found: Any, expected: Any) -> bool:
    if isinstance(found, float) and isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return math.isclose(found, expected)
    return str("" if found is None else found).strip() == str("" if expected is None else expected).strip()


def _the_table(sheet: Sheet, block: Block) -> str:
    return f"{sheet.name}: the table {sheet.workbook_name(block)} (built at {block.address()})"


def locate_blocks(book: Any, sheet: Sheet) -> list[tuple[Block, Any]]:
    """Every block of ``sheet`` with the range its workbook name now refers to, checked before
    anything is written; raises Refused naming the sheet and the first block that fails."""
    found = []
    for block in sheet.blocks:
        name = sheet.workbook_name(block)
        table = _the_table(sheet, block)
        if name not in book.names:
            raise Refused(f"{table} has no name in this workbook, so the refresh cannot tell where it is. "
                          f"{REBUILD}")
        try:
            rng = book.names[name].refers_to_range
        except Exception:  # Excel raises when the name's cells were deleted (=#REF!)
            raise Refused(f"{table} was deleted (its rows, its columns or its sheet). Undo that, or rebuild "
                          f"the workbook with 'agency-xl template' and open the new file.") from None
        rows, cols = rng.shape
        if (rows, cols) != (block.height, len(block.columns)):
            raise Refused(
                f"{table} now covers {rng.address.replace('$', '')}: {rows} rows x {cols} columns instead of "
                f"{block.height} x {len(block.columns)}. A row or column was inserted into it or deleted "
                f"from it. Undo that (your own cells belong outside the table), then press Refresh again.")
        if found and rng.sheet.name != found[0][1].sheet.name:
            raise Refused(f"{table} is on the sheet {rng.sheet.name!r}, away from the rest of {sheet.name}. "
                          f"Move it back, then press Refresh again.")
        if block.header:
            header = rng.resize(row_size=1).options(ndim=2).value[0]
            skip = sheet.data_headers(block)
            for j, (got, want) in enumerate(zip(header, block.columns)):
                if j not in skip and not _same_header(got, want):
                    raise Refused(
                        f"{table}: its header reads {got!r} where the refresh expects {want!r}, so the "
                        f"name no longer sits on the table. Put the header back (or undo the change "
                        f"that moved it), then press Refresh again.")
        if rng.rows.hidden is not False:
            raise Refused(f"{table} has hidden rows (a filter?). New data would be hidden under them: clear "
                          f"the filter (Data > Clear) or unhide the rows, then press Refresh again.")
        found.append((block, rng))
    return found


def write_sheet(sheet: Sheet, targets: list[tuple[Block, Any]]) -> int:
    """Write each block with one range assignment; returns the blocks written. Raises Refused
    when Excel refuses a write (a protected sheet): nothing more of the sheet is written."""
    for i, (block, rng) in enumerate(targets):
        try:
            rng.value = block_values(block.grid())
        except Exception as exc:
            said = excel_says(exc)
            hint = (" Unprotect it (Review > Unprotect Sheet), then press Refresh again."
                    if "protect" in said.lower() else "")
            done = ("Nothing on the sheet was written." if i == 0 else
                    "The tables above it were written; the rest were not.")
            raise Refused(f"{_the_table(sheet, block)}: Excel refused the change: {said}{hint} {done}", i) from None
    return len(targets)


def write_sheets(book: Any, sheets: list[Sheet], status: Callable[[str], None], done: Refreshed) -> None:
    """Write every refreshed sheet, Home last and only when all the others were written."""
    todo = [s for s in sheets if s.name not in NOT_REFRESHED and s.name != HOME]
    todo += [s for s in sheets if s.name == HOME]
    for i, sheet in enumerate(todo, start=1):
        if sheet.name == HOME and done.refused:
            break
        status(f"agency_xl: writing {sheet.name} ({i}/{len(todo)})")
        try:
            done.blocks += write_sheet(sheet, locate_blocks(book, sheet))
        except Refused as refusal:
            done.refused[sheet.name] = str(refusal)
            done.blocks += refusal.written
            continue
        done.sheets.append(sheet.name)


def refresh_book(book: Any, now: dt.datetime | None = None) -> Refreshed:
    """Refresh the open workbook ``book`` (an ``xlwings.Book``) from the exports folder on its
    Settings sheet. Problems reach the owner as a message box; returns what was done."""
    app = book.app
    done = Refreshed()

    def status(msg: str) -> None:
        app.status_bar = msg

    screen, calculation = app.screen_updating, app.calculation
    app.screen_updating = False
    app.calculation = "manual"
    try:
        # Before anything is read or written: the workbook's VBA must belong to the installed
        # xlwings (issue 11.5); its ValueError reaches the owner like the ones below.
        versions.check_workbook_matches_xlwings(book)
        status("agency_xl: reading Settings")
        owner = parse_settings(book.sheets[SETTINGS_SHEET].used_range.value or [], SETTINGS_SHEET)
        done.folder = resolve_folder(owner.exports_folder, book.fullname)
        # A folder with no report in it must not blank the dashboards (issue 10.13).
        data = require_reports(read_exports(done.folder, owner.mappings, progress=status))
        data.health.notes.extend(owner.problems)
        refreshed_at = now or dt.datetime.now()
        _, sheets, metrics = figures_and_sheets(book.fullname, data, owner.assumptions, str(done.folder),
                                                refreshed_at)
        if not any(s.workbook_name(b) in book.names for s in sheets for b in s.blocks):
            raise ValueError(f"This workbook was built by an older agency_xl: its tables have no names, "
                             f"so the refresh cannot tell where they are. {REBUILD}")
        write_sheets(book, sheets, status, done)
        status(f"agency_xl: refreshed {done.blocks} blocks from {done.folder}")
        # The figures are recorded whatever sheet was refused: they are right either way. Never
        # raises; a history that cannot be written is a warning, the dashboards are filled.
        done.history_problem = record_refresh(book.fullname, metrics, refreshed_at)
    except (ValueError, OSError) as exc:  # the reader's and the settings' messages are the owner's
        done.error = str(exc)
    except Exception as exc:  # a bug: still a plain message, with what Python said
        done.error = f"agency_xl stopped with an unexpected error ({type(exc).__name__}: {excel_says(exc)})."
    finally:
        app.calculation = calculation
        app.calculate()
        app.screen_updating = screen
        app.status_bar = False  # hand the status bar back to Excel
    message = done.message()
    if message:
        mode = "critical" if done.error or done.refused else "info"
        app.alert(message, title=TITLE, buttons="ok", mode=mode)
    return done
