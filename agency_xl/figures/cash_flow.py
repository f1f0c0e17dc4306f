"""The Cash Flow figures of one refresh: the model's inputs (commission baseline, lag, reversals and
chargeback delay from the commission statements, growth from the growth & retention report, the
cost to win a household from the lead log; each else its Settings fallback, said so), the 12-month
projection of accrual profit against cash flow, break-even, the working-capital need, the cash-burn
alert, the commission-lag histogram and the chargeback rate. The sheet, `agency-xl metrics` and
AMS_METRIC read them. Formulas: ``agency_xl.models.cash_flow`` and docs/models/cash_flow.md."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.cash_flow import CashFlowSettings
from agency_xl.figures.common import Common, common_figures
from agency_xl.figures.sources import Source, measured_or_setting, setting_source, weakest
from agency_xl.figures.values import clean
from agency_xl.models import cash_flow as m
from agency_xl.models import leads as lead_model
from agency_xl.models.periods import Window, last_complete_month, window

NEEDS = ("commissions",)
MEASURED_INPUTS = ("monthly_commission", "new_business_share", "lag_days", "reversal_share",
                   "chargeback_delay_days")
# Each input's Settings fallback (growth: the rate typed on Settings, blank by default).
FALLBACK_SETTINGS = {"monthly_commission": "fallback_monthly_commission",
                     "new_business_share": "fallback_new_business_share", "lag_days": "fallback_lag_days",
                     "reversal_share": "fallback_reversal_share",
                     "chargeback_delay_days": "fallback_chargeback_delay_days",
                     "cost_per_household": "fallback_cost_per_new_household", "growth_rate": "monthly_growth_rate"}
PROJECTION_MONTHS = 12
BREAK_EVEN_HORIZON = 60  # months the projection is extended to find break-even

# The plan's working-capital example (REFERENCE_POINTS.md, "Working capital"): its inputs.
PLAN_EXPENSES, PLAN_GROWTH, PLAN_LAG, PLAN_MONTHS, PLAN_COMMISSION = 42_000.0, 0.08, 48.0, 3.0, 21_000.0


@dataclass(frozen=True)
class CashFlowInputs:
    """The model's inputs with where each came from."""

    monthly_commission: float  # $ earned per statement month, before reversals
    new_business_share: float  # New Business rows' share of it, a decimal
    lag_days: float  # days from the effective date to the statement, per commission dollar
    chargeback_rate: float  # new-business commission reversed within 12 months (matched to a sale)
    chargeback_delay_days: float  # days from the sale to the chargeback's statement, per dollar
    commission_note: str
    lag_note: str
    chargeback_note: str
    delay_note: str
    share_note: str
    fallbacks: tuple[str, ...]  # the inputs that fell back to their Setting
    reversal_share: float = math.nan  # every Cancellation/Chargeback row, as a share of commission $
    reversal_note: str = ""
    growth_rate: float = 0.0  # per month, a decimal
    growth_note: str = ""
    households: float = 0.0  # households in force
    cost_per_household: float = 0.0  # $ to win one
    cost_note: str = ""


