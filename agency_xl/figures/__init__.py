"""Each model's results for one refresh, computed once from (AMS data + assumptions) as typed,
read-only results: the one source for the sheets, `agency-xl metrics`, AMS_METRIC, the history of
refreshes and the backtests. Between ``models`` (pure maths) and ``dashboards`` (layout only).

``compute_figures(data, settings, past)`` computes what several models share (``common``) once, then
each model's figures (``figures/<model>.py``: a frozen dataclass with a ``kpis()`` for `metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.figures import (cash_flow, cross_sell, leads, live_forecasts, profitability, producers,
                               rate_environment, referrals, scorecard, seasonality, segments)
from agency_xl.figures import summary as summary_figures
from agency_xl.figures.backtest import Backtests, backtests
from agency_xl.figures.common import Common, common_figures
from agency_xl.figures.past import PastRefreshes


@dataclass(frozen=True)
class Figures:
    """Every model's figures of one refresh, and what they were computed from."""

    data: AmsData
    settings: Assumptions
    common: Common
    past: PastRefreshes
    profitability: profitability.ProfitabilityFigures
    rate_environment: rate_environment.RateEnvironmentFigures
    cash_flow: cash_flow.CashFlowFigures
    segments: segments.SegmentsFigures
    seasonality: seasonality.SeasonalityFigures
    cross_sell: cross_sell.CrossSellFigures
    leads: leads.LeadsFigures
    referrals: referrals.ReferralsFigures
    producers: producers.ProducersFigures
    backtests: Backtests
    live_forecasts: live_forecasts.LiveForecasts
    scorecard: scorecard.ScorecardFigures

    @cached_property
    def summary(self) -> summary_figures.SummaryFigures:
        """The Summary sheet's figures: read from the others (and ``past``), so computed after them,
        once."""
        return summary_figures.compute(self)


def compute_figures(data: AmsData, settings: Assumptions, past: PastRefreshes | None = None) -> Figures:
    """Every model's figures from ``data`` and ``settings``. ``past``: what earlier refreshes
    recorded (read from the history file by the refresh); none by default."""
    common = common_figures(data, settings)
    past = past if past is not None else PastRefreshes.none()
    tested = backtests(data, settings)
    models = dict(
        profitability=profitability.compute(data, settings, common),
        rate_environment=rate_environment.compute(data, settings, common),
        cash_flow=cash_flow.compute(data, settings, common),
        segments=segments.compute(data, settings, common),
        seasonality=seasonality.compute(data, settings, common),
        cross_sell=cross_sell.compute(data, settings, common),
        leads=leads.compute(data, settings, common),
        referrals=referrals.compute(data, settings, common),
        producers=producers.compute(data, settings, common),
    )
    return Figures(
        data=data, settings=settings, common=common, past=past, **models,
        backtests=tested,
        live_forecasts=live_forecasts.compute(past, tested),
        scorecard=scorecard.compute(data, settings, common, past, models["profitability"],
                                    models["rate_environment"], models["segments"], models["referrals"],
                                    backtests=tested),
    )
