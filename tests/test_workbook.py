"""The dashboard workbook as built by XlsxWriter, read back with openpyxl and from its zip parts,
and rendered by LibreOffice."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
import workbook_tools as wt
from tiny_data import tiny_agency

from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import Block, Sheet, cell_to_rc
from agency_xl.excel import builder, vba
from agency_xl.excel.workbook import UDF_MODULE, write_dashboard

SHEETS = ["Home", "Settings", "Profitability", "What-If", "Data Health", "xlwings.conf"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wb")
    xlsm = write_dashboard(folder / "agency_dashboard.xlsm", tiny_agency(), Assumptions(), "tiny",
                           dt.datetime(2025, 11, 1, 9, 30))
    return folder, xlsm


def test_sheets_in_order(built):
    _, xlsm = built
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    names = wb.sheetnames
    for name in SHEETS:
        assert name in names
    assert names[0] == "Home" and names[-1] == "xlwings.conf"


def test_vba_project_is_xlwings_own_and_has_the_button_macros(built):
    _, xlsm = built
    with zipfile.ZipFile(xlsm) as z:
        assert z.read("xl/vbaProject.bin") == vba.vba_project_bytes()
    procs = wt.vba_procedures(xlsm)
    assert {vba.REFRESH_MACRO, vba.IMPORT_FUNCTIONS_MACRO, "RunPython"} <= procs
    macros = wt.button_macros(xlsm)
    assert sorted(macros) == sorted([vba.REFRESH_MACRO, vba.IMPORT_FUNCTIONS_MACRO])


def test_xlwings_conf_sheet(built):
    _, xlsm = built
    ws = openpyxl.load_workbook(xlsm, keep_vba=True)["xlwings.conf"]
    conf = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert conf["UDF Modules"] == UDF_MODULE
    assert conf["Use UDF Server"] == "False"


def test_module_written_beside_the_workbook(built):
    folder, _ = built
    text = (folder / "agency_dashboard.py").read_text()
    assert "def main()" in text and "refresh_book(xw.Book.caller())" in text


def test_charts_per_sheet(built):
    _, xlsm = built
    charts = wt.charts_per_sheet(xlsm)
    assert charts["Profitability"] == 5  # gauge, products, growth, loss-ratio trend, frequency/severity
    assert charts["Home"] == 0


def test_profitability_cells_hold_the_model_numbers(built):
    _, xlsm = built
    from agency_xl.dashboards import profitability
    from agency_xl.figures import profitability as figures

    fig = figures.compute(tiny_agency(), Assumptions())
    sheet = profitability.build(fig)
    ws = openpyxl.load_workbook(xlsm, keep_vba=True)["Profitability"]
    card = sheet.block("bonus_card")
    r, c = card.top_left
    assert ws.cell(r + 1, c + 1).value == "Measure"
    assert ws.cell(r + 2, c + 1).value == "Combined ratio (12 months)"
    assert ws.cell(r + 2, c + 2).value == pytest.approx(fig.kpis()["combined_ratio"])
    assert ws.cell(r + 2, c + 2).number_format == "0.0%"


def test_export_text_stays_text(tmp_path):
    sheet = Sheet("t", "T", "T", blocks=[Block("b", "A1", ["Name"], [["=HYPERLINK(\"x\")"], ["+1"], ["@x"], ["-2"]])])
    out = builder.build_workbook([sheet], tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(out)["T"]
    for row in range(2, 6):
        cell = ws.cell(row, 1)
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert ws.cell(2, 1).value == '=HYPERLINK("x")'


def test_a_header_row_is_as_tall_as_its_longest_wrapped_name(tmp_path):
    """A header name wider than its column wraps: the row gets a line per wrapped line (15 points
    each, at most 4), so no name is cut off."""
    sheet = Sheet("t", "T", "T", blocks=[
        Block("short", "A1", ["Month", "Value"], [["Jan", 1]]),
        # Column B is 8.43 wide (7 characters of bold text): "Annual policy growth" takes 3 lines.
        Block("narrow", "A4", ["As of", "Annual policy growth"], [["2025-10-31", 0.05]]),
        Block("long", "A7", ["As of", "Target: Combined ratio (bonus lines, 12 months) of the agency"], [["x", 1]]),
    ])
    ws = openpyxl.load_workbook(builder.build_workbook([sheet], tmp_path / "t.xlsx"))["T"]
    assert ws.row_dimensions[1].height is None  # fits on one line: Excel's own height
    assert ws.row_dimensions[4].height == 45
    assert ws.row_dimensions[7].height == 60  # 4 lines at most


def test_xlsx_output_is_macro_free(tmp_path):
    out = write_dashboard(tmp_path / "share.xlsx", tiny_agency(), Assumptions(), "tiny")
    with zipfile.ZipFile(out) as z:
        assert not any("vbaProject" in n for n in z.namelist())
    assert "xlwings.conf" not in openpyxl.load_workbook(out).sheetnames
    assert not (tmp_path / "share.py").exists()


def test_macro_workbook_name_must_be_a_module_name(tmp_path):
    with pytest.raises(ValueError, match="valid Python module name"):
        write_dashboard(tmp_path / "my dashboard.xlsm", None, Assumptions(), "x")


def test_interrupted_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "agency_dashboard.xlsx"
    write_dashboard(target, tiny_agency(), Assumptions(), "tiny")
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(builder, "add_chart", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write_dashboard(target, tiny_agency(), Assumptions(), "tiny")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agency_dashboard.xlsx"]


def test_blocks_never_overlap_and_charts_read_real_blocks():
    for sheet in build_all(tiny_agency(), Assumptions(), "tiny"):
        sheet.validate()
    for sheet in build_all(None, Assumptions(), "tiny"):
        sheet.validate()


def test_template_is_empty_and_says_what_to_add(tmp_path):
    out = write_dashboard(tmp_path / "agency_dashboard.xlsm", None, Assumptions(), "data/sample")
    ws = openpyxl.load_workbook(out, keep_vba=True)["Profitability"]
    status = ws.cell(*[x + 1 for x in cell_to_rc("A2")]).value
    assert "Add the" in status and "Claims detail" in status


def test_libreoffice_renders_every_sheet(built, tmp_path):
    _, xlsm = built
    pdf, pngs = wt.render_pdf_png(xlsm, tmp_path)
    assert len(pngs) >= len(SHEETS) - 1  # one page per sheet (xlwings.conf included or not)
    assert all(p.stat().st_size > 2000 for p in pngs)
