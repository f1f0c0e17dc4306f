"""The Accuracy sheet: how good the workbook's forecasts have been on the owner's own history.

On top, the backtests' error table (per forecast and horizon: MAPE, bias, comparisons, within the
plan's tolerance) and one sentence per forecast; then the live forecasts (what earlier refreshes
forecast, against what happened); then per forecast its last 12 months: what happened, the
tolerance band around it and what was forecast 1, 3 and 6 months before, with a line chart.
Layout only: the figures are ``figures.backtest`` and ``figures.live_forecasts``
(docs/models/accuracy.md).
"""

from __future__ import annotations

from typing import Any

from agency_xl.dashboards.common import clean, rows_of
from agency_xl.dashboards.spec import COUNT, DATE, MONEY, MONTH, PCT, Block, Chart, Label, Series, Sheet
from agency_xl.figures.backtest import Backtests, ModelBacktest
from agency_xl.figures.forecasts import MODELS
from agency_xl.figures.live_forecasts import LiveForecasts

CHART_HORIZONS = 3  # forecast lines per chart (and horizons per forecast in the error table)
MONTHS_SHOWN = 12  # months per chart
LIVE_ROWS = 12  # live forecasts shown, newest month first
SIGNED_PCT = "+0.0%;-0.0%;0.0%"
SECTION = 17  # rows per forecast's chart section
FIRST_SECTION = 50

# Number format of a table and chart axis by the forecast's unit.
UNIT_FORMAT = {"$": MONEY, "ratio": PCT}
AXIS_FORMAT = {"$": '"$"#,##0', "ratio": "0%"}
ACTUAL, BAND = "#212121", "#66BB6A"
FORECAST_COLORS = ("#1565C0", "#EF6C00", "#8E24AA")
BLUE = "#1565C0"


