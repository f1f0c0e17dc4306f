"""Segments figures of one refresh: households by tier with their lifetime value, household
retention by product count as every LTV uses it, the marketing allocation (current vs recommended)
and the upgrade opportunity. Computed once from the book of business (plus the claims for
loss-making households and the lead log for the cost per household); the sheet, `agency-xl
metrics` and AMS_METRIC read them. Formulas: ``agency_xl.models.segments`` and
docs/models/segments.md."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.segments import SegmentsSettings
from agency_xl.figures.actions import action_list, household_contacts
from agency_xl.figures.common import Common, CommissionRate, common_figures
from agency_xl.figures.values import clean
from agency_xl.models import segments as m
from agency_xl.models.periods import Window, window

NEEDS = ("policies",)
# The upgrade paths: (label, from tier, to tier, products a household has before it moves up).
UPGRADE_PATHS = (("Standard -> Premium", m.STANDARD, m.PREMIUM, 1), ("Premium -> Elite", m.PREMIUM, m.ELITE, 2))
RETENTION_COLUMNS = ["products", "households", "retained", "retention", "used", "source"]


@dataclass(frozen=True)
class SegmentsFigures:
    as_of: dt.date
    window: Window  # the 12 complete months retention and upgrades are measured over
    missing: tuple[str, ...]  # titles of the reports the sheet needs and the folder lacks
    settings: SegmentsSettings
    discount_rate: float  # a year, Settings (general)
    commission: CommissionRate  # the rate every LTV uses (known without the book too)
    # Cost to win one household per tier (Elite, Premium, Standard, Low-Value), $: measured on the
    # lead log where it can be, else Settings; where each came from; the note saying which.
    cac: np.ndarray
    cac_source: tuple[str, ...]
    cac_note: str
    share_note: str  # "" unless the current shares on Settings do not add up to 100%
    loss_making_note: str  # how loss-making households were marked, or why they were not
    # The rest is None when the book of business is missing.
    retention_used: m.RetentionUsed | None = None  # household retention by product count of the LTVs
    # By product count ("1", "2", "3+", "All"): households at the start, still customers, retention
    # (the ratio, or why it is not measurable), the retention the LTV uses and its source.
    retention: pd.DataFrame | None = None
    households: int | None = None  # households with a policy in force on the data date
    tiers: pd.DataFrame | None = None  # tier_summary: one row per tier, in m.TIERS order
    total_ltv: float | None = None  # $, every household's LTV; None without households
    loss_making: int | None = None  # households over the loss-ratio limit; None unless looked for
    avg_ltv: np.ndarray | None = None  # $ per household, per tier (m.TIERS)
    ltv_to_cac: tuple[float, ...] | None = None  # avg LTV / cost per household, per tier
    allocation: m.Allocation | None = None  # None when it cannot be made (allocation_error says why)
    allocation_error: str = ""
    roi_gain: float | None = None  # recommended ROI - current ROI
    upgrades: dict[str, m.UpgradeOpportunity] = field(default_factory=dict)  # by UPGRADE_PATHS label
    upgrades_seen: dict[str, float] = field(default_factory=dict)  # share that moved up in 12 months
    upgrades_total: float | None = None  # households, every path
    upgrade_value_total: float | None = None  # $ of LTV, every path
    # The households to move up a tier (figures/actions.py ACTION_COLUMNS): every household of
    # each path's lower tier (upgrade_households = the paths' households added up); value = the
    # path's upgrade rate (Settings) x LTV gain each ($, expected).
    upgrade_list: pd.DataFrame | None = None
    personal_data: bool = False  # names and phones shown (Settings, general)

    @property
    def upgrade_households(self) -> int | None:
        """Households on the upgrade paths: the rows of ``upgrade_list``."""
        return int(sum(o.customers for o in self.upgrades.values())) if self.upgrades else None

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "segments" (empty without the book)."""
        if self.tiers is None:
            return {}
        s, alloc, used = self.settings, self.allocation, self.retention_used
        by_tier = self.tiers.set_index("tier")

        def col(name: str) -> dict[str, Any]:
            return {t: clean(by_tier.loc[t, name]) for t in m.TIERS}

        return {
            "households": self.households,
            "households_by_tier": col("households"),
            "share_by_tier": col("share"),
            "avg_premium_by_tier": col("avg_premium"),
            "avg_ltv_by_tier": col("avg_ltv"),
            "total_ltv_by_tier": col("total_ltv"),
            "ltv_contribution_by_tier": col("ltv_share"),
            "retention_by_tier": col("retention"),
            "recommended_cac_by_tier": col("recommended_cac"),
            "total_ltv": clean(self.total_ltv),
            "commission_rate": clean(self.commission.rate),
            "commission_rate_measured": self.commission.measured,
            "window": self.window.label(),
            "retention_by_product_count": {p: clean(r) for p, r in
                                           zip(self.retention["products"], self.retention["retention"])},
            "retention_used_in_ltv": {k: clean(v) for k, v in used.retention.items()},
            "retention_used_source": {k: used.source(k) for k in used.retention},
            "loss_making_households": self.loss_making,
            "allocation": {
                "budget": s.marketing_budget,
                "cac_by_tier": dict(zip(m.TIERS, [clean(c) for c in self.cac])),
                "cac_source": dict(zip(m.TIERS, self.cac_source)),
                "current_shares": dict(zip(m.TIERS, [clean(x) for x in alloc.current_shares])) if alloc else None,
                "recommended_shares": (dict(zip(m.TIERS, [clean(x) for x in alloc.recommended_shares]))
                                       if alloc else None),
                "current_roi": clean(alloc.current_roi) if alloc else None,
                "recommended_roi": clean(alloc.recommended_roi) if alloc else None,
                "error": self.allocation_error or None,
            },
            "upgrade_opportunity": {
                label: {"households": o.customers, "upgrade_rate": o.upgrade_rate,
                        "seen_last_12_months": clean(self.upgrades_seen[label]), "upgrades": o.upgrades,
                        "ltv_gain_each": round(o.ltv_gain, 2), "value": round(o.value, 2)}
                for label, o in self.upgrades.items()
            },
        }


