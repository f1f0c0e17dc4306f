"""The Rate Environment sheet: a rate impact calculator (yellow input cells, live formulas with the
worksheet functions), the rate scenario table and chart, the revenue growth decomposition and the
lifetime value with premium inflation (live tables with charts), the measured inputs, retention
by product, and the plan's example beside this model.

The calculator's results and the three live tables are formulas: they recalculate in Excel when
the owner changes an input cell, and a refresh only rewrites the measured inputs they read (the
``measured`` card). Each formula carries the value Python computed for it, so the file shows
numbers before Excel recalculates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agency_xl.assumptions.rate_environment import MARKETS
from agency_xl.dashboards.common import (
    as_of_note,
    kpi_block,
    missing_text,
    rows_of,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    PCT,
    PCT2,
    Block,
    Chart,
    Formula,
    Input,
    Label,
    Series,
    Sheet,
    rc_to_cell,
)
from agency_xl.assumptions.general import GeneralSettings
from agency_xl.figures.sources import Source, setting_source, value_source, weakest
from agency_xl.figures.rate_environment import (
    PLAN_CHURN_10,
    PLAN_LTV,
    PLAN_LTV_UPLIFT,
    PLAN_SCENARIOS,
    PLAN_SEVERITY_10,
    PRODUCT_ROWS,
    RateEnvironmentFigures,
)
from agency_xl.functions import CATALOG  # a live table's cached value: what Excel will show
from agency_xl.models.rate_environment import DEFAULT_INCREASES, SCENARIO_COLUMNS

NAVY, BLUE, LIGHT, GREY, GREEN, RED = "#1F3864", "#2E75B6", "#9DC3E6", "#A5A5A5", "#2E7D32", "#C62828"
RATIO3 = "0.000"


def status_text(fig: RateEnvironmentFigures) -> str:
    """The sheet's status line: the exports to add, or the window and the inputs on Settings values."""
    if fig.missing:
        return missing_text(fig.missing).removesuffix(".").removesuffix(", to fill this sheet") + \
            "; until then the Settings values marked below are used."
    if fig.fallbacks:
        return as_of_note(fig.as_of, fig.window) + " Settings values used for: " + \
            ", ".join(name.replace("_", " ") for name in fig.fallbacks) + "."
    return as_of_note(fig.as_of, fig.window)


def _cell(block: Block, row: int, col: int = 1, absolute: bool = True) -> str:
    """Address of a block's data cell (row, col), e.g. $B$24."""
    r = block.first_data_row + row
    c = block.top_left[1] + col
    ref = rc_to_cell(r, c)
    if not absolute:
        return ref
    col_letters = "".join(ch for ch in ref if ch.isalpha())
    return f"${col_letters}${r + 1}"


def _table(name: str, *args: Any, shape: tuple[int, int]) -> list[list[Any]]:
    """A table function's result as Excel will show it (the cached value of its live formula). When
    the function answers with an error text (a measured input outside what it accepts, e.g. an
    implausible premium), that text in the first cell of a blank table of ``shape``, so the sheet
    and its charts keep their layout."""
    out = CATALOG[name].call(*args)
    if isinstance(out, list):
        return out
    return [[out if i == j == 0 else None for j in range(shape[1])] for i in range(shape[0])]


