"""Leads, part 3: what each vendor's leads cost and bring in. Vendor efficiency over the window,
the spend to shift from the weakest vendor to the best, and CAC and LTV:CAC by tier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.leads.arithmetic import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    acquisition_cost,
    conversion_rate,
    ltv_to_cac,
    vendor_rating,
    vendor_roi,
)
from agency_xl.models.leads.lead_values import TIERS, in_window
from agency_xl.models.scalars import safe_ratio as _ratio


def vendor_efficiency(values: pd.DataFrame, through: dt.date, window_months: int | None = 12,
                      excellent: float = 5.0, good: float = 2.0, min_decided: int = 0) -> pd.DataFrame:
    """Per vendor over the leads dated in the window: spend, leads, sold, open (not yet closed),
    decided (sold + lost + bad lead), conversion (sold / decided), CAC, avg_ltv (of its sold
    households: found in the book, or estimated), roi, ltv_cac, rating (``vendor_rating``, with
    fewer than ``min_decided`` decided leads TOO NEW or TOO FEW TO JUDGE). ``values`` is
    ``sold_lead_values``. Sorted by ROI, best first (unrated vendors last)."""
    w = in_window(values, through, window_months)
    cols = ["vendor", "spend", "leads", "sold", "open", "decided", "conversion", "cac", "avg_ltv", "roi",
            "ltv_cac", "rating"]
    if w.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("vendor", "rating") else float) for c in cols})
    g = w.assign(cost=pd.to_numeric(w["cost"], errors="coerce").fillna(0.0).astype(float),
                 is_open=w["status"].isin(OPEN_STATUSES),
                 is_decided=w["status"].isin(CLOSED_STATUSES),
                 ltv=pd.to_numeric(w["ltv"], errors="coerce").astype(float)).groupby("vendor")
    t = pd.DataFrame({
        "spend": g["cost"].sum(),
        "leads": g.size(),
        "sold": g["sold"].sum().astype(int),
        "open": g["is_open"].sum().astype(int),
        "decided": g["is_decided"].sum().astype(int),
        "avg_ltv": g["ltv"].mean(),  # NaN-skipping: sold households valued (in the book or estimated)
    })
    t["conversion"] = conversion_rate(t["sold"].to_numpy(), t["decided"].to_numpy())
    t["cac"] = acquisition_cost(t["spend"].to_numpy(), t["sold"].to_numpy())
    avg = t["avg_ltv"].fillna(0.0).where(t["sold"] == 0, t["avg_ltv"])  # nothing sold: value 0
    t["roi"] = vendor_roi(t["spend"].to_numpy(), t["sold"].to_numpy(), avg.to_numpy())
    t["ltv_cac"] = ltv_to_cac(t["avg_ltv"].to_numpy(), t["cac"].to_numpy())
    t["rating"] = vendor_rating(t["roi"].to_numpy(), excellent, good, t["decided"].to_numpy(),
                                t["open"].to_numpy(), min_decided)
    t = t.rename_axis("vendor").reset_index()
    t = t.sort_values(["roi", "spend"], ascending=[False, False], na_position="last")
    return t.reset_index(drop=True)[cols]


@dataclass
class Reallocation:
    amount: float  # $ to move (0 when no shift is recommended)
    from_vendor: str | None
    to_vendor: str | None
    ltv_gain: float  # expected extra lifetime value, $, at the vendors' measured returns
    action: str  # what to do, in one sentence
    rule: str  # the rule that produced it, in one sentence

    @property
    def sentence(self) -> str:
        return f"{self.action} {self.rule}"


def reallocation(vendors: pd.DataFrame, share: float = 0.25, min_decided: int = 20,
                 trigger: float = 0.75) -> Reallocation:
    """Shift ``share`` of the worst vendor's spend to the best one.

    Rule: among vendors with at least ``min_decided`` decided leads (sold, lost or bad: no advice
    rests on a vendor whose leads have not had time to close), spend and a known ROI, the best has
    the highest ROI and the worst the lowest. A shift is recommended when the worst returns less than
    ``trigger`` times what the best returns per dollar of leads: (1 + ROI worst) < trigger x
    (1 + ROI best), where 1 + ROI = lifetime value bought per dollar (= LTV:CAC). Vendors that
    return nearly the same are left alone. Amount = share x the worst vendor's spend, rounded to
    $100. Expected LTV gain = amount x (ROI best - ROI worst), assuming the next dollar buys leads
    as good as the last (a vendor's best leads may run out; treat it as an upper bound).
    """
    rule = (f"Rule: when the lowest-ROI vendor returns less than {trigger:.0%} of the highest-ROI "
            f"vendor's lifetime value per dollar, move {share:.0%} of its spend there (vendors with "
            f"{min_decided}+ decided leads in the window).")
    decided = vendors["decided"] if "decided" in vendors else vendors["leads"]
    v = vendors[(decided >= min_decided) & vendors["roi"].notna() & (vendors["spend"] > 0)]
    if len(v) < 2:
        return Reallocation(0.0, None, None, 0.0, f"No shift recommended: fewer than two vendors with "
                            f"{min_decided}+ decided leads to compare.", rule)
    best = v.loc[v["roi"].idxmax()]
    worst = v.loc[v["roi"].idxmin()]
    per_dollar = (1 + worst["roi"]) / (1 + best["roi"]) if best["roi"] > -1 else 1.0
    if per_dollar >= trigger:
        return Reallocation(0.0, None, None, 0.0,
                            f"No shift recommended: the weakest vendor ({worst['vendor']}, ROI "
                            f"{worst['roi']:,.0%}) returns {per_dollar:.0%} of what the best "
                            f"({best['vendor']}, ROI {best['roi']:,.0%}) returns per dollar.", rule)
    amount = float(round(share * worst["spend"] / 100.0) * 100.0)
    gain = amount * float(best["roi"] - worst["roi"])
    action = (
        f"Shift ${amount:,.0f} from {worst['vendor']} (ROI {worst['roi']:,.0%}, {worst['rating']}) "
        f"to {best['vendor']} (ROI {best['roi']:,.0%}, {best['rating']}): about ${gain:,.0f} more "
        f"lifetime value if the extra leads convert like the current ones."
    )
    return Reallocation(amount, str(worst["vendor"]), str(best["vendor"]), gain, action, rule)


def cac_by_segment(values: pd.DataFrame, through: dt.date, window_months: int | None = 12,
                   warning: float = 3.0) -> pd.DataFrame:
    """CAC and LTV:CAC by the tier of the household each sold lead became (rows Elite, Premium,
    Standard, Low-Value, All; ``values`` is ``sold_lead_values``).

    Spend allocation: each sold lead carries its own price plus an equal share of the price of
    its vendor's leads that did not sell (lost, bad or still open) in the window, so a vendor's
    whole spend is spread over its customers. CAC = allocated spend / sold; avg_ltv of the tier's
    sold households; ltv_cac = avg_ltv / CAC; max_cac = avg_ltv / warning (the most a customer of
    the tier may cost before LTV:CAC falls below the warning); status ALERT below the warning,
    else OK. The All row takes the whole spend (vendors without a sale included) over all sales.
    """
    w = in_window(values, through, window_months).copy()
    # Numbers as floats even when the window is empty (an empty text column must not make pandas
    # add text to numbers: issue 10.1).
    w["cost"] = pd.to_numeric(w["cost"], errors="coerce").fillna(0.0).astype(float)
    w["ltv"] = pd.to_numeric(w["ltv"], errors="coerce").astype(float)
    is_sold = w["sold"].astype(bool)
    unsold = w["cost"].where(~is_sold, 0.0).groupby(w["vendor"]).sum().astype(float)
    sold_n = is_sold.groupby(w["vendor"]).sum().astype(float)
    spread = (unsold / sold_n.where(sold_n > 0)).astype(float)  # each sale's share of the unsold leads
    sold = w[is_sold]
    allocated = sold["cost"].to_numpy(float) + sold["vendor"].map(spread).astype(float).fillna(0.0).to_numpy(float)
    rows = []
    tiers = sold["tier"].astype(object).to_numpy()
    ltv = sold["ltv"].to_numpy(float)
    for tier in TIERS:
        part = tiers == tier
        rows.append([tier, int(part.sum()), float(allocated[part].sum()),
                     float(np.nanmean(ltv[part])) if np.isfinite(ltv[part]).any() else np.nan])
    rows.append(["All", len(sold), float(w["cost"].sum()),
                 float(np.nanmean(ltv)) if np.isfinite(ltv).any() else np.nan])
    t = pd.DataFrame(rows, columns=["tier", "sold", "spend", "avg_ltv"])
    t["cac"] = acquisition_cost(t["spend"].to_numpy(), t["sold"].to_numpy())
    t["ltv_cac"] = ltv_to_cac(t["avg_ltv"].to_numpy(), t["cac"].to_numpy())
    t["max_cac"] = _ratio(t["avg_ltv"].to_numpy(), warning)
    t["warning"] = warning
    t["status"] = np.where(t["ltv_cac"].isna(), "", np.where(t["ltv_cac"] < warning, "ALERT", "OK"))
    return t
