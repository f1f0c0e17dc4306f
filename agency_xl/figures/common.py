"""Figures several models start from, computed once per refresh.

The Segments, Cross-Sell, Leads and Referrals figures all start from the household table of the
book and from household retention by product count, and every LTV from one commission rate. The
Rate Environment and Cash Flow figures both count the households in force and take the policy
growth the growth & retention report measures; that report's retention is also every LTV's
fallback.
The Segments and Leads figures both value each household (tier, retention, LTV) the same way.
``common_figures`` computes each once; every model's figures take the same ``Common``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.models import households as hh
from agency_xl.models import ltv, rate_environment, segments
from agency_xl.models.rate_environment import MeasuredRetention
from agency_xl.models.segments import RetentionUsed, retention_for_ltv

GROWTH_RETENTION = "growth & retention report (policies renewed / offered, not households)"
MEASURED_RATE = "Measured: commission / premium, New Business + Renewal, 12 complete months"
RETENTION_MONTHS = 12


@dataclass(frozen=True)
class CommissionRate:
    """The commission rate every LTV uses: measured, else the Settings rate, and where it came from."""

    rate: float  # commission / premium, e.g. 0.07
    source: str  # for the sheets' notes
    measured: bool


@dataclass(frozen=True)
class Common:
    """What several models' figures start from, for one refresh."""

    household_table: pd.DataFrame | None  # households.household_table of the book; None without it
    retention_by_count: pd.DataFrame | None  # households.retention_by_product_count, 12 months
    retention: RetentionUsed  # household retention by product count every LTV uses
    commission: CommissionRate
    # The growth & retention report over its 12 complete months (None without the report):
    # renewals retained / offered, overall and by product; the policy growth it measures
    # (annual growth as a decimal, the months it was measured over).
    growth_retention: MeasuredRetention | None
    policy_growth: tuple[float, int] | None
    # segments.segment_households of the book: each household in force with its tier, retention,
    # LTV ($) and losses; None without the book.
    valued_table: pd.DataFrame | None = None

    @property
    def households(self) -> pd.DataFrame | None:
        """The household table, as a new frame sharing the columns (copied on write), so a model
        may add columns to it without touching the others'."""
        return None if self.household_table is None else self.household_table.copy(deep=False)

    @property
    def households_in_force(self) -> int:
        """Households with at least one policy in force today (the status decides); 0 without the book."""
        return 0 if self.household_table is None else len(self.household_table)

    @property
    def valued_households(self) -> pd.DataFrame | None:
        """``valued_table`` as a new frame sharing the columns (copied on write), like ``households``."""
        return None if self.valued_table is None else self.valued_table.copy(deep=False)


def commission_rate(data: AmsData, settings: Assumptions,
                    measured_rate: float | None = None) -> CommissionRate:
    """The commission rate every LTV uses, one definition for every sheet: measured on the
    statements of the 12 complete months ending where they end, else the Settings rate.
    ``measured_rate``: that measurement when already made."""
    if data.commissions is None:
        return CommissionRate(settings.general.commission_rate,
                              "Settings (add the Commission statement export to measure it)", False)
    rate = measured_rate if measured_rate is not None else ltv.measured_commission_rate(
        data.commissions, data.window_end("commissions"), 12)
    if math.isfinite(rate) and rate > 0:
        return CommissionRate(rate, MEASURED_RATE, True)
    return CommissionRate(settings.general.commission_rate,
                          "Settings (the commission statements give no premium to measure it)", False)


def retention_used(data: AmsData, settings: Assumptions, table: pd.DataFrame | None,
                   measured: MeasuredRetention | None = None) -> RetentionUsed:
    """The household retention by product count every LTV uses, one rule for every sheet:
    measured on the book (``table``: retention by product count over the 12 complete months ending
    where the book's data ends); where it cannot be measured (lapsed policies without end dates),
    the growth & retention report's retention for every product count, said so; without that
    report, the Settings fallbacks. ``measured``: the report's retention when already measured."""
    fallback, source = settings.segments.retention_fallback(), "Settings"
    if (table is None or table.attrs.get("not_measurable")) and data.growth is not None:
        if measured is None:
            measured = growth_retention(data)
        if math.isfinite(measured.retention):
            fallback = {label: measured.retention for label in fallback}
            source = GROWTH_RETENTION
    return retention_for_ltv(table, fallback, 1, source)


def growth_retention(data: AmsData) -> MeasuredRetention:
    """Renewals retained / offered on the growth & retention report (which must be there), over
    the 12 complete months ending where it ends."""
    return rate_environment.measured_retention(data.growth, 12, data.window_end("growth"))


def valued_households(data: AmsData, settings: Assumptions, households: pd.DataFrame, commission: float,
                      retention: RetentionUsed) -> pd.DataFrame:
    """Each household of the book in force (``households``: its household table) with its tier,
    retention and LTV, one valuation for every sheet (``segments.segment_households`` with the
    Segments settings): loss-making households marked from the claims of the 12 complete months
    ending where the claims end, when the Settings ask and the claims are there."""
    g = settings.segments
    claims = data.claims if g.low_value_if_loss_making else None
    return segments.segment_households(
        data.policies, data.as_of, commission, retention.retention, settings.general.discount_rate,
        g.low_value_premium, g.elite_min_products, g.premium_min_products, claims, g.loss_ratio_limit,
        households=households, claims_through=data.window_end("claims") if claims is not None else None)


def common_figures(data: AmsData, settings: Assumptions) -> Common:
    pol, growth = data.policies, data.growth
    table = None if pol is None else hh.retention_by_product_count(
        pol, data.window_end("policies"), RETENTION_MONTHS)
    measured = None if growth is None else growth_retention(data)
    households = None if pol is None else hh.household_table(pol, data.as_of)
    retention, commission = retention_used(data, settings, table, measured), commission_rate(data, settings)
    return Common(
        household_table=households,
        retention_by_count=table,
        retention=retention,
        commission=commission,
        growth_retention=measured,
        policy_growth=None if growth is None else rate_environment.measured_policy_growth(
            growth, 12, data.window_end("growth")),
        valued_table=None if households is None else valued_households(
            data, settings, households, commission.rate, retention),
    )
