"""Issue 11.1: every workbook we write is a valid file, whatever the command and whatever was there.

The check itself (``workbook_validity``) runs on every workbook any test builds (tests/conftest.py);
here: that it finds the defect it is for, that the wrapping really sees the builds, what a formula's
stored result becomes, and the command sequences an owner runs over one file.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import openpyxl
import pytest
import workbook_validity as wv
import xlsxwriter
from openpyxl.worksheet.formula import ArrayFormula

from agency_xl.assumptions import Assumptions
from agency_xl.cli import main
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import Formula, Sheet
from agency_xl.excel import builder
from agency_xl.functions import CATALOG
from agency_xl.excel.workbook import write_dashboard
from agency_xl.sample_data import write_sample_exports

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _cell(xml: str) -> ET.Element:
    return ET.fromstring(xml.replace("<c ", f"<c {NS} ", 1))


@pytest.mark.parametrize("xml, shared, bad", [
    ('<c r="A1"><f>X()</f><v>None</v></c>', 0, True),  # what the What-If examples used to store
    ('<c r="A1"><v>nan</v></c>', 0, True),
    ('<c r="A1"><v>inf</v></c>', 0, True),
    ('<c r="A1"><v></v></c>', 0, True),  # an empty number without a formula
    ('<c r="A1" t="n"><v>2025-10-01</v></c>', 0, True),
    ('<c r="A1" t="b"><v>True</v></c>', 0, True),
    ('<c r="A1" t="s"><v>3</v></c>', 3, True),  # index past the last of 3 strings
    ('<c r="A1" t="e"><v>#OOPS</v></c>', 0, True),
    ('<c r="A1" t="inlineStr"><v>x</v></c>', 0, True),
    ('<c r="A1" t="x"><v>1</v></c>', 0, True),
    ('<c r="A1"><v>0.93</v></c>', 0, False),
    ('<c r="A1"><v>-1E-05</v></c>', 0, False),
    ('<c r="A1"><f>X()</f><v></v></c>', 0, False),  # a formula with no stored result
    ('<c r="A1" t="str"><f>X()</f><v>#VALUE! x must be a number</v></c>', 0, False),
    ('<c r="A1" t="b"><f>X()</f><v>1</v></c>', 0, False),
    ('<c r="A1" t="s"><v>2</v></c>', 3, False),
    ('<c r="A1" t="e"><f>X()</f><v>#NAME?</v></c>', 0, False),
    ('<c r="A1" t="d"><v>2025-10-01T00:00:00</v></c>', 0, False),
    ('<c r="A1" t="inlineStr"><is><t>x</t></is></c>', 0, False),
    ('<c r="A1" s="3"/>', 0, False),  # a styled blank
])
def test_cell_check(xml, shared, bad):
    assert (wv.cell_problem(_cell(xml), shared) is not None) == bad


def test_the_check_refuses_what_xlsxwriter_writes_for_a_none_result(tmp_path):
    path = tmp_path / "none.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("S").write_formula("B2", "=AMS_METRIC(\"retention\")", None, None)
    wb.close()
    with pytest.raises(wv.InvalidWorkbook, match=r"B2: number cell stores <v>None</v>"):
        wv.check_workbook(path)


def test_the_check_refuses_a_part_that_is_not_xml(tmp_path):
    good = tmp_path / "good.xlsx"
    wb = xlsxwriter.Workbook(good)
    wb.add_worksheet("S").write_number("A1", 1)
    wb.close()
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row>")
            dst.writestr(item, data)
    with pytest.raises(wv.InvalidWorkbook, match="sheet1.xml is not well-formed"):
        wv.check_workbook(bad)


def test_every_workbook_a_test_builds_goes_through_the_check(tmp_path):
    before = len(wv.CHECKED)
    out = write_dashboard(tmp_path / "agency_dashboard.xlsm", None, Assumptions(), "x")
    assert wv.CHECKED[before:] == [out]


def test_the_wrapped_builder_stops_the_old_defect(tmp_path, monkeypatch):
    """With a formula's result written as it came (the old behaviour), an example whose result is
    not known yet stores <v>None</v>: the session-wide check stops the build."""
    monkeypatch.setattr(builder, "stored_result", lambda value: value)
    sheet = Sheet("w", "What-If", "What-If", formulas=[Formula("E157", '=AMS_METRIC("retention")', None)])
    with pytest.raises(wv.InvalidWorkbook, match="E157: number cell stores <v>None</v>"):
        builder.build_workbook([sheet], tmp_path / "w.xlsx")


@pytest.mark.parametrize("value, stored", [
    (None, ""),
    (float("nan"), ""),
    (float("inf"), ""),
    (np.float64(2.5), 2.5),
    (np.int64(3), 3.0),
    (7, 7.0),
    (np.bool_(True), True),
    (False, False),
    ("#VALUE! x must be a number", "#VALUE! x must be a number"),
    # Excel's serial numbers: 2025-01-01 is 45658, and 2025-10-01 is 273 days later.
    (dt.date(2025, 10, 1), 45931.0),
    (dt.datetime(2025, 10, 1, 18), 45931.75),
    (dt.time(6), 0.25),
    (dt.timedelta(days=2, hours=12), 2.5),
])
def test_a_formulas_stored_result_fits_the_cell(value, stored):
    got = builder.stored_result(value)
    assert got == stored and type(got) is type(stored)


def test_open_workbook_gives_a_plain_message_and_keeps_the_file(tmp_path, monkeypatch, capsys):
    """On Windows, os.replace over a workbook open in Excel raises PermissionError (WinError 32)."""
    out = tmp_path / "agency_dashboard.xlsm"
    assert main(["template", "--out", str(out)]) == 0
    before = out.read_bytes()

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by "
                                  "another process", str(dst))

    monkeypatch.setattr(builder.os, "replace", locked)
    assert main(["template", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "is open, probably in Excel. Close it in Excel" in err
    assert "WinError" not in err and "Errno" not in err and "another process" not in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agency_dashboard.py", "agency_dashboard.xlsm"]


def _table_function_calls(sheets):
    """(sheet, formula) of every live formula whose outermost call is a table-returning function."""
    tables = {n for n, f in CATALOG.items() if f.returns == "table"}
    for sheet in sheets:
        for f in sheet.formulas:
            name = f.formula.lstrip("=").split("(")[0]
            if name in tables:
                yield sheet, f


@pytest.mark.parametrize("with_data", [False, True])
def test_every_table_function_is_a_dynamic_array_formula(with_data, tmp_path):
    from tiny_data import tiny_agency

    data = tiny_agency() if with_data else None
    sheets = build_all(data, Assumptions(), "tiny")
    found = list(_table_function_calls(sheets))
    whatif = [f for s, f in found if s.name == "What-If"]
    assert len(whatif) == sum(1 for f in CATALOG.values() if f.returns == "table")
    assert all(f.spill for _, f in found), [f.formula for _, f in found if not f.spill]
    out = write_dashboard(tmp_path / "d.xlsx", data, Assumptions(), "tiny")
    wb = openpyxl.load_workbook(out)
    for sheet, f in found:
        assert isinstance(wb[sheet.name][f.cell].value, ArrayFormula), (sheet.name, f.cell)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """A small agency the sample generator writes with another size and seed than data/sample."""
    folder = tmp_path_factory.mktemp("small") / "exports"
    write_sample_exports(folder, households=150, seed=11, as_of=dt.date(2025, 6, 30))
    return folder


def _whatif_metric_cells(path: Path):
    """(AMS_METRIC's cell, AMS_METRICS' cell) on What-If, from the formulas' text."""
    ws = openpyxl.load_workbook(path)["What-If"]
    cells = {}
    for row in ws.iter_rows(min_col=5, max_col=5):
        c = row[0]
        text = c.value.text if isinstance(c.value, ArrayFormula) else c.value
        if isinstance(text, str) and text.startswith(("=AMS_METRIC(", "=AMS_METRICS(")):
            cells[text.split("(")[0]] = (c.coordinate, c.value)
    return cells["=AMS_METRIC"], cells["=AMS_METRICS"]


