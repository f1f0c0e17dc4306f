"""Export files as odd as they come (issue 10), written into a test's folder, never checked in.

A workbook here is written as raw XML where XlsxWriter cannot write what is needed: an error
cell, a formula without a saved result, a ``<dimension>`` that lies, a zip header that lies.
``benchmarks/hostile_inputs.py`` measures the reader on the same files.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


class Error:
    """An error cell: ``Error("#DIV/0!")``; with ``formula``, the formula that gave it."""

    def __init__(self, value: str, formula: str | None = None) -> None:
        self.value, self.formula = value, formula


class Formula:
    """A formula cell; ``value=None``: never calculated, so no saved result."""

    def __init__(self, formula: str, value: float | None = None) -> None:
        self.formula, self.value = formula, value


def column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell(ref: str, v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Error):
        f = f"<f>{escape(v.formula)}</f>" if v.formula else ""
        return f'<c r="{ref}" t="e">{f}<v>{escape(v.value)}</v></c>'
    if isinstance(v, Formula):
        value = "" if v.value is None else f"<v>{v.value!r}</v>"
        return f'<c r="{ref}"><f>{escape(v.formula)}</f>{value}</c>'
    if isinstance(v, dt.datetime):
        v = (v - _EXCEL_EPOCH).days
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'


def sheet_xml(rows: Sequence[Sequence[Any]], dimension: str | None = None,
              extra_cells: Sequence[tuple[str, Any]] = ()) -> bytes:
    """A worksheet holding ``rows`` from A1 (None = no cell), then ``extra_cells`` ((ref, value),
    each in a row of its own, in row order), with ``dimension`` if given."""
    parts = [SHEET_HEAD]
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for r, row in enumerate(rows, 1):
        cells = "".join(_cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row))
        parts.append(f'<row r="{r}">{cells}</row>')
    for ref, v in extra_cells:
        row_no = "".join(ch for ch in ref if ch.isdigit())
        parts.append(f'<row r="{row_no}">{_cell(ref, v)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def write_raw_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, sheet: str = "Sheet1",
                   dimension: str | None = None,
                   extra_cells: Sequence[tuple[str, Any]] = ()) -> Path:
    """A minimal workbook (inline strings, no styles) whose one sheet holds ``rows``."""
    return write_workbook_xml(path, sheet_xml(rows, dimension, extra_cells), sheet=sheet)


def write_workbook_xml(path: Path, worksheet: bytes, *, sheet: str = "Sheet1") -> Path:
    return write_workbook_stream(path, lambda f: f.write(worksheet), sheet=sheet)


def write_workbook_stream(path: Path, write_sheet: Callable[[IO[bytes]], object], *,
                          sheet: str = "Sheet1", level: int = 6) -> Path:
    """A minimal workbook whose sheet XML ``write_sheet`` writes into the open zip member (so a
    sheet of hundreds of megabytes never sits in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet)))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            write_sheet(f)
    return path


def lie_about_size(path: Path, member: str, declared: int) -> None:
    """Rewrite the zip at ``path`` so its headers declare ``member`` to be ``declared`` bytes
    once inflated (the data and its checksum stay true)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    # Local file header: signature, ..., uncompressed size at offset 22; name at 30.
    at = data.find(b"PK\x03\x04")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 26)[0]
        if bytes(data[at + 30: at + 30 + name_len]) == name:
            struct.pack_into("<I", data, at + 22, declared)
        at = data.find(b"PK\x03\x04", at + 4)
    # Central directory entry: uncompressed size at offset 24; name at 46.
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + name_len]) == name:
            struct.pack_into("<I", data, at + 24, declared)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def repetitive_sheet(header: Sequence[str], row: Sequence[Any], repeat: int) -> bytes:
    """A worksheet of ``header`` and ``repeat`` copies of ``row`` (numbered rows): it compresses
    some 100 to 1, the way a hostile or runaway export does."""
    head = sheet_xml([header])[: -len(b"</sheetData></worksheet>")]
    out = [head]
    for r in range(2, repeat + 2):
        cells = "".join(_cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>'.encode())
    out.append(b"</sheetData></worksheet>")
    return b"".join(out)


def deflated_size(data: bytes) -> int:
    return len(zlib.compress(data, 6))


def write_wide_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]],
                   columns: int) -> Path:
    """A CSV whose header and rows are padded to ``columns`` fields."""
    pad = columns - len(header)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(list(header) + [f"extra {i}" for i in range(pad)]) + "\n")
        for row in rows:
            f.write(",".join([str(v) for v in row] + ["1"] * pad) + "\n")
    return path
