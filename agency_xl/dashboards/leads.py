"""The Leads sheet: vendor efficiency with ROI and a reallocation recommendation, the lead score's
coefficients and score bands, CAC by segment with the LTV:CAC warning, and the open leads to call
first."""

from __future__ import annotations

import math

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
    rows_of,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    DATE,
    MONEY,
    NUMBER1,
    PCT,
    Block,
    Chart,
    Label,
    Series,
    Sheet,
)
from agency_xl.models import leads as m
from agency_xl.models import periods
from agency_xl.models import segments as seg

NEEDS = ("leads", "policies")
VENDOR_ROWS = 8  # vendors shown; more are added up into "Other vendors"
COEF_ROWS = 4 + 7  # intercept, three answers and up to seven vendor effects
QUEUE_ROWS = 25
RED, BLUE = "#C62828", "#1565C0"
FEATURE_TEXT = {
    "intercept": "Intercept (baseline vendor)",
    "homeowner": "Homeowner (yes = 1)",
    "vehicles": "Vehicles (per vehicle)",
    "products_quoted": "Products quoted (per product)",
}


def _group_small_vendors(values: pd.DataFrame, as_of, months: int) -> pd.DataFrame:  # noqa: ANN001
    """Keep the vendors with the most spend in the window; the rest become one "Other vendors" row,
    so the table keeps its fixed shape."""
    window = m.in_window(values, as_of, months)
    spend = pd.to_numeric(window["cost"], errors="coerce").fillna(0).groupby(window["vendor"]).sum()
    if len(spend) <= VENDOR_ROWS:
        return values
    keep = set(spend.sort_values(ascending=False).index[: VENDOR_ROWS - 1])
    others = len(spend) - len(keep)
    return values.assign(vendor=values["vendor"].where(values["vendor"].isin(keep),
                                                       f"Other vendors ({others})"))


def _effect_text(name: str, coef: float, baseline: str | None) -> str:
    odds = math.exp(coef)
    if name == "intercept":
        return f"Probability {1 / (1 + math.exp(-coef)):.1%} before the answers below"
    what = {"homeowner": "a homeowner", "vehicles": "each vehicle",
            "products_quoted": "each product quoted"}.get(name)
    if what is None:
        what = f"a lead from {name.split('=', 1)[1]} (vs {baseline})"
    return f"{what[0].upper() + what[1:]} multiplies the odds of a sale by {odds:.2f}"


def _coefficient_rows(model: m.ScoreModel | None) -> list[list[object]]:
    if model is None:
        return []
    rows = []
    for name, coef in zip(model.names, model.coefficients):
        label = FEATURE_TEXT.get(name) or f"Vendor: {name.split('=', 1)[1]}"
        if name in model.missing:  # an optional answer the lead log does not hold
            rows.append([label, None, None, "Not in the lead log: the score does without it"])
            continue
        rows.append([label, coef, math.exp(coef) if name != "intercept" else None,
                     _effect_text(name, coef, model.baseline_vendor)])
    return rows[:COEF_ROWS]


