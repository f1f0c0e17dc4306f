"""The Referrals sheet: program metrics, who refers, incentive scenarios, viral coefficient and a
12-month customer projection."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import shared
from agency_xl.dashboards.common import (
    clean,
    data_note,
    kpi_block,
    missing_note,
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
from agency_xl.models import leads as lead_model
from agency_xl.models import referrals as m
from agency_xl.models import segments as seg
from agency_xl.models.periods import window

NEEDS = ("referrals", "policies")
MAX_SCENARIOS = 6
GREEN, BLUE, GREY = "#2E7D32", "#1565C0", "#9E9E9E"


def _levels(text: str) -> list[float]:
    out = []
    for part in str(text).replace(";", ",").split(","):
        part = part.strip().replace("$", "")
        if part:
            try:
                out.append(float(part))
            except ValueError:
                continue
    return sorted(set(v for v in out if v > 0))[:MAX_SCENARIOS] or [50.0, 100.0, 150.0]


def build(data: AmsData, settings: Assumptions) -> Sheet:
    s = settings.referrals
    g = settings.general
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
    missing = missing_note(data, *NEEDS)
    w = window(data.window_end(*NEEDS))
    status = missing or data_note(data, w)
    prog = homes = prop = scen = proj = None
    extra: dict[str, float] = {}
    retention_note = ""
    if not missing:
        homes = shared.household_table(data.policies, data.as_of)
        prog = m.program_metrics(data.referrals, len(homes), data.window_end("referrals"))
        if not prog.referrals:
            status = no_data_note(w, "no referral dated in these months") + " " + status
        cr, _, _ = shared.commission_rate(data, settings)
        used = shared.retention_used(data, settings)
        # The household LTV of the Segments and Leads sheets: one definition everywhere.
        homes = seg.value_households(homes, cr, used.retention, g.discount_rate, settings.segments.low_value_premium,
                                     settings.segments.elite_min_products, settings.segments.premium_min_products)
        sold_ids = set(data.referrals.loc[data.referrals["status"] == "Sold", "household_id"].dropna())
        referred = homes[homes["household_id"].isin(sold_ids)]
        if len(referred):
            avg_ltv = float(referred["ltv"].mean())
        else:
            # No sold referral can be found in the book (no Household ID in the log): the book's
            # new-customer LTV, the estimate the Leads sheet uses, said so.
            avg_ltv = lead_model.new_customer_ltv(homes, data.window_end("policies"))
            extra["ltv_estimated"] = True
        extra["ltv"] = avg_ltv
        extra["ltv_cac"] = avg_ltv / prog.cac if prog.cac and np.isfinite(prog.cac) else float("nan")
        if data.leads is not None:
            # Paid leads: the Leads sheet's conversion, over its window (sold / decided).
            recent = lead_model.in_window(data.leads, data.window_end("leads"), settings.leads.window_months)
            extra["lead_conversion"] = lead_model.decided_conversion(recent["status"])[2]
        prop = m.propensity_table(homes, data.referrals)
        # Projection of households: their retention measured on the book (a household is kept
        # while it keeps a policy); where the book cannot measure it, the growth report's policy
        # retention, said so. Other new customers = new households of the window not brought by
        # referrals, per month.
        table = shared.retention_by_product_count(data.policies, data.window_end("policies"), 12)
        annual_r = float(table.loc[table["products"] == "All", "retention"].iloc[0])
        retention_note = "Household retention measured on the book"
        if not np.isfinite(annual_r):
            annual_r = float(used.retention["1"]) if used.fallback_source != "Settings" else \
                settings.rate_environment.fallback_retention
            retention_note = (f"{used.fallback_source} retention (household retention "
                              f"{table.attrs.get('not_measurable') or 'not measurable'})")
        new_hh = int(window(data.window_end("policies")).contains(homes["first_date"]).sum())
        other_new = max(new_hh - prog.sold, 0) / 12.0
        extra["annual_retention"] = annual_r
        proj = m.referral_projection(len(homes), prog.k, 12, m.monthly_retention(annual_r), other_new)
        paid = data.referrals["incentive_paid"].dropna()
        current = float(paid[paid > 0].mean()) if (paid > 0).any() else s.current_incentive
        extra["current_incentive"] = current
        scen = m.incentive_scenarios(_levels(s.incentive_levels), current, prog.referral_rate,
                                     s.incentive_response, len(homes), prog.referrals_per_referrer,
                                     prog.conversion, avg_ltv)
    sheet.blocks.append(status_block("A2", status))

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
        ("Conversion of paid leads", extra.get("lead_conversion"), PCT,
         "Leads sheet: sold / decided" if data.leads is not None else "Add the lead log to compare"),
        ("Incentives paid", v("incentives_paid"), MONEY, ""),
        ("Referral CAC", v("cac"), MONEY, "Incentives paid / referrals sold. Plan: $120"),
        ("LTV of a referred customer", extra.get("ltv"), MONEY,
         "Estimate: new-customer LTV" if extra.get("ltv_estimated") else "Segments sheet's LTV"),
        ("LTV : CAC", extra.get("ltv_cac"), NUMBER1, "Plan: 68.3 (8,200 / 120)"),
        ("Viral coefficient K", v("k"), "0.0000", "Below 1: referrals add growth but do not sustain it"),
        ("Total reach N / (1 - K)", m.total_reach(prog.households, prog.k) if prog and prog.k < 1 else None,
         COUNT, "Customers reached through referral chains from today's book"),
    ]
    sheet.blocks.append(kpi_block("program", "A6", items))
    sheet.blocks.append(Block("conversion", "N6", ["Source", "Conversion"],
                              [["Referrals", clean(v("conversion"))],
                               ["Paid leads", clean(extra.get("lead_conversion"))]],
                              formats=["@", PCT]))
    sheet.charts.append(Chart("column", "Conversion: referrals vs paid leads", "E5",
                              [Series("Conversion", "conversion", 1, points=[GREEN, GREY])],
                              width=420, height=260, y_format="0%", legend=None))

    prop_rows = []
    if prop is not None:
        for r in prop.itertuples(index=False):
            label = f"{r.products} product{'s' if r.products != '1' else ''}, {r.tenure}"
            prop_rows.append([label, int(r.households), int(r.referrers), clean(r.rate)])
    sheet.blocks.append(Block("propensity", "A24", ["Group", "Households", "Referred", "Referral rate"],
                              prop_rows, n_rows=9, formats=["@", COUNT, COUNT, PCT], heatmap_column=3))
    sheet.charts.append(Chart("bar", "Share of households that referred", "F23",
                              [Series("Referral rate", "propensity", 3, color=BLUE)],
                              width=460, height=250, y_format="0%", legend=None))

    high = {}
    if prop is not None and prog is not None:
        overall = prop["referrers"].sum() / prop["households"].sum() if prop["households"].sum() else 0
        hot = prop[prop["rate"] >= s.high_propensity_lift * overall]
        recent = set(data.referrals.loc[data.referrals["referral_date"] > pd.Timestamp(data.as_of)
                                        - pd.DateOffset(months=12), "referrer_household_id"])
        homes["group"] = [f"{p}|{t}" for p, t in zip(
            np.where(homes["products"] >= 3, "3+", homes["products"].astype(int).astype(str)),
            m.tenure_band(homes["tenure_years"].to_numpy()))]
        hot_keys = {f"{r.products}|{r.tenure}" for r in hot.itertuples()}
        targets = homes[homes["group"].isin(hot_keys) & ~homes["household_id"].isin(recent)]
        rate = float(hot["referrers"].sum() / hot["households"].sum()) if len(hot) else 0.0
        est_refs = len(targets) * rate * (prog.referrals_per_referrer if np.isfinite(prog.referrals_per_referrer) else 0)
        conv = est_refs * (prog.conversion if np.isfinite(prog.conversion) else 0)
        high = {"count": len(targets), "referrals": est_refs, "conversions": conv,
                "ltv_gain": conv * extra.get("ltv", 0.0),
                "groups": ", ".join(f"{r.products} products {r.tenure}" for r in hot.itertuples()) or "none"}
    sheet.blocks.append(kpi_block("high_propensity", "A36", [
        ("Households to ask", high.get("count"), COUNT,
         f"No referral in 12 months, in groups referring >= {s.high_propensity_lift:g}x the agency rate: "
         f"{high.get('groups', '')}"),
        ("Estimated referrals", high.get("referrals"), NUMBER1, "Households x group rate x referrals per referrer"),
        ("Expected new customers", high.get("conversions"), NUMBER1, "x conversion of referrals"),
        ("LTV gain", high.get("ltv_gain"), MONEY, "x LTV of a referred customer"),
        ("Recommendation", f"Ask these {high['count']} households for a referral" if high else None, "@", ""),
    ]))

    scen_rows = []
    best = None
    if scen is not None:
        for r in scen.itertuples(index=False):
            scen_rows.append([r.incentive, clean(r.referral_rate), clean(r.referrals), clean(r.conversions),
                              clean(r.cost), clean(r.value), clean(r.roi)])
        finite = scen[np.isfinite(scen["roi"])]
        if len(finite):
            best = finite.loc[(finite["value"] - finite["cost"]).idxmax()]
    sheet.blocks.append(Block("incentives", "A44",
                              ["Incentive", "Referral rate", "Referrals", "New customers", "Cost", "LTV value", "ROI"],
                              scen_rows, n_rows=MAX_SCENARIOS,
                              formats=[MONEY, PCT, NUMBER1, NUMBER1, MONEY, MONEY, "0%"]))
    sheet.blocks.append(Block("incentive_advice", "A51", ["Recommendation"], [[
        (f"${best['incentive']:,.0f} per sold referral gives the most net value "
         f"(${best['value'] - best['cost']:,.0f}, ROI {best['roi']:.0%}).") if best is not None else None]],
        header=False, formats=["@"]))
    sheet.charts.append(Chart("column", "Net value and ROI by incentive", "I43",
                              [Series("LTV value", "incentives", 5, color=GREEN),
                               Series("Cost", "incentives", 4, color=GREY),
                               Series("ROI", "incentives", 6, kind="line", secondary=True, color=BLUE)],
                              width=480, height=240, y_format='"$"#,##0', y2_format="0%"))

    proj_rows = [[int(r[0]), *[clean(x) for x in r[1:]]] for r in proj.itertuples(index=False, name=None)] if proj is not None else []
    sheet.blocks.append(Block("projection", "A54", ["Month", "Customers", "New from referrals", "Lost", "Other new"],
                              proj_rows, n_rows=12, formats=["0", COUNT, NUMBER1, NUMBER1, NUMBER1]))
    sheet.charts.append(Chart("line", "Customers over the next 12 months", "G53",
                              [Series("Customers", "projection", 1, color=BLUE)],
                              width=480, height=250, y_format="#,##0", legend=None))
    sheet.column_widths = {0: 34, 1: 13, 2: 13, 3: 13, 4: 13, 5: 13, 6: 10, 13: 12, 14: 12}

    if prog:
        sheet.kpis = {
            "referral_rate": clean(prog.referral_rate), "referrals_per_referrer": clean(prog.referrals_per_referrer),
            "conversion": clean(prog.conversion), "paid_lead_conversion": clean(extra.get("lead_conversion")),
            "referral_cac": clean(prog.cac), "referred_ltv": clean(extra.get("ltv")),
            "referred_ltv_estimated": bool(extra.get("ltv_estimated", False)),
            "ltv_cac": clean(extra.get("ltv_cac")), "viral_coefficient": clean(prog.k),
            "referrals_12m": prog.referrals, "referrals_sold_12m": prog.sold,
            "high_propensity_households": high.get("count"),
            "best_incentive": clean(best["incentive"]) if best is not None else None,
            "projected_customers_12m": clean(proj["customers"].iloc[-1]) if proj is not None else None,
            "projection_retention": clean(extra.get("annual_retention")),
            "projection_retention_source": retention_note,
            "window": w.label(),
        }
    return sheet
