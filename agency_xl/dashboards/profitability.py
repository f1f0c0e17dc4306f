"""The Profitability sheet: combined-ratio gauge, bonus card, product profitability, profit vs
revenue growth, 12-month loss-ratio trend, claims frequency and severity."""

from __future__ import annotations

import numpy as np

from agency_xl.dashboards.common import (
    as_of_note,
    clean,
    kpi_block,
    mark_defaults,
    missing_text,
    no_data_note,
    rows_of,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    MONTH,
    PCT,
    Block,
    Chart,
    Label,
    Series,
    Sheet,
)
from agency_xl.figures.profitability import ProfitabilityFigures
from agency_xl.figures.sources import setting_source, weakest
PRODUCT_ROWS = 11  # the canonical product list
GAUGE_MIN, GAUGE_MAX = 0.5, 1.2  # the gauge's scale of combined ratios

GREEN, AMBER, RED, GREY = "#2E7D32", "#F9A825", "#C62828", "#9E9E9E"


def gauge_rows(cr: float | None, full: float, partial: float) -> list[list[object]]:
    """Bands and needle of a half-doughnut gauge from GAUGE_MIN to GAUGE_MAX.

    The doughnut's four slices are the green, amber and red bands plus an invisible half; the pie
    on top has an invisible slice up to the needle, the needle, and an invisible rest.
    """
    span = GAUGE_MAX - GAUGE_MIN
    green = max(0.0, min(full, GAUGE_MAX) - GAUGE_MIN)
    amber = max(0.0, min(partial, GAUGE_MAX) - GAUGE_MIN - green)
    red = span - green - amber
    width = span * 0.012
    pos = (min(max(cr, GAUGE_MIN), GAUGE_MAX) - GAUGE_MIN) if cr is not None and np.isfinite(cr) else 0.0
    pos = min(pos, span - width)
    return [
        [f"Full bonus below {full:.0%}", green, pos],
        [f"Reduced bonus below {partial:.0%}", amber, width],
        ["No bonus", red, 2 * span - pos - width],
        ["", span, None],
    ]


def status_text(fig: ProfitabilityFigures) -> str:
    """The sheet's status line: what is missing, or what the window shows."""
    w, summary, products = fig.window, fig.summary, fig.products
    if summary is None:
        return missing_text(fig.missing)
    if fig.not_measurable:
        return (f"Earned premium is {fig.not_measurable}: cancelled or expired policies without their "
                f"end date may have earned in the window. {as_of_note(fig.as_of, w)}")
    if summary.earned_premium == 0 and summary.incurred_losses == 0:
        return no_data_note(w, "no premium earned and no claims in these months")
    if summary.claims == 0 and products["claims"].sum() == 0:
        return (no_data_note(w, "no claim has a loss date in these months, so the loss ratio is 0% "
                                "as far as the claims export shows") + " " + as_of_note(fig.as_of, w))
    return as_of_note(fig.as_of, w)


