"""Backtests: how good each forecast of the workbook has been, measured on the owner's own history.

Each forecast (``figures.forecasts.MODELS``) is rerun as of past month-ends using only the rows of
the exports dated on or before that month-end (``forecasts.data_as_of``), and what it forecast for
the month ``h`` months later (h = 1, 3, 6: Settings, accuracy.horizons) is compared with what the
exports show happened that month. For each horizon the month-ends used are the latest
``accuracy.backtest_month_ends`` (default 6) whose forecast month the exports fully cover and
before which the forecast has the history its sheet needs (12 months of statements, sales,
renewals or referrals): so one month ahead is checked on the 6 latest month-ends with a known next
month, six months ahead on the 6 latest with a known sixth month. Too little history gives a note
("not enough history to backtest (needs 18 months, the exports hold 14)") instead of a number.

Per forecast and horizon: the mean absolute percentage error (MAPE), the bias (mean signed
percentage error: above 0 the forecast ran high), the number of comparisons (months whose actual
is 0 have no percentage error and are not counted) and whether the MAPE is within the plan's
tolerance (+/-10%). Formulas in ``models.accuracy``.

Everything runs on the exports already read (``AmsData``): nothing is read again. What every
month-end shares is prepared once (``forecasts.ExportsHistory``: each log's dates, the book's ends
and terms, the statements parsed) and cut at each month-end by a slice or a mask; a forecast that
needs only a count (renewals per month, households in force) counts it without building the
sheet's whole table. benchmarks/backtest.py measures it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.figures.forecasts import (
    MODELS,
    Forecast,
    ExportsHistory,
    ForecastModel,
    covered_months,
)
from agency_xl.models.accuracy import bias, mape, meets_tolerance, percentage_errors
from agency_xl.models.periods import last_complete_month

# A bias within one percentage point either way is within the rounding of the sheet's whole
# percents: the forecast "ran neither high nor low".
NO_LEAN = 0.01
HORIZON_WORDS = ("", "one month", "two months", "three months", "four months", "five months",
                 "six months", "seven months", "eight months", "nine months", "ten months",
                 "eleven months", "twelve months")
COMPARISON_COLUMNS = ["cutoff", "month", "horizon", "forecast", "actual", "error"]


@dataclass(frozen=True)
class HorizonAccuracy:
    """How one forecast did ``horizon`` months ahead."""

    horizon: int  # months after the month-end the forecast was made at
    mape: float  # mean absolute percentage error (0.07 = 7%); NaN without a comparison
    bias: float  # mean signed percentage error: > 0 ran high, < 0 ran low; NaN without one
    n: int  # comparisons with a percentage error
    meets: bool | None  # mape within the tolerance; None without a number
    note: str = ""  # why there is no number ("not enough history to backtest (...)")


@dataclass(frozen=True)
class ModelBacktest:
    """One forecast's backtest: every comparison, and its accuracy per horizon."""

    key: str
    name: str
    subject: str
    unit: str
    comparisons: pd.DataFrame  # COMPARISON_COLUMNS: cutoff (month-end), month (first day),
    #                            horizon, forecast, actual, error ((forecast - actual) / |actual|)
    horizons: tuple[HorizonAccuracy, ...]
    note: str  # why it cannot be backtested at all ("" when some horizon has a number)
    sentence: str  # the owner's words
    # What the exports show happened in each month they fully cover (monthly pd.Period index,
    # oldest first; empty when a report is missing): the actuals the comparisons read.
    actuals: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))

    def at(self, horizon: int) -> HorizonAccuracy:
        for h in self.horizons:
            if h.horizon == horizon:
                return h
        raise KeyError(f"{self.key} was not checked {horizon} months ahead")

    def by_month(self, horizons: tuple[int, ...], months: int, tolerance: float) -> pd.DataFrame:
        """The last ``months`` months the exports show (oldest first): month (first day), actual,
        the band actual -/+ tolerance x |actual| (a forecast inside it is within the plan's
        tolerance that month), and per horizon h the forecast made h months before (column
        ``forecast_<h>``; NaN where that month was not backtested at that horizon)."""
        recent = self.actuals.iloc[-months:] if months else self.actuals.iloc[:0]
        out = pd.DataFrame({"month": [p.start_time for p in recent.index],
                            "actual": recent.to_numpy(dtype=float)})
        out["low"] = out["actual"] - tolerance * out["actual"].abs()
        out["high"] = out["actual"] + tolerance * out["actual"].abs()
        for h in horizons:
            made = self.comparisons[self.comparisons["horizon"] == h].set_index("month")["forecast"]
            out[f"forecast_{h}"] = out["month"].map(made).astype(float)
        return out

    @property
    def overall_bias(self) -> float:
        """Mean signed percentage error over every comparison of every horizon."""
        return bias(self.comparisons["forecast"], self.comparisons["actual"])