def normalised_shares(shares: list[float]) -> tuple[np.ndarray, str]:
    """Settings shares scaled to add up to 100%, and a note when they did not."""
    a = np.asarray(shares, dtype=float)
    total = a.sum()
    if total <= 0:
        return np.full(len(a), 1 / len(a)), "Current shares on Settings add up to 0%; an even split is used."
    if abs(total - 1) > 1e-6:
        return a / total, f"Current shares on Settings add up to {total:.0%}; scaled to 100%."
    return a, ""


def retention_rows(table: pd.DataFrame, used: m.RetentionUsed) -> pd.DataFrame:
    """Retention by product count as the sheet and metrics show it (RETENTION_COLUMNS): where the
    book cannot measure it, no count of retained households and the reason in place of the ratio."""
    why = used.not_measurable
    rows = [[r.products, clean(r.households), None if why else clean(r.retained), why or clean(r.retention),
             clean(used.retention.get(r.products)), used.source(r.products) if r.products in used.retention else ""]
            for r in table.itertuples(index=False)]
    return pd.DataFrame(rows, columns=RETENTION_COLUMNS, dtype=object)  # cells as they are


def cost_per_household(data: AmsData, s: SegmentsSettings, book: bool) -> tuple[np.ndarray, list[str], str]:
    """Cost to win one household per tier: lead spend / leads sold by the tier of the products
    quoted, over 12 complete months, where the lead log measures it (and the book is there);
    else the Settings fallback. Returns the costs, their sources and the note saying which."""
    cac = np.asarray(s.cac_fallback(), dtype=float)
    source = ["Settings"] * 4
    if data.leads is None or not book:
        return cac, source, "Add the Lead log export to measure the cost per household"
    measured = m.cac_by_tier(data.leads, data.window_end("leads"), 12, s.low_value_premium,
                             s.elite_min_products, s.premium_min_products)
    for i, value in enumerate(measured["cac"].to_numpy(float)):
        if np.isfinite(value) and value > 0:
            cac[i], source[i] = value, "Lead log"
    note = ("Lead spend / leads sold, by the tier of products quoted (12 complete months)"
            if "Lead log" in source else
            "No tier has a sold lead with Products Quoted in 12 months; Settings used")
    return cac, source, note


def loss_making_note(data: AmsData, s: SegmentsSettings) -> str:
    """How loss-making households were marked, or why they were not."""
    if data.policies is not None and s.low_value_if_loss_making and data.claims is not None:
        return f"Claims over {s.loss_ratio_limit:.0%} of premium in 12 months; 1-product ones are Low-Value"
    if data.policies is not None and not s.low_value_if_loss_making:
        return "Switched off on Settings"
    return "Add the Claims detail export to mark loss-making households"


