"""The Cross-Sell sheet: the portfolio by product count and combination, the cross-sell
opportunity table and chart, the optimal-timing analyser (windows after the first policy, chart,
recommendation), the product sequence recommender, the retention lift by product count (chart)
and three small calculators using the worksheet functions."""

from __future__ import annotations

from agency_xl.dashboards.actions import add_action_table
from typing import Any

import numpy as np

from agency_xl.assumptions.general import GeneralSettings
from agency_xl.dashboards.common import (
    clean,
    kpi_block,
    missing_text,
    rows_of,
    status_block,
    status_line,
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
from agency_xl.figures.sources import value_source
from agency_xl.figures.cross_sell import COMBO_ROWS, OPPORTUNITY_ROWS, SEQUENCE_ROWS, CrossSellFigures
from agency_xl.functions import cross_sell as udf
from agency_xl.models.cross_sell import COUNT_LABELS

TAB, BLUE, LIGHT, GREEN, GREY = "#00897B", "#1565C0", "#90CAF9", "#2E7D32", "#BDBDBD"
COUNT_NAMES = {"1": "1 product", "2": "2 products", "3+": "3+ products"}


def _pct(x: float | None) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:.0%}"


def status_text(fig: CrossSellFigures) -> str:
    """The sheet's status line: what is missing, or the data date with what the book cannot measure."""
    return status_line(
        fig.missing, fig.as_of, fig.window,
        "No household has a policy in force on the data date." if not fig.households else "",
        f"Retention by product count and its lift are {fig.lift_note}; values use the "
        f"{fig.retention.fallback_source} retention." if fig.lift_note else "")


def build(fig: CrossSellFigures) -> Sheet:
    s, retention, lift_note = fig.settings, fig.retention, fig.lift_note
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
    sheet.blocks.append(status_block("A2", status_text(fig)))

    # --- summary -----------------------------------------------------------------------------
    best = fig.best_window
    sheet.blocks.append(kpi_block("summary", "A6", [
        ("Households in force", fig.households, COUNT, "With at least one policy in force"),
        ("Average products per household", fig.average_products, "0.00", "The plan's example target: 1.8 or more"),
        ("One-product households", fig.one_product_households, COUNT, "The first cross-sell prospects"),
        ("Best contact window", best["bucket"] + " days" if best is not None else None, "@",
         "Highest conversion per 30 days x LTV of converts"),
        ("Conversion in that window", best["conversion_rate"] if best is not None else None, PCT,
         "Of customers who had not added a product yet"),
        ("Opportunity (table below)", fig.opportunity_total, MONEY, "Expected converts x LTV increase, summed"),
        ("Retention lift 1 -> 2 products", fig.lifts["2"] if not lift_note else lift_note,
         PCT if not lift_note else "@",
         "Households kept (at least one policy): "
         + f"{_pct(retention.retention['1'])} -> {_pct(retention.retention['2'])}"
         + ("" if retention.measured["1"] and retention.measured["2"] else f" ({retention.fallback_source})")),
        ("Commission rate used", fig.commission.rate, PCT, fig.commission.source,
         value_source(fig.commission.measured, GeneralSettings, "commission_rate", fig.commission.rate)),
        ("Discount rate", fig.discount_rate, PCT, "Settings",
         value_source(False, GeneralSettings, "discount_rate", fig.discount_rate)),
    ]))
    sheet.charts.append(Chart(
        "pie", "Households by product count", "K5",
        [Series("Households", "by_count", 1, 0, points=[LIGHT, BLUE, "#0D47A1"])],
        width=420, height=230, legend="right",
    ))

    # --- portfolio ---------------------------------------------------------------------------
    count_rows: list[list[Any]] = []
    if fig.by_count is not None:
        for r in fig.by_count.itertuples(index=False):
            count_rows.append([COUNT_NAMES[r.products], clean(r.households), clean(r.share), clean(r.avg_premium),
                               clean(retention.retention[r.products]), retention.source(r.products)])
    sheet.blocks.append(Block(
        "by_count", "A18", ["Products", "Households", "Share", "Avg premium", "Retention", "Source"],
        count_rows, n_rows=3, formats=["@", COUNT, PCT, MONEY, PCT, "@"],
    ))
    combo_rows = (rows_of(fig.combinations.head(COMBO_ROWS), ["label", "products", "households", "share",
                                                              "avg_premium"])
                  if fig.combinations is not None else [])
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
    if fig.opportunities is not None:
        for r in fig.opportunities.itertuples(index=False):
            opp_rows.append([r.label, r.customers, r.next_product, clean(r.conversion), r.measured_on,
                             clean(r.expected_converts), clean(r.ltv_increase), clean(r.total), r.source])
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
    timing_rows = rows_of(fig.timing, ["bucket", "at_risk", "converted", "conversion_rate", "rate_30d", "avg_ltv",
                                       "value_30d", "note"]) if fig.timing is not None else []
    sheet.blocks.append(Block(
        "timing", "A49",
        ["Days after first policy", "At risk", "Added one", "Conversion", "Per 30 days", "Avg LTV",
         "LTV per 30 days", "Note"],
        timing_rows, n_rows=5, formats=["@", COUNT, COUNT, PCT, PCT, MONEY, MONEY, "@"],
    ))
    advice = fig.timing_advice
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
    seq_rows = rows_of(fig.sequence, ["current_products", "households", "priority", "next_product", "conversion",
                                      "retention_now", "retention_after", "retention_lift", "why"]
                       ) if fig.sequence is not None else []
    sheet.blocks.append(Block(
        "sequence", "A61",
        ["Current products", "Households", "Priority", "Next product", "Conversion", "Retention now",
         "Retention after", "Retention lift", "Why"],
        seq_rows, n_rows=SEQUENCE_ROWS,
        formats=["@", COUNT, COUNT, "@", PCT, PCT, PCT, PCT, "@"],
    ))
    sheet.labels.append(Label(
        "A70", f"Conversion blank: fewer than {s.min_households} households to measure it on (Settings).", "note"))

    # --- retention lift ----------------------------------------------------------------------
    ret_rows = []
    if fig.retention_table is not None:
        sizes = fig.retention_table.set_index("products")
        for label in COUNT_LABELS:
            ret_rows.append([COUNT_NAMES[label], clean(sizes.loc[label, "households"]),
                             clean(sizes.loc[label, "retained"]) if not lift_note else None,
                             retention.retention[label], clean(fig.lifts[label]), retention.source(label)])
    retention_block = Block(
        "retention", "A72", ["Products", "Households", "Still customers", "Retention", "Lift vs 1", "Source"],
        ret_rows, n_rows=3, formats=["@", COUNT, COUNT, PCT, PCT, "@"],
    )
    sheet.blocks.append(retention_block)
    highlight = (f"Moving 100 households from 1 to 2 products keeps {fig.kept_per_100:.0f} more a year "
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
    add_action_table(sheet, "offers", "Households to offer their next product (the opportunity segments above)",
                     "Household ID", fig.offers, fig.offers_count, "households to offer their next product",
                     fig.personal_data, missing_text(fig.missing), value_label="Expected value")
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
