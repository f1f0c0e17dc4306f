"""The Cash Flow sheet: cash vs accrual card, cash-burn alert, the inputs used (measured or Settings
fallback), a working-capital calculator with live formulas, the 12-month projection with its chart,
the commission-lag histogram and the chargeback rate."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards.common import (
    clean,
    data_note,
    kpi_block,
    missing_note,
    rows_of,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    NUMBER1,
    PCT,
    PCT2,
    Block,
    Chart,
    Formula,
    Input,
    Label,
    Series,
    Sheet,
)
from agency_xl.functions import CATALOG  # the cached results are what Excel will show
from agency_xl.models import cash_flow as m
from agency_xl.models import households as hh
from agency_xl.models import leads as lead_model
from agency_xl.models import rate_environment as rate_model
from agency_xl.models.periods import last_complete_month, window

NEEDS = ("commissions",)
MEASURED_INPUTS = ("monthly_commission", "new_business_share", "lag_days", "reversal_share",
                   "chargeback_delay_days")
BREAK_EVEN_HORIZON = 60  # months the projection is extended to find break-even
BLUE, LIGHT_BLUE, GREEN, RED, GREY = "#1565C0", "#90CAF9", "#2E7D32", "#C62828", "#9E9E9E"

# The plan's working-capital example (REFERENCE_POINTS.md, "Working capital").
PLAN_EXPENSES, PLAN_GROWTH, PLAN_LAG, PLAN_MONTHS, PLAN_COMMISSION = 42_000.0, 0.08, 48.0, 3.0, 21_000.0
PLAN_RESULT = [126_000.0, 33_600.0, 33_600.0, 193_200.0, 4.6]

# Calculator cells (input rows 43-50, the live results below and beside them).
CALC_INPUTS = ("B43", "B44", "B45", "B46", "B47", "B48", "B49", "B50")


@dataclass
class Measured:
    """The model's inputs with where each came from."""

    monthly_commission: float
    new_business_share: float
    lag_days: float
    chargeback_rate: float  # new-business commission reversed within 12 months (matched to a sale)
    chargeback_delay_days: float
    commission_note: str
    lag_note: str
    chargeback_note: str
    delay_note: str
    share_note: str
    fallbacks: list[str]  # the inputs that fell back to their Setting
    reversal_share: float = math.nan  # every Cancellation/Chargeback row, as a share of commission $
    reversal_note: str = ""
    growth_rate: float = 0.0  # per month
    growth_note: str = ""
    households: float = 0.0
    cost_per_household: float = 0.0
    cost_note: str = ""


def _growth(data: AmsData, settings: Assumptions) -> tuple[float, str, bool]:
    """The monthly growth the projection assumes: the Setting when the owner typed one, else the
    policy growth measured on the growth & retention report (12 complete months, per month)."""
    s = settings.cash_flow
    if s.monthly_growth_rate is not None:
        return float(s.monthly_growth_rate), "Settings", True
    if data.growth is not None:
        annual, n = rate_model.measured_policy_growth(data.growth, 12, data.window_end("growth"))
        monthly = m.monthly_growth(annual)
        if math.isfinite(monthly):
            return monthly, (f"Measured: policies in force grew {annual:.1%} a year over {n} months "
                             "(growth & retention report), per month"), True
    return 0.0, "No growth assumed: add the growth & retention export, or type a rate on Settings", False


def _cost_per_household(data: AmsData, settings: Assumptions) -> tuple[float, str, bool]:
    """Up-front cost to win a household: lead spend / leads sold over the lead log's window, else
    the Setting."""
    s = settings.cash_flow
    if data.leads is not None:
        recent = lead_model.in_window(data.leads, data.window_end("leads"), settings.leads.window_months)
        spend = float(pd.to_numeric(recent["cost"], errors="coerce").fillna(0.0).sum())
        sold = int((recent["status"] == lead_model.SOLD).sum())
        if sold and spend > 0:
            return spend / sold, f"Measured: lead spend / leads sold ({sold} sold, lead log)", True
    return s.fallback_cost_per_new_household, "Settings fallback (the lead log cannot measure it)", False


