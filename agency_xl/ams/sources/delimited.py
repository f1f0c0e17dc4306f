"""Comma-, tab-, semicolon- or pipe-separated text (.csv, or text saved with an .xls name).

Read as it comes: line ends of Windows (CR LF), Unix (LF) or old Macs ("CSV (Macintosh)" from
Excel for Mac: a bare CR); NUL bytes (some exports pad fields with them) are dropped. Bounded:
a line may not exceed ``MAX_LINE_BYTES`` nor a row Excel's 16,384 columns (a 50,000-column file
is refused instead of filling memory), and only the columns the reader asks for are loaded.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pacsv

from agency_xl.ams.errors import ExportFileError
from agency_xl.ams.sources.encoding import encoding_of
from agency_xl.ams.sources.grid import PEEK_ROWS, Grid, SheetPeek

MAX_COLUMNS = 16_384  # Excel's
MAX_LINE_BYTES = 2**20  # a line of an export is hundreds of bytes, a wide one thousands
# Arrow's reader reserves address space for every column of a line, read or not (4 GB at 16,384
# columns, though little of it is touched): wider files go to pandas' reader (1.5 GB reserved).
ARROW_MAX_COLUMNS = 1_024


class CsvSource:
    """Comma-, tab-, semicolon- or pipe-separated text in any of the accepted encodings.

    The file stays bytes: only its first 64 KB are decoded for the peek, and Arrow's reader
    decodes the rest as it parses (a 14 MB CSV held as a Python string costs up to four times
    its size).
    """

    kind = "csv"
    _DELIMITERS = (",", "\t", ";", "|")
    _HEAD_BYTES = 65536

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        self.encoding = encoding_of(self.data)
        if self.encoding != "utf-16":
            if b"\x00" in self.data:
                self.data = self.data.replace(b"\x00", b"")
            self.data = _plain_line_ends(self.data)
        head = self.data[: self._HEAD_BYTES]
        if b"\n" not in head and len(self.data) > len(head):
            head = self.data[:MAX_LINE_BYTES]
            if b"\n" not in head and len(self.data) > len(head):
                raise ExportFileError(
                    f"its first line is longer than {MAX_LINE_BYTES // 2**20} MB: not an export "
                    "(its lines are a few hundred characters)"
                )
            head = head[: head.index(b"\n") + 1] if b"\n" in head else head
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        try:
            self.head = decoder.decode(head, final=len(head) == len(self.data))
        except UnicodeDecodeError as e:
            raise ExportFileError(
                f"the text cannot be decoded ({e.reason} at byte {e.start})"
            ) from None
        self.head = self.head.lstrip("\ufeff")
        self.whole = len(head) == len(self.data)

    def sheets(self) -> Iterator[SheetPeek]:
        head = self.head
        if not self.whole:  # the last line of the head may be cut short
            head = head[: head.rfind("\n") + 1] or head
        lines = head.splitlines()[: PEEK_ROWS * 3]
        sample = "\n".join(lines)
        # Try the delimiter used most in the first lines first; the header decides.
        for delimiter in sorted(self._DELIMITERS, key=lambda d: -sample.count(d)):
            if delimiter != "," and delimiter not in sample:
                continue
            rows: list[tuple[int, list[Any]]] = []
            lines_read = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
            for i, cells in enumerate(lines_read, 1):
                if len(cells) > MAX_COLUMNS:
                    raise ExportFileError(
                        f"row {i} has {len(cells):,} fields, more than Excel's {MAX_COLUMNS:,} "
                        "columns: not an export"
                    )
                if any(c.strip() for c in cells):
                    rows.append((i, [c if c.strip() else None for c in cells]))
                    if len(rows) >= PEEK_ROWS:
                        break
            yield SheetPeek(None, rows, {"delimiter": delimiter})

    def load(
        self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int],
        columns: Sequence[int],
    ) -> Grid:
        delimiter = sheet.options["delimiter"]
        header = next(cells for row, cells in sheet.rows if row == header_row)
        width = len(header)
        labelled = sorted(c for c in columns if c < width)
        try:
            if width > ARROW_MAX_COLUMNS:
                raise pa.ArrowInvalid("too wide for Arrow's reader (see ARROW_MAX_COLUMNS)")
            frame = self._load_arrow(delimiter, header_row, width, labelled)
        except (pa.ArrowInvalid, csv.Error, UnicodeDecodeError):
            frame = self._load_pandas(delimiter, header_row, width, labelled)
        return Grid(frame, header_row + 1)

    def _load_arrow(
        self, delimiter: str, header_row: int, width: int, labelled: list[int]
    ) -> pd.DataFrame:
        """Every record below the header as text (the ``labelled`` columns), by Arrow's CSV
        reader (4x pandas' speed).

        Arrow sets aside records whose field count differs from the header's (a "Total" footer,
        a short data row missing its trailing empty fields); they are parsed here, fitted to the
        header's width and put back in their place, so record i below the header stays row i.
        Arrow counts lines, not records, so this path is taken only when every record below the
        header is one line (a quoted line break there sends the file to pandas); single-threaded,
        because only then does Arrow say which line each odd record was on.
        """
        if self.encoding == "utf-16":
            raise pa.ArrowInvalid("lines of UTF-16 text are not counted as bytes")
        reader = csv.reader(io.StringIO(self.head, newline=""), delimiter=delimiter)
        for _ in range(header_row):
            next(reader, None)
        skip_lines = reader.line_num  # the title rows and the header may hold quoted line breaks
        lines = self.data.count(b"\n") + (0 if self.data.endswith(b"\n") else 1)
        body = self.data[3:] if self.encoding == "utf-8-sig" else self.data
        odd: list[tuple[int, str]] = []

        def set_aside(row: Any) -> str:
            odd.append((row.number, row.text))
            return "skip"

        names = [str(i) for i in range(width)]
        kept = [str(i) for i in labelled]
        table = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(
                skip_rows=skip_lines,
                column_names=names,
                use_threads=False,
                encoding="utf8" if self.encoding.startswith("utf-8") else self.encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                ignore_empty_lines=False,
                newlines_in_values=True,
                invalid_row_handler=set_aside,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.large_string() for c in kept},
                include_columns=kept,
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        if table.num_rows + len(odd) != lines - skip_lines:
            raise pa.ArrowInvalid("a record below the header spans several lines")
        frame = table.to_pandas()
        frame.columns = labelled
        if odd:
            numbers = np.arange(header_row + 1, header_row + 1 + len(frame) + len(odd))
            odd_numbers = np.array([header_row + n - skip_lines for n, _ in odd])
            fitted = []
            for _, text in odd:
                fields = next(csv.reader([text], delimiter=delimiter), [])
                fitted.append([fields[i] or None if i < len(fields) else None for i in labelled])
            extra = pd.DataFrame(fitted, columns=frame.columns, index=odd_numbers, dtype="str")
            frame.index = numbers[~np.isin(numbers, odd_numbers)]
            frame = pd.concat([frame, extra]).sort_index().reset_index(drop=True)
        return frame

    def _load_pandas(
        self, delimiter: str, header_row: int, width: int, labelled: list[int]
    ) -> pd.DataFrame:
        options: dict[str, Any] = dict(
            sep=delimiter,
            header=None,
            names=list(range(width)),
            skiprows=header_row,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            index_col=False,
            usecols=labelled,
            encoding=self.encoding,
        )
        try:
            frame = pd.read_csv(io.BytesIO(self.data), engine="c", **options)
        except pd.errors.ParserError:
            # A row with more fields than the header (a stray delimiter in a footer): keep the
            # first `width` fields of such rows instead of refusing the file.
            frame = pd.read_csv(
                io.BytesIO(self.data),
                engine="python",
                on_bad_lines=lambda fields: fields[:width],
                **options,
            )
        return frame



def _plain_line_ends(data: bytes) -> bytes:
    """Bare CR line ends (Excel for Mac's "CSV (Macintosh)") as LF, which every reader takes."""
    if b"\r" in data and b"\n" not in data:
        return data.replace(b"\r", b"\n")
    return data
