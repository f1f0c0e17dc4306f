"""Issue 6.3, "nothing lost, nothing injected": a refresh leaves every cell it does not own as the
owner left it (headless and live); text from the exports that starts like a formula lands as text;
--out is written atomically; the exports are never modified; a missing or broken export only
disables the sheets that need it; every worksheet function answers bad arguments readably."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings_harness as xh
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_standin import book_from_file
from openpyxl.worksheet.formula import ArrayFormula

from agency_xl.ams import AmsData, read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.cli import main
from agency_xl.dashboards import build_all, home
from agency_xl.dashboards.spec import Sheet, cell_to_rc, rc_to_cell
from agency_xl.dashboards.whatif import excel_args, reads_history
from agency_xl.excel import builder, live
from agency_xl.excel.carry import owned_cells
from agency_xl.functions import CATALOG
from agency_xl.excel.refresh_history import record_refresh
from agency_xl.metrics import all_metrics

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
FORMULA_STARTS = ("=", "+", "-", "@")
BOOK = "All_Purpose_Audit_2025-10-31.xlsx"
LEADS = "lead_log_export.xlsx"


# --- helpers -------------------------------------------------------------------------------------

def refresh(*args: Any) -> int:
    return main(["refresh", *map(str, args)])


def copy_sample(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)
    return folder


def edit_export(path: Path, column: str, change: dict[str, str] | None = None, rows: int | None = None,
                value: str | None = None) -> int:
    """Rewrite text cells of one column of an export (found by its header) with openpyxl, as text:
    ``change`` maps old -> new text, or ``value`` replaces the first ``rows`` data cells. Returns
    the number of cells changed."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r for r in ws.iter_rows() if any(c.value == column for c in r))
    col = next(c.column for c in header if c.value == column)
    changed = 0
    for r in range(header[0].row + 1, ws.max_row + 1):
        cell = ws.cell(r, col)
        new = change.get(cell.value) if change else (value if rows is None or changed < rows else None)
        if new is not None and cell.value is not None:
            cell.value = new
            cell.data_type = "s"  # text in the export, even when it starts with "="
            changed += 1
    wb.save(path)
    return changed


def layout(folder: Path, assumptions: Assumptions | None = None) -> list[Sheet]:
    return build_all(read_exports(folder), assumptions or Assumptions(), str(folder))


def _formula(text: str) -> str:
    # Excel stores newer functions with a prefix (=_xlfn.SEQUENCE(3)) and shows them without.
    return text.replace("_xlfn._xlws.", "").replace("_xlfn.", "")


def cell_state(cell: Any) -> tuple:
    """What the owner would see in a cell: its value (formula text for a formula), its kind, and
    whether text is quote-prefixed."""
    value = cell.value
    if isinstance(value, ArrayFormula):
        value = ("array", value.ref, _formula(value.text))
    elif cell.data_type == "f":
        value = _formula(value)
    return value, cell.data_type, bool(cell.quotePrefix)


