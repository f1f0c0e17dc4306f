"""Turning export cells into typed values, a whole column at a time.

Every ``parse_*`` function takes one column (a pandas Series of whatever the file gave: numbers,
datetimes, text, or a mix as text) and returns a ``Parsed``: the typed values and a mask of the
cells that held something that could not be read. Blank cells are not "bad"; the caller decides
whether a blank is allowed. Nothing here loops over cells in Python: text is parsed with Arrow
compute functions on the strings pandas already keeps in Arrow (pandas' own ``.str.extract``
is some 50 times slower on 150,000 amounts), and dates and names, which repeat, are parsed once
per distinct value.

What is accepted (AMS_EXPORTS.md, "What real files look like"):
- amounts: numbers, ``$1,234.56``, ``(1,234.56)`` and ``1,234.56-`` for negatives, ``-$12.00``;
  ``—``/``-``/``n/a``/``#N/A``/blank mean nothing;
- percentages: ``89.64%`` -> 0.8964, 0.8964 stays; a column whose plain numbers are all above 1
  (``89.64``) is taken as percentage points;
- dates: Excel dates, Excel serial numbers, ``10/15/2025``, ``10/15/25``, ``2025-10-15``,
  ``Oct 15, 2025``, ``15-Oct-2025`` (a time of day is dropped); ``12/31/9999`` ("never") is blank;
  dates before 1800 or after 2200 are bad (the reader rejects dates before 1950 as
  implausible). Slashed dates are month first (US), unless a column's own values say otherwise:
  where some value cannot be month first (``31/10/2025``) and every value can be day first, the
  column is read day first; a month column whose values all begin ``1/`` while the second number
  varies (``01/10/2025``, ``01/09/2025``: the first of each month) is read day first too.
  Either way ``Parsed.note`` says so;
- months: any date, or ``Oct 2025``, ``October 2025``, ``2025-10``, ``10/2025`` -> first of month;
- ids: ``123456.0`` (Excel turned the id into a number) -> ``"123456"``; leading zeros of text kept.

An Excel error value written as text (``#DIV/0!``, ``#REF!``, ``#VALUE!`` ...; a CSV or HTML
export of a sheet whose formulas failed) is never a value: ``excel_errors`` finds them, and the
reader reports them by cell as it reports the error cells of a workbook. ``#N/A`` is the
exception: AMS exports write it for "nothing", and it is read as blank.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Cells that mean "nothing". fastexcel already reads n/a, NA, null and #N/A in a numeric column
# as empty; treating them as blank everywhere keeps CSV, HTML and Excel files alike.
BLANK_TOKENS = (
    "",
    "-",
    "--",
    "—",
    "–",
    "n/a",
    "N/A",
    "N/a",
    "na",
    "NA",
    "null",
    "NULL",
    "Null",
    "#N/A",
    "nan",
    "NaN",
)
_BLANKS = pa.array(BLANK_TOKENS, type=pa.large_string())
EXCEL_ERROR_TEXT = (
    "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
)
_ERRORS = pa.array(EXCEL_ERROR_TEXT, type=pa.large_string())
NEVER_YEAR = 9999  # 12/31/9999 is how many systems write "no date"
MIN_YEAR, MAX_YEAR = 1800, 2200
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Serial numbers of 1900-01-01 and 2200-12-31 in Excel's 1900 date system.
_MIN_SERIAL, _MAX_SERIAL = 2, 109573


@dataclass
class Parsed:
    """One parsed column: ``values`` typed; ``bad`` True where a non-blank cell was unreadable;
    ``note``: how the column was read, when the owner should know (dates read day first)."""

    values: pd.Series
    bad: np.ndarray
    note: str | None = None


def _is_text(s: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(s.dtype)
        or pd.api.types.is_datetime64_any_dtype(s.dtype)
        or pd.api.types.is_bool_dtype(s.dtype)
    )


def _arrow(s: pd.Series) -> pa.Array:
    """A ``str`` column as an Arrow string array (no copy: pandas keeps its strings in Arrow)."""
    return pa.array(s.array)


def _series(arr: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    return pd.Series(pd.array(arr, dtype="str"), index=index)


def _np_bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean array as numpy, null counted as False."""
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def to_text(s: pd.Series) -> pd.Series:
    """Any column as trimmed text (``str`` dtype, NaN for blank). Whole numbers lose their '.0'."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.map({True: "TRUE", False: "FALSE"}).astype("str")
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.dt.strftime("%Y-%m-%d").astype("str")
    if pd.api.types.is_numeric_dtype(s.dtype):
        f = s.to_numpy(dtype="float64", na_value=np.nan)
        present = ~np.isnan(f)
        whole = present & (np.floor(f) == f) & (np.abs(f) < 1e15)
        if (whole == present).all():  # the usual case: ids Excel stored as numbers
            ints = pa.array(np.where(whole, f, 0).astype(np.int64), mask=~whole)
            return _series(pc.cast(ints, pa.large_string()), s.index)
        return pd.Series([_obj_text(v) for v in f.tolist()], index=s.index, dtype="str")
    if s.dtype == object:  # from an all-empty Arrow column, or Python values
        s = s.map(lambda v: v if v is None or isinstance(v, str) else _obj_text(v))
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.storage != "pyarrow":
        s = s.astype("str")
    t = pc.utf8_trim_whitespace(_arrow(s))
    t = pc.if_else(pc.is_in(t, value_set=_BLANKS), pa.scalar(None, t.type), t)
    # Excel turned a numeric id into a float and the file wrote it as text: "123456.0".
    if pc.any(pc.ends_with(t, ".0")).as_py():
        t = pc.replace_substring_regex(t, r"^(\d+)\.0+$", r"\1")
    return _series(t, s.index)


def id_for_matching(s: pd.Series) -> pd.Series:
    """Ids as rows are matched on: upper case, without spaces, and without the leading zeros of
    an all-digit id (Excel drops them when it turns the id into a number): "00012345" and
    12345, or "p-1 " and "P-1", are the same id."""
    t = pc.replace_substring_regex(pc.utf8_upper(_arrow(to_text(s))), r"\s+", "")
    return _series(pc.replace_substring_regex(t, r"^0+(\d+)$", r"\1"), s.index)


def _obj_text(v: object) -> str | None:
    if isinstance(v, float):
        if v != v:
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%Y-%m-%d")
    return str(v)


def text_matches(s: pd.Series, pattern: str) -> np.ndarray:
    """True where a ``str`` cell matches the (RE2) ``pattern``, case ignored; False for blank."""
    return _np_bool(pc.match_substring_regex(_arrow(s), pattern, ignore_case=True))


def excel_errors(s: pd.Series) -> np.ndarray:
    """True where a text cell holds an Excel error value such as ``#DIV/0!``."""
    if not _is_text(s) or len(s) == 0:
        return np.zeros(len(s), dtype=bool)
    arr = _arrow(s.astype("str"))
    if not pc.any(pc.match_substring(arr, "#")).as_py():  # the usual case, in one quick pass
        return np.zeros(len(s), dtype=bool)
    t = pc.utf8_upper(pc.utf8_trim_whitespace(arr))
    return _np_bool(pc.is_in(t, value_set=_ERRORS))


