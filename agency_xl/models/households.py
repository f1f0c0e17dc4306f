"""From the book of business (one row per policy) to one row per household, and the retention
measured by how many products a household has - the shared base of the segment, cross-sell, lead
and referral models (like lifetimes' transaction log -> per-customer table).

Policy table columns used: policy_number, household_id, product, status, original_effective_date,
expiration_date, cancel_date, annual_premium.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

FAR_FUTURE = pd.Timestamp("2200-01-01")


def policy_end_dates(policies: pd.DataFrame) -> pd.Series:
    """When each policy left the books: cancel date if cancelled, expiration date if expired,
    far future if in force or pending (or when the date is missing)."""
    end = pd.Series(FAR_FUTURE, index=policies.index)
    cancelled = policies["status"] == "Cancelled"
    expired = policies["status"] == "Expired"
    end[cancelled] = pd.to_datetime(policies.loc[cancelled, "cancel_date"]).fillna(FAR_FUTURE)
    end[expired] = pd.to_datetime(policies.loc[expired, "expiration_date"]).fillna(FAR_FUTURE)
    return end


def in_force_on(policies: pd.DataFrame, day: dt.date) -> pd.Series:
    """True for policies on the books on ``day`` (started on or before it, not yet ended)."""
    t = pd.Timestamp(day)
    start = pd.to_datetime(policies["original_effective_date"])
    return (start <= t) & (policy_end_dates(policies) > t)


def product_count_label(n):  # noqa: ANN001, ANN201
    """1, 2 or "3+" (the plan's segments count 3 and more products together)."""
    n = np.asarray(n)
    out = np.where(n >= 3, "3+", n.astype(str))
    return out if out.ndim else str(out)


def household_table(policies: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per household with at least one policy in force on ``as_of``:

    household_id; products (distinct products in force); product_list (sorted, "Auto+Home");
    policies (in force); premium (annual premium in force, $); first_date (earliest original
    effective date of any of its policies); tenure_years (as_of - first_date, years);
    has_<product> booleans for Auto, Home, Umbrella, Life.
    """
    active = policies[in_force_on(policies, as_of)]
    first = pd.to_datetime(policies["original_effective_date"]).groupby(policies["household_id"]).min()
    g = active.groupby("household_id")
    t = pd.DataFrame({
        "products": g["product"].nunique(),
        "policies": g["policy_number"].nunique(),
        "premium": g["annual_premium"].sum(),
    })
    t.insert(1, "product_list", product_lists(active["household_id"], active["product"]).reindex(t.index))
    t["first_date"] = first.reindex(t.index)
    t["tenure_years"] = (pd.Timestamp(as_of) - t["first_date"]).dt.days / 365.25
    for product in ("Auto", "Home", "Umbrella", "Life"):
        holds = (active["product"] == product).groupby(active["household_id"]).any()
        t[f"has_{product.lower()}"] = holds.reindex(t.index, fill_value=False).astype(bool)
    return t.rename_axis("household_id").reset_index()


def product_lists(household_id: pd.Series, product: pd.Series) -> pd.Series:
    """Each household's distinct products, sorted and joined with "+" ("Auto+Home"), indexed by
    household id in sorted order; missing ids and products are left out. The same as
    ``product.groupby(household_id).agg(lambda s: "+".join(sorted(set(s))))``, without a Python
    call per household: each household's products become a bit mask (bit i = i-th product name
    in sorted order) and the names are joined once per distinct combination, a few dozen."""
    pairs = pd.DataFrame({"household_id": household_id, "product": product}).dropna().drop_duplicates()
    codes, uniques = pd.factorize(pairs["product"], sort=True)
    names = [str(n) for n in uniques]
    bits = pd.Series([1 << c for c in codes.tolist()], index=pairs.index, dtype=object)  # any number of products
    masks = bits.groupby(pairs["household_id"]).sum()
    text = {m: "+".join(n for i, n in enumerate(names) if m >> i & 1) for m in set(masks.tolist())}
    return pd.Series([text[m] for m in masks.tolist()], index=masks.index, dtype="str", name="product")


def retention_by_product_count(policies: pd.DataFrame, as_of: dt.date, months: int = 12) -> pd.DataFrame:
    """Annual policy retention by the number of products the household had, measured on the book.

    Cohort: policies in force at the start of the window (as_of - months). Retained: still on the
    books at as_of. Retention = retained / cohort, per household product count at the start
    (1, 2, "3+") and overall. A survival measure over the window, comparable with the growth &
    retention report's renewals retained / offered when months = 12.
    Returns columns products, policies, retained, retention (rows "1", "2", "3+", "All").
    """
    start = (pd.Timestamp(as_of) - pd.DateOffset(months=months)).date()
    cohort = policies[in_force_on(policies, start)].copy()
    counts = cohort.groupby("household_id")["product"].nunique()
    cohort["products"] = product_count_label(cohort["household_id"].map(counts).to_numpy())
    cohort["retained"] = policy_end_dates(cohort) > pd.Timestamp(as_of)
    rows = []
    for label in ("1", "2", "3+"):
        part = cohort[cohort["products"] == label]
        rows.append([label, len(part), int(part["retained"].sum())])
    rows.append(["All", len(cohort), int(cohort["retained"].sum())])
    t = pd.DataFrame(rows, columns=["products", "policies", "retained"])
    t["retention"] = np.where(t["policies"] > 0, t["retained"] / t["policies"].where(t["policies"] > 0, 1), np.nan)
    return t
