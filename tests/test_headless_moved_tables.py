"""The command-line refresh over a workbook whose tables the owner moved in Excel (rows or columns
inserted or deleted): it writes a new file with every table at the template's place and keeps the
owner's cells by position, so it would mix them up. The blocks' workbook names, which Excel moves,
tell it so: it refuses, before writing, and says to use the Refresh button inside Excel."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from agency_xl.assumptions import Assumptions
from agency_xl.cli import main
from agency_xl.excel.workbook import check_keepable, write_dashboard


SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture()
def workbook(tmp_path):
    return write_dashboard(tmp_path / "agency_dashboard.xlsm", None, Assumptions(), "exports")


def move_name(path, name, refers_to):
    """What Excel saves after the owner's edit: the name now refers elsewhere."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb.defined_names[name].attr_text = refers_to
    wb.save(path)


def test_a_workbook_as_built_is_kept(workbook):
    check_keepable(workbook)


def test_one_cell_names_as_excel_saves_them_are_in_place(workbook):
    move_name(workbook, "leads_status", "Leads!$A$2")  # Excel writes a one-cell range so
    check_keepable(workbook)


@pytest.mark.parametrize("refers_to, where", [
    ("Leads!$A$9:$K$17", "Leads!A9:K17"),  # three rows inserted above the vendors
    ("Leads!$A$6:$K$15", "Leads!A6:K15"),  # a row inserted inside
    ("Leads!#REF!", "was deleted"),
])
def test_a_moved_table_is_refused_before_anything_is_written(workbook, refers_to, where, capsys):
    move_name(workbook, "leads_vendors", refers_to)
    with pytest.raises(ValueError, match="inserted or deleted") as err:
        check_keepable(workbook)
    assert "leads_vendors" in str(err.value) and "Refresh button inside Excel" in str(err.value)
    assert where in str(err.value)
    before = workbook.read_bytes()
    assert main(["refresh", "--exports", str(SAMPLE), "--out", str(workbook)]) == 2
    assert "leads_vendors" in capsys.readouterr().err
    assert workbook.read_bytes() == before
