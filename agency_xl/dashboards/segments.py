"""The Segments sheet: households by tier (pie), LTV contribution by tier (bar), the segment
comparison table, retention by product count, the marketing allocation (current vs recommended,
table and clustered chart) and the upgrade opportunity card, with two small calculators."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import shared
from agency_xl.dashboards.common import (
    clean,
    data_note,
    kpi_block,
    missing_note,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    PCT,
    RATIO,
    Block,
    Chart,
    Formula,
    Input,
    Label,
    Series,
    Sheet,
)
from agency_xl.models import segments as m
from agency_xl.models.periods import window

NEEDS = ("policies",)
TIER_COLOURS = {m.ELITE: "#1F3864", m.PREMIUM: "#2E75B6", m.STANDARD: "#9DC3E6", m.LOW_VALUE: "#BFBFBF"}
PLAN_RETENTION = {"1": 0.72, "2": 0.91, "3+": 0.97}  # the plan's illustrative figures, shown beside ours
CURRENT, RECOMMENDED = "#A5A5A5", "#2E7D32"


def _fmt_pct(x: float | None) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:.1%}"


def _normalised(shares: list[float]) -> tuple[np.ndarray, str]:
    """Settings shares scaled to add up to 100%, and a note when they did not."""
    a = np.asarray(shares, dtype=float)
    total = a.sum()
    if total <= 0:
        return np.full(len(a), 1 / len(a)), "Current shares on Settings add up to 0%; an even split is used."
    if abs(total - 1) > 1e-6:
        return a / total, f"Current shares on Settings add up to {total:.0%}; scaled to 100%."
    return a, ""


def build(data: AmsData, settings: Assumptions) -> Sheet:
    s = settings.segments
    sheet = Sheet("segments", "Segments", "Customer segments", tab_color="#2E75B6")
    sheet.labels = [
        Label("A1", "Customer segments: tiers, lifetime value and where marketing pays", "title"),
        Label("A3", f"Households in force on the data date. Elite {s.elite_min_products}+ products, Premium "
                    f"{s.premium_min_products}+, Standard 1, Low-Value 1 product under ${s.low_value_premium:,.0f} a "
                    "year (or loss-making). LTV = discounted future commission (see the Lifetime value inputs).",
              "note"),
        Label("A5", "Segment comparison", "heading"),
        Label("A27", "Lifetime value inputs", "heading"),
        Label("G27", "Household retention by product count (12 complete months, measured on the book)",
              "heading"),
        Label("A38", "Marketing allocation: current vs recommended", "heading"),
        Label("A60", "Upgrade opportunity (Standard -> Premium -> Elite)", "heading"),
        Label("A66", "Calculator: type your own numbers in the yellow cells", "heading"),
        Label("E66", "Which tier is a household?", "heading"),
    ]
    missing = missing_note(data, *NEEDS)
    w = window(data.window_end("policies"))
    status = missing or data_note(data, w)

    valued = summary = None
    retention_table = None
    used = m.retention_for_ltv(None, s.retention_fallback())
    rate, rate_source, _ = shared.commission_rate(data, settings)
    loss_note = "Add the Claims detail export to mark loss-making households"
    if not missing:
        pol = data.policies
        retention_table = shared.retention_by_product_count(pol, data.window_end("policies"), 12)
        used = shared.retention_used(data, settings)
        if used.not_measurable:
            status = (f"Retention by product count is {used.not_measurable}; every LTV uses the "
                      f"{used.fallback_source} retention instead. " + status)
        claims = data.claims if s.low_value_if_loss_making else None
        valued = m.segment_households(
            pol, data.as_of, rate, used.retention, settings.general.discount_rate, s.low_value_premium,
            s.elite_min_products, s.premium_min_products, claims, s.loss_ratio_limit,
            households=shared.household_table(pol, data.as_of),
            claims_through=data.window_end("claims") if claims is not None else None,
        )
        if not len(valued):
            status = "No household has a policy in force on the data date. " + status
        summary = m.tier_summary(valued, s.target_ltv_cac)
        if claims is not None:
            loss_note = f"Claims over {s.loss_ratio_limit:.0%} of premium in 12 months; 1-product ones are Low-Value"
        elif not s.low_value_if_loss_making:
            loss_note = "Switched off on Settings"
    sheet.blocks.append(status_block("A2", status))

    # --- segment comparison ----------------------------------------------------------------------
    tier_rows: list[list[Any]] = []
    if summary is not None:
        for r in summary.itertuples(index=False):
            tier_rows.append([r.tier, m.tier_products_label(r.tier, s.elite_min_products, s.premium_min_products),
                              clean(r.households), clean(r.share), clean(r.avg_premium), clean(r.retention),
                              clean(r.avg_ltv), clean(r.total_ltv), clean(r.ltv_share), clean(r.recommended_cac)])
    sheet.blocks.append(Block(
        "tiers", "A6",
        ["Tier", "Products", "Households", "Share", "Avg premium", "Retention", "Avg LTV", "Total LTV",
         "LTV contribution", "Recommended CAC"],
        tier_rows, n_rows=4,
        formats=["@", "@", COUNT, PCT, MONEY, PCT, MONEY, MONEY, PCT, MONEY],
    ))
    pie_colours = [TIER_COLOURS[t] for t in m.TIERS]
    sheet.charts.append(Chart(
        "pie", "Households by tier", "A12", [Series("Households", "tiers", 2, 0, points=pie_colours)],
        width=400, height=280, legend="right",
    ))
    sheet.charts.append(Chart(
        "column", "Share of lifetime value vs share of households", "D12",
        [Series("Share of households", "tiers", 3, 0, color="#BFBFBF"),
         Series("LTV contribution", "tiers", 8, 0, color="#2E75B6")],
        width=560, height=280, y_format="0%",
    ))

    # --- lifetime value inputs -------------------------------------------------------------------
    n_households = len(valued) if valued is not None else None
    total_ltv = float(valued["ltv"].sum()) if valued is not None and len(valued) else None
    losing = int(valued["loss_making"].sum()) if valued is not None else None
    sheet.blocks.append(kpi_block("ltv_card", "A28", [
        ("Households in force", n_households, COUNT, "With at least one policy in force"),
        ("Total lifetime value", total_ltv, MONEY, "Sum of every household's LTV"),
        ("Commission rate", rate, PCT, rate_source),
        ("Discount rate", settings.general.discount_rate, PCT, "Settings"),
        ("Target LTV:CAC", s.target_ltv_cac, RATIO, "Settings; recommended CAC = LTV / this"),
        ("Low-Value premium threshold", s.low_value_premium, MONEY, "Settings"),
        ("Loss-making households", losing if claims_used(data, s) else None, COUNT, loss_note),
        ("LTV formula", "m x r / (1 + d - r)", "@", "m = premium x commission rate, r = household retention "
         "of its product count, d = discount"),
    ]))

    ret_rows: list[list[Any]] = []
    if retention_table is not None:
        for r in retention_table.itertuples(index=False):
            label = r.products
            use = used.retention.get(label)
            source = used.source(label) if label in used.retention else ""
            measured_r = used.not_measurable if used.not_measurable else clean(r.retention)
            ret_rows.append([label, clean(r.households), clean(r.retained) if not used.not_measurable else None,
                             measured_r, clean(use), source, PLAN_RETENTION.get(label)])
    sheet.blocks.append(Block(
        "retention", "G28",
        ["Products", "Households at start", "Still customers", "Retention", "Used in LTV", "Source",
         "Plan's example"],
        ret_rows, n_rows=4, formats=["@", COUNT, COUNT, PCT, PCT, "@", PCT],
    ))

    # --- marketing allocation --------------------------------------------------------------------
    cac = np.asarray(s.cac_fallback(), dtype=float)
    cac_source = ["Settings"] * 4
    cac_note = "Add the Lead log export to measure the cost per household"
    if data.leads is not None and not missing:
        measured_cac = m.cac_by_tier(data.leads, data.window_end("leads"), 12, s.low_value_premium,
                                     s.elite_min_products, s.premium_min_products)
        for i, value in enumerate(measured_cac["cac"].to_numpy(float)):
            if np.isfinite(value) and value > 0:
                cac[i], cac_source[i] = value, "Lead log"
        cac_note = ("Lead spend / leads sold, by the tier of products quoted (12 complete months)"
                    if "Lead log" in cac_source else
                    "No tier has a sold lead with Products Quoted in 12 months; Settings used")
    ltv = (summary["avg_ltv"].to_numpy(float) if summary is not None else np.full(4, np.nan))
    current, share_note = _normalised(s.current_shares())
    alloc, alloc_error = None, ""
    if summary is not None and not n_households_in(summary):
        alloc_error = "No households in force on the data date to measure LTV on"
    elif summary is not None:
        try:
            alloc = m.optimise_allocation(s.marketing_budget, ltv, cac, current, s.min_shares(), s.max_shares(),
                                          s.diminishing_returns)
        except ValueError as exc:
            alloc_error = f"Check the Settings: {exc}"
    alloc_rows: list[list[Any]] = []
    if alloc is not None:
        for i, tier in enumerate(m.TIERS):
            ratio = ltv[i] / cac[i] if np.isfinite(ltv[i]) else math.nan
            alloc_rows.append([tier, clean(ltv[i]), clean(cac[i]), cac_source[i], clean(ratio),
                               clean(alloc.current_shares[i]), clean(alloc.recommended_shares[i]),
                               clean(alloc.current_spend[i]), clean(alloc.recommended_spend[i]),
                               clean(alloc.current_customers[i]), clean(alloc.recommended_customers[i])])
    sheet.blocks.append(Block(
        "allocation", "A39",
        ["Tier", "Avg LTV", "Cost per household", "Cost source", "LTV:CAC", "Current share",
         "Recommended share", "Current $", "Recommended $", "Households won (current)",
         "Households won (recommended)"],
        alloc_rows, n_rows=4,
        formats=["@", MONEY, MONEY, "@", RATIO, PCT, PCT, MONEY, MONEY, "0.0", "0.0"],
    ))
    sheet.blocks.append(kpi_block("roi_card", "A45", [
        ("Marketing budget", s.marketing_budget, MONEY, "Settings"),
        ("Expected ROI, current split", alloc.current_roi if alloc else None, "0%",
         share_note or "(households won x LTV - spend) / spend"),
        ("Expected ROI, recommended split", alloc.recommended_roi if alloc else None, "0%",
         alloc_error or f"Diminishing returns {s.diminishing_returns:g} (Settings)"),
        ("ROI gain (points)", (alloc.recommended_roi - alloc.current_roi) if alloc else None, "0%",
         "Recommended minus current"),
        ("Cost per household", None, "@", cac_note),
        ("Rule", "Greedy, 1% steps", "@", "Each step goes where it wins most LTV, within min/max shares"),
    ]))
    sheet.charts.append(Chart(
        "column", "Marketing budget share: current vs recommended", "G45",
        [Series("Current", "allocation", 5, 0, color=CURRENT),
         Series("Recommended", "allocation", 6, 0, color=RECOMMENDED)],
        width=560, height=280, y_format="0%",
    ))

    # --- upgrade opportunity ---------------------------------------------------------------------
    counts = dict(zip(summary["tier"], summary["households"])) if summary is not None else {}
    avg = dict(zip(summary["tier"], summary["avg_ltv"])) if summary is not None else {}
    paths = [("Standard -> Premium", m.STANDARD, m.PREMIUM, s.upgrade_rate_to_premium, 1),
             ("Premium -> Elite", m.PREMIUM, m.ELITE, s.upgrade_rate_to_elite, 2)]
    up_rows: list[list[Any]] = []
    ups: dict[str, m.UpgradeOpportunity] = {}
    measured_rates: dict[str, float] = {}
    if summary is not None:
        for label, lower, upper, rate_up, from_products in paths:
            gain = avg[upper] - avg[lower]
            gain = gain if np.isfinite(gain) else 0.0
            o = m.upgrade_opportunity(counts[lower], rate_up, gain)
            seen, _ = m.measured_upgrade_rate(data.policies, data.window_end("policies"), from_products, 12)
            ups[label], measured_rates[label] = o, seen
            up_rows.append([label, clean(o.customers), o.upgrade_rate, clean(seen), clean(o.upgrades),
                            clean(o.ltv_gain), clean(o.value)])
        up_rows.append(["Total", None, None, None, sum(o.upgrades for o in ups.values()), None,
                        sum(o.value for o in ups.values())])
    sheet.blocks.append(Block(
        "upgrades", "A61",
        ["Upgrade path", "Households", "Upgrade rate (Settings)", "Seen in 12 complete months", "Upgrades",
         "LTV gain each", "Opportunity"],
        up_rows, n_rows=3, formats=["@", COUNT, PCT, PCT, COUNT, MONEY, MONEY],
    ))

    # --- calculators: live formulas with the worksheet functions ---------------------------------
    first = ups.get("Standard -> Premium")
    c_n = first.customers if first else 450.0
    c_rate = first.upgrade_rate if first else s.upgrade_rate_to_premium
    c_gain = first.ltv_gain if first else 4500.0
    calc = m.upgrade_opportunity(c_n, c_rate, c_gain)
    sheet.labels += [Label("A67", "Households"), Label("A68", "Upgrade rate"), Label("A69", "LTV gain each"),
                     Label("A70", "Upgrades"), Label("A71", "Opportunity"),
                     Label("E67", "Products"), Label("E68", "Annual premium"), Label("E69", "Tier")]
    sheet.inputs += [Input("B67", c_n, COUNT), Input("B68", c_rate, PCT), Input("B69", c_gain, MONEY),
                     Input("F67", 1, COUNT), Input("F68", 450.0, MONEY)]
    sheet.formulas += [
        Formula("B70", '=UPGRADE_OPPORTUNITY(B67,B68,B69,"upgrades")', calc.upgrades, COUNT),
        Formula("B71", "=UPGRADE_OPPORTUNITY(B67,B68,B69)", calc.value, MONEY),
        Formula("F69", f"=SEGMENT(F67,F68,{s.low_value_premium:g},{s.elite_min_products},{s.premium_min_products})",
                m.segment(1, 450.0, s.low_value_premium, s.elite_min_products, s.premium_min_products), "@"),
    ]
    sheet.column_widths = {0: 32, 1: 14, 2: 22, 3: 20, 4: 14, 5: 14, 6: 19, 7: 14, 8: 16, 9: 24, 10: 28,
                           11: 13, 12: 14}

    if summary is not None:
        by_tier = summary.set_index("tier")

        def col(name: str) -> dict[str, Any]:
            return {t: clean(by_tier.loc[t, name]) for t in m.TIERS}

        sheet.kpis = {
            "households": n_households,
            "households_by_tier": col("households"),
            "share_by_tier": col("share"),
            "avg_premium_by_tier": col("avg_premium"),
            "avg_ltv_by_tier": col("avg_ltv"),
            "total_ltv_by_tier": col("total_ltv"),
            "ltv_contribution_by_tier": col("ltv_share"),
            "retention_by_tier": col("retention"),
            "recommended_cac_by_tier": col("recommended_cac"),
            "total_ltv": clean(total_ltv),
            "commission_rate": clean(rate),
            "commission_rate_measured": rate_source.startswith("Measured"),
            "window": w.label(),
            "retention_by_product_count": {r[0]: r[3] for r in ret_rows},
            "retention_used_in_ltv": {k: clean(v) for k, v in used.retention.items()},
            "retention_used_source": {k: used.source(k) for k in used.retention},
            "loss_making_households": losing if claims_used(data, s) else None,
            "allocation": {
                "budget": s.marketing_budget,
                "cac_by_tier": dict(zip(m.TIERS, [clean(c) for c in cac])),
                "cac_source": dict(zip(m.TIERS, cac_source)),
                "current_shares": dict(zip(m.TIERS, [clean(x) for x in alloc.current_shares])) if alloc else None,
                "recommended_shares": (dict(zip(m.TIERS, [clean(x) for x in alloc.recommended_shares]))
                                       if alloc else None),
                "current_roi": clean(alloc.current_roi) if alloc else None,
                "recommended_roi": clean(alloc.recommended_roi) if alloc else None,
                "error": alloc_error or None,
            },
            "upgrade_opportunity": {
                label: {"households": o.customers, "upgrade_rate": o.upgrade_rate,
                        "seen_last_12_months": clean(measured_rates[label]), "upgrades": o.upgrades,
                        "ltv_gain_each": round(o.ltv_gain, 2), "value": round(o.value, 2)}
                for label, o in ups.items()
            },
        }
    return sheet


def n_households_in(summary: Any) -> int:
    return int(summary["households"].sum())


def claims_used(data: AmsData, s: Any) -> bool:
    """Whether loss-making households were looked for (claims export read and the rule on)."""
    return data.claims is not None and data.policies is not None and bool(s.low_value_if_loss_making)
