"""The Leads sheet: vendor efficiency with ROI and a reallocation recommendation, the lead score's
coefficients and score bands, CAC by segment with the LTV:CAC warning, and the open leads to call
first."""

from __future__ import annotations

from agency_xl.dashboards.actions import add_action_table
from agency_xl.assumptions.general import GeneralSettings
from agency_xl.dashboards.common import (
    kpi_block,
    missing_text,
    no_data_note,
    rows_of,
    status_block,
    status_line,
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
from agency_xl.figures.sources import value_source
from agency_xl.figures.leads import VENDOR_ROWS, LeadsFigures, ScoreEffect
from agency_xl.models.leads import BANDS, TIERS

COEF_ROWS = 4 + 7  # intercept, three answers and up to seven vendor effects
QUEUE_ROWS = 25
RED, BLUE = "#C62828", "#1565C0"
FEATURE_TEXT = {
    "intercept": "Intercept (baseline vendor)",
    "homeowner": "Homeowner (yes = 1)",
    "vehicles": "Vehicles (per vehicle)",
    "products_quoted": "Products quoted (per product)",
}


def _effect_text(effect: ScoreEffect, baseline: str | None) -> str:
    if effect.name == "intercept":
        return f"Probability {effect.probability:.1%} before the answers below"
    what = {"homeowner": "a homeowner", "vehicles": "each vehicle",
            "products_quoted": "each product quoted"}.get(effect.name)
    if what is None:
        what = f"a lead from {effect.name.split('=', 1)[1]} (vs {baseline})"
    return f"{what[0].upper() + what[1:]} multiplies the odds of a sale by {effect.odds_ratio:.2f}"


def _coefficient_rows(fig: LeadsFigures) -> list[list[object]]:
    rows = []
    for effect in fig.effects:
        label = FEATURE_TEXT.get(effect.name) or f"Vendor: {effect.name.split('=', 1)[1]}"
        if effect.coefficient is None:  # an optional answer the lead log does not hold
            rows.append([label, None, None, "Not in the lead log: the score does without it"])
            continue
        rows.append([label, effect.coefficient, effect.odds_ratio,
                     _effect_text(effect, fig.score.baseline_vendor)])
    return rows[:COEF_ROWS]


def status_text(fig: LeadsFigures) -> str:
    """The sheet's status line: what is missing, or the data date with what the window lacks."""
    return status_line(
        fig.missing, fig.as_of, fig.window,
        no_data_note(fig.window, "no lead dated in these months") if not fig.leads_in_window else "",
        f"{fig.sold_estimated} sold leads have no household in the book (no Household ID): valued at "
        f"the book's new-customer average LTV, an estimate." if fig.sold_estimated else "")


def build(fig: LeadsFigures) -> Sheet:
    s = fig.settings
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
        Label("A93", "Names and phones (personal data) are in the full list below when the lead log has "
                     "them and Show personal data is on (Settings); else look the lead up in your CRM by "
                     "its ID.", "note"),
    ]
    sheet.blocks.append(status_block("A2", status_text(fig)))
    model, realloc, commission = fig.score, fig.reallocation, fig.commission

    # Vendor efficiency
    vendor_rows = rows_of(fig.vendors, ["vendor", "spend", "leads", "sold", "open", "conversion", "cac",
                                        "avg_ltv", "roi", "ltv_cac", "rating"]) if fig.vendors is not None else []
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
    stale = (f"{fig.stale_leads} older than {s.stale_after_days} days left out"
             if fig.stale_leads is not None else "")
    items = [
        ("Lead spend", fig.lead_spend, MONEY, ""),
        ("Leads bought", fig.leads, COUNT, ""),
        ("Leads sold", fig.leads_sold, COUNT, (f"{fig.sold_not_in_book} sold leads not found in the book: valued "
                                               f"at the book's new-customer average LTV (an estimate)"
                                               if fig.sold_not_in_book else "")),
        ("Conversion", fig.conversion, PCT, f"Sold / decided (sold, lost or bad: {fig.leads_decided} decided); "
         "open leads wait until decided. The Referrals sheet uses the same"),
        ("CAC", fig.cac, MONEY, "Spend / sold"),
        ("Avg LTV of households sold", fig.avg_ltv_sold, MONEY,
         "Future commission, discounted (Segments settings)"),
        ("ROI, all vendors", fig.roi_all_vendors, "0%", "(sold x avg LTV - spend) / spend"),
        ("LTV:CAC", fig.ltv_cac, NUMBER1, f"Warning below {s.ltv_cac_warning:.1f}"),
        ("Commission rate used", commission.rate if commission else None, PCT,
         commission.source if commission else "",
         value_source(commission.measured, GeneralSettings, "commission_rate", commission.rate) if commission
         else None),
        ("Open leads to work", fig.open_leads, COUNT,
         (f"URGENT {fig.urgent_leads}, HIGH {fig.high_leads}; " if model else "") + stale),
        ("Lead score fitted on", model.n_train if model else None, COUNT,
         f"closed leads, {model.n_sold} sold; L2 penalty {model.l2:g}" if model else
         ("Needs 20+ closed leads with both sales and losses" if not fig.missing else "")),
        ("Probability that scores 100 (p_ref)", model.p_ref if model else None, PCT,
         f"{s.score_reference_percentile:.0%} percentile of the fitted leads' chances"),
    ]
    sheet.blocks.append(kpi_block("summary", "A21", items))

    # Lead score coefficients
    sheet.blocks.append(Block(
        "coefficients", "A37", ["Feature", "Coefficient", "Odds ratio", "What it means"],
        _coefficient_rows(fig), n_rows=COEF_ROWS, formats=["@", "0.000", "0.00", "@"],
    ))

    # Score bands
    band_rows = rows_of(fig.bands, ["band", "leads", "closed", "sold", "conversion", "avg_ltv", "open"]) \
        if fig.bands is not None else [[b, None, None, None, None, None, None] for b in BANDS]
    sheet.blocks.append(Block(
        "bands", "A52", ["Score band", "Leads", "Closed", "Sold", "Conversion", "Avg LTV sold", "Open (any age)"],
        band_rows, n_rows=len(BANDS), formats=["@", COUNT, COUNT, COUNT, PCT, MONEY, COUNT],
    ))
    sheet.charts.append(Chart(
        "column", "Leads and conversion by score band", "M36",
        [Series("Leads", "bands", 1, color="#B39DDB"),
         Series("Conversion", "bands", 4, kind="line", secondary=True, color="#4A148C")],
        width=520, height=280, y_format="#,##0", y2_format="0%",
    ))

    # CAC by segment
    seg_rows = rows_of(fig.cac_by_tier, ["tier", "sold", "spend", "cac", "avg_ltv", "ltv_cac", "warning",
                                         "max_cac", "status"]) if fig.cac_by_tier is not None else \
        [[t, None, None, None, None, None, s.ltv_cac_warning, None, None] for t in [*TIERS, "All"]]
    sheet.blocks.append(Block(
        "segments", "A59",
        ["Tier", "Sold", "Spend allocated", "CAC", "Avg LTV", "LTV:CAC", "Warning below",
         "Max CAC at warning", "Status"],
        seg_rows, n_rows=len(TIERS) + 1,
        formats=["@", COUNT, MONEY, MONEY, MONEY, NUMBER1, NUMBER1, MONEY, "@"], status_column=8,
    ))
    sheet.charts.append(Chart(
        "column", "LTV:CAC by tier", "M52",
        [Series("LTV:CAC", "segments", 5, color=BLUE),
         Series(f"Warning ({s.ltv_cac_warning:.1f})", "segments", 6, kind="line", color=RED)],
        width=520, height=260, y_format="0.0",
    ))

    # Queue
    queue_rows = rows_of(fig.queue.head(QUEUE_ROWS), ["lead_id", "lead_date", "vendor", "zip", "status", "score",
                                                      "predicted_tier", "estimated_ltv", "priority",
                                                      "contact_within"]) if fig.queue is not None else []
    sheet.blocks.append(Block(
        "queue", "A67",
        ["Lead ID", "Lead date", "Vendor", "ZIP", "Status", "Score", "Predicted tier", "Est. LTV",
         "Priority", "Contact within"],
        queue_rows, n_rows=QUEUE_ROWS,
        formats=["@", DATE, "@", "@", "@", "0", "@", MONEY, "@", "@"],
    ))
    sheet.column_widths = {0: 34, 1: 13, 2: 15, 3: 11, 4: 11, 5: 11, 6: 13, 7: 13, 8: 13, 9: 14,
                           10: 17}
    add_action_table(sheet, "call_list", "Every open lead to call (the queue above, in full)", "Lead ID",
                     fig.call_list, fig.open_leads if fig.call_list is not None else None, "open leads to call",
                     fig.personal_data, missing_text(fig.missing), value_label="Est. LTV")
    return sheet