def cells_outside(path: Path, sheets: list[Sheet]) -> dict[str, dict[tuple[int, int], tuple]]:
    """Every non-empty cell of each of our sheets that the refresh does not own. The results an
    array formula of the owner spills are left out: Excel computes them, he did not type them."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for sheet in sheets:
        if sheet.name not in wb.sheetnames:
            continue
        ws = wb[sheet.name]
        skip = set(owned_cells(sheet))
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, ArrayFormula):
                    first, _, last = c.value.ref.partition(":")
                    (r0, c0), (r1, c1) = cell_to_rc(first), cell_to_rc(last or first)
                    skip |= {(r, k) for r in range(r0, r1 + 1) for k in range(c0, c1 + 1)} - {(r0, c0)}
        out[sheet.name] = {(c.row - 1, c.column - 1): cell_state(c) for row in ws.iter_rows()
                           for c in row if c.value is not None and (c.row - 1, c.column - 1) not in skip}
    return out


def notes_of(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.comment.text for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.comment is not None}


def free_spots(sheet: Sheet) -> tuple[tuple[int, int], tuple[int, int]]:
    """A cell just right of a block (beside) and one just below a block with more blocks further
    down (between), neither used by the sheet."""
    used = owned_cells(sheet) | {cell_to_rc(x.cell) for x in [*sheet.labels, *sheet.inputs]}
    beside = between = None
    last_row = max(b.top_left[0] + len(b.grid()) for b in sheet.blocks)
    for b in sheet.blocks:
        r0, c0 = b.top_left
        right = (r0, c0 + len(b.columns))
        below = (r0 + len(b.grid()), c0)
        if beside is None and right not in used:
            beside = right
        if between is None and below not in used and below[0] < last_row:
            between = below
    assert beside and between, sheet.name
    return beside, between


def file_states(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir())}


def status_of(ws: Any) -> str:
    r, c = cell_to_rc("A2")
    return str(ws.cell(r + 1, c + 1).value)


# --- the owner's cells survive a refresh ---------------------------------------------------------

OWNER_VALUES = [
    "my note: check Q3 with the carrier",
    "=COMBINED_RATIO(0.7, 0.25)",  # one of our worksheet functions
    42.5,
    dt.datetime(2025, 12, 24),
    True,
]


def add_owner_cells(path: Path, sheets: list[Sheet]) -> dict[tuple[str, str], Any]:
    """Put the owner's notes and formulas beside and between the blocks of every dashboard sheet,
    a formula reading a block cell, quote-prefixed text, an array formula, cell notes, a changed
    Settings value, a product-mapping row and an interpreter path on xlwings.conf."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    placed: dict[tuple[str, str], Any] = {}
    for i, sheet in enumerate(s for s in sheets if s.blocks and s.name != "Settings"):
        ws = wb[sheet.name]
        beside, between = free_spots(sheet)
        ws.cell(beside[0] + 1, beside[1] + 1).value = OWNER_VALUES[i % len(OWNER_VALUES)]
        first = sheet.blocks[0]
        ref = rc_to_cell(first.first_data_row, first.top_left[1] + len(first.columns) - 1)
        ws.cell(between[0] + 1, between[1] + 1).value = f"=IF(ISNUMBER({ref}),{ref}*2,\"n/a\")"
        far = ws.cell(400, 26)  # Z400, far from everything
        far.value = "=not a formula, typed with an apostrophe"
        far.data_type = "s"
        far.quotePrefix = True
        placed[(sheet.name, rc_to_cell(*beside))] = OWNER_VALUES[i % len(OWNER_VALUES)]
        placed[(sheet.name, rc_to_cell(*between))] = f"=IF(ISNUMBER({ref}),{ref}*2,\"n/a\")"
    prof = wb["Profitability"]
    prof["Y2"] = ArrayFormula("Y2:Y4", "=SEQUENCE(3)")
    kpi = sheets[[s.name for s in sheets].index("Profitability")].block("bonus_card")
    r, c = kpi.first_data_row, kpi.top_left[1] + 1
    prof.cell(r + 1, c + 1).comment = openpyxl.comments.Comment("carrier's figure differs", "Owner")
    prof["Z400"].comment = openpyxl.comments.Comment("mine", "Owner")
    settings_ws = wb["Settings"]
    for row in settings_ws.iter_rows():
        if row[0].value == "profitability.expense_ratio":
            row[2].value = 0.31
    settings_ws["K8"], settings_ws["L8"] = "Boat Owners", "Specialty"
    settings_ws["F3"] = "asked the accountant about expenses"
    conf = wb["xlwings.conf"]
    conf.append(["Interpreter_Win", r"C:\Agency\venv\Scripts\pythonw.exe"])
    wb.save(path)
    return placed


@pytest.fixture(scope="module")
def owner_workbook(tmp_path_factory):
    """A refreshed workbook in which the owner then typed his own cells; one export holds a product
    name only his mapping knows."""
    tmp = tmp_path_factory.mktemp("owner")
    folder = copy_sample(tmp / "exports")
    assert edit_export(folder / BOOK, "Line of Business", value="Boat Owners", rows=3) == 3
    out = tmp / "agency_dashboard.xlsm"
    assert refresh("--exports", folder, "--out", out) == 0
    sheets = layout(folder)
    placed = add_owner_cells(out, sheets)
    return out, folder, sheets, placed


