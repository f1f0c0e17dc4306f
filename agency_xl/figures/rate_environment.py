"""The Rate Environment figures of one refresh: the rate model's inputs as the exports measure them
(retention, policy growth, premium in force, households, the commission rate; each else its
Settings fallback, said so), what the planned increase does to retention, premium, commission,
revenue growth and lifetime value, the rate scenarios, retention by product before and after the
increase, and the plan's example worked by this model. The sheet, `agency-xl metrics` and
AMS_METRIC read them. Formulas: ``agency_xl.models.rate_environment`` and
docs/models/rate_environment.md."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.rate_environment import RateEnvironmentSettings
from agency_xl.figures.common import Common, common_figures
from agency_xl.figures.values import clean
from agency_xl.models import households as hh
from agency_xl.models import rate_environment as m
from agency_xl.models.periods import Window, window
from agency_xl.vocabulary import PRODUCTS

NEEDS = ("growth", "policies")
PRODUCT_ROWS = len(PRODUCTS)  # retention by product: at most one row per canonical product
# The measured inputs, in the order the sheet lists them.
INPUTS = ("retention", "policy_growth", "premium", "households", "commission_rate")

# The plan's illustrative numbers (REFERENCE_POINTS.md "Rate impact"), worked by this model beside them.
PLAN_RETENTION = 0.8964
PLAN_SCENARIOS = {0.08: 0.894, 0.10: 0.891, 0.12: 0.887}  # increase -> the plan's retention after it
PLAN_CHURN_10 = 0.0054
PLAN_SEVERITY_10 = "MODERATE"
PLAN_POLICY_GROWTH, PLAN_INCREASE = 0.05, 0.10  # its revenue growth example: 15.5%
PLAN_LTV = (4780.0, 6260.0)  # without and with 8% annual rate increases
PLAN_LTV_UPLIFT = PLAN_LTV[1] / PLAN_LTV[0] - 1
PLAN_PREMIUM_GROWTH = 0.08


@dataclass(frozen=True)
class Measured:
    """One input of the model: its value and where it came from (shown beside it)."""

    value: float
    note: str
    measured: bool  # False: the Settings value


@dataclass(frozen=True)
class PlanExample:
    """The plan's example worked by this model: the plan's retention, the hard-market sensitivity
    and the tolerance of Settings."""

    retention_after: dict[float, float]  # increase (PLAN_SCENARIOS' keys) -> retention after it
    impact_10: m.RateImpact  # of +10%
    revenue_growth: float  # PLAN_POLICY_GROWTH policies x PLAN_INCREASE rate, no churn, a decimal
    # LTV with PLAN_PREMIUM_GROWTH yearly increases; the plan gives no commission: one that gives
    # its 4,780 without inflation (see the docs), at a commission rate of 1.
    ltv: m.LtvComparison


@dataclass(frozen=True)
class RateEnvironmentFigures:
    as_of: dt.date
    window: Window  # the growth & retention report's 12 complete months
    missing: tuple[str, ...]  # titles of the reports the sheet needs and the folder lacks
    settings: RateEnvironmentSettings
    discount_rate: float  # Settings (General), a decimal
    # The inputs (INPUTS): measured from the exports, else the Settings value.
    retention: Measured  # policy retention today (renewals kept / offered), a decimal
    policy_growth: Measured  # policies in force, per year, a decimal
    premium: Measured  # $ a year, the book's premium in force
    households: Measured  # households in force (a count)
    commission_rate: Measured  # commission / premium, a decimal
    # product, renewals_offered, renewals_retained, retention and retention_after (the planned
    # increase); None when the report cannot measure retention.
    by_product: pd.DataFrame | None
    per_household: float  # $ premium in force per household
    sensitivity: float  # of the market on Settings
    thresholds: tuple[float, float, float]  # severity LOW / MODERATE / HIGH below (Settings)
    sensitivities_ordered: bool  # hard <= moderate <= soft, as markets behave
    impact: m.RateImpact  # of the planned increase
    premium_after: float  # $, the book after one renewal cycle at the planned increase
    commission_after: float  # $ a year
    commission_change: float  # $ a year against today
    decomposition: m.RevenueDecomposition  # policy growth x planned increase x its churn
    ltv: m.LtvComparison  # per household, with the Settings premium growth
    scenarios: pd.DataFrame  # rate_scenarios at DEFAULT_INCREASES, with each row's severity
    plan: PlanExample

    @property
    def fallbacks(self) -> tuple[str, ...]:
        """The inputs on their Settings value (INPUTS' names)."""
        return tuple(name for name in INPUTS if not getattr(self, name).measured)

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "rate_environment"."""
        s, impact, dec, ltv = self.settings, self.impact, self.decomposition, self.ltv
        by = self.by_product
        retention_by_product = {} if by is None else {
            product: round(r, 6) for product, r in ((p, clean(v)) for p, v in zip(by["product"], by["retention"]))
            if r is not None}
        return {
            "current_retention": round(self.retention.value, 6),
            "current_retention_source": "measured" if self.retention.measured else "settings",
            "retention_by_product": retention_by_product,
            "policy_growth": round(self.policy_growth.value, 6),
            "premium_in_force": round(self.premium.value, 2),
            "households": int(self.households.value),
            "commission_rate": round(self.commission_rate.value, 6),
            "planned_increase": {
                "rate_increase": s.planned_rate_increase, "market": s.market, "sensitivity": self.sensitivity,
                "tolerance": s.rate_tolerance, "retention": round(impact.retention, 6),
                "added_churn": round(impact.added_churn, 6), "severity": impact.severity,
                "premium_after": round(self.premium_after, 2),
                "commission_change": round(self.commission_change, 2),
            },
            "scenarios": [
                {"rate_increase": float(r.rate_increase), "retention": round(float(r.retention), 6),
                 "added_churn": round(float(r.added_churn), 6), "severity": r.severity,
                 "premium": round(float(r.premium), 2), "commission": round(float(r.commission), 2),
                 "commission_change": round(float(r.commission_change), 2),
                 "change_pct": round(float(r.change_pct), 6)}
                for r in self.scenarios.itertuples(index=False)
            ],
            "revenue_decomposition": {
                "policy_growth": round(dec.policy_growth, 6), "rate_increase": dec.rate_increase,
                "interaction": round(dec.interaction, 6), "churn": round(dec.churn, 6),
                "churn_effect": round(dec.churn_effect, 6), "total": round(dec.total, 6),
            },
            "ltv": {
                "premium_per_household": round(self.per_household, 2),
                "premium_growth": s.ltv_premium_growth,
                "retention_with_increases": round(ltv.retention_with_increases, 6),
                "without_inflation": _round_money(ltv.without_inflation),
                "with_inflation": _round_money(ltv.with_inflation),
                "with_inflation_and_churn": _round_money(ltv.with_inflation_and_churn),
            },
        }


def _round_money(x: float) -> float | None:
    """Dollars to cents; None where the lifetime value does not converge."""
    return round(float(x), 2) if np.isfinite(x) else None


def _months(first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    return f"{first:%b %Y} - {last:%b %Y}" if first is not None and last is not None else ""


def measured_inputs(data: AmsData, settings: Assumptions, common: Common) -> dict[str, Any]:
    """Current retention (and by product), policy growth, premium in force, households and the
    commission rate, measured from the exports (each over the 12 complete months ending where its
    export ends); the Settings fallback where an export is missing or holds nothing to measure,
    with a note saying so. Keys: INPUTS, and by_product (None unless retention is measured)."""
    s = settings.rate_environment
    out: dict[str, Any] = {"by_product": None}
    growth, mr = data.growth, common.growth_retention
    if mr is not None and np.isfinite(mr.retention):
        out["retention"] = Measured(mr.retention, f"Growth & retention report, {_months(mr.first_month, mr.last_month)}: "
                                    f"{mr.renewals_retained:,.0f} of {mr.renewals_offered:,.0f} renewals kept "
                                    "(policies)", True)
        out["by_product"] = mr.by_product
    else:
        why = "the growth & retention export is missing" if growth is None else "it shows no renewals offered"
        out["retention"] = Measured(s.fallback_retention, f"Settings value: {why}", False)

    pg, n = common.policy_growth if common.policy_growth is not None else (math.nan, 0)
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
        households = common.households_in_force
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

    c = common.commission
    why = "the commission statement export is missing" if data.commissions is None else "no premium on the statements"
    out["commission_rate"] = Measured(c.rate, c.source if c.measured else f"Settings value: {why}", c.measured)
    return out


def _by_product(by: pd.DataFrame | None, increase: float, sensitivity: float,
                tolerance: float) -> pd.DataFrame | None:
    """Retention by product (the first PRODUCT_ROWS) with the retention the increase leaves each."""
    if by is None:
        return None
    by = by.head(PRODUCT_ROWS)
    after = [math.nan if clean(r) is None else float(m.rate_retention(clean(r), increase, sensitivity, tolerance))
             for r in by["retention"]]
    return by.assign(retention_after=after)


def plan_example(s: RateEnvironmentSettings, discount_rate: float) -> PlanExample:
    """The plan's example (REFERENCE_POINTS.md "Rate impact") worked by this model."""
    tol, hard = s.rate_tolerance, s.sensitivity_hard
    plan_commission = PLAN_LTV[0] * (1 + discount_rate - PLAN_RETENTION) / PLAN_RETENTION
    return PlanExample(
        retention_after={inc: m.rate_retention(PLAN_RETENTION, inc, hard, tol) for inc in PLAN_SCENARIOS},
        impact_10=m.rate_impact(PLAN_RETENTION, PLAN_INCREASE, hard, s.severity_thresholds(), tol),
        revenue_growth=m.revenue_decomposition(PLAN_POLICY_GROWTH, PLAN_INCREASE).total,
        ltv=m.ltv_comparison(plan_commission, 1.0, PLAN_RETENTION, PLAN_PREMIUM_GROWTH, hard, discount_rate, tol),
    )


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> RateEnvironmentFigures:
    common = common if common is not None else common_figures(data, settings)
    s, discount = settings.rate_environment, settings.general.discount_rate
    inputs = measured_inputs(data, settings, common)
    r0, policy_growth = inputs["retention"].value, inputs["policy_growth"].value
    premium, households = inputs["premium"].value, inputs["households"].value
    commission_rate = inputs["commission_rate"].value
    per_household = premium / households
    x, tol = s.planned_rate_increase, s.rate_tolerance
    sens = s.sensitivity(s.market)
    thresholds = s.severity_thresholds()

    impact = m.rate_impact(r0, x, sens, thresholds, tol)
    premium_after = float(m.book_premium_after(premium, x, r0, sens, tol))
    scenarios = m.rate_scenarios(r0, premium, commission_rate, sens, m.DEFAULT_INCREASES, tol)
    scenarios["severity"] = [m.rate_severity(float(c), *thresholds) for c in scenarios["added_churn"]]
    return RateEnvironmentFigures(
        as_of=data.as_of, window=window(data.window_end("growth")), missing=tuple(data.missing(*NEEDS)),
        settings=s, discount_rate=discount,
        **{name: inputs[name] for name in INPUTS},
        by_product=_by_product(inputs["by_product"], x, sens, tol),
        per_household=per_household, sensitivity=sens, thresholds=thresholds,
        sensitivities_ordered=s.sensitivity_hard <= s.sensitivity_moderate <= s.sensitivity_soft,
        impact=impact, premium_after=premium_after, commission_after=premium_after * commission_rate,
        commission_change=(premium_after - premium) * commission_rate,
        decomposition=m.revenue_decomposition(policy_growth, x, -impact.added_churn),
        ltv=m.ltv_comparison(per_household, commission_rate, r0, s.ltv_premium_growth, sens, discount, tol),
        scenarios=scenarios, plan=plan_example(s, discount),
    )