def build(fig: ProfitabilityFigures) -> Sheet:
    s = fig.settings
    others = ", ".join(fig.outside_lines) if fig.outside_lines else "none"
    sheet = Sheet("profitability", "Profitability", "Profitability", tab_color=GREEN)
    sheet.labels = [
        Label("A1", "Profitability: loss ratio, combined ratio and the carrier bonus", "title"),
        Label("A3", "Last 12 complete months (the window is on the status line). Combined ratio = loss ratio "
                    "+ expense ratio (Settings), over the lines in the bonus. Earned premium is pro-rata "
                    "from the book of business.", "note"),
        Label("A5", "Bonus eligibility", "heading"),
        Label("A19", "Product profitability (last 12 complete months)", "heading"),
        Label("A33", "Profitability vs revenue growth (last 12 complete months vs the 12 before)", "heading"),
        Label("A43", "Loss ratio, claims frequency and severity by month (lines in the bonus)", "heading"),
    ]
    summary, gap, cr = fig.summary, fig.growth, fig.combined_ratio
    status, risk, bonus = fig.bonus_status, fig.risk_level, fig.estimated_bonus
    premium_in_force, other_losses = fig.premium_in_force, fig.other_losses
    sheet.blocks.append(status_block("A2", status_text(fig)))

    # Bonus card. Figures resting on a Settings default are marked: the expense ratio (the owner's
    # own figure) and the bonus bands and rates (his carrier's).
    expense = setting_source(s, "expense_ratio")
    bands = weakest(expense, setting_source(s, "bonus_full_threshold", "bonus_partial_threshold"))
    risk_src = weakest(bands, setting_source(s, "bonus_watch_margin"))
    bonus_src = weakest(bands, setting_source(s, "bonus_full_rate", "bonus_partial_rate"))
    light = {"FULL_BONUS": "OK", "REDUCED_BONUS": "WATCH", "NO_BONUS": "ALERT"}
    items = [
        ("Combined ratio (12 months)", cr, PCT, f"Full bonus below {s.bonus_full_threshold:.0%}; lines "
         f"outside it: {others}", bands),
        ("Loss ratio (12 months)", clean(summary.loss_ratio) if summary else None, PCT,
         "Losses / earned premium; recent months immature"),
        ("Expense ratio", s.expense_ratio, PCT, "From Settings", expense),
        ("Bonus status", status, "@", light.get(status, "") if status else "", bands),
        ("Risk level", risk, "@", {"LOW": "OK", "MEDIUM": "WATCH", "HIGH": "ALERT"}.get(risk, "") if risk else "",
         risk_src),
        ("Estimated bonus", bonus, MONEY, "Premium in force of the bonus lines x bonus rate (Settings)", bonus_src),
        ("Earned premium (12 months)", clean(summary.earned_premium) if summary else None, MONEY,
         "Lines in the bonus"),
        ("Incurred losses (12 months)", summary.incurred_losses if summary else None, MONEY,
         "Lines in the bonus: paid + reserves, by loss date"),
        ("Losses, other lines (12 months)", other_losses, MONEY,
         f"Outside the bonus (Settings): {others}"),
        ("Underwriting profit (12 months)", clean(summary.underwriting_profit) if summary else None, MONEY,
         "Earned x (1 - combined ratio)", expense),
        ("Premium in force, bonus lines", premium_in_force, MONEY, "Policies in force today (status)"),
    ]
    card = kpi_block("bonus_card", "A6", items)
    card.status_column = 2
    sheet.blocks.append(card)
    sheet.blocks.append(Block(
        "gauge", "S6", ["Band", "Band size", "Needle"],
        gauge_rows(cr, s.bonus_full_threshold, s.bonus_partial_threshold),
        formats=["@", "0.000", "0.000"],
    ))
    # The gauge sits in column K with the other charts: the bonus card's notes (column C) run to
    # about column I and a chart nearer would cover them; its data table to the right of it.
    sheet.charts.append(Chart(
        "gauge", "Combined ratio (needle) and bonus bands", "K5",
        [Series("Bands", "gauge", 1, 0, points=[GREEN, AMBER, RED, "none"]),
         Series("Needle", "gauge", 2, 0, kind="pie", points=["none", "#212121", "none"])],
        width=400, height=250, legend=None,
    ))

    # Products: the bonus lines first, then the others, each with its note (thin evidence marked).
    prod_rows = []
    if fig.products is not None:
        for r in rows_of(fig.products, ["product", "earned_premium", "incurred", "claims", "loss_ratio",
                                        "combined_ratio", "underwriting_profit", "note"]):
            prod_rows.append(r[:6] + [s.bonus_full_threshold, r[6], r[7]])
    sheet.blocks.append(Block(
        "products", "A20",
        ["Product", "Earned premium", "Incurred losses", "Claims", "Loss ratio", "Combined ratio",
         "Bonus threshold", "Underwriting profit", "Note"],
        prod_rows[:PRODUCT_ROWS], n_rows=PRODUCT_ROWS,
        formats=["@", MONEY, MONEY, COUNT, PCT, PCT, PCT, MONEY, "@"],
    ))
    mark_defaults(sheet.block("products"), expense, 5, 7)
    mark_defaults(sheet.block("products"), bands, 6)
    sheet.charts.append(Chart(
        "column", "Loss and combined ratio by product", "K19",
        [Series("Loss ratio", "products", 4, color="#1565C0"),
         Series("Combined ratio", "products", 5, color="#90CAF9"),
         Series("Full-bonus threshold", "products", 6, kind="line", color=RED)],
        width=560, height=260, y_format="0%",
    ))

    # Growth comparison
    measure = gap.revenue_measure if gap else "revenue growth"
    sheet.blocks.append(Block(
        "growth", "A34", ["", "Revenue growth", "Profit growth"],
        [[f"{measure[0].upper()}{measure[1:]}" if gap else "Last 12 months vs prior",
          clean(gap.revenue_growth) if gap else None, clean(gap.profit_growth) if gap else None]],
        formats=["@", PCT, PCT],
    ))
    mark_defaults(sheet.block("growth"), expense, 2)
    sheet.blocks.append(kpi_block("growth_card", "A37", [
        ("Gap (revenue - profit growth)", clean(gap.gap) if gap else None, PCT,
         f"Warning above {s.profit_gap_warning:.0%}. Profit = revenue x (1 - expense ratio) - losses", expense),
        ("Warning", (("ALERT" if gap.warning else "OK") if np.isfinite(gap.gap) else "TOO LITTLE HISTORY")
         if gap else None, "@", gap.message if gap else ""),
    ]))
    sheet.block("growth_card").status_column = 1
    sheet.charts.append(Chart(
        "column", "Revenue growth vs profit growth", "K33",
        [Series("Revenue growth", "growth", 1, color="#1565C0"),
         Series("Profit growth", "growth", 2, color=GREEN)],
        width=420, height=190, y_format="0%",
    ))

    # Monthly trend
    trend_rows = rows_of(fig.trend, ["month", "earned_premium", "incurred", "claims", "loss_ratio",
                                 "rolling_12m_loss_ratio", "combined_ratio", "frequency_per_100",
                                 "severity"]) if fig.trend is not None else []
    sheet.blocks.append(Block(
        "trend", "A44",
        ["Month", "Earned premium", "Incurred losses", "Claims", "Loss ratio", "Rolling 12-month loss ratio",
         "Combined ratio", "Claims per 100 policy-years", "Severity (per claim)"],
        trend_rows, n_rows=12,
        formats=[MONTH, MONEY, MONEY, COUNT, PCT, PCT, PCT, "0.0", MONEY],
    ))
    mark_defaults(sheet.block("trend"), expense, 6)
    sheet.charts.append(Chart(
        "line", "Loss ratio trend (12 complete months)", "K43",
        [Series("Loss ratio of the month", "trend", 4, color="#90CAF9"),
         Series("Rolling 12-month loss ratio", "trend", 5, color="#1565C0")],
        width=520, height=260, y_format="0%",
    ))
    sheet.charts.append(Chart(
        "column", "Claims frequency and severity", "K57",
        [Series("Claims per 100 policy-years", "trend", 7, color="#FFB74D"),
         Series("Severity", "trend", 8, kind="line", secondary=True, color=RED)],
        width=520, height=260, y_format="0.0", y2_format='"$"#,##0',
    ))
    sheet.column_widths = {0: 44, 1: 15, 2: 15, 3: 10, 4: 11, 5: 14, 6: 12, 7: 14, 8: 30, 18: 22}

    return sheet
