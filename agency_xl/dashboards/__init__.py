"""From each model's figures to a description of every sheet of the workbook: layout only.

``build_all`` is the whole dashboard: Home, Summary, the Scorecard, Settings, one sheet per model,
Accuracy, What-If, Data Health.
Each model sheet module has ``build(figures) -> Sheet`` reading its model's figures
(``agency_xl.figures``) and fills only what its reports allow; a missing report disables only the
sheets that need it, each saying which export to add.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import (
    accuracy,
    cash_flow,
    cross_sell,
    data_health,
    home,
    leads,
    producers,
    profitability,
    rate_environment,
    referrals,
    scorecard,
    seasonality,
    segments,
    settings_sheet,
    summary,
    whatif,
)
from agency_xl.dashboards.spec import Sheet
from agency_xl.figures import Figures, compute_figures
from agency_xl.metrics import metrics_of

# The model sheets, in tab order.
MODEL_SHEETS = [profitability, rate_environment, cash_flow, segments, seasonality, cross_sell, leads, referrals,
                producers]  # after the plan's eight models: a view across them (issue 15.3)


def build_model_sheets(figures: Figures) -> list[Sheet]:
    """The model sheets (the eight models and Producers), each laid out from its figures
    (``figures.<model>``)."""
    return [module.build(getattr(figures, module.__name__.rsplit(".", 1)[1])) for module in MODEL_SHEETS]


def build_all(
    data: AmsData | None,
    settings: Assumptions,
    exports_folder: str,
    refreshed_at: dt.datetime | None = None,
    figures: Figures | None = None,
    metrics: dict[str, Any] | None = None,
) -> list[Sheet]:
    """Every sheet of the workbook. ``data`` None builds the empty template. ``figures`` and
    ``metrics`` (``metrics_of(figures)``): those of ``data`` when the refresh has them already."""
    if figures is None:
        figures = compute_figures(data if data is not None else AmsData(as_of=dt.date.today()), settings)
    sheets = [home.build(data, refreshed_at, settings.general.agency_name),
              summary.build(figures.summary),
              settings_sheet.build(settings, exports_folder)]
    models = build_model_sheets(figures)
    if data is None:
        metrics = None
    elif metrics is None:
        # The What-If sheet's AMS_METRIC examples show the refresh's own figures (those AMS_METRIC
        # finds in the workbook's folder with its Settings): the folder is not read again.
        metrics = metrics_of(figures)
    sheets += models
    sheets.append(accuracy.build(figures.backtests, figures.live_forecasts))
    sheets += [whatif.build(metrics), data_health.build(data)]
    # The Scorecard right after the Summary; it links to the sheets that explain each target.
    sheets.insert(2, scorecard.build(figures.scorecard, [s.name for s in sheets]))
    return sheets
