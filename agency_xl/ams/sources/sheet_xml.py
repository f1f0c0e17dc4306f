"""A worksheet's XML checked before calamine loads it, and trimmed when it must be.

Calamine, which loads the cells, trusts the file: it inflates a zip member to whatever size the
compressed data gives (a zip whose headers declare 1 MB can inflate to 700 MB), and it holds a
sheet as a dense grid from its first to its last cell, so one stray "x" at XFD1048576 asks for
17 billion cells and aborts the process, beyond any Python ``except``. So, before it loads a
sheet:

- every zip member it will read is inflated here, counting the bytes actually produced (not the
  sizes the zip declares) against ``limits.MAX_UNCOMPRESSED_BYTES`` and the compression ratio
  (``inflated_size``);
- the sheet's XML is scanned for what calamine would make of it (``scan_sheet``): the rows and
  columns its cells really span, error cells (``#DIV/0!``) and formulas without a saved result
  (calamine reads both as empty cells, which would pass for "nothing").

The scan is cheap in the usual case: one pass of Arrow's regular-expression engine over the
inflated bytes (it runs without Python's lock) looks for anything unusual: an error, a formula,
a cell right of the ``<dimension>`` the sheet declares, a row far below it. Only a sheet where it
finds something is scanned again cell by cell, in Python.

A sheet whose cells span more than twice its report (and over ``TRIM_ABOVE_CELLS``; the report is
the header's columns, down to the last row before ``MAX_GAP_ROWS`` empty rows) is loaded from a
trimmed copy of the workbook, built in memory without the stray cells (``trimmed_workbook``); the
cells left out are named. A sheet whose report itself is bigger than ``MAX_GRID_CELLS`` is
refused.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agency_xl.ams.errors import ExportFileError
from agency_xl.ams.sources import limits
from agency_xl.ams.sources.grid import column_letter, column_number
from agency_xl.ams.sources.limits import mb

CHUNK = 8 * 2**20  # inflated bytes looked at in one go
SAFE_CELLS = 8_000_000  # a grid the quick pass bounds to this is loaded unscanned (~300 MB)
TRIM_ABOVE_CELLS = 1_000_000  # a grid this small loads as it is, stray cells and all (~40 MB)
MAX_GRID_CELLS = 12_000_000  # the largest report loaded (300,000 rows x 40 columns)
MAX_GAP_ROWS = 1_000  # empty rows after which a cell is not part of the report
MAX_COLUMNS = 16_384  # Excel's own limits
MAX_ROWS = 1_048_576
CELLS_NAMED = 5

_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\bref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"')
# A cell with a value; an empty, self-closed one (``<c r="X9" s="1"/>``, formatting only) holds
# nothing and calamine passes it by.
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Za-z]{1,3})(\d+)"[^>]*(?<!/)>')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ATTR_R = re.compile(rb'\br="([A-Za-z]{1,3})(\d+)"')
_ATTR_T = re.compile(rb'\bt="([a-zA-Z]+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_ROW_ELEMENT = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.DOTALL)


def _raw(path: Path, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The compressed bytes of one member, as the zip's central directory delimits them."""
    with path.open("rb") as f:
        f.seek(info.header_offset)
        head = f.read(_LOCAL_HEADER.size)
        if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
            raise ExportFileError(f"the workbook is damaged ('{info.filename}' cannot be found)")
        name_len, extra_len = _LOCAL_HEADER.unpack(head)[-2:]
        f.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
        left = info.compress_size
        while left > 0:
            block = f.read(min(2**20, left))
            if not block:
                break
            left -= len(block)
            yield block


