"""An HTML table saved with an .xls name (many AMS "Excel" exports are that), parsed with the
standard library's html.parser."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from agency_xl.ams.sources.encoding import decode
from agency_xl.ams.sources.grid import PEEK_ROWS, Grid, SheetPeek


class _TableParser(HTMLParser):
    """Rows of every <table> in document order, cells as text, colspans spread over columns.

    Text outside tables (an <h1> title, a "Run Date" paragraph) becomes a one-cell row so the
    report date and the title are seen like the title rows of a sheet.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1
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
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() else 1
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

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            text = "".join(self._cell)
            text = "\n".join(" ".join(part.split()) for part in text.split("\n")).strip()
            self._row.append(text)
            self._row.extend([""] * (self._span - 1))
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self.rows.append(self._row)
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

    def load(self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int]) -> Grid:
        body = self.rows[header_row:]
        width = max((len(r) for r in body), default=0)
        width = max(width, len(self.rows[header_row - 1]))
        frame = pd.DataFrame(
            [[c or None for c in r] + [None] * (width - len(r)) for r in body],
            columns=list(range(width)),
            dtype="str",
        )
        return Grid(frame, header_row + 1)
