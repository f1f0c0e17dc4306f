"""Combining the files of one report, and the final shape of each table.

Within one file every row counts. Across files, rows with the same key
(``Report.row_key``; ``None`` = the whole row) are counted once: for each key the rows of the
file with the latest report date are kept (files arrive here ordered oldest first). A key whose
rows differ between files is a conflicting duplicate; Data Health's notes say how many there were
and which file won. Keys are compared through a 64-bit hash of their values, so combining 300,000
commission rows is one groupby on one integer column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.ams.data import FileHealth
from agency_xl.ams.reports import REPORTS, Report

_KEY_WORDS = {  # (one, many)
    "policies": ("policy number", "policy numbers"),
    "sales": ("policy number", "policy numbers"),
    "claims": ("claim number", "claim numbers"),
    "leads": ("lead id", "lead ids"),
    "growth": ("month and product pair", "month and product pairs"),
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


def _hash(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def combine_report(
    report: Report, parts: list[tuple[FileHealth, pd.DataFrame]], notes: list[str]
) -> pd.DataFrame | None:
    """One table from the files of ``report`` (finished tables, oldest report first).

    Notes on the duplicates found go to ``notes``. ``parts`` is emptied, so the files' own
    tables can be freed while the combined one is built.
    """
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0][1]
    ranks = np.repeat(np.arange(len(parts)), [len(t) for _, t in parts])
    df = pd.concat([t for _, t in parts], ignore_index=True)
    parts_meta = [(fh, len(t)) for fh, t in parts]
    parts.clear()  # the caller's list: the files' tables are in `df` now
    df["_rank"] = ranks
    fields = [c for c in df.columns if not c.startswith("_")]
    key_fields = list(report.row_key) if report.row_key else fields
    key = _hash(df[key_fields])
    latest = pd.Series(df["_rank"].to_numpy()).groupby(key).transform("max").to_numpy()
    keep = df["_rank"].to_numpy() == latest
    if keep.all():
        return df.drop(columns="_rank")

    dropped_keys = pd.unique(key[~keep])
    if report.row_key is None:
        n = int((~keep).sum())
        notes.append(
            f"{report.title}: {n:,} {'row' if n == 1 else 'rows'} appeared again in a later "
            f"report (the same export saved twice, or overlapping periods) and "
            f"{'was' if n == 1 else 'were'} counted once."
        )
    else:
        # A dropped row whose whole content is not among the kept rows of its key is a conflict.
        whole = _hash(df[fields])
        kept_pairs = set(zip(key[keep].tolist(), whole[keep].tolist()))
        conflict_keys = {
            k
            for k, w in zip(key[~keep].tolist(), whole[~keep].tolist())
            if (k, w) not in kept_pairs
        }
        one, many = _KEY_WORDS.get(report.key, ("key", "keys"))
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
                f"{'appears' if n == 1 else 'appear'} in more than one file with different values; the file with the later report "
                f"date won: {wins}."
            )
        if same:
            notes.append(
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
