"""Leads, part 5: the queue of open leads to call, best first, with the priority of each and the
estimated LTV of the tier it is likely to become."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from agency_xl.models.leads.arithmetic import OPEN_STATUSES
from agency_xl.models.leads.lead_values import TIERS, TierRule
from agency_xl.models.leads.score import _as_float

URGENT, HIGH, NORMAL = "URGENT", "HIGH", "NORMAL"
CONTACT_WITHIN = {URGENT: "24 hours", HIGH: "3 days", NORMAL: "1 week"}


def priority(score, urgent: float = 90, high: float = 70):  # noqa: ANN001, ANN201
    """URGENT at or above ``urgent``, HIGH at or above ``high``, else NORMAL (thresholds on Settings)."""
    s = np.asarray(score, dtype=float)
    out = np.where(s >= urgent, URGENT, np.where(s >= high, HIGH, NORMAL))
    return out if out.ndim else str(out)


def tier_ltv(households: pd.DataFrame) -> dict[str, float]:
    """Average LTV of the book's households per tier (the estimated LTV of a lead of that tier)."""
    g = households.groupby("tier")["ltv"].mean()
    return {tier: float(g.get(tier, np.nan)) for tier in TIERS}


def lead_queue(leads: pd.DataFrame, scores: np.ndarray, tier_values: dict[str, float],
               urgent: float = 90, high: float = 70, n: int | None = 25,
               tier_rule: TierRule = TierRule(), as_of: dt.date | None = None,
               max_age_days: int | None = None) -> pd.DataFrame:
    """Open leads (New / Contacted / Quoted) to call, best first. With ``as_of`` and
    ``max_age_days``, open leads dated more than that many days before ``as_of`` are left out:
    a lead still "Contacted" after months has gone cold, calling it first would waste the day.

    Columns: lead_id, lead_date, vendor, zip, status, score, predicted_tier (the tier rule on the
    products quoted: 3+ Elite, 2 Premium, 1 or unknown Standard), estimated_ltv (the book's
    average for that tier), priority (by score) and contact_within (URGENT 24 hours, HIGH 3 days,
    NORMAL 1 week). Order: score, then estimated LTV, highest first, then the oldest lead first.
    """
    t = leads.assign(score=scores)
    t = t[t["status"].isin(OPEN_STATUSES)].copy()
    if as_of is not None and max_age_days is not None:
        age = (pd.Timestamp(as_of) - pd.to_datetime(t["lead_date"])).dt.days
        t = t[age <= max_age_days].copy()
    quoted = _as_float(t["products_quoted"]) if "products_quoted" in t else np.full(len(t), np.nan)
    premium = (pd.to_numeric(t["quoted_premium"], errors="coerce").to_numpy(float)
               if "quoted_premium" in t else np.full(len(t), np.nan))
    t["predicted_tier"] = tier_rule(np.nan_to_num(quoted, nan=1.0), premium) if len(t) else []
    t["estimated_ltv"] = t["predicted_tier"].map(tier_values).astype(float)
    t["priority"] = priority(t["score"].to_numpy(), urgent, high)
    t["contact_within"] = t["priority"].map(CONTACT_WITHIN)
    t["lead_date"] = pd.to_datetime(t["lead_date"])
    t = t.sort_values(["score", "estimated_ltv", "lead_date"], ascending=[False, False, True])
    cols = ["lead_id", "lead_date", "vendor", "zip", "status", "score", "predicted_tier",
            "estimated_ltv", "priority", "contact_within"]
    t = t.reindex(columns=cols)
    return (t.head(n) if n is not None else t).reset_index(drop=True)
