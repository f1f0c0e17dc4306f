"""Cross-sell, part 2: the book by product count (1, 2, 3+) and by product combination ("Auto+Home"),
and the retention each product count buys (the retention lift of a second and third product)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from agency_xl.models import households as hh
from agency_xl.models.scalars import plain
from agency_xl.models.segments import RetentionUsed, retention_for_ltv

COUNT_LABELS: tuple[str, ...] = ("1", "2", "3+")
PLAN_RETENTION = {"1": 0.72, "2": 0.91, "3+": 0.97}  # the plan's illustrative figures


def count_label(products):  # noqa: ANN001, ANN201
    """Product-count group of the retention table: 1, 2 or "3+" (as text)."""
    return hh.product_count_label(np.asarray(products, dtype=int))


def retention_for(products, retention: dict[str, float]):  # noqa: ANN001, ANN201
    """The retention of households with ``products`` products, from a by-count table
    {"1": r1, "2": r2, "3+": r3} (3 and more share "3+"). Vectorised; NaN below 1 product."""
    if plain(products):
        n = float(products)
        key = "3+" if n >= 3 else "2" if n >= 2 else "1" if n >= 1 else None
        return float(retention[key]) if key else math.nan
    n = np.asarray(products, dtype=float)
    r = np.select([n >= 3, n >= 2, n >= 1],
                  [retention["3+"], retention["2"], retention["1"]], np.nan)
    return r if r.ndim else float(r)


def retention_lift(products_from, products_to, retention: dict[str, float] | None = None):  # noqa: ANN001, ANN201
    """Retention lift in points (as a decimal) of moving a household from ``products_from`` to
    ``products_to`` products = retention(to) - retention(from). lift(n, n) = 0; 3 and more products
    share the "3+" retention, so lift(3, 4) = 0 too. ``retention`` defaults to the plan's
    72% / 91% / 97% (use the measured ones from ``retention_by_product_count``).

    >>> round(retention_lift(1, 2), 2), round(retention_lift(1, 3), 2)
    (0.19, 0.25)
    """
    r = retention or PLAN_RETENTION
    if plain(products_from, products_to):
        return retention_for(products_to, r) - retention_for(products_from, r)
    out = np.asarray(retention_for(products_to, r)) - np.asarray(retention_for(products_from, r))
    return out if out.ndim else float(out)


def customers_kept(customers, lift):  # noqa: ANN001, ANN201
    """Customers kept per year by a retention lift: customers x lift (the plan: 100 customers moved
    from 1 to 2 products at +19 points keeps 19 more a year)."""
    out = np.asarray(customers, dtype=float) * np.asarray(lift, dtype=float)
    return out if out.ndim else float(out)


def retention_by_count(policies: pd.DataFrame | None, through: dt.date, fallback: dict[str, float],
                       min_households: int = 1, table: pd.DataFrame | None = None,
                       fallback_source: str = "Settings") -> RetentionUsed:
    """Household retention per product count measured on the book
    (``households.retention_by_product_count``, 12 complete months ending at ``through``), each
    group falling back to ``fallback`` when its cohort has fewer than ``min_households``
    households, there is no book, or the book lacks the end dates it needs
    (``segments.retention_for_ltv``: the same rule the Segments and Leads sheets use). ``table``:
    that retention table of ``policies`` when it is at hand already."""
    if table is None and policies is not None:
        table = hh.retention_by_product_count(policies, through, 12)
    return retention_for_ltv(table, fallback, min_households, fallback_source)


def combination_label(product_list: str) -> str:
    """"Auto" -> "Auto only"; "Auto+Home" stays."""
    return f"{product_list} only" if "+" not in product_list else product_list


def portfolio_by_count(households: pd.DataFrame) -> pd.DataFrame:
    """Households by product count: one row each for "1", "2", "3+" (always all three), with
    households, share of all households, average annual premium ($) and average products.
    ``households``: a ``household_table``. Shares NaN when there are none."""
    t = households
    group = count_label(t["products"].to_numpy()) if len(t) else np.array([], dtype=str)
    rows = []
    for label in COUNT_LABELS:
        part = t[group == label]
        rows.append([label, len(part), float(part["premium"].mean()) if len(part) else math.nan])
    out = pd.DataFrame(rows, columns=["products", "households", "avg_premium"])
    total = int(out["households"].sum())
    out["share"] = out["households"] / total if total else math.nan
    return out[["products", "households", "share", "avg_premium"]]


def portfolio_by_combination(households: pd.DataFrame) -> pd.DataFrame:
    """Households by product combination ("Auto", "Auto+Home", ...): households, share, number of
    products, average annual premium ($); largest first (ties by name)."""
    t = households
    if t.empty:
        return pd.DataFrame(columns=["product_list", "products", "households", "share", "avg_premium"])
    g = t.groupby("product_list")
    out = pd.DataFrame({
        "products": g["products"].first(),
        "households": g.size(),
        "avg_premium": g["premium"].mean(),
    }).rename_axis("product_list").reset_index()
    out["share"] = out["households"] / out["households"].sum()
    out = out.sort_values(["households", "product_list"], ascending=[False, True])
    return out.reset_index(drop=True)[["product_list", "products", "households", "share", "avg_premium"]]


def average_products(households: pd.DataFrame) -> float:
    """Average distinct products per household in force (the plan: about 1.3, target 1.8+)."""
    return float(households["products"].mean()) if len(households) else math.nan
