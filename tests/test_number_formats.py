"""Every number the workbook shows has a number format (issue 15.6: no 9097.1260021128): the cells
of every block, every live formula's result, every cell a spilled worksheet function fills on
What-If, and every input, in the empty template and in the sample refresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import Sheet, cell_to_rc, rc_to_cell
from agency_xl.dashboards.whatif import format_for

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _bare(fmt: str | None) -> bool:
    """No number format: Excel's General shows every digit it has (or text, which is not one)."""
    return fmt in (None, "General", "@")


def unformatted(sheet: Sheet) -> list[str]:
    """Each numeric cell of ``sheet``'s description that would be written without a number format,
    as "Sheet!B7 (what) value". The format each would get is worked out the way the builder does."""
    out = []
    for b in sheet.blocks:
        formats = b.formats or ["General"] * len(b.columns)
        c0 = b.top_left[1]
        for i, row in enumerate(b.rows):
            for j, v in enumerate(row):
                fmt = b.row_formats[i] if b.row_formats and j in b.row_format_columns else formats[j]
                if _number(v) and _bare(fmt):
                    out.append(f"{sheet.name}!{rc_to_cell(b.first_data_row + i, c0 + j)} (block {b.name}) {v!r}")
    for f in sheet.formulas:
        r0, c0 = cell_to_rc(f.cell)
        if f.spill:
            for i, row in enumerate(f.values or [[f.value]]):
                for j, v in enumerate(row):
                    if f.header and i == 0:
                        continue
                    by_row = f.row_formats[i] if f.row_formats and i < len(f.row_formats) else None
                    by_col = f.column_formats[j] if f.column_formats and j < len(f.column_formats) else None
                    if _number(v) and _bare(by_row or by_col or f.format):
                        out.append(f"{sheet.name}!{rc_to_cell(r0 + i, c0 + j)} ({f.formula[:30]}) {v!r}")
        elif _number(f.value) and _bare(f.format):
            out.append(f"{sheet.name}!{f.cell} ({f.formula[:30]}) {f.value!r}")
    for inp in sheet.inputs:
        if _number(inp.value) and _bare(inp.format):
            out.append(f"{sheet.name}!{inp.cell} (input) {inp.value!r}")
    return out


@pytest.fixture(scope="module")
def workbooks() -> dict[str, list[Sheet]]:
    data = read_exports(SAMPLE)
    return {"template": build_all(None, Assumptions(), ""),
            "sample": build_all(data, Assumptions(), str(SAMPLE))}


@pytest.mark.parametrize("which", ["template", "sample"])
def test_every_number_shown_has_a_format(workbooks, which):
    sheets = workbooks[which]
    assert len(sheets) >= 13
    found = [line for s in sheets for line in unformatted(s)]
    assert not found, f"{len(found)} numbers without a format, e.g.:\n" + "\n".join(found[:20])


def test_the_check_finds_a_number_without_a_format(workbooks):
    """The check above can fail: a General cell and a spilled cell without a format are found."""
    from agency_xl.dashboards.spec import Block, Formula

    s = Sheet("x", "X", "X")
    s.blocks.append(Block("b", "A1", ["n", "m"], [[9097.1260021128, 1]], formats=["General", "0"]))
    s.formulas.append(Formula("D1", "=F()", 1.5, spill=(2, 2), values=[["a", "b"], [1.25, "t"]]))
    assert unformatted(s) == ["X!A2 (block b) 9097.1260021128", "X!D2 (=F()) 1.25"]


def test_what_if_spills_are_formatted_by_their_column(workbooks):
    whatif = next(s for s in workbooks["sample"] if s.name == "What-If")
    spills = {f.formula.split("(")[0]: f for f in whatif.formulas if f.spill}
    projection = spills["=CASHFLOW_PROJECTION"]
    assert projection.column_formats[0] == "#,##0" and projection.column_formats[1].startswith('"$"')
    metrics = spills["=AMS_METRICS"]
    by_name = {row[0]: fmt for row, fmt in zip(metrics.values, metrics.row_formats) if _number(row[1])}
    assert by_name["profitability.loss_ratio"] == "0.0%" and by_name["premium_in_force"].startswith('"$"')
    assert by_name["households"] == "#,##0"


@pytest.mark.parametrize("name, value, expected", [
    ("cash_flow.accrual_profit_next_month", -20_247.86, '"$"#,##0;[Red]-"$"#,##0'),  # dollars, not months
    ("cash_flow.commission_lag_days", 47.6, "#,##0.0"),  # days, not dollars
    ("segments.retention_by_tier.Elite", 1.0, "0.0%"),  # named by the part before the tier
    ("rate_environment.households", 1011, "#,##0"),  # the model's key says nothing
    ("referral_growth.projected_customers_12m", 1028.78, "#,##0.00"),
    ("Share", 0.25, "0.0%"),
    ("Product", "Auto", None),
])
def test_format_by_name(name, value, expected):
    assert format_for(name, [value]) == expected
