"""The Cross-Sell sheet: the portfolio by product count and combination, the cross-sell
opportunity table and chart, the optimal-timing analyser (windows after the first policy, chart,
recommendation), the product sequence recommender, the retention lift by product count (chart)
and three small calculators using the worksheet functions."""

from __future__ import annotations

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
    rows_of,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    PCT,
    Block,
    Chart,
    Formula,
    Input,
    Label,
    Series,
    Sheet,
    rc_to_cell,
)
from agency_xl.functions import cross_sell as udf
from agency_xl.models import cross_sell as m
from agency_xl.models.periods import window

NEEDS = ("policies",)
TAB, BLUE, LIGHT, GREEN, GREY = "#00897B", "#1565C0", "#90CAF9", "#2E7D32", "#BDBDBD"
COMBO_ROWS, OPPORTUNITY_ROWS, SEQUENCE_ROWS = 10, 8, 8
COUNT_NAMES = {"1": "1 product", "2": "2 products", "3+": "3+ products"}


def _pct(x: float | None) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:.0%}"


def build(data: AmsData, settings: Assumptions) -> Sheet:
    s, g = settings.cross_sell, settings.general
    sheet = Sheet("cross_sell", "Cross-Sell", "Cross-sell", tab_color=TAB)
    sheet.labels = [
        Label("A1", "Cross-sell: what to offer next, when, and what it is worth", "title"),
        Label("A3", f"Households in force on the data date. Sequence (Settings): {s.product_sequence}. "
                    f"Conversion = share that bought the product within {s.conversion_window_months} months "
                    f"of holding their current products, measured on the last {s.history_months} months.",
              "note"),
        Label("A5", "Summary", "heading"),
        Label("A17", "Portfolio by product count", "heading"),
        Label("A23", f"Portfolio by product combination (largest {COMBO_ROWS})", "heading"),
        Label("A37", "Cross-sell opportunity (by total value)", "heading"),
        Label("A48", f"Optimal timing: conversion by days after the first policy (customers won in the "
                     f"last {s.history_months} months)", "heading"),
        Label("A60", "Product sequence recommender", "heading"),
        Label("A71", "Retention lift by product count (households kept, 12 complete months, measured on the "
                     "book)", "heading"),
        Label("A81", "Calculators: type in the yellow cells (the functions need Import Functions once, "
                     "Home sheet)", "heading"),
    ]
    missing = missing_note(data, *NEEDS)
    w = window(data.window_end("policies"))
    status = missing or data_note(data, w)

    rate, rate_source, _ = shared.commission_rate(data, settings)
    retention = m.retention_by_count(None, data.as_of, settings.segments.retention_fallback())
    households = combos = by_count = timing = best = opportunities = sequence = retention_table = None
    timing_note = ""
    if not missing:
        pol, as_of = data.policies, data.as_of
        sales = None if data.sales_derived else data.sales
        retention_table = shared.retention_by_product_count(pol, data.window_end("policies"), 12)
        retention = shared.retention_used(data, settings)
        if retention.not_measurable:
            status = (f"Retention by product count and its lift are {retention.not_measurable}; values use "
                      f"the {retention.fallback_source} retention. " + status)
        households = shared.household_table(pol, as_of)
        if not len(households):
            status = "No household has a policy in force on the data date. " + status
        by_count = m.portfolio_by_count(households)
        combos = m.portfolio_by_combination(households)
        additions = m.first_additions(pol, sales)
        # "Now" for the timing and conversion cohorts: the last day of the last complete month, the
        # boundary of every window (a 2 November data date measures what a 31 October one does).
        now = w.last.date()
        timing = m.timing_buckets(additions, now, rate, retention.retention, g.discount_rate,
                                  s.timing_last_day, s.history_months)
        timing_note = timing.attrs.get("not_measurable", "")
        best = m.best_bucket(timing, s.min_households, s.min_conversions)
        heads = [step[0] for step in m.parse_sequence(s.product_sequence)]
        matrix = m.conversion_matrix(pol, now, heads, s.conversion_window_months, sales, s.history_months)
        premiums = m.product_premiums(pol, as_of)
        opportunities = m.opportunity_table(
            households, matrix, premiums, rate, retention.retention, g.discount_rate, s.product_sequence,
            s.default_conversion_rate, s.min_households, min_customers=s.min_households,
        )
        sequence = m.sequence_table(households, matrix, retention.retention, s.product_sequence,
                                    choices=2, sets=SEQUENCE_ROWS // 2, min_households=s.min_households)

    sheet.blocks.append(status_block("A2", status))

    # --- summary -----------------------------------------------------------------------------
    shown = opportunities.head(OPPORTUNITY_ROWS) if opportunities is not None else None
    total = float(np.nansum(shown["total"])) if shown is not None else None
    lift_12 = retention.lift(1, 2)
    lift_note = retention.not_measurable
    avg_products = m.average_products(households) if households is not None else None
    singles = int(by_count["households"].iloc[0]) if by_count is not None else None
    sheet.blocks.append(kpi_block("summary", "A6", [
        ("Households in force", len(households) if households is not None else None, COUNT,
         "With at least one policy in force"),
        ("Average products per household", avg_products, "0.00", "The plan's target: 1.8 or more"),
        ("One-product households", singles, COUNT, "The first cross-sell prospects"),
        ("Best contact window", best["bucket"] + " days" if best is not None else None, "@",
         "Highest conversion per 30 days x LTV of converts"),
        ("Conversion in that window", best["conversion_rate"] if best is not None else None, PCT,
         "Of customers who had not added a product yet"),
        ("Opportunity (table below)", total, MONEY, "Expected converts x LTV increase, summed"),
        ("Retention lift 1 -> 2 products", lift_12 if not lift_note else lift_note, PCT if not lift_note else "@",
         "Households kept (at least one policy): "
         + f"{_pct(retention.retention['1'])} -> {_pct(retention.retention['2'])}"
         + ("" if retention.measured["1"] and retention.measured["2"] else f" ({retention.fallback_source})")),
        ("Commission rate used", rate, PCT, rate_source),
        ("Discount rate", g.discount_rate, PCT, "Settings"),
    ]))
    sheet.charts.append(Chart(
        "pie", "Households by product count", "K5",
        [Series("Households", "by_count", 1, 0, points=[LIGHT, BLUE, "#0D47A1"])],
        width=420, height=230, legend="right",
    ))

    # --- portfolio ---------------------------------------------------------------------------
    count_rows: list[list[Any]] = []
    if by_count is not None:
        for r in by_count.itertuples(index=False):
            count_rows.append([COUNT_NAMES[r.products], clean(r.households), clean(r.share), clean(r.avg_premium),
                               clean(retention.retention[r.products]), retention.source(r.products)])
    sheet.blocks.append(Block(
        "by_count", "A18", ["Products", "Households", "Share", "Avg premium", "Retention", "Source"],
        count_rows, n_rows=3, formats=["@", COUNT, PCT, MONEY, PCT, "@"],
    ))
    combo_rows = ([[m.combination_label(r[0])] + r[1:] for r in
                   rows_of(combos.head(COMBO_ROWS), ["product_list", "products", "households", "share",
                                                     "avg_premium"])] if combos is not None else [])
    sheet.blocks.append(Block(
        "combos", "A24", ["Product combination", "Products", "Households", "Share", "Avg premium"],
        combo_rows, n_rows=COMBO_ROWS, formats=["@", COUNT, COUNT, PCT, MONEY],
    ))
    sheet.charts.append(Chart(
        "bar", "Households by product combination", "K17",
        [Series("Households", "combos", 2, 0, color=BLUE)], width=420, height=370, legend=None,
    ))

    # --- opportunity -------------------------------------------------------------------------
    opp_rows = []
    if shown is not None:
        for r in shown.itertuples(index=False):
            opp_rows.append([m.combination_label(r.segment), r.customers, r.next_product, clean(r.conversion),
                             r.measured_on, clean(r.expected_converts), clean(r.ltv_increase), clean(r.total),
                             r.source])
    sheet.blocks.append(Block(
        "opportunity", "A38",
        ["Segment", "Customers", "Next product", "Conversion", "Measured on", "Converts",
         "LTV gain each", "Total value", "Rate from"],
        opp_rows, n_rows=OPPORTUNITY_ROWS,
        formats=["@", COUNT, "@", PCT, COUNT, COUNT, MONEY, MONEY, "@"],
    ))
    sheet.charts.append(Chart(
        "column", "Cross-sell opportunity by segment ($ lifetime value)", "K37",
        [Series("Total opportunity", "opportunity", 7, 0, color=GREEN)],
        width=520, height=215, legend=None, y_format='"$"#,##0',
    ))

    # --- timing ------------------------------------------------------------------------------
    timing_rows = []
    if timing is not None:
        for r in timing.itertuples(index=False):
            mark = timing_note or (f"too few to judge ({r.converted} added one)"
                                   if r.converted < s.min_conversions else "")
            timing_rows.append([r.bucket, clean(r.at_risk), clean(r.converted), clean(r.conversion_rate),
                                clean(r.rate_30d), clean(r.avg_ltv), clean(r.value_30d), mark])
    sheet.blocks.append(Block(
        "timing", "A49",
        ["Days after first policy", "At risk", "Added one", "Conversion", "Per 30 days", "Avg LTV",
         "LTV per 30 days", "Note"],
        timing_rows, n_rows=5, formats=["@", COUNT, COUNT, PCT, PCT, MONEY, MONEY, "@"],
    ))
    advice = (f"Timing is {timing_note}." if timing_note else
              m.timing_recommendation(best, s.min_households, s.min_conversions)) if timing is not None else None
    sheet.blocks.append(Block("recommendation", "A56", ["Recommendation"], [[advice]] if advice else [],
                              n_rows=1, header=False, formats=["@"]))
    sheet.labels.append(Label(
        "A57", "At risk: customers whose first policy is old enough to have passed the whole window and "
               "who had not added a product before it. Conversion = those who added one in it / at risk.",
        "note"))
    sheet.charts.append(Chart(
        "column", "Conversion per 30 days and LTV by window", "K48",
        [Series("Conversion per 30 days", "timing", 4, 0, color=BLUE),
         Series("Avg LTV of converts", "timing", 5, 0, kind="line", secondary=True, color=GREEN)],
        width=520, height=250, y_format="0%", y2_format='"$"#,##0',
    ))

    # --- sequence ----------------------------------------------------------------------------
    seq_rows = rows_of(sequence, ["current_products", "households", "priority", "next_product", "conversion",
                                  "retention_now", "retention_after", "retention_lift", "why"]
                       ) if sequence is not None else []
    sheet.blocks.append(Block(
        "sequence", "A61",
        ["Current products", "Households", "Priority", "Next product", "Conversion", "Retention now",
         "Retention after", "Retention lift", "Why"],
        seq_rows[:SEQUENCE_ROWS], n_rows=SEQUENCE_ROWS,
        formats=["@", COUNT, COUNT, "@", PCT, PCT, PCT, PCT, "@"],
    ))
    sheet.labels.append(Label(
        "A70", f"Conversion blank: fewer than {s.min_households} households to measure it on (Settings).", "note"))

    # --- retention lift ----------------------------------------------------------------------
    ret_rows = []
    if retention_table is not None:
        sizes = retention_table.set_index("products")
        for label in m.COUNT_LABELS:
            lift = retention.lift(1, {"1": 1, "2": 2, "3+": 3}[label])
            ret_rows.append([COUNT_NAMES[label], clean(sizes.loc[label, "households"]),
                             clean(sizes.loc[label, "retained"]) if not lift_note else None,
                             retention.retention[label], clean(lift), retention.source(label)])
    retention_block = Block(
        "retention", "A72", ["Products", "Households", "Still customers", "Retention", "Lift vs 1", "Source"],
        ret_rows, n_rows=3, formats=["@", COUNT, COUNT, PCT, PCT, "@"],
    )
    sheet.blocks.append(retention_block)
    kept = m.customers_kept(100, lift_12)
    highlight = (f"Moving 100 households from 1 to 2 products keeps {kept:.0f} more a year "
                 f"(household retention {_pct(retention.retention['1'])} -> {_pct(retention.retention['2'])})."
                 if not lift_note else f"The retention lift is {lift_note}.")
    sheet.blocks.append(Block("highlight", "A77", ["Highlight"], [[highlight]] if ret_rows else [],
                              n_rows=1, header=False, formats=["@"]))
    sheet.charts.append(Chart(
        "column", "Retention by product count", "K71",
        [Series("Retention", "retention", 3, 0, color=BLUE),
         Series("Lift vs 1 product", "retention", 4, 0, color=GREEN)],
        width=520, height=230, y_format="0%", y_min=0, y_max=1,
    ))

    # --- calculators -------------------------------------------------------------------------
    _calculators(sheet, s.product_sequence, retention_block, retention.retention if ret_rows else None)
    sheet.column_widths = {0: 28, 1: 13, 2: 13, 3: 13, 4: 13, 5: 13, 6: 14, 7: 14, 8: 34}

    if households is not None:
        sheet.kpis = {
            "window": w.label(),
            "households": len(households),
            "average_products": clean(avg_products),
            "households_by_product_count": {k: r[1] for k, r in zip(m.COUNT_LABELS, count_rows)},
            "households_by_combination": {r[0]: r[2] for r in combo_rows},
            "commission_rate": clean(rate),
            "retention_by_product_count": {k: clean(v) for k, v in retention.retention.items()},
            "retention_source": {k: retention.source(k) for k in retention.retention},
            "retention_lift_1_to_2": clean(lift_12) if not lift_note else lift_note,
            "retention_lift_2_to_3": clean(retention.lift(2, 3)) if not lift_note else lift_note,
            "timing": {r[0]: {"at_risk": r[1], "converted": r[2], "conversion_rate": r[3],
                              "per_30_days": r[4], "avg_ltv": r[5]} for r in timing_rows},
            "best_window": best["bucket"] if best is not None else (timing_note or None),
            "timing_too_few_to_judge": [r[0] for r in timing_rows if r[7].startswith("too few")],
            "timing_recommendation": advice,
            "opportunities": [{"segment": r[0], "customers": r[1], "next_product": r[2], "conversion": r[3],
                               "expected_converts": r[5], "ltv_increase": r[6], "total": r[7], "rate_from": r[8]}
                              for r in opp_rows],
            "opportunity_total": clean(total),
        }
    return sheet


def _calculators(sheet: Sheet, sequence: str, retention_block: Block,
                 retention: dict[str, float] | None) -> None:
    """Three live calculators under the tables. The retention-lift one reads the retention block's
    cells, so a refresh updates it; without data those cells are blank and the plan's defaults apply."""
    r0, c0 = retention_block.first_data_row, retention_block.top_left[1] + 3
    ret_cells = [rc_to_cell(r0 + i, c0) for i in range(3)]

    sheet.labels += [
        Label("A82", "Current products"), Label("A83", "Product sequence"), Label("A84", "Next product"),
        Label("A86", "From products"), Label("A87", "To products"), Label("A88", "Retention lift"),
        Label("A90", "Customers"), Label("A91", "Conversion rate"), Label("A92", "LTV increase each"),
        Label("A93", "Expected converts"), Label("A94", "Total value"),
    ]
    sheet.inputs += [
        Input("B82", "Auto"), Input("B83", sequence, "@"),
        Input("B86", 1, COUNT), Input("B87", 2, COUNT),
        Input("B90", 450, COUNT), Input("B91", 0.15, PCT), Input("B92", 4500, MONEY),
    ]
    r = retention or {}
    sheet.formulas += [
        Formula("B84", "=NEXT_PRODUCT(B82,B83)", udf.NEXT_PRODUCT("Auto", sequence)),
        Formula("B88", f"=RETENTION_LIFT(B86,B87,{','.join(ret_cells)})",
                udf.RETENTION_LIFT(1, 2, r.get("1"), r.get("2"), r.get("3+")), PCT),
        Formula("B93", "=CROSS_SELL_CONVERTS(B90,B91)", udf.CROSS_SELL_CONVERTS(450, 0.15), COUNT),
        Formula("B94", "=CROSS_SELL_VALUE(B90,B91,B92)", udf.CROSS_SELL_VALUE(450, 0.15, 4500), MONEY),
    ]
