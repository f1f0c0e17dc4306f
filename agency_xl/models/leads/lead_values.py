"""Leads, part 2: the households the leads became. Each lead's outcome and the value of the household
a sold lead became (from the book, or estimated as a new household's LTV), with its tier."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models import segments
from agency_xl.models.leads.arithmetic import SOLD
from agency_xl.models.periods import window

TIERS = segments.TIERS  # Elite, Premium, Standard, Low-Value


@dataclass(frozen=True)
class TierRule:
    """The Segments model's tier rule (``segments.segment``) with the owner's thresholds: Elite
    3+ products, Premium 2, Standard 1, Low-Value one product below ``low_value_premium`` a year."""

    low_value_premium: float = 700.0
    elite_min_products: int = 3
    premium_min_products: int = 2

    def __call__(self, products, premium=np.nan):  # noqa: ANN001, ANN204
        return segments.segment(products, premium, self.low_value_premium, self.elite_min_products,
                                self.premium_min_products)


def in_window(leads: pd.DataFrame, through: dt.date, months: int | None) -> pd.DataFrame:
    """Leads dated in the ``months`` complete months ending at ``through`` (``periods.window``;
    all leads when months is None)."""
    if months is None:
        return leads
    return leads[window(through, months).contains(leads["lead_date"])]


def new_customer_ltv(households: pd.DataFrame, through: dt.date, months: int = 12) -> float:
    """The lifetime value a newly won household is worth, estimated from the book: the average LTV
    of the households in force whose first policy was written in the ``months`` complete months
    ending at ``through`` (all households when none was). NaN for an empty book."""
    if not len(households):
        return math.nan
    new = households[window(through, months).contains(households["first_date"])]
    part = new if len(new) else households
    return float(pd.to_numeric(part["ltv"], errors="coerce").mean())


def sold_lead_values(leads: pd.DataFrame, policies: pd.DataFrame, households: pd.DataFrame,
                     tier_rule: TierRule = TierRule(), estimate: float = math.nan) -> pd.DataFrame:
    """One row per lead with its outcome and, for sold leads, the value of the household it became.

    ``households``: the book's households in force with products, premium, tier and ltv
    (``segments.segment_households``). Adds columns sold (bool), in_book (the sold lead's household
    is in the book), products, tier, premium, ltv, ltv_estimated. A sold household that has left
    the book (its policies are in the book, none in force) has premium 0 and LTV 0 - it brings
    nothing from now on - and the tier of the products and premium it had. A sold lead without a
    household ID (the column is optional), or with one the book does not know, is valued at
    ``estimate`` (``new_customer_ltv``: what a new household is worth on the book) with
    ``ltv_estimated`` True: never at 0.
    """
    out = leads.copy()
    out["sold"] = (out["status"].astype(str) == SOLD).to_numpy(bool)
    hh = out["household_id"].astype(object).where(out["sold"])
    by_household = policies.groupby("household_id")
    ever_products = by_household["product"].nunique()
    ever_premium = by_household["annual_premium"].sum()
    h = households.set_index("household_id")
    out["in_book"] = (out["sold"] & hh.isin(ever_products.index)).to_numpy(bool)
    in_force = hh.isin(h.index).to_numpy(bool)
    left = out["in_book"].to_numpy(bool) & ~in_force
    products = np.where(in_force, hh.map(h["products"]), np.nan).astype(float)
    products[left] = hh[left].map(ever_products).to_numpy(float)
    tier = np.where(in_force, hh.map(h["tier"]), None).astype(object)
    if left.any():
        tier[left] = tier_rule(products[left], hh[left].map(ever_premium).to_numpy(float))
    out["products"] = products
    out["tier"] = tier
    out["premium"] = np.where(in_force, hh.map(h["premium"]), np.where(left, 0.0, np.nan)).astype(float)
    out["ltv"] = np.where(in_force, hh.map(h["ltv"]), np.where(left, 0.0, np.nan)).astype(float)
    unknown = out["sold"].to_numpy(bool) & ~out["in_book"].to_numpy(bool)
    out["ltv_estimated"] = unknown & np.isfinite(estimate)
    out.loc[out["ltv_estimated"].to_numpy(bool), "ltv"] = float(estimate)
    return out