def test_headless_refresh_keeps_every_cell_it_does_not_own(owner_workbook, tmp_path, capsys):
    src, folder, sheets, placed = owner_workbook
    out = tmp_path / "agency_dashboard.xlsm"
    shutil.copy(src, out)
    before, notes = cells_outside(out, sheets), notes_of(out)
    # No --exports and no --settings: the folder, the expense ratio and the mapping come from
    # the workbook's own Settings sheet.
    assert refresh("--out", out) == 0
    assert "your own cells in it kept" in capsys.readouterr().out
    after = cells_outside(out, sheets)
    for name in before:
        lost = {rc_to_cell(*k): v for k, v in before[name].items() if after[name].get(k) != v}
        added = {rc_to_cell(*k): v for k, v in after[name].items() if k not in before[name]}
        assert not lost and not added, (name, lost, added)
    assert notes_of(out) == notes
    wb = openpyxl.load_workbook(out, keep_vba=True)
    for (name, cell), value in placed.items():
        got = wb[name][cell]
        assert got.value == value, (name, cell)
        if str(value).startswith("="):
            assert got.data_type == "f", (name, cell)  # his formulas stay formulas
    assert isinstance(wb["Profitability"]["Y2"].value, ArrayFormula)
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(values_only=True)}
    assert conf["Interpreter_Win"] == r"C:\Agency\venv\Scripts\pythonw.exe"
    assert conf["UDF Modules"] == "agency_xl.excel.udfs"
    # The run used the owner's settings: his expense ratio and his product mapping.
    prof = wb["Profitability"]
    card = {prof.cell(r, 1).value: prof.cell(r, 2).value for r in range(1, 40)}
    assert card["Expense ratio"] == pytest.approx(0.31)
    home_ws = wb["Home"]
    assert str(folder) in [home_ws.cell(r, 2).value for r in range(18, 23)]
    other = [wb["Data Health"].cell(r, 12).value for r in range(6, 46)]
    assert not any("Boat Owners" in str(v) for v in other)
    first = openpyxl.load_workbook(src)["Data Health"]
    assert any("Boat Owners" in str(first.cell(r, 12).value) for r in range(6, 46))  # before the mapping
    # Still a working macro workbook with every chart.
    with zipfile.ZipFile(out) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        charts = sum(1 for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n))
    assert charts == sum(len(s.charts) for s in sheets)


def test_a_second_headless_refresh_changes_nothing_outside_the_blocks(owner_workbook, tmp_path):
    src, _, sheets, _ = owner_workbook
    out = tmp_path / "agency_dashboard.xlsm"
    shutil.copy(src, out)
    assert refresh("--out", out) == 0
    once = cells_outside(out, sheets)
    assert refresh("--out", out) == 0
    assert cells_outside(out, sheets) == once


def test_live_refresh_keeps_every_cell_it_does_not_own(owner_workbook):
    src, folder, sheets, placed = owner_workbook
    book = book_from_file(src)
    before = {s.name: dict(s.cells) for s in book.sheets}
    done = live.refresh_book(book, now=dt.datetime(2025, 11, 1))
    assert done.complete and done.blocks > 0
    owned = {s.name: owned_cells(s) if s.name not in live.NOT_REFRESHED else set() for s in sheets}
    for s in book.sheets:
        mine = owned.get(s.name, set())
        changed = {rc_to_cell(*k) for k in set(before[s.name]) | set(s.cells)
                   if k not in mine and s.cells.get(k) != before[s.name].get(k)}
        assert not changed, (s.name, sorted(changed)[:10])
    for (name, cell), value in placed.items():
        assert book.sheets[name].cells[cell_to_rc(cell)] == value
    home_cells = book.sheets["Home"].cells
    assert str(folder) in home_cells.values()  # read the folder on the owner's Settings sheet
    # Every assignment lies inside a block of its sheet.
    for name, address, rows in book.assignments:  # "$A$6:$K$14": where the block's name is
        r0, c0 = cell_to_rc(address.split(":")[0].replace("$", ""))
        cells = {(r0 + i, c0 + j) for i, row in enumerate(rows) for j in range(len(row))}
        assert cells <= owned[name], (name, address)


