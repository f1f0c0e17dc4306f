"""What every source hands the reader: the first rows of each sheet (``SheetPeek``) and, once the
header is known, the rows below it (``Grid``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

PEEK_ROWS = 30


def column_letter(col: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(ref: str | bytes) -> int:
    """'AB12' (or 'AB', or b'AB') -> 27, the 0-based column."""
    n = 0
    for ch in ref.decode() if isinstance(ref, bytes) else ref:
        if not ch.isalpha():
            break
        n = n * 26 + (ord(ch.upper()) - 64)
    return n - 1


@dataclass
class SheetPeek:
    """The first non-empty rows of one sheet: (1-based row number, cells by 0-based column)."""

    name: str | None  # None for CSV and HTML, which have no sheets
    rows: list[tuple[int, list[Any]]]
    options: dict[str, Any] = field(default_factory=dict)  # e.g. the CSV delimiter


@dataclass
class Grid:
    """The rows below a header: columns are 0-based sheet columns; row i is sheet row
    ``first_row + i``.

    ``errors``: cells that hold no value because of Excel, keyed (row i, column): the error
    value (``"#DIV/0!"``) of an error cell, or ``""`` for a formula without a saved result. Such
    a cell arrives empty in ``frame``; the reader must not take it for "nothing".
    ``notes``: what the source left out and the owner should know, as (sheet row, column,
    message) (a stray value far outside the report, say).
    """

    frame: pd.DataFrame
    first_row: int
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: list[tuple[int, int, str]] = field(default_factory=list)


class Source(Protocol):
    """One export file, whatever its format."""

    kind: str  # xlsx | xls | csv | html

    def sheets(self) -> Iterator[SheetPeek]: ...

    def load(
        self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int],
        columns: Sequence[int],
    ) -> Grid:
        """The rows below ``header_row``: the sheet's ``columns`` (0-based; the reader asks for
        the report's and the other labelled ones, a bounded number), ``text_columns`` as text."""
        ...
