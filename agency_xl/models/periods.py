"""One meaning of "the last 12 months" for every model.

A window is a run of complete calendar months ending with the last complete month on or before
the date the data reaches (``through``): the month of ``through`` counts when ``through`` is its
last day, else the window ends with the month before. On a 2 November as-of the 12-month window
is November to October of the year before (365 or 366 days), never 1 November to 2 November.
Trends show these complete months only, so the last point of a chart is never a 2-day month.

The date a figure's window ends at is the earliest coverage end of the exports it uses
(``AmsData.window_end``); the models take that date and stay pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd


def last_complete_month(through: dt.date) -> pd.Period:
    """The last calendar month wholly on or before ``through``: its own month when ``through`` is
    the month's last day, else the month before.

    >>> str(last_complete_month(dt.date(2025, 10, 31))), str(last_complete_month(dt.date(2025, 11, 2)))
    ('2025-10', '2025-10')
    """
    t = pd.Timestamp(through)
    month = t.to_period("M")
    return month if (t + pd.Timedelta(days=1)).month != t.month else month - 1


@dataclass(frozen=True)
class Window:
    """``months`` complete calendar months: ``first`` (first day) to ``last`` (last day), both
    at midnight and both inside the window."""

    first: pd.Timestamp
    last: pd.Timestamp
    months: int

    @property
    def end(self) -> pd.Timestamp:
        """The day after the window (its exclusive end)."""
        return self.last + pd.Timedelta(days=1)

    def month_starts(self) -> pd.DatetimeIndex:
        """The first day of each month of the window, oldest first."""
        return pd.date_range(self.first, periods=self.months, freq="MS")

    def contains(self, dates: pd.Series | np.ndarray) -> np.ndarray:
        """True for the dates inside the window (any time of day on its days); NaT is outside."""
        if isinstance(dates, np.ndarray) and dates.dtype.kind == "M":  # dates already: compare as they are
            d = dates.ravel()
            return (d >= self.first.to_datetime64()) & (d < self.end.to_datetime64())  # NaT: False
        d = pd.to_datetime(pd.Series(np.asarray(dates).ravel()) if not isinstance(dates, pd.Series)
                           else dates)
        return ((d >= self.first) & (d < self.end)).to_numpy(bool)

    def before(self, months: int | None = None) -> Window:
        """The window of ``months`` (default: as many) complete months just before this one."""
        n = self.months if months is None else int(months)
        last = self.first - pd.Timedelta(days=1)
        return Window((last.to_period("M") - (n - 1)).to_timestamp(), last, n)

    def label(self) -> str:
        """"Nov 2024 - Oct 2025" (one month: "Oct 2025")."""
        if self.months == 1:
            return f"{self.first:%b %Y}"
        return f"{self.first:%b %Y} - {self.last:%b %Y}"

    def __str__(self) -> str:
        return self.label()


def window(through: dt.date, months: int = 12) -> Window:
    """The ``months`` complete calendar months ending with ``last_complete_month(through)``.

    >>> w = window(dt.date(2025, 11, 2)); (w.label(), (w.last - w.first).days + 1)
    ('Nov 2024 - Oct 2025', 365)
    >>> window(dt.date(2025, 10, 31)).label()
    'Nov 2024 - Oct 2025'
    """
    n = int(months)
    if n < 1:
        raise ValueError(f"a window needs at least 1 month, not {months}")
    last_month = last_complete_month(through)
    first = (last_month - (n - 1)).to_timestamp()
    last = (last_month + 1).to_timestamp() - pd.Timedelta(days=1)
    return Window(first, last, n)


def window_text(w: Window) -> str:
    """How a sheet states a window: "12 months = Nov 2024 - Oct 2025 (complete months)"."""
    return f"{w.months} months = {w.label()} (complete months)"