def test_settings_given_with_an_existing_workbook_show_on_its_settings_sheet(owner_workbook, tmp_path):
    src, folder, _, _ = owner_workbook
    out = tmp_path / "agency_dashboard.xlsm"
    shutil.copy(src, out)
    other = tmp_path / "other.xlsx"
    assert main(["template", "--out", str(other)]) == 0
    wb = openpyxl.load_workbook(other)
    for row in wb["Settings"].iter_rows():
        if row[0].value == "profitability.expense_ratio":
            row[2].value = 0.22
            cell = row[2].coordinate
    wb.save(other)
    assert refresh("--exports", folder, "--settings", other, "--out", out) == 0
    wb = openpyxl.load_workbook(out)
    assert wb["Settings"][cell].value == pytest.approx(0.22)
    assert wb["Settings"]["F3"].value == "asked the accountant about expenses"  # his note stays
    prof = wb["Profitability"]
    card = {prof.cell(r, 1).value: prof.cell(r, 2).value for r in range(1, 40)}
    assert card["Expense ratio"] == pytest.approx(0.22)


@pytest.mark.parametrize("addition", ["sheet", "chart"])
def test_a_workbook_holding_the_owners_own_sheet_or_chart_is_refused(owner_workbook, tmp_path, capsys, addition):
    src, folder, _, _ = owner_workbook
    out = tmp_path / "agency_dashboard.xlsm"
    shutil.copy(src, out)
    wb = openpyxl.load_workbook(out, keep_vba=True)
    if addition == "sheet":
        wb.create_sheet("My budget")["A1"] = "rent"
    else:
        from openpyxl.chart import BarChart, Reference

        chart = BarChart()
        chart.add_data(Reference(wb["Home"], min_col=4, min_row=25, max_row=31))
        wb["Home"].add_chart(chart, "H2")
    wb.save(out)
    before = out.read_bytes()
    assert refresh("--exports", folder, "--out", out) == 2
    err = capsys.readouterr().err
    assert ("'My budget'" if addition == "sheet" else "'Home'") in err
    assert "Refresh button inside Excel" in err and "--out" in err
    assert out.read_bytes() == before


def test_a_workbook_of_another_layout_is_refused(tmp_path, monkeypatch, capsys):
    """After an upgrade that moves a block, the old file's cells cannot be told from the owner's."""
    from agency_xl.dashboards import data_health

    out = tmp_path / "agency_dashboard.xlsx"
    assert refresh("--exports", SAMPLE, "--out", out) == 0
    before = out.read_bytes()
    monkeypatch.setattr(data_health, "FILE_ROWS", data_health.FILE_ROWS + 10)  # the new version's layout
    assert refresh("--exports", SAMPLE, "--out", out) == 2
    assert "another version of agency_xl" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert refresh("--exports", SAMPLE, "--out", tmp_path / "new.xlsx", "--settings", out) == 0


def test_a_relative_exports_folder_is_taken_from_the_workbooks_folder(tmp_path, monkeypatch):
    """As Excel's Refresh takes it; a folder relative to where earlier runs started still works."""
    book_dir = tmp_path / "books"
    copy_sample(book_dir / "exports")
    out = book_dir / "agency_dashboard.xlsx"
    assert refresh("--exports", book_dir / "exports", "--out", out) == 0
    wb = openpyxl.load_workbook(out)
    wb["Settings"]["D4"] = "exports"
    wb.save(out)
    monkeypatch.chdir(tmp_path)  # no "exports" here
    assert refresh("--out", out) == 0
    home_ws = openpyxl.load_workbook(out)["Home"]
    assert str(book_dir / "exports") in [home_ws.cell(r, 2).value for r in range(18, 23)]
    monkeypatch.chdir(book_dir.parent.parent)
    wb = openpyxl.load_workbook(out)
    wb["Settings"]["D4"] = str((book_dir / "exports").relative_to(book_dir.parent.parent))  # from here
    wb.save(out)
    assert refresh("--out", out) == 0