def blank_mask(s: pd.Series) -> np.ndarray:
    """True where the cell is empty (or only spaces, or a dash meaning "nothing")."""
    if not _is_text(s):
        return s.isna().to_numpy()
    return to_text(s).isna().to_numpy()


def parse_id(s: pd.Series) -> Parsed:
    """Ids and other text: trimmed, whole numbers without '.0'; never bad."""
    t = to_text(s)
    return Parsed(t, np.zeros(len(s), dtype=bool))


parse_text = parse_id


# -- amounts --------------------------------------------------------------------------------------

# What Arrow's string-to-float cast takes as it is.
_PLAIN_NUMBER = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"
_MONEY = (
    r"^(?P<lp>\()?\s*(?P<s1>[-+])?\s*\$?\s*(?P<s2>[-+])?\s*"
    r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)\s*(?P<s3>-)?\s*(?P<rp>\))?$"
)


def _money_from_text(arr: pa.Array) -> np.ndarray:
    """Amounts written as text ("$1,234.56", "(1,234.56)", "-$12.00", "1,234.56-") -> float."""
    parts = pc.extract_regex(arr, _MONEY)  # null where the text is not an amount

    def group(name: str) -> pa.Array:
        return pc.struct_field(parts, name)

    num = pc.cast(pc.replace_substring(group("num"), ",", ""), pa.float64())
    out = num.to_numpy(zero_copy_only=False).astype("float64")
    lp, rp = _np_bool(pc.equal(group("lp"), "(")), _np_bool(pc.equal(group("rp"), ")"))
    negative = (lp & rp) | _np_bool(pc.equal(group("s1"), "-"))
    negative |= _np_bool(pc.equal(group("s2"), "-")) | _np_bool(pc.equal(group("s3"), "-"))
    out = np.where(negative, -out, out)
    return np.where(lp != rp, np.nan, out)


def parse_money(s: pd.Series) -> Parsed:
    """Amounts and counts -> float64 (NaN for blank)."""
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        return Parsed(pd.Series(np.nan, index=s.index), s.notna().to_numpy())
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = s.astype("float64")
        bad = np.isinf(v.to_numpy())
        return Parsed(v.where(~bad), bad)
    arr = _arrow(to_text(s))
    present = _np_bool(pc.is_valid(arr))
    values = np.full(len(s), np.nan)
    plain = _np_bool(pc.match_substring_regex(arr, _PLAIN_NUMBER))
    if plain.any():  # the fast path: a plain number written as text
        values[plain] = pc.cast(arr.filter(pa.array(plain)), pa.float64()).to_numpy()
    rest = present & ~plain
    if rest.any():
        values[rest] = _money_from_text(arr.filter(pa.array(rest)))
    values[np.isinf(values)] = np.nan
    return Parsed(pd.Series(values, index=s.index), present & np.isnan(values))


