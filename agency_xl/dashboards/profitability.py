"""The Profitability sheet: combined-ratio gauge, bonus card, product profitability, profit vs
revenue growth, 12-month loss-ratio trend, claims frequency and severity."""

from __future__ import annotations

import numpy as np

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
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
    MONTH,
    PCT,
    Block,
    Chart,
    Label,
    Series,
    Sheet,
)
from agency_xl.models import profitability as m

NEEDS = ("policies", "claims")
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


def build(data: AmsData, settings: Assumptions) -> Sheet:
    s = settings.profitability
    sheet = Sheet("profitability", "Profitability", "Profitability", tab_color=GREEN)
    sheet.labels = [
        Label("A1", "Profitability: loss ratio, combined ratio and the carrier bonus", "title"),
        Label("A3", "Last 12 months to the data date. Combined ratio = loss ratio + expense ratio "
                    "(Settings). Earned premium is pro-rata from the book of business.", "note"),
        Label("A5", "Bonus eligibility", "heading"),
        Label("A19", "Product profitability (last 12 months)", "heading"),
        Label("A33", "Profitability vs revenue growth (last 12 months vs the 12 before)", "heading"),
        Label("A43", "Loss ratio, claims frequency and severity by month", "heading"),
    ]
    missing = missing_note(data, *NEEDS)
    products, trend, summary, gap, premium_in_force = None, None, None, None, None
    if not missing:
        pol, clm = data.policies, data.claims
        products = m.product_profitability(pol, clm, data.as_of, s.expense_ratio)
        summary = m.book_summary(products, s.expense_ratio)
        trend = m.monthly_trend(pol, clm, data.as_of, 12, s.expense_ratio)
        comp = m.annual_comparison(pol, clm, data.as_of, s.expense_ratio)
        gap = m.profit_vs_revenue_growth(
            comp["revenue_now"], comp["revenue_before"], comp["profit_now"], comp["profit_before"],
            s.profit_gap_warning,
        )
        in_force = pol[pol["status"] == "In Force"]
        premium_in_force = float(in_force["annual_premium"].sum())

    sheet.blocks.append(status_block("A2", missing or data_note(data)))

    # Bonus card
    cr = summary.combined_ratio if summary else None
    status = m.bonus_status(cr, s.bonus_full_threshold, s.bonus_partial_threshold) if summary else None
    risk = m.bonus_risk(cr, s.bonus_full_threshold, s.bonus_partial_threshold, s.bonus_watch_margin) if summary else None
    bonus = (m.estimated_bonus(premium_in_force, cr, s.bonus_full_threshold, s.bonus_partial_threshold,
                               s.bonus_full_rate, s.bonus_partial_rate) if summary else None)
    light = {"FULL_BONUS": "OK", "REDUCED_BONUS": "WATCH", "NO_BONUS": "ALERT"}
    items = [
        ("Combined ratio (12 months)", cr, PCT, f"Full bonus below {s.bonus_full_threshold:.0%}"),
        ("Loss ratio (12 months)", summary.loss_ratio if summary else None, PCT, "Losses / earned premium"),
        ("Expense ratio", s.expense_ratio, PCT, "From Settings"),
        ("Bonus status", status, "@", light.get(status, "") if status else ""),
        ("Risk level", risk, "@", {"LOW": "OK", "MEDIUM": "WATCH", "HIGH": "ALERT"}.get(risk, "") if risk else ""),
        ("Estimated bonus", bonus, MONEY, "Premium x bonus rate (Settings)"),
        ("Earned premium (12 months)", summary.earned_premium if summary else None, MONEY, ""),
        ("Incurred losses (12 months)", summary.incurred_losses if summary else None, MONEY, "Paid + reserves, by loss date"),
        ("Underwriting profit (12 months)", summary.underwriting_profit if summary else None, MONEY, "Earned x (1 - combined ratio)"),
        ("Premium in force", premium_in_force, MONEY, "Policies in force today"),
    ]
    card = kpi_block("bonus_card", "A6", items)
    card.status_column = 2
    sheet.blocks.append(card)
    sheet.blocks.append(Block(
        "gauge", "N6", ["Band", "Band size", "Needle"],
        gauge_rows(cr, s.bonus_full_threshold, s.bonus_partial_threshold),
        formats=["@", "0.000", "0.000"],
    ))
    sheet.charts.append(Chart(
        "gauge", "Combined ratio (needle) and bonus bands", "G5",
        [Series("Bands", "gauge", 1, 0, points=[GREEN, AMBER, RED, "none"]),
         Series("Needle", "gauge", 2, 0, kind="pie", points=["none", "#212121", "none"])],
        width=400, height=250, legend=None,
    ))

    # Products
    prod_rows = []
    if products is not None:
        for r in rows_of(products, ["product", "earned_premium", "incurred", "claims", "loss_ratio",
                                    "combined_ratio", "underwriting_profit"]):
            prod_rows.append(r[:6] + [s.bonus_full_threshold, r[6]])
    sheet.blocks.append(Block(
        "products", "A20",
        ["Product", "Earned premium", "Incurred losses", "Claims", "Loss ratio", "Combined ratio",
         "Bonus threshold", "Underwriting profit"],
        prod_rows[:PRODUCT_ROWS], n_rows=PRODUCT_ROWS,
        formats=["@", MONEY, MONEY, COUNT, PCT, PCT, PCT, MONEY],
    ))
    sheet.charts.append(Chart(
        "column", "Loss and combined ratio by product", "J19",
        [Series("Loss ratio", "products", 4, color="#1565C0"),
         Series("Combined ratio", "products", 5, color="#90CAF9"),
         Series("Full-bonus threshold", "products", 6, kind="line", color=RED)],
        width=560, height=260, y_format="0%",
    ))

    # Growth comparison
    sheet.blocks.append(Block(
        "growth", "A34", ["", "Revenue growth", "Profit growth"],
        [["Last 12 months vs prior", clean(gap.revenue_growth) if gap else None,
          clean(gap.profit_growth) if gap else None]],
        formats=["@", PCT, PCT],
    ))
    sheet.blocks.append(kpi_block("growth_card", "A37", [
        ("Gap (revenue - profit growth)", gap.gap if gap else None, PCT,
         f"Warning above {s.profit_gap_warning:.0%}"),
        ("Warning", ("ALERT" if gap.warning else "OK") if gap else None, "@", gap.message if gap else ""),
    ]))
    sheet.block("growth_card").status_column = 1
    sheet.charts.append(Chart(
        "column", "Revenue growth vs profit growth", "G33",
        [Series("Revenue growth", "growth", 1, color="#1565C0"),
         Series("Profit growth", "growth", 2, color=GREEN)],
        width=420, height=200, y_format="0%",
    ))

    # Monthly trend
    trend_rows = rows_of(trend, ["month", "earned_premium", "incurred", "claims", "loss_ratio",
                                 "rolling_12m_loss_ratio", "combined_ratio", "frequency_per_100",
                                 "severity"]) if trend is not None else []
    sheet.blocks.append(Block(
        "trend", "A44",
        ["Month", "Earned premium", "Incurred losses", "Claims", "Loss ratio", "Rolling 12-month loss ratio",
         "Combined ratio", "Claims per 100 policy-years", "Severity (per claim)"],
        trend_rows, n_rows=12,
        formats=[MONTH, MONEY, MONEY, COUNT, PCT, PCT, PCT, "0.0", MONEY],
    ))
    sheet.charts.append(Chart(
        "line", "Loss ratio trend (12 months)", "K43",
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
    sheet.column_widths = {0: 30, 1: 15, 2: 15, 3: 10, 4: 11, 5: 14, 6: 12, 7: 14, 8: 13, 13: 22}

    if summary:
        sheet.kpis = {
            "combined_ratio": clean(summary.combined_ratio),
            "loss_ratio": clean(summary.loss_ratio),
            "expense_ratio": s.expense_ratio,
            "earned_premium_12m": round(summary.earned_premium, 2),
            "incurred_losses_12m": round(summary.incurred_losses, 2),
            "underwriting_profit_12m": round(summary.underwriting_profit, 2),
            "bonus_status": status,
            "risk_level": risk,
            "estimated_bonus": round(bonus, 2),
            "revenue_growth": clean(gap.revenue_growth),
            "profit_growth": clean(gap.profit_growth),
            "growth_gap_warning": gap.warning,
            "loss_ratio_by_product": {r[0]: clean(r[4]) for r in prod_rows},
            "combined_ratio_by_product": {r[0]: clean(r[5]) for r in prod_rows},
        }
    return sheet
