"""Opening one export file of any allowed format and handing back raw cells.

The format is told by the file's content, not its name: many AMS "Excel" exports are an HTML
table (or tab-separated text) saved with an ``.xls`` name, and a legacy workbook may be named
``.xlsx``. Every source offers the same two steps, so the reader does not care which it has:

- ``sheets()``: for each visible sheet, its first ``PEEK_ROWS`` non-empty rows (where the header
  and the title rows are);
- ``load(sheet, header_row, text_columns)``: every row below the header in one pass, as a
  DataFrame whose columns are the 0-based sheet column numbers, plus the sheet row number of its
  first row, so each cell keeps its address.

One module per format (``xlsx``, ``xls``, ``delimited``, ``html_table``); the limits that
refuse a file are in ``limits``. Files are opened read-only and never written.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from agency_xl.ams.errors import ExportFileError
from agency_xl.ams.sources import limits
from agency_xl.ams.sources.delimited import CsvSource
from agency_xl.ams.sources.encoding import decode
from agency_xl.ams.sources.grid import PEEK_ROWS, Grid, SheetPeek, Source
from agency_xl.ams.sources.html_table import HtmlSource
from agency_xl.ams.sources.limits import mb
from agency_xl.ams.sources.xls import XlsSource
from agency_xl.ams.sources.xlsx import XlsxSource

__all__ = ["PEEK_ROWS", "Grid", "SheetPeek", "Source", "load_weight", "open_source"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def open_source(path: Path) -> Source:
    """The reader for ``path``, chosen by content. Raises ExportFileError when it cannot be read."""
    size = path.stat().st_size
    if size == 0:
        raise ExportFileError("the file is empty (0 bytes)")
    if size > limits.MAX_FILE_BYTES:
        raise ExportFileError(
            f"the file is {mb(size)}, over the {mb(limits.MAX_FILE_BYTES)} limit for an export: refused "
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
    text = decode(head, sample=True).lstrip("\ufeff \t\r\n").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        raise ExportFileError(
            "an Excel 2003 XML spreadsheet, which is not read: open it in Excel and save it as "
            ".xlsx"
        )
    if text.startswith("<") and any(t in text for t in ("<html", "<table", "<!doctype html")):
        if size > limits.MAX_TEXT_BYTES:
            raise ExportFileError(
                f"the HTML export is {mb(size)}, over the {mb(limits.MAX_TEXT_BYTES)} limit: "
                "refused unread"
            )
        return HtmlSource(path)
    if _binary(head):
        raise ExportFileError("not a spreadsheet: the file holds binary data of an unknown kind")
    return CsvSource(path)


_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f")
BINARY_SHARE = 0.05  # text has next to no control bytes; a stray NUL or two does not make binary


def _binary(head: bytes) -> bool:
    """Binary data rather than text: more than 5% control bytes (NUL included) in the first
    bytes. UTF-16 text, whose every other byte is NUL, is text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls > BINARY_SHARE * len(head)


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

