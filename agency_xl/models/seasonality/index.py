"""Seasonality, part 1: the seasonal index. Sales per calendar month, each year's index against its
own monthly mean, their average, and the monthly factors the cash-flow model uses."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agency_xl.models.periods import last_complete_month
from agency_xl.models.scalars import safe_ratio as _ratio

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def monthly_history(dates, values=None, through: dt.date | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Sales per calendar month: one row per year (index = year), columns Jan..Dec.

    A sale counts 1, or its value when ``values`` (premium, say) is given. The history runs from the
    month of the first sale to the last complete month on or before ``through`` (default: the
    month of the last sale); sales after it are left out. Months inside that span without a sale
    hold 0; months outside it are NaN (unknown, not zero). Rows with no date (NaT) or no value (NaN)
    are left out.
    """
    raw = np.asarray(dates).ravel()
    d = (pd.Series(raw) if raw.dtype.kind == "M"  # dates already (the sales table's): nothing to parse
         else pd.to_datetime(pd.Series(np.asarray(dates, dtype=object).ravel(), dtype=object), errors="coerce"))
    if values is None:
        v = pd.Series(1.0, index=d.index)
    else:
        v = pd.Series(np.asarray(values, dtype=float).ravel(), index=d.index)
        if len(v) != len(d):
            raise ValueError(f"{len(d)} dates but {len(v)} values")
    keep = d.notna() & v.notna()
    d, v = d[keep], v[keep]
    empty = pd.DataFrame(columns=list(MONTHS), dtype=float)
    if d.empty:
        return empty
    last = last_complete_month(through) if through is not None else d.max().to_period("M")
    # Calendar months as numbers (months since 1970-01): grouping by numbers, not Periods.
    months = d.to_numpy().astype("datetime64[M]").astype("int64")
    end = last.year * 12 + last.month - 1 - 1970 * 12
    inside = months <= end
    v, months = v[inside], months[inside]
    if not len(months):
        return empty
    first = int(months.min())
    sums = v.groupby(months).sum().reindex(range(first, end + 1), fill_value=0.0)
    first_year = 1970 + first // 12
    table = pd.DataFrame(np.nan, index=range(first_year, last.year + 1), columns=list(MONTHS))
    for month, total in sums.items():
        table.iat[1970 + month // 12 - first_year, month % 12] = float(total)
    table.index.name = "year"
    return table


def yearly_index(row) -> np.ndarray:  # noqa: ANN001
    """One year's index: 100 x each month's sales / the year's mean monthly sales (NaN when the
    year sold nothing)."""
    x = np.asarray(row, dtype=float)
    return 100.0 * _ratio(x, np.full_like(x, np.nanmean(x) if np.isfinite(x).any() else np.nan))


@dataclass
class SeasonalIndex:
    """The seasonal index and the history behind it."""

    index: np.ndarray  # 12 values Jan..Dec, mean 100; NaN when the history is too short
    by_year: pd.DataFrame  # each year's index (rows: year labels, oldest first; columns Jan..Dec)
    months_of_history: int  # months from the first sale to the end of the history
    note: str  # what the owner should know about the history behind the index
    history: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)  # monthly_history table

    @property
    def years_used(self) -> list[str]:
        return [str(y) for y in self.by_year.index]

    @property
    def peak_month(self) -> str | None:
        return MONTHS[int(np.nanargmax(self.index))] if np.isfinite(self.index).any() else None

    @property
    def low_month(self) -> str | None:
        return MONTHS[int(np.nanargmin(self.index))] if np.isfinite(self.index).any() else None


def year_label(last_year: int, last_month: str) -> str:
    """"2024" for a year ending in December, else "Year to Oct 2025"."""
    return str(last_year) if last_month == "Dec" else f"Year to {last_month} {last_year}"


