"""Each model's results for one refresh, computed once from (AMS data + assumptions) as typed,
read-only results: the one source for the sheets, `agency-xl metrics`, AMS_METRIC, the history of
refreshes and the backtests. Between ``models`` (pure maths) and ``dashboards`` (layout only).

``compute_figures(data, settings)`` computes what several models share (``common``) once, then
each model's figures (``figures/<model>.py``: a frozen dataclass with a ``kpis()`` for `metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.figures import cross_sell, leads, profitability
from agency_xl.figures.common import Common, common_figures


@dataclass(frozen=True)
class Figures:
    """Every model's figures of one refresh, and what they were computed from."""

    data: AmsData
    settings: Assumptions
    common: Common
    profitability: profitability.ProfitabilityFigures
    cross_sell: cross_sell.CrossSellFigures
    leads: leads.LeadsFigures


def compute_figures(data: AmsData, settings: Assumptions) -> Figures:
    common = common_figures(data, settings)
    return Figures(
        data=data,
        settings=settings,
        common=common,
        profitability=profitability.compute(data, settings, common),
        cross_sell=cross_sell.compute(data, settings, common),
        leads=leads.compute(data, settings, common),
    )