def measure(data: AmsData, settings: Assumptions) -> tuple[Measured, dict]:
    """Lag, reversals and commission baseline from the statements, growth from the growth report,
    the cost of a new household from the lead log, each falling back to its Setting when the
    export is missing (or holds nothing to measure it from)."""
    s = settings.cash_flow
    c = data.commissions
    parts: dict = {"lags": None, "lag": None, "histogram": None, "chargebacks": None, "baseline": None}
    growth, growth_note, growth_ok = _growth(data, settings)
    cost, cost_note, cost_ok = _cost_per_household(data, settings)
    households = (float(hh.in_force(data.policies).groupby(data.policies["household_id"]).any().sum())
                  if data.policies is not None else 0.0)
    extra = dict(growth_rate=growth, growth_note=growth_note, households=households,
                 cost_per_household=cost, cost_note=cost_note)
    extra_fallbacks = ([] if growth_ok else ["growth_rate"]) + ([] if cost_ok else ["cost_per_household"])
    fallback = "Settings fallback: no Commission statement export"
    if c is None:
        return Measured(s.fallback_monthly_commission, s.fallback_new_business_share,
                        s.fallback_lag_days, math.nan, s.fallback_chargeback_delay_days, fallback,
                        fallback, fallback, fallback, fallback,
                        list(MEASURED_INPUTS) + extra_fallbacks, s.fallback_reversal_share,
                        "Settings fallback: no Commission statement export (a share of commission dollars)",
                        **extra), parts
    through = data.window_end("commissions")
    lags = m.commission_lags(c)
    lag = m.lag_summary(lags["lag_days"], lags["commission_amount"])
    cb = m.chargeback_rate(c, window(through).last.date())  # sales matured by the window's end
    base = m.commission_baseline(c, through)
    parts.update(lags=lags, lag=lag, chargebacks=cb, baseline=base,
                 histogram=m.lag_histogram(lags["lag_days"], lags["commission_amount"]))

    fallbacks: list[str] = list(extra_fallbacks)

    def pick(value: float, fb: float, note: str, what: str, name: str) -> tuple[float, str]:
        if value is not None and np.isfinite(value):
            return float(value), note
        fallbacks.append(name)
        return fb, f"Settings fallback: no {what} in the commission statements"

    span = f"{base.first:%b %Y} - {base.last:%b %Y}" if base.first else ""
    commission, c_note = pick(
        base.monthly_commission, s.fallback_monthly_commission,
        f"Measured: {base.months} statement months ({span}), before reversals",
        "statement in the last 12 complete months", "monthly_commission")
    share, s_note = pick(base.new_business_share, s.fallback_new_business_share,
                         "Measured: New Business rows' share of that commission",
                         "New Business commission", "new_business_share")
    lag_days, l_note = pick(lag.lag_days, s.fallback_lag_days,
                            f"Measured: {lag.rows:,} New Business/Renewal rows, per commission dollar",
                            "New Business or Renewal row", "lag_days")
    reversal, v_note = pick(base.reversal_share, s.fallback_reversal_share,
                            f"Measured: every cancellation and chargeback, ${base.monthly_reversals:,.0f} a "
                            "month, as a share of commission" if np.isfinite(base.monthly_reversals) else "",
                            "commission", "reversal_share")
    rate = cb.rate
    r_note = (f"Measured: {cb.policies:,} sales, reversed within 12 months"
              + ("" if cb.mature else " (recent sales only: understated)")) if np.isfinite(rate) else \
        "No New Business row to match reversals to"
    delay, d_note = pick(cb.delay_days, s.fallback_chargeback_delay_days,
                         "Measured: sale to chargeback statement, per dollar", "matched chargeback",
                         "chargeback_delay_days")
    return Measured(commission, share, lag_days, rate, delay, c_note, l_note, r_note, d_note, s_note,
                    fallbacks, reversal, v_note, **extra), parts


def projection_months(data: AmsData, n: int) -> list[str]:
    """Labels ("Nov 2025") of the ``n`` months after the last complete month of the data date
    (the boundary of every window); text, so the chart's category axis reads as months."""
    first = last_complete_month(data.as_of) + 1
    return [f"{p:%b %Y}" for p in pd.period_range(first, periods=n, freq="M")]


