"""The cash flow model: the plan's exact working-capital points, measurements from hand-made
commission statements, the laws of the projection and the working-capital need, the Cash Flow sheet
(from data and without the commission export) and its worksheet functions through xlwings."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlwings_harness as xh
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.dashboards import cash_flow as sheet_module
from agency_xl.excel.builder import build_workbook
from agency_xl.figures import cash_flow as figures
from agency_xl.models import cash_flow as m

UDFS = xh.udf_module()
AS_OF = dt.date(2025, 10, 31)
ts = pd.Timestamp


# --- the plan's exact points ---------------------------------------------------------------------

def test_base_buffer_is_three_months_of_expenses():
    assert m.base_buffer(42_000, 3) == 126_000
    assert m.working_capital_need(42_000, 0.08, 48, 3, 21_000).base_buffer == 126_000


def test_runway_of_the_plans_total_need():
    assert m.runway_months(193_200, 42_000) == pytest.approx(4.6, abs=1e-12)
    assert xh.call_like_excel(UDFS, "RUNWAY_MONTHS", 193_200.0, 42_000.0)[0][0] == pytest.approx(4.6)


def test_lag_buffer_is_commission_in_transit():
    # $21,000 a month waiting 48 days: 1.6 months of commission in transit (the plan's 33,600).
    assert m.lag_buffer(21_000, 48) == pytest.approx(33_600)
    assert m.lag_buffer(21_000, 0) == 0


def test_growth_buffer_is_the_growth_of_commission_in_transit():
    expected = 33_600 * (1.08 ** 3 - 1)
    assert m.growth_buffer(21_000, 0.08, 48, 3) == pytest.approx(expected)
    assert m.growth_buffer(21_000, -0.05, 48, 3) == 0  # shrinking: nothing extra tied up
    wc = m.working_capital_need(42_000, 0.08, 48, 3, 21_000)
    assert wc.total == pytest.approx(126_000 + expected + 33_600)
    assert wc.months_of_runway == pytest.approx(wc.total / 42_000)


def test_working_capital_works_on_arrays():
    wc = m.working_capital_need(np.array([42_000.0, 50_000.0]), 0.08, np.array([30.0, 60.0]), 3,
                                np.array([21_000.0, 21_000.0]))
    assert wc.base_buffer.tolist() == [126_000, 150_000]
    assert wc.lag_buffer.tolist() == pytest.approx([21_000, 42_000])


# --- laws ----------------------------------------------------------------------------------------

money = st.floats(0, 1e7, allow_nan=False)
growth = st.floats(-0.5, 1.0, allow_nan=False)
lag = st.floats(0, 365, allow_nan=False)
months = st.floats(0, 36, allow_nan=False)


@given(money, money, growth, st.floats(0, 0.5), lag, st.floats(0, 200), months)
def test_need_never_falls_when_growth_or_lag_rises(expenses, commission, g, dg, days, ddays, b):
    base = m.working_capital_need(expenses, g, days, b, commission).total
    assert m.working_capital_need(expenses, min(g + dg, 1.0), days, b, commission).total >= base - 1e-6
    assert m.working_capital_need(expenses, g, days + ddays, b, commission).total >= base - 1e-6


@given(st.floats(1, 1e7), money, growth, lag, months)
def test_runway_is_need_over_expenses(expenses, commission, g, days, b):
    wc = m.working_capital_need(expenses, g, days, b, commission)
    assert wc.total == pytest.approx(wc.base_buffer + wc.growth_buffer + wc.lag_buffer)
    assert wc.months_of_runway == pytest.approx(wc.total / expenses)
    assert wc.months_of_runway >= b - 1e-9


@given(money, money, growth, lag, st.floats(0, 1), st.floats(-1e6, 1e6), st.floats(0, 1),
       st.floats(0, 400), st.integers(1, 36))
def test_projection_cumulative_cash_is_the_running_sum(c, e, g, days, cb, cash, share, delay, n):
    p = m.cash_flow_projection(c, e, g, days, cb, cash, share, delay, n)
    assert len(p) == n
    assert np.allclose(p["cumulative_cash_flow"], np.cumsum(p["net_cash_flow"]), rtol=1e-9, atol=1e-6)
    assert np.allclose(p["cash_position"], cash + p["cumulative_cash_flow"], rtol=1e-9, atol=1e-6)
    assert np.allclose(p["net_cash_flow"],
                       p["commission_received"] - p["chargebacks_paid"] - p["expenses"], atol=1e-6)
    assert np.allclose(p["accrual_profit"],
                       p["commission_earned"] - p["chargeback_provision"] - p["expenses"], atol=1e-6)


@given(st.floats(1, 1e6), lag, st.integers(1, 24))
def test_without_growth_cash_received_equals_commission_earned(c, days, n):
    # Steady state: whatever the lag, as much arrives each month as is earned (Little's law).
    p = m.cash_flow_projection(c, 0, 0.0, days, months=n)
    assert np.allclose(p["commission_received"], p["commission_earned"])


def test_received_is_earned_shifted_by_the_lag():
    p = m.cash_flow_projection(1000, 0, 0.10, 45, months=6)  # 1.5 months: half after 1, half after 2
    earned = np.concatenate([[1000, 1000], 1000 * 1.1 ** np.arange(1, 7)])
    expected = 0.5 * earned[1:7] + 0.5 * earned[0:6]
    assert np.allclose(p["commission_received"], expected)
    zero_lag = m.cash_flow_projection(1000, 0, 0.10, 0, months=6)
    assert np.allclose(zero_lag["commission_received"], zero_lag["commission_earned"])


@given(st.lists(st.one_of(st.floats(-1e4, 1e4), st.just(float("nan"))), max_size=300))
def test_histogram_counts_add_up_to_the_rows(lags):
    h = m.lag_histogram(lags)
    assert len(h) == len(m.LAG_BUCKETS)
    numbers_given = sum(1 for x in lags if not math.isnan(x))
    assert h["rows"].sum() == numbers_given
    if numbers_given:
        assert h["share"].sum() == pytest.approx(1.0)


def test_histogram_bucket_edges():
    h = m.lag_histogram([-3, 0, 15, 16, 30, 31, 60, 61, 120, 121, 400],
                        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100])
    assert h["rows"].tolist() == [1, 2, 2, 1, 1, 1, 0, 1, 2]
    assert h["commission"].iloc[-1] == 101


def test_break_even_month_is_interpolated():
    # cumulative -10, -15, -18, -8, 12: back to 0 40% into month 5 -> 4.4 months
    assert m.months_to_break_even([-10, -5, -3, 10, 20]) == pytest.approx(4.4)
    assert m.months_to_break_even([5, 3, -1]) == 0.0  # never below its start
    assert math.isnan(m.months_to_break_even([-10, -5, 3]))  # not within the horizon
    assert math.isnan(m.months_to_break_even([]))


# --- measured from commission statements ----------------------------------------------------------

def _row(kind, policy, eff, stmt, amount):
    return {"statement_date": ts(stmt), "policy_number": policy, "product": "Auto",
            "transaction_type": kind, "transaction_effective_date": ts(eff) if eff else pd.NaT,
            "premium": np.nan, "commission_rate": np.nan, "commission_amount": amount}


def statements() -> pd.DataFrame:
    rows = [
        _row("New Business", "P1", "2024-01-10", "2024-02-15", 100.0),  # 36 days
        _row("New Business", "P1", "2024-02-10", "2024-03-15", 100.0),  # an installment, 34 days
        _row("New Business", "P2", "2024-03-01", "2024-04-15", 300.0),  # 45 days
        _row("Renewal", "P3", "2024-06-01", "2024-07-15", 200.0),  # 44 days
        _row("Endorsement", "P3", "2024-06-20", "2025-01-15", 20.0),  # not a lag row
        _row("Chargeback", "P1", "2024-05-01", "2024-06-15", -80.0),  # within 12 months of P1's sale
        _row("Chargeback", "P2", "2025-04-01", "2025-05-15", -50.0),  # 13 months after: not counted
        _row("Cancellation", "P9", "2024-05-01", "2024-06-15", -40.0),  # no sale to match
        _row("New Business", "P4", "2025-09-01", "2025-10-15", 500.0),  # too recent to judge
        _row("Renewal", "P5", None, "2025-10-15", 10.0),  # no effective date: no lag
    ]
    return pd.DataFrame(rows)


def test_lags_use_new_business_and_renewal_rows_only():
    lags = m.commission_lags(statements())
    assert sorted(lags["lag_days"].tolist()) == [34, 36, 44, 44, 45]
    s = m.lag_summary(lags["lag_days"], lags["commission_amount"])
    assert s.rows == 5 and s.median_days == 44
    assert s.mean_days == pytest.approx((34 + 36 + 44 + 44 + 45) / 5)
    assert s.lag_days == pytest.approx((36 * 100 + 34 * 100 + 45 * 300 + 44 * 200 + 44 * 500) / 1200)
    assert math.isnan(m.lag_summary([]).lag_days)


def test_chargeback_rate_matches_by_policy_within_12_months_of_mature_sales():
    cb = m.chargeback_rate(statements(), AS_OF)
    # Mature sales: P1 (200) and P2 (300); P1 lost 80 within 12 months, P2's chargeback came later.
    assert cb.mature and cb.policies == 2 and cb.policies_charged_back == 1
    assert cb.new_business_commission == 300 + 200
    assert cb.rate == pytest.approx(80 / 500)
    assert cb.delay_days == pytest.approx((ts("2024-06-15") - ts("2024-01-10")).days)


def test_chargeback_is_clipped_to_the_sales_commission_and_flags_immature_data():
    c = pd.DataFrame([_row("New Business", "P1", "2025-06-01", "2025-07-15", 100.0),
                      _row("Chargeback", "P1", "2025-08-01", "2025-09-15", -150.0)])
    cb = m.chargeback_rate(c, AS_OF)
    assert not cb.mature and cb.rate == 1.0


def test_commission_baseline_per_statement_month():
    base = m.commission_baseline(statements(), AS_OF)
    # Statement months Nov 2024 - Oct 2025: Jan 2025 (20), May 2025 (-50 reversal), Oct 2025 (510).
    assert base.months == 3
    assert base.monthly_commission == pytest.approx((20 + 500 + 10) / 3)
    assert base.new_business_share == pytest.approx(500 / 530)
    assert base.monthly_reversals == pytest.approx(50 / 3)


# --- the cash-burn warning ------------------------------------------------------------------------

def test_recommendation_sentence_in_the_plans_style():
    text = m.recommendation(m.OK, 193_200, 0.08, 250_000, None, 0.0)
    assert text.startswith("Maintain $193k working capital buffer for 8% monthly growth")


@pytest.mark.parametrize("cash, status", [(-10_000, m.ALERT), (150_000, m.WATCH), (400_000, m.OK)])
def test_cash_burn_status(cash, status):
    p = m.cash_flow_projection(21_000, 42_000, 0.08, 48, 0.08, cash, 0.25)
    burn = m.cash_burn(p, cash, 193_200, 0.08)
    assert burn.status == status
    assert "Maintain $193k working capital buffer for 8% monthly growth" in burn.recommendation
    net = p["net_cash_flow"].to_numpy()
    assert burn.monthly_burn == pytest.approx(-net[net < 0].mean())
    assert burn.runway_months == pytest.approx(cash / burn.monthly_burn)
    if status == m.ALERT:
        assert burn.runs_out_month == 1 and f"${-burn.lowest_cash / 1000:,.0f}k" in burn.recommendation


def test_cash_vs_accrual_level():
    assert m.cash_vs_accrual_level(12_000, -42_000) == m.ALERT
    assert m.cash_vs_accrual_level(12_000, 5_000) == m.WATCH
    assert m.cash_vs_accrual_level(12_000, 15_000) == m.OK


# --- the sheet ------------------------------------------------------------------------------------

def sample_statements(seed: int = 3, n: int = 400) -> pd.DataFrame:
    """Two years of sales with known lags, renewals and chargebacks."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        eff = ts("2023-09-01") + pd.Timedelta(days=int(rng.integers(0, 780)))
        amount = round(float(rng.uniform(50, 250)), 2)
        rows.append(_row("New Business", f"P{i}", eff, eff + pd.Timedelta(days=int(30 + rng.integers(0, 40))), amount))
        if rng.random() < 0.1:
            c = eff + pd.Timedelta(days=int(rng.integers(10, 300)))
            rows.append(_row("Chargeback", f"P{i}", c, c + pd.Timedelta(days=40), -amount / 2))
        r = eff + pd.DateOffset(years=1)
        rows.append(_row("Renewal", f"P{i}", r, r + pd.Timedelta(days=int(30 + rng.integers(0, 40))), amount))
    c = pd.DataFrame(rows)
    return c[c["statement_date"] <= ts(AS_OF)].reset_index(drop=True)