def parse_percent(s: pd.Series) -> Parsed:
    """Percentages -> fractions: "89.64%" -> 0.8964; 0.8964 stays; plain numbers all above 1
    are percentage points (/100)."""
    if _is_text(s):
        arr = _arrow(to_text(s))
        has_pct = _np_bool(pc.match_substring(arr, "%"))
        p = parse_money(_series(pc.replace_substring(arr, "%", ""), s.index))
        v = p.values.copy()
        v[has_pct] = v[has_pct] / 100
        plain = ~has_pct & v.notna()
    else:
        p = parse_money(s)
        v = p.values.copy()
        plain = v.notna()
    # A column such as Retention % holding 89.64 (not 0.8964) states percentage points.
    if plain.any() and (v[plain].abs() > 1).all() and (v[plain].abs() <= 100).all():
        v[plain] = v[plain] / 100
    return Parsed(v, p.bad)


# -- dates ----------------------------------------------------------------------------------------

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


# -- yes/no and statuses --------------------------------------------------------------------------

_YES = {"y", "yes", "true", "1", "x", "t"}
_NO = {"n", "no", "false", "0", "f"}


def parse_yesno(s: pd.Series) -> Parsed:
    """Y/N, Yes/No, TRUE/FALSE, 1/0 -> pandas nullable boolean (the table makes blank False)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return Parsed(s.astype("boolean"), np.zeros(len(s), dtype=bool))
    t = to_text(s).str.lower()
    yes, no = t.isin(_YES), t.isin(_NO)
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[yes] = True
    out[no] = False
    return Parsed(out, (t.notna() & ~yes & ~no).to_numpy())


def map_distinct(t: pd.Series, mapping: Callable[[str], str | None]) -> pd.Series:
    """Apply ``mapping`` to each distinct text of ``t`` once, and spread the results (str dtype)."""
    codes, uniques = pd.factorize(t)
    mapped = pa.array([mapping(str(u)) for u in uniques], type=pa.large_string())
    return _series(mapped.take(pa.array(codes, mask=codes < 0)), t.index)


def parse_status(
    s: pd.Series, values: dict[str, tuple[str, ...]], owner: dict[str, str] | None = None
) -> Parsed:
    """Map statuses to their canonical name (case and spaces ignored); unknown ones are bad.
    ``owner``: the owner's own names (his status mapping table), name -> canonical status."""
    lookup = {" ".join(a.lower().split()): canon for canon, names in values.items() for a in names}
    lookup.update({" ".join(c.lower().split()): c for c in values})
    lookup.update({" ".join(a.lower().split()): c for a, c in (owner or {}).items()})
    t = to_text(s)
    result = map_distinct(t, lambda u: lookup.get(" ".join(u.lower().split())))
    return Parsed(result, (t.notna() & result.isna()).to_numpy())


# -- single values (title rows, file names) -------------------------------------------------------

_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_TEXT_DATES = (
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), ("y", "m", "d")),
    (re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?!\d)"), ("m", "d", "y")),
    (re.compile(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b"), ("b", "d", "y")),
    (re.compile(r"\b(\d{1,2})[\s-]([A-Za-z]{3})[a-z]*[\s-](\d{4})\b"), ("d", "b", "y")),
)


def _text_date(groups: tuple[str, ...], order: tuple[str, ...]) -> dt.date | None:
    parts = dict(zip(order, groups))
    try:
        month = _MONTHS.get(parts["b"][:3].lower()) if "b" in parts else int(parts["m"])
        year = int(parts["y"])
        year = year + 2000 if year < 100 else year
        return dt.date(year, month, int(parts["d"])) if month is not None else None
    except ValueError:
        return None


def date_from_text(text: str) -> dt.date | None:
    """The first date written in a line of text ("Run Date: 10/31/2025 8:02 AM" -> 2025-10-31)."""
    for pattern, order in _TEXT_DATES:
        for m in pattern.finditer(text):
            found = _text_date(m.groups(), order)
            if found is not None:
                return found
    return None


def last_date_in_text(text: str) -> dt.date | None:
    """The latest date written in a line of text, in the first form that fits: the end of a
    period ("As of 10/01/2025 - 10/31/2025" -> 2025-10-31)."""
    for pattern, order in _TEXT_DATES:
        found = [d for m in pattern.finditer(text) if (d := _text_date(m.groups(), order))]
        if found:
            return max(found)
    return None


def excel_serial_to_date(value: float) -> dt.date | None:
    """An Excel serial day number (1900 system) -> date; None outside 1900-2200."""
    if not (_MIN_SERIAL <= value <= _MAX_SERIAL):
        return None
    return (_EXCEL_EPOCH + pd.Timedelta(days=int(value))).date()
