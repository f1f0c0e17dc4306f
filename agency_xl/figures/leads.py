"""Leads figures of one refresh: what each lead vendor's leads cost and bring in (ROI, rating, the
reallocation to recommend), CAC and LTV:CAC by tier, the lead score (its coefficients and score
bands) and the open leads to call first. Computed once from the lead log and the book of business
(the commission statements and claims through the household values); the sheet, `agency-xl
metrics` and AMS_METRIC read them. Formulas: ``agency_xl.models.leads`` and docs/models/leads.md."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.leads import LeadsSettings
from agency_xl.figures.actions import action_list, lead_contacts
from agency_xl.figures.common import CommissionRate, Common, common_figures
from agency_xl.figures.values import clean
from agency_xl.models import leads as m
from agency_xl.models.periods import Window, window

NEEDS = ("leads", "policies")
VENDOR_ROWS = 8  # vendors reported; beyond, those with the least spend are added up into "Other vendors"


@dataclass(frozen=True)
class ScoreEffect:
    """One answer's effect in the lead score."""

    name: str  # "intercept", "homeowner", "vehicles", "products_quoted" or "vendor=<vendor>"
    coefficient: float | None  # log-odds; None when the lead log does not hold the answer
    odds_ratio: float | None  # exp(coefficient): the odds of a sale are multiplied by it (not the intercept)
    probability: float | None  # the intercept's: chance of a sale before the answers, 1 / (1 + exp(-coefficient))


