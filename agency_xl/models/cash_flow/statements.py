"""Cash flow, part 1: what the commission statements measure. The commission lag (its histogram and
summary), the share of new-business commission charged back within 12 months, and the monthly
commission baseline the projection starts from."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, fields
from functools import cached_property

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


DAY = np.timedelta64(1, "D").astype("timedelta64[ns]").astype("int64")  # nanoseconds in a day


def _months_later(dates: np.ndarray, months: int) -> np.ndarray:
    """``dates`` + ``months`` calendar months (the day kept, or the month's last day), as pandas'
    ``DateOffset(months=...)`` moves them."""
    return (pd.DatetimeIndex(dates) + pd.DateOffset(months=months)).to_numpy("datetime64[ns]")


@dataclass(frozen=True)
class Statements:
    """The commission statement rows read once: their dates, amounts, transaction types and policies
    as arrays, in the statements' row order. What the lag, the chargebacks and the baseline are
    measured from (``commission_lags``, ``chargeback_rate``, ``commission_baseline`` build one and
    measure it).

    ``through(day)`` keeps the rows of the statements dated on or before a day, in the same order:
    a backtest measures the statements as they stood at each past month-end without reading or
    parsing them again, and gets what those functions give on the rows cut by hand.
    """

    statement_date: np.ndarray  # datetime64[ns]
    effective_date: np.ndarray  # datetime64[ns], the transaction effective date
    amount: np.ndarray  # commission $, an amount that cannot be read counts 0
    new_business: np.ndarray  # bool: a New Business row
    reversal: np.ndarray  # bool: a Cancellation or Chargeback row
    lag_type: np.ndarray  # bool: a New Business or Renewal row
    policy: np.ndarray  # int: the policy number (spaces trimmed) as its rank among them, -1 without one

    @classmethod
    def of(cls, commissions: pd.DataFrame) -> Statements:
        types = commissions["transaction_type"]
        policy, _ = pd.factorize(commissions["policy_number"].astype(str).str.strip(), sort=True)
        return cls(
            statement_date=pd.to_datetime(commissions["statement_date"]).to_numpy("datetime64[ns]"),
            effective_date=pd.to_datetime(commissions["transaction_effective_date"]).to_numpy("datetime64[ns]"),
            amount=pd.to_numeric(commissions["commission_amount"], errors="coerce").fillna(0.0).to_numpy(float),
            new_business=(types == NEW_BUSINESS).fillna(False).to_numpy(bool),
            reversal=types.isin(REVERSAL_TYPES).to_numpy(bool),
            lag_type=types.isin(LAG_TYPES).to_numpy(bool),
            policy=policy)

    def through(self, day: dt.date) -> Statements:
        """The rows on statements dated on or before ``day`` (any time of that day)."""
        end = (pd.Timestamp(day).normalize() + pd.Timedelta(days=1)).to_datetime64()
        if self._in_order:  # the first rows, as views
            keep: slice | np.ndarray = slice(0, int(np.searchsorted(self.statement_date, end, side="left")))
        else:
            keep = self.statement_date < end  # NaT compares False: an undated row was not known then
        return Statements(*(getattr(self, f.name)[keep] for f in fields(self)))

    @cached_property
    def _in_order(self) -> bool:
        """Every row dated and the dates never going back (statements usually come so)."""
        d = self.statement_date
        return not np.isnat(d).any() and bool((d[1:] >= d[:-1]).all())

    def _latest(self) -> pd.Timestamp:
        """The latest statement date (NaT without one)."""
        dated = self.statement_date[~np.isnat(self.statement_date)]
        return pd.Timestamp(dated.max()) if len(dated) else pd.NaT

    def lag_rows(self) -> np.ndarray:
        """New Business and Renewal rows with both dates: the rows a lag is measured on."""
        return self.lag_type & ~np.isnat(self.statement_date) & ~np.isnat(self.effective_date)

    def lags(self) -> tuple[np.ndarray, np.ndarray]:
        """The lag of each of the ``lag_rows`` (statement date - transaction effective date, in whole
        days, floored) and its commission: the columns of ``commission_lags``."""
        rows = self.lag_rows()
        ns = (self.statement_date[rows] - self.effective_date[rows]).astype("int64")
        return (ns // DAY).astype(float), self.amount[rows]

    def lag(self) -> LagSummary:
        """``lag_summary`` of the lags, weighted by their commission."""
        return lag_summary(*self.lags())

    def chargebacks(self, as_of: dt.date | None = None,
                    window_months: int = CHARGEBACK_WINDOW_MONTHS) -> ChargebackMeasure:
        """``chargeback_rate`` of these rows."""
        nan = float("nan")
        when = pd.Timestamp(as_of) if as_of is not None else self._latest()
        if pd.isna(when):
            return ChargebackMeasure(nan, 0.0, 0.0, 0, 0, False, nan)
        # A sale: a policy's New Business rows with an effective date, dated by the earliest and
        # worth their sum (summed as pandas sums a group: compensated, in row order).
        nb = self.new_business & ~np.isnat(self.effective_date) & (self.policy >= 0)
        worth = pd.Series(self.amount[nb]).groupby(self.policy[nb]).sum()
        earliest = np.full(int(self.policy.max()) + 1 if nb.any() else 0, np.iinfo(np.int64).max)
        np.minimum.at(earliest, self.policy[nb], self.effective_date[nb].astype("int64"))
        sold = (worth > 0).to_numpy()
        policies = worth.index.to_numpy()[sold]  # sorted by policy number
        sale_date = earliest[policies].astype("datetime64[ns]")
        nb_commission = worth.to_numpy(float)[sold]
        # Reversals of a sale, in row order: dated by their effective date (else their statement's),
        # within the window after the sale.
        sale_of = np.full(len(earliest), np.datetime64("NaT", "ns"))
        sale_of[policies] = sale_date
        rev = np.flatnonzero(self.reversal & (self.policy >= 0) & (self.policy < len(sale_of)))
        rev = rev[~np.isnat(sale_of[self.policy[rev]])]
        sale = sale_of[self.policy[rev]]
        date = np.where(np.isnat(self.effective_date[rev]), self.statement_date[rev], self.effective_date[rev])
        inside = (date >= sale) & (date <= _months_later(sale, window_months))
        rev, sale = rev[inside], sale[inside]
        amount = self.amount[rev]

        delay_w = np.abs(amount)
        delay_days = ((self.statement_date[rev] - sale).astype("int64") // DAY).astype(float)
        delay = float(np.average(delay_days, weights=delay_w)) if len(amount) and delay_w.sum() > 0 else nan

        taken = (-pd.Series(amount).groupby(self.policy[rev]).sum()).reindex(policies, fill_value=0.0)
        reversed_ = np.clip(taken.to_numpy(float), 0.0, nb_commission)
        matured = _months_later(sale_date, window_months) <= when.to_datetime64()
        mature = bool(matured.any())
        cohort = matured if mature else np.ones(len(policies), dtype=bool)
        nb_total = float(nb_commission[cohort].sum())
        reversed_total = float(reversed_[cohort].sum())
        return ChargebackMeasure(
            rate=reversed_total / nb_total if nb_total > 0 else nan,
            new_business_commission=nb_total,
            reversed=reversed_total,
            policies=int(cohort.sum()),
            policies_charged_back=int((reversed_[cohort] > 0).sum()),
            mature=mature,
            delay_days=delay,
        )

    def baseline(self, through: dt.date | None = None, months: int = 12) -> CommissionBaseline:
        """``commission_baseline`` of these rows."""
        stmt = self.statement_date
        nan = float("nan")
        if through is None:
            last = self._latest()
            if pd.isna(last):
                return CommissionBaseline(nan, nan, nan, 0, None, None)
            # through the latest statement's month: statements are monthly, that month is whole
            through = (last.to_period("M") + 1).to_timestamp() - pd.Timedelta(days=1)
        inside = window(through, months).contains(stmt)
        if not inside.any():
            return CommissionBaseline(nan, nan, nan, 0, None, None)
        n_months = len(np.unique(stmt[inside].astype("datetime64[M]")))
        earned = float(self.amount[inside & ~self.reversal].sum())
        new_business = float(self.amount[inside & self.new_business].sum())
        reversals = float(-self.amount[inside & self.reversal].sum())
        return CommissionBaseline(
            monthly_commission=earned / n_months,
            new_business_share=new_business / earned if earned > 0 else nan,
            monthly_reversals=reversals / n_months,
            months=n_months,
            first=pd.Timestamp(stmt[inside].min()).date(),
            last=pd.Timestamp(stmt[inside].max()).date(),
        )


def commission_lags(commissions: pd.DataFrame) -> pd.DataFrame:
    """One row per New Business or Renewal transaction with both dates: its lag in days
    (Statement Date - Transaction Effective Date) and its commission.

    Rows of other types (endorsements, chargebacks, bonuses) are left out: their dates say when a
    change was made, not how long a sale waits for its commission. Returns columns lag_days,
    commission_amount, transaction_type.
    """
    st = Statements.of(commissions)
    days, amount = st.lags()
    return pd.DataFrame({
        "lag_days": days,
        "commission_amount": amount,
        "transaction_type": commissions["transaction_type"][st.lag_rows()].astype(str).reset_index(drop=True),
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
    return Statements.of(commissions).chargebacks(as_of, window_months)


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
    return Statements.of(commissions).baseline(through, months)
