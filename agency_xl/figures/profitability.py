"""Profitability figures of one refresh: loss and combined ratio of the lines in the carrier bonus,
the bonus status and its estimate, product profitability, the 12-month trend and profit vs revenue
growth. Computed once from the book of business and the claims (plus the commission statements for
revenue growth); the sheet, `agency-xl metrics` and AMS_METRIC read them. Formulas:
``agency_xl.models.profitability`` and docs/models/profitability.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.profitability import ProfitabilitySettings
from agency_xl.figures.common import Common
from agency_xl.figures.values import clean
from agency_xl.models import households as hh
from agency_xl.models import profitability as m
from agency_xl.models.periods import Window, window

NEEDS = ("policies", "claims")
NOT_MEASURABLE_NO_PREMIUM = "not measurable (no earned premium in the window)"


@dataclass(frozen=True)
class ProfitabilityFigures:
    as_of: dt.date
    window: Window  # the 12 complete months the figures cover
    missing: tuple[str, ...]  # titles of the reports the sheet needs and the folder lacks
    settings: ProfitabilitySettings
    outside_lines: tuple[str, ...]  # lines left out of the loss ratio and bonus (Settings)
    # The rest is None when a report is missing.
    summary: m.ProfitabilitySummary | None = None  # the bonus lines over the window
    products: pd.DataFrame | None = None  # product_profitability, bonus lines first, with "note"
    trend: pd.DataFrame | None = None  # monthly_trend of the bonus lines, complete months
    growth: m.GrowthGap | None = None  # revenue vs profit growth, as the exports measure it
    premium_in_force: float | None = None  # $, bonus lines, policies in force today (status)
    other_losses: float | None = None  # $ incurred in the window, lines outside the bonus
    # "not measurable from this export (add Cancel Date)" when lapsed policies lack end dates.
    not_measurable: str | None = None
    combined_ratio: float | None = None  # None when not measurable
    bonus_status: str | None = None  # FULL_BONUS | REDUCED_BONUS | NO_BONUS, or why not measurable
    risk_level: str | None = None  # LOW | MEDIUM | HIGH, or why not measurable
    estimated_bonus: float | None = None  # $
    too_few_claims: tuple[str, ...] = ()  # lines whose loss ratio rests on too few claims

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "profitability" (empty without the data)."""
        s, summary, gap = self.settings, self.summary, self.growth
        if summary is None or gap is None or self.products is None:
            return {}
        earned = summary.earned_premium
        return {
            "window": self.window.label(),
            "combined_ratio": clean(self.combined_ratio),
            "loss_ratio": clean(summary.loss_ratio),
            "expense_ratio": s.expense_ratio,
            "lines_outside_bonus": list(self.outside_lines),
            "earned_premium_12m": round(earned, 2) if np.isfinite(earned) else self.not_measurable,
            "incurred_losses_12m": round(summary.incurred_losses, 2),
            "incurred_losses_12m_other_lines": round(self.other_losses, 2),
            "underwriting_profit_12m": clean(round(summary.underwriting_profit, 2)),
            "premium_in_force_bonus_lines": round(self.premium_in_force, 2),
            "bonus_status": self.bonus_status,
            "risk_level": self.risk_level,
            "estimated_bonus": round(self.estimated_bonus, 2) if self.estimated_bonus is not None else None,
            "revenue_growth": clean(gap.revenue_growth),
            "revenue_growth_measures": gap.revenue_measure,
            "profit_growth": clean(gap.profit_growth),
            "growth_months_compared": gap.months,
            "growth_gap_warning": gap.warning,
            "loss_ratio_by_product": {p: clean(v) for p, v in zip(self.products["product"], self.products["loss_ratio"])},
            "combined_ratio_by_product": {p: clean(v) for p, v in
                                          zip(self.products["product"], self.products["combined_ratio"])},
            "too_few_claims_to_judge": sorted(self.too_few_claims),
        }


