"""Cross-sell, part 3: when households add a product. Every policy ever written (book and sales
report), each household's first added product, the conversion by days after the first policy
(the timing windows) and the observed conversion of each product set to each product."""

from __future__ import annotations

import datetime as dt
import math
from typing import Iterable

import numpy as np
import pandas as pd

from agency_xl.models import households as hh
from agency_xl.models.cross_sell.portfolio import retention_for
from agency_xl.models.ltv import lifetime_value

BUCKET_EDGES: tuple[int, ...] = (0, 30, 60, 90, 120)  # days after the first policy


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
