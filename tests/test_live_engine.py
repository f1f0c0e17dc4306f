"""The live refresh (the Refresh button's code) on a real spreadsheet engine, LibreOffice through
tests/uno_engine.py, and on the recording stand-in (tests/live_standin.py): every case runs on
both (``backend``), a few on the engine only (charts, number formats, saving and rendering).

Each case builds the template, opens it, does what the owner would (insert rows and columns,
type notes and formulas beside the tables, protect a sheet, filter a table), runs
``refresh_book`` and then checks, cell by cell: every table holds what its sheet description
says, where the owner's edits have moved it; nothing outside the tables changed; charts cover
their tables; what must be refused is refused with a plain message, the rest filled."""

from __future__ import annotations

import datetime as dt
import copy
import functools
import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula
import pytest
from live_standin import Formula, book_from_file
from small_exports import MANY_VENDORS, ONE_VENDOR, write_folder
from uno_engine import EngineMissing, a1, parse_address, start_engine

from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards.spec import Block, Sheet, cell_to_rc
from agency_xl.excel import live
from agency_xl.excel.refresh_history import figures_and_sheets
from agency_xl.history import history_path
from agency_xl.excel.workbook import write_dashboard

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
NOW = dt.datetime(2025, 11, 3, 8, 15)
EARLIER = dt.datetime(2025, 10, 1, 7, 0)


@pytest.fixture(scope="session")
def engine():
    """One headless LibreOffice for the whole test session (tests/uno_engine.py), stopped at the
    end. Skips where LibreOffice or python3-uno is missing, except in CI, which installs both."""
    try:
        session = start_engine()
        running = session.__enter__()
    except EngineMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} (.ci/run should have installed it)")
        pytest.skip(str(exc))
    try:
        yield running
    finally:
        session.__exit__(None, None, None)


@pytest.fixture(params=["stand-in", "engine"])
def backend(request):
    """Opens a workbook file as the live refresh sees it: in the recording stand-in, or in
    LibreOffice (closed again after the test)."""
    if request.param == "stand-in":
        yield book_from_file
        return
    engine = request.getfixturevalue("engine")
    opened = []

    def open_book(path: Path) -> Any:
        book = engine.open(path)
        opened.append(book)
        return book

    yield open_book
    for book in opened:
        book.close()


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("exports")
    return {"one": write_folder(root / "one vendor", ONE_VENDOR),
            "many": write_folder(root / "many vendors", MANY_VENDORS),
            "sample": SAMPLE}


_LAID_OUT: dict[tuple[str, dt.datetime], list[Sheet]] = {}
_READ: dict[str, Any] = {}


def described(folder: Path, now: dt.datetime = NOW) -> list[Sheet]:
    """The sheet descriptions a refresh from ``folder`` writes (the same code the refresh uses to
    lay them out; the tests check where and how they land, not the figures)."""
    return _refreshed(folder, now)[1]


def _refreshed(folder: Path, now: dt.datetime) -> tuple:
    """What ``live.figures_and_sheets`` gives for ``folder`` with the default Settings and no history."""
    key = (str(folder), now)
    if key not in _LAID_OUT:
        _LAID_OUT[key] = figures_and_sheets(Path(tempfile.mkdtemp()) / "no history here.xlsm",
                                            read_exports(folder), Assumptions(), str(folder), now)
    return _LAID_OUT[key]


@pytest.fixture(autouse=True)
def read_and_lay_out_once(monkeypatch):
    """Reading a folder and laying out its sheets give the same result every time (the reader's
    and the dashboards' own tests prove what they give): the refreshes here reuse them, so the
    time goes to what these tests check, the writing. Settings other than the defaults still go
    through the real code."""

    def read(folder, mappings=None, progress=None, **kwargs):
        if mappings is not None and mappings != type(mappings)():
            return read_exports(folder, mappings, progress=progress, **kwargs)
        if str(folder) not in _READ:
            _READ[str(folder)] = read_exports(folder, progress=progress, **kwargs)
        return copy.deepcopy(_READ[str(folder)])

    def lay_out(workbook, data, settings, exports_folder, refreshed_at):
        first = _READ.get(exports_folder)
        if (settings != Assumptions() or first is None or data.health.notes != first.health.notes
                or history_path(workbook).exists()):
            return figures_and_sheets(workbook, data, settings, exports_folder, refreshed_at)
        return _refreshed(Path(exports_folder), refreshed_at)

    monkeypatch.setattr(live, "read_exports", read)
    monkeypatch.setattr(live, "figures_and_sheets", lay_out)


