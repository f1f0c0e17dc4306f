"""From the book of business (one row per policy) to one row per household, and the retention
measured by how many products a household has - the shared base of the segment, cross-sell, lead
and referral models (like lifetimes' transaction log -> per-customer table).

When a policy is on the books, in one place:
- today (the book's run date), the Status decides: a policy is in force when its status is In
  Force (``in_force``), whatever dates the export shows or lacks;
- on an earlier day, the dates decide (``on_books``): on the books from its original effective
  date until it left (``policy_end_dates``): a cancelled policy at its Cancel Date, an expired one
  at its Expiration Date. Both date columns are optional in the export. A lapsed policy whose date
  is missing has an UNKNOWN end: it is never taken to run on for ever, and a figure that needs it
  (retention by product count, earned premium, the cross-sell timing) says it is not measurable
  from this export (``unknown_end_note``) instead of guessing.

Policy table columns used: policy_number, household_id, product, status, original_effective_date,
expiration_date, cancel_date, annual_premium.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from agency_xl.models.periods import window

IN_FORCE = "In Force"
# The column that says when a lapsed policy left the books, by status.
END_DATE_COLUMN = {"Cancelled": "cancel_date", "Expired": "expiration_date"}
END_DATE_NAME = {"cancel_date": "Cancel Date", "expiration_date": "Expiration Date"}
FAR_FUTURE = pd.Timestamp("2200-01-01")  # the end of a policy that has not left the books


def in_force(policies: pd.DataFrame) -> pd.Series:
    """True for the policies in force today: the status says In Force (the status decides)."""
    return (policies["status"] == IN_FORCE).fillna(False).astype(bool)


def policy_end_dates(policies: pd.DataFrame) -> pd.Series:
    """When each policy left the books, the one rule every model uses:

    In Force: ``FAR_FUTURE`` (it has not left); Cancelled: its Cancel Date; Expired: its
    Expiration Date; a Cancelled or Expired policy without that date: NaT (left, date unknown);
    any other status (Pending): its start, i.e. it was never on the books.
    """
    # numpy arrays, not Series assignments: the backtest asks this at every month-end.
    end = pd.to_datetime(policies["original_effective_date"]).to_numpy("datetime64[ns]").copy()
    status = policies["status"]
    end[(status == IN_FORCE).fillna(False).to_numpy(bool)] = FAR_FUTURE.to_datetime64()
    for name, column in END_DATE_COLUMN.items():
        rows = (status == name).fillna(False).to_numpy(bool)
        if column in policies:
            end[rows] = pd.to_datetime(policies[column]).to_numpy("datetime64[ns]")[rows]
        else:
            end[rows] = np.datetime64("NaT", "ns")
    return pd.Series(end, index=policies.index, dtype="datetime64[ns]")


def ends_unknown(policies: pd.DataFrame, ends: pd.Series | None = None) -> pd.Series:
    """True for the lapsed policies whose end date the export does not give (``ends``: their
    ``policy_end_dates`` when at hand already)."""
    ends = policy_end_dates(policies) if ends is None else ends
    return ends.isna() & policies["status"].isin(list(END_DATE_COLUMN))


def on_books(policies: pd.DataFrame, day: dt.date, ends: pd.Series | None = None) -> pd.Series:
    """True for the policies known to be on the books on ``day``: started on or before it and
    not yet left (a policy whose end is unknown is not counted: see ``unknown_on``). ``ends``:
    their ``policy_end_dates`` when at hand already."""
    t = pd.Timestamp(day)
    start = pd.to_datetime(policies["original_effective_date"])
    end = policy_end_dates(policies) if ends is None else ends
    return ((start <= t) & (end > t)).fillna(False).astype(bool)


def unknown_on(policies: pd.DataFrame, day: dt.date, ends: pd.Series | None = None) -> pd.Series:
    """True for the policies that may or may not have been on the books on ``day``: started on
    or before it, lapsed since, at a date the export does not give (``ends``: as ``on_books``)."""
    start = pd.to_datetime(policies["original_effective_date"])
    return (ends_unknown(policies, ends) & (start <= pd.Timestamp(day))).fillna(False).astype(bool)


def unknown_end_note(policies: pd.DataFrame) -> str:
    """What a figure that needs the missing end dates says instead of a number:
    "not measurable from this export (add Cancel Date)"."""
    unknown = ends_unknown(policies)
    missing = sorted({END_DATE_NAME[END_DATE_COLUMN[s]] for s in policies.loc[unknown, "status"]})
    add = " and ".join(missing) if missing else "Cancel Date"
    return f"not measurable from this export (add {add})"


def product_count_label(n):  # noqa: ANN001, ANN201
    """1, 2 or "3+" (the plan's segments count 3 and more products together)."""
    n = np.asarray(n)
    out = np.where(n >= 3, "3+", n.astype(str))
    return out if out.ndim else str(out)


def household_table(policies: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per household with at least one policy in force today (``in_force``: the status):

    household_id; products (distinct products in force); product_list (sorted, "Auto+Home");
    policies (in force); premium (annual premium in force, $); first_date (earliest original
    effective date of any of its policies); tenure_years (as_of - first_date, years);
    has_<product> booleans for Auto, Home, Umbrella, Life.
    """
    # Households as integer codes in sorted id order (the order a group-by on the ids gives):
    # grouping by text ids costs a hash of every id per group-by.
    codes, ids = pd.factorize(policies["household_id"], sort=True)
    active_rows = in_force(policies).to_numpy(bool) & (codes >= 0)
    active = policies[active_rows]
    key = codes[active_rows]
    first = _first_dates(policies, codes)
    g = active.groupby(key)
    t = pd.DataFrame({
        "products": g["product"].nunique(),
        "policies": g["policy_number"].nunique(),
        "premium": g["annual_premium"].sum(),
    })
    in_table = t.index.to_numpy()
    t.insert(1, "product_list", product_lists(pd.Series(key, index=active.index), active["product"])
             .reindex(in_table).to_numpy())
    t["first_date"] = first[in_table]
    t["tenure_years"] = (pd.Timestamp(as_of) - t["first_date"]).dt.days / 365.25
    for product in ("Auto", "Home", "Umbrella", "Life"):
        holds = (active["product"] == product).groupby(key).any()
        t[f"has_{product.lower()}"] = holds.reindex(in_table, fill_value=False).astype(bool)
    t.index = pd.Index(ids.take(in_table), name="household_id")
    return t.reset_index()


def _first_dates(policies: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    """The earliest original effective date of each household's policies (any status), by its
    code (``pd.factorize`` of the ids); NaT for a household without a date."""
    dates = pd.to_datetime(policies["original_effective_date"]).to_numpy()
    start = dates.view("int64")
    first = np.full(int(codes.max()) + 1 if len(codes) else 0, np.iinfo(np.int64).max)
    known = (codes >= 0) & ~np.isnat(dates)
    np.minimum.at(first, codes[known], start[known])
    first[first == np.iinfo(np.int64).max] = np.iinfo(np.int64).min  # NaT
    return first.view(dates.dtype)


def households_in_force(policies: pd.DataFrame) -> pd.Series:
    """The households of ``household_table``, without the rest of it: one per household with a
    policy in force today, sorted by id, each with its first_date (the earliest original
    effective date of any of its policies). For a figure that needs only how many households
    there are and since when (the referral forecast, at each past month-end of a backtest)."""
    codes, ids = pd.factorize(policies["household_id"], sort=True)
    held = np.unique(codes[in_force(policies).to_numpy(bool) & (codes >= 0)])
    return pd.Series(_first_dates(policies, codes)[held], index=pd.Index(ids.take(held), name="household_id"),
                     name="first_date")


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


COUNT_ROWS = ("1", "2", "3+", "All")


def retention_by_product_count(policies: pd.DataFrame, through: dt.date, months: int = 12) -> pd.DataFrame:
    """Annual HOUSEHOLD retention by the number of products the household had, measured on the book.

    The customer is the household: it is kept while it keeps at least one policy. Window: the
    ``months`` complete months ending at ``through`` (``periods.window``). Cohort: households with
    a policy on the books when the window opens (at the end of the day before its first day),
    grouped by their distinct products then (1, 2, "3+"). Retained: the household still has a
    policy on the books when the window closes (the end of its last day; any policy, also one
    written during the window). Retention = retained / cohort, per
    group and overall ("All"). Comparable with the growth & retention report's renewals retained /
    offered, which counts policies, not households.

    Returns columns products, households, retained, retention (rows "1", "2", "3+", "All").
    When a lapsed policy without its end date could have been on the books on those days, whom the
    cohort holds is unknown: every retention is NaN and ``attrs["not_measurable"]`` says why.
    """
    w = window(through, months)
    first, last = w.first - pd.Timedelta(days=1), w.last  # the window opens at the end of `first`
    rows = []
    note = None
    # The rules of on_books and unknown_on, on arrays: the backtest asks this at every month-end.
    ends = policy_end_dates(policies)
    start = pd.to_datetime(policies["original_effective_date"]).to_numpy()
    end = ends.to_numpy()
    unknown = ends_unknown(policies, ends).to_numpy(bool)

    def on(day: pd.Timestamp) -> np.ndarray:
        return (start <= day.to_datetime64()) & (end > day.to_datetime64())  # NaT: False

    def doubt_on(day: pd.Timestamp) -> np.ndarray:
        return unknown & (start <= day.to_datetime64())

    on_first = on(first)
    # Households as integer codes: sets of text ids (and pandas' isin on them) cost seconds on a
    # large book.
    hid, households = pd.factorize(policies["household_id"])
    known = hid >= 0
    # Each cohort household's distinct products then (a blank product is none), by codes.
    product, names = pd.factorize(policies["product"])
    in_cohort = on_first & known
    cohort = np.unique(hid[in_cohort])
    named = in_cohort & (product >= 0)
    pairs = np.unique(hid[named].astype(np.int64) * max(len(names), 1) + product[named])
    products = np.bincount(pairs // max(len(names), 1), minlength=len(households))[cohort]
    kept = np.zeros(len(households), dtype=bool)
    kept[hid[on(last) & known]] = True
    unsure = np.zeros(len(kept), dtype=bool)
    unsure[hid[doubt_on(last) & known]] = True
    if doubt_on(first).any() or (unsure[cohort] & ~kept[cohort]).any():
        note = unknown_end_note(policies)
    retained = kept[cohort]
    # The groups of product_count_label: 1, 2, 3+
    for label, part in zip(COUNT_ROWS[:3], (products == 1, products == 2, products >= 3)):
        rows.append([label, int(part.sum()), int((retained & part).sum())])
    rows.append(["All", len(cohort), int(retained.sum())])
    t = pd.DataFrame(rows, columns=["products", "households", "retained"])
    t["retention"] = np.where(t["households"] > 0, t["retained"] / t["households"].where(t["households"] > 0, 1),
                              np.nan)
    if note:
        t["retention"] = np.nan
        t["retained"] = 0
        t.attrs["not_measurable"] = note
    t.attrs["window"] = w
    return t
