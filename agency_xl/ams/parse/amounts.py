"""Parsing, part 2: amounts, counts and percentages ("$1,234.56", "(1,234.56)", "1,234.56-",
"89.64%")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from agency_xl.ams.parse.text import Parsed, _arrow, _is_text, _np_bool, _series, to_text

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
