"""Rows, part 2: the lines that are not data. Footers, total lines, the header repeated on every
page, one-cell lines, and the report's trailer after "Grand Total" or "End of Report"."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from agency_xl.ams.header import HeaderMatch, normalise_label
from agency_xl.ams.parse import text_matches, to_text
from agency_xl.ams.reports import Report

_FOOTER = re.compile(
    r"^\W*(grand\s+totals?|sub-?\s*totals?|totals?|page\s+\d+|end\s+of\s+report|"
    r"report\s+(generated|printed|run)|generated\s+(on|by|at)|printed\s+(on|by|at)|"
    r"record\s+count|count|records?\b|rows?\b)",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"^\W*(grand\s+totals?|end\s+of\s+report|report\s+(generated|printed))", re.IGNORECASE
)
# An id or product cell that names a total line: "Total", "Grand Total:", "Sub-total", "Total
# Auto", "Auto Total".
_TOTAL_CELL = r"^\W*((grand|sub)[\s-]*)?totals?\b|\btotals?\W*$"
_TOTAL_KINDS = ("id", "product")


def _total_lines(values: dict[str, pd.Series], report: Report, n: int) -> np.ndarray:
    """Rows whose id or product cell names a total line."""
    out = np.zeros(n, dtype=bool)
    for fld, v in values.items():
        if report.column(fld).kind in _TOTAL_KINDS:
            out |= text_matches(v, _TOTAL_CELL)
    return out


def _leftmost_text(
    frame: pd.DataFrame, cols: list[int], blanks: dict[int, np.ndarray], rows: np.ndarray
) -> pd.Series:
    """Text of the leftmost non-blank cell of each row in ``rows`` (a boolean mask)."""
    idx = np.flatnonzero(rows)
    out = pd.Series(np.nan, index=idx, dtype="str")
    todo = np.ones(len(idx), dtype=bool)
    for c in cols:
        here = todo & ~blanks[c][idx]
        if here.any():
            out.iloc[np.flatnonzero(here)] = to_text(frame[c].iloc[idx[here]]).to_numpy()
            todo &= ~here
        if not todo.any():
            break
    return out


def _non_data_lines(
    frame: pd.DataFrame,
    cols: list[int],
    blanks: dict[int, np.ndarray],
    filled: np.ndarray,
    candidates: np.ndarray,
    match: HeaderMatch,
) -> np.ndarray:
    """Footers, repeated headers and one-cell lines among the candidate rows."""
    n = len(frame)
    out = np.zeros(n, dtype=bool)
    if not candidates.any():
        return out
    idx = np.flatnonzero(candidates)
    first = _leftmost_text(frame, cols, blanks, candidates)
    out[idx] = first.str.match(_FOOTER, na=False).to_numpy()
    out |= candidates & (filled == 1)
    same_as_header = np.zeros(len(idx), dtype=np.int64)
    for c, label in match.labels.items():
        if c in frame.columns:
            cells = to_text(frame[c].iloc[idx]).map(normalise_label, na_action="ignore")
            same_as_header += (cells == normalise_label(label)).fillna(False).to_numpy()
    out[idx] |= same_as_header >= 2
    return out


def _trailer_start(
    frame: pd.DataFrame, cols: list[int], blanks: dict[int, np.ndarray], candidates: np.ndarray
) -> int | None:
    """Position of the first "Grand Total" / "End of Report" / "Report generated" line."""
    if not candidates.any():
        return None
    first = _leftmost_text(frame, cols, blanks, candidates)
    hits = first.str.match(_TRAILER, na=False)
    return int(first.index[hits.to_numpy()][0]) if hits.any() else None