@functools.lru_cache(maxsize=None)
def _template(folder: Path, where: Path) -> Path:
    return write_dashboard(where / "agency_dashboard.xlsm", None, Assumptions(), str(folder))


def template(tmp_path: Path, folder: Path) -> Path:
    """The empty template, its exports folder set to ``folder``, as a file of this test's own
    (built once per folder, then copied)."""
    built = _template(folder, Path(tempfile.mkdtemp(prefix="template-", dir=tmp_path.parent)))
    return Path(shutil.copy(built, tmp_path / built.name))


# --- where things are after the owner's edits ---------------------------------------------------

class Moves:
    """Rows and columns the owner inserted, per sheet, to say where a template cell is now."""

    def __init__(self) -> None:
        self.edits: dict[str, list[tuple[str, int, int]]] = {}

    def rows(self, sheet: Any, before: int, count: int) -> None:
        sheet.insert_rows(before, count)
        self.edits.setdefault(sheet.name, []).append(("rows", before - 1, count))

    def columns(self, sheet: Any, before: str, count: int) -> None:
        sheet.insert_columns(before, count)
        self.edits.setdefault(sheet.name, []).append(("cols", cell_to_rc(before + "1")[1], count))

    def cell(self, sheet: str, r: int, c: int) -> tuple[int, int]:
        for kind, at, count in self.edits.get(sheet, []):
            if kind == "rows" and r >= at:
                r += count
            if kind == "cols" and c >= at:
                c += count
        return r, c

    def rect(self, sheet: str, r0: int, c0: int, r1: int, c1: int) -> tuple[int, int, int, int]:
        return (*self.cell(sheet, r0, c0), *self.cell(sheet, r1, c1))


def block_rect(block: Block) -> tuple[int, int, int, int]:
    r0, c0 = block.top_left
    return r0, c0, r0 + block.height - 1, c0 + len(block.columns) - 1


def refreshed(sheets: list[Sheet], skip: tuple[str, ...] = ()) -> list[Sheet]:
    return [s for s in sheets if s.name not in live.NOT_REFRESHED and s.name not in skip]


def owned(sheets: list[Sheet], moves: Moves, skip: tuple[str, ...] = ()) -> dict[str, set[tuple[int, int]]]:
    out: dict[str, set[tuple[int, int]]] = {}
    for s in refreshed(sheets, skip):
        cells = out.setdefault(s.name, set())
        for b in s.blocks:
            r0, c0, r1, c1 = moves.rect(s.name, *block_rect(b))
            cells |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    return out


def snapshot(book: Any) -> dict[str, dict[tuple[int, int], Any]]:
    return {s.name: s.contents() for s in book.sheets}


# --- checks -----------------------------------------------------------------------------------

def same_cell(got: Any, want: Any) -> bool:
    """A cell as xlwings reads it against the value the description holds."""
    if want is None or want == "":
        return got is None
    if isinstance(want, str):
        return isinstance(got, str) and got == want
    if isinstance(want, bool):
        return got in (want, float(want))
    if isinstance(want, (dt.datetime, dt.date)):
        want = want if isinstance(want, dt.datetime) else dt.datetime.combine(want, dt.time())
        if isinstance(got, dt.datetime):
            return abs((got - want).total_seconds()) < 1
        serial = (want - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
        return isinstance(got, float) and math.isclose(got, serial, abs_tol=1e-5)
    return isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)


def stored(value: Any) -> Any:
    """A cell's value as the file stores it: dates and truth values as numbers, no empty text."""
    if value == "":
        return None
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
    if isinstance(value, bool):
        return float(value)
    return value