def build(data: AmsData, settings: Assumptions) -> Sheet:
    s = settings.leads
    g = settings.segments
    window = s.window_months
    sheet = Sheet("leads", "Leads", "Leads", tab_color="#6A1B9A")
    sheet.labels = [
        Label("A1", "Leads: vendor ROI, lead score and the call queue", "title"),
        Label("A3", f"Leads dated in the last {window} months. ROI = (sold x average LTV - spend) / spend; "
                    "LTV is the Segments sheet's household lifetime value. Score = logistic regression "
                    "on the closed leads of the whole log.", "note"),
        Label("A5", f"Lead vendor efficiency (last {window} months)", "heading"),
        Label("A16", "Recommendation", "heading"),
        Label("A20", f"Summary (last {window} months)", "heading"),
        Label("A36", "Lead score: logistic regression coefficients", "heading"),
        Label("A49", "Score = 100 x p / p_ref, rounded, at most 100: p = predicted chance of a sale, "
                     "p_ref = a high percentile of past leads' chances (Summary above).", "note"),
        Label("A51", "Score bands (every lead in the log, scored in-sample)", "heading"),
        Label("A58", f"CAC by segment (tier of the household sold, last {window} months)", "heading"),
        Label("A66", f"Open leads to call first (New, Contacted, Quoted; at most {s.stale_after_days} "
                     "days old)", "heading"),
        Label("A93", "The lead log has no names (personal data), so the queue shows vendor and ZIP; "
                     "look the lead up in your CRM by its ID.", "note"),
    ]
    missing = missing_note(data, *NEEDS)
    through = data.window_end("leads")
    w_leads = periods.window(through, window)
    status = missing or data_note(data, w_leads)

    vendors = segments_t = bands = queue = None
    model = realloc = None
    info: dict[str, object] = {}
    if not missing:
        leads, pol, as_of = data.leads, data.policies, data.as_of
        cr, cr_source, cr_measured = shared.commission_rate(data, settings)
        info["commission_source"] = "measured" if cr_measured else "setting"
        info["commission_note"] = cr_source
        info["commission_rate"] = cr
        retention = shared.retention_used(data, settings)
        homes = seg.segment_households(
            pol, as_of, cr, retention.retention, settings.general.discount_rate, g.low_value_premium,
            g.elite_min_products, g.premium_min_products,
            data.claims if g.low_value_if_loss_making else None, g.loss_ratio_limit,
            households=shared.household_table(pol, as_of),
            claims_through=data.window_end("claims") if data.claims is not None else None)
        rule = m.TierRule(g.low_value_premium, g.elite_min_products, g.premium_min_products)
        estimate = m.new_customer_ltv(homes, data.window_end("policies"))
        values = m.sold_lead_values(leads, pol, homes, rule, estimate)
        full = m.vendor_efficiency(values, through, window, s.roi_excellent, s.roi_good, s.min_decided_leads)
        realloc = m.reallocation(full, s.reallocation_share, s.min_decided_leads, s.reallocation_trigger)
        vendors = (full if len(full) <= VENDOR_ROWS else m.vendor_efficiency(
            _group_small_vendors(values, through, window), through, window, s.roi_excellent, s.roi_good,
            s.min_decided_leads))
        segments_t = m.cac_by_segment(values, through, window, s.ltv_cac_warning)
        in_w = m.in_window(values, through, window)
        info["estimated"] = int(in_w["ltv_estimated"].sum())
        info["estimate"] = estimate
        if info["estimated"]:
            status = (f"{info['estimated']} sold leads have no household in the book (no Household ID): "
                      f"valued at the book's new-customer average LTV, an estimate. " + status)
        if not len(in_w):
            status = no_data_note(w_leads, "no lead dated in these months") + " " + status
        model = m.fit_lead_score(leads, s.score_l2, reference_quantile=s.score_reference_percentile)
        if model is not None:
            scores = m.lead_scores(model, leads)
            bands = m.band_distribution(values, scores)
            queue_all = m.lead_queue(leads, scores, m.tier_ltv(homes), s.urgent_score, s.high_score,
                                     None, rule, as_of, s.stale_after_days)
            queue = queue_all.head(QUEUE_ROWS)
            info["open"] = len(queue_all)
            info["urgent"] = int((queue_all["priority"] == m.URGENT).sum())
            info["high"] = int((queue_all["priority"] == m.HIGH).sum())
        else:
            age = (pd.Timestamp(as_of) - pd.to_datetime(leads["lead_date"])).dt.days
            info["open"] = int((leads["status"].isin(m.OPEN_STATUSES) & (age <= s.stale_after_days)).sum())
        info["stale"] = int(leads["status"].isin(m.OPEN_STATUSES).sum()) - info["open"]
        info["unmatched"] = int((in_w["sold"] & ~in_w["in_book"]).sum())
    sheet.blocks.append(status_block("A2", status))

    # Vendor efficiency
    vendor_rows = rows_of(vendors, ["vendor", "spend", "leads", "sold", "open", "conversion", "cac",
                                    "avg_ltv", "roi", "ltv_cac", "rating"]) if vendors is not None else []
    sheet.blocks.append(Block(
        "vendors", "A6",
        ["Vendor", "Spend", "Leads", "Sold", "Open", "Conversion (of decided)", "CAC", "Avg LTV sold", "ROI",
         "LTV:CAC", "Rating"],
        vendor_rows, n_rows=VENDOR_ROWS,
        formats=["@", MONEY, COUNT, COUNT, COUNT, PCT, MONEY, MONEY, "0%", NUMBER1, "@"],
    ))
    sheet.charts.append(Chart(
        "column", "ROI by vendor", "M5",
        # One colour: the live refresh rewrites the vendors but never the chart, so a colour per
        # rating would stay the one of the data the workbook was built with. The Rating column says it.
        [Series("ROI", "vendors", 8, 0, color=BLUE)],
        width=520, height=290, y_format="0%", legend=None,
    ))
    sheet.blocks.append(Block(
        "recommendation", "A17", ["Recommendation"],
        [[realloc.action], [realloc.rule]] if realloc else
        [["Add the exports named above to get a recommendation."], [""]],
        n_rows=2, header=False, formats=["@"],
    ))

    # Summary
    tot = segments_t.iloc[-1] if segments_t is not None else None
    spend = float(vendors["spend"].sum()) if vendors is not None else None
    leads_n = int(vendors["leads"].sum()) if vendors is not None else None
    sold_n = int(vendors["sold"].sum()) if vendors is not None else None
    decided_n = int(vendors["decided"].sum()) if vendors is not None else None
    conversion = m.conversion_rate(sold_n, decided_n) if decided_n else None
    all_ltv = float(tot["avg_ltv"]) if tot is not None else None
    roi_all = m.vendor_roi(spend, sold_n, all_ltv if all_ltv is not None and np.isfinite(all_ltv) else 0.0) if spend else None
    items = [
        ("Lead spend", spend, MONEY, ""),
        ("Leads bought", leads_n, COUNT, ""),
        ("Leads sold", sold_n, COUNT, (f"{info['unmatched']} sold leads not found in the book: valued at the "
                                      f"book's new-customer average LTV (an estimate)"
                                      if info.get("unmatched") else "")),
        ("Conversion", conversion, PCT, f"Sold / decided (sold, lost or bad: {decided_n} decided); "
         "open leads wait until decided. The Referrals sheet uses the same"),
        ("CAC", tot["cac"] if tot is not None else None, MONEY, "Spend / sold"),
        ("Avg LTV of households sold", all_ltv, MONEY, "Future commission, discounted (Segments settings)"),
        ("ROI, all vendors", roi_all, "0%", "(sold x avg LTV - spend) / spend"),
        ("LTV:CAC", tot["ltv_cac"] if tot is not None else None, NUMBER1,
         f"Warning below {s.ltv_cac_warning:.1f}"),
        ("Commission rate used", info.get("commission_rate"), PCT, str(info.get("commission_note", ""))),
        ("Open leads to work", info.get("open"), COUNT,
         (f"URGENT {info.get('urgent', 0)}, HIGH {info.get('high', 0)}; " if model else "")
         + (f"{info['stale']} older than {s.stale_after_days} days left out" if "stale" in info else "")),
        ("Lead score fitted on", model.n_train if model else None, COUNT,
         f"closed leads, {model.n_sold} sold; L2 penalty {model.l2:g}" if model else
         ("Needs 20+ closed leads with both sales and losses" if not missing else "")),
        ("Probability that scores 100 (p_ref)", model.p_ref if model else None, PCT,
         f"{s.score_reference_percentile:.0%} percentile of the fitted leads' chances"),
    ]
    sheet.blocks.append(kpi_block("summary", "A21", items))

    # Lead score coefficients
    coef_rows = _coefficient_rows(model)
    sheet.blocks.append(Block(
        "coefficients", "A37", ["Feature", "Coefficient", "Odds ratio", "What it means"],
        coef_rows, n_rows=COEF_ROWS, formats=["@", "0.000", "0.00", "@"],
    ))

    # Score bands
    band_rows = rows_of(bands, ["band", "leads", "closed", "sold", "conversion", "avg_ltv", "open"]) \
        if bands is not None else [[b, None, None, None, None, None, None] for b in m.BANDS]
    sheet.blocks.append(Block(
        "bands", "A52", ["Score band", "Leads", "Closed", "Sold", "Conversion", "Avg LTV sold", "Open (any age)"],
        band_rows, n_rows=len(m.BANDS), formats=["@", COUNT, COUNT, COUNT, PCT, MONEY, COUNT],
    ))
    sheet.charts.append(Chart(
        "column", "Leads and conversion by score band", "M36",
        [Series("Leads", "bands", 1, color="#B39DDB"),
         Series("Conversion", "bands", 4, kind="line", secondary=True, color="#4A148C")],
        width=520, height=280, y_format="#,##0", y2_format="0%",
    ))

    # CAC by segment
    seg_rows = rows_of(segments_t, ["tier", "sold", "spend", "cac", "avg_ltv", "ltv_cac", "warning",
                                    "max_cac", "status"]) if segments_t is not None else \
        [[t, None, None, None, None, None, s.ltv_cac_warning, None, None] for t in [*m.TIERS, "All"]]
    sheet.blocks.append(Block(
        "segments", "A59",
        ["Tier", "Sold", "Spend allocated", "CAC", "Avg LTV", "LTV:CAC", "Warning below",
         "Max CAC at warning", "Status"],
        seg_rows, n_rows=len(m.TIERS) + 1,
        formats=["@", COUNT, MONEY, MONEY, MONEY, NUMBER1, NUMBER1, MONEY, "@"], status_column=8,
    ))
    sheet.charts.append(Chart(
        "column", "LTV:CAC by tier", "M52",
        [Series("LTV:CAC", "segments", 5, color=BLUE),
         Series(f"Warning ({s.ltv_cac_warning:.1f})", "segments", 6, kind="line", color=RED)],
        width=520, height=260, y_format="0.0",
    ))

    # Queue
    queue_rows = rows_of(queue, ["lead_id", "lead_date", "vendor", "zip", "status", "score",
                                 "predicted_tier", "estimated_ltv", "priority", "contact_within"]) \
        if queue is not None else []
    sheet.blocks.append(Block(
        "queue", "A67",
        ["Lead ID", "Lead date", "Vendor", "ZIP", "Status", "Score", "Predicted tier", "Est. LTV",
         "Priority", "Contact within"],
        queue_rows, n_rows=QUEUE_ROWS,
        formats=["@", DATE, "@", "@", "@", "0", "@", MONEY, "@", "@"],
    ))
    sheet.column_widths = {0: 34, 1: 13, 2: 15, 3: 11, 4: 11, 5: 11, 6: 13, 7: 13, 8: 13, 9: 14,
                           10: 17}

    if vendors is not None:
        sheet.kpis = {
            "window_months": window,
            "lead_spend": round(spend, 2),
            "leads": leads_n,
            "leads_sold": sold_n,
            "window": w_leads.label(),
            "conversion": clean(conversion),
            "leads_decided": decided_n,
            "sold_leads_valued_by_estimate": info.get("estimated", 0),
            "cac": clean(tot["cac"]),
            "avg_ltv_sold": clean(all_ltv),
            "roi_all_vendors": clean(roi_all),
            "ltv_cac": clean(tot["ltv_cac"]),
            "commission_rate": clean(info["commission_rate"]),
            "commission_rate_source": info["commission_source"],
            "vendor_roi": {r[0]: clean(r[8]) for r in vendor_rows},
            "vendor_rating": {r[0]: r[10] for r in vendor_rows},
            "reallocation_amount": realloc.amount,
            "reallocation_from": realloc.from_vendor,
            "reallocation_to": realloc.to_vendor,
            "reallocation": realloc.sentence,
            "ltv_cac_by_tier": {r[0]: clean(r[5]) for r in seg_rows},
            "cac_by_tier": {r[0]: clean(r[3]) for r in seg_rows},
            "ltv_cac_warnings": [r[0] for r in seg_rows if r[8] == "ALERT"],
            "open_leads": info.get("open"),
            "urgent_leads": info.get("urgent"),
            "score_coefficients": dict(zip(model.names, model.coefficients)) if model else None,
            "score_answers_missing": list(model.missing) if model else None,
            "score_p_ref": model.p_ref if model else None,
            "score_band_counts": {r[0]: r[1] for r in band_rows} if bands is not None else None,
            "score_band_conversion": {r[0]: clean(r[4]) for r in band_rows} if bands is not None else None,
        }
    return sheet
