"""The live refresh against the recording stand-in of the xlwings objects it uses: which ranges
each block writes (through its workbook name, one assignment per block, Home last), text kept as
text, nothing written outside the blocks, Excel's state restored, problems as a plain message.
The cases the owner causes (inserted rows, protection, filters ...) run on the stand-in and on a
real engine in test_live_engine.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from live_standin import ComError, book_from_file
from tiny_data import tiny_agency
from uno_engine import a1

from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import cell_to_rc
from agency_xl.excel import live
from agency_xl.excel.workbook import write_dashboard

NOW = dt.datetime(2025, 11, 1)


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


def refreshed_sheets(folder: Path):
    return [s for s in build_all(tiny_agency(), Assumptions(), str(folder), NOW) if s.name not in live.NOT_REFRESHED]


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


def test_each_block_written_once_through_its_name_home_last(owner_book):
    book, calls, folder = owner_book
    done = live.refresh_book(book, now=NOW)
    assert done.complete and book.app.alerts == []
    assert calls["folder"] == folder / "exports"
    sheets = refreshed_sheets(folder / "exports")
    order = [s for s in sheets if s.name != "Home"] + [s for s in sheets if s.name == "Home"]
    expected = [(s.name, book.names[s.workbook_name(b)].refers_to_range.address, b) for s in order for b in s.blocks]
    assert [(name, addr) for name, addr, _ in book.assignments] == [(n, a) for n, a, _ in expected]
    assert done.blocks == len(expected) and done.sheets == [s.name for s in order]
    for (_, addr, rows), (_, _, b) in zip(book.assignments, expected):
        r0, c0 = b.top_left  # nothing moved: the template's place, as Excel writes an address
        assert addr == a1(r0, c0, r0 + b.height - 1, c0 + len(b.columns) - 1)
        assert len(rows) == b.height and all(len(r) == len(b.columns) for r in rows)


def test_owner_cells_survive_and_nothing_outside_blocks_changes(owner_book):
    book, _, folder = owner_book
    before = {s.name: dict(s.cells) for s in book.sheets}
    live.refresh_book(book, now=NOW)
    owned = owned_cells(refreshed_sheets(folder))
    for s in book.sheets:
        mine = owned.get(s.name, set())
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
    live.refresh_book(book, now=NOW)
    card = next(s for s in build_all(tiny_agency(), Assumptions(), "x")
                if s.name == "Profitability").block("bonus_card")  # by name: the Summary comes first
    r, c = card.top_left
    values = book.sheets["Profitability"].cells
    expense_row = next(i for i, row in enumerate(card.rows) if row[0] == "Expense ratio")
    assert values[(r + 1 + expense_row, c + 1)] == pytest.approx(0.30)


def test_text_that_looks_like_a_formula_gets_an_apostrophe():
    assert live.block_values([["=cmd", "+1", "-x", "@y", "ok", 5]]) == [["'=cmd", "'+1", "'-x", "'@y", "ok", 5]]


def test_status_bar_calculation_and_screen_updating_restored(owner_book):
    book, _, _ = owner_book
    live.refresh_book(book, now=NOW)
    msgs = book.app.status_messages
    assert msgs[0] == "agency_xl: reading Settings"
    assert "Reading book.xlsx (1/2)" in msgs
    assert any(str(m).startswith("agency_xl: writing Profitability") for m in msgs)
    assert msgs[-2].startswith("agency_xl: refreshed") and msgs[-1] is False  # handed back to Excel
    assert book.app.screen_updating_log == [False, True]
    assert book.app.calculation_log == ["manual", "automatic"] and book.app.calculations == 1


def test_the_owners_manual_calculation_stays_manual(owner_book):
    book, _, _ = owner_book
    book.app.calculation = "manual"
    live.refresh_book(book, now=NOW)
    assert book.app.calculation_log == ["manual", "manual", "manual"] and book.app.calculations == 1


def test_an_empty_exports_folder_is_a_message_and_nothing_is_written(owner_book):
    book, _, _ = owner_book
    settings = book.sheets["Settings"]
    pos = next(k for k, v in settings.cells.items() if v == "exports")
    settings.cells[pos] = None
    done = live.refresh_book(book)
    assert "exports folder is empty" in done.error
    assert book.assignments == []
    assert [a["prompt"] for a in book.app.alerts] == [done.message()]
    assert book.app.alerts[0]["title"] == live.TITLE and book.app.alerts[0]["mode"] == "critical"
    assert book.app.screen_updating_log[-1] is True and book.app.calculation == "automatic"


def test_a_deleted_sheet_is_refused_and_home_not_written(owner_book):
    book, _, _ = owner_book
    book.sheets._sheets = [s for s in book.sheets if s.name != "Data Health"]
    done = live.refresh_book(book)
    assert list(done.refused) == ["Data Health"]
    assert "data_health_files" in done.refused["Data Health"] and "deleted" in done.refused["Data Health"]
    assert "Home" not in {name for name, _, _ in book.assignments}
    assert "Profitability" in done.sheets


def test_an_unexpected_error_is_a_plain_message(owner_book, monkeypatch):
    book, _, _ = owner_book

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(live, "figures_and_sheets", boom)
    done = live.refresh_book(book)
    assert done.error == "agency_xl stopped with an unexpected error (RuntimeError: boom)."
    assert "Traceback" not in book.app.alerts[0]["prompt"]
    assert book.app.calculation == "automatic" and book.app.status_bar is False


def test_excel_says_what_excel_said():
    assert live.excel_says(ComError("The cell is protected.")) == "The cell is protected."
    assert live.excel_says(ValueError("plain")) == "plain"
    assert live.excel_says(KeyError()) == "KeyError"


def test_a_block_anchor_is_a_real_cell():
    for s in build_all(tiny_agency(), Assumptions(), "x"):
        for b in s.blocks:
            cell_to_rc(b.anchor)


def test_a_workbook_built_for_another_xlwings_stops_before_anything_is_read(owner_book, monkeypatch):
    """Issue 11.5: the Refresh button's first step compares the workbook's recorded xlwings version
    with the installed one; a mismatch is the owner's message box, and nothing is read or written."""
    import shutil

    import xlwings
    from test_versions import with_recorded_version

    from agency_xl.excel import versions

    book, calls, tmp_path = owner_book
    original = Path(book.fullname)
    stale = with_recorded_version(original, tmp_path / "stale.xlsm", "0.30.0")
    shutil.move(stale, original)  # the open workbook's saved file says 0.30.0
    monkeypatch.setattr(versions, "pinned_xlwings", lambda: xlwings.__version__)
    done = live.refresh_book(book)
    assert "built for xlwings 0.30.0" in done.error
    assert f'agency-xl template --out "{original}"' in done.error
    assert calls == {} and book.assignments == []  # the exports were never read, nothing written
    assert [a["prompt"] for a in book.app.alerts] == [done.message()]


