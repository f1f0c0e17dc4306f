"""Issue 15.4: every figure computed from a Settings DEFAULT is marked where it is shown (cell
style + "from Settings default — set your own"), and no measured figure is. Checked over the sheet
descriptions of the template, a refresh of the sample and refreshes with the owner's own Settings.

The expected marks come from the documented inputs of each figure (docs/models/*.md and the Settings
help), written out below, not from the code that marks them."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions, settings_rows, with_values
from agency_xl.dashboards import build_all
from agency_xl.excel.workbook import write_dashboard
from agency_xl.figures.sources import DEFAULT_NOTE, Source, setting_source, weakest

SAMPLE = "data/sample"

# (sheet, block, KPI row label) -> the settings the figure is computed from (its non-measured inputs).
KPI_INPUTS = {
    ("Profitability", "bonus_card", "Expense ratio"): {"profitability.expense_ratio"},
    ("Profitability", "bonus_card", "Combined ratio (12 months)"): {
        "profitability.expense_ratio", "profitability.bonus_full_threshold", "profitability.bonus_partial_threshold"},
    ("Profitability", "bonus_card", "Estimated bonus"): {
        "profitability.expense_ratio", "profitability.bonus_full_threshold", "profitability.bonus_partial_threshold",
        "profitability.bonus_full_rate", "profitability.bonus_partial_rate"},
    ("Profitability", "bonus_card", "Underwriting profit (12 months)"): {"profitability.expense_ratio"},
    ("Cash Flow", "cash_burn", "Cash on hand"): {"cash_flow.cash_on_hand"},
    ("Cash Flow", "inputs", "Monthly expenses"): {"cash_flow.monthly_expenses"},
    ("Cash Flow", "inputs", "Buffer months"): {"cash_flow.buffer_months"},
    ("Segments", "roi_card", "Marketing budget"): {"segments.marketing_budget"},
    ("Seasonality", "marketing_plan", "Budget spent evenly (a year)"): {"segments.marketing_budget"},
    ("Rate Environment", "measured", "Sensitivity: hard market"): {"rate_environment.sensitivity_hard"},
}
# Figures the sample's exports measure: never marked, whatever the Settings.
MEASURED = [
    ("Profitability", "bonus_card", "Loss ratio (12 months)"),
    ("Profitability", "bonus_card", "Earned premium (12 months)"),
    ("Profitability", "bonus_card", "Incurred losses (12 months)"),
    ("Cash Flow", "inputs", "Monthly commission (baseline)"),
    ("Cash Flow", "inputs", "Commission lag (days)"),
    ("Cash Flow", "inputs", "Households in force"),
    ("Rate Environment", "measured", "Current retention"),
    ("Rate Environment", "measured", "Premium in force"),
    ("Segments", "ltv_card", "Commission rate"),
    ("Cross-Sell", "summary", "Commission rate used"),
    ("Leads", "summary", "Commission rate used"),
    ("Leads", "summary", "CAC"),
]
# Table columns: (sheet, block, column header) -> settings.
COLUMN_INPUTS = {
    ("Seasonality", "staffing", "Current staff"): {"seasonality.current_staff"},
    ("Profitability", "products", "Bonus threshold"): {
        "profitability.expense_ratio", "profitability.bonus_full_threshold", "profitability.bonus_partial_threshold"},
    ("Cash Flow", "projection", "Expenses"): {"cash_flow.monthly_expenses"},
}
MEASURED_COLUMNS = [("Profitability", "products", "Loss ratio"), ("Profitability", "trend", "Earned premium"),
                    ("Seasonality", "staffing", "Renewals")]


def defaults_of(settings: Assumptions) -> set[str]:
    """The settings still at their default, by comparing with a fresh Assumptions()."""
    fresh = {key: value for key, _, value, _, _ in settings_rows(Assumptions())}
    return {key for key, _, value, _, _ in settings_rows(settings) if value == fresh[key]}


def owner_settings() -> Assumptions:
    """Every numeric setting moved off its default where the Settings accept it: his own values."""
    a = Assumptions()
    for key, _, value, _, _ in settings_rows(a):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        for new in (value * 1.02 if value else 0.01, value * 0.98, value + 1):
            try:
                a = with_values({key: type(value)(new) if isinstance(value, int) else new}, a)
                break
            except Exception:
                continue
    return a


def kpi_marks(sheets) -> dict[tuple[str, str, str], bool]:
    out = {}
    for s in sheets:
        for b in s.blocks:
            if b.columns == ["Measure", "Value", "Note"]:
                for i, row in enumerate(b.rows):
                    out[(s.name, b.name, row[0])] = (i, 1) in b.defaults
    return out


def column_marks(sheets, key) -> list[bool]:
    sheet = next(s for s in sheets if s.name == key[0])
    block = sheet.block(key[1])
    col = block.columns.index(key[2])
    return [(i, col) in block.defaults for i in range(len(block.rows))]


@pytest.fixture(scope="module")
def sample():
    return read_exports(SAMPLE)


def check(sheets, settings: Assumptions) -> None:
    marks, at_default = kpi_marks(sheets), defaults_of(settings)
    for key, inputs in KPI_INPUTS.items():
        assert marks[key] == bool(inputs & at_default), key
    for key in MEASURED:
        assert marks[key] is False, key
    for key, inputs in COLUMN_INPUTS.items():
        got = column_marks(sheets, key)
        assert got and all(m == bool(inputs & at_default) for m in got), key
    for key in MEASURED_COLUMNS:
        assert not any(column_marks(sheets, key)), key
    # The note says so wherever a KPI value is marked.
    for s in sheets:
        for b in s.blocks:
            for i, col in b.defaults:
                if b.columns == ["Measure", "Value", "Note"]:
                    assert DEFAULT_NOTE.lower() in b.rows[i][2].lower()


def test_sample_with_default_settings_marks_every_default_fed_figure(sample):
    check(build_all(sample, Assumptions(), "x"), Assumptions())


def test_sample_with_the_owners_settings_marks_nothing(sample):
    mine = owner_settings()
    assert not defaults_of(mine) & set().union(*KPI_INPUTS.values(), *COLUMN_INPUTS.values())
    sheets = build_all(sample, mine, "x")
    check(sheets, mine)
    # Every number-bearing setting is his and every report is there: no cell rests on a default.
    left = defaults_of(mine)
    marked = [(s.name, b.name) for s in sheets for b in s.blocks if b.defaults]
    assert not marked, (marked, sorted(left))


def test_one_setting_of_his_unmarks_only_what_rests_on_it(sample):
    mine = with_values({"cash_flow.cash_on_hand": 80_000.0})
    marks = kpi_marks(build_all(sample, mine, "x"))
    assert marks[("Cash Flow", "cash_burn", "Cash on hand")] is False
    assert marks[("Cash Flow", "inputs", "Monthly expenses")] is True  # still the default
    # The runway rests on the expenses too: still marked.
    assert marks[("Cash Flow", "cash_burn", "Runway at that burn (months)")] is True


def test_a_missing_export_marks_its_settings_fallback_until_the_owner_sets_it(sample):
    no_statements = dataclasses.replace(sample, commissions=None)
    marks = kpi_marks(build_all(no_statements, Assumptions(), "x"))
    assert marks[("Cash Flow", "inputs", "Monthly commission (baseline)")] is True
    assert marks[("Segments", "ltv_card", "Commission rate")] is True
    assert marks[("Leads", "summary", "Commission rate used")] is True
    mine = with_values({"cash_flow.fallback_monthly_commission": 30_000.0, "general.commission_rate": 0.09})
    marks = kpi_marks(build_all(no_statements, mine, "x"))
    assert marks[("Cash Flow", "inputs", "Monthly commission (baseline)")] is False
    assert marks[("Segments", "ltv_card", "Commission rate")] is False


def test_the_template_marks_its_settings_figures():
    marks = kpi_marks(build_all(None, Assumptions(), "x"))
    assert marks[("Cash Flow", "inputs", "Monthly expenses")] is True
    assert marks[("Cash Flow", "cash_burn", "Cash on hand")] is True
    assert marks[("Profitability", "bonus_card", "Expense ratio")] is True
    assert marks[("Profitability", "bonus_card", "Loss ratio (12 months)")] is False  # blank without data


def test_source_rules():
    a = Assumptions()
    assert setting_source(a.cash_flow, "monthly_expenses") is Source.SETTINGS_DEFAULT
    mine = with_values({"cash_flow.monthly_expenses": 38_500.0})
    assert setting_source(mine.cash_flow, "monthly_expenses") is Source.SETTINGS_OWNER
    assert setting_source(mine.cash_flow, "monthly_expenses", "cash_on_hand") is Source.SETTINGS_DEFAULT
    assert weakest(Source.MEASURED, Source.SETTINGS_OWNER) is Source.SETTINGS_OWNER
    assert weakest(Source.MEASURED) is Source.MEASURED


def test_the_workbook_shows_the_mark_as_a_style_and_a_note(tmp_path):
    out = write_dashboard(tmp_path / "agency_dashboard.xlsm", None, Assumptions(), "exports")
    ws = openpyxl.load_workbook(out)["Cash Flow"]
    sheet = next(s for s in build_all(None, Assumptions(), "x") if s.name == "Cash Flow")
    block = sheet.block("inputs")
    r0, c0 = block.top_left
    i = [r[0] for r in block.rows].index("Monthly expenses")
    cell = ws.cell(r0 + 2 + i, c0 + 2)
    assert cell.value == 42_000 and cell.font.i and cell.comment is not None
    assert cell.comment.text == "From Settings default — set your own."
    j = [r[0] for r in block.rows].index("Households in force")
    plain = ws.cell(r0 + 2 + j, c0 + 2)
    assert not plain.font.i and plain.comment is None


def test_functions_with_measured_defaults_say_whose_in_their_help():
    from agency_xl.functions import CATALOG

    def words(name):
        f = CATALOG[name]
        return " ".join([f.help, *(a.help for a in f.args)])

    # Issue 15.4: the owner's measured values when the exports folder on Settings provides them,
    # else the plan's (the sample agency's for the lead score), said in the Function Wizard's text.
    measured = {n for n, f in CATALOG.items() if f.measured_defaults is not None}
    assert measured == {"RETENTION_LIFT", "CROSS_SELL_LTV_GAIN", "LEAD_SCORE"}
    for name in measured:
        assert "exports folder on Settings" in CATALOG[name].help, name
    assert "the plan's example 72/91/97%" in CATALOG["RETENTION_LIFT"].help
    assert "your agency's" in CATALOG["RETENTION_LIFT"].help
    for name in ("RETENTION_LIFT", "CROSS_SELL_LTV_GAIN"):
        for a in CATALOG[name].args:
            if a.name.startswith("retention_"):
                assert "your agency's, measured" in a.help and "the plan's example" in a.help, (name, a.name)
    assert "the plan's example" in CATALOG["CROSS_SELL_LTV_GAIN"].help
    commission = next(a.help for a in CATALOG["CROSS_SELL_LTV_GAIN"].args if a.name == "commission_rate")
    assert "your agency's, measured on the commission statements" in commission and "placeholder" in commission
    assert "fitted on your lead log" in CATALOG["LEAD_SCORE"].help and "else the SAMPLE agency's" in words("LEAD_SCORE")


def test_settings_open_with_set_these_first_and_say_what_is_still_the_default():
    from agency_xl.dashboards.settings_sheet import STILL_DEFAULT, YOURS, build
    from agency_xl.dashboards.spec import cell_to_rc

    def block(settings):
        sheet = build(settings, "x")
        key_rows = {lab.text: cell_to_rc(lab.cell)[0] for lab in sheet.labels if lab.cell.startswith("A")}
        out = {}
        for f in sheet.formulas:
            r, c = cell_to_rc(f.cell)
            if c == 2:
                key = next(lab.text for lab in sheet.labels if lab.cell == f"B{r + 1}")
                status = next(g for g in sheet.formulas if g.cell == f"D{r + 1}")
                # The value formula reads the setting's own row (column A holds its key there).
                assert f.formula == f"=$C${key_rows[key] + 1}"
                out[key] = (f.value, status.value)
        heading = next(lab for lab in sheet.labels if lab.text.startswith("Set these first"))
        assert cell_to_rc(heading.cell)[0] < min(key_rows[k] for k in out)  # above the settings
        return out

    first = block(Assumptions())
    assert {"cash_flow.monthly_expenses", "cash_flow.cash_on_hand", "seasonality.current_staff",
            "segments.marketing_budget", "profitability.bonus_full_threshold",
            "profitability.bonus_partial_threshold"} <= set(first)
    assert all(status == STILL_DEFAULT for _, status in first.values())
    mine = block(with_values({"cash_flow.monthly_expenses": 38_000.0, "seasonality.current_staff": 5.0}))
    assert mine["cash_flow.monthly_expenses"] == (38_000.0, YOURS)
    assert mine["seasonality.current_staff"] == (5.0, YOURS)
    assert mine["cash_flow.cash_on_hand"] == (150_000.0, STILL_DEFAULT)