def test_an_unreadable_existing_out_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "agency_dashboard.xlsx"
    out.write_bytes(b"not a workbook at all")
    assert refresh("--exports", SAMPLE, "--out", out) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert out.read_bytes() == b"not a workbook at all"


# --- text from the exports stays text ------------------------------------------------------------

HOSTILE = {
    "vendor": "=HYPERLINK(\"http://evil.example\",\"ClickQuote\")",
    "product": "+cmd|' /C calc'!A0",
    "file": "=evil.csv",
    "file2": "-minus.csv",
    "file3": "@at.csv",
}


@pytest.fixture(scope="module")
def hostile_exports(tmp_path_factory):
    folder = copy_sample(tmp_path_factory.mktemp("hostile") / "exports")
    assert edit_export(folder / LEADS, "Lead Vendor", {"ClickQuote": HOSTILE["vendor"]}) > 0
    assert edit_export(folder / BOOK, "Line of Business", value=HOSTILE["product"], rows=2) == 2
    assert edit_export(folder / BOOK, "Named Insured", value="@SUM(1+1)*cmd|' /C calc'!A0", rows=50) == 50
    assert edit_export(folder / BOOK, "Producer Name", value="-2+3+cmd|' /C calc'!A0", rows=50) == 50
    for name in (HOSTILE["file"], HOSTILE["file2"], HOSTILE["file3"]):
        (folder / name).write_text("not,an,export\n1,2,3\n", encoding="utf-8")
    return folder


def test_formula_like_text_from_exports_is_text_in_the_headless_output(hostile_exports, tmp_path):
    out = tmp_path / "agency_dashboard.xlsm"
    assert refresh("--exports", hostile_exports, "--out", out) == 0
    sheets = layout(hostile_exports)
    ours = {(s.name, f.cell) for s in sheets for f in s.formulas}
    wb = openpyxl.load_workbook(out, keep_vba=True)
    found: dict[str, set[str]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":  # every formula in the file is one of ours
                    assert (ws.title, c.coordinate) in ours, (ws.title, c.coordinate, c.value)
                elif isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS):
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate, c.value)
                    found.setdefault(c.value, set()).add(ws.title)
    assert "Leads" in found[HOSTILE["vendor"]]
    for name in (HOSTILE["file"], HOSTILE["file2"], HOSTILE["file3"]):
        assert "Data Health" in found[name]
    assert any(v.startswith(HOSTILE["product"]) and "Data Health" in where for v, where in found.items())


def test_formula_like_text_from_exports_gets_an_apostrophe_in_the_live_path(hostile_exports, tmp_path):
    template = tmp_path / "agency_dashboard.xlsm"
    assert main(["template", "--out", str(template)]) == 0
    book = book_from_file(template)
    settings_cells = book.sheets["Settings"].cells
    pos = cell_to_rc("D4")  # the exports folder input
    settings_cells[pos] = str(hostile_exports)
    live.refresh_book(book, now=dt.datetime(2025, 11, 1))
    written: dict[str, set[str]] = {}
    for name, _, rows in book.assignments:
        for row in rows:
            for v in row:
                if isinstance(v, str):
                    assert not v.startswith(FORMULA_STARTS), (name, v)
                    if v.startswith("'"):
                        written.setdefault(v[1:], set()).add(name)
    assert "Leads" in written[HOSTILE["vendor"]]
    for name in (HOSTILE["file"], HOSTILE["file2"], HOSTILE["file3"]):
        assert "Data Health" in written[name]


# --- --out is written atomically -----------------------------------------------------------------

def test_a_write_failing_between_sheets_leaves_the_previous_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "agency_dashboard.xlsm"
    assert refresh("--exports", SAMPLE, "--out", out) == 0
    before = out.read_bytes()
    history_before = out.with_name("agency_dashboard.history.sqlite").read_bytes()
    real = builder.write_sheet
    calls = []

    def fail_on_the_fifth_sheet(wb, sheet, fmts):
        calls.append(sheet.name)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real(wb, sheet, fmts)

    monkeypatch.setattr(builder, "write_sheet", fail_on_the_fifth_sheet)
    assert refresh("--exports", SAMPLE, "--out", out) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert len(calls) == 5
    assert out.read_bytes() == before
    # No temporary file left; the history file of the first refresh, untouched by the failed one.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agency_dashboard.history.sqlite", "agency_dashboard.py",
                                                          "agency_dashboard.xlsm"]
    assert out.with_name("agency_dashboard.history.sqlite").read_bytes() == history_before