def build(data: AmsData, settings: Assumptions) -> Sheet:
    s = settings.cash_flow
    sheet = Sheet("cash_flow", "Cash Flow", "Cash Flow", tab_color=BLUE)
    sheet.labels = [
        Label("A1", "Cash flow: commission lag, working capital and the 12-month projection", "title"),
        Label("A3", "The P&L books commission when a policy is written; the carrier pays it on a later "
                    "statement and takes back early cancellations. Lag, chargebacks and commission are "
                    "measured from the statements; expenses, cash and growth are Settings.", "note"),
        Label("A5", "Cash vs accrual (the projection's next month and next 12 months)", "heading"),
        Label("A14", "Cash-burn alert", "heading"),
        Label("A27", "Inputs used (measured from the commission statements, else a Settings fallback)",
              "heading"),
    ]
    missing = missing_note(data, *NEEDS)
    sheet.blocks.append(status_block("A2", missing or data_note(data, window(data.window_end(*NEEDS)))))
    meas, parts = measure(data, settings)

    # The projection, and a longer one to find break-even. The provision is the measured reversals
    # of every kind as a share of all commission (new-business share 1: it applies to all of it).
    g = meas.growth_rate
    args = (meas.monthly_commission, s.monthly_expenses, g, meas.lag_days,
            meas.reversal_share, s.cash_on_hand, 1.0, meas.chargeback_delay_days)
    proj = m.cash_flow_projection(*args, months=12)
    long_run = m.cash_flow_projection(*args, months=BREAK_EVEN_HORIZON)
    break_even = m.months_to_break_even(long_run["net_cash_flow"])
    wc = m.working_capital_need(s.monthly_expenses, g, meas.lag_days, s.buffer_months,
                                meas.monthly_commission, meas.households, meas.cost_per_household)
    burn = m.cash_burn(proj, s.cash_on_hand, wc.total, g, break_even)
    months = projection_months(data, 12)

    # Cash vs accrual card
    first = proj.iloc[0]
    level = m.cash_vs_accrual_level(first["accrual_profit"], first["net_cash_flow"])
    meaning = {m.ALERT: "Burning cash, whatever the P&L says", m.WATCH: "Cash flow trails the P&L",
               m.OK: "Cash keeps up with the P&L"}[level]
    accrual_12, cash_12 = float(proj["accrual_profit"].sum()), float(proj["net_cash_flow"].sum())
    sheet.blocks.append(kpi_block("cash_vs_accrual", "A6", [
        ("Accrual profit, next month", first["accrual_profit"], MONEY,
         "Commission earned - provision for reversals - expenses"),
        ("Net cash flow, next month", first["net_cash_flow"], MONEY,
         "Commission received - reversals paid - expenses"),
        ("Warning level", level, "@", meaning),
        ("Accrual profit, next 12 months", accrual_12, MONEY, "What the P&L will show"),
        ("Net cash flow, next 12 months", cash_12, MONEY, "What the bank account will show"),
        ("Gap (accrual - cash), 12 months", accrual_12 - cash_12, MONEY,
         "Commission still in transit, and chargeback timing"),
    ]))
    sheet.block("cash_vs_accrual").status_column = 1

    # Cash-burn alert: the recommendation sentence on its own line, then the figures.
    sheet.blocks.append(Block("recommendation", "A15", ["Recommendation"], [[burn.recommendation]],
                              header=False, formats=["@"]))
    reason = (f"Projected cash goes below $0 in month {burn.runs_out_month}" if burn.status == m.ALERT
              else "Cash on hand is below the working-capital need" if burn.status == m.WATCH
              else "Cash on hand covers the working-capital need")
    be_value = break_even if np.isfinite(break_even) else None
    be_note = ("Cumulative cash flow back to $0" if be_value is not None
               else f"Not within {BREAK_EVEN_HORIZON} months at this growth")
    burn_card = kpi_block("cash_burn", "A16", [
        ("Cash-burn status", burn.status, "@", reason),
        ("Cash on hand", burn.cash_on_hand, MONEY, "Settings"),
        ("Monthly burn rate", burn.monthly_burn, MONEY, "Average outflow of the months losing cash"),
        ("Runway at that burn (months)", burn.runway_months if math.isfinite(burn.runway_months)
         else None, NUMBER1, "Cash on hand / monthly burn" if burn.monthly_burn else "No burn"),
        ("Lowest projected cash", burn.lowest_cash, MONEY,
         f"Month {burn.lowest_month} ({months[burn.lowest_month - 1]})"),
        ("Months to break-even", be_value, NUMBER1, be_note),
        ("Working-capital need", wc.total, MONEY, "Base + growth + lag buffers (calculator below)"),
        ("Shortfall vs cash on hand", burn.shortfall, MONEY, "Need - cash on hand, at least $0"),
    ])
    burn_card.status_column = 1
    sheet.blocks.append(burn_card)

    # Inputs used
    sheet.blocks.append(kpi_block("inputs", "A28", [
        ("Monthly commission (baseline)", meas.monthly_commission, MONEY, meas.commission_note),
        ("New business share", meas.new_business_share, PCT, meas.share_note),
        ("Commission lag (days)", meas.lag_days, NUMBER1, meas.lag_note),
        ("Reversals (share of commission)", meas.reversal_share, PCT2, meas.reversal_note),
        ("Chargeback delay (days)", meas.chargeback_delay_days, NUMBER1, meas.delay_note),
        ("Monthly expenses", s.monthly_expenses, MONEY, "Settings"),
        ("Monthly growth rate", meas.growth_rate, PCT2, meas.growth_note),
        ("Cost to win a household", meas.cost_per_household, MONEY, meas.cost_note),
        ("Households in force", meas.households, COUNT, "Book of business (status In Force)"),
        ("Buffer months", s.buffer_months, NUMBER1, "Settings"),
    ]))

    _calculator(sheet, meas, settings, wc)
    _projection(sheet, proj, months)
    _lag_section(sheet, parts)
    _chargeback_section(sheet, parts)
    sheet.column_widths = {0: 32, 1: 18, 2: 20, 3: 13, 4: 15, 5: 20, 6: 17, 7: 15, 8: 20, 9: 14}

    sheet.kpis = {
        "inputs_measured": not meas.fallbacks,
        "fallbacks_used": meas.fallbacks,
        "monthly_commission": round(meas.monthly_commission, 2),
        "new_business_share": clean(meas.new_business_share),
        "commission_lag_days": round(meas.lag_days, 1),
        "chargeback_rate": clean(meas.chargeback_rate),
        "reversal_share": clean(meas.reversal_share),
        "chargeback_delay_days": round(meas.chargeback_delay_days, 1),
        "monthly_growth_rate": clean(meas.growth_rate),
        "monthly_growth_source": meas.growth_note,
        "cost_per_new_household": clean(meas.cost_per_household),
        "working_capital": {
            "base_buffer": round(wc.base_buffer, 2), "growth_buffer": round(wc.growth_buffer, 2),
            "new_business_cost": round(float(wc.new_business_cost), 2),
            "lag_buffer": round(wc.lag_buffer, 2), "total": round(wc.total, 2),
            "months_of_runway": round(wc.months_of_runway, 2),
        },
        "accrual_profit_next_month": round(float(first["accrual_profit"]), 2),
        "net_cash_flow_next_month": round(float(first["net_cash_flow"]), 2),
        "cash_vs_accrual_level": level,
        "accrual_profit_12m": round(accrual_12, 2),
        "net_cash_flow_12m": round(cash_12, 2),
        "cash_position_month_12": round(float(proj["cash_position"].iloc[-1]), 2),
        "months_to_break_even": round(be_value, 1) if be_value is not None else None,
        "cash_burn_status": burn.status,
        "monthly_burn": round(burn.monthly_burn, 2),
        "runs_out_month": burn.runs_out_month,
        "recommendation": burn.recommendation,
    }
    lag = parts["lag"]
    if lag is not None and lag.rows:
        sheet.kpis["commission_lag"] = {
            "rows": lag.rows, "mean_days": round(lag.mean_days, 1),
            "median_days": round(lag.median_days, 1), "p90_days": round(lag.p90_days, 1),
            "histogram": {r.bucket: int(r.rows) for r in parts["histogram"].itertuples()},
        }
    return sheet


