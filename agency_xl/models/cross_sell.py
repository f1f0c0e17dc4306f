"""Cross-sell: which product each household should be offered next, when, what it is worth, and
how much retention a second and third product buys.

Everything is measured on the book of business (and the sales report when there is one):

- Portfolio: households in force by product combination ("Auto+Home") and by product count
  (1, 2, 3+), from ``households.household_table``.
- Timing: for each household, the days from its first policy to the first product it ADDED (a
  product it did not have on its first day; products written on the first day are the initial
  sale, a bundle, not a cross-sell). The days are bucketed 0-30, 31-60, 61-90, 91-120 and 120+
  (day 121 to ``last_day``), and each bucket gets a hazard-style conversion rate:

      at risk(bucket)  = households whose first policy is old enough to have passed through the
                         whole bucket (first date + bucket end <= as_of), that had not added a
                         product before the bucket began and were still customers then;
      conversion(bucket) = those of them that added their first new product inside the bucket
                           / at risk.

  This is the life-table (actuarial) hazard: the chance of converting in the window given that the
  household has not converted yet (Kalbfleisch & Prentice, "The Statistical Analysis of Failure
  Time Data", 2002, ch. 1; the same idea as a retention curve's conditional churn). Buckets of
  different widths are compared on the 30-day equivalent 1 - (1 - h)^(30 / width).
  Average LTV per bucket is the mean ``ltv.lifetime_value`` of the households that converted in it,
  valued at conversion: their annual premium of the policies written up to and including the added
  one, the measured commission rate, the measured retention of their product count then
  (``households.retention_by_product_count``) and the discount rate.
- Next product: the owner's sequence (default Auto -> Home/Condo/Renters -> Umbrella -> Life); the
  next product of a household is the first step it does not hold.
- Observed conversion S -> X: of the households whose products in force were exactly S at the start
  of the window (``months`` before as_of), the share that wrote a policy of X within the window.
  Households that left count as not converted.
- Retention lift n -> m products = retention(m) - retention(n), retention measured by product
  count; lift(n, n) = 0.
- Opportunity: expected converts = round half up(customers x conversion rate); value = converts x
  LTV increase per convert (on the rounded count, as the plan computes 280 x 22% -> 62 ->
  $279,000). LTV increase = LTV(premium + added product's average premium, retention of n+1
  products) - LTV(premium, retention of n products).

Scalars and numpy arrays alike where that makes sense; NaN (not an error) where there is nothing
to measure, like the profitability model.

References: Gupta & Lehmann (2003), "Customers as assets" (the LTV formula, ``models/ltv.py``);
Kamakura, Ramaswami & Srivastava (1991), "Applying latent trait analysis in the evaluation of
prospects for cross-selling of financial services", IJRM 8(4) (financial products are acquired in
a typical order, the basis of a product sequence); the plan, section 6 (timing buckets, sequence
auto -> home -> umbrella -> life, retention 72% / 91% / 97% by product count).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Iterable

import numpy as np
import pandas as pd

from agency_xl.vocabulary import PRODUCT_ALIASES, PRODUCTS
from agency_xl.models import households as hh
from agency_xl.models.ltv import lifetime_value
from agency_xl.models.scalars import plain
from agency_xl.models.segments import RetentionUsed, retention_for_ltv, round_half_up

DEFAULT_SEQUENCE = "Auto, Home/Condo/Renters, Umbrella, Life"
COUNT_LABELS: tuple[str, ...] = ("1", "2", "3+")
PLAN_RETENTION = {"1": 0.72, "2": 0.91, "3+": 0.97}  # the plan's illustrative figures
BUCKET_EDGES: tuple[int, ...] = (0, 30, 60, 90, 120)  # days after the first policy


# --- products and the sequence -------------------------------------------------------------------

def canonical_product(name: str) -> str | None:
    """The canonical product for an AMS or owner name ("HO-3" -> "Home"), None when unknown."""
    key = re.sub(r"\s+", " ", str(name).strip().lower())
    if key in PRODUCT_ALIASES:
        return PRODUCT_ALIASES[key]
    for p in PRODUCTS:
        if p.lower() == key:
            return p
    return None


def split_products(text: str) -> list[str]:
    """The product names in a combination written as text: "Auto+Home", "Auto, Home", "Auto & Home".
    Names are returned as written (trimmed); empty parts are dropped."""
    return [p.strip() for p in re.split(r"[+,;&]", str(text)) if p.strip()]


def parse_sequence(text: str) -> tuple[tuple[str, ...], ...]:
    """The product sequence as steps of canonical products.

    Steps are separated by commas, ";", ">" or "->"; "a/b/c" means any of a, b, c fills the step
    (the first one is the product recommended). Raises ValueError naming an unknown product, a
    product listed twice, or an empty sequence.

    >>> parse_sequence("Auto, Home/Condo, Umbrella")
    (('Auto',), ('Home', 'Condo'), ('Umbrella',))
    """
    steps: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for part in re.split(r"->|→|[,;>]", str(text)):
        names = [n.strip() for n in re.split(r"[/|]", part) if n.strip()]
        if not names:
            continue
        step = []
        for n in names:
            p = canonical_product(n)
            if p is None:
                raise ValueError(f"product sequence: {n!r} is not a known product "
                                 f"(known: {', '.join(PRODUCTS)})")
            if p in seen:
                raise ValueError(f"product sequence: {p} is listed twice")
            seen.add(p)
            step.append(p)
        steps.append(tuple(step))
    if not steps:
        raise ValueError("product sequence is empty; expected e.g. 'Auto, Home, Umbrella, Life'")
    return tuple(steps)


def next_products(held: Iterable[str], sequence: str | tuple[tuple[str, ...], ...] = DEFAULT_SEQUENCE,
                  ) -> list[str]:
    """Every product still to offer, in sequence order: the first product of each step the
    household holds none of. ``held``: canonical product names."""
    steps = parse_sequence(sequence) if isinstance(sequence, str) else sequence
    have = set(held)
    return [step[0] for step in steps if not have.intersection(step)]


def next_product(held: Iterable[str], sequence: str | tuple[tuple[str, ...], ...] = DEFAULT_SEQUENCE,
                 ) -> str | None:
    """The next product to offer: the first step of the sequence the household holds none of;
    None when it holds every step.

    >>> next_product(["Auto"]), next_product(["Auto", "Renters"]), next_product(["Home"])
    ('Home', 'Umbrella', 'Auto')
    """
    rest = next_products(held, sequence)
    return rest[0] if rest else None


# --- the plan's arithmetic -----------------------------------------------------------------------

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


# --- portfolio -----------------------------------------------------------------------------------

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


# --- sales history -------------------------------------------------------------------------------

def sale_events(policies: pd.DataFrame, sales: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every policy ever written, one row each: policy_number, household_id, product, date, premium.

    The book of business gives the original effective date and annual premium; a sales report adds
    the policies the book no longer lists (its Issue Date and Premium). A policy in both keeps the
    book's row. Rows without a date or household are left out.
    """
    book = pd.DataFrame({
        "policy_number": policies["policy_number"].astype(str),
        "household_id": policies["household_id"].astype(str),
        "product": policies["product"].astype(str),
        "date": pd.to_datetime(policies["original_effective_date"]),
        "premium": pd.to_numeric(policies["annual_premium"], errors="coerce"),
    })
    parts = [book]
    if sales is not None and len(sales):
        parts.append(pd.DataFrame({
            "policy_number": sales["policy_number"].astype(str),
            "household_id": sales["household_id"].astype(str),
            "product": sales["product"].astype(str),
            "date": pd.to_datetime(sales["issue_date"]),
            "premium": pd.to_numeric(sales["premium"], errors="coerce"),
        }))
    ev = pd.concat(parts, ignore_index=True).drop_duplicates("policy_number", keep="first")
    ev = ev[ev["date"].notna() & ev["household_id"].notna() & (ev["household_id"] != "nan")]
    return ev.sort_values(["household_id", "date", "policy_number"]).reset_index(drop=True)


