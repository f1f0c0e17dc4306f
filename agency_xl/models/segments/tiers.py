"""Segments, part 1: the tier rule. Elite, Premium, Standard or Low-Value by products in force,
annual premium and, with claims, whether the household is loss-making."""

from __future__ import annotations

import math

import numpy as np

from agency_xl.models.scalars import plain

ELITE, PREMIUM, STANDARD, LOW_VALUE = "Elite", "Premium", "Standard", "Low-Value"
TIERS: tuple[str, ...] = (ELITE, PREMIUM, STANDARD, LOW_VALUE)
_TIER_NAMES = np.array(["", ELITE, PREMIUM, LOW_VALUE, STANDARD], dtype=object)  # by ``segment``'s rule


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
