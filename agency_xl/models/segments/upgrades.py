"""Segments, part 4: what upgrading customers to the next tier is worth, and the upgrade rate
measured on the book."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models import households as hh
from agency_xl.models.periods import window


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