@dataclass(frozen=True)
class Backtests:
    """Every forecast's backtest for one refresh."""

    as_of: dt.date
    month_ends: int  # per horizon
    horizons: tuple[int, ...]
    tolerance: float  # the plan's target, 0.10 = +/-10%
    before: float  # the plan's "before", 0.30
    models: tuple[ModelBacktest, ...]

    def model(self, key: str) -> ModelBacktest:
        for m in self.models:
            if m.key == key:
                return m
        raise KeyError(f"no backtest {key!r}; known: {', '.join(m.key for m in self.models)}")


def month_end(month: pd.Period) -> dt.date:
    """The last day of a monthly period."""
    return (month + 1).start_time.date() - dt.timedelta(days=1)


def cutoff_months(history: pd.PeriodIndex, actual: pd.PeriodIndex, min_history: int, horizon: int,
                  count: int, last: pd.Period) -> list[pd.Period]:
    """The latest ``count`` months c (forecasts made at their month-end) such that the ``history``
    months up to c number at least ``min_history``, c is not after ``last`` (the data date's last
    complete month) nor after the history, and month c + horizon is one of the ``actual`` months
    (covered, contiguous). Oldest first; empty when there is none."""
    if not len(history) or not len(actual):
        return []
    first = max(history[0] + (min_history - 1), actual[0] - horizon)
    latest = min(actual[-1] - horizon, last, history[-1])
    if latest < first:
        return []
    return list(pd.period_range(max(first, latest - (count - 1)), latest, freq="M"))


def history_note(m: ForecastModel, horizon: int, months_held: int) -> str:
    return (f"not enough history to backtest (needs {m.min_history + horizon} months, the exports hold "
            f"{months_held})")


def _missing_exports(data: AmsData, m: ForecastModel) -> str:
    titles = data.missing(*dict.fromkeys((m.history, m.actual_from)))
    return f"needs the {' and the '.join(titles)} export" if titles else ""


def forecasts_as_of(data: AmsData | ExportsHistory, settings: Assumptions, day: dt.date,
                    models: tuple[ForecastModel, ...] = MODELS) -> dict[str, Forecast]:
    """Every forecast as it would have been made at the end of ``day`` (a month-end), from the
    exports cut as of then; a forecast that cannot be made says why (a report cut away names
    its reason). ``data``: the exports, or an ``ExportsHistory`` of them to reuse over many days."""
    history = data if isinstance(data, ExportsHistory) else ExportsHistory(
        data, settings.seasonality.default_term_months)
    reads = tuple(dict.fromkeys(r for m in models for r in m.reads))
    cut, why = history.as_of(day, reads)
    made: dict[str, Forecast] = {}
    for forecaster in dict.fromkeys(m.forecaster for m in models):  # each once, in model order
        made.update(forecaster(cut, settings, history))
    out = {}
    for m in models:
        f = made[m.key]
        lost = [why[r] for r in m.reads if r in why]
        out[m.key] = Forecast(None, lost[0]) if f.values is None and lost else f
    return out


def _pct(x: float) -> str:
    return f"{x:.1%}" if abs(x) < 0.01 else f"{x:.0%}"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def accuracy_sentence(subject: str, horizons: tuple[HorizonAccuracy, ...], overall_bias: float,
                      tolerance: float, note: str = "") -> str:
    """The owner's sentence: "The cash projection's commission received was off by 7% on average
    one month ahead and 18% six months ahead, and ran high. Within the plan's ±10% one month
    ahead." With no number at all: "... cannot be checked yet: <note>."."""
    known = [h for h in horizons if h.n]
    if not known:
        return f"{subject} cannot be checked yet: {note or 'no comparison'}."
    off = _listing([f"{_pct(h.mape)} {HORIZON_WORDS[h.horizon]} ahead" for h in known])
    lean = ("ran high" if overall_bias > NO_LEAN else "ran low" if overall_bias < -NO_LEAN
            else "ran neither high nor low")
    text = f"{subject} was off by {off} on average, and {lean}."
    band = f"±{_pct(tolerance)}"
    meeting = [h for h in known if h.meets]
    if len(meeting) == len(known):
        text += f" Within the plan's {band} at every horizon checked."
    elif not meeting:
        text += f" Outside the plan's {band} at every horizon checked."
    else:
        text += f" Within the plan's {band} {_listing([HORIZON_WORDS[h.horizon] for h in meeting])} ahead."
    unknown = [h for h in horizons if not h.n]
    if unknown:
        text += (f" Not checked {_listing([HORIZON_WORDS[h.horizon] for h in unknown])} ahead: "
                 f"{unknown[0].note}.")
    return text