def inflate(path: Path, info: zipfile.ZipInfo, budget: int) -> Iterator[bytes]:
    """The member's bytes as they really inflate, in chunks of at most ``CHUNK``; refused as soon
    as they pass ``budget`` bytes or the compression ratio a bomb has."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ExportFileError(
            f"'{info.filename}' in the workbook is compressed in a way Excel does not use: "
            "refused unread"
        )
    stored = info.compress_type == zipfile.ZIP_STORED
    inflater = None if stored else zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    for block in _raw(path, info):
        pending = block
        while pending:
            if inflater is None:
                out, pending = pending, b""
            else:
                try:
                    out = inflater.decompress(pending, CHUNK)
                except zlib.error as e:
                    raise ExportFileError(
                        f"the workbook is damaged ('{info.filename}' cannot be unpacked: {e}); "
                        "export it again"
                    ) from None
                pending = inflater.unconsumed_tail
            total += len(out)
            if total > budget:
                raise ExportFileError(
                    f"'{info.filename}' in the workbook unpacks to more than {mb(budget)} (its "
                    f"zip header says {mb(info.file_size)}), over the "
                    f"{mb(limits.MAX_UNCOMPRESSED_BYTES)} limit: refused (too big for an export, "
                    "or a decompression bomb)"
                )
            if total > 10 * 2**20 and total > limits.MAX_COMPRESSION_RATIO * info.compress_size:
                raise ExportFileError(
                    f"'{info.filename}' in the workbook unpacks from {mb(info.compress_size)} to "
                    f"more than {mb(total)} (its zip header says {mb(info.file_size)}): refused "
                    "as a decompression bomb"
                )
            if out:
                yield out


def inflated_size(path: Path, info: zipfile.ZipInfo, budget: int) -> int:
    return sum(len(chunk) for chunk in inflate(path, info, budget))


@dataclass
class SheetScan:
    """What calamine would make of one worksheet."""

    size: int = 0  # bytes of XML, as inflated
    first_row: int = 1  # rows and columns the cells span (1-based rows, 0-based columns)
    last_row: int = 0
    last_col: int = -1
    rows: np.ndarray | None = None  # row numbers that hold cells, when scanned cell by cell
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "#REF!"/""
    exact: bool = False  # scanned cell by cell

    def cells(self, last_row: int | None = None, last_col: int | None = None) -> int:
        """The dense grid's size (to ``last_row``/``last_col`` when given)."""
        rows = (last_row or self.last_row) - self.first_row + 1
        cols = (self.last_col if last_col is None else last_col) + 1
        return max(rows, 0) * max(cols, 0)


def _greater_number(n: int) -> str:
    """An RE2 pattern for a whole number greater than ``n`` (followed by a non-digit)."""
    digits = str(n)
    options = ["0", rf"[1-9]\d{{{len(digits)},}}"]  # a leading zero is not how Excel writes
    for i, ch in enumerate(digits):
        if ch != "9":
            options.append(f"{digits[:i]}[{int(ch) + 1}-9]" + rf"\d{{{len(digits) - i - 1}}}")
    return "(?:" + "|".join(options) + r")[^\d]"


def _greater_letters(col: int) -> str:
    """An RE2 pattern for column letters after ``col`` (0-based), followed by a digit."""
    letters = column_letter(col)
    options = [rf"[A-Z]{{{len(letters) + 1},}}"]
    for i, ch in enumerate(letters):
        if ch != "Z":
            rest = rf"[A-Z]{{{len(letters) - i - 1}}}"
            options.append(f"{letters[:i]}[{chr(ord(ch) + 1)}-Z]{rest}")
    return "(?:" + "|".join(options) + r")\d"


def _suspicious(head: bytes) -> tuple[str, int, int] | None:
    """An RE2 pattern for what the quick pass looks for (an error cell, a formula, a cell outside
    the dimension the sheet declares), and the declared last row and column; None when the sheet
    declares no dimension."""
    m = _DIMENSION.search(head)
    if m is None:
        return None
    last_col, last_row = column_number(m.group(1)), int(m.group(2))
    if last_row > MAX_ROWS or last_col >= MAX_COLUMNS:
        return None
    rows = _greater_number(last_row)
    parts = [
        r't="e"',
        r"<f[ >/]",
        rf'<row [^>]*r="{rows}',
        rf'<c [^>]*r="[A-Z]+{rows}',
        rf'<c [^>]*r="{_greater_letters(last_col)}',
        r'<c [^>]*r="[a-z]',
    ]
    return "|".join(parts), last_row, last_col


def scan_sheet(path: Path, info: zipfile.ZipInfo, budget: int, width: int) -> SheetScan:
    """The quick pass over a sheet, and the cell-by-cell one when the quick pass finds something,
    or the sheet declares no dimension, or its declared rows and columns are far more than its
    rows and ``width`` (the header's columns): a stray cell may be what stretches them."""
    scan = SheetScan()
    quick: tuple[str, int, int] | None = None
    found, row_tags, tail = False, 0, b""
    for i, chunk in enumerate(inflate(path, info, budget)):
        if i == 0:
            quick = _suspicious(chunk[:65536])
        scan.size += len(chunk)
        if quick is None or found:
            continue
        both = pa.array([tail + chunk], pa.large_binary())
        found = pc.count_substring_regex(both, quick[0])[0].as_py() > 0
        row_tags += chunk.count(b"<row")
        tail = chunk[-512:]
    if scan.size == 0:
        return scan
    if quick is not None and not found:
        _, last_row, last_col = quick
        scan.last_row, scan.last_col = last_row, last_col
        if last_row <= 2 * row_tags + MAX_GAP_ROWS and last_col < max(2 * width, 26):
            return scan
    return _scan_cells(path, info, budget, scan.size)