def build(fig: RateEnvironmentFigures) -> Sheet:
    s = fig.settings
    sheet = Sheet("rate_environment", "Rate Environment", "Rate environment", tab_color="#C55A11")
    r0, policy_growth, premium = fig.retention.value, fig.policy_growth.value, fig.premium.value
    commission_rate, per_household = fig.commission_rate.value, fig.per_household
    x, sens, thresholds, impact, ltv = s.planned_rate_increase, fig.sensitivity, fig.thresholds, fig.impact, fig.ltv

    sheet.labels = [
        Label("A1", "Rate environment: what a rate increase does to retention, revenue and lifetime value", "title"),
        Label("A3", "Retention after an increase: logit(r) = logit(today) - sensitivity x (increase - tolerance)^2 "
                    "above the tolerance (a logistic renewal model; hard < moderate < soft market on Settings: in "
                    "a hard market competitors raise too). See docs/models/rate_environment.md.", "note"),
        Label("A4", "Type in the yellow cells: the results and the three tables below recalculate. They need "
                    "Import Functions once (Home sheet); until then Excel shows #NAME? in them.",
              "note"),
        Label("A5", "Rate impact calculator", "heading"),
        Label("A6", "Planned rate increase"), Label("C6", "The carrier's increase, e.g. 10%", "note"),
        Label("A7", "Market"), Label("C7", "hard, moderate or soft: picks the sensitivity (Settings)", "note"),
        Label("A8", "Premium growth per year (for LTV)"),
        Label("C8", "Rate increases expected in later years", "note"),
        Label("A10", "Results (live formulas)", "heading"),
        Label("A22", "Measured from your exports (Refresh updates these)", "heading"),
        Label("A38", "Rate scenarios: today's book after one renewal cycle at each increase", "heading"),
        Label("A48", "Revenue growth decomposition: policy growth x rate x rate-driven churn", "heading"),
        Label("A56", "Lifetime value of a household with premium inflation", "heading"),
        Label("A62", "Policy retention by product (growth & retention report, 12 complete months)", "heading"),
        Label("A76", "The plan's example beside this model (plan's retention 89.64%, hard market)", "heading"),
    ]
    sheet.inputs = [
        Input("B6", x, PCT),
        Input("B7", s.market, "@", choices=list(MARKETS)),
        Input("B8", s.ltv_premium_growth, PCT),
    ]
    sheet.blocks.append(status_block("A2", status_text(fig)))

    # --- measured inputs card: what the live formulas read ---------------------------------------
    def fallback(name: str, setting: str) -> Source:
        m = getattr(fig, name)
        return value_source(m.measured, s, setting, m.value)

    book = weakest(fallback("premium", "fallback_book_premium"), fallback("households", "fallback_households"))
    items = [
        ("Current retention", r0, PCT2, fig.retention.note, fallback("retention", "fallback_retention")),
        ("Policy growth (per year)", policy_growth, PCT, fig.policy_growth.note,
         fallback("policy_growth", "fallback_policy_growth")),
        ("Premium in force", premium, MONEY, fig.premium.note, fallback("premium", "fallback_book_premium")),
        ("Households in force", fig.households.value, COUNT, fig.households.note,
         fallback("households", "fallback_households")),
        ("Average premium per household", per_household, MONEY, "Premium in force / households", book),
        ("Commission rate", commission_rate, PCT2, fig.commission_rate.note,
         value_source(fig.commission_rate.measured, GeneralSettings, "commission_rate", fig.commission_rate.value)),
        ("Discount rate", fig.discount_rate, PCT, "Settings",
         value_source(False, GeneralSettings, "discount_rate", fig.discount_rate)),
        ("Sensitivity: hard market", s.sensitivity_hard, "0.00", "Settings", setting_source(s, "sensitivity_hard")),
        ("Sensitivity: moderate market", s.sensitivity_moderate, "0.00", "Settings",
         setting_source(s, "sensitivity_moderate")),
        ("Sensitivity: soft market", s.sensitivity_soft, "0.00", "Settings", setting_source(s, "sensitivity_soft")),
        ("Severity LOW below", thresholds[0], PCT2, "Settings: retention points lost",
         setting_source(s, "severity_low_below")),
        ("Severity MODERATE below", thresholds[1], PCT2, "Settings", setting_source(s, "severity_moderate_below")),
        ("Severity HIGH below (else SEVERE)", thresholds[2], PCT2, "Settings", setting_source(s, "severity_high_below")),
        ("Tolerance: no churn up to", s.rate_tolerance, PCT, "Settings: increases customers take in stride",
         setting_source(s, "rate_tolerance")),
    ]
    if not fig.sensitivities_ordered:
        items[7] = (*items[7][:3], "Settings. Note: not ordered hard <= moderate <= soft (customers react "
                    "least in a hard market)", items[7][4])
    card = kpi_block("measured", "A23", items)
    sheet.blocks.append(card)
    c_r0, c_pg, c_prem, _, c_perhh, c_comm, c_disc, c_hard, _, c_soft, c_low, c_mod, c_high, c_tol = (
        _cell(card, i) for i in range(len(items)))
    tol = s.rate_tolerance

    # --- calculator results: live formulas ------------------------------------------------------
    markets = ";".join(f'"{k}"' for k in MARKETS)
    results = [
        ("Market sensitivity", f"=INDEX({c_hard}:{c_soft},MATCH(B7,{{{markets}}},0))", sens, "0.00",
         "From the measured card (Settings)"),
        ("Retention after the increase", f"=RATE_RETENTION({c_r0},B6,B11,{c_tol})", impact.retention, PCT2,
         "RATE_RETENTION(today, increase, sensitivity, tolerance)"),
        ("Added churn (retention points lost)", f"={c_r0}-B12", impact.added_churn, PCT2, "Today - after"),
        ("Severity", f"=RATE_SEVERITY(B13,{c_low},{c_mod},{c_high})", impact.severity, "@",
         "LOW / MODERATE / HIGH / SEVERE by points lost"),
        ("Premium after one renewal cycle", f"={c_prem}*(1+B6)*(1-B13)", fig.premium_after, MONEY,
         "Premium in force x (1 + increase) x (1 - added churn)"),
        ("Commission after", f"=B15*{c_comm}", fig.commission_after, MONEY, "Premium x commission rate"),
        ("Change in commission vs today", f"=B16-{c_prem}*{c_comm}", fig.commission_change,
         MONEY, "Per year"),
        ("Revenue growth with policy growth", f"=(1+{c_pg})*(1+B6)*(1-B13)-1", fig.decomposition.total, PCT,
         "(1 + policy growth)(1 + rate)(1 - added churn) - 1"),
        ("LTV per household, no premium growth", f"=LTV({c_perhh},{c_comm},{c_r0},{c_disc})",
         ltv.without_inflation, MONEY, "Renewal commission, discounted"),
        ("LTV with premium growth and its churn",
         f"=LTV({c_perhh},{c_comm},RATE_RETENTION({c_r0},B8,B11,{c_tol}),{c_disc},B8)",
         ltv.with_inflation_and_churn, MONEY, "Premiums grow by B8 a year; retention falls with them"),
    ]
    for i, (label, formula, value, fmt, note) in enumerate(results):
        row = 11 + i
        sheet.labels += [Label(f"A{row}", label), Label(f"C{row}", note, "note")]
        value = None if isinstance(value, float) and not np.isfinite(value) else value
        sheet.formulas.append(Formula(f"B{row}", formula, value, fmt))

    # --- rate scenarios: a live table and its chart ---------------------------------------------
    increases = "{" + ";".join(f"{v:g}" for v in DEFAULT_INCREASES) + "}"
    scen_values = _table("RATE_SCENARIOS", r0, premium, commission_rate, sens, list(DEFAULT_INCREASES), tol,
                         shape=(1 + len(DEFAULT_INCREASES), len(SCENARIO_COLUMNS)))
    n_scen = len(scen_values)
    sheet.formulas.append(Formula(
        "A39", f"=RATE_SCENARIOS({c_r0},{c_prem},{c_comm},B11,{increases},{c_tol})", scen_values[0][0],
        spill=(n_scen, len(scen_values[0])), name="scenarios", values=scen_values, header=True,
        column_formats=[PCT, PCT2, PCT2, MONEY, MONEY, MONEY, PCT],
    ))
    sheet.labels.append(Label("H39", "Severity", "header"))
    for i, severity in zip(range(1, n_scen), fig.scenarios["severity"]):
        sheet.formulas.append(Formula(f"H{39 + i}", f"=RATE_SEVERITY(C{39 + i},{c_low},{c_mod},{c_high})",
                                      severity, "@"))
    sheet.charts.append(Chart(
        "column", "Rate scenarios: commission change and retention", "J5",
        [Series("Change in commission vs today", "scenarios", 5, 0, color=BLUE),
         Series("Retention after the increase", "scenarios", 1, 0, kind="line", secondary=True, color=RED)],
        width=620, height=300, y_format='"$"#,##0', y2_format="0.0%", x_title="Rate increase",
        x_format="0%",
    ))

    # --- revenue decomposition -------------------------------------------------------------------
    dec = _table("REVENUE_DECOMPOSITION", policy_growth, x, -impact.added_churn, shape=(6, 3))
    sheet.formulas.append(Formula(
        "A49", f"=REVENUE_DECOMPOSITION({c_pg},B6,-B13)", dec[0][0], spill=(len(dec), 3),
        name="decomposition", values=dec, header=True, column_formats=["@", RATIO3, PCT2],
    ))
    sheet.charts.append(Chart(
        "column", "Where next year's revenue growth comes from", "J22",
        [Series("Contribution to revenue growth", "decomposition", 2, 0,
                points=[BLUE, LIGHT, GREY, RED, NAVY])],
        width=620, height=300, y_format="0.0%", legend=None,
    ))

    # --- LTV with premium inflation --------------------------------------------------------------
    ltv_rows = _table("LTV_INFLATION", per_household, commission_rate, r0, s.ltv_premium_growth, sens,
                      fig.discount_rate, tol, shape=(4, 3))
    sheet.formulas.append(Formula(
        "A57", f"=LTV_INFLATION({c_perhh},{c_comm},{c_r0},B8,B11,{c_disc},{c_tol})", ltv_rows[0][0],
        spill=(len(ltv_rows), 3), name="ltv", values=ltv_rows, header=True,
        column_formats=["@", PCT2, MONEY],
    ))
    sheet.charts.append(Chart(
        "column", "Lifetime value of a household: premium inflation and its churn", "J39",
        [Series("Lifetime value", "ltv", 2, 0, points=[GREY, LIGHT, GREEN])],
        width=620, height=300, y_format='"$"#,##0', legend=None,
    ))

    # --- retention by product, with the live effect of the planned increase ----------------------
    by = fig.by_product
    rows = [] if by is None else rows_of(by, ["product", "renewals_offered", "renewals_retained", "retention",
                                              "retention_after"])
    products = Block("by_product", "A63", ["Product", "Renewals offered", "Renewals retained", "Retention"],
                     [r[:4] for r in rows], n_rows=PRODUCT_ROWS, formats=["@", COUNT, COUNT, PCT])
    sheet.blocks.append(products)
    sheet.labels.append(Label("E63", "After the increase", "header"))
    for i in range(PRODUCT_ROWS):
        ret = _cell(products, i, 3, absolute=False)
        # The formula's blank where the row has no retention, as IF gives it.
        after = rows[i][4] if i < len(rows) and rows[i][3] is not None else ""
        sheet.formulas.append(Formula(f"E{64 + i}", f'=IF({ret}="","",RATE_RETENTION({ret},$B$6,$B$11,{c_tol}))',
                                      after, PCT))

    # --- the plan's example beside this model ----------------------------------------------------
    plan = fig.plan
    plan_rows = [[f"Retention after +{inc:.0%}", f"{plan_r:.3f}", f"{plan.retention_after[inc]:.3f}"]
                 for inc, plan_r in PLAN_SCENARIOS.items()]
    plan_rows += [
        ["Added churn after +10%", f"{PLAN_CHURN_10:.2%}", f"{plan.impact_10.added_churn:.2%}"],
        ["Severity after +10%", PLAN_SEVERITY_10, plan.impact_10.severity],
        ["Revenue growth, 5% policies x 10% rate", "15.5%", f"{plan.revenue_growth:.1%}"],
    ]
    plan_rows.append(["LTV with 8% yearly increases", f"{PLAN_LTV[1]:,.0f} ({PLAN_LTV_UPLIFT:.0%} more)",
                      f"{plan.ltv.with_inflation:,.0f} at today's retention; "
                      f"{plan.ltv.with_inflation_and_churn:,.0f} ({plan.ltv.uplift:.0%} more) with its churn"])
    sheet.blocks.append(Block("plan", "A77", ["Plan's example", "Plan", "This model"], plan_rows,
                              formats=["@", "@", "@"]))
    sheet.labels.append(Label(f"A{78 + len(plan_rows)}", "The hard-market default reproduces the plan's "
                              "example; the soft one reads one agent's forecast (3 points lost for +12.5%). "
                              "Change the sensitivities and tolerance on Settings to match your own renewals.",
                              "note"))

    sheet.column_widths = {0: 38, 1: 17, 2: 17, 3: 17, 4: 17, 5: 17, 6: 17, 7: 12, 8: 3}
    return sheet
