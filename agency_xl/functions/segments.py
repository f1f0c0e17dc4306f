"""Worksheet functions of the segments model: a household's tier, the tier table, the marketing
allocation and the upgrade opportunity."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.assumptions.general import GeneralSettings
from agency_xl.assumptions.segments import SegmentsSettings
from agency_xl.functions.catalog import (
    ArgError,
    _excel_error,
    _is_missing,
    flat,
    integer,
    number,
    numbers,
    text,
    worksheet_function,
)
from agency_xl.models import segments as m

CATEGORY = "Agency - Segments"
GENERAL = GeneralSettings()  # discount and commission rates are shared by every model
DEFAULTS = SegmentsSettings()
TIER_LIST = "Elite; Premium; Standard; Low-Value"


def _tier_rules(low_value_premium: Any, elite_min_products: Any, premium_min_products: Any) -> tuple[float, int, int]:
    low = number(low_value_premium, "low_value_premium", 0, 1e7, default=DEFAULTS.low_value_premium)
    elite = integer(elite_min_products, "elite_min_products", 2, 20, default=DEFAULTS.elite_min_products)
    premium = integer(premium_min_products, "premium_min_products", 2, 20,
                      default=min(DEFAULTS.premium_min_products, elite))
    if premium > elite:
        raise ArgError("premium_min_products must not be above elite_min_products")
    return low, elite, premium


def _per_tier(x: Any, name: str, lo: float, hi: float, default: list[float] | float | None = None) -> np.ndarray:
    """Four values, one per tier (Elite, Premium, Standard, Low-Value); one value means all four."""
    if all(_is_missing(v) for v in flat(x)):
        if default is None:
            raise ArgError(f"{name} is empty; expected 4 values ({TIER_LIST})")
        return np.broadcast_to(np.asarray(default, dtype=float), (4,)).copy()
    values = numbers(x, name, lo, hi)
    if values.size == 1:
        return np.full(4, values[0])
    if values.size != 4:
        raise ArgError(f"{name} must hold 4 values ({TIER_LIST}), not {values.size}")
    return values


@worksheet_function(
    CATEGORY,
    "A household's tier: Elite (3+ products), Premium (2), Standard (1), Low-Value (1 product, "
    "premium below the threshold). Thresholds default to the Settings defaults.",
    {
        "products": "Number of products the household has in force, e.g. 2.",
        "annual_premium": "Optional. The household's annual premium in $. Without it a one-product "
                          "household is Standard.",
        "low_value_premium": "Optional. One-product households below this premium are Low-Value. Default 700.",
        "elite_min_products": "Optional. Products needed for Elite. Default 3.",
        "premium_min_products": "Optional. Products needed for Premium. Default 2.",
    },
    example="1, 450",
    returns="text",
    unit="text",
)
def SEGMENT(products: Any, annual_premium: Any = None, low_value_premium: Any = None,
            elite_min_products: Any = None, premium_min_products: Any = None) -> str:
    n = integer(products, "products", 1, 1000)
    premium = number(annual_premium, "annual_premium", 0, 1e9) if not _is_missing(annual_premium) else math.nan
    low, elite, prem = _tier_rules(low_value_premium, elite_min_products, premium_min_products)
    return m.segment(n, premium, low, elite, prem)


SUMMARY_HEADER = ["Tier", "Products", "Households", "Share", "Avg premium", "Retention", "Avg LTV",
                  "Total LTV", "LTV contribution", "Recommended CAC"]


def _plain_household_rows(prods: list[Any], prems: list[Any]) -> pd.DataFrame | None:
    """``_household_rows`` at numpy's speed for the usual case: every cell a number or blank (as
    Excel hands them over) and every row valid. None when any cell needs the cell-by-cell checks,
    which then name it."""
    kinds = set(map(type, prods)) | set(map(type, prems))
    if len(prods) != len(prems) or not kinds <= {float, type(None)}:
        return None
    p, q = np.array(prods, dtype=float), np.array(prems, dtype=float)  # blank -> NaN
    if type(None) in kinds:  # rows blank in both are the selection's trailing rows: skipped
        blank_p = np.array([v is None for v in prods], dtype=bool)
        blank_q = np.array([v is None for v in prems], dtype=bool)
        row = ~(blank_p & blank_q)
        p, q = p[row], q[row]
    with np.errstate(invalid="ignore"):
        ok = (np.isfinite(p) & (p >= 1) & (p <= 1000) & (p == np.floor(p))
              & np.isfinite(q) & (q >= 0) & (q <= 1e9))
    if not len(p) or not ok.all():
        return None
    return pd.DataFrame({"products": p.astype(np.int64), "premium": q})


def _household_rows(products_range: Any, premium_range: Any) -> pd.DataFrame:
    prods, prems = flat(products_range), flat(premium_range)
    fast = _plain_household_rows(prods, prems)
    if fast is not None:
        return fast
    for name, cells in (("products_range", prods), ("premium_range", prems)):
        for i, v in enumerate(cells, start=1):
            if _excel_error(v):
                raise ArgError(f"{name} item {i} is an Excel error ({_excel_error(v)})")
    if len(prods) != len(prems):
        raise ArgError(f"products_range ({len(prods)} cells) and premium_range ({len(prems)} cells) "
                       "must be the same size")
    rows = []
    for i, (p, q) in enumerate(zip(prods, prems), start=1):
        if _is_missing(p) and _is_missing(q):
            continue  # trailing blank rows of a selected range
        rows.append((integer(p, f"products_range item {i}", 1, 1000),
                     number(q, f"premium_range item {i}", 0, 1e9)))
    if not rows:
        raise ArgError("products_range has no households")
    return pd.DataFrame(rows, columns=["products", "premium"])


@worksheet_function(
    CATEGORY,
    "Spills the tier table from one row per household: count, share, avg premium, retention, LTV, "
    "LTV contribution and recommended CAC (LTV / target LTV:CAC).",
    {
        "products_range": "Range: products in force per household, one household per row.",
        "premium_range": "Range: annual premium in $ per household, same rows as products_range.",
        "commission_rate": "Optional. Commission as a share of premium. Default 0.07.",
        "retention": "Optional. Annual retention for 1, 2 and 3+ products, 3 cells. Default {0.72;0.91;0.97}.",
        "discount_rate": "Optional. Annual discount rate of the LTV. Default 0.10.",
        "target_ltv_cac": "Optional. Target LTV:CAC ratio for the recommended CAC. Default 3.",
        "low_value_premium": "Optional. One-product households below this premium are Low-Value. Default 700.",
    },
    example="{3;2;2;1;1;1}, {4500;2500;2700;1300;1100;450}, 0.07, {0.72;0.91;0.97}",
    returns="table",
    unit="table",
    kinds={"products_range": "range", "premium_range": "range", "retention": "range"},
)
def SEGMENT_SUMMARY(products_range: Any, premium_range: Any, commission_rate: Any = None,
                    retention: Any = None, discount_rate: Any = None, target_ltv_cac: Any = None,
                    low_value_premium: Any = None) -> list[list[Any]]:
    households = _household_rows(products_range, premium_range)
    rate = number(commission_rate, "commission_rate", 0, 1, default=GENERAL.commission_rate)
    if all(_is_missing(v) for v in flat(retention)):
        kept = DEFAULTS.retention_fallback()
    else:
        r = numbers(retention, "retention", 0, 1)
        if r.size != 3:
            raise ArgError(f"retention must hold 3 values (1, 2 and 3+ products), not {r.size}")
        kept = dict(zip(m.COUNT_LABELS, r.tolist()))
    disc = number(discount_rate, "discount_rate", 0, 1, default=GENERAL.discount_rate)
    target = number(target_ltv_cac, "target_ltv_cac", 0.01, 100, default=DEFAULTS.target_ltv_cac)
    low = number(low_value_premium, "low_value_premium", 0, 1e7, default=DEFAULTS.low_value_premium)
    valued = m.value_households(households, rate, kept, disc, low)
    t = m.tier_summary(valued, target)
    out: list[list[Any]] = [list(SUMMARY_HEADER)]
    columns = ["tier", "households", "share", "avg_premium", "retention", "avg_ltv", "total_ltv", "ltv_share",
               "recommended_cac"]
    for tier, *values in zip(*(t[c].tolist() for c in columns)):  # four rows: plain lists, not itertuples
        out.append([tier, m.tier_products_label(tier), *values])
    avg_ltv = float(valued["ltv"].mean())
    out.append(["Total", "", len(valued), 1.0, float(valued["premium"].mean()),
                float(valued["retention"].mean()), avg_ltv, float(valued["ltv"].sum()), 1.0,
                avg_ltv / target])
    return out


ALLOCATION_HEADER = ["Tier", "Current share", "Current $", "Recommended share", "Recommended $",
                     "Households won (current)", "Households won (recommended)"]


@worksheet_function(
    CATEGORY,
    "Spills the current and recommended split of a marketing budget over the 4 tiers and the "
    "expected ROI of each: 1% steps go where they win most LTV, within min/max shares.",
    {
        "budget": "Marketing budget in $, e.g. 50000.",
        "ltv": "Range of 4 LTVs in $ per household won: Elite, Premium, Standard, Low-Value.",
        "cac": "Range of 4 costs in $ to win one household at today's spend, same order.",
        "current_shares": "Optional. Today's split, 4 shares adding up to 1. Default {0.2;0.3;0.35;0.15}.",
        "min_shares": "Optional. Least share per tier: one value or 4. Default 0.05.",
        "max_shares": "Optional. Largest share per tier: one value or 4. Default 0.5.",
        "diminishing": "Optional. Doubling a tier's spend wins 2^this times the households (0-1]. Default 0.6.",
    },
    example="50000, {18000;9000;4500;1800}, {1350;820;520;280}, {0.2;0.3;0.35;0.15}",
    returns="table",
    unit="table",
    kinds={"ltv": "range", "cac": "range", "current_shares": "range", "min_shares": "range",
           "max_shares": "range"},
)
def MARKETING_ALLOCATION(budget: Any, ltv: Any, cac: Any, current_shares: Any = None, min_shares: Any = None,
                         max_shares: Any = None, diminishing: Any = None) -> list[list[Any]]:
    b = number(budget, "budget", 0.01, 1e10)
    values = _per_tier(ltv, "ltv", -1e9, 1e9)
    costs = _per_tier(cac, "cac", 0.01, 1e9)
    cur = _per_tier(current_shares, "current_shares", 0, 1, DEFAULTS.current_shares())
    if abs(cur.sum() - 1) > 1e-6:
        raise ArgError(f"current_shares add up to {cur.sum():.1%}; they must add up to 100%")
    lo = _per_tier(min_shares, "min_shares", 0, 1, DEFAULTS.min_share_elite)
    hi = _per_tier(max_shares, "max_shares", 0, 1, DEFAULTS.max_share_elite)
    beta = number(diminishing, "diminishing", 0.01, 1, default=DEFAULTS.diminishing_returns)
    if (lo > hi + 1e-12).any():  # say which arguments clash, in their own names
        raise ArgError("min_shares is above max_shares for a tier; each tier's minimum must not exceed its maximum")
    try:
        a = m.optimise_allocation(b, values, costs, cur, lo, hi, beta)
    except ValueError as exc:
        raise ArgError(str(exc)) from None
    out: list[list[Any]] = [list(ALLOCATION_HEADER)]
    for i, tier in enumerate(a.tiers):
        out.append([tier, a.current_shares[i], a.current_spend[i], a.recommended_shares[i],
                    a.recommended_spend[i], a.current_customers[i], a.recommended_customers[i]])
    out.append(["Expected ROI", a.current_roi, "", a.recommended_roi, "", "", ""])
    return out


@worksheet_function(
    CATEGORY,
    "Upgrade opportunity in $ = customers x upgrade rate (rounded half up) x LTV gain per upgrade. "
    "450, 15%, $4,500 gives 68 upgrades and $306,000.",
    {
        "customers": "Households that could move up a tier, e.g. 450 one-product households.",
        "upgrade_rate": "Share of them expected to upgrade, e.g. 0.15.",
        "ltv_gain": "Lifetime value gained per upgraded household in $, e.g. 4500.",
        "result": 'Optional. "value" ($, the default) or "upgrades" (the number of households).',
    },
    example="450, 0.15, 4500",
    unit="$",
    kinds={"result": "text"},
)
def UPGRADE_OPPORTUNITY(customers: Any, upgrade_rate: Any, ltv_gain: Any, result: Any = None) -> float:
    n = number(customers, "customers", 0, 1e8)
    rate = number(upgrade_rate, "upgrade_rate", 0, 1)
    gain = number(ltv_gain, "ltv_gain", -1e9, 1e9)
    what = text(result, "result", ("value", "upgrades"), default="value")
    o = m.upgrade_opportunity(n, rate, gain)
    return o.value if what == "value" else o.upgrades
