"""Forecast accuracy: how far a forecast was from what happened.

For one forecast F of a month and what the exports show happened that month, A:

    percentage error  p = (F - A) / |A|       (0.07: the forecast was 7% above what happened)
    MAPE              = mean of |p|           (mean absolute percentage error)
    bias              = mean of p             (mean signed percentage error: > 0 ran high, < 0 low)

Units: F and A in the forecast's own unit ($, policies, a retention ratio); p, MAPE and bias are
ratios (0.07 = 7%). Dividing by |A| rather than A keeps the sign meaning "above or below what
happened" also for a negative actual (a month that lost cash).

A month whose actual is 0 (or either number missing) has no percentage error: it is left out of
MAPE and bias, and the count of comparisons says how many were used. Empty input gives NaN, not
an error (like empyrical's metrics).

Source: Hyndman & Koehler, "Another look at measures of forecast accuracy", International Journal
of Forecasting 22(4), 2006, section 3.2 (percentage errors p_t = 100 e_t / Y_t, MAPE = mean(|p_t|));
their error is e_t = Y_t - F_t, so their mean percentage error has the opposite sign of ``bias``
here, which reads as the owner would say it ("the forecast ran high").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


def percentage_errors(forecast: ArrayLike, actual: ArrayLike) -> np.ndarray:
    """(F - A) / |A| for each pair, NaN where A is 0 or either number is missing.

    >>> percentage_errors([110.0, 90.0, 5.0], [100.0, 100.0, 0.0]).round(2).tolist()
    [0.1, -0.1, nan]
    """
    f = np.asarray(forecast, dtype=float).ravel()
    a = np.asarray(actual, dtype=float).ravel()
    if f.shape != a.shape:
        raise ValueError(f"{len(f)} forecasts but {len(a)} actuals")
    ok = np.isfinite(f) & np.isfinite(a) & (a != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, (f - a) / np.abs(np.where(ok, a, 1.0)), np.nan)


def mape(forecast: ArrayLike, actual: ArrayLike) -> float:
    """Mean absolute percentage error: mean over the pairs of |F - A| / |A| (NaN when no pair has
    one). A ratio: 0.07 = the forecasts were 7% off on average.

    >>> round(mape([110.0, 90.0, 104.0], [100.0, 100.0, 100.0]), 4)
    0.08
    """
    p = percentage_errors(forecast, actual)
    p = p[np.isfinite(p)]
    return float(np.abs(p).mean()) if len(p) else math.nan


def bias(forecast: ArrayLike, actual: ArrayLike) -> float:
    """Mean signed percentage error: mean of (F - A) / |A| (NaN when no pair has one). Above 0 the
    forecasts ran high (more than happened), below 0 they ran low.

    >>> round(bias([110.0, 90.0, 104.0], [100.0, 100.0, 100.0]), 4)
    0.0133
    """
    p = percentage_errors(forecast, actual)
    p = p[np.isfinite(p)]
    return float(p.mean()) if len(p) else math.nan


def meets_tolerance(mape_value: float, tolerance: float) -> bool | None:
    """True when the mean absolute percentage error is within the tolerance (the plan: 0.10 for
    +/-10%), False when not, None when there is no error to judge (NaN)."""
    if mape_value is None or not math.isfinite(mape_value):
        return None
    return bool(mape_value <= tolerance)


def monthly_sum(dates: ArrayLike, values: ArrayLike | None = None) -> pd.Series:
    """What happened, month by month: the sum of ``values`` (or the count of rows without them)
    per calendar month of ``dates``, as a Series indexed by monthly ``pd.Period``. Months without a
    row are absent (the caller decides which months the exports cover); rows without a date or
    value are left out.

    >>> monthly_sum(pd.to_datetime(["2025-01-03", "2025-01-30", "2025-03-01"]), [1.0, 2.0, 4.0]).to_dict()
    {Period('2025-01', 'M'): 3.0, Period('2025-03', 'M'): 4.0}
    """
    d = pd.to_datetime(pd.Series(np.asarray(dates).ravel()))
    v = (pd.Series(1.0, index=d.index) if values is None
         else pd.Series(np.asarray(values, dtype=float).ravel(), index=d.index))
    if len(v) != len(d):
        raise ValueError(f"{len(d)} dates but {len(v)} values")
    keep = d.notna() & v.notna()
    return v[keep].groupby(d[keep].dt.to_period("M")).sum().astype(float)