def test_a_folder_with_no_report_is_a_message_and_the_dashboards_stay(owner_book, monkeypatch):
    """Issue 10.13 on the Refresh button: an exports folder that exists but holds no report stops
    the refresh with the reader's message; no dashboard is blanked."""
    from agency_xl.ams import AmsData, DataHealth

    book, _, tmp_path = owner_book
    monkeypatch.setattr(live, "read_exports",
                        lambda folder, mappings=None, as_of=None, progress=None:
                        AmsData(health=DataHealth(folder=str(folder))))
    done = live.refresh_book(book)
    assert "empty" in done.error and str(tmp_path / "exports") in done.error
    assert book.assignments == []
    assert [a["prompt"] for a in book.app.alerts] == [done.message()]


def test_the_refresh_button_records_the_history_beside_the_workbook(owner_book):
    """Issue 13.3: the Refresh button records its snapshot like the command line does."""
    from agency_xl import history

    book, _, _ = owner_book
    done = live.refresh_book(book, now=NOW)
    assert done.complete and done.history_problem is None and book.app.alerts == []
    path = history.history_path(book.fullname)
    assert [as_of for as_of, _ in history.snapshots(path)] == [tiny_agency().as_of]
    pol = tiny_agency().policies
    households = history.kpis_at(path, tiny_agency().as_of)["households"]
    assert households == pol.loc[pol["status"] == "In Force", "household_id"].nunique()


def test_a_damaged_history_file_is_a_warning_and_the_dashboards_are_filled(owner_book):
    from agency_xl import history

    book, _, _ = owner_book
    path = history.history_path(book.fullname)
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    done = live.refresh_book(book, now=NOW)
    assert done.error is None and not done.refused and "Home" in done.sheets
    assert done.history_problem.startswith("History not recorded") and str(path.name) in done.history_problem
    assert [(a["prompt"], a["mode"]) for a in book.app.alerts] == [(done.history_problem, "info")]
    assert path.read_bytes() == before  # what the file held is kept