def built(data: AmsData, settings: Assumptions | None = None):  # noqa: ANN201
    """The sheet and the KPIs `agency-xl metrics` reports, both from the figures a refresh computes."""
    fig = figures.compute(data, settings if settings is not None else Assumptions())
    return sheet_module.build(fig), fig.kpis()


def test_sheet_from_statements_measures_its_inputs():
    c = sample_statements()
    s, k = built(AmsData(commissions=c, as_of=AS_OF), Assumptions())
    s.validate()
    assert s.key == "cash_flow" and s.name == "Cash Flow" and len(s.name) <= 31
    lags = m.commission_lags(c)
    lag = m.lag_summary(lags["lag_days"], lags["commission_amount"])
    # Everything the statements hold is measured; growth and the cost of a household need the
    # growth report and the lead log (issue 9.5), absent here.
    assert k["fallbacks_used"] == ["growth_rate", "cost_per_household"]
    assert k["commission_lag_days"] == round(lag.lag_days, 1)
    assert k["chargeback_rate"] == pytest.approx(m.chargeback_rate(c, AS_OF).rate)
    base = m.commission_baseline(c, AS_OF)
    assert k["monthly_commission"] == pytest.approx(base.monthly_commission, abs=0.01)
    hist = s.block("lag_histogram")
    assert len(hist.rows) == len(m.LAG_BUCKETS) and sum(r[1] for r in hist.rows) == lag.rows
    proj = s.block("projection")
    assert proj.rows[0][0] == "Nov 2025" and len(proj.rows) == 12
    cum = np.cumsum([r[7] for r in proj.rows])
    assert np.allclose([r[8] for r in proj.rows], cum)
    assert k["cash_burn_status"] in (m.OK, m.WATCH, m.ALERT)
    assert s.block("recommendation").rows[0][0] == k["recommendation"]
    assert k["recommendation"].startswith("Maintain $")
    wc = k["working_capital"]
    assert wc["months_of_runway"] == pytest.approx(wc["total"] / 42_000, abs=0.01)
    # The sheet shows the very figures `agency-xl metrics` reports.
    card = {r[0]: r[1] for r in s.block("cash_vs_accrual").rows} | {r[0]: r[1] for r in s.block("cash_burn").rows}
    assert round(card["Net cash flow, next month"], 2) == k["net_cash_flow_next_month"]
    assert round(card["Working-capital need"], 2) == wc["total"] == round({f.cell: f.value for f in s.formulas}["B52"], 2)
    assert round(proj.rows[-1][9], 2) == k["cash_position_month_12"]