@dataclass(frozen=True)
class CashFlowFigures:
    as_of: dt.date
    window: Window  # the commission statements' 12 complete months
    missing: tuple[str, ...]  # titles of the reports the sheet needs and the folder lacks
    settings: CashFlowSettings
    inputs: CashFlowInputs
    # The projection: PROJECTION_MONTHS rows of PROJECTION_COLUMNS ($ a month; "month" 1, 2 ...),
    # and the calendar months they are (from the month after the last complete one).
    projection: pd.DataFrame
    months: tuple[pd.Period, ...]
    accrual_profit_next_month: float  # $
    net_cash_flow_next_month: float  # $
    cash_vs_accrual_level: str  # OK | WATCH | ALERT, of the next month
    accrual_profit_12m: float  # $ over the projection
    net_cash_flow_12m: float  # $ over the projection
    accrual_cash_gap_12m: float  # $ accrual - cash: commission in transit and chargeback timing
    months_to_break_even: float | None  # None: not within BREAK_EVEN_HORIZON months
    working_capital: m.WorkingCapital  # the need on these inputs
    burn: m.CashBurn
    cash_runway_months: float  # cash on hand / monthly expenses (Settings); inf without expenses
    plan_example: m.WorkingCapital  # this model on the plan's inputs (PLAN_*)
    # From the commission statements; None without them.
    lag: m.LagSummary | None = None
    histogram: pd.DataFrame | None = None  # lag_histogram with cumulative_share
    chargebacks: m.ChargebackMeasure | None = None
    charged_back_share: float | None = None  # sales charged back / sales measured (None: no sale)

    def input_source(self, name: str) -> Source:
        """Where the input ``name`` (a CashFlowInputs field, or a CashFlowSettings one such as
        monthly_expenses) came from: measured, else its Settings fallback's default or the owner's."""
        if name in type(self.settings).model_fields:
            return setting_source(self.settings, name)
        setting = FALLBACK_SETTINGS.get(name)
        return measured_or_setting(name not in self.inputs.fallbacks, self.settings, setting) if setting \
            else Source.MEASURED

    def projection_source(self) -> Source:
        """Where the projection's inputs came from (expenses, cash, every fallback): the weakest."""
        names = ("monthly_expenses", "cash_on_hand", *FALLBACK_SETTINGS)
        return weakest(*(self.input_source(n) for n in names))

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "cash_flow"."""
        meas, wc, burn, be = self.inputs, self.working_capital, self.burn, self.months_to_break_even
        out = {
            "inputs_measured": not meas.fallbacks,
            "fallbacks_used": list(meas.fallbacks),
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
            "accrual_profit_next_month": round(self.accrual_profit_next_month, 2),
            "net_cash_flow_next_month": round(self.net_cash_flow_next_month, 2),
            "cash_vs_accrual_level": self.cash_vs_accrual_level,
            "accrual_profit_12m": round(self.accrual_profit_12m, 2),
            "net_cash_flow_12m": round(self.net_cash_flow_12m, 2),
            "cash_position_month_12": round(float(self.projection["cash_position"].iloc[-1]), 2),
            "months_to_break_even": round(be, 1) if be is not None else None,
            "cash_burn_status": burn.status,
            "monthly_burn": round(burn.monthly_burn, 2),
            "runs_out_month": burn.runs_out_month,
            "recommendation": burn.recommendation,
        }
        lag = self.lag
        if lag is not None and lag.rows:
            out["commission_lag"] = {
                "rows": lag.rows, "mean_days": round(lag.mean_days, 1),
                "median_days": round(lag.median_days, 1), "p90_days": round(lag.p90_days, 1),
                "histogram": {r.bucket: int(r.rows) for r in self.histogram.itertuples()},
            }
        return out


def _growth(data: AmsData, settings: Assumptions, common: Common) -> tuple[float, str, bool]:
    """The monthly growth the projection assumes: the Setting when the owner typed one, else the
    policy growth measured on the growth & retention report (12 complete months, per month)."""
    s = settings.cash_flow
    if s.monthly_growth_rate is not None:
        return float(s.monthly_growth_rate), "Settings", True
    if common.policy_growth is not None:
        annual, n = common.policy_growth
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


def measure(data: AmsData, settings: Assumptions, common: Common) -> tuple[CashFlowInputs, dict[str, Any]]:
    """Lag, reversals and commission baseline from the statements, growth from the growth report,
    the cost of a new household from the lead log, each falling back to its Setting when the
    export is missing (or holds nothing to measure it from). Also returns what the statements
    measured: lag (summary), histogram, chargebacks, each None without them."""
    s = settings.cash_flow
    c = data.commissions
    parts: dict[str, Any] = {"lag": None, "histogram": None, "chargebacks": None}
    growth, growth_note, growth_ok = _growth(data, settings, common)
    cost, cost_note, cost_ok = _cost_per_household(data, settings)
    households = float(common.households_in_force) if data.policies is not None else 0.0
    extra = dict(growth_rate=growth, growth_note=growth_note, households=households,
                 cost_per_household=cost, cost_note=cost_note)
    extra_fallbacks = ([] if growth_ok else ["growth_rate"]) + ([] if cost_ok else ["cost_per_household"])
    fallback = "Settings fallback: no Commission statement export"
    if c is None:
        return CashFlowInputs(
            monthly_commission=s.fallback_monthly_commission, new_business_share=s.fallback_new_business_share,
            lag_days=s.fallback_lag_days, chargeback_rate=math.nan,
            chargeback_delay_days=s.fallback_chargeback_delay_days, commission_note=fallback, lag_note=fallback,
            chargeback_note=fallback, delay_note=fallback, share_note=fallback,
            fallbacks=(*MEASURED_INPUTS, *extra_fallbacks), reversal_share=s.fallback_reversal_share,
            reversal_note="Settings fallback: no Commission statement export (a share of commission dollars)",
            **extra), parts
    through = data.window_end("commissions")
    statements = m.Statements.of(c)  # parsed once for the lag, the chargebacks and the baseline
    lag_days, lag_commission = statements.lags()
    lag = m.lag_summary(lag_days, lag_commission)
    cb = statements.chargebacks(window(through).last.date())  # sales matured by the window's end
    base = statements.baseline(through)
    histogram = m.lag_histogram(lag_days, lag_commission)
    parts.update(lag=lag, chargebacks=cb, histogram=histogram.assign(cumulative_share=histogram["share"].cumsum()))

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
    return CashFlowInputs(
        monthly_commission=commission, new_business_share=share, lag_days=lag_days, chargeback_rate=rate,
        chargeback_delay_days=delay, commission_note=c_note, lag_note=l_note, chargeback_note=r_note,
        delay_note=d_note, share_note=s_note, fallbacks=tuple(fallbacks), reversal_share=reversal,
        reversal_note=v_note, **extra), parts


def projection_months(as_of: dt.date, n: int) -> tuple[pd.Period, ...]:
    """The ``n`` calendar months after the last complete month of the data date (the boundary of
    every window): the projection's months."""
    return tuple(pd.period_range(last_complete_month(as_of) + 1, periods=n, freq="M"))


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> CashFlowFigures:
    common = common if common is not None else common_figures(data, settings)
    s = settings.cash_flow
    meas, parts = measure(data, settings, common)

    # The projection, and a longer one to find break-even. The provision is the measured reversals
    # of every kind as a share of all commission (new-business share 1: it applies to all of it).
    g = meas.growth_rate
    args = (meas.monthly_commission, s.monthly_expenses, g, meas.lag_days,
            meas.reversal_share, s.cash_on_hand, 1.0, meas.chargeback_delay_days)
    proj = m.cash_flow_projection(*args, months=PROJECTION_MONTHS)
    long_run = m.cash_flow_projection(*args, months=BREAK_EVEN_HORIZON)
    break_even = m.months_to_break_even(long_run["net_cash_flow"])
    wc = m.working_capital_need(s.monthly_expenses, g, meas.lag_days, s.buffer_months,
                                meas.monthly_commission, meas.households, meas.cost_per_household)
    first = proj.iloc[0]
    accrual_12, cash_12 = float(proj["accrual_profit"].sum()), float(proj["net_cash_flow"].sum())
    cb = parts["chargebacks"]
    return CashFlowFigures(
        as_of=data.as_of, window=window(data.window_end(*NEEDS)), missing=tuple(data.missing(*NEEDS)),
        settings=s, inputs=meas, projection=proj, months=projection_months(data.as_of, PROJECTION_MONTHS),
        accrual_profit_next_month=float(first["accrual_profit"]),
        net_cash_flow_next_month=float(first["net_cash_flow"]),
        cash_vs_accrual_level=m.cash_vs_accrual_level(first["accrual_profit"], first["net_cash_flow"]),
        accrual_profit_12m=accrual_12, net_cash_flow_12m=cash_12, accrual_cash_gap_12m=accrual_12 - cash_12,
        months_to_break_even=break_even if np.isfinite(break_even) else None,
        working_capital=wc, burn=m.cash_burn(proj, s.cash_on_hand, wc.total, g, break_even),
        cash_runway_months=m.runway_months(s.cash_on_hand, s.monthly_expenses),
        plan_example=m.working_capital_need(PLAN_EXPENSES, PLAN_GROWTH, PLAN_LAG, PLAN_MONTHS, PLAN_COMMISSION),
        lag=parts["lag"], histogram=parts["histogram"], chargebacks=cb,
        charged_back_share=cb.policies_charged_back / cb.policies if cb is not None and cb.policies > 0 else None,
    )