def index_from_history(history: pd.DataFrame, years: int | None = None) -> SeasonalIndex:
    """The seasonal index of a ``monthly_history`` table (see the module docstring for the method).

    ``years``: how many of the most recent 12-month years to average (None = all there are).
    """
    h = history.astype(float)
    flat = h.stack(future_stack=True).dropna()  # (year, month) in time order, inside the history
    n = len(flat)
    available = n // 12
    k = available if years is None else min(available, years)
    rows: dict[str, np.ndarray] = {}
    skipped = 0
    for i in range(k, 0, -1):  # oldest first
        chunk = flat.iloc[n - 12 * i: n - 12 * (i - 1)]
        by_month = np.full(12, np.nan)
        for (_, month), total in chunk.items():
            by_month[MONTHS.index(month)] = total
        if not by_month.sum() > 0:
            skipped += 1  # a year without a sale has no pattern
            continue
        (last_year, last_month) = chunk.index[-1]
        rows[year_label(int(last_year), last_month)] = yearly_index(by_month)
    by_year = pd.DataFrame.from_dict(rows, orient="index", columns=list(MONTHS))
    if not rows:
        why = (f"Only {n} month{'s' if n != 1 else ''} of sales history: the index needs 12 months "
               "or more." if available == 0 else "No sales in the history.")
        return SeasonalIndex(np.full(12, np.nan), by_year, n, why, h)
    index = by_year.to_numpy(float).mean(axis=0)
    if available < 2:
        note = (f"Less than two years of sales history ({n} months): the index rests on one year "
                "and may show that year's chance events as a season.")
    else:
        note = f"Average of {len(rows)} years of sales ({n} months of history)."
    if skipped:
        note += f" {skipped} year{'s' if skipped > 1 else ''} without sales left out."
    return SeasonalIndex(index, by_year, n, note, h)


def seasonal_index(dates, values=None, through: dt.date | None = None,  # noqa: ANN001
                   years: int | None = None) -> SeasonalIndex:
    """Monthly seasonal index of sales, mean 100, from sale dates (and optional values such as
    premium; without them each sale counts 1). See ``monthly_history`` and ``index_from_history``.

    >>> s = seasonal_index(pd.date_range("2024-01-01", periods=12, freq="MS"), [85, 90, 110, 120,
    ...     115, 105, 80, 75, 95, 100, 110, 115])
    >>> [round(float(x)) for x in s.index[:3]], s.peak_month, s.low_month
    ([85, 90, 110], 'Apr', 'Aug')
    """
    return index_from_history(monthly_history(dates, values, through), years)


def sales_index(sales: pd.DataFrame, through: dt.date | None = None, measure: str = "policies",
                years: int | None = None) -> SeasonalIndex:
    """The seasonal index of a sales table (columns issue_date and premium): of policies sold
    (``measure="policies"``) or of premium sold (``"premium"``)."""
    if measure not in ("policies", "premium"):
        raise ValueError(f"measure must be 'policies' or 'premium', not {measure!r}")
    values = sales["premium"].to_numpy(float) if measure == "premium" else None
    return seasonal_index(sales["issue_date"].to_numpy(), values, through, years)


def seasonality_factors(index) -> np.ndarray:  # noqa: ANN001
    """Monthly factors = index / 100 (1.0 where the index is unknown: no seasonality known)."""
    f = np.asarray(index, dtype=float) / 100.0
    return np.where(np.isfinite(f), f, 1.0)


def cash_flow_seasonality(sales: pd.DataFrame | None, through: dt.date | None = None,
                          measure: str = "premium", years: int | None = 3) -> pd.Series:
    """The monthly cash-flow seasonality factor (index / 100) for the cash-flow model.

    A Series indexed by month number 1..12 (``factors[month]``), named by ``MONTHS`` in its
    ``attrs["months"]``; the factors average 1. Premium sold is the default measure because
    commission cash follows premium. Without sales, or with less than 12 months of them, every
    factor is 1.0 (flat: no seasonality known) and ``attrs["note"]`` says why.

    Multiply an average month's new-business figure by ``factors[m]`` to get month m's.
    """
    if sales is None or sales.empty:
        out = pd.Series(1.0, index=range(1, 13), name="seasonality_factor")
        out.attrs.update(months=MONTHS, note="No sales history: no seasonality applied.")
        return out
    s = sales_index(sales, through, measure, years)
    out = pd.Series(seasonality_factors(s.index), index=range(1, 13), name="seasonality_factor")
    out.attrs.update(months=MONTHS, note=s.note)
    return out


def average_monthly_sales(history: pd.DataFrame, months: int = 12) -> float:
    """Mean sales per month over the last ``months`` months of a ``monthly_history`` table (NaN
    when it holds none)."""
    flat = history.stack(future_stack=True).dropna().tail(months)
    return float(flat.mean()) if len(flat) else math.nan
