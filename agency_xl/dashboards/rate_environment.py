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

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.rate_environment import MARKETS, RateEnvironmentSettings
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
from agency_xl.functions import CATALOG
from agency_xl.models import households as hh
from agency_xl.models import rate_environment as m
from agency_xl.models.periods import window

NEEDS = ("growth", "policies")
PRODUCT_ROWS = 11  # the canonical product list
NAVY, BLUE, LIGHT, GREY, GREEN, RED = "#1F3864", "#2E75B6", "#9DC3E6", "#A5A5A5", "#2E7D32", "#C62828"
RATIO3 = "0.000"

# The plan's illustrative numbers (REFERENCE_POINTS.md "Rate impact"), shown beside this model.
PLAN_RETENTION = 0.8964
PLAN_SCENARIOS = {0.08: 0.894, 0.10: 0.891, 0.12: 0.887}
PLAN_CHURN_10 = 0.0054
PLAN_SEVERITY_10 = "MODERATE"
PLAN_LTV = (4780.0, 6260.0)  # without and with 8% annual rate increases


@dataclass
class Measured:
    """One input of the model: its value and where it came from (shown beside it)."""

    value: float
    note: str
    measured: bool


def _months(first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    return f"{first:%b %Y} - {last:%b %Y}" if first is not None and last is not None else ""


def measured_inputs(data: AmsData, s: RateEnvironmentSettings, settings: Assumptions) -> dict[str, Any]:
    """Current retention (and by product), policy growth, premium in force, households and the
    commission rate, measured from the exports (each over the 12 complete months ending where its
    export ends); the Settings fallback where an export is missing or holds nothing to measure,
    with a note saying so."""
    out: dict[str, Any] = {"by_product": None, "retention_measure": None}
    growth = data.growth
    through = data.window_end("growth")
    mr = m.measured_retention(growth, 12, through) if growth is not None else None
    if mr is not None and np.isfinite(mr.retention):
        out["retention"] = Measured(mr.retention, f"Growth & retention report, {_months(mr.first_month, mr.last_month)}: "
                                    f"{mr.renewals_retained:,.0f} of {mr.renewals_offered:,.0f} renewals kept "
                                    "(policies)", True)
        out["by_product"] = mr.by_product
        out["retention_measure"] = mr
    else:
        why = "the growth & retention export is missing" if growth is None else "it shows no renewals offered"
        out["retention"] = Measured(s.fallback_retention, f"Settings value: {why}", False)

    pg, n = m.measured_policy_growth(growth, 12, through) if growth is not None else (math.nan, 0)
    if np.isfinite(pg):
        out["policy_growth"] = Measured(pg, f"Growth & retention report: policies in force over {n} months"
                                        + (", annualised" if n != 12 else ""), True)
    else:
        why = "the growth & retention export is missing" if growth is None else "no beginning PIF to measure"
        out["policy_growth"] = Measured(s.fallback_policy_growth, f"Settings value: {why}", False)

    policies = data.policies
    if policies is not None and len(policies):
        active = policies[hh.in_force(policies)]  # the status decides, as on every sheet
        premium = float(pd.to_numeric(active["annual_premium"], errors="coerce").fillna(0).sum())
        households = int(active["household_id"].nunique())
    else:
        premium, households = math.nan, 0
    if premium > 0 and households > 0:
        note = f"Book of business, in force on {data.as_of:%Y-%m-%d}"
        out["premium"] = Measured(premium, note, True)
        out["households"] = Measured(float(households), note, True)
    else:
        why = "the book of business export is missing" if policies is None else "no policy in force"
        out["premium"] = Measured(s.fallback_book_premium, f"Settings value: {why}", False)
        out["households"] = Measured(float(s.fallback_households), f"Settings value: {why}", False)

    rate, source, measured = shared.commission_rate(data, settings)
    why = "the commission statement export is missing" if data.commissions is None else "no premium on the statements"
    out["commission_rate"] = Measured(rate, source if measured else f"Settings value: {why}", measured)
    return out


def _status(data: AmsData, inputs: dict[str, Any]) -> str:
    note = missing_note(data, *NEEDS)
    if note:
        return note.removesuffix(".").removesuffix(", to fill this sheet") + \
            "; until then the Settings values marked below are used."
    fallbacks = [k.replace("_", " ") for k, v in inputs.items() if isinstance(v, Measured) and not v.measured]
    if fallbacks:
        return data_note(data, window(data.window_end("growth"))) + " Settings values used for: " + \
            ", ".join(fallbacks) + "."
    return data_note(data, window(data.window_end("growth")))


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


def _finite(x: float) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def build(data: AmsData, settings: Assumptions) -> Sheet:
    s = settings.rate_environment
    sheet = Sheet("rate_environment", "Rate Environment", "Rate environment", tab_color="#C55A11")
    inputs = measured_inputs(data, s, settings)
    r0 = inputs["retention"].value
    policy_growth = inputs["policy_growth"].value
    premium = inputs["premium"].value
    households = inputs["households"].value
    commission_rate = inputs["commission_rate"].value
    per_household = premium / households
    x = s.planned_rate_increase
    market = s.market
    sens = s.sensitivity(market)
    thresholds = s.severity_thresholds()

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
        Input("B7", market, "@", choices=list(MARKETS)),
        Input("B8", s.ltv_premium_growth, PCT),
    ]
    sheet.blocks.append(status_block("A2", _status(data, inputs)))

    # --- measured inputs card: what the live formulas read ---------------------------------------
    items = [
        ("Current retention", r0, PCT2, inputs["retention"].note),
        ("Policy growth (per year)", policy_growth, PCT, inputs["policy_growth"].note),
        ("Premium in force", premium, MONEY, inputs["premium"].note),
        ("Households in force", households, COUNT, inputs["households"].note),
        ("Average premium per household", per_household, MONEY, "Premium in force / households"),
        ("Commission rate", commission_rate, PCT2, inputs["commission_rate"].note),
        ("Discount rate", settings.general.discount_rate, PCT, "Settings"),
        ("Sensitivity: hard market", s.sensitivity_hard, "0.00", "Settings"),
        ("Sensitivity: moderate market", s.sensitivity_moderate, "0.00", "Settings"),
        ("Sensitivity: soft market", s.sensitivity_soft, "0.00", "Settings"),
        ("Severity LOW below", thresholds[0], PCT2, "Settings: retention points lost"),
        ("Severity MODERATE below", thresholds[1], PCT2, "Settings"),
        ("Severity HIGH below (else SEVERE)", thresholds[2], PCT2, "Settings"),
        ("Tolerance: no churn up to", s.rate_tolerance, PCT, "Settings: increases customers take in stride"),
    ]
    if not s.sensitivity_hard <= s.sensitivity_moderate <= s.sensitivity_soft:
        items[7] = (*items[7][:3], "Settings. Note: not ordered hard <= moderate <= soft (customers react "
                    "least in a hard market)")
    card = kpi_block("measured", "A23", items)
    sheet.blocks.append(card)
    c_r0, c_pg, c_prem, _, c_perhh, c_comm, c_disc, c_hard, _, c_soft, c_low, c_mod, c_high, c_tol = (
        _cell(card, i) for i in range(len(items)))
    tol = s.rate_tolerance

    # --- calculator results: live formulas ------------------------------------------------------
    impact = m.rate_impact(r0, x, sens, thresholds, tol)
    premium_after = float(m.book_premium_after(premium, x, r0, sens, tol))
    ltv = m.ltv_comparison(per_household, commission_rate, r0, s.ltv_premium_growth, sens,
                           settings.general.discount_rate, tol)
    revenue_total = m.revenue_decomposition(policy_growth, x, -impact.added_churn).total
    markets = ";".join(f'"{k}"' for k in MARKETS)
    results = [
        ("Market sensitivity", f"=INDEX({c_hard}:{c_soft},MATCH(B7,{{{markets}}},0))", sens, "0.00",
         "From the measured card (Settings)"),
        ("Retention after the increase", f"=RATE_RETENTION({c_r0},B6,B11,{c_tol})", impact.retention, PCT2,
         "RATE_RETENTION(today, increase, sensitivity, tolerance)"),
        ("Added churn (retention points lost)", f"={c_r0}-B12", impact.added_churn, PCT2, "Today - after"),
        ("Severity", f"=RATE_SEVERITY(B13,{c_low},{c_mod},{c_high})", impact.severity, "@",
         "LOW / MODERATE / HIGH / SEVERE by points lost"),
        ("Premium after one renewal cycle", f"={c_prem}*(1+B6)*(1-B13)", premium_after, MONEY,
         "Premium in force x (1 + increase) x (1 - added churn)"),
        ("Commission after", f"=B15*{c_comm}", premium_after * commission_rate, MONEY, "Premium x commission rate"),
        ("Change in commission vs today", f"=B16-{c_prem}*{c_comm}", (premium_after - premium) * commission_rate,
         MONEY, "Per year"),
        ("Revenue growth with policy growth", f"=(1+{c_pg})*(1+B6)*(1-B13)-1", revenue_total, PCT,
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
    increases = "{" + ";".join(f"{v:g}" for v in m.DEFAULT_INCREASES) + "}"
    scen_values = _table("RATE_SCENARIOS", r0, premium, commission_rate, sens, list(m.DEFAULT_INCREASES), tol,
                         shape=(1 + len(m.DEFAULT_INCREASES), len(m.SCENARIO_COLUMNS)))
    n_scen = len(scen_values)
    sheet.formulas.append(Formula(
        "A39", f"=RATE_SCENARIOS({c_r0},{c_prem},{c_comm},B11,{increases},{c_tol})", scen_values[0][0],
        spill=(n_scen, len(scen_values[0])), name="scenarios", values=scen_values, header=True,
        column_formats=[PCT, PCT2, PCT2, MONEY, MONEY, MONEY, PCT],
    ))
    sheet.labels.append(Label("H39", "Severity", "header"))
    for i in range(1, n_scen):
        churn = scen_values[i][2]
        sheet.formulas.append(Formula(f"H{39 + i}", f"=RATE_SEVERITY(C{39 + i},{c_low},{c_mod},{c_high})",
                                      m.rate_severity(churn, *thresholds), "@"))
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
                      settings.general.discount_rate, tol, shape=(4, 3))
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
    by = inputs["by_product"]
    prod_rows = [] if by is None else [
        [r.product, clean(r.renewals_offered), clean(r.renewals_retained), clean(r.retention)]
        for r in by.head(PRODUCT_ROWS).itertuples(index=False)]
    products = Block("by_product", "A63", ["Product", "Renewals offered", "Renewals retained", "Retention"],
                     prod_rows, n_rows=PRODUCT_ROWS, formats=["@", COUNT, COUNT, PCT])
    sheet.blocks.append(products)
    sheet.labels.append(Label("E63", "After the increase", "header"))
    for i in range(PRODUCT_ROWS):
        ret = _cell(products, i, 3, absolute=False)
        value = prod_rows[i][3] if i < len(prod_rows) else None
        after = _finite(m.rate_retention(value, x, sens, tol)) if value is not None else ""
        sheet.formulas.append(Formula(f"E{64 + i}", f'=IF({ret}="","",RATE_RETENTION({ret},$B$6,$B$11,{c_tol}))',
                                      after, PCT))

    # --- the plan's example beside this model ----------------------------------------------------
    plan_rows = []
    for inc, plan_r in PLAN_SCENARIOS.items():
        ours = m.rate_retention(PLAN_RETENTION, inc, s.sensitivity_hard, tol)
        plan_rows.append([f"Retention after +{inc:.0%}", f"{plan_r:.3f}", f"{ours:.3f}"])
    ours10 = m.rate_impact(PLAN_RETENTION, 0.10, s.sensitivity_hard, thresholds, tol)
    plan_rows += [
        ["Added churn after +10%", f"{PLAN_CHURN_10:.2%}", f"{ours10.added_churn:.2%}"],
        ["Severity after +10%", PLAN_SEVERITY_10, ours10.severity],
        ["Revenue growth, 5% policies x 10% rate", "15.5%",
         f"{m.revenue_decomposition(0.05, 0.10).total:.1%}"],
    ]
    # The plan gives no commission; this one gives its 4,780 without inflation (see the docs).
    plan_commission = PLAN_LTV[0] * (1 + settings.general.discount_rate - PLAN_RETENTION) / PLAN_RETENTION
    plan_ltv = m.ltv_comparison(plan_commission, 1.0, PLAN_RETENTION, 0.08, s.sensitivity_hard,
                                settings.general.discount_rate, tol)
    plan_rows.append(["LTV with 8% yearly increases", f"{PLAN_LTV[1]:,.0f} ({PLAN_LTV[1] / PLAN_LTV[0] - 1:.0%} more)",
                      f"{plan_ltv.with_inflation:,.0f} at today's retention; "
                      f"{plan_ltv.with_inflation_and_churn:,.0f} ({plan_ltv.uplift:.0%} more) with its churn"])
    sheet.blocks.append(Block("plan", "A77", ["Plan's example", "Plan", "This model"], plan_rows,
                              formats=["@", "@", "@"]))
    sheet.labels.append(Label(f"A{78 + len(plan_rows)}", "The hard-market default reproduces the plan's "
                              "example; the soft one reads one agent's forecast (3 points lost for +12.5%). "
                              "Change the sensitivities and tolerance on Settings to match your own renewals.",
                              "note"))

    sheet.column_widths = {0: 38, 1: 17, 2: 17, 3: 17, 4: 17, 5: 17, 6: 17, 7: 12, 8: 3}

    # --- KPIs for `agency-xl metrics` ------------------------------------------------------------
    scen = m.rate_scenarios(r0, premium, commission_rate, sens, m.DEFAULT_INCREASES, tol)
    dec_model = m.revenue_decomposition(policy_growth, x, -impact.added_churn)
    sheet.kpis = {
        "current_retention": round(r0, 6),
        "current_retention_source": "measured" if inputs["retention"].measured else "settings",
        "retention_by_product": ({row[0]: round(row[3], 6) for row in prod_rows if row[3] is not None}
                                 if prod_rows else {}),
        "policy_growth": round(policy_growth, 6),
        "premium_in_force": round(premium, 2),
        "households": int(households),
        "commission_rate": round(commission_rate, 6),
        "planned_increase": {
            "rate_increase": x, "market": market, "sensitivity": sens, "tolerance": tol,
            "retention": round(impact.retention, 6), "added_churn": round(impact.added_churn, 6),
            "severity": impact.severity, "premium_after": round(premium_after, 2),
            "commission_change": round((premium_after - premium) * commission_rate, 2),
        },
        "scenarios": [
            {"rate_increase": float(r.rate_increase), "retention": round(float(r.retention), 6),
             "added_churn": round(float(r.added_churn), 6),
             "severity": m.rate_severity(float(r.added_churn), *thresholds),
             "premium": round(float(r.premium), 2), "commission": round(float(r.commission), 2),
             "commission_change": round(float(r.commission_change), 2),
             "change_pct": round(float(r.change_pct), 6)}
            for r in scen.itertuples(index=False)
        ],
        "revenue_decomposition": {
            "policy_growth": round(dec_model.policy_growth, 6), "rate_increase": dec_model.rate_increase,
            "interaction": round(dec_model.interaction, 6), "churn": round(dec_model.churn, 6),
            "churn_effect": round(dec_model.churn_effect, 6), "total": round(dec_model.total, 6),
        },
        "ltv": {
            "premium_per_household": round(per_household, 2),
            "premium_growth": s.ltv_premium_growth,
            "retention_with_increases": round(ltv.retention_with_increases, 6),
            "without_inflation": _round_money(ltv.without_inflation),
            "with_inflation": _round_money(ltv.with_inflation),
            "with_inflation_and_churn": _round_money(ltv.with_inflation_and_churn),
        },
    }
    return sheet


def _round_money(x: float) -> float | None:
    """Dollars to cents; None where the lifetime value does not converge."""
    return round(float(x), 2) if np.isfinite(x) else None