def test_a_write_failing_inside_the_zip_leaves_the_previous_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "agency_dashboard.xlsx"
    assert refresh("--exports", SAMPLE, "--out", out) == 0
    before = out.read_bytes()
    history_before = out.with_name("agency_dashboard.history.sqlite").read_bytes()
    real = zipfile.ZipFile.write
    parts = []

    def fail_after_ten_parts(self, *args, **kwargs):
        parts.append(args[0])
        if len(parts) == 10:  # some parts of the new file are on disk by now
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "write", fail_after_ten_parts)
    assert refresh("--exports", SAMPLE, "--out", out) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert len(parts) == 10
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agency_dashboard.history.sqlite", "agency_dashboard.xlsx"]
    assert out.with_name("agency_dashboard.history.sqlite").read_bytes() == history_before


# --- the exports are never modified --------------------------------------------------------------

def test_exports_are_never_modified(broken_exports, tmp_path):
    folder = broken_exports
    before = file_states(folder)
    out = tmp_path / "agency_dashboard.xlsm"
    assert refresh("--exports", folder, "--out", out) == 0
    assert refresh("--exports", folder, "--out", out) == 0  # over the existing workbook
    assert main(["metrics", "--exports", str(folder)]) == 0
    book = book_from_file(out)
    book.sheets["Settings"].cells[cell_to_rc("D4")] = str(folder)
    live.refresh_book(book)
    assert file_states(folder) == before


# --- a missing or broken export disables only the sheets that need it ---------------------------

@pytest.fixture(scope="module")
def broken_exports(tmp_path_factory):
    """The sample without its claims files, and both commission files broken: the CSV replaced by
    garbage, the workbook truncated."""
    folder = copy_sample(tmp_path_factory.mktemp("broken") / "exports")
    for p in folder.glob("*Claims_Detail*"):
        p.unlink()
    (folder / "commission statements 2024.csv").write_text("garbage;;;\n\x1a\x1a nothing here\n", encoding="latin-1")
    xlsx = folder / "Agent_Transaction_Detail_2025.xlsx"
    xlsx.write_bytes(xlsx.read_bytes()[:4000])
    return folder


def kpis_by_sheet(data: AmsData) -> dict[str, Any]:
    """Each model sheet's KPIs, as `agency-xl metrics` reports them under the sheet's key, by sheet name."""
    metrics = all_metrics(data, Assumptions())
    return {s.name: metrics[s.key] for s in build_all(None, Assumptions(), "")
            if s.key not in ("home", "settings", "whatif", "data_health")}


def _feeds(report: str) -> set[str]:
    """The sheets the Home sheet says a report feeds (the gathering sheets are fed by every report)."""
    return {s.name for s in build_all(None, Assumptions(), "")
            if s.name in home.NEEDED_BY[report] or s.name in home.GATHERING}


