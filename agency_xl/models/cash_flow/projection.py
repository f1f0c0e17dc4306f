"""Cash flow, part 3: the 12-month projection of accrual profit beside cash flow (commission
received one lag later, chargebacks paid one delay later), and the months to break even."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from agency_xl.models.cash_flow.working_capital import DAYS_PER_MONTH


def _delayed(earned: np.ndarray, before: float, delay_days: float) -> np.ndarray:
    """``earned`` (months 1..n) as it arrives ``delay_days`` later, month by month.

    A delay of d days is d/30 months = k whole months and a fraction f: (1 - f) of a month's amount
    arrives k months later and f of it k + 1 months later, so a flat stream C keeps exactly
    C x d / 30 in transit (Little's law). Months before the first are taken to have earned ``before``.
    """
    shift = max(float(delay_days), 0.0) / DAYS_PER_MONTH
    k = int(math.floor(shift))
    f = shift - k
    n = len(earned)
    padded = np.concatenate([np.full(k + 1, before), earned])  # index k + 1 + t - 1 is month t

    def lagged(by: int) -> np.ndarray:
        start = k + 1 - by
        return padded[start:start + n]

    return (1.0 - f) * lagged(k) + f * lagged(k + 1)


PROJECTION_COLUMNS = [
    "month", "commission_earned", "chargeback_provision", "expenses", "accrual_profit",
    "commission_received", "chargebacks_paid", "net_cash_flow", "cumulative_cash_flow",
    "cash_position",
]


def cash_flow_projection(monthly_commission: float, monthly_expenses: float, growth_rate: float,
                         lag_days: float, chargeback_rate: float = 0.0, cash_on_hand: float = 0.0,
                         new_business_share: float = 1.0, chargeback_delay_days: float | None = None,
                         months: int = 12) -> pd.DataFrame:
    """Month by month for ``months`` months: accrual profit beside cash flow, and cumulative cash.

    For month t = 1..n, with C the measured monthly commission baseline and g the growth per month:
    - commission earned_t = C x (1 + g)^t (accrual: booked when the business is written);
    - chargeback provision_t = chargeback rate x new-business share x commission earned_t;
    - accrual profit_t = commission earned_t - chargeback provision_t - monthly expenses;
    - commission received_t = commission earned, delayed by the lag (``_delayed``): (1 - f) of a
      month's commission arrives k months later and f of it k + 1 months later, lag / 30 = k + f;
    - chargebacks paid_t = the provision, delayed by ``chargeback_delay_days`` (default: the lag);
    - net cash flow_t = received_t - chargebacks paid_t - expenses;
    - cumulative cash flow = running sum of net cash flow; cash position = cash on hand + cumulative.

    Assumption: before month 1 the agency earned C every month (steady state), so commission
    already in transit arrives in the first months; growth applies alike to new business and
    renewals. Expenses stay flat. Units: $ per month; rates as decimals; lag in days.
    """
    n = int(months)
    t = np.arange(1, n + 1)
    c0 = float(monthly_commission)
    expenses = float(monthly_expenses)
    earned = c0 * np.power(1.0 + float(growth_rate), t)
    cb_share = float(chargeback_rate) * float(new_business_share)
    provision = cb_share * earned
    received = _delayed(earned, c0, lag_days)
    cb_delay = lag_days if chargeback_delay_days is None else chargeback_delay_days
    cb_paid = _delayed(provision, cb_share * c0, cb_delay)
    net = received - cb_paid - expenses
    cumulative = np.cumsum(net)
    return pd.DataFrame({
        "month": t,
        "commission_earned": earned,
        "chargeback_provision": provision,
        "expenses": np.full(n, expenses),
        "accrual_profit": earned - provision - expenses,
        "commission_received": received,
        "chargebacks_paid": cb_paid,
        "net_cash_flow": net,
        "cumulative_cash_flow": cumulative,
        "cash_position": float(cash_on_hand) + cumulative,
    })[PROJECTION_COLUMNS]


def months_to_break_even(net_cash_flow) -> float:  # noqa: ANN001
    """Months until cumulative cash flow is back to 0 after going negative: the month the cash
    position recovers to where it started, interpolated within the month (3.8 = in month 4, 80% of
    the way through).

    0 when the cumulative never goes negative; NaN when it has not recovered by the last month given
    (or nothing is given). With month j's net flow x_j and the cumulative S_{j-1} < 0 before it,
    break-even = (j - 1) + (-S_{j-1}) / x_j for the first month j, after the cumulative first goes
    negative, that ends with S_j >= 0.
    """
    x = np.asarray(net_cash_flow, dtype=float).ravel()
    if len(x) == 0 or np.isnan(x).any():
        return float("nan")
    s = np.cumsum(x)
    negative = np.flatnonzero(s < 0)
    if len(negative) == 0:
        return 0.0
    after = np.flatnonzero((s >= 0) & (np.arange(len(s)) > negative[0]))
    if len(after) == 0:
        return float("nan")
    j = int(after[0])  # s[j - 1] < 0 <= s[j], so x[j] > 0
    return float(j + (-s[j - 1]) / x[j])
