"""Cross-sell, part 4: what the next product is worth. The plan's opportunity arithmetic (expected
converts, LTV increase, total value), the opportunity per product combination and the product
sequence recommender."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from agency_xl.models import households as hh
from agency_xl.models.cross_sell.conversion import observed_conversion
from agency_xl.models.cross_sell.portfolio import (
    combination_label,
    portfolio_by_combination,
    retention_for,
)
from agency_xl.models.cross_sell.sequence import (
    DEFAULT_SEQUENCE,
    next_product,
    next_products,
    parse_sequence,
)
from agency_xl.models.ltv import lifetime_value
from agency_xl.models.scalars import plain
from agency_xl.models.segments import round_half_up


def expected_converts(customers, conversion_rate):  # noqa: ANN001, ANN201
    """Expected converts = customers x conversion rate, rounded half up (the plan: 280 x 22% = 61.6
    -> 62; 450 x 15% = 67.5 -> 68). Vectorised.

    >>> expected_converts(280, 0.22)
    62.0
    """
    return round_half_up(np.asarray(customers, dtype=float) * np.asarray(conversion_rate, dtype=float))


def cross_sell_value(customers, conversion_rate, ltv_increase):  # noqa: ANN001, ANN201
    """Total opportunity in $ = expected converts (rounded half up) x LTV increase per convert.

    On the rounded count, as the plan computes it: 280 x 22% -> 62 x $4,500 = $279,000;
    180 x 35% -> 63 x $9,000 = $567,000; 450 x 15% -> 68 x $4,500 = $306,000.

    >>> cross_sell_value(180, 0.35, 9000)
    567000.0
    """
    out = expected_converts(customers, conversion_rate) * np.asarray(ltv_increase, dtype=float)
    return out if np.ndim(out) else float(out)


def ltv_increase(premium, added_premium, products, commission_rate, retention: dict[str, float],  # noqa: ANN001, ANN201
                 discount_rate=0.10):
    """LTV gained when a household with ``products`` products and ``premium`` $ a year adds a
    product of ``added_premium`` $ a year:

        LTV(premium + added_premium, retention(products + 1)) - LTV(premium, retention(products))

    with LTV = ``ltv.lifetime_value`` (commission x r / (1 + d - r)). Both more commission and
    better retention of the whole household count. Vectorised.
    """
    if plain(premium, added_premium, products, commission_rate, discount_rate):
        n = float(products)
        before = lifetime_value(float(premium), commission_rate, retention_for(n, retention), discount_rate)
        after = lifetime_value(float(premium) + float(added_premium), commission_rate,
                               retention_for(n + 1, retention), discount_rate)
        return after - before
    n = np.asarray(products, dtype=float)
    before = lifetime_value(premium, commission_rate, retention_for(n, retention), discount_rate)
    after = lifetime_value(np.asarray(premium, dtype=float) + np.asarray(added_premium, dtype=float),
                           commission_rate, retention_for(n + 1, retention), discount_rate)
    out = np.asarray(after) - np.asarray(before)
    return out if out.ndim else float(out)


def product_premiums(households_policies: pd.DataFrame, as_of: dt.date | None = None) -> dict[str, float]:
    """Average annual premium ($) a household pays for each product, over households holding it in
    force today (``households.in_force``: the status; a household's several policies of one
    product are added up). ``as_of`` is not needed (the status is today's); kept for callers."""
    p = households_policies[hh.in_force(households_policies)]
    per_household = p.groupby(["product", "household_id"])["annual_premium"].sum()
    return per_household.groupby(level="product").mean().to_dict()


def opportunity_table(households: pd.DataFrame, matrix: pd.DataFrame, premiums: dict[str, float],
                      commission_rate: float, retention: dict[str, float], discount_rate: float = 0.10,
                      sequence: str = DEFAULT_SEQUENCE, default_rate: float = 0.15,
                      min_households: int = 20, min_customers: int = 1) -> pd.DataFrame:
    """The cross-sell opportunity per product combination in force with a next product.

    Columns: segment (combination), customers (households now), products, next_product (sequence),
    conversion (observed S -> X within the window, from ``matrix``; ``default_rate`` when fewer
    than ``min_households`` were measured), measured_on (cohort size), source ("measured" or
    "Settings"), expected_converts (round half up), ltv_increase ($ per convert, ``ltv_increase``
    with the segment's average premium and the product's average premium), total (converts x LTV
    increase). Combinations with fewer than ``min_customers`` households are left out. Sorted by
    total, largest first.
    """
    cols = ["segment", "customers", "products", "next_product", "conversion", "measured_on", "source",
            "expected_converts", "ltv_increase", "total"]
    steps = parse_sequence(sequence)
    rows = []
    for _, r in portfolio_by_combination(households).iterrows():
        nxt = next_product(r["product_list"].split("+"), steps)
        if nxt is None or r["households"] < min_customers:
            continue
        rate, n = observed_conversion(matrix, r["product_list"], nxt)
        measured = n >= min_households and math.isfinite(rate)
        conv = rate if measured else default_rate
        gain = ltv_increase(r["avg_premium"], premiums.get(nxt, math.nan), r["products"],
                            commission_rate, retention, discount_rate)
        converts = float(expected_converts(r["households"], conv))
        rows.append([r["product_list"], int(r["households"]), int(r["products"]), nxt, conv, n,
                     "measured" if measured else "Settings", converts, gain,
                     converts * gain if math.isfinite(gain) else math.nan])
    t = pd.DataFrame(rows, columns=cols)
    return t.sort_values("total", ascending=False, na_position="last").reset_index(drop=True)


def sequence_table(households: pd.DataFrame, matrix: pd.DataFrame, retention: dict[str, float],
                   sequence: str = DEFAULT_SEQUENCE, choices: int = 2, sets: int = 4,
                   min_households: int = 20) -> pd.DataFrame:
    """The product sequence recommender: for the ``sets`` largest product combinations with
    something left to offer, the next ``choices`` products in sequence order (priority 1, 2 ...),
    the observed conversion to each (NaN when fewer than ``min_households`` were measured), the
    retention now and after adding it (count n -> n + 1) and the lift, and a reason."""
    steps = parse_sequence(sequence)
    rows = []
    for _, r in portfolio_by_combination(households).iterrows():
        rest = next_products(r["product_list"].split("+"), steps)
        if not rest:
            continue
        n = int(r["products"])
        now, after = retention_for(n, retention), retention_for(n + 1, retention)
        for priority, product in enumerate(rest[:choices], start=1):
            rate, size = observed_conversion(matrix, r["product_list"], product)
            rate = rate if size >= min_households else math.nan
            lift = after - now
            why = ("Next in your sequence" if priority == 1 else "Later in your sequence")
            why += f"; +{lift * 100:.0f} pts retention" if lift > 0.0005 else "; same retention group"
            rows.append([combination_label(r["product_list"]), int(r["households"]), priority, product,
                         rate, size, now, after, lift, why])
        if len({row[0] for row in rows}) >= sets:
            break
    return pd.DataFrame(rows, columns=["current_products", "households", "priority", "next_product",
                                       "conversion", "measured_on", "retention_now", "retention_after",
                                       "retention_lift", "why"])