def test_calculator_formulas_read_the_input_cells_and_cache_what_excel_computes():
    s, _ = built(AmsData(commissions=sample_statements(), as_of=AS_OF), Assumptions())
    inputs = {i.cell: i.value for i in s.inputs}
    refs = ",".join(sheet_module.CALC_INPUTS[:7])  # with households and the cost to win one (9.5)
    formulas = {f.formula.split("(")[0]: f for f in s.formulas}
    assert formulas["=WC_NEED"].formula == f"=WC_NEED({refs})"
    assert formulas["=WC_BREAKDOWN"].formula == f"=WC_BREAKDOWN({refs})"
    args = [inputs[c] for c in sheet_module.CALC_INPUTS[:7]]
    assert formulas["=WC_NEED"].value == pytest.approx(xh.call_like_excel(UDFS, "WC_NEED", *args)[0][0])
    assert formulas["=WC_BREAKDOWN"].values == xh.call_like_excel(UDFS, "WC_BREAKDOWN", *args)
    assert formulas["=WC_BREAKDOWN"].spill == (6, 2)
    cash, expenses = inputs[sheet_module.CALC_INPUTS[7]], inputs[sheet_module.CALC_INPUTS[0]]
    assert formulas["=RUNWAY_MONTHS"].value == pytest.approx(cash / expenses)


