"""Parsing, part 4: answers from a closed list. Yes/no, and statuses mapped to their canonical
name (the owner's own names included)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from agency_xl.ams.parse.text import Parsed, _series, to_text

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