def _calculator(sheet: Sheet, meas: Measured, settings: Assumptions, wc: m.WorkingCapital) -> None:
    """Input cells and live formulas (WC_NEED, WC_BREAKDOWN, RUNWAY_MONTHS) with Python's values."""
    s = settings.cash_flow
    sheet.labels += [
        Label("A40", "Working-capital calculator", "heading"),
        Label("A41", "Type in the yellow cells: the results are live formulas (Import Functions once, "
                     "Home sheet). The plan's example and this model on the plan's inputs are beside them.",
              "note"),
        Label("A42", "Your inputs", "heading"),
    ]
    # Unrounded, so the live total equals the alert's working-capital need to the dollar.
    values = [s.monthly_expenses, meas.growth_rate, meas.lag_days, s.buffer_months,
              meas.monthly_commission, meas.households, meas.cost_per_household, s.cash_on_hand]
    names = ["Monthly expenses ($)", "Monthly growth rate", "Commission lag (days)", "Buffer months",
             "Monthly commission ($)", "Households in force", "Cost to win a household ($)",
             "Cash on hand ($)"]
    formats = [MONEY, PCT2, NUMBER1, NUMBER1, MONEY, COUNT, MONEY, MONEY]
    for cell, name, value, fmt in zip(CALC_INPUTS, names, values, formats):
        row = cell[1:]
        sheet.labels.append(Label(f"A{row}", name))
        sheet.inputs.append(Input(cell, value, fmt))
    exp, g, lag, months, comm, homes, cost, cash = CALC_INPUTS
    refs = f"{exp},{g},{lag},{months},{comm},{homes},{cost}"
    live = m.working_capital_need(*values[:7])
    sheet.labels += [Label("A52", "Working-capital need (live)", "heading"),
                     Label("A53", "Months your cash on hand covers")]
    sheet.formulas.append(Formula("B52", f"=WC_NEED({refs})", live.total, MONEY))
    runway = m.runway_months(values[7], values[0])
    runway = runway if math.isfinite(runway) else None  # no expenses: the cash never runs out
    sheet.formulas.append(Formula("B53", f"=RUNWAY_MONTHS({cash},{exp})", runway, NUMBER1))
    breakdown = CATALOG["WC_BREAKDOWN"].call(*values[:7])  # as Excel shows it: an error as text
    if not isinstance(breakdown, list):
        breakdown = [[breakdown, None]] + [[None, None] for _ in range(5)]
    sheet.formulas.append(Formula(
        "D42", f"=WC_BREAKDOWN({refs})", breakdown[0][0], spill=(len(breakdown), 2), values=breakdown,
        row_formats=[None, MONEY, MONEY, MONEY, MONEY, NUMBER1], header=True,
    ))
    ours = m.working_capital_need(PLAN_EXPENSES, PLAN_GROWTH, PLAN_LAG, PLAN_MONTHS, PLAN_COMMISSION)
    # Beside the breakdown's rows: the plan's figures and ours for the plan's inputs (dollars, then
    # the runway in months as its own block so it gets its own number format).
    mine = [ours.base_buffer, ours.growth_buffer, ours.lag_buffer, ours.total]
    sheet.blocks.append(Block(
        "plan_example", "F42", ["Plan's example", "Ours, same inputs"],
        [[p, o] for p, o in zip(PLAN_RESULT[:4], mine)], formats=[MONEY, MONEY],
    ))
    sheet.blocks.append(Block(
        "plan_runway", "F47", ["Plan's example", "Ours, same inputs"],
        [[PLAN_RESULT[4], ours.months_of_runway]], formats=[NUMBER1, NUMBER1], header=False,
    ))
    sheet.labels.append(Label(
        "F48", "Plan: $42,000 expenses, 8% growth a month (its example, not a default), 48 days, 3 months, "
               "$21,000 commission. Base buffer and runway rule match; the growth buffer formula differs "
               "(see docs).", "note"))


