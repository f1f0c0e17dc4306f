"""Seasonality, part 4: how many staff each month needs for its renewals and its expected new
sales."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.models.scalars import plain
from agency_xl.models.scalars import safe_ratio as _ratio
from agency_xl.models.seasonality.index import seasonality_factors


def expected_sales(index, average_monthly_sales: float):  # noqa: ANN001, ANN201
    """Expected new sales of each month = average monthly sales x index / 100."""
    out = float(average_monthly_sales) * np.asarray(index, dtype=float) / 100.0
    return out if out.ndim else float(out)


def staff_needed(renewals, new_sales, renewals_per_staff: float, sales_per_staff: float):  # noqa: ANN001, ANN201
    """Staff (full-time equivalents) a month needs = renewals / renewals one person handles a month
    + new sales / new sales one person handles a month. NaN where a workload rate is 0."""
    if plain(renewals, new_sales, renewals_per_staff, sales_per_staff):
        return _ratio(renewals, renewals_per_staff) + _ratio(new_sales, sales_per_staff)
    r = np.asarray(renewals, dtype=float)
    s = np.asarray(new_sales, dtype=float)
    out = np.asarray(_ratio(r, renewals_per_staff)) + np.asarray(_ratio(s, sales_per_staff))
    return out if out.ndim else float(out)


def staffing_plan(renewals: pd.DataFrame, index, average_sales: float, renewals_per_staff: float,  # noqa: ANN001
                  sales_per_staff: float, current_staff: float) -> pd.DataFrame:
    """Staff need for each month of a ``renewals_by_month`` table: its renewals plus the month's
    expected new sales (average monthly sales x the calendar month's index / 100; the average when
    the index is unknown). Columns month, renewals, new_sales, staff_renewals, staff_sales,
    staff_needed, current_staff, gap (needed - current; positive = short of staff)."""
    factors = seasonality_factors(index)
    month_no = pd.to_datetime(renewals["month"]).dt.month.to_numpy()
    sales = float(average_sales) * factors[month_no - 1] if np.isfinite(average_sales) else np.full(len(renewals), np.nan)
    t = pd.DataFrame({"month": renewals["month"].to_numpy(), "renewals": renewals["renewals"].to_numpy(float),
                      "new_sales": sales})
    t["staff_renewals"] = _ratio(t["renewals"].to_numpy(), renewals_per_staff)
    t["staff_sales"] = _ratio(t["new_sales"].to_numpy(), sales_per_staff)
    t["staff_needed"] = t["staff_renewals"] + t["staff_sales"]
    t["current_staff"] = float(current_staff)
    t["gap"] = t["staff_needed"] - t["current_staff"]
    return t
