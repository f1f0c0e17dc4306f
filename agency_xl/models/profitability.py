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
from dataclasses import dataclass

import numpy as np
import pandas as pd

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


def _coverage(policies: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (as datetime64[D]) of each policy's time on the books.

    Start: original effective date. End: cancel date for cancelled policies, expiration date for
    expired ones, open-ended (far future) for policies in force or pending.
    """
    start = pd.to_datetime(policies["original_effective_date"]).to_numpy("datetime64[D]")
    status = policies["status"].astype(str).to_numpy()
    cancel = pd.to_datetime(policies["cancel_date"]).to_numpy("datetime64[D]")
    expire = pd.to_datetime(policies["expiration_date"]).to_numpy("datetime64[D]")
    far = np.datetime64("2200-01-01")
    end = np.full(len(policies), far, dtype="datetime64[D]")
    is_cancel = status == "Cancelled"
    is_expired = status == "Expired"
    end[is_cancel] = np.where(np.isnat(cancel[is_cancel]), far, cancel[is_cancel])
    end[is_expired] = np.where(np.isnat(expire[is_expired]), far, expire[is_expired])
    start = np.where(np.isnat(start), far, start)  # a policy without a start earns nothing
    return start, end


def month_starts(as_of: dt.date, months: int) -> pd.DatetimeIndex:
    """The first days of the ``months`` whole or partial months ending with ``as_of``'s month."""
    last = pd.Timestamp(as_of).to_period("M")
    return pd.period_range(last - (months - 1), last, freq="M").to_timestamp()


def exposure_by_month(
    policies: pd.DataFrame, as_of: dt.date, months: int = 12
) -> pd.DataFrame:
    """Earned premium and earned exposure per product and month, by pro-rata earning.

    Each policy earns its annual premium evenly over its days on the books:
    earned premium = annual premium x days covered in the month / 365, and earned exposure
    (policy-years) = days covered / 365. The month containing ``as_of`` is counted up to and
    including ``as_of``.

    Assumption: the book of business gives only the current annual premium, so it is applied to
    the policy's whole history (no rate history in the export). Source: Werner & Modlin, Basic
    Ratemaking, ch. 4 (pro-rata earning).

    Returns columns month, product, earned_premium, exposure_years.
    """
    firsts = month_starts(as_of, months)
    lo = firsts.to_numpy("datetime64[D]")
    hi = np.append(lo[1:], np.datetime64(pd.Timestamp(as_of) + pd.Timedelta(days=1), "D"))
    start, end = _coverage(policies)
    # days covered per policy x month, vectorised: overlap of [start, end) with [lo, hi)
    a = np.maximum(start[:, None], lo[None, :])
    b = np.minimum(end[:, None], hi[None, :])
    days = np.clip((b - a).astype("timedelta64[D]").astype(float), 0, None)
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
                "earned_premium": earned[m].sum(axis=0),
                "exposure_years": exposure[m].sum(axis=0),
            })
        )
    if not frames:
        return pd.DataFrame(columns=["month", "product", "earned_premium", "exposure_years"])
    return pd.concat(frames, ignore_index=True)


def losses_by_month(claims: pd.DataFrame, as_of: dt.date, months: int = 12) -> pd.DataFrame:
    """Incurred losses and claim counts per product and accident month (month of the loss date).

    Accident-period basis: a claim counts in the month of its loss, at its latest incurred value.
    Returns columns month, product, incurred, claims.
    """
    firsts = month_starts(as_of, months)
    c = claims.copy()
    c["month"] = pd.to_datetime(c["loss_date"]).dt.to_period("M").dt.to_timestamp()
    c = c[(c["month"] >= firsts[0]) & (c["month"] <= firsts[-1])]
    c = c[pd.to_datetime(c["loss_date"]) <= pd.Timestamp(as_of)]
    g = c.groupby(["month", "product"], observed=True).agg(
        incurred=("incurred_loss", "sum"), claims=("incurred_loss", "size")
    )
    return g.reset_index()


@dataclass
class ProfitabilitySummary:
    """Trailing-12-month profitability of the book."""

    earned_premium: float
    incurred_losses: float
    loss_ratio: float
    combined_ratio: float
    underwriting_profit: float
    claims: int


def product_profitability(
    policies: pd.DataFrame,
    claims: pd.DataFrame,
    as_of: dt.date,
    expense_ratio: float = 0.25,
    months: int = 12,
) -> pd.DataFrame:
    """Per product over the last ``months`` months: earned premium, incurred losses, claim count,
    loss ratio, combined ratio (loss ratio + expense ratio) and underwriting profit
    (earned x (1 - combined)). Products with neither premium nor losses are left out; rows are
    sorted by earned premium, largest first.
    """
    ex = exposure_by_month(policies, as_of, months).groupby("product")["earned_premium"].sum()
    lo = losses_by_month(claims, as_of, months).groupby("product")[["incurred", "claims"]].sum()
    t = pd.concat([ex, lo], axis=1).fillna(0.0)
    t = t[(t["earned_premium"] > 0) | (t["incurred"] > 0)]
    t["loss_ratio"] = loss_ratio(t["incurred"].to_numpy(), t["earned_premium"].to_numpy())
    t["combined_ratio"] = combined_ratio(t["loss_ratio"].to_numpy(), expense_ratio)
    t["underwriting_profit"] = underwriting_profit(
        t["earned_premium"].to_numpy(), t["combined_ratio"].to_numpy()
    )
    t["claims"] = t["claims"].astype(int)
    t = t.rename_axis("product").reset_index().sort_values("earned_premium", ascending=False)
    return t.reset_index(drop=True)[
        ["product", "earned_premium", "incurred", "claims", "loss_ratio", "combined_ratio",
         "underwriting_profit"]
    ]


