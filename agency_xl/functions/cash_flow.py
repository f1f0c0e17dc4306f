"""Worksheet functions of the cash flow model: working capital, the 12-month projection, runway and
the commission-lag histogram."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from agency_xl.functions.catalog import ArgError, number, numbers, worksheet_function
from agency_xl.models import cash_flow as m

CATEGORY = "Agency - Cash Flow"
MAX_MONEY = 1e10

_WC_ARGS = {
    "monthly_expenses": "Operating expenses per month in $, e.g. 42000.",
    "growth_rate": "Growth of commission per month as a decimal, e.g. 0.005 (8% a month is 152% a year).",
    "lag_days": "Days from a policy's effective date to the statement that pays it, e.g. 48.",
    "buffer_months": "Optional. Months of expenses to hold as the base buffer. Default 3.",
    "monthly_commission": "Optional. Commission earned per month in $. Default: the monthly expenses.",
    "households": "Optional. Households in force, for the cost of the new ones growth assumes. Default 0.",
    "cost_per_household": "Optional. Up-front cost to win one new household in $ (leads, marketing). "
                          "Default 0.",
}


def _wc_inputs(monthly_expenses: Any, growth_rate: Any, lag_days: Any, buffer_months: Any,
               monthly_commission: Any, households: Any = None, cost_per_household: Any = None) -> m.WorkingCapital:
    expenses = number(monthly_expenses, "monthly_expenses", 0, MAX_MONEY)
    growth = number(growth_rate, "growth_rate", -0.5, 1)
    lag = number(lag_days, "lag_days", 0, 730)
    months = number(buffer_months, "buffer_months", 0, 36, default=3.0)
    commission = number(monthly_commission, "monthly_commission", 0, MAX_MONEY, default=expenses)
    homes = number(households, "households", 0, 1e8, default=0.0)
    cost = number(cost_per_household, "cost_per_household", 0, 1e7, default=0.0)
    return m.working_capital_need(expenses, growth, lag, months, commission, homes, cost)


@worksheet_function(
    CATEGORY,
    "Working capital to hold in $ = base buffer (expenses x months) + growth buffer (commission in "
    "transit added by growth + the up-front cost of the new households it assumes) + lag buffer "
    "(commission in transit = monthly commission x lag days / 30).",
    _WC_ARGS,
    example="42000, 0.08, 48, 3, 21000",
    unit="$",
)
def WC_NEED(monthly_expenses: Any, growth_rate: Any, lag_days: Any, buffer_months: Any = None,
            monthly_commission: Any = None, households: Any = None, cost_per_household: Any = None) -> float:
    return _wc_inputs(monthly_expenses, growth_rate, lag_days, buffer_months, monthly_commission,
                      households, cost_per_household).total


@worksheet_function(
    CATEGORY,
    "Spills the working-capital need's parts: base, growth and lag buffers, total, and months of "
    "runway (total / monthly expenses).",
    _WC_ARGS,
    example="42000, 0.08, 48, 3, 21000",
    returns="table",
    unit="table",
)
def WC_BREAKDOWN(monthly_expenses: Any, growth_rate: Any, lag_days: Any, buffer_months: Any = None,
                 monthly_commission: Any = None, households: Any = None,
                 cost_per_household: Any = None) -> list[list[Any]]:
    wc = _wc_inputs(monthly_expenses, growth_rate, lag_days, buffer_months, monthly_commission,
                    households, cost_per_household)
    return [
        ["Part", "Amount"],
        ["Base buffer", wc.base_buffer],
        ["Growth buffer", wc.growth_buffer],
        ["Lag buffer", wc.lag_buffer],
        ["Total need", wc.total],
        # With no expenses the cash never runs out: a blank, not infinity.
        ["Months of runway", wc.months_of_runway if math.isfinite(wc.months_of_runway) else None],
    ]


PROJECTION_HEADER = ["Month", "Commission earned", "Chargeback provision", "Expenses",
                     "Accrual profit", "Commission received", "Chargebacks paid", "Net cash flow",
                     "Cumulative cash flow", "Cash position"]


@worksheet_function(
    CATEGORY,
    "Spills 12 months: commission earned, accrual profit, commission received after the lag, net "
    "cash flow, cumulative cash flow and cash position.",
    {
        "monthly_commission": "Commission earned per month today, in $ (e.g. last 12 months / 12).",
        "monthly_expenses": "Operating expenses per month in $.",
        "growth_rate": "Growth of commission per month as a decimal, e.g. 0.08.",
        "lag_days": "Days from a policy's effective date to the statement that pays it, e.g. 48.",
        "chargeback_rate": "Optional. Share of new-business commission charged back. Default 0.",
        "cash_on_hand": "Optional. Cash at the start in $. Default 0.",
        "new_business_share": "Optional. New business's share of commission. Default 1 (all of it).",
        "chargeback_delay_days": "Optional. Days from a sale to its chargeback. Default: lag_days.",
    },
    example="21000, 42000, 0.08, 48, 0.08, 150000, 0.25",
    returns="table",
    unit="table",
)
def CASHFLOW_PROJECTION(monthly_commission: Any, monthly_expenses: Any, growth_rate: Any,
                        lag_days: Any, chargeback_rate: Any = None, cash_on_hand: Any = None,
                        new_business_share: Any = None, chargeback_delay_days: Any = None
                        ) -> list[list[Any]]:
    c = number(monthly_commission, "monthly_commission", 0, MAX_MONEY)
    e = number(monthly_expenses, "monthly_expenses", 0, MAX_MONEY)
    g = number(growth_rate, "growth_rate", -0.5, 1)
    lag = number(lag_days, "lag_days", 0, 730)
    cb = number(chargeback_rate, "chargeback_rate", 0, 1, default=0.0)
    cash = number(cash_on_hand, "cash_on_hand", -MAX_MONEY, MAX_MONEY, default=0.0)
    share = number(new_business_share, "new_business_share", 0, 1, default=1.0)
    delay = number(chargeback_delay_days, "chargeback_delay_days", 0, 730, default=lag)
    p = m.cash_flow_projection(c, e, g, lag, cb, cash, share, delay, 12)
    rows: list[list[Any]] = [list(PROJECTION_HEADER)]
    for r in p.itertuples(index=False):
        rows.append([int(r[0]), *(float(v) for v in r[1:])])
    return rows


@worksheet_function(
    CATEGORY,
    "Months the cash lasts = cash / monthly burn. E.g. a 193,200 need covers 4.6 months of 42,000.",
    {
        "cash": "Cash (or working capital) in $.",
        "monthly_burn": "Net cash going out per month in $; must be more than 0.",
    },
    example="193200, 42000",
    unit="months",
)
def RUNWAY_MONTHS(cash: Any, monthly_burn: Any) -> float:
    c = number(cash, "cash", -MAX_MONEY, MAX_MONEY)
    b = number(monthly_burn, "monthly_burn", 0, MAX_MONEY)
    if b == 0:
        raise ArgError("monthly_burn must be more than 0 (with no burn the cash never runs out)")
    return m.runway_months(c, b)


@worksheet_function(
    CATEGORY,
    "Spills a histogram of commission lags (days) in fixed buckets: rows, share and, optionally, "
    "the commission in each bucket.",
    {
        "lag_days": "Range of lags in days (Statement Date - Transaction Effective Date).",
        "commission": "Optional. Range of commission amounts in $, same rows as lag_days.",
    },
    example="{12;35;48;48;52;70;95}",
    returns="table",
    unit="table",
    kinds={"lag_days": "range", "commission": "range"},
)
def LAG_HISTOGRAM(lag_days: Any, commission: Any = None) -> list[list[Any]]:
    paired = commission is not None
    # with amounts, blanks are refused so each lag keeps its own amount
    lags = numbers(lag_days, "lag_days", -3650, 3650, skip_blank=not paired)
    amounts = None
    if paired:
        amounts = numbers(commission, "commission", -MAX_MONEY, MAX_MONEY, skip_blank=False)
        if len(amounts) != len(lags):
            raise ArgError(f"commission has {len(amounts)} numbers but lag_days has {len(lags)}; "
                           "give one amount per lag")
    h = m.lag_histogram(lags, amounts)
    rows: list[list[Any]] = [["Lag", "Rows", "Share", "Commission"]]
    for r in h.itertuples(index=False):
        rows.append([r.bucket, int(r.rows), float(r.share), float(r.commission)])
    rows.append(["All", int(h["rows"].sum()), float(np.nansum(h["share"])),
                 float(h["commission"].sum())])
    return rows