def _projection(sheet: Sheet, proj: pd.DataFrame, months: list) -> None:
    sheet.labels.append(Label("A55", "12-month projection: accrual profit vs cash flow", "heading"))
    table = proj.copy()
    table["month"] = months
    cols = ["month", "commission_earned", "chargeback_provision", "expenses", "accrual_profit",
            "commission_received", "chargebacks_paid", "net_cash_flow", "cumulative_cash_flow",
            "cash_position"]
    sheet.blocks.append(Block(
        "projection", "A56",
        ["Month", "Commission earned", "Provision for reversals", "Expenses", "Accrual profit",
         "Commission received", "Reversals paid", "Net cash flow", "Cumulative cash flow",
         "Cash position"],
        rows_of(table, cols), n_rows=12,
        formats=["@"] + [MONEY] * 9,
    ))
    sheet.charts.append(Chart(
        "column", "Accrual profit vs cash flow, next 12 months", "H5",
        [Series("Accrual profit", "projection", 4, color=LIGHT_BLUE),
         Series("Net cash flow", "projection", 7, color=BLUE),
         Series("Cumulative cash flow", "projection", 8, kind="line", color=RED),
         Series("Cash position", "projection", 9, kind="line", color=GREEN)],
        width=720, height=420, y_format='"$"#,##0',
    ))


