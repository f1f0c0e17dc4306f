"""Parsing, part 5: single values. The dates written in a line of text (title rows, file names)
and an Excel serial day number as a date."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from agency_xl.ams.parse.dates import _EXCEL_EPOCH, _MAX_SERIAL, _MIN_SERIAL

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