def upgrade_opportunities(data: AmsData, s: SegmentsSettings, tiers: pd.DataFrame
                          ) -> tuple[dict[str, m.UpgradeOpportunity], dict[str, float]]:
    """Each upgrade path's opportunity (households of the lower tier x the Settings upgrade rate x
    the LTV gained, 0 where it is unknown) and the share that moved up in 12 complete months."""
    counts = dict(zip(tiers["tier"], tiers["households"]))
    avg = dict(zip(tiers["tier"], tiers["avg_ltv"]))
    rates = {m.PREMIUM: s.upgrade_rate_to_premium, m.ELITE: s.upgrade_rate_to_elite}
    ups, seen = {}, {}
    for label, lower, upper, from_products in UPGRADE_PATHS:
        gain = avg[upper] - avg[lower]
        gain = gain if np.isfinite(gain) else 0.0
        ups[label] = m.upgrade_opportunity(counts[lower], rates[upper], gain)
        seen[label], _ = m.measured_upgrade_rate(data.policies, data.window_end("policies"), from_products, 12)
    return ups, seen


def upgrade_candidates(valued: pd.DataFrame, upgrades: dict[str, m.UpgradeOpportunity],
                       contacts: pd.DataFrame | None) -> pd.DataFrame:
    """Every household of each upgrade path's lower tier, with the reason ("Standard -> Premium:
    1 product, $1,450 a year") and the value: the path's upgrade rate x LTV gain each ($)."""
    ids, reasons, values = [], [], []
    for label, lower, _, _ in UPGRADE_PATHS:
        o = upgrades[label]
        part = valued[valued["tier"] == lower]
        ids += part["household_id"].tolist()
        reasons += [f"{label}: {int(n)} product{'s' if n != 1 else ''}, ${p:,.0f} a year"
                    for n, p in zip(part["products"], part["premium"])]
        values += [o.upgrade_rate * o.ltv_gain] * len(part)
    return action_list(ids, reasons, values, contacts)


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> SegmentsFigures:
    s = settings.segments
    common = common if common is not None else common_figures(data, settings)
    missing = tuple(data.missing(*NEEDS))
    cac, cac_source, cac_note = cost_per_household(data, s, not missing)
    current, share_note = normalised_shares(s.current_shares())
    base = dict(as_of=data.as_of, window=window(data.window_end("policies")), missing=missing, settings=s,
                discount_rate=settings.general.discount_rate, commission=common.commission, cac=cac,
                cac_source=tuple(cac_source), cac_note=cac_note,
                share_note=share_note, loss_making_note=loss_making_note(data, s))
    if missing:
        return SegmentsFigures(**base)
    used = common.retention
    claims = data.claims if s.low_value_if_loss_making else None
    valued = common.valued_households  # the one valuation of the book, shared with Leads
    tiers = m.tier_summary(valued, s.target_ltv_cac)

    ltv = tiers["avg_ltv"].to_numpy(float)
    alloc, alloc_error = None, ""
    if not int(tiers["households"].sum()):
        alloc_error = "No households in force on the data date to measure LTV on"
    else:
        try:
            alloc = m.optimise_allocation(s.marketing_budget, ltv, cac, current, s.min_shares(), s.max_shares(),
                                          s.diminishing_returns)
        except ValueError as exc:
            alloc_error = f"Check the Settings: {exc}"
    ups, seen = upgrade_opportunities(data, s, tiers)
    return SegmentsFigures(
        **base, retention_used=used, retention=retention_rows(common.retention_by_count, used),
        households=len(valued), tiers=tiers,
        total_ltv=float(valued["ltv"].sum()) if len(valued) else None,
        loss_making=int(valued["loss_making"].sum()) if claims is not None else None,
        avg_ltv=ltv, ltv_to_cac=tuple(ltv[i] / cac[i] if np.isfinite(ltv[i]) else math.nan for i in range(len(ltv))),
        allocation=alloc, allocation_error=alloc_error,
        roi_gain=(alloc.recommended_roi - alloc.current_roi) if alloc else None,
        upgrades=ups, upgrades_seen=seen, personal_data=settings.general.show_personal_data,
        upgrade_list=upgrade_candidates(valued, ups, household_contacts(data.policies,
                                                                        settings.general.show_personal_data)),
        upgrades_total=sum(o.upgrades for o in ups.values()), upgrade_value_total=sum(o.value for o in ups.values()),
    )