def _scan_cells(path: Path, info: zipfile.ZipInfo, budget: int, size: int) -> SheetScan:
    """Every row and cell of the sheet, in Python: the exact span, and the error cells."""
    rows: list[np.ndarray] = []
    last_col = -1
    errors: dict[tuple[int, int], str] = {}
    for part in _whole_elements(inflate(path, info, budget), b"<c "):
        refs = _CELL_REF.findall(part)
        numbers = [int(r) for _, r in refs]
        if refs:
            cols = {c for c, _ in refs}
            last_col = max(last_col, max(column_number(c) for c in cols))
        if numbers:
            rows.append(np.unique(np.asarray(numbers, dtype=np.int64)))
        if b't="e"' in part or b"<f" in part:
            errors.update(_error_cells(part))
    present = np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)
    scan = SheetScan(size=size, rows=present, errors=errors, exact=True, last_col=last_col)
    if len(present):
        scan.first_row, scan.last_row = int(present[0]), int(present[-1])
    return scan


def _whole_elements(chunks: Iterator[bytes], start: bytes) -> Iterator[bytes]:
    """The chunks re-cut so no element that opens with ``start`` (``<c `` or ``<row``) is split
    between two of them."""
    carry = b""
    for chunk in chunks:
        buf = carry + chunk
        cut = buf.rfind(start)
        if cut <= 0 and len(buf) < 4 * CHUNK:
            carry = buf
            continue
        cut = cut if cut > 0 else len(buf)
        yield buf[:cut]
        carry = buf[cut:]
    if carry:
        yield carry


def _error_cells(part: bytes) -> dict[tuple[int, int], str]:
    """(row, col) -> the error value of each error cell, or "" for a formula without a value."""
    out = {}
    for m in _CELL.finditer(part):
        attrs, body = m.group(1), m.group(2) or b""
        ref = _ATTR_R.search(attrs)
        if ref is None:
            continue
        kind = _ATTR_T.search(attrs)
        value = _VALUE.search(body)
        where = (int(ref.group(2)), column_number(ref.group(1)))
        if kind is not None and kind.group(1) == b"e":
            out[where] = value.group(1).decode(errors="replace").strip() if value else ""
        elif b"<f" in body and value is None:
            out[where] = ""
    return out


def report_end(scan: SheetScan, header_row: int) -> int:
    """The last row of the report: the last row holding cells before ``MAX_GAP_ROWS`` empty ones
    (the rows below such a gap are strays, not the report)."""
    rows = scan.rows if scan.rows is not None else np.zeros(0, dtype=np.int64)
    below = rows[rows >= header_row]
    if len(below) < 2:
        return header_row if len(below) == 0 else int(below[0])
    gaps = np.flatnonzero(np.diff(below) > MAX_GAP_ROWS)
    return int(below[gaps[0]]) if len(gaps) else int(below[-1])


def trimmed_workbook(
    path: Path, member: str, last_row: int, last_col: int, budget: int
) -> tuple[bytes, list[str], int]:
    """The workbook with ``member``'s cells below ``last_row`` or right of ``last_col`` left out:
    (the new workbook's bytes, the first cells left out, how many)."""
    left_out: list[str] = []
    count = 0

    def keep_cell(m: re.Match) -> bytes:
        nonlocal count
        ref = _ATTR_R.search(m.group(1))
        if ref is None:
            return m.group(0)
        row, col = int(ref.group(2)), column_number(ref.group(1))
        if row <= last_row and col <= last_col:
            return m.group(0)
        if m.group(2) is None:  # formatting only: nothing to name
            return b""
        count += 1
        if len(left_out) < CELLS_NAMED:
            left_out.append(f"{column_letter(col)}{row}")
        return b""

    def keep_row(m: re.Match) -> bytes:
        return _CELL.sub(keep_cell, m.group(0))

    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                       compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != member:
                zout.writestr(info.filename, b"".join(inflate(path, info, budget)))
                continue
            with zout.open(info.filename, "w", force_zip64=True) as sheet:
                for part in _whole_elements(inflate(path, info, budget), b"<row"):
                    part = _DIMENSION_ELEMENT.sub(b"", part)
                    sheet.write(_ROW_ELEMENT.sub(keep_row, part))
    return out.getvalue(), left_out, count


_DIMENSION_ELEMENT = re.compile(rb"<dimension\b[^>]*/>")