def test_missing_and_broken_exports_disable_only_the_sheets_that_need_them(broken_exports, tmp_path, capsys):
    full_out, out = tmp_path / "full.xlsx", tmp_path / "broken.xlsx"
    assert refresh("--exports", SAMPLE, "--out", full_out) == 0
    assert refresh("--exports", broken_exports, "--out", out) == 0
    capsys.readouterr()
    full, wb = openpyxl.load_workbook(full_out), openpyxl.load_workbook(out)
    assert "Add the Claims detail export" in status_of(wb["Profitability"])
    assert "Add the Commission statement export" in status_of(wb["Cash Flow"])
    affected = _feeds("claims") | _feeds("commissions")
    model_sheets = [s.name for s in build_all(None, Assumptions(), "") if s.key not in
                    ("home", "settings", "whatif", "data_health")]
    for name in model_sheets:
        if name not in ("Profitability", "Cash Flow"):
            assert "Data as of" in status_of(wb[name]), name  # filled
        if name not in affected:  # not fed by either report: exactly the full run's sheet
            same = [[c.value for c in row] for row in wb[name].iter_rows()]
            assert same == [[c.value for c in row] for row in full[name].iter_rows()], name
    assert set(model_sheets) - affected, "some sheet must be independent of claims and commissions"
    # The KPIs of `agency-xl metrics` agree: unaffected models are the full run's.
    import json

    def metrics(folder: Path) -> dict:
        assert main(["metrics", "--exports", str(folder)]) == 0
        return json.loads(capsys.readouterr().out)

    m_full, m_broken = metrics(SAMPLE), metrics(broken_exports)
    keys = {s.name: s.key for s in build_all(None, Assumptions(), "")}
    for name in set(model_sheets) - affected:
        key = "referral_growth" if keys[name] == "referrals" else keys[name]
        assert m_broken[key] == m_full[key], name
    # Data Health lists each broken file with why.
    health = wb["Data Health"]
    files = {health.cell(r, 1).value: (health.cell(r, 9).value, health.cell(r, 10).value) for r in range(6, 46)}
    state, why = files["Agent_Transaction_Detail_2025.xlsx"]
    assert state == "REJECTED" and "damaged" in why
    state, why = files["commission statements 2024.csv"]
    assert state in ("REJECTED", "SKIPPED") and why


def test_a_broken_export_is_the_same_as_a_missing_one(broken_exports, tmp_path):
    missing = tmp_path / "missing"
    shutil.copytree(broken_exports, missing)
    (missing / "commission statements 2024.csv").unlink()
    (missing / "Agent_Transaction_Detail_2025.xlsx").unlink()
    assert kpis_by_sheet(read_exports(broken_exports)) == kpis_by_sheet(read_exports(missing))


def test_home_says_truly_which_sheets_each_report_feeds(tmp_path):
    """Take each report's files away in turn: only the sheets its 'Feeds' text names may change."""
    data = read_exports(SAMPLE)
    full = kpis_by_sheet(data)
    files: dict[str, list[str]] = {}
    for f in data.health.files:
        files.setdefault(f.report, []).append(f.path)
    assert set(files) == set(home.NEEDED_BY)
    for report, names in files.items():
        folder = tmp_path / report
        folder.mkdir()
        for p in SAMPLE.iterdir():
            if p.name not in names:
                shutil.copy(p, folder / p.name)
        changed = {name for name, kpis in kpis_by_sheet(read_exports(folder)).items() if kpis != full[name]}
        assert changed <= _feeds(report), (report, changed - _feeds(report))


# --- every worksheet function answers bad arguments readably -------------------------------------

MODULE = xh.udf_module()
ERROR_CODES = sorted(xh.CELL_ERRORS)
EXCEPTION_NAME = re.compile(r"\b\w*(Error|Exception|Warning)\b|\bfailed:")

numbers_ = st.one_of(
    st.sampled_from([1e308, -1e308, 1e15, -1e15, 0.0, -0.0, -1.0, 1.0, 0.5, 2.0, 12.0, 1e-300, 5e-324,
                     float("nan"), float("inf"), float("-inf")]),
    st.floats(-1e6, 1e6), st.integers(-100, 100).map(float), st.floats(),
)
wrong = st.one_of(
    st.text(max_size=12), st.sampled_from(["", " ", "1e999", "nan", "(5)", "50%", "$1,000", "#N/A", "hard",
                                           "Auto", "Auto+Home", "=1+1"]),
    st.booleans(), st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.none(), st.sampled_from(ERROR_CODES),
)
cells_ = st.one_of(numbers_, wrong)


def _grid(cell: st.SearchStrategy) -> st.SearchStrategy:
    """A range as pywin32 hands it over: rows of equal length."""
    return st.lists(st.lists(cell, min_size=1, max_size=3), min_size=1, max_size=6).map(
        lambda rows: [r + [None] * (max(map(len, rows)) - len(r)) for r in rows])


any_argument = st.one_of(cells_, _grid(cells_), _grid(numbers_))  # ranges where a cell is expected too


def _valid_cell(v: Any) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    return v is None or isinstance(v, (str, bool, int, dt.datetime, dt.date))


