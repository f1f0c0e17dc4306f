"""Cash flow: commission lag, chargebacks, working capital and a 12-month cash projection.

An agency books a commission when a policy is written (accrual view) but the carrier pays it on a
later statement (cash view); new business that cancels early is charged back. A growing agency can
therefore show a profit on paper while its bank balance falls. This module measures the lag and the
chargeback rate from the commission statements, projects accrual profit beside cash flow, and sizes
the working capital that carries the agency through.

Scalar formulas accept numbers or numpy arrays alike (like numpy-financial) and return NaN on empty
input (like empyrical) instead of raising.

Data conventions (the commission statement's fields, see ``agency_xl/ams/reports.py``):
statement_date, policy_number, transaction_type, transaction_effective_date, commission_amount.

References: Little's law (Little 1961; the average amount in transit = flow per period x average
time in transit) for the commission in transit; the indirect-method gap between accrual profit and
operating cash flow (change in receivables) from any corporate-finance text, e.g. Brealey, Myers &
Allen, *Principles of Corporate Finance*, ch. 28 (working capital).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.periods import window
from agency_xl.models.scalars import plain

DAYS_PER_MONTH = 30.0  # the plan's convention: monthly commission x lag days / 30
NEW_BUSINESS = "New Business"
RENEWAL = "Renewal"
LAG_TYPES = (NEW_BUSINESS, RENEWAL)  # rows whose lag says how long a sale or renewal waits for pay
REVERSAL_TYPES = ("Cancellation", "Chargeback")  # rows that take new-business commission back
CHARGEBACK_WINDOW_MONTHS = 12

OK, WATCH, ALERT = "OK", "WATCH", "ALERT"

# Fixed buckets (days, lower bound included, upper bound excluded) so the sheet's histogram block and
# chart keep their shape from one refresh to the next.
LAG_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("Before effective date", -math.inf, 0),
    ("0-15 days", 0, 16),
    ("16-30 days", 16, 31),
    ("31-45 days", 31, 46),
    ("46-60 days", 46, 61),
    ("61-75 days", 61, 76),
    ("76-90 days", 76, 91),
    ("91-120 days", 91, 121),
    ("Over 120 days", 121, math.inf),
)


def _out(x: np.ndarray):  # noqa: ANN202
    """A 0-d result as a float, an array as an array."""
    return x if x.ndim else float(x)


# --- commission lag ---------------------------------------------------------------------------------

def commission_lags(commissions: pd.DataFrame) -> pd.DataFrame:
    """One row per New Business or Renewal transaction with both dates: its lag in days
    (Statement Date - Transaction Effective Date) and its commission.

    Rows of other types (endorsements, chargebacks, bonuses) are left out: their dates say when a
    change was made, not how long a sale waits for its commission. Returns columns lag_days,
    commission_amount, transaction_type.
    """
    c = commissions
    keep = c["transaction_type"].isin(LAG_TYPES)
    stmt = pd.to_datetime(c["statement_date"])
    eff = pd.to_datetime(c["transaction_effective_date"])
    keep &= stmt.notna() & eff.notna()
    days = (stmt[keep] - eff[keep]).dt.days.astype(float)
    amount = pd.to_numeric(c.loc[keep, "commission_amount"], errors="coerce").fillna(0.0)
    return pd.DataFrame({
        "lag_days": days.to_numpy(),
        "commission_amount": amount.to_numpy(float),
        "transaction_type": c.loc[keep, "transaction_type"].astype(str).reset_index(drop=True),
    })


def lag_histogram(lag_days, commission=None) -> pd.DataFrame:  # noqa: ANN001
    """Counts of lags in the fixed ``LAG_BUCKETS``: one row per bucket, always all of them.

    Columns: bucket, from_days, to_days (inclusive, NaN for an open end), rows, share (of the rows),
    commission ($ in the bucket; 0 when ``commission`` is not given). NaN lags are left out, so
    ``rows`` adds up to the number of lags given that are numbers.
    """
    lags = np.asarray(lag_days, dtype=float).ravel()
    amounts = (np.zeros_like(lags) if commission is None
               else np.asarray(commission, dtype=float).ravel())
    if amounts.shape != lags.shape:
        raise ValueError("lag_days and commission must have the same length")
    ok = ~np.isnan(lags)
    lags, amounts = lags[ok], np.nan_to_num(amounts[ok])
    total = len(lags)
    out = []
    for label, lo, hi in LAG_BUCKETS:
        inside = (lags >= lo) & (lags < hi)
        n = int(inside.sum())
        out.append({
            "bucket": label,
            "from_days": lo if np.isfinite(lo) else np.nan,
            "to_days": hi - 1 if np.isfinite(hi) else np.nan,
            "rows": n,
            "share": n / total if total else np.nan,
            "commission": float(amounts[inside].sum()),
        })
    return pd.DataFrame(out)


@dataclass
class LagSummary:
    """The measured commission lag.

    ``lag_days`` is the figure the rest of the model uses: the commission-weighted mean, i.e. how
    long the average commission DOLLAR waits. By Little's law the money in transit equals the
    monthly commission x this lag / 30, which is what the lag buffer holds.
    """

    rows: int
    lag_days: float  # commission-weighted mean
    mean_days: float  # plain mean over rows
    median_days: float
    p90_days: float
    share_over_60: float  # share of rows paid more than 60 days after the effective date


def lag_summary(lag_days, commission=None) -> LagSummary:  # noqa: ANN001
    """Mean, commission-weighted mean, median and 90th percentile of the lags (NaN when none).

    The weights are the absolute commission amounts; when they add up to 0 (or are not given) the
    weighted mean is the plain mean.
    """
    lags = np.asarray(lag_days, dtype=float).ravel()
    w = (np.ones_like(lags) if commission is None
         else np.abs(np.nan_to_num(np.asarray(commission, dtype=float).ravel())))
    ok = ~np.isnan(lags)
    lags, w = lags[ok], w[ok]
    if len(lags) == 0:
        nan = float("nan")
        return LagSummary(0, nan, nan, nan, nan, nan)
    mean = float(lags.mean())
    weighted = float(np.average(lags, weights=w)) if w.sum() > 0 else mean
    return LagSummary(
        rows=int(len(lags)),
        lag_days=weighted,
        mean_days=mean,
        median_days=float(np.median(lags)),
        p90_days=float(np.percentile(lags, 90)),
        share_over_60=float((lags > 60).mean()),
    )


# --- chargebacks ------------------------------------------------------------------------------------

@dataclass
class ChargebackMeasure:
    """New-business commission reversed within 12 months, from the commission statements."""

    rate: float  # reversed / new-business commission (NaN without new business)
    new_business_commission: float  # $ of the cohort measured
    reversed: float  # $ of it taken back by Cancellation/Chargeback rows within 12 months
    policies: int  # new-business policies in the cohort
    policies_charged_back: int
    mature: bool  # True when every policy measured has had its full 12 months to cancel
    delay_days: float  # commission-weighted days from the sale to the chargeback's statement


def chargeback_rate(commissions: pd.DataFrame, as_of: dt.date | None = None,
                    window_months: int = CHARGEBACK_WINDOW_MONTHS) -> ChargebackMeasure:
    """Share of new-business commission reversed by Cancellation/Chargeback rows within
    ``window_months`` of the new-business transaction, matched by policy number.

    For each policy with New Business rows: its sale date is the earliest New Business transaction
    effective date, its new-business commission the sum of those rows. Its reversal is minus the sum
    of its Cancellation/Chargeback rows whose transaction effective date (statement date when that
    is blank) falls within the window after the sale, clipped to [0, its new-business commission] so
    a reversal of other commission (an endorsement) is not counted against the sale.
    rate = sum of reversals / sum of new-business commission.

    Only sales whose window has ended by ``as_of`` (default: the latest statement date) are measured,
    because a recent sale has not yet had its chance to cancel; when there are none, every sale is
    measured and ``mature`` is False (the rate then understates).
    delay_days: commission-weighted mean of (reversal's statement date - sale date) over the
    matched reversals, for when the chargeback hits the bank in the projection.
    """
    c = commissions
    when = as_of if as_of is not None else pd.to_datetime(c["statement_date"]).max()
    nan = float("nan")
    if pd.isna(when):
        return ChargebackMeasure(nan, 0.0, 0.0, 0, 0, False, nan)
    when = pd.Timestamp(when)
    # Only New Business and reversal rows count: set the rest (mostly renewals) aside before the
    # per-row work (the backtest measures this at every month-end).
    types = c["transaction_type"]
    c = c[(types == NEW_BUSINESS).to_numpy() | types.isin(REVERSAL_TYPES).to_numpy()]
    stmt = pd.to_datetime(c["statement_date"])
    eff = pd.to_datetime(c["transaction_effective_date"])
    policy = c["policy_number"].astype(str).str.strip()
    amount = pd.to_numeric(c["commission_amount"], errors="coerce").fillna(0.0)

    is_nb = (c["transaction_type"] == NEW_BUSINESS).to_numpy() & eff.notna().to_numpy()
    nb = pd.DataFrame({"policy": policy[is_nb], "date": eff[is_nb], "amount": amount[is_nb]})
    by_policy = nb.groupby("policy")  # (named aggregation costs pandas ~10x more than this)
    sales = pd.DataFrame({"sale_date": by_policy["date"].min(),
                          "nb_commission": by_policy["amount"].sum()}).reset_index()
    sales = sales[sales["nb_commission"] > 0]

    is_rev = c["transaction_type"].isin(REVERSAL_TYPES).to_numpy()
    rev = pd.DataFrame({"policy": policy[is_rev], "date": eff[is_rev].fillna(stmt[is_rev]),
                        "statement": stmt[is_rev], "amount": amount[is_rev]})
    rev = rev.merge(sales[["policy", "sale_date"]], on="policy", how="inner")
    window_end = rev["sale_date"] + pd.DateOffset(months=window_months)
    rev = rev[(rev["date"] >= rev["sale_date"]) & (rev["date"] <= window_end)]

    delay_w = rev["amount"].abs()
    delay_days = ((rev["statement"] - rev["sale_date"]).dt.days.astype(float))
    delay = (float(np.average(delay_days, weights=delay_w)) if len(rev) and delay_w.sum() > 0
             else nan)

    reversed_by_policy = -rev.groupby("policy")["amount"].sum()
    taken = sales["policy"].map(reversed_by_policy).fillna(0.0).to_numpy(float)
    sales["reversed"] = np.clip(taken, 0.0, sales["nb_commission"].to_numpy(float))
    matured = sales[sales["sale_date"] + pd.DateOffset(months=window_months) <= when]
    mature = len(matured) > 0
    cohort = matured if mature else sales
    nb_total = float(cohort["nb_commission"].sum())
    reversed_total = float(cohort["reversed"].sum())
    return ChargebackMeasure(
        rate=reversed_total / nb_total if nb_total > 0 else nan,
        new_business_commission=nb_total,
        reversed=reversed_total,
        policies=int(len(cohort)),
        policies_charged_back=int((cohort["reversed"] > 0).sum()),
        mature=mature,
        delay_days=delay,
    )


# --- the commission baseline ------------------------------------------------------------------------

@dataclass
class CommissionBaseline:
    """Commission per month over the last 12 months of statements."""

    monthly_commission: float  # earned commission per statement month, before chargebacks
    new_business_share: float  # New Business rows' share of it
    monthly_reversals: float  # Cancellation/Chargeback $ per month (positive = taken back)
    months: int  # statement months found in the window (at most 12)
    first: dt.date | None
    last: dt.date | None

    @property
    def reversal_share(self) -> float:
        """Reversals (every Cancellation and Chargeback row, matched to a sale or not) as a share
        of the commission earned: what the projection provisions on each month's commission."""
        ok = self.monthly_commission > 0 and math.isfinite(self.monthly_reversals)
        return self.monthly_reversals / self.monthly_commission if ok else math.nan


def commission_baseline(commissions: pd.DataFrame, through: dt.date | None = None,
                        months: int = 12) -> CommissionBaseline:
    """The monthly commission the projection starts from, measured from the statements.

    Rows with a statement date in the ``months`` complete calendar months ending at ``through``
    (``periods.window``; default: through the latest statement date) are summed; Cancellation/Chargeback rows are kept apart
    because the projection provisions for them at the measured chargeback rate. The sum is divided
    by the number of distinct statement months found (statements are monthly), so a shorter history
    still gives a monthly figure rather than an understated one.
    """
    stmt = pd.to_datetime(commissions["statement_date"])
    amount = pd.to_numeric(commissions["commission_amount"], errors="coerce").fillna(0.0)
    nan = float("nan")
    if through is None:
        last = stmt.max()
        if pd.isna(last):
            return CommissionBaseline(nan, nan, nan, 0, None, None)
        # through the latest statement's month: statements are monthly, that month is whole
        through = (last.to_period("M") + 1).to_timestamp() - pd.Timedelta(days=1)
    period = stmt.dt.to_period("M")
    inside = pd.Series(window(through, months).contains(stmt), index=stmt.index)
    if not inside.any():
        return CommissionBaseline(nan, nan, nan, 0, None, None)
    n_months = int(period[inside].nunique())
    types = commissions["transaction_type"]
    is_rev = types.isin(REVERSAL_TYPES)
    earned = float(amount[inside & ~is_rev].sum())
    new_business = float(amount[inside & (types == NEW_BUSINESS)].sum())
    reversals = float(-amount[inside & is_rev].sum())
    return CommissionBaseline(
        monthly_commission=earned / n_months,
        new_business_share=new_business / earned if earned > 0 else nan,
        monthly_reversals=reversals / n_months,
        months=n_months,
        first=stmt[inside].min().date(),
        last=stmt[inside].max().date(),
    )


# --- working capital --------------------------------------------------------------------------------

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


# --- the projection ---------------------------------------------------------------------------------

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


# --- the cash-burn warning --------------------------------------------------------------------------

@dataclass
class CashBurn:
    """The cash-burn alert: how fast cash goes, how long it lasts, and what to hold."""

    status: str  # OK | WATCH | ALERT
    cash_on_hand: float
    monthly_burn: float  # average net outflow over the projected months that lose cash (0: none)
    runway_months: float  # cash on hand / monthly burn (inf without burn)
    lowest_cash: float  # lowest projected cash position
    lowest_month: int
    runs_out_month: int | None  # first month the projected cash position is below 0
    months_to_break_even: float
    working_capital_need: float
    shortfall: float  # working capital need - cash on hand, at least 0
    recommendation: str


def money_k(amount: float) -> str:
    """$193,200 -> "$193k" (whole thousands, as in the plan's sentence)."""
    return f"${amount / 1000:,.0f}k" if abs(amount) >= 1000 else f"${amount:,.0f}"


def recommendation(status: str, need: float, growth_rate: float, cash_on_hand: float,
                   runs_out_month: int | None, break_even: float, lowest_cash: float = 0.0) -> str:
    """The alert's sentence, built from the numbers: "Maintain $193k working capital buffer for
    8% growth" plus what to do about the gap, if any. With an ALERT the amount to add is what keeps
    the projected cash at or above $0 (minus the lowest projected cash position)."""
    rate = f"{growth_rate:.1%}".replace(".0%", "%")  # 8% stays "8%", 0.45% shows "0.4%"
    core = f"Maintain {money_k(need)} working capital buffer for {rate} monthly growth"
    if status == ALERT:
        when = f"month {runs_out_month}" if runs_out_month else "the projection"
        return (f"{core}: cash runs out in {when} - add {money_k(max(-lowest_cash, 0.0))} "
                f"or slow growth.")
    if status == WATCH:
        return f"{core}: you hold {money_k(cash_on_hand)}, {money_k(need - cash_on_hand)} short."
    tail = ("" if not np.isfinite(break_even) or break_even == 0
            else f"; cash recovers in {break_even:.1f} months")
    return f"{core}: covered by {money_k(cash_on_hand)} on hand{tail}."


def cash_burn(projection: pd.DataFrame, cash_on_hand: float, need: float, growth_rate: float,
              break_even: float | None = None) -> CashBurn:
    """The cash-burn warning from a projection.

    ALERT when the projected cash position falls below 0; WATCH when it does not but cash on hand is
    below the working-capital need; OK otherwise. monthly burn = average net outflow over the
    projected months with a negative net cash flow; runway = cash on hand / monthly burn.
    ``break_even`` defaults to ``months_to_break_even`` of the projection's net cash flow.
    """
    net = projection["net_cash_flow"].to_numpy(float)
    position = projection["cash_position"].to_numpy(float)
    burning = net[net < 0]
    burn = float(-burning.mean()) if len(burning) else 0.0
    below = np.flatnonzero(position < 0)
    runs_out = int(projection["month"].iloc[below[0]]) if len(below) else None
    low = int(np.argmin(position)) if len(position) else 0
    be = months_to_break_even(net) if break_even is None else break_even
    status = ALERT if runs_out else (WATCH if cash_on_hand < need else OK)
    return CashBurn(
        status=status,
        cash_on_hand=float(cash_on_hand),
        monthly_burn=burn,
        runway_months=runway_months(cash_on_hand, burn),
        lowest_cash=float(position[low]) if len(position) else float("nan"),
        lowest_month=int(projection["month"].iloc[low]) if len(position) else 0,
        runs_out_month=runs_out,
        months_to_break_even=be,
        working_capital_need=float(need),
        shortfall=max(float(need) - float(cash_on_hand), 0.0),
        recommendation=recommendation(status, need, growth_rate, cash_on_hand, runs_out, be,
                                      float(position[low]) if len(position) else 0.0),
    )


def cash_vs_accrual_level(accrual_profit: float, net_cash_flow: float) -> str:
    """ALERT when cash flow is negative (burning cash whatever the P&L says); WATCH when it is
    positive but below the accrual profit (the P&L overstates the cash); OK otherwise."""
    if net_cash_flow < 0:
        return ALERT
    if net_cash_flow < accrual_profit:
        return WATCH
    return OK