def assert_blocks_hold(book: Any, sheets: list[Sheet], moves: Moves, skip: tuple[str, ...] = ()) -> None:
    """Every table of every refreshed sheet holds its description's grid (header, rows, blank
    padding) at its place, text as text (never a formula)."""
    for s in refreshed(sheets, skip):
        contents = book.sheets[s.name].contents()
        for b in s.blocks:
            r0, c0, _, _ = moves.rect(s.name, *block_rect(b))
            for i, row in enumerate(b.grid()):
                for j, want in enumerate(row):
                    got = contents.get((r0 + i, c0 + j))
                    where = f"{s.name}!{a1(r0 + i, c0 + j, absolute=False)} ({b.name})"
                    assert not isinstance(got, Formula), f"{where} became a formula: {got}"
                    assert same_cell(got, want), f"{where}: {got!r}, expected {want!r}"


def assert_nothing_else_changed(before: dict, book: Any, sheets: list[Sheet], moves: Moves,
                                skip: tuple[str, ...] = ()) -> None:
    """Outside the refreshed tables every cell is as it was, values and formulas alike."""
    mine = owned(sheets, moves, skip)
    for name, cells in before.items():
        after = book.sheets[name].contents()
        for key in set(cells) | set(after):
            if key not in mine.get(name, set()):
                assert after.get(key) == cells.get(key), f"{name}!{a1(*key, absolute=False)} changed"


def assert_charts_cover_blocks(book: Any, sheets: list[Sheet], moves: Moves) -> None:
    """Engine only: every chart's series read their table's full fixed columns, wherever the
    owner's edits have moved the table."""
    for s in sheets:
        listed = list(book.sheets[s.name].charts)
        assert len(listed) == len(s.charts), s.name
        for i, chart in enumerate(s.charts):
            # By title; a title read from a cell (the Scorecard's) shows that cell's text: by order.
            found = next((c for c in listed if c.title == chart.title), listed[i])
            want = set()
            for series in chart.series:
                src = s.source(series.block)
                for col in (series.values, series.categories):
                    r0, c, r1, _ = src.column_range(col)
                    want.add(moves.rect(s.name, r0, c, r1, c))
            got = set()
            for series in found.series:
                got |= {parse_address(series.values[1]), parse_address(series.categories[1])}
                assert series.values[0] == series.categories[0] == s.name
            assert got == want, f"{s.name}: chart {chart.title!r}"


def assert_refresh_left_excel_as_it_was(book: Any, refreshes: int = 1) -> None:
    """Calculation automatic again and run once per refresh, screen updating on, the status bar
    handed back to Excel."""
    app = book.app
    assert app.calculation == "automatic" and app.calculations == refreshes
    assert app.screen_updating is True
    assert app.status_bar is False