def _readable(text: str, name: str, args: list[Any]) -> bool:
    """A short #VALUE! text that names an argument (as_written or "as written"), quotes the value
    the owner gave ('1e+308' is not a metric), or says what about the result failed; never a
    Python exception."""
    if not text.startswith("#VALUE! ") or len(text) >= 256 or "Traceback" in text or EXCEPTION_NAME.search(text):
        return False
    names = [a.name for a in CATALOG[name].args]
    words = names + [n.replace("_", " ") for n in names]
    return any(re.search(rf"\b{re.escape(w)}\b", text) for w in words) or \
        re.search(r"'[^']+'", text) is not None or "result" in text


@pytest.fixture(scope="module")
def metrics_folder(tmp_path_factory):
    return copy_sample(tmp_path_factory.mktemp("metrics") / "exports")


class _CallingCell:
    """What xlwings passes as ``caller``: the calling cell, in a workbook at ``fullname``."""

    def __init__(self, fullname: Path) -> None:
        self.sheet = type("Sheet", (), {"book": type("Book", (), {"fullname": str(fullname)})()})()


@pytest.fixture(scope="module")
def history_caller(tmp_path_factory, metrics_folder):
    """A cell of a workbook whose history file holds a refresh of the sample (for AMS_HISTORY)."""
    book = tmp_path_factory.mktemp("history") / "agency_dashboard.xlsm"
    assert record_refresh(book, all_metrics(read_exports(metrics_folder), Assumptions())) is None
    return _CallingCell(book)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_function_answers_bad_arguments_readably(name, metrics_folder, history_caller):
    f = CATALOG[name]
    caller = history_caller if reads_history(f) else None  # in Excel, the calling cell
    params = [a for a in f.args if a.kind != "caller"]  # xlwings fills "caller" itself
    example = excel_args(f.example)
    example += [None] * (len(params) - len(example))
    folder_at = [a.name for a in params].index("exports_folder") if "exports_folder" in [a.name for a in params] else None

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(changes=st.lists(st.tuples(st.integers(0, max(len(params) - 1, 0)), any_argument), max_size=3)
           if params else st.just([]),
           real_folder=st.booleans())
    def check(changes, real_folder):
        # Start from the worked example (valid) and spoil up to three arguments, so every argument
        # is reached with the others valid as well as in bad company.
        args = list(example)
        for i, value in changes:
            args[i] = value
        if folder_at is not None and (real_folder or not changes or
                                      (isinstance(args[folder_at], str) and Path(args[folder_at]).is_dir())):
            args[folder_at] = str(metrics_folder)  # functions reading the exports get a real folder
        result = xh.call_like_excel(MODULE, name, *args, caller=caller)  # never raises
        assert isinstance(result, list) and all(isinstance(row, list) for row in result)
        cells = [v for row in result for v in row]
        error = [v for v in cells if isinstance(v, str) and v.startswith("#")]
        if error:
            assert len(cells) == 1, f"an error inside a table: {error[0]}"
            assert _readable(error[0], name, args), error[0]
        else:
            assert all(_valid_cell(v) for v in cells), cells

    check()


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_an_error_in_any_argument_is_named(name, metrics_folder):
    """An Excel error code in any one argument (a cell, or one cell of a range) gives a #VALUE!
    naming that argument and the error."""
    f = CATALOG[name]
    params = [a for a in f.args if a.kind != "caller"]
    example = excel_args(f.example)
    example += [None] * (len(params) - len(example))
    if "exports_folder" in [a.name for a in params]:
        example[[a.name for a in params].index("exports_folder")] = str(metrics_folder)
    for i, a in enumerate(params):
        args = list(example)
        if a.kind == "range" and isinstance(example[i], list) and len(example[i]) > 1:
            spoilt = [list(r) for r in example[i]]
            spoilt[1][0] = -2146826246
        else:
            spoilt = [[-2146826246]] if a.kind == "range" else -2146826246
        args[i] = spoilt
        text = xh.call_like_excel(MODULE, name, *args)[0][0]
        assert isinstance(text, str) and text.startswith("#VALUE! ") and a.name in text and "#N/A" in text, \
            (a.name, text)
