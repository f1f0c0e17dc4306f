"""Writing the sample exports, part 1: cell values as an AMS leaves them. Excel serial dates,
dates and amounts as text, numbers with NaN left out, the rows drawn to carry a quirk, policy
numbers as numbers or text, product names as the AMS spells them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.dates import EXCEL_EPOCH_OFFSET

DASH = "\u2014"  # "—": an AMS's way of saying "nothing"
BOOK_NAME_OF = {p.name: p.book_names for p in pf.PRODUCT_PROFILES}
TEXT_NUMBER_STYLES = ("zero", "LF", "BOP")  # policy numbers that are text in Excel


def _serials(s: pd.Series) -> list[float | None]:
    """Excel date serials of a datetime column (None for NaT)."""
    days = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    out = (days.astype(np.int64) + EXCEL_EPOCH_OFFSET).astype(float)
    return [None if bad else v for v, bad in zip(out.tolist(), np.isnat(days).tolist())]


def _mdy(ts: pd.Timestamp) -> str:
    return f"{ts.month:02d}/{ts.day:02d}/{ts.year}"


def _money_text(v: float, style: str = "dollar") -> str:
    """"$1,234.56" / "-$12.00" (dollar) or "(1,234.56)" for negatives (paren)."""
    if style == "paren" and v < 0:
        return f"({-v:,.2f})"
    return f"-${-v:,.2f}" if v < 0 else f"${v:,.2f}"


def _numbers(values, nan_as=None) -> list:
    """Python floats, NaN replaced by ``nan_as``."""
    arr = np.asarray(values, dtype=float)
    return [nan_as if np.isnan(v) else v for v in arr.tolist()]


def _pick(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Row positions that get a quirk; at least one when there are rows."""
    chosen = np.flatnonzero(rng.random(n) < share)
    if len(chosen) == 0 and n:
        chosen = np.array([int(rng.integers(n))])
    return chosen


def _policy_cells(numbers: pd.Series, product: pd.Series, rng: np.random.Generator | None,
                  padded_share: float) -> list:
    """Policy numbers as an AMS leaves them in Excel: the all-digit ones without a leading zero
    become numbers; the rest stay text, a few with a stray trailing space."""
    style = {p.name: p.number_style for p in pf.PRODUCT_PROFILES}
    out: list = []
    for no, prod in zip(numbers.tolist(), product.tolist()):
        if style.get(prod) == "nine":
            out.append(float(no))
        else:
            out.append(no)
    for i in _pick(rng, len(out), padded_share) if padded_share > 0 else ():
        if isinstance(out[i], str):
            out[i] = out[i] + " "
    return out


def product_names(policies: pd.DataFrame, rng: np.random.Generator) -> dict[str, str]:
    """The AMS name of each policy's product: mostly the usual one, sometimes a variant."""
    out = {}
    for no, prod in zip(policies["policy_number"].tolist(), policies["product"].tolist()):
        names = BOOK_NAME_OF.get(prod, (prod,))
        out[no] = names[0] if len(names) == 1 or rng.random() < 0.85 else names[
            1 + int(rng.integers(len(names) - 1))]
    return out
