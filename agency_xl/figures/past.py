"""What earlier refreshes recorded, as the figures of this refresh see it.

The history file beside the workbook (``agency_xl.history``) keeps one snapshot per as-of date.
The refresh reads it *before* recording itself (``excel.refresh_history.past_refreshes``) and hands
it to ``compute_figures`` as plain tables, so figures that compare with the past (the Scorecard's
past values, the Summary's arrows against last month, the Accuracy sheet's live forecasts) stay
pure: they never open a file. A refresh with no history file, or one that cannot be read, gets
``PastRefreshes.none()`` (with the problem, for the sheet to say).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

FORECAST_COLUMNS = ["series", "made_from", "month", "horizon", "forecast", "actual", "actual_as_of"]


def _no_kpis() -> pd.DataFrame:
    return pd.DataFrame(index=pd.Index([], name="as_of", dtype="object"))


def _no_forecasts() -> pd.DataFrame:
    return pd.DataFrame(columns=FORECAST_COLUMNS)


@dataclass(frozen=True)
class PastRefreshes:
    """Earlier snapshots only (this refresh's as-of date and later ones excluded).

    ``kpis``: one row per earlier snapshot, indexed by its as-of date (``datetime.date``, oldest
    first), one column per KPI name as recorded ("profitability.combined_ratio"); a number, a text
    or None (NaN where a snapshot did not record that KPI).
    ``forecasts``: every recorded forecast beside what a snapshot says happened
    (``history.forecast_vs_actual`` columns: series, made_from, month "YYYY-MM", horizon in months,
    forecast, actual (NaN while its month has not been seen), actual_as_of).
    ``problem``: why the history could not be read, or None."""

    kpis: pd.DataFrame = field(default_factory=_no_kpis)
    forecasts: pd.DataFrame = field(default_factory=_no_forecasts)
    problem: str | None = None

    @staticmethod
    def none(problem: str | None = None) -> PastRefreshes:
        """No earlier refresh (or none readable: ``problem`` says why)."""
        return PastRefreshes(problem=problem)

    def dates(self) -> list[dt.date]:
        """The as-of dates of the earlier snapshots, oldest first."""
        return list(self.kpis.index)

    def series(self, name: str) -> pd.Series:
        """The recorded values of the KPI ``name``, by as-of date, oldest first; empty when never recorded."""
        if name not in self.kpis.columns:
            return pd.Series(dtype="object", name=name)
        return self.kpis[name].dropna()

    def latest_before(self, day: dt.date) -> dict[str, object] | None:
        """Every KPI of the latest snapshot dated before ``day``, or None when there is none."""
        earlier = [d for d in self.kpis.index if d < day]
        if not earlier:
            return None
        row = self.kpis.loc[max(earlier)]
        return {k: v for k, v in row.items() if not (isinstance(v, float) and v != v)}
