"""The Seasonality sheet: the seasonal sales index with each year's line, the renewal calendar of the
next 12 months as a heat map, marketing timing recommendations and the staff each month needs."""

from __future__ import annotations

from typing import Any

import numpy as np

from agency_xl.dashboards.common import (
    as_of_note,
    clean,
    kpi_block,
    mark_defaults,
    rows_of,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    NUMBER1,
    PCT,
    RATIO,
    Block,
    Chart,
    Label,
    Series,
    Sheet,
)
from agency_xl.figures.seasonality import SeasonalityFigures
from agency_xl.figures.sources import setting_source
from agency_xl.models import seasonality as m

YEAR_COLUMNS = 3  # each year averaged (history_years <= 3) has its own column and chart line
INDEX_FORMAT = "0.0"
NAVY, GREY = "#1F3864", "#A6A6A6"
YEAR_COLOURS = ("#BDD7EE", "#9DC3E6", "#ED7D31")
GREEN, RED, BLUE, ORANGE = "#2E7D32", "#C62828", "#2E75B6", "#ED7D31"


def month_label(value: Any) -> str | None:
    """A month as chart-friendly text ("Nov 2025"): chart axes show text as it is, dates not always."""
    return None if value is None else f"{value:%b %Y}"


def status_text(fig: SeasonalityFigures) -> str:
    """The data date, plus which export to add for what is missing."""
    parts = []
    if fig.index is None:
        parts.append("Add the New business (sales) export, or the Book of business (sales are then "
                     "taken from its original effective dates), for the seasonal index.")
    if fig.renewals is None:
        parts.append("Add the Book of business (All Purpose Audit) export for the renewal calendar "
                     "and staffing.")
    if len(parts) == 2:
        return ("Add the Book of business (All Purpose Audit) export (and the New business (sales) "
                "export if you have one) to the exports folder, then Refresh, to fill this sheet.")
    if parts:
        return " ".join(parts) + " Then Refresh."
    source = " Sales taken from the book of business (no sales export)." if fig.sales_derived else ""
    return as_of_note(fig.as_of, fig.window) + source


def index_rows(result: m.SeasonalIndex | None) -> tuple[list[str], list[list[Any]]]:
    """Header and 12 rows: month, seasonal index, each year's index (YEAR_COLUMNS, the latest year
    always in the last of them so it keeps its colour; unused ones empty), the 100 baseline."""
    labels = result.years_used[-YEAR_COLUMNS:] if result is not None else []
    pad = YEAR_COLUMNS - len(labels)
    header = ["Month", "Seasonal index", *["(earlier year)"] * pad, *labels, "Baseline"]
    rows = []
    if result is not None and np.isfinite(result.index).any():
        for j, month in enumerate(m.MONTHS):
            years = [clean(result.by_year.loc[y].iloc[j]) for y in labels]
            rows.append([month, clean(result.index[j]), *[None] * pad, *years, 100.0])
    return header, rows