def _lag_section(sheet: Sheet, parts: dict) -> None:
    sheet.labels.append(Label("A71", "Commission lag: statement date - transaction effective date "
                                     "(New Business and Renewal rows)", "heading"))
    hist = parts["histogram"]
    rows = []
    if hist is not None:
        cum = hist["share"].cumsum()
        rows = [[r.bucket, int(r.rows), clean(r.share), clean(r.commission), clean(c)]
                for r, c in zip(hist.itertuples(), cum)]
    sheet.blocks.append(Block(
        "lag_histogram", "A72", ["Lag", "Rows", "Share of rows", "Commission", "Cumulative share"],
        rows, n_rows=len(m.LAG_BUCKETS), formats=["@", COUNT, PCT, MONEY, PCT],
    ))
    sheet.charts.append(Chart(
        "column", "Commission lag: rows per bucket", "G71",
        [Series("Rows", "lag_histogram", 1, color=BLUE)],
        width=520, height=280, legend=None, x_title="Days from effective date to statement",
    ))
    lag = parts["lag"]
    have = lag is not None and lag.rows > 0
    sheet.blocks.append(kpi_block("lag_summary", "A83", [
        ("Rows measured", lag.rows if have else None, COUNT, "New Business and Renewal rows"),
        ("Average lag per commission dollar", lag.lag_days if have else None, NUMBER1,
         "Days; used for cash timing and the lag buffer"),
        ("Average lag per row", lag.mean_days if have else None, NUMBER1, "Days"),
        ("Median lag", lag.median_days if have else None, NUMBER1, "Days"),
        ("90th percentile", lag.p90_days if have else None, NUMBER1, "Days: 9 in 10 rows are paid by then"),
        ("Paid after 60 days", lag.share_over_60 if have else None, PCT, "Share of rows"),
    ]))


def _chargeback_section(sheet: Sheet, parts: dict) -> None:
    sheet.labels.append(Label("A91", "Chargebacks: new-business commission reversed within 12 months",
                              "heading"))
    cb = parts["chargebacks"]
    have = cb is not None and cb.policies > 0
    sheet.blocks.append(kpi_block("chargebacks", "A92", [
        ("Chargeback rate", cb.rate if have else None, PCT, "Reversed / new-business commission"),
        ("New-business commission measured", cb.new_business_commission if have else None, MONEY,
         ("Sales whose 12 months have ended" if cb.mature else "All sales (none has had 12 months)")
         if have else ""),
        ("Reversed within 12 months", cb.reversed if have else None, MONEY,
         "Cancellation and Chargeback rows, matched by policy number"),
        ("Sales measured", cb.policies if have else None, COUNT, "Policies with New Business rows"),
        ("Sales charged back", cb.policies_charged_back if have else None, COUNT,
         f"{cb.policies_charged_back / cb.policies:.1%} of the sales measured" if have else ""),
        ("Chargeback delay (days)", cb.delay_days if have else None, NUMBER1,
         "Sale to the chargeback's statement, per dollar"),
    ]))
