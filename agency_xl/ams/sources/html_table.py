"""An HTML table saved with an .xls name (many AMS "Excel" exports are that), parsed with the
standard library's html.parser.

A cell's ``colspan`` and ``rowspan`` are laid out as Excel lays them out when it opens such a
file: the text in the first cell, the other cells of the span empty (so the next cell of a row
under a ``rowspan`` moves right). Both are capped at Excel's limits (16,384 columns, 1,048,576
rows), and the table as a whole at ``MAX_CELLS``: a span of a billion columns is refused, not
laid out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from agency_xl.ams.errors import ExportFileError
from agency_xl.ams.sources.encoding import decode
from agency_xl.ams.sources.grid import PEEK_ROWS, Grid, SheetPeek

MAX_COLUMNS = 16_384  # Excel's
MAX_ROWS = 1_048_576
MAX_CELLS = 20_000_000  # the limit on the file's size (64 MB) allows some 7 million real cells


class _TableParser(HTMLParser):
    """Rows of every <table> in document order, cells as text, spans laid out as Excel does.

    Text outside tables (an <h1> title, a "Run Date" paragraph) becomes a one-cell row so the
    report date and the title are seen like the title rows of a sheet.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1
        self._down = 1  # rowspan of the cell being read
        self._below: dict[int, int] = {}  # column -> rows (this one on) a rowspan from above covers
        self._started: dict[int, int] = {}  # column -> rows below this one a rowspan covers
        self._cells = 0
        self._depth = 0
        self._loose: list[str] = []
        self._skip = 0  # inside <head>, <script> or <style>: not shown by Excel

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        elif tag == "table":
            self._flush_loose()
            self._depth += 1
        elif tag == "tr":
            self._end_row()
            self._row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row = []
            self._cell = []
            self._skip_covered()
            found = dict(attrs)
            self._span = _span(found.get("colspan"), MAX_COLUMNS - len(self._row))
            self._down = _span(found.get("rowspan"), MAX_ROWS)
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag in ("p", "div", "h1", "h2", "h3", "h4", "br") and self._depth == 0:
            self._flush_loose()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_row()
            self._depth = max(0, self._depth - 1)
        elif tag in ("p", "div", "h1", "h2", "h3", "h4") and self._depth == 0:
            self._flush_loose()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._depth == 0:
            self._loose.append(data)

    def _skip_covered(self) -> None:
        """Empty cells where a rowspan from a row above covers this row."""
        row = self._row if self._row is not None else []
        while len(row) in self._below and len(row) < MAX_COLUMNS:
            row.append("")

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            text = "".join(self._cell)
            text = "\n".join(" ".join(part.split()) for part in text.split("\n")).strip()
            first = len(self._row)
            self._row.append(text)
            self._row.extend([""] * (self._span - 1))
            if self._down > 1:
                for col in range(first, len(self._row)):
                    self._started[col] = self._down - 1
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self._skip_covered()
            self._cells += len(self._row)
            if self._cells > MAX_CELLS:
                raise ExportFileError(
                    f"the HTML table holds more than {MAX_CELLS:,} cells (its spans included), "
                    "more than an export can be: refused"
                )
            self.rows.append(self._row)
            below = {c: n - 1 for c, n in self._below.items() if n > 1}
            below.update(self._started)
            self._below, self._started = below, {}
        self._row = None

    def _flush_loose(self) -> None:
        text = " ".join("".join(self._loose).split())
        if text:
            self.rows.append([text])
        self._loose = []

    def close(self) -> None:
        super().close()
        self._end_row()
        self._flush_loose()


def _span(value: str | None, most: int) -> int:
    """A colspan/rowspan attribute as a count of at least 1 and at most ``most``."""
    text = (value or "1").strip()
    return max(1, min(int(text), most)) if text.isdigit() else 1


class HtmlSource:
    """An HTML table saved with an .xls name, parsed with the standard library's html.parser."""

    kind = "html"

    def __init__(self, path: Path) -> None:
        self.path = path
        parser = _TableParser()
        parser.feed(decode(path.read_bytes()))
        parser.close()
        self.rows = parser.rows

    def sheets(self) -> Iterator[SheetPeek]:
        rows: list[tuple[int, list[Any]]] = []
        for i, cells in enumerate(self.rows, 1):
            if any(c.strip() for c in cells):
                rows.append((i, [c if c.strip() else None for c in cells]))
                if len(rows) >= PEEK_ROWS:
                    break
        yield SheetPeek(None, rows)

    def load(
        self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int],
        columns: Sequence[int],
    ) -> Grid:
        body = self.rows[header_row:]
        wanted = sorted(columns)
        frame = pd.DataFrame(
            [[(r[c] or None) if c < len(r) else None for c in wanted] for r in body],
            columns=wanted,
            dtype="str",
        )
        return Grid(frame, header_row + 1)
