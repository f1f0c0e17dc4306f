"""Segments, part 3: where the marketing budget earns most. The budget handed out in steps to the
tier whose next step buys the most lifetime value, with diminishing returns, within min/max shares."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from agency_xl.models.segments.tiers import TIERS


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