@dataclass(frozen=True)
class LeadsFigures:
    as_of: dt.date
    window: Window  # the Settings' months of lead dates, complete, ending where the lead log ends
    missing: tuple[str, ...]  # titles of the reports the sheet needs and the folder lacks
    settings: LeadsSettings
    # The rest is None when a report is missing.
    commission: CommissionRate | None = None  # the rate the household LTVs use, and where it came from
    # vendor_efficiency over the window (spend $, leads, sold, open, decided, conversion, cac $,
    # avg_ltv $, roi, ltv_cac, rating), best ROI first, at most VENDOR_ROWS rows
    vendors: pd.DataFrame | None = None
    reallocation: m.Reallocation | None = None  # the spend to move, judged on every vendor (not grouped)
    cac_by_tier: pd.DataFrame | None = None  # cac_by_segment: Elite, Premium, Standard, Low-Value, All
    leads_in_window: int | None = None  # leads dated in the window
    new_customer_ltv: float | None = None  # $, the estimate for a sold lead the book does not know
    sold_estimated: int | None = None  # sold leads in the window valued at that estimate
    sold_not_in_book: int | None = None  # sold leads in the window whose household the book does not know
    lead_spend: float | None = None  # $, leads dated in the window
    leads: int | None = None  # bought in the window
    leads_sold: int | None = None
    leads_decided: int | None = None  # sold, lost or bad
    conversion: float | None = None  # sold / decided; None when none decided
    cac: float | None = None  # $ spend / sold, all vendors; None when not measurable
    avg_ltv_sold: float | None = None  # $, households sold (NaN when none)
    roi_all_vendors: float | None = None  # (sold x avg LTV - spend) / spend; None without spend
    ltv_cac: float | None = None  # avg LTV / CAC, all vendors; None when not measurable
    score: m.ScoreModel | None = None  # the fitted lead score; None with too few closed leads
    effects: tuple[ScoreEffect, ...] = ()  # the score's coefficients, in its order
    bands: pd.DataFrame | None = None  # band_distribution: leads, closed, sold, conversion, avg_ltv, open
    queue: pd.DataFrame | None = None  # lead_queue: open leads to call, best first (not older than Settings)
    open_leads: int | None = None  # open leads to work (not older than the Settings' days)
    urgent_leads: int | None = None  # of them URGENT (None without a score)
    high_leads: int | None = None  # of them HIGH (None without a score)
    stale_leads: int | None = None  # open leads older than the Settings' days, left out
    # The open leads to call (figures/actions.py ACTION_COLUMNS, id = lead ID): every lead counted
    # in open_leads, with its priority, score and status as the reason; value = the estimated LTV
    # of its predicted tier ($; NaN without a score, which predicts no tier).
    call_list: pd.DataFrame | None = None
    personal_data: bool = False  # names and phones shown (Settings, general)

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "leads" (empty without the data)."""
        if self.vendors is None:
            return {}
        model, tiers, bands = self.score, self.cac_by_tier, self.bands
        return {
            "window_months": self.settings.window_months,
            "lead_spend": round(self.lead_spend, 2),
            "leads": self.leads,
            "leads_sold": self.leads_sold,
            "window": self.window.label(),
            "conversion": clean(self.conversion),
            "leads_decided": self.leads_decided,
            "sold_leads_valued_by_estimate": self.sold_estimated,
            "cac": self.cac,
            "avg_ltv_sold": clean(self.avg_ltv_sold),
            "roi_all_vendors": clean(self.roi_all_vendors),
            "ltv_cac": self.ltv_cac,
            "commission_rate": clean(self.commission.rate),
            "commission_rate_source": "measured" if self.commission.measured else "setting",
            "vendor_roi": {clean(v): clean(roi) for v, roi in zip(self.vendors["vendor"], self.vendors["roi"])},
            "vendor_rating": {clean(v): clean(r) for v, r in zip(self.vendors["vendor"], self.vendors["rating"])},
            "reallocation_amount": self.reallocation.amount,
            "reallocation_from": self.reallocation.from_vendor,
            "reallocation_to": self.reallocation.to_vendor,
            "reallocation": self.reallocation.sentence,
            "ltv_cac_by_tier": {clean(t): clean(v) for t, v in zip(tiers["tier"], tiers["ltv_cac"])},
            "cac_by_tier": {clean(t): clean(v) for t, v in zip(tiers["tier"], tiers["cac"])},
            "ltv_cac_warnings": [clean(t) for t, status in zip(tiers["tier"], tiers["status"])
                                 if status == "ALERT"],
            "open_leads": self.open_leads,
            "urgent_leads": self.urgent_leads,
            "score_coefficients": dict(zip(model.names, model.coefficients)) if model else None,
            "score_answers_missing": list(model.missing) if model else None,
            "score_p_ref": model.p_ref if model else None,
            # The rest of what scores a lead (LEAD_SCORE scores with this fit, not the sample's): the
            # vendor read as 0, each vendor's share of the closed leads (a blank or unknown vendor
            # gets their average effect) and the answers' means (what a missing answer takes).
            "score_baseline_vendor": model.baseline_vendor if model else None,
            "score_vendor_mix": dict(model.vendor_mix) if model else None,
            "score_means": dict(model.means) if model else None,
            "score_band_counts": {clean(b): clean(n) for b, n in zip(bands["band"], bands["leads"])}
            if bands is not None else None,
            "score_band_conversion": {clean(b): clean(c) for b, c in zip(bands["band"], bands["conversion"])}
            if bands is not None else None,
        }


def group_small_vendors(values: pd.DataFrame, through: dt.date, months: int) -> pd.DataFrame:
    """The vendors with the most spend in the window keep their name; the rest become one
    "Other vendors (n)", so that at most VENDOR_ROWS vendors are reported."""
    in_window = m.in_window(values, through, months)
    spend = pd.to_numeric(in_window["cost"], errors="coerce").fillna(0).groupby(in_window["vendor"]).sum()
    if len(spend) <= VENDOR_ROWS:
        return values
    keep = set(spend.sort_values(ascending=False).index[: VENDOR_ROWS - 1])
    others = len(spend) - len(keep)
    return values.assign(vendor=values["vendor"].where(values["vendor"].isin(keep),
                                                       f"Other vendors ({others})"))


def score_effects(model: m.ScoreModel) -> tuple[ScoreEffect, ...]:
    """Each coefficient of the lead score as an odds ratio (the intercept as a probability)."""
    effects = []
    for name, coef in zip(model.names, model.coefficients):
        if name in model.missing:  # an optional answer the lead log does not hold
            effects.append(ScoreEffect(name, None, None, None))
        elif name == "intercept":
            effects.append(ScoreEffect(name, coef, None, 1 / (1 + math.exp(-coef))))
        else:
            effects.append(ScoreEffect(name, coef, math.exp(coef), None))
    return tuple(effects)


def call_list(leads: pd.DataFrame, queue: pd.DataFrame | None, open_rows: pd.Series,
              contacts: pd.DataFrame) -> pd.DataFrame:
    """The open leads to call, one row each (``actions.action_list``): from the scored ``queue``
    when there is a score, in its order, best first (reason: priority, score, status, date and
    vendor; value: estimated LTV), else the leads of ``open_rows`` (True: open and not stale),
    oldest first, unscored and unvalued."""
    if queue is not None:
        reasons = [f"{p}: score {sc:.0f}, {st}, {d:%Y-%m-%d} from {v}; call within {w}"
                   for p, sc, st, d, v, w in zip(queue["priority"], queue["score"], queue["status"],
                                                 queue["lead_date"], queue["vendor"], queue["contact_within"])]
        return action_list(queue["lead_id"], reasons, queue["estimated_ltv"], contacts, by_value=False)
    part = leads[open_rows.to_numpy(bool)].sort_values(["lead_date", "lead_id"], kind="stable")
    reasons = [f"{st}, {pd.Timestamp(d):%Y-%m-%d} from {v} (no score: too few closed leads)"
               for st, d, v in zip(part["status"], part["lead_date"], part["vendor"])]
    return action_list(part["lead_id"], reasons, [math.nan] * len(part), contacts, by_value=False)


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> LeadsFigures:
    s, months = settings.leads, settings.leads.window_months
    through = data.window_end("leads")
    base = dict(as_of=data.as_of, window=window(through, months), missing=tuple(data.missing(*NEEDS)),
                settings=s)
    if base["missing"]:
        return LeadsFigures(**base)
    common = common if common is not None else common_figures(data, settings)
    g = settings.segments
    leads, pol, as_of = data.leads, data.policies, data.as_of
    homes = common.valued_households
    rule = m.TierRule(g.low_value_premium, g.elite_min_products, g.premium_min_products)
    estimate = m.new_customer_ltv(homes, data.window_end("policies"))
    values = m.sold_lead_values(leads, pol, homes, rule, estimate)
    full = m.vendor_efficiency(values, through, months, s.roi_excellent, s.roi_good, s.min_decided_leads)
    vendors = (full if len(full) <= VENDOR_ROWS else m.vendor_efficiency(
        group_small_vendors(values, through, months), through, months, s.roi_excellent, s.roi_good,
        s.min_decided_leads))
    tiers = m.cac_by_segment(values, through, months, s.ltv_cac_warning)
    in_w = m.in_window(values, through, months)

    # The summary, over the vendors as reported (all vendors' leads: "Other vendors" adds up the rest).
    total = tiers.iloc[-1]
    spend = float(vendors["spend"].sum())
    sold = int(vendors["sold"].sum())
    decided = int(vendors["decided"].sum())
    all_ltv = float(total["avg_ltv"])
    roi_all = m.vendor_roi(spend, sold, all_ltv if np.isfinite(all_ltv) else 0.0) if spend else None

    model = m.fit_lead_score(leads, s.score_l2, reference_quantile=s.score_reference_percentile)
    bands = queue = urgent = high = None
    if model is not None:
        scores = m.lead_scores(model, leads)
        bands = m.band_distribution(values, scores)
        queue = m.lead_queue(leads, scores, m.tier_ltv(homes), s.urgent_score, s.high_score,
                             None, rule, as_of, s.stale_after_days)
        open_leads = len(queue)
        urgent = int((queue["priority"] == m.URGENT).sum())
        high = int((queue["priority"] == m.HIGH).sum())
    age = (pd.Timestamp(as_of) - pd.to_datetime(leads["lead_date"])).dt.days
    open_rows = leads["status"].isin(m.OPEN_STATUSES) & (age <= s.stale_after_days)
    if model is None:
        open_leads = int(open_rows.sum())
    calls = call_list(leads, queue, open_rows, lead_contacts(leads, settings.general.show_personal_data))
    return LeadsFigures(
        **base, commission=common.commission, vendors=vendors,
        reallocation=m.reallocation(full, s.reallocation_share, s.min_decided_leads, s.reallocation_trigger),
        cac_by_tier=tiers, leads_in_window=len(in_w), new_customer_ltv=estimate,
        sold_estimated=int(in_w["ltv_estimated"].sum()),
        sold_not_in_book=int((in_w["sold"] & ~in_w["in_book"]).sum()),
        lead_spend=spend, leads=int(vendors["leads"].sum()), leads_sold=sold, leads_decided=decided,
        conversion=m.conversion_rate(sold, decided) if decided else None, cac=clean(total["cac"]),
        avg_ltv_sold=all_ltv, roi_all_vendors=roi_all, ltv_cac=clean(total["ltv_cac"]), score=model,
        effects=score_effects(model) if model is not None else (), bands=bands, queue=queue,
        open_leads=open_leads, urgent_leads=urgent, high_leads=high, call_list=calls,
        personal_data=settings.general.show_personal_data,
        stale_leads=int(leads["status"].isin(m.OPEN_STATUSES).sum()) - open_leads,
    )
