"""Combining the files of one report, and the final shape of each table.

Rows are identified by their report's key (``Report.row_key``, AMS_EXPORTS.md "Keys"), compared
normalised: ids without case, spaces or the leading zeros Excel drops from a number, amounts to
the cent, rates to six decimals. So "7.20%" and 0.072, or "00012345" and 12345, are the same.
A row whose key has a blank part (a referral without a name) is identified by all its values.

- Within one file, a key seen twice is counted once (its first row kept) and the keys are named
  in the file's problems (``drop_repeated_keys``): a policy listed twice in a book would count
  its premium twice.
- Across files, rows with the same key are counted once: for each key the rows of the file with
  the latest report date are kept (files arrive here ordered oldest first). A key whose rows
  differ between files is a conflicting duplicate; Data Health's notes say how many there were
  and which file won, and how many were the same row counted once.

Keys are compared through a 64-bit hash of their values, so combining 300,000 commission rows is
one groupby on one integer column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.ams.data import FileHealth
from agency_xl.ams.parse import id_for_matching
from agency_xl.ams.reports import REPORTS, Report

_KEY_WORDS = {  # (one, many)
    "policies": ("policy number", "policy numbers"),
    "sales": ("policy number", "policy numbers"),
    "claims": ("claim number", "claim numbers"),
    "leads": ("lead id", "lead ids"),
    "growth": ("month and product pair", "month and product pairs"),
    "commissions": ("transaction", "transactions"),
    "referrals": ("referral", "referrals"),
}
_DTYPES = {
    "id": "str",
    "text": "str",
    "product": "str",
    "status": "str",
    "money": "float64",
    "percent": "float64",
    "int": "float64",
    "number": "float64",
    "date": "datetime64[ns]",
    "month": "datetime64[ns]",
    "yesno": "bool",
}
KEYS_NAMED = 10  # repeated keys named per file


def _normalised(report: Report, frame: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """``fields`` of ``frame`` in the form in which rows are compared (see the module docstring)."""
    out = {}
    for fld in fields:
        s = frame[fld]
        kind = report.column(fld).kind
        if kind in ("id", "text"):
            s = id_for_matching(s)
        elif kind in ("money", "int", "number"):
            s = s.round(2)
        elif kind == "percent":
            s = s.round(6)
        out[fld] = s
    return pd.DataFrame(out, index=frame.index)


def _hash(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def row_keys(report: Report, frame: pd.DataFrame) -> np.ndarray:
    """One 64-bit key per row: its report key, normalised; all its values where a part of the
    key is blank."""
    fields = [c for c in frame.columns if not c.startswith("_")]
    key_fields = [f for f in report.row_key if f in frame.columns]
    keys = _normalised(report, frame, key_fields)
    out = _hash(keys)
    partial = keys.isna().any(axis=1).to_numpy() | (len(key_fields) < len(report.row_key))
    if partial.any():
        whole = _hash(_normalised(report, frame[partial], fields))
        out = out.copy()  # pandas hands back a read-only view of its hashes (copy-on-write)
        out[partial] = whole ^ np.uint64(0x9E3779B97F4A7C15)  # apart from any complete key
    return out


def drop_repeated_keys(
    report: Report, fh: FileHealth, table: pd.DataFrame
) -> tuple[pd.DataFrame, np.ndarray]:
    """``table`` (one file's rows, with ``_row``) with each key's first row only, and the kept
    rows' keys (``row_keys``); the repeated keys are named in ``fh.problems``."""
    key = row_keys(report, table)
    repeated = pd.Series(key).duplicated(keep="first").to_numpy()
    if not repeated.any():
        return table, key
    fields = [c for c in table.columns if not c.startswith("_")]
    whole = _hash(_normalised(report, table, fields))
    in_repeat = np.isin(key, key[repeated])
    groups = pd.DataFrame(
        {"key": key[in_repeat], "row": table["_row"].to_numpy()[in_repeat],
         "whole": whole[in_repeat], "pos": np.flatnonzero(in_repeat)}
    ).groupby("key", sort=False)
    one, many = _KEY_WORDS[report.key]
    named = []
    for _, g in list(groups)[:KEYS_NAMED]:
        first = table.iloc[int(g["pos"].iloc[0])]
        label = " / ".join(_shown(first[f]) for f in report.row_key if f in table.columns)
        rows = ", ".join(str(r) for r in g["row"])
        differ = "" if g["whole"].nunique() == 1 else ", with different values"
        named.append(f"{label} (rows {rows}{differ})")
    n = groups.ngroups
    more = f" and {n - KEYS_NAMED} more" if n > KEYS_NAMED else ""
    fh.problems.append(
        f"{fh.path}: {n:,} {one if n == 1 else many} {'is' if n == 1 else 'are'} listed more than "
        f"once in this file and counted once (the first row kept): {'; '.join(named)}{more}"
    )
    return table[~repeated].reset_index(drop=True), key[~repeated]


def _shown(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float):
        return "blank" if value != value else f"{value:,.2f}"
    return "blank" if value is None else str(value)


def combine_report(
    report: Report, parts: list[tuple[FileHealth, pd.DataFrame, np.ndarray]], notes: list[str],
    info: list[str] | None = None,
) -> pd.DataFrame | None:
    """One table from the files of ``report``: (file, finished table, its rows' ``row_keys``),
    oldest report first.

    Conflicting duplicates (the same key with different values) go to ``notes``, a problem;
    identical rows counted once to ``info`` (``notes`` when not given), which is no problem. ``parts`` is emptied, so the files' own
    tables can be freed while the combined one is built.
    """
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0][1]
    ranks = np.repeat(np.arange(len(parts)), [len(t) for _, t, _ in parts])
    df = pd.concat([t for _, t, _ in parts], ignore_index=True)
    key = np.concatenate([k for _, _, k in parts])
    parts_meta = [(fh, len(t)) for fh, t, _ in parts]
    parts.clear()  # the caller's list: the files' tables are in `df` now
    df["_rank"] = ranks
    fields = [c for c in df.columns if not c.startswith("_")]
    latest = pd.Series(df["_rank"].to_numpy()).groupby(key).transform("max").to_numpy()
    keep = df["_rank"].to_numpy() == latest
    if keep.all():
        return df.drop(columns="_rank")

    dropped_keys = pd.unique(key[~keep])
    # A dropped row whose whole content is not among the kept rows of its key is a conflict.
    whole = _hash(_normalised(report, df, fields))
    kept_pairs = set(zip(key[keep].tolist(), whole[keep].tolist()))
    conflict_keys = {
        k for k, w in zip(key[~keep].tolist(), whole[~keep].tolist()) if (k, w) not in kept_pairs
    }
    one, many = _KEY_WORDS[report.key]
    same = len(dropped_keys) - len(conflict_keys)
    if conflict_keys:
        won = keep & np.isin(key, np.fromiter(conflict_keys, dtype=np.uint64))
        by_file = (
            pd.DataFrame({"key": key[won], "rank": df["_rank"].to_numpy()[won]})
            .drop_duplicates("key")["rank"]
            .value_counts()
            .sort_index(ascending=False)
        )
        wins = ", ".join(
            f"{parts_meta[r][0].path} (report date {_date(parts_meta[r][0])}) for {n:,}"
            for r, n in by_file.items()
        )
        n = len(conflict_keys)
        notes.append(
            f"{report.title}: {n:,} {one if n == 1 else many} "
            f"{'appears' if n == 1 else 'appear'} in more than one file with different values; "
            f"the file with the later report date won: {wins}."
        )
    if same:
        (notes if info is None else info).append(
            f"{report.title}: {same:,} {one if same == 1 else many} "
            f"{'appears' if same == 1 else 'appear'} identically in more than one file and "
            f"{'was' if same == 1 else 'were'} counted once."
        )
    return df[keep].drop(columns="_rank").reset_index(drop=True)