def test_template_refresh_template_refresh_over_one_file(exports, tmp_path, capsys):
    out = tmp_path / "agency_dashboard.xlsm"
    steps = [["template"], ["refresh", "--exports", str(exports)], ["template"],
             ["refresh", "--exports", str(exports)]]
    for step in steps:
        assert main([*step, "--out", str(out)]) == 0, capsys.readouterr().err
        (metric_at, metric), (table_at, table) = _whatif_metric_cells(out)
        assert isinstance(table, ArrayFormula)  # =AMS_METRICS() spills in the template too
        cached = openpyxl.load_workbook(out, data_only=True)["What-If"]
        if step[0] == "template":
            assert cached[metric_at].value is None  # not known yet: nothing stored
        else:
            assert 0 < cached[metric_at].value < 1  # the retention of these exports
            assert cached[table_at].value == "Name"  # the first cell of the spilled list


def test_refresh_with_reports_missing_and_over_an_existing_file(exports, tmp_path, capsys):
    only_some = tmp_path / "only_some"
    only_some.mkdir()
    for p in exports.iterdir():
        if "Audit" in p.name or "Claims" in p.name:  # the book and the claims, nothing else
            shutil.copy(p, only_some / p.name)
    out = tmp_path / "agency_dashboard.xlsm"
    assert main(["refresh", "--exports", str(only_some), "--out", str(out)]) == 0
    assert "growth       missing" in capsys.readouterr().out
    (metric_at, _), _ = _whatif_metric_cells(out)
    cached = openpyxl.load_workbook(out, data_only=True)["What-If"]
    assert cached[metric_at].value.startswith("#VALUE! retention needs the ")  # text, stored as text
    assert main(["refresh", "--exports", str(exports), "--out", str(out)]) == 0
    assert main(["refresh", "--exports", str(only_some), "--out", str(out)]) == 0
