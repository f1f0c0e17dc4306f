"""Cash flow, part 2: the working capital the agency should hold: base buffer (expenses), lag buffer
(commission in transit, Little's law), growth buffer (growth paid for before it pays), and the
months of runway that cash gives."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from agency_xl.models.scalars import plain

DAYS_PER_MONTH = 30.0  # the plan's convention: monthly commission x lag days / 30


def _out(x: np.ndarray):  # noqa: ANN202
    """A 0-d result as a float, an array as an array."""
    return x if x.ndim else float(x)


def base_buffer(monthly_expenses, buffer_months=3):  # noqa: ANN001, ANN201
    """Base buffer in $ = monthly expenses x buffer months (the plan: 42,000 x 3 = 126,000)."""
    if plain(monthly_expenses, buffer_months):
        return float(monthly_expenses) * float(buffer_months)
    return _out(np.asarray(monthly_expenses, dtype=float) * np.asarray(buffer_months, dtype=float))


def lag_buffer(monthly_commission, lag_days):  # noqa: ANN001, ANN201
    """Lag buffer in $ = commission income in transit = monthly commission x lag days / 30.

    Little's law: what is in transit equals the flow per month times the months in transit.
    The plan: $21,000 a month x 48 / 30 = 33,600.
    """
    if plain(monthly_commission, lag_days):
        lag = float(lag_days)
        # np.maximum keeps a NaN lag NaN; Python's max would not
        return float(monthly_commission) * (lag if lag > 0 or math.isnan(lag) else 0.0) / DAYS_PER_MONTH
    c = np.asarray(monthly_commission, dtype=float)
    lag = np.asarray(lag_days, dtype=float)
    return _out(c * np.maximum(lag, 0.0) / DAYS_PER_MONTH)


def growth_factor(growth_rate, buffer_months=3):  # noqa: ANN001, ANN201
    """How much the business grows over the buffer horizon: (1 + monthly growth) ^ months - 1,
    0 for a shrinking agency."""
    g = np.asarray(growth_rate, dtype=float)
    months = np.asarray(buffer_months, dtype=float)
    return _out(np.maximum(np.power(1.0 + np.maximum(g, 0.0), months) - 1.0, 0.0))


def new_business_cost(households, cost_per_household, growth_rate, buffer_months=3):  # noqa: ANN001, ANN201
    """Up-front cost in $ of the new business a growth rate assumes over the buffer horizon:
    households x ((1 + growth) ^ months - 1) new households, each costing ``cost_per_household``
    to win (leads, marketing) before its first commission arrives."""
    out = (np.asarray(households, dtype=float) * np.asarray(cost_per_household, dtype=float)
           * np.asarray(growth_factor(growth_rate, buffer_months), dtype=float))
    return _out(out)


def growth_buffer(monthly_commission, growth_rate, lag_days, buffer_months=3, households=0.0,  # noqa: ANN001, ANN201
                  cost_per_household=0.0):
    """Growth buffer in $ = the up-front cost of growth over the buffer horizon:

        monthly commission x lag days / 30 x ((1 + growth rate) ^ buffer months - 1)
        + households x ((1 + growth rate) ^ buffer months - 1) x cost per new household.

    Growth is paid for before it pays: the commission on each month's extra business is earned now
    but arrives one lag later, so while the agency grows the money in transit grows with it (the
    first term), and each new household the growth assumes costs its acquisition (leads,
    marketing) up front (the second term; 0 without ``households`` and ``cost_per_household``).
    Horizon: ``buffer_months``, as the base buffer. 0 for a shrinking agency (growth rate <= 0).
    Units: $; growth rate per month as a decimal; lag in days.
    """
    factor = np.asarray(growth_factor(growth_rate, buffer_months), dtype=float)
    in_transit = np.asarray(lag_buffer(monthly_commission, lag_days), dtype=float) * factor
    return _out(in_transit + np.asarray(new_business_cost(households, cost_per_household, growth_rate,
                                                          buffer_months), dtype=float))


def runway_months(cash, monthly_burn):  # noqa: ANN001, ANN201
    """Months the cash lasts = cash / monthly burn; inf when nothing is burnt (burn <= 0).

    The plan: a working-capital need of 193,200 covers 193,200 / 42,000 = 4.6 months of expenses.
    """
    if plain(cash, monthly_burn):
        c, b = float(cash), float(monthly_burn)
        if math.isnan(c) or math.isnan(b):
            return math.nan
        return c / b if b > 0 else math.inf
    c = np.asarray(cash, dtype=float)
    b = np.asarray(monthly_burn, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(b > 0, c / np.where(b > 0, b, 1.0), np.inf)
    out = np.where(np.isnan(c) | np.isnan(b), np.nan, out)
    return _out(out)


@dataclass
class WorkingCapital:
    """The working capital the agency should hold, and its parts (all $ except the runway)."""

    base_buffer: float
    growth_buffer: float  # in-transit growth + new_business_cost
    lag_buffer: float
    total: float
    months_of_runway: float  # total / monthly expenses
    new_business_cost: float = 0.0  # the part of the growth buffer that wins the new households


def working_capital_need(monthly_expenses, growth_rate, lag_days, buffer_months=3,  # noqa: ANN001
                         monthly_commission=None, households=0.0, cost_per_household=0.0) -> WorkingCapital:  # noqa: ANN001
    """Working-capital need = base buffer + growth buffer + lag buffer, with its parts.

    base = monthly expenses x buffer months; lag = monthly commission x lag days / 30;
    growth = lag buffer x ((1 + growth)^buffer months - 1) + the up-front cost of the new
    households that growth assumes (``new_business_cost``: households x the same factor x cost per
    household); months of runway = total / monthly expenses. ``monthly_commission`` defaults to
    the monthly expenses (an agency whose commission just covers its costs). Works on arrays too.
    The plan's calculator: 42,000 expenses, 8% growth, 48 days -> base 126,000 (exact), lag
    33,600 with $21,000 commission; its growth buffer (33,600) and total (193,200) are illustrative.
    """
    commission = monthly_expenses if monthly_commission is None else monthly_commission
    base = base_buffer(monthly_expenses, buffer_months)
    lag = lag_buffer(commission, lag_days)
    growth = growth_buffer(commission, growth_rate, lag_days, buffer_months, households, cost_per_household)
    acquisition = new_business_cost(households, cost_per_household, growth_rate, buffer_months)
    total = base + growth + lag if plain(base, growth, lag) else _out(np.asarray(base) + np.asarray(growth) + np.asarray(lag))
    return WorkingCapital(base, growth, lag, total, runway_months(total, monthly_expenses), acquisition)


def monthly_growth(annual_growth: float) -> float:
    """The monthly growth that compounds to an annual one: (1 + annual) ^ (1/12) - 1 (NaN stays
    NaN). The plan's 8% a month is 152% a year: its example, not a default."""
    a = float(annual_growth)
    return (1.0 + a) ** (1.0 / 12.0) - 1.0 if math.isfinite(a) and a > -1 else math.nan
