"""Profitability, part 3: profit growth against revenue growth. The last 12 months against the 12
before, over the months the exports cover in both years, and the warning when profit lags."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.profitability.book import (
    exposure_by_month,
    in_lines,
    losses_by_month,
    month_starts,
)
from agency_xl.models.scalars import safe_ratio as _ratio


def growth_rate(current, prior):  # noqa: ANN001, ANN201
    """Period-over-period growth = current / prior - 1 (NaN when prior is 0).

    For profit, a negative prior makes the ratio meaningless; then growth is measured against the
    absolute prior value: (current - prior) / |prior|.
    """
    cur = np.asarray(current, dtype=float)
    pri = np.asarray(prior, dtype=float)
    out = _ratio(cur - pri, np.abs(pri))
    return out


@dataclass
class GrowthGap:
    revenue_growth: float  # revenue (as ``revenue_measure`` says), the months compared vs a year before
    profit_growth: float  # underwriting profit, same months
    gap: float  # revenue growth - profit growth
    warning: bool  # gap > threshold
    message: str
    revenue_measure: str = "revenue"  # what the revenue growth measures, in the owner's words
    months: int = 12  # months compared in each year


def profit_vs_revenue_growth(
    revenue_now: float,
    revenue_before: float,
    profit_now: float,
    profit_before: float,
    warning_threshold: float = 0.05,
    revenue_measure: str = "revenue",
    months: int = 12,
    why_not: str = "",
) -> GrowthGap:
    """Compare revenue growth with profit growth and warn when profit lags by more than the
    threshold (the plan: 15% revenue growth with 8% profit growth is a 7-point gap -> warning at 5%).

    gap = revenue growth - profit growth; warning when gap > warning_threshold. Without a gap
    (too little history: ``why_not`` says why) there is no warning.
    """
    rg = float(growth_rate(revenue_now, revenue_before))
    pg = float(growth_rate(profit_now, profit_before))
    gap = rg - pg
    warn = bool(np.isfinite(gap) and gap > warning_threshold)
    span = "" if months == 12 else f" Compared over the {months} months the exports cover in both years."
    if not np.isfinite(gap):
        msg = why_not or "Not enough history to compare growth (needs 24 months of premium and claims)."
    elif warn:
        msg = (f"Profit is growing {gap:.1%} slower than revenue (limit {warning_threshold:.0%}): "
               f"losses are rising faster than premium.{span}")
    else:
        msg = (f"Profit growth keeps pace with revenue growth (gap {gap:.1%}, limit "
               f"{warning_threshold:.0%}).{span}")
    return GrowthGap(rg, pg, gap, warn, msg, revenue_measure, months)


def months_from(series: pd.Series, first: dt.date | None) -> pd.Series:
    """``series`` (indexed by the first day of each month) with the months before ``first``'s
    month set to NaN: what an export does not cover is unknown, not zero."""
    if first is None:
        return series
    return series.where(series.index >= pd.Timestamp(first).to_period("M").to_timestamp())


def written_premium_by_month(commissions: pd.DataFrame, through: dt.date, months: int = 24,
                             lines_outside: tuple[str, ...] = (),
                             amount: str = "premium") -> pd.Series | None:
    """Premium written per statement month over the ``months`` complete months ending at
    ``through``, from the commission statements: the sum of the Premium column over every
    transaction of the lines in (new business, renewals, endorsements, cancellations: written
    premium net of returns). Months before the first statement are NaN (not covered). ``amount``
    "commission_amount" gives commission instead. None when no row states the amount (the
    Premium column is optional)."""
    c = commissions[in_lines(commissions["product"], lines_outside)] if len(commissions) else commissions
    value = pd.to_numeric(c[amount], errors="coerce") if amount in c else pd.Series(dtype=float)
    if not value.notna().any():
        return None
    idx = month_starts(through, months)
    month = pd.to_datetime(c["statement_date"]).dt.to_period("M").dt.to_timestamp()
    out = value.groupby(month).sum().reindex(idx, fill_value=0.0)
    first = pd.to_datetime(commissions["statement_date"]).min()
    return months_from(out, None if pd.isna(first) else first.date())


@dataclass
class YearOverYear:
    """The last 12 complete months against the 12 before, over the months known in both."""

    revenue_now: float
    revenue_before: float
    losses_now: float
    losses_before: float
    profit_now: float  # revenue x (1 - expense ratio) - incurred losses
    profit_before: float
    months: int  # months compared in each year (12 when the exports cover both years)
    first_month: pd.Timestamp | None  # first month of the earlier year compared
    note: str  # why the comparison is short or missing ("" when it is whole)


def year_over_year(revenue: pd.Series, losses: pd.Series, expense_ratio: float = 0.25,
                   min_months: int = 6) -> YearOverYear:
    """Revenue, losses and underwriting profit of the last 12 months against the same months a
    year before, comparing only months both series know in both years.

    ``revenue`` and ``losses``: $ per month for the 24 complete months ending with the last month
    of the window (index: first day of each month, oldest first); NaN where an export does not
    cover the month (``months_from``). Month m of the earlier year is compared when it and month
    m + 12 are both known in both series. Underwriting profit = revenue x (1 - expense ratio) -
    incurred losses. With fewer than ``min_months`` months to compare, every figure is NaN and
    ``note`` says so: missing history is never read as a loss-free year.
    """
    rev = pd.to_numeric(revenue, errors="coerce").to_numpy(float)[-24:]
    los = pd.to_numeric(losses, errors="coerce").to_numpy(float)[-24:]
    if len(rev) < 24 or len(los) < 24:
        rev = np.concatenate([np.full(24 - len(rev), np.nan), rev])
        los = np.concatenate([np.full(24 - len(los), np.nan), los])
    known = np.isfinite(rev) & np.isfinite(los)
    both = known[:12] & known[12:]
    n = int(both.sum())
    index = list(revenue.index[-24:]) if len(revenue) >= 24 else [None] * 24
    first = index[int(np.argmax(both))] if n else None
    if n < min_months:
        nan = math.nan
        covered = int(known.sum())
        note = (f"Too little history to compare: the exports cover {covered} of the 24 months needed "
                f"(at least {min_months} months in both years); no warning until they do.")
        return YearOverYear(nan, nan, nan, nan, nan, nan, n, None, note)
    r_now, r_before = float(rev[12:][both].sum()), float(rev[:12][both].sum())
    l_now, l_before = float(los[12:][both].sum()), float(los[:12][both].sum())
    note = "" if n == 12 else f"Compared over the {n} months the exports cover in both years."
    return YearOverYear(r_now, r_before, l_now, l_before, r_now * (1 - expense_ratio) - l_now,
                        r_before * (1 - expense_ratio) - l_before, n, first, note)


def losses_for_comparison(claims: pd.DataFrame, through: dt.date, lines_outside: tuple[str, ...] = (),
                          claims_from: dt.date | None = None) -> pd.Series:
    """Incurred losses per accident month of the lines in, over the 24 complete months ending at
    ``through``, NaN before ``claims_from`` (the first month the claims exports cover)."""
    c = claims[in_lines(claims["product"], lines_outside)] if len(claims) else claims
    by = losses_by_month(c, through, 24).groupby("month")["incurred"].sum()
    out = by.reindex(month_starts(through, 24), fill_value=0.0)
    return months_from(out, claims_from)


def claims_cover_from(claims: pd.DataFrame, coverage_first: dt.date | None = None) -> dt.date | None:
    """The first day the claims exports cover: the reader's coverage when it knows it, else the
    earliest loss date (a month counts as covered from the month of that date on)."""
    if coverage_first is not None:
        return coverage_first
    first = pd.to_datetime(claims["loss_date"]).min() if len(claims) else pd.NaT
    return None if pd.isna(first) else first.date()


def earned_premium_by_month(policies: pd.DataFrame, through: dt.date, months: int = 24,
                            lines_outside: tuple[str, ...] = ()) -> pd.Series:
    """Earned premium per month of the lines in (``exposure_by_month``), at today's annual
    premiums: it grows with the policies on the books only, not with rate increases."""
    p = policies[in_lines(policies["product"], lines_outside)] if len(policies) else policies
    e = exposure_by_month(p, through, months)
    idx = month_starts(through, months)
    if e.empty:
        return pd.Series(0.0, index=idx)
    by = e.assign(unknown=e["earned_premium"].isna()).groupby("month")
    return by["earned_premium"].sum().where(~by["unknown"].any(), np.nan).reindex(idx, fill_value=0.0)
