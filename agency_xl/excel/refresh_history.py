"""What a refresh records in the history file beside the workbook, and the call both refreshes make.

``record_refresh`` is called by the command-line refresh and by the Refresh button after the sheets
are written. It never raises: when the history cannot be written it returns the problem (naming the
file and what to do) for the refresh to show; the dashboards are filled either way.

``past_refreshes`` reads what earlier refreshes recorded, for the figures that compare with the
past; ``figures_and_sheets`` is what both refreshes do between reading the exports and writing:
the past read, the figures computed once, the sheets laid out from them and the metrics the
history records.

``history_rows`` turns the ``agency-xl metrics`` dict into a ``history.Snapshot``: the dict is
what the owner sees under each KPI's name, so the history keeps those names.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from numbers import Real
from pathlib import Path
from typing import Any

from agency_xl import history
from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import Sheet
from agency_xl.figures import Figures, compute_figures
from agency_xl.figures.past import PastRefreshes
from agency_xl.history import Actual, Forecast, Snapshot
from agency_xl.metrics import metrics_of

MONTH_KEY = re.compile(r"^\d{4}-\d{2}$")

# Not KPIs: the snapshot's own date; a year-by-year table whose labels move every month ("Year to
# Oct 2025"), which would make a new one-point series at each refresh.
NOT_KPIS = {"as_of", "seasonality.index_by_year"}

# Forecasts given month by month ({"2025-11": value, ...}): metrics path -> series.
MONTHLY_FORECASTS = {
    ("seasonality", "renewals_by_month"): "seasonality.renewals_due",
    ("seasonality", "staff_needed_by_month"): "seasonality.staff_needed",
}
# Forecasts of one month: metrics path -> (series, months after the as-of month). Month 1 of the
# cash-flow and referral projections is the month after the as-of date's month.
POINT_FORECASTS = {
    ("cash_flow", "net_cash_flow_next_month"): ("cash_flow.net_cash_flow", 1),
    ("cash_flow", "accrual_profit_next_month"): ("cash_flow.accrual_profit", 1),
    ("cash_flow", "cash_position_month_12"): ("cash_flow.cash_position", 12),
    ("referral_growth", "projected_customers_12m"): ("referral_growth.customers", 12),
}
# What happened, month by month: metrics path -> series. Policies sold per month is what the
# seasonal index forecasts.
MONTHLY_ACTUALS = {("sales_by_month",): "seasonality.policies_sold"}
# What is true on the as-of date, kept as that month's actual: the households the referral
# projection forecasts.
POINT_ACTUALS = {("households",): "referral_growth.customers"}


def past_refreshes(workbook: str | Path, as_of: dt.date) -> PastRefreshes:
    """What the history file beside ``workbook`` recorded before ``as_of`` (this refresh's own
    date and later ones left out). Never raises: a history that cannot be read gives no past, with
    the problem in a sentence; the refresh goes on without it."""
    try:
        path = history.history_path(workbook)
        kpis = history.kpi_table(path)
        forecasts = history.forecast_vs_actual(path, pending=True)
    except history.HistoryError as exc:
        return PastRefreshes.none(f"History not read: {exc}.")
    except Exception as exc:  # noqa: BLE001 - a fault here must not stop the dashboards
        return PastRefreshes.none(f"History not read: {type(exc).__name__}: {exc} (a fault in agency_xl).")
    kpis = kpis[[d < as_of for d in kpis.index]]
    forecasts = forecasts[[d < as_of for d in forecasts["made_from"]]].reset_index(drop=True)
    return PastRefreshes(kpis=kpis, forecasts=forecasts)


def figures_and_sheets(workbook: str | Path, data: AmsData, settings: Assumptions, exports_folder: str,
                       refreshed_at: dt.datetime) -> tuple[Figures, list[Sheet], dict[str, Any]]:
    """One refresh's figures (computed once, with the past of ``workbook``'s history), every sheet
    laid out from them, and its metrics (what ``record_refresh`` records)."""
    figures = compute_figures(data, settings, past_refreshes(workbook, data.as_of))
    metrics = metrics_of(figures)  # once: the What-If examples show it, the history records it
    return figures, build_all(data, settings, exports_folder, refreshed_at, figures, metrics), metrics


def record_refresh(workbook: str | Path, metrics: Mapping[str, Any],
                   refreshed_at: dt.datetime | None = None) -> str | None:
    """Record this refresh (``metrics``: ``agency_xl.metrics.metrics_of`` its figures) in the
    history file beside ``workbook``.

    Returns None when recorded; otherwise what went wrong, in a sentence that names the file and
    says what to do (``history.HistoryError``), or names an unexpected error. Never raises: it runs
    after the sheets are written, and a history that cannot be written must not fail the refresh.
    Whatever happens, what the file held before is kept."""
    try:
        history.record(history.history_path(workbook), history_rows(metrics), refreshed_at or dt.datetime.now())
        return None
    except history.HistoryError as exc:
        return f"History not recorded: {exc}."
    except Exception as exc:  # noqa: BLE001 - a bug here must not undo a refresh that worked
        return (f"History not recorded: {type(exc).__name__}: {exc} (a fault in agency_xl; the history "
                f"file beside the workbook is unchanged)")


def history_rows(metrics: Mapping[str, Any]) -> Snapshot:
    """The snapshot of one refresh from its metrics dict.

    KPIs: every number and text in the dict, named by its path ("profitability.combined_ratio",
    "retention_by_product.Auto", "segments.share_by_tier.Elite"); True/False as 1/0. Not KPIs:
    lists, tables keyed by month (those are forecasts or actuals) and ``NOT_KPIS``.
    Forecasts and actuals: the series in ``MONTHLY_FORECASTS``, ``POINT_FORECASTS``,
    ``MONTHLY_ACTUALS`` and ``POINT_ACTUALS`` that the dict holds, made from its as-of date. A
    month's actual is recorded only when the month is over on the as-of date (a refresh as of
    Oct 15 does not record October's sales); a stock (households) is recorded for the as-of month."""
    as_of = dt.date.fromisoformat(str(metrics["as_of"]))
    kpis = {name: value for name, value in _scalars(metrics, "") if name not in NOT_KPIS}
    forecasts: list[Forecast] = []
    for path, series in MONTHLY_FORECASTS.items():
        for month, value in _months(_at(metrics, path)).items():
            forecasts.append(Forecast(series, as_of, month, float(value)))
    for path, (series, ahead) in POINT_FORECASTS.items():
        value = _at(metrics, path)
        if _is_number(value):
            forecasts.append(Forecast(series, as_of, _month_after(as_of, ahead), float(value)))
    actuals: list[Actual] = []
    last_complete = _month_after(as_of, 0 if _is_month_end(as_of) else -1)
    for path, series in MONTHLY_ACTUALS.items():
        for month, value in _months(_at(metrics, path)).items():
            if month <= last_complete:
                actuals.append(Actual(series, month, float(value)))
    for path, series in POINT_ACTUALS.items():
        value = _at(metrics, path)
        if _is_number(value):
            actuals.append(Actual(series, _month_after(as_of, 0), float(value)))
    return Snapshot(as_of, kpis, forecasts, actuals)


def _scalars(tree: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if name in NOT_KPIS:
            continue
        if isinstance(value, Mapping):
            if not (value and all(MONTH_KEY.match(str(k)) for k in value)):
                yield from _scalars(value, name + ".")
        elif value is None or isinstance(value, (str, Real)):
            yield name, value


def _at(metrics: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = metrics
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _months(table: Any) -> dict[str, float]:
    """The numbers of a {"YYYY-MM": value} table (blanks left out)."""
    if not isinstance(table, Mapping):
        return {}
    return {str(k): v for k, v in table.items() if MONTH_KEY.match(str(k)) and _is_number(v)}


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _month_after(day: dt.date, months: int) -> str:
    n = day.year * 12 + day.month - 1 + months
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month