def test_sheet_without_commission_export_uses_the_fallbacks_and_says_so(tmp_path):
    settings = with_values({"cash_flow.fallback_lag_days": 55.0})
    s, k = built(AmsData(as_of=AS_OF), settings)
    s.validate()
    assert "Commission statement" in s.block("status").rows[0][0]
    assert k["inputs_measured"] is False and k["commission_lag_days"] == 55.0
    # The fallback is a share of commission dollars (issue 9.5), the matched rate is not measured.
    assert k["reversal_share"] == 0.02 and k["chargeback_rate"] is None
    notes = [r[2] for r in s.block("inputs").rows[:5]]
    assert all(n.startswith("Settings fallback: no Commission statement export") for n in notes)
    assert s.block("lag_histogram").rows == []
    assert len(s.block("projection").rows) == 12  # the projection runs on the fallbacks
    path = build_workbook([s], tmp_path / "cash.xlsx")
    assert load_workbook(path)["Cash Flow"]["A2"].value.startswith("Add the Commission statement")


def test_sheet_with_an_empty_commission_export_falls_back_input_by_input():
    empty = statements().iloc[0:0]
    s, k = built(AmsData(commissions=empty, as_of=AS_OF), Assumptions())
    s.validate()
    assert k["inputs_measured"] is False
    assert set(k["fallbacks_used"]) == set(figures.MEASURED_INPUTS) | {"growth_rate", "cost_per_household"}
    assert m.chargeback_rate(empty, AS_OF).policies == 0
    # One sale, long before the 12-month window, no chargeback to time: what the window needs
    # falls back; the lag and the matched chargeback rate are measured on the whole history.
    one = pd.DataFrame([_row("New Business", "P1", "2024-01-10", "2024-02-15", 100.0)])
    s, k = built(AmsData(commissions=one, as_of=AS_OF), Assumptions())
    assert k["fallbacks_used"] == ["growth_rate", "cost_per_household", "monthly_commission",
                                        "new_business_share", "reversal_share", "chargeback_delay_days"]
    assert k["chargeback_rate"] == 0.0 and k["commission_lag_days"] == 36.0


