"""Parsing, part 3: columns of dates and months (Excel dates, serial numbers, the text forms AMS
exports write), read day first where the column's own values say so."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from agency_xl.ams.parse.text import Parsed, to_text

NEVER_YEAR = 9999  # 12/31/9999 is how many systems write "no date"
MIN_YEAR, MAX_YEAR = 1800, 2200
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Serial numbers of 1900-01-01 and 2200-12-31 in Excel's 1900 date system.
_MIN_SERIAL, _MAX_SERIAL = 2, 109573

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y%m%d",
)
_MONTH_FORMATS = ("%b %Y", "%B %Y", "%Y-%m", "%m/%Y", "%b-%Y", "%b-%y", "%B-%Y", "%Y/%m", "%m-%Y")
_TIME_OF_DAY = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?\s*(?:[AaPp]\.?[Mm]\.?)?)$")
_SERIAL_TEXT = re.compile(r"^\d{1,6}(?:\.\d+)?$")

_SLASHED = re.compile(r"^\s*(\d{1,2})[/-](\d{1,2})[/-](?:\d{4}|\d{2})\b")
_DAY_FIRST = {"%m/%d/%Y": "%d/%m/%Y", "%m/%d/%y": "%d/%m/%y", "%m-%d-%Y": "%d-%m-%Y"}


def _day_first(values: np.ndarray, month: bool) -> str | None:
    """A slashed date of the column that shows it is written day first (see the module
    docstring), or None when it is read month first."""
    parts = pd.Series(values, dtype="str").str.extract(_SLASHED).dropna()
    if parts.empty:
        return None
    first, second = parts[0].astype(int), parts[1].astype(int)
    if (second > 12).any():
        return None
    if (first > 12).any():
        return str(values[parts.index[(first > 12).to_numpy()][0]])
    if month and (first == 1).all() and second.nunique() > 1:
        return str(values[parts.index[(second != 1).to_numpy()][0]])
    return None


def _dates_from_strings(
    values: np.ndarray, month: bool, day_first: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Distinct date strings -> (Timestamps, NaT where no format fits; True where year 9999)."""
    text = pd.Series(values, dtype="str").str.replace(_TIME_OF_DAY, "", regex=True).str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    never = pd.Series(False, index=text.index)
    serial = text.str.match(_SERIAL_TEXT, na=False)
    if serial.any():
        out[serial] = _from_serial(pd.to_numeric(text[serial], errors="coerce"))
    # A month column mostly says "Oct 2025" or "2025-10": try those forms first.
    formats = (_MONTH_FORMATS + _DATE_FORMATS) if month else _DATE_FORMATS
    if day_first:
        formats = tuple(_DAY_FIRST.get(f, f) for f in formats)
    for fmt in formats:
        todo = out.isna() & ~serial & ~never & text.notna()
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        years = got.dt.year
        never[todo] = (years >= NEVER_YEAR).fillna(False)
        got = got.where((years >= MIN_YEAR) & (years <= MAX_YEAR))
        out[todo] = got.astype("datetime64[ns]")
    return out, never


def _from_serial(f: pd.Series) -> pd.Series:
    ok = (f >= _MIN_SERIAL) & (f <= _MAX_SERIAL)
    days = np.floor(f.where(ok)).to_numpy()
    out = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    return pd.Series(out, index=f.index).astype("datetime64[ns]")


def _datetimes(
    s: pd.Series, month: bool
) -> tuple[pd.Series, np.ndarray, np.ndarray, str | None]:
    """(timestamps, never, unreadable, a value showing the column is day first) for a column of
    any type."""
    n = len(s)
    never = np.zeros(n, dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        years = s.dt.year
        never = (years >= NEVER_YEAR).fillna(False).to_numpy()
        out_of_range = ((years < MIN_YEAR) | (years > MAX_YEAR)).fillna(False).to_numpy()
        kept = s.where(~(never | out_of_range))
        out = kept.dt.floor("D").astype("datetime64[ns]")
        return out, never, out_of_range & ~never, None
    if pd.api.types.is_bool_dtype(s.dtype):
        nat = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        return nat, never, s.notna().to_numpy(), None
    if pd.api.types.is_numeric_dtype(s.dtype):
        f = s.astype("float64")
        out = _from_serial(f)
        return out, never, (out.isna() & f.notna()).to_numpy(), None
    t = to_text(s)
    codes, uniques = pd.factorize(t)  # dates repeat: parse each distinct text once
    if len(uniques) == 0:
        nat = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        return nat, never, never.copy(), None
    distinct = np.asarray(uniques, dtype=object)
    day_first = _day_first(distinct, month)
    parsed, never_u = _dates_from_strings(distinct, month, day_first is not None)
    found = codes >= 0
    take = np.where(found, codes, 0)
    values = np.where(found, parsed.to_numpy()[take], np.datetime64("NaT"))
    out = pd.Series(values, index=s.index, dtype="datetime64[ns]")
    never = found & never_u.to_numpy()[take]
    bad = found & out.isna().to_numpy() & ~never
    return out, never, bad, day_first


def _day_first_note(example: str | None) -> str | None:
    if example is None:
        return None
    return f'written day first (such as "{example}"), so read as day/month/year'


def parse_date(s: pd.Series) -> Parsed:
    """Dates -> datetime64[ns] at midnight."""
    out, _, bad, day_first = _datetimes(s, month=False)
    return Parsed(out, bad, _day_first_note(day_first))


def parse_month(s: pd.Series) -> Parsed:
    """Months ("Oct 2025", "2025-10", "10/2025" or any date) -> the first day of the month."""
    out, _, bad, day_first = _datetimes(s, month=True)
    month = out.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
    return Parsed(month, bad, _day_first_note(day_first))
