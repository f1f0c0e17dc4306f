"""Profitability, part 2: the book over a window. Earned premium and exposure by pro-rata earning,
incurred losses by accident month, and from them the profitability per product, of the book and
month by month."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models import households as hh
from agency_xl.models.periods import window
from agency_xl.models.profitability.ratios import combined_ratio, loss_ratio, underwriting_profit
from agency_xl.models.scalars import safe_ratio as _ratio

DAYS_PER_YEAR = 365.0


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
