"""Segments, part 2: what the households of each tier are worth and cost. The retention each LTV
uses (measured or the fallback), every household's tier, retention and lifetime value, the
summary per tier, and the cost to acquire a household of each tier from the lead log."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models import households as hh
from agency_xl.models.ltv import lifetime_value
from agency_xl.models.periods import window
from agency_xl.models.segments.tiers import TIERS, segment

COUNT_LABELS: tuple[str, ...] = ("1", "2", "3+")  # product-count groups of the retention table


def household_losses(policies: pd.DataFrame, claims: pd.DataFrame, through: dt.date,
                     months: int = 12) -> pd.Series:
    """Incurred losses ($) per household over the ``months`` complete months ending at ``through``
    (``periods.window``, by loss date).

    Claims are tied to households through their policy number in the book of business; claims on
    policies not in the book are left out.
    """
    recent = claims[window(through, months).contains(claims["loss_date"])]
    owner = policies.drop_duplicates("policy_number").set_index("policy_number")["household_id"]
    household = recent["policy_number"].map(owner)
    incurred = pd.to_numeric(recent["incurred_loss"], errors="coerce").fillna(0.0)
    return incurred.groupby(household).sum()


@dataclass
class RetentionUsed:
    """Retention per product-count group ("1", "2", "3+") that every LTV uses, and where it came
    from: measured on the book (household retention) or the fallback."""

    retention: dict[str, float]
    measured: dict[str, bool]
    households: dict[str, int]  # size of the cohort it was measured on
    fallback_source: str = "Settings"  # where a group that was not measured took its retention
    not_measurable: str = ""  # why retention by product count could not be measured ("" when it could)

    def lift(self, products_from: int, products_to: int) -> float:
        """Retention points gained moving a household from one product count to another (NaN when
        the retention by product count was not measurable: the fallback cannot tell them apart)."""
        if self.not_measurable:
            return math.nan
        r = self.retention
        key = lambda n: "3+" if n >= 3 else str(int(n))  # noqa: E731
        return r[key(products_to)] - r[key(products_from)]

    def source(self, label: str) -> str:
        return "measured" if self.measured[label] else self.fallback_source


def retention_for_ltv(retention_table: pd.DataFrame | None, fallback: dict[str, float],
                      min_households: int = 1, fallback_source: str = "Settings") -> RetentionUsed:
    """The retention each product-count group's LTV uses: measured (``retention_by_product_count``,
    households) where its cohort has at least ``min_households`` households, else ``fallback``
    (the growth report's policy retention, or the Settings values; ``fallback_source`` says which).
    When the table says retention by product count is not measurable from the export (lapsed
    policies without end dates), every group takes the fallback: never a perpetuity."""
    rate, measured, size = {}, {}, {}
    rows = retention_table.set_index("products") if retention_table is not None else None
    why = retention_table.attrs.get("not_measurable", "") if retention_table is not None else ""
    for label in COUNT_LABELS:
        n = int(rows.loc[label, "households"]) if rows is not None and label in rows.index else 0
        r = float(rows.loc[label, "retention"]) if n else math.nan
        ok = n >= min_households and np.isfinite(r) and not why
        rate[label], measured[label], size[label] = (r if ok else float(fallback[label])), ok, n
    return RetentionUsed(rate, measured, size, fallback_source, why)


def value_households(households: pd.DataFrame, commission_rate: float, retention: dict[str, float],
                     discount_rate: float = 0.10, low_value_premium: float = 700.0,
                     elite_min_products: int = 3, premium_min_products: int = 2) -> pd.DataFrame:
    """Add tier, retention and LTV to a household table (columns ``products``, ``premium`` and,
    optionally, a boolean ``loss_making``).

    retention: by product-count group "1", "2", "3+" (``RetentionUsed.retention``).
    ltv = lifetime_value(premium, commission_rate, retention of its product count, discount_rate).
    """
    t = households.copy()
    losing = t["loss_making"].to_numpy(bool) if "loss_making" in t else False
    t["tier"] = segment(t["products"].to_numpy(), t["premium"].to_numpy(), low_value_premium,
                        elite_min_products, premium_min_products, losing)
    # Label and retention per distinct product count (a handful), then spread over the households.
    counts, at = np.unique(t["products"].to_numpy(int), return_inverse=True)
    labels = hh.product_count_label(counts) if len(t) else np.array([], dtype=str)
    t["count_group"] = labels[at] if len(t) else []
    t["retention"] = np.array([retention.get(label, np.nan) for label in labels.tolist()], dtype=float)[at]
    t["ltv"] = lifetime_value(t["premium"].to_numpy(float), commission_rate, t["retention"].to_numpy(float),
                              discount_rate) if len(t) else []
    return t


def segment_households(policies: pd.DataFrame, as_of: dt.date, commission_rate: float,
                       retention: dict[str, float], discount_rate: float = 0.10,
                       low_value_premium: float = 700.0, elite_min_products: int = 3,
                       premium_min_products: int = 2, claims: pd.DataFrame | None = None,
                       loss_ratio_limit: float | None = 1.0,
                       households: pd.DataFrame | None = None,
                       claims_through: dt.date | None = None) -> pd.DataFrame:
    """The household table of the book (``households.household_table``) with tier, retention and
    LTV per household (``value_households``). With ``claims`` (and a ``loss_ratio_limit``), each
    household's incurred losses of the 12 complete months ending at ``claims_through`` (default
    ``as_of``) (``losses_12m``) and ``loss_making`` = losses > limit x annual premium.
    ``households``: ``household_table(policies, as_of)`` when it is at hand already (left
    unchanged)."""
    t = hh.household_table(policies, as_of) if households is None else households.copy()
    t["losses_12m"] = 0.0
    t["loss_making"] = False
    if claims is not None and loss_ratio_limit is not None:
        losses = household_losses(policies, claims, claims_through or as_of)
        t["losses_12m"] = t["household_id"].map(losses).fillna(0.0).astype(float)
        t["loss_making"] = t["losses_12m"] > loss_ratio_limit * t["premium"]
    return value_households(t, commission_rate, retention, discount_rate, low_value_premium,
                            elite_min_products, premium_min_products)


def _sum(a: np.ndarray) -> float:
    """Sum skipping NaN, as pandas' Series.sum computes it (NaN as 0, then numpy's sum)."""
    return float(np.where(np.isnan(a), 0.0, a).sum())


def _mean(a: np.ndarray) -> float:
    """Mean skipping NaN, as pandas' Series.mean computes it (that sum / the values that are not
    NaN), on a plain array: a tier's few means cost microseconds instead of a pandas call each."""
    known = int((~np.isnan(a)).sum())
    return _sum(a) / known if known else math.nan


