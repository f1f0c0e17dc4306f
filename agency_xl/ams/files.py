"""Opening one export file of any allowed format and handing back raw cells.

The format is told by the file's content, not its name: many AMS "Excel" exports are an HTML
table (or tab-separated text) saved with an ``.xls`` name, and a legacy workbook may be named
``.xlsx``. Every source offers the same two steps, so the reader does not care which it has:

- ``sheets()``: for each visible sheet, its first ``PEEK_ROWS`` non-empty rows (where the header
  and the title rows are);
- ``load(sheet, header_row, text_columns)``: every row below the header in one pass, as a
  DataFrame whose columns are the 0-based sheet column numbers, plus the sheet row number of its
  first row, so each cell keeps its address.

For ``.xlsx``/``.xlsm`` the peek streams only the start of the sheet's XML (milliseconds even on a
300,000-row sheet) and the load is one fastexcel (calamine -> Arrow) pass with the header row
given; re-reading the sheet to peek would double the time. Columns of ids and names are loaded as
text so an id Excel stored as a number comes out as ``123456``, not ``123456.0``; the other
columns keep their natural types, with the type guessed from all rows so a column of amounts with
a few text cells arrives as text instead of losing those cells.

Files are opened read-only and never written. Size limits are checked before anything is
decompressed: the file size, and for zip-based workbooks the uncompressed sizes the zip declares
(a decompression bomb is refused without inflating it).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pacsv

from agency_xl.ams.errors import ExportFileError

PEEK_ROWS = 30
MAX_FILE_BYTES = 256 * 2**20  # an agency's biggest export (300k commission rows) is ~15 MB
MAX_UNCOMPRESSED_BYTES = 512 * 2**20  # ~1.5M rows of 8 columns once unzipped
MAX_COMPRESSION_RATIO = 100  # real sheets compress 5-20x; a bomb compresses 1000x
MAX_TEXT_BYTES = 64 * 2**20  # HTML is parsed in Python: keep it to what an export can be

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")
PASSWORD_MESSAGE = (
    "the workbook is password-protected (encrypted), so it cannot be read: open it in Excel, "
    "remove the password (File > Info > Protect Workbook) and save it again"
)


@dataclass
class SheetPeek:
    """The first non-empty rows of one sheet: (1-based row number, cells by 0-based column)."""

    name: str | None  # None for CSV and HTML, which have no sheets
    rows: list[tuple[int, list[Any]]]
    options: dict[str, Any] = field(default_factory=dict)  # e.g. the CSV delimiter


@dataclass
class Grid:
    """The rows below a header: columns are 0-based sheet columns; row i is sheet row
    ``first_row + i``."""

    frame: pd.DataFrame
    first_row: int


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 1024:,.0f} KB"


def open_source(path: Path) -> XlsxSource | XlsSource | CsvSource | HtmlSource:
    """The reader for ``path``, chosen by content. Raises ExportFileError when it cannot be read."""
    size = path.stat().st_size
    if size == 0:
        raise ExportFileError("the file is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise ExportFileError(
            f"the file is {mb(size)}, over the {mb(MAX_FILE_BYTES)} limit for an export: refused "
            "unread"
        )
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(_ZIP_MAGIC):
        return XlsxSource(path)
    if head.startswith(_OLE_MAGIC):
        return XlsSource(path)
    if head.startswith(b"%PDF"):
        raise ExportFileError("not a spreadsheet: the file is a PDF document")
    text = _decode(head, sample=True).lstrip("\ufeff \t\r\n").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        raise ExportFileError(
            "an Excel 2003 XML spreadsheet, which is not read: open it in Excel and save it as "
            ".xlsx"
        )
    if text.startswith("<") and any(t in text for t in ("<html", "<table", "<!doctype html")):
        if size > MAX_TEXT_BYTES:
            raise ExportFileError(
                f"the HTML export is {mb(size)}, over the {mb(MAX_TEXT_BYTES)} limit: "
                "refused unread"
            )
        return HtmlSource(path)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportFileError("not a spreadsheet: the file holds binary data of an unknown kind")
    return CsvSource(path)


def load_weight(path: Path) -> int:
    """Bytes of cell data a file holds, as a measure of the memory reading it takes: the sheets'
    uncompressed XML for a workbook (from the zip's directory, nothing inflated), else its size."""
    try:
        with path.open("rb") as f:
            zipped = f.read(4) in _ZIP_MAGIC
        if zipped:
            with zipfile.ZipFile(path) as zf:
                return sum(
                    i.file_size
                    for i in zf.infolist()
                    if i.filename.startswith("xl/worksheets/")
                    or i.filename == "xl/sharedStrings.xml"
                )
        return path.stat().st_size
    except (OSError, zipfile.BadZipFile):
        return 0


# -- xlsx / xlsm ----------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_number(ref: str) -> int:
    """'AB12' -> 27 (0-based column)."""
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + (ord(ch.upper()) - 64)
    return n - 1


def _ref_row(ref: str) -> int | None:
    digits = "".join(ch for ch in ref if ch.isdigit())
    return int(digits) if digits else None


class _SharedStrings:
    """The workbook's shared-string table, parsed only as far as the peeked cells need."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        name = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
        self._items: list[str] = []
        self._stream = zf.open(name) if name else None
        self._events: Iterator[tuple[str, Any]] = (
            iter(ET.iterparse(self._stream, events=("end",))) if self._stream else iter(())
        )

    def get(self, i: int) -> str | None:
        while len(self._items) <= i:
            try:
                _, elem = next(self._events)
            except StopIteration:
                break
            if _local(elem.tag) == "si":
                self._items.append(_si_text(elem))
                elem.clear()
        return self._items[i] if i < len(self._items) else None

    def close(self) -> None:
        if self._stream:
            self._stream.close()


def _si_text(si: ET.Element) -> str:
    parts: list[str] = []
    for child in si:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":  # a run of rich text
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


class XlsxSource:
    """An Office Open XML workbook (.xlsx/.xlsm, whatever its name)."""

    kind = "xlsx"

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with zipfile.ZipFile(path) as zf:
                infos = zf.infolist()
                names = {i.filename.lower(): i.filename for i in infos}
                self._check_sizes(infos)
                if "xl/workbook.xml" not in names:
                    kind = "a Word document" if "word/document.xml" in names else "a zip archive"
                    raise ExportFileError(f"not an Excel workbook: the file is {kind}")
                self._sheets = self._sheet_list(zf, names)
        except zipfile.BadZipFile as e:
            raise ExportFileError(
                f"the workbook is damaged and cannot be opened ({e}); export it again"
            ) from None
        except ET.ParseError as e:
            raise ExportFileError(
                f"the workbook is damaged: its sheet list is not valid XML ({e})"
            ) from None
        self._reader: Any = None

    @staticmethod
    def _check_sizes(infos: Sequence[zipfile.ZipInfo]) -> None:
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ExportFileError(
                f"the workbook would unpack to {mb(total)}, over the {mb(MAX_UNCOMPRESSED_BYTES)} "
                "limit: refused unread (too big for an export, or a decompression bomb)"
            )
        for i in infos:
            if i.file_size > 10 * 2**20 and i.file_size > MAX_COMPRESSION_RATIO * max(
                i.compress_size, 1
            ):
                raise ExportFileError(
                    f"'{i.filename}' in the workbook would unpack from {mb(i.compress_size)} to "
                    f"{mb(i.file_size)}: refused unread as a decompression bomb"
                )

    @staticmethod
    def _sheet_list(zf: zipfile.ZipFile, names: dict[str, str]) -> list[tuple[str, str | None]]:
        """(sheet name, path of its XML in the zip) for every visible worksheet, in tab order."""
        rels: dict[str, str] = {}
        rels_name = names.get("xl/_rels/workbook.xml.rels")
        if rels_name:
            for rel in ET.fromstring(zf.read(rels_name)).iter():
                if _local(rel.tag) == "Relationship":
                    target = rel.get("Target", "")
                    target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    rels[rel.get("Id", "")] = target
        out: list[tuple[str, str | None]] = []
        for sheet in ET.fromstring(zf.read(names["xl/workbook.xml"])).iter():
            if _local(sheet.tag) != "sheet" or sheet.get("state", "visible") != "visible":
                continue
            rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), "")
            target = rels.get(rid)
            out.append((sheet.get("name", ""), names.get(target.lower()) if target else None))
        return out

    def sheets(self) -> Iterator[SheetPeek]:
        with zipfile.ZipFile(self.path) as zf:
            for name, member in self._sheets:
                if member is None:  # a chart sheet or a broken link: nothing to read
                    continue
                strings = _SharedStrings(zf)
                try:
                    with zf.open(member) as stream:
                        rows = _peek_sheet_xml(stream, strings)
                except (ET.ParseError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as e:
                    raise ExportFileError(
                        f"sheet '{name}' is damaged and cannot be read ({e})"
                    ) from None
                finally:
                    strings.close()
                yield SheetPeek(name, rows)

    def load(self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int]) -> Grid:
        import fastexcel

        try:
            if self._reader is None:
                # fastexcel picks the format by extension for a path, by content for bytes.
                named_right = self.path.suffix.lower() in (".xlsx", ".xlsm")
                self._reader = fastexcel.read_excel(
                    self.path if named_right else self.path.read_bytes()
                )
            loaded = self._reader.load_sheet(
                sheet.name,
                header_row=header_row - 1,  # fastexcel counts sheet rows from 0, from row 1
                schema_sample_rows=None,  # guess types from all rows: see the module docstring
                dtypes={c: "string" for c in text_columns},  # keyed by absolute column number
                whitespace_as_null=True,
            )
            table = loaded.to_arrow()
        except fastexcel.FastExcelError as e:
            raise ExportFileError(
                f"sheet '{sheet.name}' cannot be read ({_first_line(e)})"
            ) from None
        frame = table.to_pandas()
        frame.columns = [c.absolute_index for c in loaded.selected_columns]
        return Grid(frame, header_row + 1)


def _peek_sheet_xml(stream: Any, strings: _SharedStrings) -> list[tuple[int, list[Any]]]:
    """The first PEEK_ROWS non-empty rows of a worksheet XML stream, stopping there."""
    rows: list[tuple[int, list[Any]]] = []
    cells: dict[int, Any] = {}
    row_no, col_no = 0, -1
    for event, elem in ET.iterparse(stream, events=("start", "end")):
        tag = _local(elem.tag)
        if event == "start":
            if tag == "row":
                row_no = int(elem.get("r") or row_no + 1)
                cells, col_no = {}, -1
            continue
        if tag == "c":
            ref = elem.get("r")
            col_no = _column_number(ref) if ref else col_no + 1
            value = _cell_value(elem, strings)
            if value is not None and value != "":
                cells[col_no] = value
            elem.clear()
        elif tag == "row":
            if cells:
                width = max(cells) + 1
                rows.append((row_no, [cells.get(i) for i in range(width)]))
                if len(rows) >= PEEK_ROWS:
                    break
            elem.clear()
    return rows


def _cell_value(c: ET.Element, strings: _SharedStrings) -> Any:
    kind = c.get("t", "n")
    v = next((x.text for x in c if _local(x.tag) == "v"), None)
    if kind == "inlineStr":
        inline = next((x for x in c if _local(x.tag) == "is"), None)
        return _si_text(inline) if inline is not None else None
    if v is None:
        return None
    if kind == "s":
        return strings.get(int(v))
    if kind in ("str", "e", "d"):
        return v
    if kind == "b":
        return v == "1"
    try:
        return float(v)
    except ValueError:
        return v


# -- legacy .xls ----------------------------------------------------------------------------------


class XlsSource:
    """A legacy (BIFF) workbook, read whole as text with fastexcel: .xls exports are small."""

    kind = "xls"

    def __init__(self, path: Path) -> None:
        import fastexcel

        self.path = path
        data = path.read_bytes()
        # An encrypted .xlsx is an OLE file holding an "EncryptionInfo" stream.
        if _ENCRYPTED_OOXML in data:
            raise ExportFileError(PASSWORD_MESSAGE)
        try:
            self._reader = fastexcel.read_excel(data)
            self._names = list(self._reader.sheet_names)
        except fastexcel.FastExcelError as e:
            raise _xls_error(e) from None
        self._frames: dict[str, pd.DataFrame] = {}

    def sheets(self) -> Iterator[SheetPeek]:
        import fastexcel

        for name in self._names:
            try:
                sheet = self._reader.load_sheet(
                    name, header_row=None, skip_rows=0, dtypes="string", whitespace_as_null=True
                )
                if sheet.visible != "visible":
                    continue
                frame = sheet.to_arrow().to_pandas()
            except fastexcel.FastExcelError as e:
                raise _xls_error(e, name) from None
            frame.columns = [c.absolute_index for c in sheet.selected_columns]
            self._frames[name] = frame
            yield SheetPeek(name, _peek_frame(frame))

    def load(self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int]) -> Grid:
        frame = self._frames[sheet.name or ""]
        return Grid(frame.iloc[header_row:].reset_index(drop=True), header_row + 1)


def _xls_error(e: Exception, sheet: str | None = None) -> ExportFileError:
    text = str(e)
    if "password" in text.lower() or "encrypt" in text.lower():
        return ExportFileError(PASSWORD_MESSAGE)
    where = f"sheet '{sheet}' of " if sheet else ""
    return ExportFileError(f"{where}the legacy .xls workbook cannot be read ({_first_line(e)})")


def _first_line(e: Exception) -> str:
    """fastexcel's messages carry a multi-line context; the first line says what went wrong."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _peek_frame(frame: pd.DataFrame) -> list[tuple[int, list[Any]]]:
    """First PEEK_ROWS non-empty rows of a grid whose row i is sheet row i+1."""
    rows: list[tuple[int, list[Any]]] = []
    width = (max(frame.columns) + 1) if len(frame.columns) else 0
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        cells: list[Any] = [None] * width
        for col, v in zip(frame.columns, values):
            if isinstance(v, str) and v.strip():
                cells[col] = v
        if any(c is not None for c in cells):
            rows.append((i + 1, cells))
            if len(rows) >= PEEK_ROWS:
                break
    return rows


# -- CSV and other delimited text -----------------------------------------------------------------


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


def encoding_of(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (Latin-1 when a byte
    Windows-1252 leaves undefined appears). UTF-8 is checked a megabyte at a time, so a 100 MB
    export is not held twice as text just to learn its encoding."""
    if data.startswith(_UTF8_BOM):
        return "utf-8-sig"
    if data.startswith(_UTF16_BOMS):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for i in range(0, len(data), 2**20):
            decoder.decode(view[i : i + 2**20])
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return "latin-1" if any(b in data for b in _CP1252_UNDEFINED) else "cp1252"


def _decode(data: bytes, sample: bool = False) -> str:
    """Text of a CSV/HTML file in the encoding ``encoding_of`` finds; ``sample``: the first bytes
    of a file, which may end inside a character."""
    if sample:
        enc = (
            encoding_of(data[: max(0, len(data) - 4)])
            if not data.startswith(_UTF16_BOMS)
            else "utf-16"
        )
        return data.decode(enc, errors="replace")
    return data.decode(encoding_of(data))


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
        head = self.data[: self._HEAD_BYTES]
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
            for i, cells in enumerate(csv.reader(io.StringIO(head), delimiter=delimiter), 1):
                if any(c.strip() for c in cells):
                    rows.append((i, [c if c.strip() else None for c in cells]))
                    if len(rows) >= PEEK_ROWS:
                        break
            yield SheetPeek(None, rows, {"delimiter": delimiter})

    def load(self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int]) -> Grid:
        delimiter = sheet.options["delimiter"]
        header = next(cells for row, cells in sheet.rows if row == header_row)
        width = len(header)
        try:
            return Grid(self._load_arrow(delimiter, header_row, width), header_row + 1)
        except (pa.ArrowInvalid, csv.Error, UnicodeDecodeError):
            return Grid(self._load_pandas(delimiter, header_row, width), header_row + 1)

    def _load_arrow(self, delimiter: str, header_row: int, width: int) -> pd.DataFrame:
        """Every record below the header as text, by Arrow's CSV reader (4x pandas' speed).

        Arrow sets aside records whose field count differs from the header's (a "Total" footer,
        a short data row missing its trailing empty fields); they are parsed here, fitted to the
        header's width and put back in their place, so record i below the header stays row i.
        Arrow counts lines, not records, so this path is taken only when every record below the
        header is one line (a quoted line break there sends the file to pandas); single-threaded,
        because only then does Arrow say which line each odd record was on.
        """
        if self.encoding == "utf-16":
            raise pa.ArrowInvalid("lines of UTF-16 text are not counted as bytes")
        reader = csv.reader(io.StringIO(self.head), delimiter=delimiter)
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
                column_types={c: pa.large_string() for c in names},
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        if table.num_rows + len(odd) != lines - skip_lines:
            raise pa.ArrowInvalid("a record below the header spans several lines")
        frame = table.to_pandas()
        frame.columns = list(range(width))
        if odd:
            numbers = np.arange(header_row + 1, header_row + 1 + len(frame) + len(odd))
            odd_numbers = np.array([header_row + n - skip_lines for n, _ in odd])
            fitted = []
            for _, text in odd:
                fields = next(csv.reader([text], delimiter=delimiter), [])
                fitted.append(
                    [f if f != "" else None for f in fields[:width]]
                    + [None] * (width - len(fields))
                )
            extra = pd.DataFrame(fitted, columns=frame.columns, index=odd_numbers, dtype="str")
            frame.index = numbers[~np.isin(numbers, odd_numbers)]
            frame = pd.concat([frame, extra]).sort_index().reset_index(drop=True)
        return frame

    def _load_pandas(self, delimiter: str, header_row: int, width: int) -> pd.DataFrame:
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


# -- HTML table saved as .xls ---------------------------------------------------------------------


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
        parser.feed(_decode(path.read_bytes()))
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
