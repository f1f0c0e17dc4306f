"""The rate environment model: the plan's exact points (severity of its churn, the 15.5%
decomposition, the LTV closed form), the calibration anchor, the laws of the retention response,
the decomposition and the LTV (hypothesis), measurements from a hand-made growth & retention
report, the Rate Environment sheet (from data and without it: its live formulas give what Excel
would compute) and the worksheet functions through xlwings with good and bad arguments."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest
import xlwings_harness as xh
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import load_workbook
from tiny_data import tiny_agency

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.dashboards import rate_environment as sheet_module
from agency_xl.dashboards.spec import cell_to_rc, rc_to_cell
from agency_xl.excel.builder import build_workbook
from agency_xl.figures import rate_environment as figures
from agency_xl.models import rate_environment as m
from agency_xl.models.ltv import lifetime_value

UDFS = xh.udf_module()
AS_OF = dt.date(2025, 10, 31)
DEFAULTS = Assumptions().rate_environment

retention = st.floats(0, 1)
increase = st.floats(-0.5, 1)
sensitivity = st.floats(0, 20)


# --- the plan's exact points and the calibration anchor ----------------------------------------

def test_the_plans_churn_is_moderate():
    # The plan: 0.0054 added churn -> MODERATE (with the default thresholds).
    assert m.rate_severity(0.0054, *DEFAULTS.severity_thresholds()) == m.MODERATE
    assert m.rate_severity(0.0049) == m.LOW
    assert m.rate_severity(0.03) == m.HIGH
    assert m.rate_severity(0.05) == m.SEVERE
    assert m.rate_severity(-0.01) == m.LOW  # a rate cut
    assert m.rate_severity(math.nan) == ""


def test_plans_revenue_decomposition_is_exact():
    d = m.revenue_decomposition(0.05, 0.10)
    assert d.total == pytest.approx(0.155, abs=1e-12)
    assert d.interaction == pytest.approx(0.005, abs=1e-15)
    assert d.policy_growth + d.rate_increase + d.interaction == pytest.approx(0.155, abs=1e-12)
    # The plan's -0.5% churn acts on the grown book.
    c = m.revenue_decomposition(0.05, 0.10, -0.005)
    assert c.total == pytest.approx(1.155 * 0.995 - 1, abs=1e-12)
    assert c.churn_effect == pytest.approx(-0.005 * 1.155, abs=1e-12)


def test_ltv_is_the_shared_closed_form():
    # g = 0: m r / (1 + d - r); with g: m q / (1 + d - q), q = r (1 + g).
    cmp = m.ltv_comparison(1000, 0.10, 0.90, 0.08, 2.3, 0.10)
    assert cmp.without_inflation == pytest.approx(100 * 0.9 / 0.2)
    q = 0.9 * 1.08
    assert cmp.with_inflation == pytest.approx(100 * q / (1.1 - q))
    r_g = m.rate_retention(0.9, 0.08, 2.3)
    assert cmp.with_inflation_and_churn == pytest.approx(lifetime_value(1000, 0.10, r_g, 0.10, 0.08))


def test_the_plans_hard_market_example_is_reproduced_exactly_with_the_default():
    # REFERENCE_POINTS.md (issue 9.8): 0.8964, +10%, hard -> 0.891 (churn +0.0054), MODERATE;
    # scenarios 8% -> 0.894, 10% -> 0.891, 12% -> 0.887. The plan rounds to 3 decimals.
    hard, tol = DEFAULTS.sensitivity_hard, DEFAULTS.rate_tolerance
    assert DEFAULTS.market == "hard"
    for x, plan in ((0.08, 0.894), (0.10, 0.891), (0.12, 0.887)):
        assert round(m.rate_retention(0.8964, x, hard, tol), 3) == plan
    impact = m.rate_impact(0.8964, 0.10, hard, DEFAULTS.severity_thresholds(), tol)
    assert round(impact.added_churn, 4) == 0.0054 and impact.severity == "MODERATE"


def test_default_markets_are_ordered_hard_least_sensitive():
    # In a hard market every carrier raises rates: customers find less elsewhere and react least.
    assert DEFAULTS.sensitivity_hard < DEFAULTS.sensitivity_moderate < DEFAULTS.sensitivity_soft
    # The soft default reads one agent's forecast: about 3 points lost for +12.5% from 89.64%.
    assert m.added_churn(0.8964, 0.125, DEFAULTS.sensitivity_soft) == pytest.approx(0.03, abs=0.001)


def test_retention_formula_by_hand():
    # logit(r) = logit(r0) - s (x - t)^2 above the tolerance t; nothing lost within it.
    r0, x, s, t = 0.8964, 0.10, 13.5, 0.035
    expected = 1 / (1 + math.exp(-(math.log(r0 / (1 - r0)) - s * (x - t) ** 2)))
    assert m.rate_retention(r0, x, s, t) == pytest.approx(expected, abs=1e-14)
    assert m.rate_retention(r0, 0.0, s) == r0
    assert m.rate_retention(r0, 0.03, s, t) == r0 and m.rate_retention(r0, -0.10, s, t) == r0
    assert m.rate_retention(1.0, 0.5, s) == 1.0 and m.rate_retention(0.0, 0.5, s) == 0.0
    arr = m.rate_retention(np.array([0.8, 0.9]), np.array([0.1, 0.2]), 1.5)
    assert arr.shape == (2,) and np.all(arr < [0.8, 0.9])
    assert math.isnan(m.rate_retention(math.nan, 0.1, 1.0))


def test_scenarios_table():
    t = m.rate_scenarios(0.8964, 3_680_000, 0.07, 2.3)
    assert list(t["rate_increase"]) == list(m.DEFAULT_INCREASES)
    today = t.iloc[0]
    assert today["premium"] == pytest.approx(3_680_000) and today["commission_change"] == 0
    assert today["commission"] == pytest.approx(257_600)
    ten = t[t["rate_increase"] == 0.10].iloc[0]
    churn = m.added_churn(0.8964, 0.10, 2.3)
    assert ten["premium"] == pytest.approx(3_680_000 * 1.10 * (1 - churn))
    assert ten["change_pct"] == pytest.approx(1.10 * (1 - churn) - 1)
    assert ten["commission_change"] == pytest.approx(ten["commission"] - 257_600)


# --- laws ------------------------------------------------------------------------------------------

@given(retention, increase, increase, sensitivity)
def test_retention_never_rises_when_the_increase_rises(r0, x1, x2, s):
    lo, hi = sorted((x1, x2))
    assert m.rate_retention(r0, hi, s) <= m.rate_retention(r0, lo, s)


@given(retention, increase, sensitivity)
def test_retention_stays_a_probability(r0, x, s):
    r = m.rate_retention(r0, x, s)
    assert 0.0 <= r <= 1.0


@given(retention, st.floats(0, 1), st.floats(0, 20), st.floats(0, 20), st.floats(0, 20))
def test_a_harder_market_never_loses_fewer_customers(r0, x, a, b, c):
    soft, moderate, hard = sorted((a, b, c))
    churn = [m.added_churn(r0, x, s) for s in (soft, moderate, hard)]
    assert churn[0] <= churn[1] <= churn[2]


@given(retention, st.floats(0, 1))
def test_the_default_markets_are_ordered(r0, x):
    churn = {k: m.added_churn(r0, x, DEFAULTS.sensitivity(k)) for k in ("hard", "moderate", "soft")}
    assert churn["hard"] <= churn["moderate"] <= churn["soft"]


@given(st.floats(0.6, 0.99), st.floats(0.001, 0.25), st.floats(0.1, 5))
def test_response_is_non_linear_each_point_costs_more(r0, x, s):
    # While retention stays above 50%, doubling the increase more than doubles the churn.
    assume(m.rate_retention(r0, 2 * x, s) >= 0.5)
    assert m.added_churn(r0, 2 * x, s) >= 2 * m.added_churn(r0, x, s) - 1e-15


@given(st.floats(-1, 10), increase, st.floats(-1, 1))
def test_decomposition_factors_multiply_back_to_the_total(p, x, c):
    d = m.revenue_decomposition(p, x, c)
    f1, f2, f3 = d.factors()
    assert f1 * f2 * f3 - 1 == d.total  # the same product, exactly
    contributions = [part for _, _, part in d.parts()[:-1]]
    assert math.fsum(contributions) == pytest.approx(d.total, abs=1e-12 * max(1.0, abs(1 + d.total)))
    assert d.parts()[-1][2] == d.total


def _converges(r: float, g: float, d: float) -> bool:
    return r * (1 + g) < (1 + d) - 1e-6


@given(st.floats(100, 1e5), st.floats(0.01, 0.3), retention, retention, st.floats(-0.3, 0.3), st.floats(0, 0.3))
def test_ltv_rises_with_retention(p, c, r1, r2, g, d):
    lo, hi = sorted((r1, r2))
    assume(_converges(hi, g, d) and 1 + g > 0)
    assert lifetime_value(p, c, hi, d, g) >= lifetime_value(p, c, lo, d, g)


@given(st.floats(100, 1e5), st.floats(0.01, 0.3), retention, st.floats(-0.3, 0.5), st.floats(-0.3, 0.5),
       st.floats(0, 0.3))
def test_ltv_rises_with_premium_growth(p, c, r, g1, g2, d):
    lo, hi = sorted((g1, g2))
    assume(_converges(r, hi, d))
    assert lifetime_value(p, c, r, d, hi) >= lifetime_value(p, c, r, d, lo)


@given(st.floats(100, 1e5), st.floats(0.01, 0.3), st.floats(0.5, 0.99), st.floats(0, 0.3), st.floats(0, 20),
       st.floats(0.01, 0.3))
def test_rate_driven_churn_never_raises_the_inflated_ltv(p, c, r, g, s, d):
    assume(_converges(r, g, d))
    cmp = m.ltv_comparison(p, c, r, g, s, d)
    assert cmp.with_inflation_and_churn <= cmp.with_inflation * (1 + 1e-12)
    assert cmp.with_inflation >= cmp.without_inflation * (1 - 1e-12)


# --- measured inputs from a hand-made growth & retention report --------------------------------

def growth_report() -> pd.DataFrame:
    """14 months for Auto and Home; the first two months fall outside the last 12."""
    months = pd.date_range("2024-09-01", "2025-10-01", freq="MS")
    rows = []
    for i, month in enumerate(months):
        rows.append({"month": month, "product": "Auto", "beginning_pif": 600.0 + 2 * i, "new_business": 12.0,
                     "renewals_offered": 50.0, "renewals_retained": 40.0 if i < 2 else 44.0,
                     "cancellations": 4.0, "ending_pif": 602.0 + 2 * i, "renewal_premium": 60_000.0,
                     "retention_pct": np.nan})
        rows.append({"month": month, "product": "Home", "beginning_pif": 200.0 + i, "new_business": 4.0,
                     "renewals_offered": 20.0, "renewals_retained": 19.0, "cancellations": 1.0,
                     "ending_pif": np.nan, "renewal_premium": 30_000.0, "retention_pct": np.nan})
    return pd.DataFrame(rows)


def test_retention_measured_over_the_last_12_months():
    mr = m.measured_retention(growth_report())
    assert mr.months == 12 and mr.first_month == pd.Timestamp("2024-11-01")
    assert mr.renewals_offered == 12 * 70 and mr.renewals_retained == 12 * (44 + 19)
    assert mr.retention == pytest.approx(63 / 70)
    by = mr.by_product.set_index("product")["retention"]
    assert by["Auto"] == pytest.approx(44 / 50) and by["Home"] == pytest.approx(19 / 20)


def test_policy_growth_measured_with_ending_pif_rebuilt_where_blank():
    g, n = m.measured_policy_growth(growth_report())
    assert n == 12
    # Window Nov 2024 (i = 2) .. Oct 2025 (i = 13). Auto ends at 602 + 26; Home's blank ending PIF is
    # rebuilt: 213 + 4 - (20 - 19) - 1 = 215.
    start = (600 + 4) + (200 + 2)
    end = (602 + 26) + (200 + 13 + 4 - 1 - 1)
    assert g == pytest.approx(end / start - 1)


def test_empty_report_measures_nothing():
    empty = growth_report().iloc[0:0]
    assert math.isnan(m.measured_retention(empty).retention)
    assert math.isnan(m.measured_policy_growth(empty)[0])


# --- the sheet -------------------------------------------------------------------------------------

def statements() -> pd.DataFrame:
    return pd.DataFrame({
        "statement_date": pd.to_datetime(["2025-03-15", "2025-06-15", "2025-09-15", "2023-01-15"]),
        "policy_number": ["0001", "0002", "0004", "0001"],
        "product": ["Auto", "Home", "Auto", "Auto"],
        "transaction_type": ["Renewal", "Renewal", "New Business", "Renewal"],
        "transaction_effective_date": pd.to_datetime(["2025-02-01", "2025-05-01", "2025-08-01", "2022-12-01"]),
        "premium": [2400.0, 1800.0, 3000.0, 1000.0],
        "commission_rate": np.nan,
        "commission_amount": [168.0, 126.0, 300.0, 500.0],
    })


def agency() -> AmsData:
    data = tiny_agency()
    data.growth = growth_report()
    data.commissions = statements()
    return data


def built(data: AmsData, settings: Assumptions | None = None):  # noqa: ANN201
    """The sheet and the KPIs `agency-xl metrics` reports, both from the figures a refresh computes."""
    fig = figures.compute(data, settings if settings is not None else Assumptions())
    return sheet_module.build(fig), fig.kpis()


def cell_values(sheet) -> dict[str, object]:
    """What each cell of the sheet holds when built: inputs, blocks, formula results."""
    cells: dict[str, object] = {i.cell: i.value for i in sheet.inputs}
    for b in sheet.blocks:
        r0, c0 = b.top_left
        for i, row in enumerate(b.grid()):
            for j, v in enumerate(row):
                cells[rc_to_cell(r0 + i, c0 + j)] = v
    for f in sheet.formulas:
        r0, c0 = cell_to_rc(f.cell)
        for i, row in enumerate(f.values or [[f.value]]):
            for j, v in enumerate(row):
                cells[rc_to_cell(r0 + i, c0 + j)] = v
    return cells


def excel_value(formula: str, cells: dict[str, object]) -> object:
    """Evaluate one of the sheet's formulas the way Excel would: cell references replaced by the
    cells' values, worksheet functions called through xlwings' converters. Returns the scalar, or
    the whole table for a spilled function."""
    expr = formula[1:].replace("$", "")
    expr = re.sub(r"\b([A-Z]{1,2}\d+)\b", lambda mm: repr(cells[mm.group(1)]), expr)
    # An array constant {a;b;c} is a column of values, as Excel passes it.
    expr = re.sub(r"\{([^}]*)\}", lambda mm: repr([[float(v)] for v in mm.group(1).split(";")]), expr)

    def udf(name: str):  # noqa: ANN202
        def call(*args):  # noqa: ANN002, ANN202
            out = xh.call_like_excel(UDFS, name, *args)
            return out[0][0] if len(out) == 1 and len(out[0]) == 1 else out
        return call

    names = set(re.findall(r"\b([A-Z_]+)\(", expr))
    return eval(expr, {"__builtins__": {}}, {n: udf(n) for n in names})  # noqa: S307 - our own formulas


def test_sheet_from_hand_made_data_measures_its_inputs(tmp_path):
    data = agency()
    s, k = built(data, Assumptions())
    s.validate()
    assert s.key == "rate_environment" and s.name == "Rate Environment" and len(s.name) <= 31
    assert s.block("status").rows[0][0].startswith("Data as of 2025-10-31")
    assert k["current_retention"] == pytest.approx(63 / 70) and k["current_retention_source"] == "measured"
    assert k["retention_by_product"] == {"Auto": pytest.approx(0.88), "Home": pytest.approx(0.95)}
    # In force on the data date: policies 0001, 0002, 0004, 0005, 0006 of households H1 and H3.
    assert k["premium_in_force"] == pytest.approx(2400 + 1800 + 3000 + 2200 + 400) and k["households"] == 2
    # Last 12 months of statements, new business and renewals with a premium.
    assert k["commission_rate"] == pytest.approx((168 + 126 + 300) / (2400 + 1800 + 3000), abs=1e-6)
    plan = k["planned_increase"]
    assert plan["retention"] == pytest.approx(m.rate_retention(63 / 70, 0.10, DEFAULTS.sensitivity_hard), abs=1e-6)
    assert plan["severity"] == m.rate_severity(63 / 70 - plan["retention"])
    assert [r["rate_increase"] for r in k["scenarios"]] == list(m.DEFAULT_INCREASES)
    assert k["revenue_decomposition"]["total"] == pytest.approx(
        (1 + k["policy_growth"]) * 1.10 * (1 - plan["added_churn"]) - 1, abs=1e-6)
    assert k["ltv"]["with_inflation_and_churn"] < k["ltv"]["with_inflation"]
    by = s.block("by_product").rows
    assert [r[0] for r in by] == ["Auto", "Home"]
    # The sheet shows the very figures `agency-xl metrics` reports.
    card = {r[0]: r[1] for r in s.block("measured").rows}
    assert round(card["Premium in force"], 2) == k["premium_in_force"] and card["Households in force"] == 2
    cached = {f.cell: f.value for f in s.formulas}
    assert round(cached["B12"], 6) == plan["retention"] and cached["B14"] == plan["severity"]
    assert [cached[f"H{40 + i}"] for i in range(len(k["scenarios"]))] == [r["severity"] for r in k["scenarios"]]
    path = build_workbook([s], tmp_path / "rate.xlsx")
    ws = load_workbook(path)["Rate Environment"]
    assert len(ws._charts) == 3
    assert ws["B6"].value == 0.10 and ws["B7"].value == "hard"
    assert ws["B12"].value == "=RATE_RETENTION($B$24,B6,B11,$B$37)"  # $B$37: the tolerance (Settings)
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["B7"]


def test_live_formulas_compute_what_python_cached():
    s, _ = built(agency(), Assumptions())
    cells = cell_values(s)
    checked = 0
    for f in s.formulas:
        if f.formula.startswith(("=INDEX(", "=IF(")):
            continue
        got = excel_value(f.formula, cells)
        if f.values:
            assert len(got) == len(f.values)
            for a, b in zip(got, f.values):
                assert a == [pytest.approx(v) if isinstance(v, float) else v for v in b]
        else:
            assert got == (pytest.approx(f.value) if isinstance(f.value, float) else f.value), f.formula
        checked += 1
    assert checked >= 15
    sens = next(f for f in s.formulas if f.formula.startswith("=INDEX("))
    assert sens.value == DEFAULTS.sensitivity_hard and "B7" in sens.formula
    after = [f for f in s.formulas if f.formula.startswith("=IF(")]
    assert len(after) == sheet_module.PRODUCT_ROWS
    assert after[0].value == pytest.approx(m.rate_retention(0.88, 0.10, DEFAULTS.sensitivity_hard))
    assert after[-1].value == ""  # no product in that row


def test_charts_follow_the_live_tables():
    s, _ = built(agency(), Assumptions())
    sources = {series.block for ch in s.charts for series in ch.series}
    assert sources == {"scenarios", "decomposition", "ltv"}
    for name in sources:
        f = s.source(name)
        assert f.spill[0] == len(f.values) and f.header


def test_settings_change_the_market_and_sensitivity():
    settings = with_values({"rate_environment.market": "Soft", "rate_environment.sensitivity_soft": 0.5,
                            "rate_environment.planned_rate_increase": 0.15})
    s, k = built(agency(), settings)
    plan = k["planned_increase"]
    assert plan["market"] == "soft" and plan["sensitivity"] == 0.5 and plan["rate_increase"] == 0.15
    assert plan["retention"] == pytest.approx(m.rate_retention(63 / 70, 0.15, 0.5), abs=1e-6)
    assert {i.cell: i.value for i in s.inputs}["B7"] == "soft"


def test_sheet_without_exports_uses_the_settings_and_says_which_export_to_add(tmp_path):
    s, k = built(AmsData(as_of=AS_OF), Assumptions())
    s.validate()
    status = s.block("status").rows[0][0]
    assert "Policy growth & retention" in status and "Book of business" in status
    assert k["current_retention"] == DEFAULTS.fallback_retention
    assert k["current_retention_source"] == "settings"
    notes = {r[0]: r[2] for r in s.block("measured").rows}
    assert notes["Current retention"].startswith("Settings value: the growth & retention export is missing")
    assert notes["Commission rate"].startswith("Settings value: the commission statement export is missing")
    assert s.block("by_product").rows == [] and k["retention_by_product"] == {}
    assert len(k["scenarios"]) == len(m.DEFAULT_INCREASES)  # the calculator still works
    path = build_workbook([s], tmp_path / "rate.xlsx")
    assert load_workbook(path)["Rate Environment"]["A2"].value.startswith("Add the Policy growth")


def test_plan_block_shows_the_plans_numbers_beside_the_model():
    s, _ = built(agency(), Assumptions())
    rows = {r[0]: r[1:] for r in s.block("plan").rows}
    assert rows["Retention after +10%"] == ["0.891", "0.891"]  # reproduced exactly (issue 9.8)
    assert rows["Retention after +8%"] == ["0.894", "0.894"] and rows["Retention after +12%"] == ["0.887", "0.887"]
    assert rows["Severity after +10%"][0] == "MODERATE"
    assert rows["Revenue growth, 5% policies x 10% rate"] == ["15.5%", "15.5%"]


# --- worksheet functions through xlwings ---------------------------------------------------------

def call(name: str, *args):  # noqa: ANN002, ANN202
    out = xh.call_like_excel(UDFS, name, *args)
    return out[0][0] if len(out) == 1 and len(out[0]) == 1 else out


def test_rate_retention_function():
    hard, soft = DEFAULTS.sensitivity_hard, DEFAULTS.sensitivity_soft
    assert call("RATE_RETENTION", 0.8964, 0.10, "hard") == pytest.approx(m.rate_retention(0.8964, 0.10, hard))
    assert round(call("RATE_RETENTION", 0.8964, 0.10, "hard"), 3) == 0.891  # the plan's example
    assert call("RATE_RETENTION", 0.8964, 0.10, " Soft ") == pytest.approx(m.rate_retention(0.8964, 0.10, soft))
    assert call("RATE_RETENTION", 0.8964, 0.10, 1.7) == pytest.approx(m.rate_retention(0.8964, 0.10, 1.7))
    assert call("RATE_RETENTION", 0.8964, 0.10, 13.5, 0.05) == pytest.approx(m.rate_retention(0.8964, 0.10, 13.5, 0.05))
    assert call("RATE_RETENTION", "89.64%", "10%", xh.MISSING) == call("RATE_RETENTION", 0.8964, 0.10, "hard")


@pytest.mark.parametrize("args, message", [
    ((0.8964, 2, "hard"), "#VALUE! rate_increase must be a number between -0.5 and 1"),
    ((1.2, 0.1, "hard"), "#VALUE! current_retention must be a number between 0 and 1"),
    ((0.8964, "abc", "hard"), "#VALUE! rate_increase must be a number between -0.5 and 1, not 'abc'"),
    ((0.8964, 0.1, "wild"), "#VALUE! market must be hard, moderate, soft or a sensitivity between 0 and 200"),
    ((0.8964, 0.1, 250), "#VALUE! market must be hard, moderate, soft or a sensitivity between 0 and 200"),
    ((0.8964, 0.1, -2146826246), "#VALUE! market is an Excel error (#N/A)"),
])
def test_rate_retention_bad_arguments(args, message):
    assert call("RATE_RETENTION", *args).startswith(message)


def test_rate_scenarios_function():
    table = call("RATE_SCENARIOS", 0.8964, 3_680_000, 0.07, "hard", xh.MISSING)
    assert table[0][0] == "Rate increase" and len(table) == 1 + len(m.DEFAULT_INCREASES)
    expected = m.rate_scenarios(0.8964, 3_680_000, 0.07, DEFAULTS.sensitivity_hard)
    assert [r[1] for r in table[1:]] == pytest.approx(list(expected["retention"]))
    own = call("RATE_SCENARIOS", 0.8964, 3_680_000, 0.07, "moderate", [[0.05], [""], [0.25]])
    assert [r[0] for r in own[1:]] == [0.05, 0.25]
    bad = call("RATE_SCENARIOS", 0.8964, 3_680_000, 0.07, "hard", [[0.05], ["x"]])
    assert bad.startswith("#VALUE! increases item 2 must be a number between -0.5 and 1")
    assert call("RATE_SCENARIOS", 0.8964, -5, 0.07).startswith("#VALUE! annual_premium must be")


def test_rate_severity_function():
    assert call("RATE_SEVERITY", 0.0054) == "MODERATE"
    assert call("RATE_SEVERITY", 0.0054, 0.01, xh.MISSING, xh.MISSING) == "LOW"
    assert call("RATE_SEVERITY", 0.03, 0.01, 0.05, 0.02).startswith("#VALUE! thresholds must rise")


def test_ltv_function():
    assert call("LTV", 3680, 0.07, 0.8964) == pytest.approx(lifetime_value(3680, 0.07, 0.8964, 0.10, 0.0))
    assert call("LTV", 3680, 0.07, 0.8964, 0.12, 0.08) == pytest.approx(lifetime_value(3680, 0.07, 0.8964, 0.12, 0.08))
    assert call("LTV", 1000, 0.1, 0.99, 0, 0.05).startswith(
        "#VALUE! retention x (1 + premium_growth) must be below 1 + discount_rate")
    assert call("LTV", 1000, 0.1, "high").startswith("#VALUE! retention must be a number between 0 and 1")


def test_ltv_inflation_function():
    table = call("LTV_INFLATION", 3680, 0.07, 0.8964, 0.08, "hard", xh.MISSING)
    cmp = m.ltv_comparison(3680, 0.07, 0.8964, 0.08, DEFAULTS.sensitivity_hard, 0.10)
    assert [r[2] for r in table[1:]] == pytest.approx(
        [cmp.without_inflation, cmp.with_inflation, cmp.with_inflation_and_churn])
    assert table[3][1] == pytest.approx(cmp.retention_with_increases)
    diverging = call("LTV_INFLATION", 3680, 0.07, 0.99, 0.2, "soft", 0)
    assert diverging[2][2] == "no limit"


def test_revenue_decomposition_function():
    table = call("REVENUE_DECOMPOSITION", 0.05, 0.10, xh.MISSING)
    assert table[0] == ["Part", "Growth factor", "Contribution"]
    parts = {r[0]: r for r in table[1:]}
    assert parts["Total revenue growth"][2] == pytest.approx(0.155)
    assert parts["Policy x rate"][1] == "" and parts["Policy x rate"][2] == pytest.approx(0.005)
    assert call("REVENUE_DECOMPOSITION", 0.05, 1.5).startswith("#VALUE! rate_increase must be a number between -0.5 and 1")


# --- the owner's documentation --------------------------------------------------------------------

def test_docs_show_what_the_model_computes():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "models" / "rate_environment.md").read_text()
    r0, hard = 0.8964, DEFAULTS.sensitivity_hard
    for x in (0.08, 0.10, 0.12):
        assert f"**{m.rate_retention(r0, x, hard):.3f}**" in doc
    impact = m.rate_impact(r0, 0.10, hard, DEFAULTS.severity_thresholds())
    assert f"**{impact.added_churn:.4f}**" in doc and f"**{impact.severity}**" in doc
    assert f"**{m.added_churn(r0, 0.125, DEFAULTS.sensitivity_soft) * 100:.2f} points**" in doc
    t = m.rate_scenarios(r0, 3_680_000, 0.07, hard, (0.08, 0.10, 0.12))
    assert "**" + " / ".join(f"${p / 1e6:.2f}M" for p in t["premium"]) + "**" in doc
    assert f"**{m.revenue_decomposition(0.05, 0.10).total:.1%}**" in doc
    assert f"**{m.revenue_decomposition(0.05, 0.10, -0.005).total:.2%}**" in doc
    cmp = m.ltv_comparison(1085.70, 1.0, r0, 0.08, hard, 0.10)
    assert f"**{cmp.without_inflation:,.0f}**" in doc
    assert f"**{cmp.with_inflation:,.0f} (+{cmp.with_inflation / cmp.without_inflation - 1:.0%})**" in doc
    assert f"**{cmp.with_inflation_and_churn:,.0f} (+{cmp.uplift:.0%})**" in doc