def measured_growth(data: AmsData, s: ProfitabilitySettings, end: dt.date) -> m.GrowthGap:
    """Revenue growth as the exports really hold it (written premium on the commission statements,
    else commission, else the book's earned premium at today's prices, each labelled so) against
    underwriting profit growth, over the months the claims and revenue exports cover."""
    outside = s.outside_lines()
    pol, clm, cm = data.policies, data.claims, data.commissions
    cover = data.coverage.get("claims")
    claims_from = m.claims_cover_from(clm, cover[0] if cover else None)
    revenue, measure = None, ""
    if cm is not None and len(cm):
        end = min(end, data.window_end("commissions"))
        revenue = m.written_premium_by_month(cm, end, 24, outside)
        measure = "written premium growth (commission statements)"
        if revenue is None:
            revenue = m.written_premium_by_month(cm, end, 24, outside, amount="commission_amount")
            measure = "commission growth (statements without premium)"
    if revenue is None:
        revenue = m.earned_premium_by_month(pol, end, 24, outside)
        measure = "earned premium growth at today's prices (book: policies only, no rate increases)"
    losses = m.losses_for_comparison(clm, end, outside, claims_from)
    yoy = m.year_over_year(revenue, losses, s.expense_ratio, s.profit_growth_min_months)
    return m.profit_vs_revenue_growth(yoy.revenue_now, yoy.revenue_before, yoy.profit_now, yoy.profit_before,
                                      s.profit_gap_warning, measure, yoy.months, yoy.note)


def _product_notes(products: pd.DataFrame, inside: set[str], s: ProfitabilitySettings,
                   not_measurable: str | None) -> tuple[pd.DataFrame, list[str]]:
    """The products, bonus lines first, each with a note: outside the bonus, too few claims to
    judge (fewer than the Settings minimum), not measurable. Returns them and the thin lines."""
    ordered = pd.concat([products[products["product"].isin(inside)], products[~products["product"].isin(inside)]])
    notes, too_few = [], []
    for product, claims, earned in zip(ordered["product"], ordered["claims"], ordered["earned_premium"]):
        claims = clean(claims)
        note = []
        if product not in inside:
            note.append("outside the bonus")
        if (claims or 0) < s.min_claims_by_line:
            note.append(f"too few to judge ({claims} claim{'' if claims == 1 else 's'})")
            too_few.append(product)
        if clean(earned) is None:
            note.append(not_measurable or "not measurable")
        notes.append("; ".join(note))
    return ordered.assign(note=notes).reset_index(drop=True), too_few


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> ProfitabilityFigures:
    s = settings.profitability
    outside = s.outside_lines()
    end = data.window_end(*NEEDS)
    base = dict(as_of=data.as_of, window=window(end), missing=tuple(data.missing(*NEEDS)), settings=s,
                outside_lines=tuple(outside))
    if base["missing"]:
        return ProfitabilityFigures(**base)
    pol, clm = data.policies, data.claims
    products = m.product_profitability(pol, clm, end, s.expense_ratio)
    summary = m.book_summary(products, s.expense_ratio, outside)
    inside = set(products["product"][m.in_lines(products["product"], outside)])
    other = products[~products["product"].isin(inside)]
    cover = data.coverage.get("claims")
    claims_from = m.claims_cover_from(clm, cover[0] if cover else None)
    trend = m.monthly_trend(pol, clm, end, 12, s.expense_ratio, outside, claims_from)
    in_force = pol[hh.in_force(pol) & m.in_lines(pol["product"], outside)]
    premium_in_force = float(in_force["annual_premium"].sum())
    not_measurable = None if np.isfinite(summary.earned_premium) else hh.unknown_end_note(pol)

    cr = summary.combined_ratio if np.isfinite(summary.combined_ratio) else None
    if cr is None:
        status = risk = not_measurable or NOT_MEASURABLE_NO_PREMIUM
        bonus = None
    else:
        status = m.bonus_status(cr, s.bonus_full_threshold, s.bonus_partial_threshold)
        risk = m.bonus_risk(cr, s.bonus_full_threshold, s.bonus_partial_threshold, s.bonus_watch_margin)
        bonus = m.estimated_bonus(premium_in_force, cr, s.bonus_full_threshold, s.bonus_partial_threshold,
                                  s.bonus_full_rate, s.bonus_partial_rate)
    noted, too_few = _product_notes(products, inside, s, not_measurable)
    return ProfitabilityFigures(
        **base, summary=summary, products=noted, trend=trend, growth=measured_growth(data, s, end),
        premium_in_force=premium_in_force, other_losses=float(other["incurred"].sum()),
        not_measurable=not_measurable, combined_ratio=cr, bonus_status=status, risk_level=risk,
        estimated_bonus=bonus, too_few_claims=tuple(too_few),
    )
