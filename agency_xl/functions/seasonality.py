"""Worksheet functions of the seasonality model."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from agency_xl.functions.catalog import (
    ArgError,
    cell,
    date_value,
    flat,
    number,
    worksheet_function,
)
from agency_xl.models import seasonality as m

CATEGORY = "Agency - Seasonality"


def sale_dates(x: Any, name: str) -> list[dt.date | None]:
    """Every cell of a range as a date, position kept; a blank cell gives None (skipped later)."""
    values = flat(x)
    if set(map(type, values)) <= {dt.datetime, type(None)}:  # Excel dates and blanks: no checks needed
        return [None if v is None else v.date() for v in values]
    out: list[dt.date | None] = []
    for i, v in enumerate(values, start=1):
        label = f"{name} item {i}" if len(values) > 1 else name
        v = cell(v, label)
        out.append(None if v is None else date_value(v, label))
    return out


def _plain_amounts(days: list[dt.date | None], cells: list[Any]) -> np.ndarray | None:
    """The amounts beside the dates at numpy's speed when each dated row holds a plain number
    within the limits (NaN where the date is blank: the row is skipped). None when a cell needs
    the cell-by-cell checks, which then name it."""
    dated = np.array([d is not None for d in days], dtype=bool)
    if not set(map(type, [v for v, d in zip(cells, dated) if d])) <= {float}:
        return None
    a = np.array([v if d else np.nan for v, d in zip(cells, dated)], dtype=float)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(a[dated]) & (a[dated] >= -1e12) & (a[dated] <= 1e12)
    return a if ok.all() else None


INDEX_HEADER = ["Month", "Seasonal index"]


@worksheet_function(
    CATEGORY,
    "Spills the monthly seasonal index of sales (100 = an average month) for Jan..Dec: each "
    "year's month / that year's monthly mean x 100, averaged over the complete calendar years.",
    {
        "dates": "Range of sale dates (Excel dates, serial numbers or text dates); blank cells "
                 "are skipped. Needs 12 months or more.",
        "values": "Optional. Range of amounts (e.g. premium) beside the dates; without it each "
                  "date counts one sale.",
    },
    example='{"2024-01-15";"2024-02-15";"2024-03-15";"2024-04-15";"2024-05-15";"2024-06-15";'
            '"2024-07-15";"2024-08-15";"2024-09-15";"2024-10-15";"2024-11-15";"2024-12-15"}, '
            "{85;90;110;120;115;105;80;75;95;100;110;115}",
    returns="table",
    unit="table",
    kinds={"dates": "range", "values": "range"},
)
def SEASONAL_INDEX(dates: Any, values: Any = None) -> list[list[Any]]:
    days = sale_dates(dates, "dates")
    if values is None:
        amounts = None
    else:
        cells = flat(values)
        if len(cells) != len(days):
            raise ArgError(f"values must be the same size as dates ({len(days)} cells), not {len(cells)}")
        amounts = _plain_amounts(days, cells)
        if amounts is None:
            amounts = []
            for i, (d, v) in enumerate(zip(days, cells), start=1):
                label = f"values item {i}" if len(cells) > 1 else "values"
                if d is None:
                    amounts.append(np.nan)  # the row's date is blank: the row is skipped
                    continue
                amounts.append(number(v, label, lo=-1e12, hi=1e12))
    if all(d is None for d in days):
        raise ArgError("dates has no dates")
    result = m.seasonal_index(days, amounts)
    if not np.isfinite(result.index).all():
        raise ArgError(f"dates: {result.note}")  # say which argument falls short
    return [list(INDEX_HEADER)] + [[name, float(v)] for name, v in zip(m.MONTHS, result.index)]


@worksheet_function(
    CATEGORY,
    "Renewal concentration = renewals in a month / average renewals per month (1.42 means 42% "
    "busier than an average month).",
    {
        "renewals_in_month": "Number of policies renewing in the month, e.g. 325.",
        "average_renewals": "Average renewals per month over the year, e.g. 229.",
    },
    example="325, 229",
    unit="ratio",
)
def RENEWAL_CONCENTRATION(renewals_in_month: Any, average_renewals: Any) -> float:
    r = number(renewals_in_month, "renewals_in_month", 0, 1e9)
    avg = number(average_renewals, "average_renewals", 0, 1e9)
    if avg == 0:
        raise ArgError("average_renewals is 0; a concentration needs an average above 0")
    return m.renewal_concentration(r, avg)


@worksheet_function(
    CATEGORY,
    "Marketing timing for a month's seasonal index: 'Increase spend by 25%' at or above the high "
    "threshold, 'Reduce spend by 15%' at or below the low one, else 'Keep spend'.",
    {
        "seasonal_index": "The month's seasonal sales index, 100 = an average month.",
        "high_index": "Optional. High-season threshold. Default 110.",
        "low_index": "Optional. Low-season threshold. Default 90.",
        "increase": "Optional. Spend increase in high season as a decimal. Default 0.25.",
        "decrease": "Optional. Spend cut in low season as a decimal. Default 0.15.",
    },
    example="118",
    returns="text",
    unit="text",
)
def MARKETING_TIMING(seasonal_index: Any, high_index: Any = None, low_index: Any = None,
                     increase: Any = None, decrease: Any = None) -> str:
    s = number(seasonal_index, "seasonal_index", 0, 1200)
    high = number(high_index, "high_index", 0, 1200, default=110.0)
    low = number(low_index, "low_index", 0, 1200, default=90.0)
    up = number(increase, "increase", 0, 5, default=0.25)
    down = number(decrease, "decrease", 0, 1, default=0.15)
    if low > high:
        raise ArgError("low_index must not be above high_index")
    return m.timing_advice(s, high, low, up, down)


@worksheet_function(
    CATEGORY,
    "Staff a month needs = renewals / renewals per staff member + new sales / new sales per staff "
    "member (full-time equivalents).",
    {
        "renewals": "Renewals in the month.",
        "new_sales": "New policies expected in the month.",
        "renewals_per_staff": "Renewals one staff member handles in a month, e.g. 150.",
        "sales_per_staff": "New policies one staff member writes in a month, e.g. 30.",
    },
    example="325, 30, 150, 30",
    unit="people",
)
def STAFF_NEEDED(renewals: Any, new_sales: Any, renewals_per_staff: Any, sales_per_staff: Any) -> float:
    r = number(renewals, "renewals", 0, 1e9)
    s = number(new_sales, "new_sales", 0, 1e9)
    rps = number(renewals_per_staff, "renewals_per_staff", 0, 1e9)
    sps = number(sales_per_staff, "sales_per_staff", 0, 1e9)
    if rps == 0 or sps == 0:
        raise ArgError("renewals_per_staff and sales_per_staff must be above 0")
    return m.staff_needed(r, s, rps, sps)
