"""Customer segments: tiers of households by products and premium, their lifetime value, where the
marketing budget earns most, and what upgrading customers to the next tier is worth.

Tiers (the plan's four, thresholds are Settings inputs):
    Elite      households with ``elite_min_products`` (3) or more products in force
    Premium    ``premium_min_products`` (2) up to the Elite threshold
    Standard   one product
    Low-Value  one product and annual premium below ``low_value_premium`` - or, when the claims
               export is there, one product and loss-making (claims of the last 12 months above
               ``loss_ratio_limit`` x its annual premium).

Lifetime value of a household is ``agency_xl.models.ltv.lifetime_value`` of its premium, the
commission rate (measured on the commission statements), the retention MEASURED on the book for its
product count (``households.retention_by_product_count``) and the discount rate.

Marketing allocation: the budget is handed out in steps (1% of it) to the tier whose next step
buys the most lifetime value, within min/max shares per tier; a tier's returns diminish as its
spend grows. See ``optimise_allocation``.

Functions take scalars or numpy arrays where that makes sense and return NaN (not an error) where a
figure has nothing to be measured on, like the profitability model.

References: Gupta & Lehmann (2003), "Customers as assets" (LTV); Ibaraki & Katoh (1988), "Resource
Allocation Problems", ch. 4 (greedy steps are optimal for separable concave returns with bounds);
Hanssens, Parsons & Schultz (2001), "Market Response Models", ch. 3 (power response
``sales ~ spend^beta`` with 0 < beta < 1 for diminishing returns to marketing).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models import households as hh
from agency_xl.models.ltv import (  # noqa: F401
    COMMISSIONED_TYPES,
    lifetime_value,
    measured_commission_rate,
)
from agency_xl.models.periods import window
from agency_xl.models.scalars import plain

ELITE, PREMIUM, STANDARD, LOW_VALUE = "Elite", "Premium", "Standard", "Low-Value"
TIERS: tuple[str, ...] = (ELITE, PREMIUM, STANDARD, LOW_VALUE)
COUNT_LABELS: tuple[str, ...] = ("1", "2", "3+")
_TIER_NAMES = np.array(["", ELITE, PREMIUM, LOW_VALUE, STANDARD], dtype=object)  # by ``segment``'s rule  # product-count groups of the retention table


# --- tiers ---------------------------------------------------------------------------------------

def segment(products, annual_premium=np.nan, low_value_premium=700.0, elite_min_products=3,  # noqa: ANN001, ANN201
            premium_min_products=2, loss_making=False):
    """The tier of a household: "Elite", "Premium", "Standard", "Low-Value" ("" below 1 product).

    products: distinct products in force (count). annual_premium: $ per year in force (NaN =
    unknown, never Low-Value on premium). loss_making: True when its claims make it unprofitable.
    Rules, in order: products >= elite_min_products -> Elite; >= premium_min_products -> Premium;
    otherwise (one product) Low-Value when premium < low_value_premium or loss-making, else
    Standard. Vectorised over arrays.

    >>> segment(3), segment(2), segment(1, 1500), segment(1, 400)
    ('Elite', 'Premium', 'Standard', 'Low-Value')
    """
    if plain(products, annual_premium, loss_making):  # one household
        n, premium = float(products), float(annual_premium)
        if math.isnan(n) or n < 1:
            return ""
        if n >= elite_min_products:
            return ELITE
        if n >= premium_min_products:
            return PREMIUM
        low = (premium < low_value_premium and not math.isnan(premium)) or bool(loss_making)
        return LOW_VALUE if low else STANDARD
    n = np.asarray(products, dtype=float)
    premium = np.asarray(annual_premium, dtype=float)
    losing = np.asarray(loss_making, dtype=bool)
    low = ((premium < low_value_premium) & ~np.isnan(premium)) | losing
    # rule number per household, then its name: cheaper than selecting among strings
    rule = np.select([np.isnan(n) | (n < 1), n >= elite_min_products, n >= premium_min_products, low],
                     [0, 1, 2, 3], 4)
    return _TIER_NAMES[rule] if rule.ndim else str(_TIER_NAMES[int(rule)])


def tier_products_label(tier: str, elite_min_products: int = 3, premium_min_products: int = 2) -> str:
    """How many products a tier holds, as the owner reads it: "3+", "2", "1"."""
    if tier == ELITE:
        return f"{elite_min_products}+"
    if tier == PREMIUM:
        top = elite_min_products - 1
        return str(premium_min_products) if top <= premium_min_products else f"{premium_min_products}-{top}"
    return "1" if premium_min_products <= 2 else f"1-{premium_min_products - 1}"


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


# --- measured inputs -----------------------------------------------------------------------------

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


# --- marketing allocation ------------------------------------------------------------------------

def customers_from_spend(spend, reference_spend, cac, diminishing=0.6):  # noqa: ANN001, ANN201
    """Households won by spending ``spend`` $ on a tier whose cost per household is ``cac`` at
    ``reference_spend``: n = (reference_spend / cac) x (spend / reference_spend) ^ diminishing.

    diminishing (0 < beta <= 1): 1 means every dollar buys as much as the last; 0.6 means doubling
    the spend wins 2^0.6 = 1.52 times the households. Power response: Hanssens et al. (2001).
    Returns 0 for no spend, NaN where cac is not a positive number.
    """
    x = np.asarray(spend, dtype=float)
    ref = np.asarray(reference_spend, dtype=float)
    c = np.asarray(cac, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = (ref / c) * np.power(np.clip(x, 0, None) / ref, diminishing)
    n = np.where(c > 0, np.where(x > 0, n, 0.0), np.nan)
    return n if n.ndim else float(n)


def allocation_roi(spend, ltv, customers):  # noqa: ANN001, ANN201
    """Expected ROI of a marketing spend = (sum of households won x LTV - spend) / spend.

    The same definition for every tier and the blend (the leads model's vendor ROI); a ratio
    (8.5 = 850%). Tiers with an unknown LTV or CAC add no value. NaN when nothing is spent.
    """
    x = np.asarray(spend, dtype=float)
    value = np.nansum(np.asarray(customers, dtype=float) * np.asarray(ltv, dtype=float))
    total = float(x.sum())
    return (value - total) / total if total > 0 else math.nan


@dataclass
class Allocation:
    """Current and recommended split of a marketing budget over the tiers."""

    tiers: tuple[str, ...]
    budget: float
    ltv: np.ndarray  # $ per household won, per tier
    cac: np.ndarray  # $ per household won at the reference spend, per tier
    current_shares: np.ndarray
    recommended_shares: np.ndarray
    current_customers: np.ndarray
    recommended_customers: np.ndarray
    current_roi: float
    recommended_roi: float
    diminishing: float
    step: float

    @property
    def current_spend(self) -> np.ndarray:
        return self.current_shares * self.budget

    @property
    def recommended_spend(self) -> np.ndarray:
        return self.recommended_shares * self.budget


ALLOCATION_RULE = (
    "The budget is handed out 1% at a time; each step goes to the tier where it wins the most "
    "lifetime value (households won x LTV), within each tier's min and max share. Returns "
    "diminish: doubling a tier's spend wins 2^beta times the households (beta from Settings), "
    "starting from the measured cost per household at today's spend."
)


def _check_shares(name: str, shares: np.ndarray, k: int) -> None:
    if shares.shape != (k,):
        raise ValueError(f"{name} needs {k} values, one per tier; got {shares.size}")
    if np.any(~np.isfinite(shares)) or np.any(shares < 0) or np.any(shares > 1):
        raise ValueError(f"{name} must be shares between 0 and 1")


def optimise_allocation(budget: float, ltv, cac, current_shares, min_shares=0.05, max_shares=0.50,  # noqa: ANN001
                        diminishing: float = 0.6, step: float = 0.01,
                        tiers: tuple[str, ...] = TIERS) -> Allocation:
    """Recommended split of ``budget`` ($) over the tiers, and the expected ROI of the current and
    the recommended split.

    Rule (explicit and greedy): start every tier at its minimum share, then hand out the rest in
    steps of ``step`` x budget; each step goes to the tier, below its maximum share, whose
    households won rise most in lifetime value: gain = LTV x (n(x + step) - n(x)), with
    n = ``customers_from_spend`` (cost per household ``cac`` at the tier's current spend - an even
    split where the current share is 0 - and returns diminishing with exponent ``diminishing``).
    Ties go to the earlier tier. Because each tier's value is concave in its spend, this greedy
    split is the best one on the grid of steps (Ibaraki & Katoh 1988), so any current split on the
    grid and within the caps has an ROI at most the recommended one.

    ltv, cac, current_shares, min_shares, max_shares: one value per tier (scalars broadcast).
    Current shares must add up to 1; min shares at most 1, max shares at least 1 in total.
    Unknown (NaN) LTV or CAC: the tier wins nothing and only keeps its minimum.
    """
    k = len(tiers)
    ltv_a = np.broadcast_to(np.asarray(ltv, dtype=float), (k,)).copy()
    cac_a = np.broadcast_to(np.asarray(cac, dtype=float), (k,)).copy()
    cur = np.asarray(current_shares, dtype=float).reshape(-1)
    lo = np.broadcast_to(np.asarray(min_shares, dtype=float), (k,)).copy()
    hi = np.broadcast_to(np.asarray(max_shares, dtype=float), (k,)).copy()
    for name, arr in (("current shares", cur), ("min shares", lo), ("max shares", hi)):
        _check_shares(name, arr, k)
    if not (budget > 0 and math.isfinite(budget)):
        raise ValueError("budget must be a positive amount")
    if not 0 < diminishing <= 1:
        raise ValueError("diminishing returns exponent must be above 0 and at most 1")
    if abs(cur.sum() - 1) > 1e-6:
        raise ValueError(f"current shares add up to {cur.sum():.1%}, not 100%")
    if np.any(lo > hi + 1e-12):
        raise ValueError("a tier's min share is above its max share")
    n_steps = round(1 / step)
    if abs(n_steps * step - 1) > 1e-9:
        raise ValueError("step must divide 1 (e.g. 0.01)")
    lo_steps = np.ceil(lo * n_steps - 1e-9).astype(int)
    hi_steps = np.floor(hi * n_steps + 1e-9).astype(int)
    if lo_steps.sum() > n_steps:
        raise ValueError(f"min shares add up to {lo.sum():.0%}, more than 100%")
    if hi_steps.sum() < n_steps:
        raise ValueError(f"max shares add up to {hi.sum():.0%}, less than 100%")

    reference = np.where(cur > 0, cur, 1.0 / k) * budget
    usable = np.isfinite(ltv_a) & np.isfinite(cac_a) & (cac_a > 0)

    def value(i: int, steps: int) -> float:
        if not usable[i]:
            return 0.0
        return ltv_a[i] * customers_from_spend(steps * step * budget, reference[i], cac_a[i], diminishing)

    alloc = lo_steps.copy()
    for _ in range(n_steps - int(alloc.sum())):
        gains = [value(i, alloc[i] + 1) - value(i, alloc[i]) if alloc[i] < hi_steps[i] else -math.inf
                 for i in range(k)]
        alloc[int(np.argmax(gains))] += 1
    rec = alloc / n_steps

    def won(shares: np.ndarray) -> np.ndarray:
        n = customers_from_spend(shares * budget, reference, cac_a, diminishing)
        return np.where(usable, n, np.nan)

    cur_n, rec_n = won(cur), won(rec)
    return Allocation(
        tuple(tiers), float(budget), ltv_a, cac_a, cur, rec, cur_n, rec_n,
        allocation_roi(cur * budget, np.where(usable, ltv_a, 0.0), np.nan_to_num(cur_n)),
        allocation_roi(rec * budget, np.where(usable, ltv_a, 0.0), np.nan_to_num(rec_n)),
        diminishing, step,
    )


# --- upgrades ------------------------------------------------------------------------------------

def round_half_up(x):  # noqa: ANN001, ANN201
    """Round to the nearest whole number, halves up (67.5 -> 68), as the plan does; a tiny
    tolerance keeps 0.15 x 450 = 67.49999... from rounding down."""
    out = np.floor(np.asarray(x, dtype=float) + 0.5 + 1e-9)
    return out if out.ndim else float(out)


@dataclass
class UpgradeOpportunity:
    customers: float
    upgrade_rate: float
    upgrades: float  # households expected to move up, rounded half up
    ltv_gain: float  # $ more LTV per upgraded household
    value: float  # upgrades x ltv_gain, $


def upgrade_opportunity(customers: float, upgrade_rate: float, ltv_gain: float) -> UpgradeOpportunity:
    """Upgrade opportunity: upgrades = customers x upgrade rate, rounded half up; value = upgrades x
    LTV gain per upgrade ($), on the rounded count, as the plan computes it.

    >>> o = upgrade_opportunity(450, 0.15, 4500); (o.upgrades, o.value)
    (68.0, 306000.0)
    """
    upgrades = round_half_up(float(customers) * float(upgrade_rate))
    return UpgradeOpportunity(float(customers), float(upgrade_rate), upgrades, float(ltv_gain),
                              upgrades * float(ltv_gain))


def measured_upgrade_rate(policies: pd.DataFrame, through: dt.date, from_products: int,
                          months: int = 12) -> tuple[float, int]:
    """Share of households that had exactly ``from_products`` products on the books when the
    ``months``-month window ending at ``through`` opened and had more when it closed (households
    that left count as not upgraded). Returns (rate, cohort size); rate NaN for an empty cohort,
    and when lapsed policies without their end date make the counts unknown."""
    w = window(through, months)
    start = w.first - pd.Timedelta(days=1)  # the window opens at the end of the day before it
    if hh.unknown_on(policies, w.last).any():
        return math.nan, 0
    before = _products_on(policies, start)
    cohort = before[before == from_products]
    if cohort.empty:
        return math.nan, 0
    later = _products_on(policies, w.last).reindex(cohort.index).fillna(0)
    return float((later > from_products).mean()), len(cohort)


def _products_on(policies: pd.DataFrame, day: dt.date) -> pd.Series:
    """Distinct products on the books per household on ``day`` (``households.on_books``)."""
    active = policies[hh.on_books(policies, day)]
    return active.groupby("household_id")["product"].nunique()
