"""The Referrals sheet: program metrics, who refers, incentive scenarios, viral coefficient and a
12-month customer projection."""

from __future__ import annotations

from agency_xl.dashboards.actions import add_action_table
from agency_xl.dashboards.common import (
    as_of_note,
    clean,
    kpi_block,
    missing_text,
    no_data_note,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    NUMBER1,
    PCT,
    Block,
    Chart,
    Label,
    Series,
    Sheet,
)
from agency_xl.figures.referrals import MAX_SCENARIOS, ReferralsFigures

GREEN, BLUE, GREY = "#2E7D32", "#1565C0", "#9E9E9E"


def status_text(fig: ReferralsFigures) -> str:
    """The sheet's status line: what is missing, or the data date (and that no referral is dated
    in the window, when none is)."""
    if fig.missing:
        return missing_text(fig.missing)
    status = as_of_note(fig.as_of, fig.window)
    if not fig.program.referrals:
        status = no_data_note(fig.window, "no referral dated in these months") + " " + status
    return status


def build(fig: ReferralsFigures) -> Sheet:
    s = fig.settings
    prog = fig.program
    # Keyed "referral_growth" in metrics: "referrals" there is the base fact (the number of referrals).
    sheet = Sheet("referral_growth", "Referrals", "Referrals", tab_color="#00897B")
    sheet.labels = [
        Label("A1", "Referrals: who refers, what referrals are worth, and how far they carry you", "title"),
        Label("A3", "Last 12 complete months (on the status line). Conversion = sold / decided (referrals "
                    "sold or lost, leads sold, lost or bad). K = referral rate x referrals per referrer x "
                    "conversion.", "note"),
        Label("A5", "Referral program (last 12 complete months)", "heading"),
        Label("A23", "Who refers: share of households that ever referred, by products and tenure", "heading"),
        Label("A35", "High-propensity households", "heading"),
        Label("A43", "Incentive scenarios (response of the referral rate is a Setting)", "heading"),
        Label("A53", "12-month customer projection with referrals and retention", "heading"),
    ]
    sheet.blocks.append(status_block("A2", status_text(fig)))

    def v(name: str) -> float | None:
        return getattr(prog, name) if prog else None

    items = [
        ("Households in force", v("households"), COUNT, ""),
        ("Households that referred", v("referrers"), COUNT, ""),
        ("Referral rate", v("referral_rate"), PCT, "Plan: 8%"),
        ("Referrals", v("referrals"), COUNT, ""),
        ("Referrals per referrer", v("referrals_per_referrer"), "0.00", "Plan: 1.4"),
        ("Referrals sold", v("sold"), COUNT, ""),
        ("Conversion of referrals", v("conversion"), PCT, "Sold / decided. Plan: 35%"),
        ("Conversion of paid leads", fig.lead_conversion, PCT,
         "Leads sheet: sold / decided" if fig.lead_log else "Add the lead log to compare"),
        ("Incentives paid", v("incentives_paid"), MONEY, ""),
        ("Referral CAC", v("cac"), MONEY, "Incentives paid / referrals sold. Plan: $120"),
        ("LTV of a referred customer", fig.referred_ltv, MONEY,
         "Estimate: new-customer LTV" if fig.referred_ltv_estimated else "Segments sheet's LTV"),
        ("LTV : CAC", fig.ltv_cac, NUMBER1, "Plan: 68.3 (8,200 / 120)"),
        ("Viral coefficient K", v("k"), "0.0000", "Below 1: referrals add growth but do not sustain it"),
        ("Total reach N / (1 - K)", fig.total_reach, COUNT,
         "Customers reached through referral chains from today's book"),
    ]
    sheet.blocks.append(kpi_block("program", "A6", items))
    sheet.blocks.append(Block("conversion", "N6", ["Source", "Conversion"],
                              [["Referrals", clean(v("conversion"))],
                               ["Paid leads", clean(fig.lead_conversion)]],
                              formats=["@", PCT]))
    sheet.charts.append(Chart("column", "Conversion: referrals vs paid leads", "E5",
                              [Series("Conversion", "conversion", 1, points=[GREEN, GREY])],
                              width=420, height=260, y_format="0%", legend=None))

    prop_rows = []
    if fig.propensity is not None:
        for r in fig.propensity.itertuples(index=False):
            label = f"{r.products} product{'s' if r.products != '1' else ''}, {r.tenure}"
            prop_rows.append([label, int(r.households), int(r.referrers), clean(r.rate)])
    sheet.blocks.append(Block("propensity", "A24", ["Group", "Households", "Referred", "Referral rate"],
                              prop_rows, n_rows=9, formats=["@", COUNT, COUNT, PCT], heatmap_column=3))
    sheet.charts.append(Chart("bar", "Share of households that referred", "F23",
                              [Series("Referral rate", "propensity", 3, color=BLUE)],
                              width=460, height=250, y_format="0%", legend=None))

    high = fig.high_propensity
    sheet.blocks.append(kpi_block("high_propensity", "A36", [
        ("Households to ask", high.count if high else None, COUNT,
         f"No referral in 12 months, in groups referring >= {s.high_propensity_lift:g}x the agency rate: "
         f"{high.groups if high else ''}"),
        ("Estimated referrals", high.referrals if high else None, NUMBER1,
         "Households x group rate x referrals per referrer"),
        ("Expected new customers", high.conversions if high else None, NUMBER1, "x conversion of referrals"),
        ("LTV gain", high.ltv_gain if high else None, MONEY, "x LTV of a referred customer"),
        ("Recommendation", f"Ask these {high.count} households for a referral" if high else None, "@", ""),
    ]))

    scen_rows = []
    best = fig.best_incentive
    if fig.scenarios is not None:
        for r in fig.scenarios.itertuples(index=False):
            scen_rows.append([r.incentive, clean(r.referral_rate), clean(r.referrals), clean(r.conversions),
                              clean(r.cost), clean(r.value), clean(r.roi)])
    sheet.blocks.append(Block("incentives", "A44",
                              ["Incentive", "Referral rate", "Referrals", "New customers", "Cost", "LTV value", "ROI"],
                              scen_rows, n_rows=MAX_SCENARIOS,
                              formats=[MONEY, PCT, NUMBER1, NUMBER1, MONEY, MONEY, "0%"]))
    sheet.blocks.append(Block("incentive_advice", "A51", ["Recommendation"], [[
        (f"${best.incentive:,.0f} per sold referral gives the most net value "
         f"(${best.net_value:,.0f}, ROI {best.roi:.0%}).") if best is not None else None]],
        header=False, formats=["@"]))
    sheet.charts.append(Chart("column", "Net value and ROI by incentive", "I43",
                              [Series("LTV value", "incentives", 5, color=GREEN),
                               Series("Cost", "incentives", 4, color=GREY),
                               Series("ROI", "incentives", 6, kind="line", secondary=True, color=BLUE)],
                              width=480, height=240, y_format='"$"#,##0', y2_format="0%"))

    proj = fig.projection
    proj_rows = [[int(r[0]), *[clean(x) for x in r[1:]]] for r in proj.itertuples(index=False, name=None)] if proj is not None else []
    sheet.blocks.append(Block("projection", "A54", ["Month", "Customers", "New from referrals", "Lost", "Other new"],
                              proj_rows, n_rows=12, formats=["0", COUNT, NUMBER1, NUMBER1, NUMBER1]))
    sheet.charts.append(Chart("line", "Customers over the next 12 months", "G53",
                              [Series("Customers", "projection", 1, color=BLUE)],
                              width=480, height=250, y_format="#,##0", legend=None))
    sheet.column_widths = {0: 34, 1: 13, 2: 13, 3: 13, 4: 13, 5: 13, 6: 10, 13: 12, 14: 12}
    add_action_table(sheet, "asks", "Households to ask for a referral (the high-propensity households above)",
                     "Household ID", fig.asks, high.count if high else None, "households to ask for a referral",
                     fig.personal_data, missing_text(fig.missing), value_label="Expected value")
    return sheet
