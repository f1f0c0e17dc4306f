"""Seasonality, part 2: when renewals fall. Every renewal of an in-force policy in the 12 calendar
months after the data date, renewals per month and their concentration."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.periods import last_complete_month
from agency_xl.models.scalars import safe_ratio as _ratio

DAYS_PER_MONTH = 365.25 / 12


def add_months(dates: pd.Series, months) -> pd.Series:  # noqa: ANN001
    """Each date moved by a whole number of months (per row), kept on the same day of the month or
    the month's last day (Jan 31 + 1 month = Feb 28/29), at midnight. NaT stays NaT."""
    index = pd.Series(dates).index
    d = pd.to_datetime(pd.Series(dates)).to_numpy("datetime64[ns]")
    n = np.broadcast_to(np.asarray(months, dtype="int64"), (len(d),))
    ok = ~np.isnat(d)
    # numpy's calendar arithmetic on months, vectorised (the backtest calls this for every
    # policy at every month-end): month + n, then the day, capped at the new month's length.
    days = np.where(ok, d, np.datetime64(0, "ns")).astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    day = (days - month.astype("datetime64[D]")).astype("int64")  # 0 = the 1st
    target = month + n
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    out = (target.astype("datetime64[D]") + np.minimum(day, length - 1)).astype("datetime64[ns]")
    return pd.Series(np.where(ok, out, np.datetime64("NaT", "ns")), index=index, dtype="datetime64[ns]")


def policy_terms(policies: pd.DataFrame, default_term_months: int = 12) -> np.ndarray:
    """Each policy's term in months: expiration - effective date rounded to whole months when both
    dates are there and give 1..24 months (6-month auto, annual home), else ``default_term_months``."""
    eff = pd.to_datetime(policies["effective_date"])
    exp = pd.to_datetime(policies["expiration_date"])
    months = np.rint((exp - eff).dt.days.to_numpy(float) / DAYS_PER_MONTH)
    ok = np.isfinite(months) & (months >= 1) & (months <= 24)
    return np.where(ok, months, default_term_months).astype(int)


def renewal_window(as_of: dt.date, months: int = 12) -> pd.PeriodIndex:
    """The ``months`` calendar months after the last complete month on or before the data date
    (``periods.last_complete_month``: the same boundary as every 12-month window; each calendar
    month once). On a 2 November data date the calendar starts with November."""
    start = last_complete_month(as_of) + 1
    return pd.period_range(start, periods=months, freq="M")


@dataclass(frozen=True)
class _Renewals:
    """The renewals of ``upcoming_renewals`` before they are dated: the policies that can renew
    (rows of ``policies``), each one's base date and term, and per renewal the policy (``hit``, a
    row of ``policies``), the months it is moved from its base date and its month in the window."""

    policies: pd.DataFrame
    base: np.ndarray  # datetime64[ns]: the expiration, else effective or original effective + a term
    term: np.ndarray  # months
    hit: np.ndarray
    moved: np.ndarray
    month: np.ndarray  # 0 = the window's first month


def _renewals(policies: pd.DataFrame, as_of: dt.date, months: int, default_term_months: int,
              exclude_products: tuple[str, ...]) -> _Renewals | None:
    p = policies[(policies["status"] == "In Force") & ~policies["product"].isin(exclude_products)]
    if p.empty:
        return None
    p = p.reset_index(drop=True)
    term = policy_terms(p, default_term_months)
    base = pd.to_datetime(p["expiration_date"]).to_numpy("datetime64[ns]").copy()
    for fallback in ("effective_date", "original_effective_date"):
        gap = np.isnat(base)
        if gap.any():
            base[gap] = add_months(pd.to_datetime(p[fallback]).to_numpy("datetime64[ns]")[gap], term[gap]).to_numpy()
    window = renewal_window(as_of, months)
    first_month, end_month = (np.datetime64(str(m), "M").astype("int64") for m in (window[0], window[-1] + 1))
    ok = ~np.isnat(base)
    base_month = np.where(ok, base.astype("datetime64[M]").astype("int64"), first_month)
    behind = first_month - base_month
    k = np.where(behind > 0, np.ceil(behind / term), 0).astype(int)  # terms to roll forward
    # A renewal date moved by whole months lands at midnight in the month moved to, so whether it
    # falls in the window is a matter of months: the dates are worked out only for those that do.
    rows, moves = [], []
    for j in range(int(math.ceil(months / max(int(term.min()), 1))) + 1):
        moved = (k + j) * term
        hit = np.flatnonzero(ok & (base_month + moved >= first_month) & (base_month + moved < end_month))
        rows.append(hit)
        moves.append(moved[hit])
    hit, moved = np.concatenate(rows), np.concatenate(moves)
    return _Renewals(p, base, term, hit, moved, base_month[hit] + moved - first_month)


