"""Cash flow, part 1: what the commission statements measure. The commission lag (its histogram and
summary), the share of new-business commission charged back within 12 months, and the monthly
commission baseline the projection starts from."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.periods import window

NEW_BUSINESS = "New Business"
RENEWAL = "Renewal"
LAG_TYPES = (NEW_BUSINESS, RENEWAL)  # rows whose lag says how long a sale or renewal waits for pay
REVERSAL_TYPES = ("Cancellation", "Chargeback")  # rows that take new-business commission back
CHARGEBACK_WINDOW_MONTHS = 12

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