def _date(fh: FileHealth) -> str:
    return f"{fh.report_date:%Y-%m-%d}" if fh.report_date else "unknown"


def derive_sales(policies: pd.DataFrame) -> pd.DataFrame:
    """New business from the book: one sale per policy, issued on its original effective date."""
    sales = pd.DataFrame(
        {
            "policy_number": policies["policy_number"],
            "household_id": policies["household_id"],
            "product": policies["product"],
            "issue_date": policies["original_effective_date"],
            "premium": policies["annual_premium"],
            "producer": policies.get("producer"),
            "lead_source": policies.get("lead_source"),
        }
    )
    return finish_table(REPORTS["sales"], sales)


def finish_table(report: Report, table: pd.DataFrame) -> pd.DataFrame:
    """Every column of the report, in its order and type; helper columns dropped."""
    out = {}
    for col in report.columns:
        dtype = _DTYPES[col.kind]
        if col.field in table and dtype == "bool":
            # data.py promises bool: a blank yes/no answer counts as no.
            out[col.field] = table[col.field].astype("boolean").fillna(False).astype(bool)
        elif col.field in table:
            out[col.field] = table[col.field].astype(dtype)
        elif dtype == "str":
            out[col.field] = pd.Series(np.nan, index=table.index, dtype="str")
        elif dtype == "bool":
            out[col.field] = pd.Series(False, index=table.index, dtype=bool)
        else:
            out[col.field] = pd.Series(np.nan, index=table.index).astype(dtype)
    return pd.DataFrame(out, index=table.index).reset_index(drop=True)