def upcoming_renewals(policies: pd.DataFrame, as_of: dt.date, months: int = 12,
                      default_term_months: int = 12,
                      exclude_products: tuple[str, ...] = ("Life",)) -> pd.DataFrame:
    """Every renewal of an in-force policy in the ``months`` calendar months after ``as_of``'s month.

    A policy renews at its expiration date; when that date is missing, at its effective date (else
    its original effective date) plus one term. Dates before the window are rolled forward by
    whole terms, so a stale expiration date still lands on the right month, and a 6-month policy
    renews twice a year. ``exclude_products`` (Life by default) have no renewal to service.
    Returns columns policy_number, product, renewal_date, term_months, term_premium
    (annual premium x term / 12).
    """
    cols = ["policy_number", "product", "renewal_date", "term_months", "term_premium"]
    r = _renewals(policies, as_of, months, default_term_months, exclude_products)
    if r is None or not len(r.hit):
        return pd.DataFrame(columns=cols)
    hit, term = r.hit, r.term
    events = pd.DataFrame({
        "policy_number": r.policies["policy_number"].to_numpy()[hit],
        "product": r.policies["product"].to_numpy()[hit],
        "renewal_date": add_months(r.base[hit], r.moved).to_numpy(),
        "term_months": term[hit],
        "term_premium": r.policies["annual_premium"].to_numpy(float)[hit] * term[hit] / 12.0,
    })
    return events.sort_values("renewal_date", ignore_index=True)


def renewals_per_month(policies: pd.DataFrame, as_of: dt.date, months: int = 12,
                       default_term_months: int = 12,
                       exclude_products: tuple[str, ...] = ("Life",)) -> pd.Series:
    """How many renewals ``upcoming_renewals`` finds in each of the ``months`` months after the
    data date (indexed by monthly ``pd.Period``), without dating them: the renewal calendar's
    counts (``renewals_by_month``'s renewals), for the backtest at each past month-end."""
    window = renewal_window(as_of, months)
    r = _renewals(policies, as_of, months, default_term_months, exclude_products)
    counts = np.bincount(r.month, minlength=months) if r is not None else np.zeros(months, dtype=int)
    return pd.Series(counts.astype(int), index=window)


def renewal_concentration(renewals_in_month, average_renewals=None):  # noqa: ANN001, ANN201
    """Renewal concentration = renewals in a month / average renewals per month.

    Above 1 the month is busier than average; the 12 months of a year average exactly 1 when the
    average is their own mean (the default when ``average_renewals`` is None).
    Plan: 325 renewals against an average of 229 -> 1.42; 145 -> 0.63 (rounded to 2 places).

    >>> round(renewal_concentration(325, 229), 2), round(renewal_concentration(145, 229), 2)
    (1.42, 0.63)
    """
    r = np.asarray(renewals_in_month, dtype=float)
    avg = np.nanmean(r) if average_renewals is None and r.size else average_renewals
    return _ratio(r, avg if avg is not None else np.nan)


def renewals_by_month(policies: pd.DataFrame, as_of: dt.date, months: int = 12,
                      default_term_months: int = 12,
                      exclude_products: tuple[str, ...] = ("Life",)) -> pd.DataFrame:
    """Renewals per calendar month for the ``months`` months after the data date: columns month
    (first day), renewals, premium (term premium renewing, $), average (renewals per month over
    the window) and concentration (renewals / average)."""
    events = upcoming_renewals(policies, as_of, months, default_term_months, exclude_products)
    window = renewal_window(as_of, months)
    # Months as numbers from the window's first: every renewal is inside the window.
    month = (pd.to_datetime(events["renewal_date"]).to_numpy("datetime64[M]").astype("int64")
             - np.datetime64(str(window[0]), "M").astype("int64"))
    premium = pd.Series(events["term_premium"].to_numpy(float)).groupby(month).sum()
    t = pd.DataFrame({
        "month": window.to_timestamp(),
        "renewals": np.bincount(month, minlength=months).astype(int),
        "premium": premium.reindex(range(months), fill_value=0.0).to_numpy(float),
    })
    t["average"] = float(t["renewals"].mean())
    t["concentration"] = renewal_concentration(t["renewals"].to_numpy(), t["average"].iloc[0])
    return t
