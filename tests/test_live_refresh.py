"""The live refresh against a recording stand-in of the xlwings objects it uses: which ranges each
block writes, one assignment per block, text kept as text, nothing written outside the blocks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from live_standin import book_from_file
from tiny_data import tiny_agency

from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import cell_to_rc
from agency_xl.excel import live
from agency_xl.excel.workbook import write_dashboard


@pytest.fixture()
def owner_book(tmp_path, monkeypatch):
    """The empty template as the owner has it open, with his own notes added, and a reader that
    returns the tiny agency."""
    out = write_dashboard(tmp_path / "agency_dashboard.xlsm", None, Assumptions(), "exports")
    (tmp_path / "exports").mkdir()
    book = book_from_file(out)
    prof = book.sheets["Profitability"]
    prof.cells[(3, 5)] = "my note: check Q3"  # F4, between blocks
    prof.cells[(60, 0)] = "=COMBINED_RATIO(0.7, 0.25)"  # below the trend block
    calls = {}

    def fake_read(folder, mappings=None, as_of=None, progress=None):
        calls["folder"] = Path(folder)
        progress("Reading book.xlsx (1/2)")
        return tiny_agency()

    monkeypatch.setattr(live, "read_exports", fake_read)
    return book, calls, tmp_path


def owned_cells(sheets) -> dict[str, set[tuple[int, int]]]:
    out = {}
    for s in sheets:
        cells = set()
        for b in s.blocks:
            r0, c0 = b.top_left
            for i in range(len(b.grid())):
                for j in range(len(b.columns)):
                    cells.add((r0 + i, c0 + j))
        out[s.name] = cells
    return out


def test_each_block_written_once_at_its_anchor(owner_book):
    book, calls, folder = owner_book
    written = live.refresh_book(book, now=dt.datetime(2025, 11, 1))
    assert calls["folder"] == folder / "exports"
    sheets = build_all(tiny_agency(), Assumptions(), str(folder / "exports"), dt.datetime(2025, 11, 1))
    expected = [(s.name, b.anchor) for s in sheets if s.name not in live.NOT_REFRESHED for b in s.blocks]
    assert [(name, addr) for name, addr, _ in book.assignments] == expected
    assert written == len(expected)
    for (name, addr, rows), (s, b) in zip(book.assignments,
                                          [(s, b) for s in sheets if s.name not in live.NOT_REFRESHED for b in s.blocks]):
        assert len(rows) == len(b.grid()) and all(len(r) == len(b.columns) for r in rows)


def test_owner_cells_survive_and_nothing_outside_blocks_changes(owner_book):
    book, _, folder = owner_book
    before = {s.name: dict(s.cells) for s in book.sheets}
    live.refresh_book(book, now=dt.datetime(2025, 11, 1))
    sheets = build_all(tiny_agency(), Assumptions(), "x", dt.datetime(2025, 11, 1))
    owned = owned_cells(sheets)
    for s in book.sheets:
        mine = owned.get(s.name, set()) if s.name not in live.NOT_REFRESHED else set()
        for key in set(before[s.name]) | set(s.cells):
            if key not in mine:
                assert s.cells.get(key) == before[s.name].get(key), (s.name, key)
    prof = book.sheets["Profitability"]
    assert prof.cells[(3, 5)] == "my note: check Q3"
    assert prof.cells[(60, 0)] == "=COMBINED_RATIO(0.7, 0.25)"


def test_settings_are_read_from_the_open_workbook(owner_book):
    book, _, _ = owner_book
    # find the expense ratio row on the owner's Settings sheet and change it
    settings = book.sheets["Settings"]
    row = next(r for (r, c), v in settings.cells.items() if c == 0 and v == "profitability.expense_ratio")
    settings.cells[(row, 2)] = 0.30
    live.refresh_book(book, now=dt.datetime(2025, 11, 1))
    card = build_all(tiny_agency(), Assumptions(), "x")[2].block("bonus_card")
    r, c = card.top_left
    values = book.sheets["Profitability"].cells
    expense_row = next(i for i, row in enumerate(card.rows) if row[0] == "Expense ratio")
    assert values[(r + 1 + expense_row, c + 1)] == pytest.approx(0.30)


def test_text_that_looks_like_a_formula_gets_an_apostrophe():
    assert live.block_values([["=cmd", "+1", "-x", "@y", "ok", 5]]) == [["'=cmd", "'+1", "'-x", "'@y", "ok", 5]]


def test_status_bar_progress_and_screen_updating_restored(owner_book):
    book, _, _ = owner_book
    live.refresh_book(book, now=dt.datetime(2025, 11, 1))
    msgs = book.app.status_messages
    assert msgs[0] == "agency_xl: reading Settings"
    assert "Reading book.xlsx (1/2)" in msgs
    assert any(m.startswith("agency_xl: writing Profitability") for m in msgs)
    assert msgs[-1].startswith("agency_xl: refreshed")
    assert book.app.screen_updating_log == [False, True]


def test_failure_restores_screen_updating_and_names_the_problem(owner_book):
    book, _, _ = owner_book
    settings = book.sheets["Settings"]
    pos = next(k for k, v in settings.cells.items() if v == "data/sample" or v == "exports")
    settings.cells[pos] = None
    with pytest.raises(ValueError, match="exports folder is empty"):
        live.refresh_book(book)
    assert book.app.screen_updating_log[-1] is True


def test_missing_sheet_says_to_rebuild(owner_book):
    book, _, _ = owner_book
    book.sheets._sheets = [s for s in book.sheets if s.name != "Data Health"]
    with pytest.raises(ValueError, match="agency-xl template"):
        live.refresh_book(book)


def test_a_block_anchor_is_a_real_cell():
    for s in build_all(tiny_agency(), Assumptions(), "x"):
        for b in s.blocks:
            cell_to_rc(b.anchor)