def first_additions(policies: pd.DataFrame, sales: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per household: when it became a customer and when it first ADDED a product.

    Columns: household_id; first_date (its earliest policy); first_products ("Auto" or a bundle
    "Auto+Home" written that day); added_date, added_product (the first later policy of a product
    it did not start with; products written the same later day are joined with "+"; NaT/"" when
    it never added one); days_to_add (added_date - first_date, days; NaN if none); premium_at_add
    ($ a year of every policy written up to and including that day); products_at_add (distinct
    products then); left_date (when its last policy in the book ended; NaT while it is a customer);
    left_unknown (it has left, on a day the export does not give: a lapsed policy without its
    end date).
    """
    ev = sale_events(policies, sales)
    cols = ["household_id", "first_date", "first_products", "added_date", "added_product",
            "days_to_add", "premium_at_add", "products_at_add", "left_date", "left_unknown"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    first = ev.groupby("household_id")["date"].min()
    ev["first_date"] = ev["household_id"].map(first)
    is_day_one = (ev["date"] == ev["first_date"]).to_numpy()
    day_one = ev[is_day_one]
    start = hh.product_lists(day_one["household_id"], day_one["product"])
    # (household, product) pairs as one integer each, to find the later policies of a product the
    # household did not start with without a Python loop over the rows
    pair = pd.factorize(ev["household_id"])[0].astype(np.int64) * (int(ev["product"].nunique()) + 1) \
        + pd.factorize(ev["product"])[0]
    later_rows = (ev["date"] > ev["first_date"]).to_numpy()
    new = ev[later_rows & ~np.isin(pair, pair[is_day_one])]
    added_date = new.groupby("household_id")["date"].min()
    # reindex, not map: pandas cannot map onto an empty datetime Series
    on_that_day = new[new["date"].to_numpy() == added_date.reindex(new["household_id"]).to_numpy()]
    added_product = hh.product_lists(on_that_day["household_id"], on_that_day["product"])

    out = pd.DataFrame({"first_date": first, "first_products": start}).rename_axis("household_id")
    out["added_date"] = added_date.reindex(out.index)
    out["added_product"] = added_product.reindex(out.index).fillna("")
    out["days_to_add"] = (out["added_date"] - out["first_date"]).dt.days.astype(float)
    upto = ev[ev["date"].to_numpy() <= added_date.reindex(ev["household_id"]).to_numpy()]
    out["premium_at_add"] = upto.groupby("household_id")["premium"].sum().reindex(out.index)
    out["products_at_add"] = upto.groupby("household_id")["product"].nunique().reindex(out.index)
    ends = hh.policy_end_dates(policies)
    household = policies["household_id"].astype(str)
    flags = pd.DataFrame({"end": ends, "unknown": hh.ends_unknown(policies, ends),
                          "here": ends >= hh.FAR_FUTURE})  # here: a policy still on the books
    by = flags.groupby(household).agg(end=("end", "max"), unknown=("unknown", "any"), here=("here", "any"))
    end, unknown, here = by["end"], by["unknown"], by["here"]
    left = end.reindex(out.index)
    out["left_date"] = left.where(left < hh.FAR_FUTURE)  # still a customer (or sales only): NaT
    # Gone, but on a day the export does not give (a lapsed policy without its end date).
    out["left_unknown"] = (unknown & ~here).reindex(out.index, fill_value=False).astype(bool)
    out.loc[out["left_unknown"], "left_date"] = pd.NaT
    return out.reset_index()[cols]


# --- timing --------------------------------------------------------------------------------------

def bucket_bounds(last_day: int = 365) -> list[tuple[str, int, int]]:
    """(label, after day, up to day) of each timing window: 0-30, 31-60, 61-90, 91-120 and 120+
    (day 121 to ``last_day``)."""
    e = BUCKET_EDGES
    out = [(f"{lo if lo == 0 else lo + 1}-{hi}", lo, hi) for lo, hi in zip(e[:-1], e[1:])]
    out.append((f"{e[-1]}+", e[-1], int(last_day)))
    return out


def per_30_days(rate, width_days):  # noqa: ANN001, ANN201
    """A conversion rate over a window of ``width_days`` as its 30-day equivalent:
    1 - (1 - rate)^(30 / width), so windows of different widths compare fairly."""
    h = np.asarray(rate, dtype=float)
    w = np.asarray(width_days, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = 1.0 - np.power(1.0 - h, 30.0 / w)
    return out if out.ndim else float(out)


def timing_buckets(additions: pd.DataFrame, as_of: dt.date, commission_rate: float,
                   retention: dict[str, float], discount_rate: float = 0.10, last_day: int = 365,
                   lookback_months: int | None = 36) -> pd.DataFrame:
    """Conversion by days after the first policy, one row per window (always five).

    ``additions``: ``first_additions``. Only households whose first policy was written in the
    ``lookback_months`` before as_of count (None: all). Per window (after day lo, up to day hi):
    at_risk = households with first_date + hi days <= as_of, no product added by day lo, and not
    gone by day lo; converted = those that added their first new product on a day in (lo, hi];
    conversion_rate = converted / at_risk (NaN when none at risk); rate_30d = its 30-day
    equivalent (``per_30_days``); avg_ltv = mean LTV at conversion of the converted households
    (``lifetime_value(premium_at_add, commission_rate, retention of products_at_add,
    discount_rate)``); value_30d = rate_30d x avg_ltv, the LTV one contact in that window is
    expected to win per 30 days (0 when nobody converted).

    A household that has left on a day the export does not give (``left_unknown``) may or may not
    have been at risk in a window it did not convert in: when any such household could count,
    the rates are not measurable (NaN) and ``attrs["not_measurable"]`` says why.
    """
    a = additions
    now = pd.Timestamp(as_of)
    if lookback_months:
        a = a[a["first_date"] > now - pd.DateOffset(months=lookback_months)]
    first = pd.to_datetime(a["first_date"])
    age = (now - first).dt.days.to_numpy(float)
    days = a["days_to_add"].to_numpy(float)
    gone = (pd.to_datetime(a["left_date"]) - first).dt.days.to_numpy(float)  # NaN: still here
    left_unknown = (a["left_unknown"].to_numpy(bool) if "left_unknown" in a
                    else np.zeros(len(a), dtype=bool))
    ambiguous = False
    ltv = np.asarray(lifetime_value(
        a["premium_at_add"].to_numpy(float), commission_rate,
        retention_for(a["products_at_add"].to_numpy(float), retention), discount_rate), dtype=float)
    rows = []
    for label, lo, hi in bucket_bounds(last_day):
        not_yet = np.isnan(days) | (days > lo)
        still_here = np.isnan(gone) | (gone > lo)
        at_risk = (age >= hi) & not_yet & still_here
        ambiguous |= bool((at_risk & left_unknown & ~((days > lo) & (days <= hi))).any())
        won = at_risk & (days > lo) & (days <= hi)
        n, k = int(at_risk.sum()), int(won.sum())
        rate = k / n if n else math.nan
        avg = float(np.nanmean(ltv[won])) if k and np.isfinite(ltv[won]).any() else math.nan
        rows.append([label, lo, hi, n, k, rate, avg])
    t = pd.DataFrame(rows, columns=["bucket", "after_day", "to_day", "at_risk", "converted",
                                    "conversion_rate", "avg_ltv"])
    t["rate_30d"] = per_30_days(t["conversion_rate"].to_numpy(), (t["to_day"] - t["after_day"]).to_numpy())
    t["value_30d"] = np.where(t["converted"] > 0, t["rate_30d"] * t["avg_ltv"], 0.0)
    t.loc[t["at_risk"] == 0, "value_30d"] = math.nan
    if ambiguous:
        t[["conversion_rate", "rate_30d", "value_30d"]] = math.nan
        t.attrs["not_measurable"] = ("not measurable from this export (add Cancel Date): customers who "
                                     "left on a day it does not give may have been at risk")
    return t[["bucket", "after_day", "to_day", "at_risk", "converted", "conversion_rate", "rate_30d",
              "avg_ltv", "value_30d"]]


def best_bucket(timing: pd.DataFrame, min_households: int = 20, min_conversions: int = 1) -> pd.Series | None:
    """The window to contact customers in: the highest ``value_30d`` (30-day conversion x average
    LTV of converts) among windows with at least ``min_households`` at risk and at least
    ``min_conversions`` converts (fewer are too few to judge); ties go to the earlier window.
    None when no window qualifies."""
    ok = timing[(timing["at_risk"] >= min_households) & (timing["converted"] >= max(min_conversions, 1))
                & timing["value_30d"].notna()]
    if ok.empty:
        return None
    return ok.loc[ok["value_30d"].idxmax()]


def timing_recommendation(best: pd.Series | None, min_households: int = 20, min_conversions: int = 1) -> str:
    """One sentence for the owner naming the best window, or why there is none."""
    if best is None:
        return (f"Not enough history yet: no timing window has {min_households} households that "
                f"could have added a product in it and {min_conversions} that did (too few to judge).")
    lo, hi = int(best["after_day"]), int(best["to_day"])
    when = f"{lo + 1 if lo else 0}-{hi} days" if best["bucket"] != f"{lo}+" else f"more than {lo} days"
    return (f"Contact customers {when} after their first policy: {best['conversion_rate']:.0%} of "
            f"those who had not added a product yet added one then ({best['rate_30d']:.1%} per 30 "
            f"days), worth ${best['avg_ltv']:,.0f} lifetime value each.")


# --- conversion by product set -------------------------------------------------------------------

def conversion_matrix(policies: pd.DataFrame, as_of: dt.date, products: Iterable[str],
                      months: int = 12, sales: pd.DataFrame | None = None,
                      history_months: int | None = 36) -> pd.DataFrame:
    """Observed conversion of each product set S to each product X within ``months``.

    Cohort of S: the households that came to hold S - the day the set of products they had
    bought (book original effective dates, sales issue dates) became exactly S, by their first
    sale (a bundle counts as one set) or by adding a product - on a day at least ``months`` before
    as_of (so each had the whole window) and within the ``history_months`` before as_of (None:
    any time). Converted to X: bought X within ``months`` after that day. Households that left
    count as not converted. The rate is what households do in their first ``months`` in S; it is
    the same anchor as the timing windows (days after the first policy).

    Returns one row per set: product_list ("Auto+Home", sorted), households (cohort size) and one
    column per product X with the share converted (NaN when X is already in S).
    """
    products = list(products)
    cols = ["product_list", "households", *products]
    ev = sale_events(policies, sales)
    if ev.empty:
        return pd.DataFrame(columns=cols)
    epoch = pd.Timestamp("1970-01-01")
    first = ev.groupby(["household_id", "product"])["date"].min().unstack()
    names = list(first.columns)
    days = ((first - epoch) / pd.Timedelta(days=1)).to_numpy(float)  # NaN: never bought
    ii, jj = np.nonzero(np.isfinite(days))
    entry = pd.DataFrame({"i": ii, "t": days[ii, jj]}).drop_duplicates().reset_index(drop=True)
    i, t = entry["i"].to_numpy(), entry["t"].to_numpy()
    start = pd.to_datetime(t, unit="D", origin=epoch)
    end = ((start + pd.DateOffset(months=months)) - epoch) / pd.Timedelta(days=1)
    end = np.asarray(end, dtype=float)
    now = (pd.Timestamp(as_of) - epoch) / pd.Timedelta(days=1)
    keep = end <= now
    if history_months:
        keep &= t > (pd.Timestamp(as_of) - pd.DateOffset(months=history_months) - epoch) / pd.Timedelta(days=1)
    i, t, end = i[keep], t[keep], end[keep]
    held = days[i] <= t[:, None]  # NaN compares False: never bought is not held
    bits = held @ (1 << np.arange(len(names), dtype=np.int64))
    label = {b: "+".join(sorted(n for k, n in enumerate(names) if b >> k & 1)) for b in np.unique(bits)}
    sets = pd.Series([label[b] for b in bits], dtype=object)
    out = pd.DataFrame({"households": sets.value_counts().sort_index()})
    for p in products:
        if p in names:
            when = days[i, names.index(p)]
            won = pd.Series((when > t) & (when <= end), dtype=float)
        else:
            won = pd.Series(np.zeros(len(i)))
        rate = won.groupby(sets.to_numpy()).mean()
        holds = pd.Series([p in s.split("+") for s in out.index], index=out.index)
        out[p] = rate.reindex(out.index).where(~holds)
    return out.rename_axis("product_list").reset_index()[cols]


def observed_conversion(matrix: pd.DataFrame, product_list: str, product: str) -> tuple[float, int]:
    """(share of households with exactly ``product_list`` that added ``product``, cohort size) from
    a ``conversion_matrix``; (NaN, 0) when the set was not in the cohort."""
    row = matrix[matrix["product_list"] == product_list]
    if row.empty or product not in matrix.columns:
        return math.nan, 0
    return float(row[product].iloc[0]), int(row["households"].iloc[0])


# --- retention -----------------------------------------------------------------------------------

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


# --- opportunities and the sequence recommender --------------------------------------------------

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