def book_summary(product_table: pd.DataFrame, expense_ratio: float = 0.25) -> ProfitabilitySummary:
    """Overall figures from a ``product_profitability`` table (ratios of the sums, not means of
    ratios, so large products weigh more)."""
    earned = float(product_table["earned_premium"].sum())
    incurred = float(product_table["incurred"].sum())
    lr = loss_ratio(incurred, earned)
    cr = combined_ratio(lr, expense_ratio)
    return ProfitabilitySummary(
        earned_premium=earned,
        incurred_losses=incurred,
        loss_ratio=lr,
        combined_ratio=cr,
        underwriting_profit=underwriting_profit(earned, cr),
        claims=int(product_table["claims"].sum()),
    )


def monthly_trend(
    policies: pd.DataFrame,
    claims: pd.DataFrame,
    as_of: dt.date,
    months: int = 12,
    expense_ratio: float = 0.25,
) -> pd.DataFrame:
    """Month by month for the whole book: earned premium, incurred losses, claim count, loss ratio
    of the month, rolling 12-month loss ratio (sum of the last 12 months' losses / premium),
    combined ratio of the month, claims frequency (claims per 100 policy-years) and severity
    (incurred per claim).

    The rolling ratio needs 11 months before the first shown month, so 11 extra months are
    computed and dropped. Frequency and severity: Werner & Modlin, Basic Ratemaking, ch. 1.
    """
    span = months + 11
    ex = exposure_by_month(policies, as_of, span).groupby("month")[
        ["earned_premium", "exposure_years"]].sum()
    lo = losses_by_month(claims, as_of, span).groupby("month")[["incurred", "claims"]].sum()
    t = pd.DataFrame(index=month_starts(as_of, span)).join(ex).join(lo).fillna(0.0)
    t["loss_ratio"] = loss_ratio(t["incurred"].to_numpy(), t["earned_premium"].to_numpy())
    roll_inc = t["incurred"].rolling(12, min_periods=12).sum()
    roll_ep = t["earned_premium"].rolling(12, min_periods=12).sum()
    t["rolling_12m_loss_ratio"] = loss_ratio(roll_inc.to_numpy(), roll_ep.to_numpy())
    t["combined_ratio"] = combined_ratio(t["loss_ratio"].to_numpy(), expense_ratio)
    t["frequency_per_100"] = 100 * _ratio(t["claims"].to_numpy(), t["exposure_years"].to_numpy())
    t["severity"] = _ratio(t["incurred"].to_numpy(), t["claims"].to_numpy())
    t["claims"] = t["claims"].astype(int)
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
    revenue_growth: float  # earned premium, last 12 months vs the 12 before
    profit_growth: float  # underwriting profit, same periods
    gap: float  # revenue growth - profit growth
    warning: bool  # gap > threshold
    message: str


def profit_vs_revenue_growth(
    revenue_now: float,
    revenue_before: float,
    profit_now: float,
    profit_before: float,
    warning_threshold: float = 0.05,
) -> GrowthGap:
    """Compare revenue growth with profit growth and warn when profit lags by more than the
    threshold (the plan: 15% revenue growth with 8% profit growth is a 7-point gap -> warning at 5%).

    gap = revenue growth - profit growth; warning when gap > warning_threshold.
    """
    rg = float(growth_rate(revenue_now, revenue_before))
    pg = float(growth_rate(profit_now, profit_before))
    gap = rg - pg
    warn = bool(np.isfinite(gap) and gap > warning_threshold)
    if not np.isfinite(gap):
        msg = "Not enough history to compare growth (needs 24 months of premium and claims)."
    elif warn:
        msg = (f"Profit is growing {gap:.1%} slower than revenue (limit {warning_threshold:.0%}): "
               "losses are rising faster than premium.")
    else:
        msg = f"Profit growth keeps pace with revenue growth (gap {gap:.1%}, limit {warning_threshold:.0%})."
    return GrowthGap(rg, pg, gap, warn, msg)


def annual_comparison(
    policies: pd.DataFrame, claims: pd.DataFrame, as_of: dt.date, expense_ratio: float = 0.25
) -> dict[str, float]:
    """Earned premium and underwriting profit for the last 12 months and the 12 months before."""
    t = monthly_trend(policies, claims, as_of, months=24, expense_ratio=expense_ratio)
    prev, last = t.iloc[:12], t.iloc[12:]

    def profit(part: pd.DataFrame) -> float:
        ep = part["earned_premium"].sum()
        cr = combined_ratio(loss_ratio(part["incurred"].sum(), ep), expense_ratio)
        return underwriting_profit(ep, cr)

    return {
        "revenue_before": float(prev["earned_premium"].sum()),
        "revenue_now": float(last["earned_premium"].sum()),
        "profit_before": float(profit(prev)),
        "profit_now": float(profit(last)),
    }