def test_sheet_builds_a_workbook_with_its_charts(tmp_path):
    s, _ = built(AmsData(commissions=sample_statements(), as_of=AS_OF), Assumptions())
    path = build_workbook([s], tmp_path / "cash.xlsx")
    ws = load_workbook(path)["Cash Flow"]
    assert len(ws._charts) == 2
    assert ws["D42"].value is not None and ws["E43"].value == pytest.approx(126_000)  # cached spill


# --- worksheet functions --------------------------------------------------------------------------

def test_wc_functions_good_arguments():
    total = xh.call_like_excel(UDFS, "WC_NEED", 42_000.0, 0.08, 48.0, 3.0, 21_000.0)[0][0]
    assert total == pytest.approx(m.working_capital_need(42_000, 0.08, 48, 3, 21_000).total)
    # omitted optionals: 3 buffer months, commission = expenses
    omitted = xh.call_like_excel(UDFS, "WC_NEED", 42_000.0, 0.08, 48.0, xh.MISSING, xh.MISSING)[0][0]
    assert omitted == pytest.approx(m.working_capital_need(42_000, 0.08, 48, 3, 42_000).total)
    parts = xh.call_like_excel(UDFS, "WC_BREAKDOWN", "42000", "8%", 48.0, 3.0, "$21,000")
    assert [r[0] for r in parts] == ["Part", "Base buffer", "Growth buffer", "Lag buffer",
                                     "Total need", "Months of runway"]
    assert parts[1][1] == 126_000 and parts[3][1] == pytest.approx(33_600)