def set_exports_folder(book: Any, folder: Path) -> None:
    """The owner types another folder next to 'Exports folder' on Settings."""
    ws = book.sheets["Settings"]
    grid = ws.used_range.options(ndim=2).value
    r, c = next((r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if v == "Exports folder")
    ws.range(a1(r, c + 2, absolute=False)).value = str(folder)


def home_refreshed_at(book: Any) -> Any:
    return book.names["home_last_refresh"].refers_to_range.options(ndim=2).value[0][1]


def is_engine(book: Any) -> bool:
    return hasattr(book, "doc")


# --- the cases ----------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["sample", "one", "many"])
def test_template_filled_from_a_folder(backend, folders, tmp_path, which):
    """From the sample and from folders unlike it (one vendor, nine vendors with names that look
    like formulas): every table where its description says, charts over whole tables, nothing else
    changed, Excel's state restored, no message."""
    folder = folders[which]
    book = backend(template(tmp_path, folder))
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    assert done.complete, done.message()
    assert book.app.alerts == []
    sheets = described(folder)
    assert done.sheets[-1] == "Home" and set(done.sheets) == {s.name for s in refreshed(sheets)}
    assert_blocks_hold(book, sheets, Moves())
    assert_nothing_else_changed(before, book, sheets, Moves())
    assert_refresh_left_excel_as_it_was(book)
    assert home_refreshed_at(book) == NOW
    if is_engine(book):
        assert_charts_cover_blocks(book, sheets, Moves())


def test_a_second_refresh_from_another_folder_replaces_the_first(backend, folders, tmp_path):
    """Nine vendors, then one: the rows the first refresh filled and the second does not are
    blank again, in the table and in its chart."""
    book = backend(template(tmp_path, folders["many"]))
    live.refresh_book(book, now=EARLIER)
    set_exports_folder(book, folders["one"])
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    assert done.complete, done.message()
    sheets = described(folders["one"])
    assert_blocks_hold(book, sheets, Moves())
    assert_nothing_else_changed(before, book, sheets, Moves())
    vendors = book.names["leads_vendors"].refers_to_range.options(ndim=2).value
    assert [r[0] for r in vendors[1:]] == ["=2+3"] + [None] * 7


def test_owner_inserts_rows_and_columns_and_types_beside_the_tables(backend, folders, tmp_path):
    """Rows above the Leads tables, columns left of every Profitability table, a note and a
    formula beside the vendors: the refresh follows the names, his cells stay, his formula sees
    the new figures."""
    book = backend(template(tmp_path, folders["many"]))
    moves = Moves()
    moves.rows(book.sheets["Leads"], 5, 3)  # vendors: A6:K14 -> A9:K17
    moves.columns(book.sheets["Profitability"], "A", 2)
    moves.columns(book.sheets["Leads"], "L", 1)  # between the vendors table and the charts
    leads = book.sheets["Leads"]
    # Column L took the Text format of the Rating column on its left (as in Excel, where a
    # formula typed there stays text): his note and formula go in M, the old L.
    leads.range("M10").value = "ask about pricing"
    leads.range("M11").value = "=SUM(B10:B17)"  # the vendors' spend
    book.sheets["Profitability"].range("A6").value = "my own column"
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    assert done.complete, done.message()
    sheets = described(folders["many"])
    assert_blocks_hold(book, sheets, moves)
    assert_nothing_else_changed(before, book, sheets, moves)
    assert book.names["leads_vendors"].refers_to == "=Leads!$A$9:$K$17"
    assert leads.contents()[(10, 12)] == "=SUM(B10:B17)"
    if is_engine(book):
        spend = sum(r[1] for r in sheets[[s.name for s in sheets].index("Leads")].block("vendors").rows)
        assert leads.range("M11").value == pytest.approx(spend)  # calculated once after the refresh
        assert_charts_cover_blocks(book, sheets, moves)


def _refused_alone(book: Any, done: live.Refreshed, sheet: str, before: dict, sheets: list[Sheet],
                   moves: Moves, *words: str, refreshes: int = 1) -> str:
    """``sheet`` refused with a message naming it and ``words``, nothing of it written, the other
    sheets filled, Home (written last) left as it was, one message box."""
    assert list(done.refused) == [sheet]
    text = done.refused[sheet]
    assert text.startswith(f"{sheet}: ") and all(w in text for w in words), text
    assert "Traceback" not in text and "com_error" not in text
    assert book.sheets[sheet].contents() == before[sheet]
    assert book.sheets["Home"].contents() == before["Home"]
    assert "Home" not in done.sheets
    assert_blocks_hold(book, sheets, moves, skip=(sheet, "Home"))
    assert_nothing_else_changed(before, book, sheets, moves, skip=(sheet, "Home"))
    assert [a["prompt"] for a in book.app.alerts] == [done.message()]
    assert text in done.message() and "Home still shows the last complete refresh" in done.message()
    assert_refresh_left_excel_as_it_was(book, refreshes)
    return text


def test_a_row_inserted_inside_a_table_refuses_that_sheet(backend, folders, tmp_path):
    book = backend(template(tmp_path, folders["many"]))
    book.sheets["Leads"].insert_rows(9, 1)  # inside the vendors table A6:K14
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    text = _refused_alone(book, done, "Leads", before, described(folders["many"]), Moves(),
                          "leads_vendors", "A6:K15", "10 rows x 11 columns instead of 9 x 11")
    assert "Undo" in text


def test_a_column_inserted_inside_a_table_refuses_that_sheet(backend, folders, tmp_path):
    book = backend(template(tmp_path, folders["many"]))
    book.sheets["Cash Flow"].insert_columns("B", 1)  # inside every Cash Flow table from column A
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    _refused_alone(book, done, "Cash Flow", before, described(folders["many"]), Moves(),
                   "cash_flow_", "instead of")


def test_a_changed_header_refuses_that_sheet(backend, folders, tmp_path):
    book = backend(template(tmp_path, folders["many"]))
    book.sheets["Leads"].range("A6").value = "Lead vendor"
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    _refused_alone(book, done, "Leads", before, described(folders["many"]), Moves(),
                   "leads_vendors", "'Lead vendor'", "'Vendor'")


def test_a_deleted_table_refuses_that_sheet(backend, folders, tmp_path):
    book = backend(template(tmp_path, folders["many"]))
    book.sheets["Leads"].delete_rows(6, 9)  # the whole vendors table
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    # The tables below moved up 9 rows with the deletion; the refresh finds them by name, but the
    # sheet is refused as a whole, so nothing of it is written.
    _refused_alone(book, done, "Leads", before, described(folders["many"]), Moves(), "leads_vendors", "deleted")


def test_a_protected_sheet_gets_a_plain_message(backend, folders, tmp_path):
    book = backend(template(tmp_path, folders["many"]))
    book.sheets["Cash Flow"].protect()
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    _refused_alone(book, done, "Cash Flow", before, described(folders["many"]), Moves(),
                   "protected sheet", "Review > Unprotect Sheet", "Nothing on the sheet was written")


def test_a_protected_sheet_with_its_first_table_unlocked_says_what_was_written(backend, folders, tmp_path):
    """The owner unlocked the status line of Cash Flow before protecting it: Excel takes that
    write and refuses the next; the message says so, the rest of the workbook is filled."""
    book = backend(template(tmp_path, folders["many"]))
    cash = book.sheets["Cash Flow"]
    cash.unlock("A2")
    cash.protect()
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    assert list(done.refused) == ["Cash Flow"]
    text = done.refused["Cash Flow"]
    assert "cash_flow_cash_vs_accrual" in text and "The tables above it were written" in text
    sheets = described(folders["many"])
    status = next(s for s in sheets if s.name == "Cash Flow").block("status")
    assert cash.contents()[(1, 0)] == status.rows[0][0]
    others = sum(len(s.blocks) for s in refreshed(sheets, skip=("Cash Flow", "Home")))
    assert done.blocks == others + 1 and "Home" not in done.sheets
    assert_nothing_else_changed(before, book, sheets, Moves(), skip=("Cash Flow", "Home"))


def test_a_filtered_table_gets_a_plain_message(backend, folders, tmp_path):
    """The owner filters the vendors table after a refresh; the next refresh would put other
    vendors under the hidden rows, so Leads is left alone until the filter is cleared."""
    book = backend(template(tmp_path, folders["many"]))
    live.refresh_book(book, now=EARLIER)
    vendors = book.names["leads_vendors"].refers_to_range
    vendors.autofilter.apply_values(1, ["Alpha"])
    assert vendors.rows.hidden is None
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    _refused_alone(book, done, "Leads", before, described(folders["many"]), Moves(),
                   "leads_vendors", "hidden rows", "clear the filter", refreshes=2)
    vendors.autofilter.clear()
    assert live.refresh_book(book, now=NOW).complete


def test_a_workbook_without_names_says_to_rebuild(backend, folders, tmp_path):
    """A workbook built by an older agency_xl (no names): one message, nothing written."""
    path = template(tmp_path, folders["one"])
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.save(path)
    book = backend(path)
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    assert done.error and "older agency_xl" in done.error and "agency-xl template" in done.error
    assert snapshot(book) == before
    assert [a["prompt"] for a in book.app.alerts] == [done.message()]
    assert_refresh_left_excel_as_it_was(book)


def test_a_bad_exports_folder_changes_nothing(backend, tmp_path):
    book = backend(template(tmp_path, tmp_path / "no such folder"))
    before = snapshot(book)
    done = live.refresh_book(book, now=NOW)
    assert done.error and "no such folder" in done.error
    assert snapshot(book) == before
    assert book.app.alerts[0]["prompt"].startswith("The dashboards were not refreshed.")
    assert_refresh_left_excel_as_it_was(book)


def test_values_are_entered_as_excel_enters_them(backend, folders, tmp_path):
    """The typed-entry rule both stand-ins for Excel follow (a leading apostrophe is hidden and
    keeps text as text; '=' and a '-' before a word make a formula), in General cells of Home."""
    book = backend(template(tmp_path, folders["one"]))
    home = book.sheets["Home"]
    home.range("H2").value = [["'=x", "=1+2", "-x", "'-x", 5, None, "plain words", "'007"]]
    got = {c: v for (r, c), v in home.contents().items() if r == 1 and c >= 7}
    assert got[7] == "=x" and not isinstance(got[7], Formula)
    assert isinstance(got[8], Formula) and got[8] == "=1+2"
    assert isinstance(got[9], Formula)
    assert got[10] == "-x" and not isinstance(got[10], Formula)
    assert got[11] == 5 and 12 not in got and got[13] == "plain words" and got[14] == "007"
    if is_engine(book):
        assert got[8].result == 3
        home.range("H3").value = [["00123", "2025-10-01", "TRUE"]]
        assert home.range("H3:J3").value == [123.0, 45931.0, 1.0]  # General cells: no date format
        vendor = book.sheets["Leads"].range("A7")  # a Text (@) cell: kept as typed
        vendor.value = [["00123"]]
        assert vendor.value == "00123"


# --- engine only --------------------------------------------------------------------------------

def test_text_like_a_formula_stays_text_where_the_owner_made_the_cells_general(engine, folders, tmp_path):
    """The vendor column is Text in the template; the owner sets it to General, where Excel (and
    the engine) would read '-Direct-' and '@Home Leads' as formulas unless the refresh marks them
    as text."""
    book = engine.open(template(tmp_path, folders["many"]))
    try:
        book.names["leads_vendors"].refers_to_range.number_format = "General"
        book.sheets["Leads"].range("A7:A14").number_format = "General"
        assert book.sheets["Leads"].range("A8").number_format == "General"
        done = live.refresh_book(book, now=NOW)
        assert done.complete, done.message()
        names = [r[0] for r in book.names["leads_vendors"].refers_to_range.options(ndim=2).value[1:]]
        assert {"-Direct-", "@Home Leads"} <= set(names)
        assert_blocks_hold(book, described(folders["many"]), Moves())
    finally:
        book.close()


def test_the_saved_workbook_shows_what_the_engine_held(engine, folders, tmp_path):
    """Refreshed in the engine, saved, read by openpyxl and rendered: the same values."""
    book = engine.open(template(tmp_path, folders["many"]))
    try:
        assert live.refresh_book(book, now=NOW).complete
        held = {s.name: s.contents() for s in book.sheets}
        saved = book.save(tmp_path / "saved.xlsx")
    finally:
        book.close()
    wb = openpyxl.load_workbook(saved, data_only=True)
    formulas = openpyxl.load_workbook(saved)
    for name, cells in held.items():
        ws, wf = wb[name], formulas[name]
        in_arrays = {(cell.row - 1 + i, cell.column - 1 + j)
                     for row in wf.iter_rows() for cell in row if isinstance(cell.value, ArrayFormula)
                     for i in range(parse_address(cell.value.ref)[2] - cell.row + 2)
                     for j in range(parse_address(cell.value.ref)[3] - cell.column + 2)}
        for (r, c), v in cells.items():
            got = ws.cell(r + 1, c + 1).value
            if isinstance(v, Formula):
                text = wf.cell(r + 1, c + 1).value
                assert (r, c) in in_arrays or str(text).startswith("="), (name, r, c, text)
                if v.result is None:  # an error in the engine (a worksheet function it lacks)
                    assert got is None or str(got).startswith("#"), (name, r, c, got)
                    continue
                v = v.result
            want = stored(v)
            # Text compares as text (pytest.approx with a tolerance cannot say which text differs).
            expected = pytest.approx(want, rel=1e-12) if isinstance(want, (int, float)) else want
            assert stored(got) == expected, (name, r, c, got, v)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from workbook_tools import render_pdf_png

    pdf, _ = render_pdf_png(saved, tmp_path / "render")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    leads = described(folders["many"])[[s.name for s in described(folders["many"])].index("Leads")]
    for row in leads.block("vendors").rows:
        assert re.search(re.escape(row[0]) + r"\s+\$[\d,]+", text), row[0]  # the name, then its spend
