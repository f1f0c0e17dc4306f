"""Parsing, part 1: text and ids, and what every parser shares. The blank and Excel-error tokens,
``Parsed``, the Arrow helpers, any column as trimmed text, ids as rows are matched on, and the
masks of blank cells and of Excel errors written as text."""

from __future__ import annotations

import datetime as dt
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