@pytest.mark.parametrize("name, args, needle", [
    ("WC_NEED", (42_000.0, "fast", 48.0), "growth_rate"),
    ("WC_NEED", (-1.0, 0.08, 48.0), "monthly_expenses must be a number between 0"),
    ("WC_BREAKDOWN", (42_000.0, 0.08, -5.0), "lag_days"),
    ("RUNWAY_MONTHS", (150_000.0, 0.0), "monthly_burn must be more than 0"),
    ("CASHFLOW_PROJECTION", (21_000.0, 42_000.0, 0.08, 48.0, 1.5), "chargeback_rate"),
    ("LAG_HISTOGRAM", ([[10.0], [20.0]], [[1.0]]), "commission has 1 numbers but lag_days has 2"),
])
def test_bad_arguments_give_readable_messages(name, args, needle):
    text = xh.call_like_excel(UDFS, name, *args)[0][0]
    assert isinstance(text, str) and text.startswith("#VALUE!") and needle in text, text


def test_cashflow_projection_spills_twelve_months():
    out = xh.call_like_excel(UDFS, "CASHFLOW_PROJECTION", 21_000.0, 42_000.0, 0.08, 48.0, 0.08,
                             150_000.0, 0.25, xh.MISSING)
    assert len(out) == 13 and out[0][0] == "Month" and [r[0] for r in out[1:]] == list(range(1, 13))
    net = [r[7] for r in out[1:]]
    assert [r[8] for r in out[1:]] == pytest.approx(np.cumsum(net).tolist())
    assert out[-1][9] == pytest.approx(150_000 + sum(net))


def test_lag_histogram_function():
    out = xh.call_like_excel(UDFS, "LAG_HISTOGRAM", [[12.0], [35.0], [48.0], [None], [95.0]], xh.MISSING)
    assert out[-1][:2] == ["All", 4]
    assert sum(r[1] for r in out[1:-1]) == 4


# --- the owner's documentation --------------------------------------------------------------------

def test_docs_show_what_the_model_computes():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "models" / "cash_flow.md").read_text()
    wc = m.working_capital_need(42_000, 0.08, 48, 3, 21_000)
    for value in (wc.base_buffer, wc.lag_buffer, wc.growth_buffer, wc.total):
        assert f"**${value:,.0f}**" in doc
    assert f"**{wc.months_of_runway:.1f}**" in doc
    p = m.cash_flow_projection(21_000, 42_000, 0.08, 48, 0.08, 150_000, 0.25)
    first, last = p.iloc[0], p.iloc[-1]
    assert f"**-${-first['accrual_profit']:,.0f} / -${-first['net_cash_flow']:,.0f}**".replace("-", "\u2212") in doc
    assert f"**${last['cash_position']:,.0f}** (cumulative \u2212${-last['cumulative_cash_flow']:,.0f})" in doc
    long_run = m.cash_flow_projection(21_000, 42_000, 0.08, 48, 0.08, 150_000, 0.25, months=60)
    be = m.months_to_break_even(long_run["net_cash_flow"])
    assert f"**{be:.1f}**" in doc
    burn = m.cash_burn(p, 150_000, wc.total, 0.08, be)
    assert f'"{burn.recommendation}"' in doc and burn.status in doc
    assert f"bottoms out in month {burn.lowest_month}" in doc
    assert int(np.argmax(p["accrual_profit"].to_numpy() > 0)) + 1 == 10 and "positive only in month 10" in doc
