"""Calendar arithmetic on whole days, vectorised.

The simulation counts days as int64 days since 1970-01-01, so a year of daily steps over tens of
thousands of policies stays plain integer numpy. Month arithmetic clips to the month's end
(Jan 31 + 1 month = Feb 28), as a policy's anniversary or installment does.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

NEVER = np.int64(10**7)  # a day far beyond any date used ("not yet", "never")
EXCEL_EPOCH_OFFSET = 25569  # Excel serial of 1970-01-01 (serials count from 1899-12-30)


def day(d: dt.date) -> int:
    """Day number of a date (days since 1970-01-01)."""
    return (d - dt.date(1970, 1, 1)).days


def to_date(n: int) -> dt.date:
    """The date of a day number."""
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(n))


def add_months(days: np.ndarray | int, months: np.ndarray | int) -> np.ndarray:
    """The same day of the month ``months`` later, clipped to the end of a shorter month."""
    d = np.asarray(days, dtype=np.int64).astype("M8[D]")
    m = d.astype("M8[M]")
    dom = (d - m.astype("M8[D]")).astype(np.int64)
    target = m + np.asarray(months, dtype=np.int64)
    month_len = ((target + 1).astype("M8[D]") - target.astype("M8[D]")).astype(np.int64)
    return target.astype("M8[D]").astype(np.int64) + np.minimum(dom, month_len - 1)


def month_start(days: np.ndarray | int) -> np.ndarray:
    """Day number of the first of the month."""
    d = np.asarray(days, dtype=np.int64).astype("M8[D]")
    return d.astype("M8[M]").astype("M8[D]").astype(np.int64)


def month_number(days: np.ndarray | int) -> np.ndarray:
    """Months since 1970-01 (a month index for grouping)."""
    return np.asarray(days, dtype=np.int64).astype("M8[D]").astype("M8[M]").astype(np.int64)


def month_of_year(days: np.ndarray | int) -> np.ndarray:
    """1..12."""
    return month_number(days) % 12 + 1


def day_of_month(days: np.ndarray | int) -> np.ndarray:
    """1..31."""
    return np.asarray(days, dtype=np.int64) - month_start(days) + 1


def next_day_of_month(days: np.ndarray, dom: int) -> np.ndarray:
    """The first date on or after ``days`` that falls on day ``dom`` (<= 28) of a month."""
    start = month_start(days)
    this_month = start + (dom - 1)
    return np.where(np.asarray(days) <= this_month, this_month, add_months(this_month, 1))


def seasonal_days(rng: np.random.Generator, n: int, first: int, last: int,
                  season: tuple[float, ...]) -> np.ndarray:
    """``n`` random days in [first, last], more of them in months with a larger season weight."""
    months = np.arange(month_number(first), month_number(last) + 1)
    lo = np.maximum(months.astype("M8[M]").astype("M8[D]").astype(np.int64), first)
    hi = np.minimum((months + 1).astype("M8[M]").astype("M8[D]").astype(np.int64) - 1, last)
    length = hi - lo + 1
    weight = np.asarray(season)[months % 12] * length
    pick = rng.choice(len(months), size=n, p=weight / weight.sum())
    return lo[pick] + np.floor(rng.random(n) * length[pick]).astype(np.int64)


def excel_serial(days: np.ndarray) -> np.ndarray:
    """Excel's date serial numbers (1900 date system) of day numbers."""
    return np.asarray(days, dtype=np.int64) + EXCEL_EPOCH_OFFSET


def datetime64(days: np.ndarray) -> np.ndarray:
    """datetime64[ns] values (NaT for NEVER), the type the AMS reader hands on."""
    d = np.asarray(days, dtype=np.int64)
    out = d.astype("M8[D]").astype("M8[ns]")
    out[d >= NEVER] = np.datetime64("NaT")
    return out


def text(days: np.ndarray, style: str = "mdy") -> list[str]:
    """Dates as text: "mdy" -> "10/15/2025", "iso" -> "2025-10-15", "mon" -> "Oct 2025"."""
    iso = np.asarray(days, dtype=np.int64).astype("M8[D]").astype(str)
    if style == "iso":
        return iso.tolist()
    if style == "mdy":
        return [f"{s[5:7]}/{s[8:10]}/{s[0:4]}" for s in iso]
    if style == "mon":
        names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec")
        return [f"{names[int(s[5:7]) - 1]} {s[0:4]}" for s in iso]
    raise ValueError(f"unknown date style {style!r}")
