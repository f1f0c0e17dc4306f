"""Live forecasts: what earlier refreshes forecast, against what happened (issue 13.3).

Each refresh records its forecasts in the history file beside the workbook
(``excel.refresh_history.history_rows``); the refresh reads them back before recording itself
(``figures.past.PastRefreshes.forecasts``). Once a later refresh covers a month an earlier one
forecast, the forecast is compared with what happened that month:

- what this refresh's exports show, for the forecasts the backtests also check (net cash flow:
  the statements less the Settings' expenses; renewals due: renewals offered on the growth &
  retention report; ``figures.forecasts``, the same actuals as the backtests'): the latest
  exports are the most complete (commission statements arrive late);
- otherwise what an earlier refresh recorded for that month (the households of the referral
  projection, recorded for the as-of month of each refresh).

Error = (forecast - actual) / |actual| (``models.accuracy.percentage_errors``): above 0 the
forecast ran high; no error where the actual is 0. Pure: reads no file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agency_xl.figures.backtest import Backtests, month_end
from agency_xl.figures.past import PastRefreshes
from agency_xl.models.accuracy import percentage_errors

# Recorded series -> the backtest whose actuals (this refresh's exports) show what happened.
FROM_EXPORTS = {"cash_flow.net_cash_flow": "net_cash_flow", "seasonality.renewals_due": "renewals_due"}
# Recorded series an actual exists for: those above, and those whose actual a refresh records
# (excel.refresh_history: POINT_ACTUALS, MONTHLY_ACTUALS). The others (accrual profit, cash
# position, staff needed) have no actual in any export and wait for none.
CHECKABLE = set(FROM_EXPORTS) | {"referral_growth.customers", "seasonality.policies_sold"}
# Recorded series in the owner's words, with their unit.
SERIES = {
    "cash_flow.net_cash_flow": ("Net cash flow", "$"),
    "cash_flow.accrual_profit": ("Accrual profit", "$"),
    "cash_flow.cash_position": ("Cash position", "$"),
    "seasonality.renewals_due": ("Renewals due", "renewals"),
    "seasonality.staff_needed": ("Staff needed", "people"),
    "seasonality.policies_sold": ("Policies sold", "policies"),
    "referral_growth.customers": ("Customers (referral projection)", "households"),
}
COLUMNS = ["series", "name", "unit", "made_from", "month", "horizon", "forecast", "actual", "error", "actual_from"]


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


@dataclass(frozen=True)
class LiveForecasts:
    """Earlier refreshes' forecasts whose month has been seen.

    ``rows``: one per forecast (``COLUMNS``): series (as recorded), name and unit (owner's words),
    made_from (the as-of date of the refresh that made it), month (first day, pd.Timestamp),
    horizon (months after made_from's month), forecast, actual, error (ratio, NaN when the actual
    is 0), actual_from ("exports as of YYYY-MM-DD" or "refresh as of YYYY-MM-DD"); newest month
    first. ``waiting``: forecasts recorded whose month no refresh has seen yet; ``first_due``: the
    earliest month-end after which one of them can be checked (None without one). ``problem``: why
    the history could not be read."""

    as_of: dt.date
    rows: pd.DataFrame = field(default_factory=_no_rows)
    waiting: int = 0
    first_due: dt.date | None = None
    problem: str | None = None

    def note(self) -> str:
        """One sentence on what the table shows, or when it will show something."""
        if self.problem:
            return f"{self.problem} Live forecasts appear once the history beside the workbook can be read."
        shown = len(self.rows)
        due = (f" The next can be checked by a refresh as of {self.first_due:%Y-%m-%d} or later "
               f"({self.waiting} forecast{'' if self.waiting == 1 else 's'} waiting)." if self.first_due else "")
        if shown:
            return (f"{shown} forecast{'' if shown == 1 else 's'} of earlier refreshes against what happened "
                    f"(newest month first).{due}")
        if self.first_due:
            return f"No earlier forecast's month has been seen yet.{due}"
        return ("No earlier refresh recorded a forecast yet: each refresh records its forecasts in the "
                "history file beside the workbook, and a refresh after the end of next month shows "
                "them here against what happened.")


def compute(past: PastRefreshes, backtests: Backtests) -> LiveForecasts:
    """The live forecasts of this refresh (see the module docstring)."""
    as_of = backtests.as_of
    recorded = past.forecasts
    if past.problem or recorded.empty:
        return LiveForecasts(as_of, problem=past.problem)
    table = recorded.copy()
    table["actual"] = table["actual"].astype(float)
    table["actual_from"] = [f"refresh as of {d:%Y-%m-%d}" if isinstance(d, dt.date) else ""
                            for d in table["actual_as_of"]]
    for series, key in FROM_EXPORTS.items():
        shown = backtests.model(key).actuals.dropna()
        if shown.empty:
            continue
        by_month = {f"{p:%Y-%m}": float(v) for p, v in shown.items()}
        rows = (table["series"] == series) & table["month"].isin(by_month.keys())
        table.loc[rows, "actual"] = table.loc[rows, "month"].map(by_month)
        table.loc[rows, "actual_from"] = f"exports as of {as_of:%Y-%m-%d}"
    seen = table[np.isfinite(table["actual"])].copy()
    pending = table[~np.isfinite(table["actual"]) & table["series"].isin(CHECKABLE)]
    first_due = min((month_end(pd.Period(m, "M")) for m in pending["month"]), default=None)
    seen["name"] = [SERIES.get(s, (s, ""))[0] for s in seen["series"]]
    seen["unit"] = [SERIES.get(s, (s, ""))[1] for s in seen["series"]]
    seen["month"] = [pd.Timestamp(f"{m}-01") for m in seen["month"]]
    seen["error"] = percentage_errors(seen["forecast"], seen["actual"])
    seen = seen.sort_values(["month", "series", "made_from"], ascending=[False, True, True])
    return LiveForecasts(as_of, seen[COLUMNS].reset_index(drop=True), len(pending), first_due)
