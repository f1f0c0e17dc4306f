"""From AMS data and the owner's settings to a description of every sheet of the workbook.

``build_all`` is the whole dashboard: Home, Settings, one sheet per model, What-If, Data Health.
Each model sheet module has ``build(data, settings) -> Sheet`` and fills only what its reports
allow; a missing report disables only the sheets that need it, each saying which export to add.
"""

from __future__ import annotations

import datetime as dt

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import (
    cash_flow,
    cross_sell,
    data_health,
    home,
    leads,
    profitability,
    rate_environment,
    referrals,
    seasonality,
    segments,
    settings_sheet,
    shared,
    whatif,
)
from agency_xl.dashboards.spec import Sheet

# The model sheets, in tab order.
MODEL_SHEETS = [profitability, rate_environment, cash_flow, segments, seasonality, cross_sell, leads, referrals]


def build_model_sheets(data: AmsData, settings: Assumptions) -> list[Sheet]:
    """The eight model sheets. Figures several of them start from (the household table, retention
    by product count, the commission rate) are computed once for all of them (``shared``)."""
    with shared.once_per_refresh():
        return [module.build(data, settings) for module in MODEL_SHEETS]


def build_all(
    data: AmsData | None,
    settings: Assumptions,
    exports_folder: str,
    refreshed_at: dt.datetime | None = None,
) -> list[Sheet]:
    """Every sheet of the workbook. ``data`` None builds the empty template."""
    empty = data if data is not None else AmsData(as_of=dt.date.today())
    sheets = [home.build(data, refreshed_at, settings.general.agency_name),
              settings_sheet.build(settings, exports_folder)]
    models = build_model_sheets(empty, settings)
    metrics = None
    if data is not None and settings == Assumptions():
        # The What-If sheet's AMS_METRIC examples show the folder's figures with the default
        # settings: these very sheets, so the folder need not be read and modelled a second time.
        from agency_xl.metrics import metrics_of_sheets

        metrics = metrics_of_sheets(data, models)
    sheets += models
    sheets += [whatif.build(exports_folder if data is not None else None, metrics), data_health.build(data)]
    return sheets
