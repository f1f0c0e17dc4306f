"""The Segments sheet: households by tier (pie), LTV contribution by tier (bar), the segment
comparison table, retention by product count, the marketing allocation (current vs recommended,
table and clustered chart) and the upgrade opportunity card, with two small calculators."""

from __future__ import annotations

from agency_xl.dashboards.actions import add_action_table
from typing import Any

from agency_xl.dashboards.common import (
    as_of_note,
    clean,
    kpi_block,
    mark_defaults,
    missing_text,
    rows_of,
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
from agency_xl.assumptions.general import GeneralSettings
from agency_xl.figures.segments import RETENTION_COLUMNS, UPGRADE_PATHS, SegmentsFigures
from agency_xl.figures.sources import Source, retention_source, setting_source, value_source, weakest
from agency_xl.functions import CATALOG  # the calculators' cached results are what Excel will show
from agency_xl.models import segments as m

TIER_COLOURS = {m.ELITE: "#1F3864", m.PREMIUM: "#2E75B6", m.STANDARD: "#9DC3E6", m.LOW_VALUE: "#BFBFBF"}
PLAN_RETENTION = {"1": 0.72, "2": 0.91, "3+": 0.97}  # the plan's illustrative figures, shown beside ours
CURRENT, RECOMMENDED = "#A5A5A5", "#2E7D32"


def status_text(fig: SegmentsFigures) -> str:
    """The sheet's status line: what is missing, or the data date with what the LTVs rest on."""
    if fig.missing:
        return missing_text(fig.missing)
    status = as_of_note(fig.as_of, fig.window)
    used = fig.retention_used
    if used.not_measurable:
        status = (f"Retention by product count is {used.not_measurable}; every LTV uses the "
                  f"{used.fallback_source} retention instead. " + status)
    if not fig.households:
        status = "No household has a policy in force on the data date. " + status
    return status


def build(fig: SegmentsFigures) -> Sheet:
    s = fig.settings
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
    summary = fig.tiers
    sheet.blocks.append(status_block("A2", status_text(fig)))

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
    commission = value_source(fig.commission.measured, GeneralSettings, "commission_rate", fig.commission.rate)
    retention = retention_source(fig.retention_used, s) if fig.retention_used is not None else Source.MEASURED
    ltv_source = weakest(commission, retention)
    sheet.blocks.append(kpi_block("ltv_card", "A28", [
        ("Households in force", fig.households, COUNT, "With at least one policy in force"),
        ("Total lifetime value", fig.total_ltv, MONEY, "Sum of every household's LTV", ltv_source),
        ("Commission rate", fig.commission.rate, PCT, fig.commission.source, commission),
        ("Discount rate", fig.discount_rate, PCT, "Settings",
         value_source(False, GeneralSettings, "discount_rate", fig.discount_rate)),
        ("Target LTV:CAC", s.target_ltv_cac, RATIO, "Settings; recommended CAC = LTV / this",
         setting_source(s, "target_ltv_cac")),
        ("Low-Value premium threshold", s.low_value_premium, MONEY, "Settings", setting_source(s, "low_value_premium")),
        ("Loss-making households", fig.loss_making, COUNT, fig.loss_making_note),
        ("LTV formula", "m x r / (1 + d - r)", "@", "m = premium x commission rate, r = household retention "
         "of its product count, d = discount"),
    ]))

    ret_rows = ([r + [PLAN_RETENTION.get(r[0])] for r in rows_of(fig.retention, RETENTION_COLUMNS)]
                if fig.retention is not None else [])
    sheet.blocks.append(Block(
        "retention", "G28",
        ["Products", "Households at start", "Still customers", "Retention", "Used in LTV", "Source",
         "Plan's example"],
        ret_rows, n_rows=4, formats=["@", COUNT, COUNT, PCT, PCT, "@", PCT],
    ))

    # --- marketing allocation --------------------------------------------------------------------
    budget = setting_source(s, "marketing_budget")
    alloc, cac, ltv = fig.allocation, fig.cac, fig.avg_ltv
    alloc_rows: list[list[Any]] = []
    if alloc is not None:
        for i, tier in enumerate(m.TIERS):
            alloc_rows.append([tier, clean(ltv[i]), clean(cac[i]), fig.cac_source[i], clean(fig.ltv_to_cac[i]),
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
    mark_defaults(sheet.block("allocation"), ltv_source, 1, 4)
    mark_defaults(sheet.block("allocation"), budget, 7, 8, 9, 10)
    sheet.blocks.append(kpi_block("roi_card", "A45", [
        ("Marketing budget", s.marketing_budget, MONEY, "Settings", budget),
        ("Expected ROI, current split", alloc.current_roi if alloc else None, "0%",
         fig.share_note or "(households won x LTV - spend) / spend", weakest(budget, ltv_source)),
        ("Expected ROI, recommended split", alloc.recommended_roi if alloc else None, "0%",
         fig.allocation_error or f"Diminishing returns {s.diminishing_returns:g} (Settings)",
         weakest(budget, ltv_source)),
        ("ROI gain (points)", fig.roi_gain, "0%", "Recommended minus current"),
        ("Cost per household", None, "@", fig.cac_note),
        ("Rule", "Greedy, 1% steps", "@", "Each step goes where it wins most LTV, within min/max shares"),
    ]))
    sheet.charts.append(Chart(
        "column", "Marketing budget share: current vs recommended", "G45",
        [Series("Current", "allocation", 5, 0, color=CURRENT),
         Series("Recommended", "allocation", 6, 0, color=RECOMMENDED)],
        width=560, height=280, y_format="0%",
    ))

    # --- upgrade opportunity ---------------------------------------------------------------------
    up_rows: list[list[Any]] = []
    if summary is not None:
        for label, o in fig.upgrades.items():
            up_rows.append([label, clean(o.customers), o.upgrade_rate, clean(fig.upgrades_seen[label]),
                            clean(o.upgrades), clean(o.ltv_gain), clean(o.value)])
        up_rows.append(["Total", None, None, None, fig.upgrades_total, None, fig.upgrade_value_total])
    sheet.blocks.append(Block(
        "upgrades", "A61",
        ["Upgrade path", "Households", "Upgrade rate (Settings)", "Seen in 12 complete months", "Upgrades",
         "LTV gain each", "Opportunity"],
        up_rows, n_rows=3, formats=["@", COUNT, PCT, PCT, COUNT, MONEY, MONEY],
    ))

    # --- calculators: live formulas with the worksheet functions ---------------------------------
    first = fig.upgrades.get(UPGRADE_PATHS[0][0])
    c_n = first.customers if first else 450.0
    c_rate = first.upgrade_rate if first else s.upgrade_rate_to_premium
    c_gain = first.ltv_gain if first else 4500.0
    upgrade = CATALOG["UPGRADE_OPPORTUNITY"].call
    sheet.labels += [Label("A67", "Households"), Label("A68", "Upgrade rate"), Label("A69", "LTV gain each"),
                     Label("A70", "Upgrades"), Label("A71", "Opportunity"),
                     Label("E67", "Products"), Label("E68", "Annual premium"), Label("E69", "Tier")]
    sheet.inputs += [Input("B67", c_n, COUNT), Input("B68", c_rate, PCT), Input("B69", c_gain, MONEY),
                     Input("F67", 1, COUNT), Input("F68", 450.0, MONEY)]
    tier_rules = (s.low_value_premium, s.elite_min_products, s.premium_min_products)
    sheet.formulas += [
        Formula("B70", '=UPGRADE_OPPORTUNITY(B67,B68,B69,"upgrades")', upgrade(c_n, c_rate, c_gain, "upgrades"),
                COUNT),
        Formula("B71", "=UPGRADE_OPPORTUNITY(B67,B68,B69)", upgrade(c_n, c_rate, c_gain), MONEY),
        Formula("F69", "=SEGMENT(F67,F68,{:g},{},{})".format(*tier_rules),
                CATALOG["SEGMENT"].call(1, 450.0, *tier_rules), "@"),
    ]
    sheet.column_widths = {0: 32, 1: 14, 2: 22, 3: 20, 4: 14, 5: 14, 6: 19, 7: 14, 8: 16, 9: 24, 10: 28,
                           11: 13, 12: 14}
    add_action_table(sheet, "upgrade_list", "Households to move up a tier (the upgrade paths above)",
                     "Household ID", fig.upgrade_list, fig.upgrade_households, "households to move up a tier",
                     fig.personal_data, missing_text(fig.missing), value_label="Expected value")
    return sheet
