"""Profitability: loss ratio, combined ratio and the carrier's profit-sharing bonus.

A captive agent's bonus depends on the carrier's underwriting result on the agent's book, measured
by the combined ratio. Everything here is plain arithmetic on premiums and losses; the functions
accept scalars or numpy arrays alike (like numpy-financial), and return NaN where a ratio has no
denominator (like empyrical) instead of raising.

Data conventions (tables use the field names of the AMS reports):
- policies: product, status, original_effective_date, expiration_date, cancel_date, annual_premium
- claims: product, loss_date, incurred_loss

References: NAIC, "Statutory accounting: loss ratio, expense ratio, combined ratio" (combined ratio =
loss ratio + expense ratio); CAS, "Basic Ratemaking" (Werner & Modlin 2016), ch. 4 (earned premium
by pro-rata earning, accident-period losses, frequency = claims / exposure, severity = losses /
claims).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models import households as hh
from agency_xl.models.periods import window
from agency_xl.models.scalars import safe_ratio as _ratio

DAYS_PER_YEAR = 365.0

FULL_BONUS = "FULL_BONUS"
REDUCED_BONUS = "REDUCED_BONUS"
NO_BONUS = "NO_BONUS"


def loss_ratio(incurred_losses, earned_premium):  # noqa: ANN001, ANN201
    """Loss ratio = incurred losses / earned premium.

    Units: both in dollars over the same period; result a ratio (0.68 = 68%).
    Incurred losses = paid + case reserves (LAE excluded, as in the carrier's agency reports).
    Returns NaN where earned premium is 0.

    >>> loss_ratio(68_000, 100_000)
    0.68
    """
    return _ratio(incurred_losses, earned_premium)


def combined_ratio(loss_ratio, expense_ratio):  # noqa: ANN001, ANN201
    """Combined ratio = loss ratio + expense ratio.

    Units: ratios. Below 1.0 the carrier makes an underwriting profit on the book.
    Source: NAIC statutory definitions. Plan examples: 0.68 + 0.25 = 0.93; 0.62 -> 0.87; 0.45 -> 0.70.

    >>> round(combined_ratio(0.68, 0.25), 10)
    0.93
    """
    out = np.asarray(loss_ratio, dtype=float) + np.asarray(expense_ratio, dtype=float)
    return out if out.ndim else float(out)


def bonus_status(
    combined_ratio: float, full_threshold: float = 0.95, partial_threshold: float = 1.00
) -> str:
    """The bonus band the combined ratio falls in.

    FULL_BONUS when combined ratio < full_threshold; REDUCED_BONUS when below partial_threshold;
    NO_BONUS otherwise (and when the ratio is unknown). Thresholds are the carrier's, set on the
    Settings sheet; the plan's default is a full bonus below 95%.

    >>> bonus_status(0.88, 0.95)
    'FULL_BONUS'
    """
    if combined_ratio is None or np.isnan(combined_ratio):
        return NO_BONUS
    if combined_ratio < full_threshold:
        return FULL_BONUS
    if combined_ratio < partial_threshold:
        return REDUCED_BONUS
    return NO_BONUS


def bonus_risk(
    combined_ratio: float,
    full_threshold: float = 0.95,
    partial_threshold: float = 1.00,
    watch_margin: float = 0.03,
) -> str:
    """LOW / MEDIUM / HIGH risk of dropping a bonus band.

    LOW: the ratio is more than ``watch_margin`` below the full-bonus threshold. MEDIUM: within the
    margin of it, or in the reduced band but more than the margin below the partial threshold.
    HIGH: within the margin of losing the bonus altogether, or already without one.
    """
    if combined_ratio is None or np.isnan(combined_ratio) or combined_ratio >= partial_threshold:
        return "HIGH"
    if combined_ratio < full_threshold - watch_margin:
        return "LOW"
    if combined_ratio < full_threshold:
        return "MEDIUM"
    return "HIGH" if combined_ratio >= partial_threshold - watch_margin else "MEDIUM"


def estimated_bonus(
    premium: float,
    combined_ratio: float,
    full_threshold: float = 0.95,
    partial_threshold: float = 1.00,
    full_rate: float = 0.01,
    partial_rate: float = 0.005,
) -> float:
    """Estimated bonus in dollars = premium x the bonus rate of the band the combined ratio is in.

    A simplification of carrier profit-sharing grids (which also scale with growth): the rates are
    Settings inputs, the premium is the written premium in force.
    """
    status = bonus_status(combined_ratio, full_threshold, partial_threshold)
    rate = {FULL_BONUS: full_rate, REDUCED_BONUS: partial_rate}.get(status, 0.0)
    return float(premium) * rate


def underwriting_profit(earned_premium, combined_ratio):  # noqa: ANN001, ANN201
    """Underwriting profit in dollars = earned premium x (1 - combined ratio)."""
    out = np.asarray(earned_premium, dtype=float) * (1.0 - np.asarray(combined_ratio, dtype=float))
    return out if out.ndim else float(out)


def month_starts(through: dt.date, months: int) -> pd.DatetimeIndex:
    """The first days of the ``months`` complete months of the window ending at ``through``
    (``periods.window``)."""
    return window(through, months).month_starts()


def exposure_by_month(
    policies: pd.DataFrame, through: dt.date, months: int = 12
) -> pd.DataFrame:
    """Earned premium and earned exposure per product and month, by pro-rata earning, over the
    ``months`` complete months of the window ending at ``through``.

    Each policy earns its annual premium evenly over its days on the books (from its original
    effective date to the day it left, ``households.policy_end_dates``):
    earned premium = annual premium x days covered in the month / 365, and earned exposure
    (policy-years) = days covered / 365. A lapsed policy whose end date the export does not give
    may or may not have earned in a month after its start: its earnings there are unknown (NaN),
    so the month's and the product's totals are NaN, never a guess.

    Assumption: the book of business gives only the current annual premium, so it is applied to
    the policy's whole history (no rate history in the export). Source: Werner & Modlin, Basic
    Ratemaking, ch. 4 (pro-rata earning).

    Returns columns month, product, earned_premium, exposure_years.
    """
    w = window(through, months)
    firsts = w.month_starts()
    lo = firsts.to_numpy("datetime64[D]")
    hi = np.append(lo[1:], np.datetime64(w.end, "D"))
    start = pd.to_datetime(policies["original_effective_date"]).to_numpy("datetime64[D]")
    end = hh.policy_end_dates(policies).to_numpy("datetime64[D]")
    unknown = hh.ends_unknown(policies).to_numpy(bool)
    never = np.datetime64("2200-01-01")
    start = np.where(np.isnat(start), never, start)  # a policy without a start earns nothing
    end = np.where(np.isnat(end), never, end)
    # days covered per policy x month, vectorised: overlap of [start, end) with [lo, hi)
    a = np.maximum(start[:, None], lo[None, :])
    b = np.minimum(end[:, None], hi[None, :])
    days = np.clip((b - a).astype("timedelta64[D]").astype(float), 0, None)
    days[unknown[:, None] & (start[:, None] < hi[None, :])] = np.nan
    premium = pd.to_numeric(policies["annual_premium"], errors="coerce").fillna(0).to_numpy(float)
    earned = days * premium[:, None] / DAYS_PER_YEAR
    exposure = days / DAYS_PER_YEAR
    products = policies["product"].astype(str).to_numpy()
    frames = []
    for product in np.unique(products):
        m = products == product
        frames.append(
            pd.DataFrame({
                "month": firsts,
                "product": product,
                "earned_premium": earned[m].sum(axis=0),  # NaN stays NaN: unknown stays unknown
                "exposure_years": exposure[m].sum(axis=0),
            })
        )
    if not frames:
        return pd.DataFrame({"month": pd.Series(dtype="datetime64[ns]"), "product": pd.Series(dtype=object),
                             "earned_premium": pd.Series(dtype=float), "exposure_years": pd.Series(dtype=float)})
    return pd.concat(frames, ignore_index=True)


def losses_by_month(claims: pd.DataFrame, through: dt.date, months: int = 12) -> pd.DataFrame:
    """Incurred losses and claim counts per product and accident month (month of the loss date),
    over the complete months of the window ending at ``through``.

    Accident-period basis: a claim counts in the month of its loss, at its latest incurred value.
    Returns columns month, product, incurred, claims.
    """
    w = window(through, months)
    c = claims[w.contains(claims["loss_date"])].copy()
    c["month"] = pd.to_datetime(c["loss_date"]).dt.to_period("M").dt.to_timestamp()
    c["incurred_loss"] = pd.to_numeric(c["incurred_loss"], errors="coerce").astype(float)
    g = c.groupby(["month", "product"], observed=True).agg(
        incurred=("incurred_loss", "sum"), claims=("incurred_loss", "size")
    )
    return g.reset_index()


@dataclass
class ProfitabilitySummary:
    """Trailing-12-month profitability of the book (or of some of its lines)."""

    earned_premium: float
    incurred_losses: float
    loss_ratio: float
    combined_ratio: float
    underwriting_profit: float
    claims: int


def product_profitability(
    policies: pd.DataFrame,
    claims: pd.DataFrame,
    through: dt.date,
    expense_ratio: float = 0.25,
    months: int = 12,
) -> pd.DataFrame:
    """Per product over the ``months`` complete months ending at ``through``: earned premium,
    incurred losses, claim count, loss ratio, combined ratio (loss ratio + expense ratio) and
    underwriting profit (earned x (1 - combined)). Products with neither premium nor losses are
    left out; rows are sorted by earned premium, largest first (unknown last). Earned premium is
    NaN (not measurable) for a product with a lapsed policy of unknown end (``exposure_by_month``).
    """
    e = exposure_by_month(policies, through, months)
    by = e.assign(unknown=e["earned_premium"].isna()).groupby("product")
    ex = by["earned_premium"].sum().where(~by["unknown"].any(), np.nan)
    lo = losses_by_month(claims, through, months).groupby("product")[["incurred", "claims"]].sum()
    t = pd.concat([ex.rename("earned_premium"), lo], axis=1)
    t[["incurred", "claims"]] = t[["incurred", "claims"]].fillna(0.0)
    t["earned_premium"] = t["earned_premium"].where(t.index.isin(ex.index), 0.0)  # claims only
    t = t[(t["earned_premium"] > 0) | (t["incurred"] > 0) | t["earned_premium"].isna()]
    t["loss_ratio"] = loss_ratio(t["incurred"].to_numpy(float), t["earned_premium"].to_numpy(float))
    t["combined_ratio"] = combined_ratio(t["loss_ratio"].to_numpy(float), expense_ratio)
    t["underwriting_profit"] = underwriting_profit(
        t["earned_premium"].to_numpy(float), t["combined_ratio"].to_numpy(float)
    )
    t["claims"] = t["claims"].astype(int)
    t = t.rename_axis("product").reset_index().sort_values("earned_premium", ascending=False,
                                                           na_position="last")
    return t.reset_index(drop=True)[
        ["product", "earned_premium", "incurred", "claims", "loss_ratio", "combined_ratio",
         "underwriting_profit"]
    ]


def in_lines(products, lines_outside) -> np.ndarray:  # noqa: ANN001
    """True for the products inside the loss ratio and bonus: every product not named in
    ``lines_outside`` (compared without case). The carrier's profit-sharing is on P&C lines, so
    Life is outside by default (Settings)."""
    outside = {str(x).strip().lower() for x in lines_outside}
    return np.array([str(p).strip().lower() not in outside for p in np.asarray(products, dtype=object)],
                    dtype=bool)


def book_summary(product_table: pd.DataFrame, expense_ratio: float = 0.25,
                 lines_outside: tuple[str, ...] = ()) -> ProfitabilitySummary:
    """Overall figures from a ``product_profitability`` table (ratios of the sums, not means of
    ratios, so large products weigh more), over the products not in ``lines_outside``. Earned
    premium is NaN (not measurable) when any of those products' is."""
    part = product_table[in_lines(product_table["product"], lines_outside)] if len(product_table) else product_table
    earned = float(part["earned_premium"].sum(min_count=1)) if len(part) else 0.0
    earned = math.nan if part["earned_premium"].isna().any() else earned
    incurred = float(part["incurred"].sum())
    lr = loss_ratio(incurred, earned)
    cr = combined_ratio(lr, expense_ratio)
    return ProfitabilitySummary(
        earned_premium=earned,
        incurred_losses=incurred,
        loss_ratio=lr,
        combined_ratio=cr,
        underwriting_profit=underwriting_profit(earned, cr),
        claims=int(part["claims"].sum()),
    )


def monthly_trend(
    policies: pd.DataFrame,
    claims: pd.DataFrame,
    through: dt.date,
    months: int = 12,
    expense_ratio: float = 0.25,
    lines_outside: tuple[str, ...] = (),
    claims_from: dt.date | None = None,
) -> pd.DataFrame:
    """Month by month for the book's lines in the loss ratio (all but ``lines_outside``), over the
    complete months of the window ending at ``through``: earned premium, incurred losses, claim
    count, loss ratio of the month, rolling 12-month loss ratio (sum of the last 12 months' losses
    / premium), combined ratio of the month, claims frequency (claims per 100 policy-years) and
    severity (incurred per claim).

    The rolling ratio needs 11 months before the first shown month, so 11 extra months are
    computed and dropped. Months before ``claims_from`` (the first month the claims exports cover)
    have unknown losses, not zero: their losses, and any rolling ratio that includes them, are
    NaN. Frequency and severity: Werner & Modlin, Basic Ratemaking, ch. 1.
    """
    span = months + 11
    keep_p = policies[in_lines(policies["product"], lines_outside)] if len(policies) else policies
    keep_c = claims[in_lines(claims["product"], lines_outside)] if len(claims) else claims
    ex = exposure_by_month(keep_p, through, span).groupby("month")[
        ["earned_premium", "exposure_years"]].sum(min_count=1)
    lo = losses_by_month(keep_c, through, span).groupby("month")[["incurred", "claims"]].sum()
    index = month_starts(through, span)
    t = pd.DataFrame(index=index).join(ex).join(lo)
    t[["incurred", "claims"]] = t[["incurred", "claims"]].fillna(0.0)
    if ex.empty:
        t[["earned_premium", "exposure_years"]] = 0.0
    if claims_from is not None:
        uncovered = index < pd.Timestamp(claims_from).to_period("M").to_timestamp()
        t.loc[uncovered, ["incurred", "claims"]] = np.nan
    t["loss_ratio"] = loss_ratio(t["incurred"].to_numpy(float), t["earned_premium"].to_numpy(float))
    roll_inc = t["incurred"].rolling(12, min_periods=12).sum()
    roll_ep = t["earned_premium"].rolling(12, min_periods=12).sum()
    t["rolling_12m_loss_ratio"] = loss_ratio(roll_inc.to_numpy(float), roll_ep.to_numpy(float))
    t["combined_ratio"] = combined_ratio(t["loss_ratio"].to_numpy(float), expense_ratio)
    t["frequency_per_100"] = 100 * _ratio(t["claims"].to_numpy(float), t["exposure_years"].to_numpy(float))
    t["severity"] = _ratio(t["incurred"].to_numpy(float), t["claims"].to_numpy(float))
    return t.tail(months).rename_axis("month").reset_index()


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