def tier_summary(households: pd.DataFrame, target_ltv_cac: float = 3.0) -> pd.DataFrame:
    """One row per tier, always the four in the plan's order:

    households (count); share of households; avg_premium ($/year); retention (mean of the
    retention its households' LTV uses); avg_ltv ($ per household); total_ltv ($);
    ltv_share (total_ltv / sum over tiers); recommended_cac = avg_ltv / target_ltv_cac, the most
    worth paying to win one household of the tier (3:1 is the usual rule of thumb).
    Shares are NaN when there are no households.
    """
    rows = []
    tiers = households["tier"]
    premium, retention, ltv = (households[c].to_numpy(float) for c in ("premium", "retention", "ltv"))
    for tier in TIERS:
        part = (tiers == tier).to_numpy(bool)
        n = int(part.sum())
        rows.append({
            "tier": tier,
            "households": n,
            "avg_premium": _mean(premium[part]) if n else math.nan,
            "retention": _mean(retention[part]) if n else math.nan,
            "avg_ltv": _mean(ltv[part]) if n else math.nan,
            "total_ltv": _sum(ltv[part]) if n else 0.0,
        })
    # Four rows: the shares in plain Python (the same sums and divisions), one frame at the end.
    total_n = sum(r["households"] for r in rows)
    total_ltv = _sum(np.array([r["total_ltv"] for r in rows]))
    for r in rows:
        r["share"] = r["households"] / total_n if total_n else math.nan
        r["ltv_share"] = r["total_ltv"] / total_ltv if total_ltv else math.nan
        r["recommended_cac"] = r["avg_ltv"] / target_ltv_cac
    columns = ["tier", "households", "share", "avg_premium", "retention", "avg_ltv", "total_ltv",
               "ltv_share", "recommended_cac"]
    return pd.DataFrame({c: [r[c] for r in rows] for c in columns})


def cac_by_tier(leads: pd.DataFrame, through: dt.date | None = None, months: int | None = 12,
                low_value_premium: float = 700.0, elite_min_products: int = 3,
                premium_min_products: int = 2) -> pd.DataFrame:
    """Cost to acquire one household per tier, measured on the lead log.

    A lead's tier is ``segment(products quoted, quoted premium)``; leads without products quoted
    cannot be tiered and are left out. A one-product lead not (yet) quoted counts as Standard;
    but when no lead in the window has a quoted premium at all (the column is optional),
    Standard and Low-Value cannot be told apart and their one-product leads are left out (their
    CAC then comes from Settings) rather than all counted as Standard. CAC = lead spend of the tier / leads sold in it (every
    lead costs, sold or not). With ``through`` and ``months``, only leads dated in the ``months``
    complete months ending at ``through`` (``periods.window``).
    Returns one row per tier: tier, leads, spend, sold, cac (NaN when none sold).
    """
    lead = leads
    if through is not None and months:
        lead = lead[window(through, months).contains(lead["lead_date"])]
    products = pd.to_numeric(lead["products_quoted"], errors="coerce").to_numpy(float)
    premium = pd.to_numeric(lead["quoted_premium"], errors="coerce").to_numpy(float)
    tier = np.asarray(segment(products, premium, low_value_premium, elite_min_products, premium_min_products),
                      dtype=object)
    if not np.isfinite(premium).any():
        tier = np.where(products < premium_min_products, "", tier)
    cost = pd.to_numeric(lead["cost"], errors="coerce").fillna(0.0).to_numpy(float)
    sold = (lead["status"] == "Sold").to_numpy(bool)
    rows = []
    for t in TIERS:
        m = np.asarray(tier == t, dtype=bool)
        spend, won = float(cost[m].sum()), int(sold[m].sum())
        rows.append([t, int(m.sum()), spend, won, spend / won if won else math.nan])
    return pd.DataFrame(rows, columns=["tier", "leads", "spend", "sold", "cac"])