def build(fig: SeasonalityFigures) -> Sheet:
    s = fig.settings
    sheet = Sheet("seasonality", "Seasonality", "Seasonality", tab_color=BLUE)
    sheet.labels = [
        Label("A1", "Seasonality: sales seasons, renewal calendar, marketing timing and staffing", "title"),
        Label("A3", "Seasonal index = each month's sales / that year's average month x 100, averaged "
                    "over the last years of sales (12-month years ending with the last complete month; "
                    "Settings: history years). 100 = an average month.", "note"),
        Label("A5", "Seasonal sales index (100 = an average month)", "heading"),
        Label("A22", "Key figures", "heading"),
        Label("A37", "Renewal concentration: policies renewing in the next 12 months", "heading"),
        Label("A52", "Marketing timing recommendations", "heading"),
        Label("A67", "Marketing plan against the same budget spent evenly", "heading"),
        Label("A77", "Staffing need by month (renewals + expected new sales)", "heading"),
    ]
    sheet.blocks.append(status_block("A2", status_text(fig)))
    index, renewals, effect = fig.index, fig.renewals, fig.effect
    known = fig.index_known

    # --- seasonal index ---------------------------------------------------------------------
    header, rows = index_rows(index)
    sheet.blocks.append(Block("index", "A6", header, rows, n_rows=12,
                              formats=["@", INDEX_FORMAT, *[INDEX_FORMAT] * YEAR_COLUMNS, "0"]))
    sheet.blocks.append(Block("index_note", "A19", ["Note"], [[index.note if index else None]], n_rows=1,
                              header=False, formats=["@"]))
    sheet.charts.append(Chart(
        "line", "Seasonal sales pattern (index by month, 100 = average)", "J5",
        [Series("Seasonal index", "index", 1, color=NAVY),
         *[Series(f"Year {i + 1}", "index", 2 + i, color=YEAR_COLOURS[i], name_from_header=True)
           for i in range(YEAR_COLUMNS)],
         Series("Baseline 100", "index", 2 + YEAR_COLUMNS, color=GREY)],
        width=640, height=320, y_format="0",
    ))

    # --- key figures ------------------------------------------------------------------------
    peak_renewal, quiet_renewal = fig.busiest_renewal, fig.quietest_renewal
    measure = "policies sold" if s.sales_measure == "policies" else "premium sold"
    avg_sales = fig.average_monthly_sales
    items = [
        ("Peak sales month", index.peak_month if known else None, "@",
         f"Index {fig.peak_index:.0f}" if known else ""),
        ("Low sales month", index.low_month if known else None, "@",
         f"Index {fig.low_index:.0f}" if known else ""),
        ("Years averaged", len(index.years_used) if index else None, COUNT,
         ", ".join(index.years_used) if index else ""),
        ("Index measures", measure if index is not None else None, "@",
         f"From the {fig.sales_from}" if fig.sales_from else ""),
        ("Average new policies a month", avg_sales if np.isfinite(avg_sales) else None, NUMBER1,
         "Last 12 months of sales"),
        ("Renewals, next 12 months", fig.renewals_next_12_months, COUNT,
         "In-force policies; Life excluded" if "Life" in s.excluded_products() else "In-force policies"),
        ("Average renewals a month", fig.average_renewals_per_month, NUMBER1, ""),
        ("Busiest renewal month", f"{peak_renewal['month']:%b %Y}" if peak_renewal is not None else None, "@",
         f"{int(peak_renewal['renewals'])} renewals, concentration {peak_renewal['concentration']:.2f}"
         if peak_renewal is not None else ""),
        ("Quietest renewal month", f"{quiet_renewal['month']:%b %Y}" if quiet_renewal is not None else None, "@",
         f"{int(quiet_renewal['renewals'])} renewals, concentration {quiet_renewal['concentration']:.2f}"
         if quiet_renewal is not None else ""),
    ]
    sheet.blocks.append(kpi_block("key_figures", "A23", items, n_rows=12))

    # --- renewal concentration --------------------------------------------------------------
    ren_rows = [[month_label(r[0]), *r[1:]] for r in rows_of(
        renewals, ["month", "renewals", "average", "concentration", "premium"])] if renewals is not None else []
    ren = Block("renewals", "A38", ["Month", "Renewals", "Average a month", "Concentration",
                                    "Premium renewing"],
                ren_rows, n_rows=12, formats=["@", COUNT, NUMBER1, RATIO, MONEY])
    ren.heatmap_column = 3
    sheet.blocks.append(ren)
    sheet.charts.append(Chart(
        "column", "Renewals by month (next 12 months)", "J37",
        [Series("Renewals", "renewals", 1, color=BLUE),
         Series("Average a month", "renewals", 2, kind="line", color=RED)],
        width=640, height=280, y_format="#,##0",
    ))

    # --- marketing table --------------------------------------------------------------------
    mk_rows = rows_of(fig.timing, ["month", "index", "action", "reason", "spend_change", "planned_spend",
                                   "sales_effect", "expected_roi"]) if fig.timing is not None else []
    sheet.blocks.append(Block(
        "marketing", "A53",
        ["Month", "Sales index", "Recommendation", "Why", "Spend change", "Planned spend",
         "Sales effect", "Expected ROI"],
        mk_rows, n_rows=12, formats=["@", INDEX_FORMAT, "@", "@", '+0%;-0%;0%', MONEY, '+0.0%;-0.0%;0.0%',
                                     "0%"],
    ))
    rule = (f"Rule: index >= {s.high_season_index:g}: increase spend by {s.high_season_increase:.0%}; "
            f"index <= {s.low_season_index:g}: reduce by {s.low_season_decrease:.0%} (Settings). "
            "Effect = spend change x index / 100; expected ROI = (1 + average ROI) x index / 100 - 1.")
    sheet.blocks.append(Block("marketing_rule", "A66", ["Rule"], [[rule]], n_rows=1, header=False,
                              formats=["@"]))
    budget, roi = fig.budget_source, setting_source(s, "average_marketing_roi")
    mark_defaults(sheet.block("marketing"), budget, 5)
    mark_defaults(sheet.block("marketing"), roi, 7)
    sheet.blocks.append(kpi_block("marketing_plan", "A68", [
        ("Budget spent evenly (a year)", effect.flat_spend if effect else None, MONEY,
         "Segments sheet's marketing budget (Settings: segments.marketing_budget)", budget),
        ("Budget with the timing plan", effect.planned_spend if effect else None, MONEY, "", budget),
        ("Spend change", effect.spend_change if effect else None, PCT, ""),
        ("Marketing-driven sales change", effect.sales_change if effect else None, PCT,
         "Assumes sales per dollar follow the seasonal index"),
        ("Sales per marketing dollar change", effect.efficiency_change if effect else None, PCT,
         "Plan against the same money spent evenly"),
        ("Expected ROI, budget spent evenly", effect.flat_roi if effect else None, "0%",
         "Settings: average marketing ROI", roi),
        ("Expected ROI with the plan", effect.planned_roi if effect else None, "0%", "", roi),
    ]))
    sheet.charts.append(Chart(
        "column", "Planned marketing spend and the seasonal index", "J52",
        [Series("Planned spend", "marketing", 5, color=GREEN),
         Series("Sales index", "marketing", 1, kind="line", secondary=True, color=NAVY)],
        width=640, height=280, y_format='"$"#,##0', y2_format="0",
    ))

    # --- staffing ---------------------------------------------------------------------------
    staff = fig.staffing
    st_rows = [[month_label(r[0]), *r[1:]] for r in rows_of(
        staff, ["month", "renewals", "new_sales", "staff_renewals", "staff_sales", "staff_needed",
                "current_staff", "gap"])] if staff is not None else []
    st = Block(
        "staffing", "A78",
        ["Month", "Renewals", "New policies", "Staff: renewals", "Staff: new sales", "Staff needed",
         "Current staff", "Gap (+ short)"],
        st_rows, n_rows=12, formats=["@", COUNT, NUMBER1, "0.0", "0.0", "0.0", "0.0", "+0.0;-0.0;0.0"],
    )
    st.heatmap_column = 5
    mark_defaults(st, setting_source(s, "renewals_per_staff_month"), 3)
    mark_defaults(st, setting_source(s, "new_sales_per_staff_month"), 4)
    mark_defaults(st, setting_source(s, "renewals_per_staff_month", "new_sales_per_staff_month"), 5)
    mark_defaults(st, setting_source(s, "current_staff"), 6)
    mark_defaults(st, setting_source(s, "renewals_per_staff_month", "new_sales_per_staff_month", "current_staff"), 7)
    sheet.blocks.append(st)
    sheet.labels.append(Label(
        "A91", f"Workload (Settings): {s.renewals_per_staff_month:g} renewals and "
               f"{s.new_sales_per_staff_month:g} new policies per staff member a month. Expected new "
               "policies = average month x the month's index / 100.", "note"))
    sheet.charts.append(Chart(
        "column", "Staff needed by month", "J77",
        [Series("Staff for renewals", "staffing", 3, color=BLUE),
         Series("Staff for new sales", "staffing", 4, color="#9DC3E6"),
         Series("Current staff", "staffing", 6, kind="line", color=RED)],
        width=640, height=280, y_format="0.0", stacked=True,
    ))
    sheet.column_widths = {0: 32, 1: 14, 2: 22, 3: 17, 4: 16, 5: 13, 6: 14, 7: 13, 8: 2}

    return sheet
