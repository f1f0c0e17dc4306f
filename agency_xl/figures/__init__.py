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

    # Figures read from the ones above (and ``past``): computed on first use, once per refresh.
    # The backtests rerun the forecasts at past month-ends (seconds, not milliseconds): a caller
    # that needs one model's figures does not pay for them.

    @cached_property
    def backtests(self) -> Backtests:
        """Each forecast rerun as of past month-ends and compared with what happened (Accuracy sheet)."""
        return backtests(self.data, self.settings)

    @cached_property
    def live_forecasts(self) -> live_forecasts.LiveForecasts:
        """Earlier refreshes' forecasts against what happened (Accuracy sheet)."""
        return live_forecasts.compute(self.past, self.backtests)

    @cached_property
    def scorecard(self) -> scorecard.ScorecardFigures:
        """The plan's targets against now and the past refreshes (Scorecard sheet)."""
        return scorecard.compute(self.data, self.settings, self.common, self.past, self.profitability,
                                 self.rate_environment, self.segments, self.referrals, backtests=self.backtests)

    @cached_property
    def summary(self) -> summary_figures.SummaryFigures:
        """The Summary sheet's figures: the headlines, arrows against the last refresh, the actions."""
        return summary_figures.compute(self)


def compute_figures(data: AmsData, settings: Assumptions, past: PastRefreshes | None = None) -> Figures:
    """Every model's figures from ``data`` and ``settings``. ``past``: what earlier refreshes
    recorded (read from the history file by the refresh); none by default."""
    common = common_figures(data, settings)
    past = past if past is not None else PastRefreshes.none()
    return Figures(
        data=data, settings=settings, common=common, past=past,
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