def shown_horizons(horizons: tuple[int, ...]) -> tuple[int, ...]:
    """The horizons the sheet shows: all of them up to three, else the shortest, the middle one
    and the longest (``agency-xl metrics`` reports every one)."""
    if len(horizons) <= CHART_HORIZONS:
        return horizons
    return horizons[0], horizons[len(horizons) // 2], horizons[-1]


def _months(h: int) -> str:
    return f"{h} month{'' if h == 1 else 's'}"


def status_text(b: Backtests) -> str:
    shown = shown_horizons(b.horizons)
    more = ("" if shown == b.horizons else
            f" Settings ask for {len(b.horizons)} horizons; the sheet shows {', '.join(map(str, shown))} months "
            f"ahead (agency-xl metrics reports all).")
    return (f"Data as of {b.as_of:%Y-%m-%d} from the exports folder. Each forecast is made again as of the "
            f"last {b.month_ends} month-ends the exports allow, from the rows dated by then, and compared "
            f"with what the exports show happened. The plan's target: within ±{b.tolerance:.0%} "
            f"(±{b.before:.0%} before); both on Settings (Accuracy).{more}")


def error_rows(b: Backtests) -> list[list[Any]]:
    """Per forecast and shown horizon: name, months ahead, MAPE, bias, comparisons, within the
    tolerance (Yes/No, blank without a number), why there is no number."""
    rows = []
    for m in b.models:
        for h in shown_horizons(b.horizons):
            a = m.at(h)
            meets = None if a.meets is None else ("Yes" if a.meets else "No")
            rows.append([m.name, h, clean(a.mape), clean(a.bias), a.n, meets, a.note or None])
    return rows


def month_rows(m: ModelBacktest, b: Backtests) -> list[list[Any]]:
    shown = shown_horizons(b.horizons)
    table = m.by_month(shown, MONTHS_SHOWN, b.tolerance)
    return rows_of(table, ["month", "actual", "low", "high", *[f"forecast_{h}" for h in shown]])


def month_header(b: Backtests) -> list[str]:
    """The chart table's header: the band's edges and forecast columns are named from Settings
    (the charts name their lines by these cells); unused forecast columns stay "(no horizon)"."""
    shown = shown_horizons(b.horizons)
    forecasts = [f"Forecast {_months(h)} ahead" for h in shown]
    forecasts += ["(no horizon)"] * (CHART_HORIZONS - len(forecasts))
    return ["Month", "Actual", f"Actual -{b.tolerance:.0%}", f"Actual +{b.tolerance:.0%}", *forecasts]


def live_rows(live: LiveForecasts) -> list[list[Any]]:
    return rows_of(live.rows.head(LIVE_ROWS), ["name", "unit", "made_from", "month", "horizon", "forecast",
                                               "actual", "error", "actual_from"])


def build(b: Backtests, live: LiveForecasts) -> Sheet:
    sheet = Sheet("forecast_accuracy", "Accuracy", "Accuracy", tab_color=BLUE)
    sheet.labels = [
        Label("A1", "Forecast accuracy: how good each forecast has been on your own history", "title"),
        Label("A3", "MAPE: the average miss, in % of what happened. Bias: above 0 the forecast ran high, below "
                    "0 low. Comparisons: the months checked (a month where nothing happened is not counted).",
              "note"),
        Label("A5", "Accuracy per forecast and horizon (backtests)", "heading"),
        Label("A26", "In your words", "heading"),
        Label("A34", "Live forecasts: what earlier refreshes forecast, against what happened", "heading"),
    ]
    sheet.blocks.append(Block("status", "A2", ["Status"], [[status_text(b)]], n_rows=1, header=False,
                              formats=["@"]))
    sheet.blocks.append(Block(
        "errors", "A6", ["Forecast", "Months ahead", "MAPE", "Bias", "Comparisons", "Within tolerance", "Note"],
        error_rows(b), n_rows=len(MODELS) * CHART_HORIZONS,
        formats=["@", COUNT, PCT, SIGNED_PCT, COUNT, "@", "@"],
    ))
    sheet.blocks.append(Block("sentences", "A27", ["In your words"], [[m.sentence] for m in b.models],
                              n_rows=len(MODELS), header=False, formats=["@"]))
    sheet.blocks.append(Block("live_note", "A35", ["Live forecasts"], [[live.note()]], n_rows=1, header=False,
                              formats=["@"]))
    sheet.blocks.append(Block(
        "live", "A36", ["Forecast", "Unit", "Made as of", "Month", "Months ahead", "Forecast value", "Actual",
                        "Error", "Actual from"],
        live_rows(live), n_rows=LIVE_ROWS,
        formats=["@", "@", DATE, MONTH, COUNT, COUNT, COUNT, SIGNED_PCT, "@"],
    ))
    header = month_header(b)
    for i, m in enumerate(b.models):
        top = FIRST_SECTION + i * SECTION
        fmt = UNIT_FORMAT.get(m.unit, COUNT)
        sheet.labels.append(Label(f"A{top}", f"{m.name}: forecast vs what happened, last {MONTHS_SHOWN} months",
                                  "heading"))
        sheet.blocks.append(Block(f"note_{m.key}", f"A{top + 1}", ["Note"], [[m.note or None]], n_rows=1,
                                  header=False, formats=["@"]))
        months = Block(f"months_{m.key}", f"A{top + 2}", header, month_rows(m, b), n_rows=MONTHS_SHOWN,
                       formats=[MONTH, *[fmt] * (len(header) - 1)])
        sheet.blocks.append(months)
        band = [Series(header[2], months.name, 2, color=BAND, dash=True, name_from_header=True),
                Series(header[3], months.name, 3, color=BAND, dash=True, name_from_header=True)]
        lines = [Series(header[4 + j], months.name, 4 + j, color=c, name_from_header=True)
                 for j, c in enumerate(FORECAST_COLORS)]
        sheet.charts.append(Chart(
            "line", f"{m.name}: forecast vs actual", f"I{top}",
            [Series("Actual", months.name, 1, color=ACTUAL), *band, *lines],
            width=640, height=330, y_format=AXIS_FORMAT.get(m.unit, "#,##0"), legend="bottom",
        ))
    sheet.column_widths = {0: 34, 1: 14, 2: 14, 3: 14, 4: 14, 5: 16, 6: 16, 7: 12, 8: 24}
    return sheet