def _model_backtest(m: ForecastModel, data: AmsData, settings: Assumptions,
                    plan: dict[int, list[pd.Period]], made: dict[pd.Period, Forecast],
                    missing: str, months_held: int) -> ModelBacktest:
    a = settings.accuracy
    rows = []
    actual = pd.Series(dtype=float)
    if not missing:
        months = covered_months(data, m.actual_from)
        actual = m.actual(data, settings, months).astype(float)
        for h, cutoffs in plan.items():
            for c in cutoffs:
                f = made[c]
                target = c + h
                forecast = float(f.values.get(target, np.nan)) if f.values is not None else np.nan
                rows.append([pd.Timestamp(month_end(c)), target.start_time, h, forecast,
                             float(actual.get(target, np.nan))])
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS[:-1])
    table["horizon"] = table["horizon"].astype(int)
    table["error"] = percentage_errors(table["forecast"], table["actual"])
    summary = []
    for h in a.horizon_months():
        part = table[table["horizon"] == h]
        n = int(np.isfinite(part["error"]).sum())
        note = ""
        if missing:
            note = missing
        elif not plan[h]:
            note = history_note(m, h, months_held)
        elif n == 0:
            notes = list(dict.fromkeys(made[c].note for c in plan[h] if made[c].note))
            note = notes[0] if notes else "what happened was 0 in every month checked"
        value = mape(part["forecast"], part["actual"])
        summary.append(HorizonAccuracy(h, value, bias(part["forecast"], part["actual"]), n,
                                       meets_tolerance(value, a.tolerance), note))
    horizons = tuple(summary)
    note = "" if any(h.n for h in horizons) else next((h.note for h in horizons if h.note), "")
    overall = bias(table["forecast"], table["actual"])
    return ModelBacktest(m.key, m.name, m.subject, m.unit, table, horizons, note,
                         accuracy_sentence(m.subject, horizons, overall, a.tolerance, note), actual)


def backtests(data: AmsData, settings: Assumptions, models: tuple[ForecastModel, ...] = MODELS) -> Backtests:
    """Backtest every forecast on the exports already read (see the module docstring)."""
    a = settings.accuracy
    horizons = a.horizon_months()
    last = last_complete_month(data.as_of)
    plans: dict[str, dict[int, list[pd.Period]]] = {}
    missing: dict[str, str] = {}
    held: dict[str, int] = {}
    for m in models:
        missing[m.key] = _missing_exports(data, m)
        history = covered_months(data, m.history)
        actual = covered_months(data, m.actual_from)
        held[m.key] = len(history)
        plans[m.key] = {h: [] if missing[m.key] else
                        cutoff_months(history, actual, m.min_history, h, a.backtest_month_ends, last)
                        for h in horizons}
    # One cut of the exports per month-end, shared by every forecast made at it.
    made: dict[str, dict[pd.Period, Forecast]] = {m.key: {} for m in models}
    history = ExportsHistory(data, settings.seasonality.default_term_months)
    for c in sorted({c for plan in plans.values() for cs in plan.values() for c in cs}):
        due = tuple(m for m in models if any(c in cs for cs in plans[m.key].values()))
        for key, forecast in forecasts_as_of(history, settings, month_end(c), due).items():
            made[key][c] = forecast
    results = tuple(_model_backtest(m, data, settings, plans[m.key], made[m.key], missing[m.key],
                                    held[m.key]) for m in models)
    return Backtests(data.as_of, a.backtest_month_ends, horizons, a.tolerance, a.before, results)


def _number(x: float) -> float | None:
    return round(float(x), 4) if x is not None and math.isfinite(x) else None


def forecast_accuracy(results: Backtests) -> dict[str, Any]:
    """For ``agency-xl metrics`` (key ``forecast_accuracy``): by forecast, then horizon as text
    ("1", "3", "6"): {"mape": ..., "bias": ..., "n": ...}; mape and bias as ratios (0.07 = 7%),
    None without a comparison."""
    return {m.key: {str(h.horizon): {"mape": _number(h.mape), "bias": _number(h.bias), "n": h.n}
                    for h in m.horizons}
            for m in results.models}
