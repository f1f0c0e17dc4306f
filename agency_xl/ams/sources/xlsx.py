"""Office Open XML workbooks (.xlsx/.xlsm, whatever their name).

The peek streams only the start of a sheet's XML (milliseconds even on a 300,000-row sheet); the
load is one fastexcel (calamine -> Arrow) pass with the header row given (re-reading the sheet to
peek would double the time). Columns of ids and names are loaded as text so an id Excel stored as
a number comes out as ``123456``, not ``123456.0``; the other columns keep their natural types,
with the type guessed from all rows so a column of amounts with a few text cells arrives as text
instead of losing those cells.

Before anything is inflated, the sizes the zip declares are checked (a decompression bomb that
admits its size is refused unread). Before calamine loads a sheet, ``sheet_xml`` inflates what
calamine will read and counts the bytes it really gives (a zip may lie about its sizes), checks
the cells the sheet really spans (a stray cell far away is left out of a trimmed copy; an absurd
sheet is refused) and finds the error cells and formulas without a saved result, which calamine
would hand over as empty cells.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from agency_xl.ams.errors import ExportFileError
from agency_xl.ams.sources import limits, sheet_xml
from agency_xl.ams.sources.grid import PEEK_ROWS, Grid, SheetPeek, column_letter, column_number
from agency_xl.ams.sources.limits import first_line, mb


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


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
        self._members = dict(self._sheets)

    @staticmethod
    def _check_sizes(infos: Sequence[zipfile.ZipInfo]) -> None:
        total = sum(i.file_size for i in infos)
        if total > limits.MAX_UNCOMPRESSED_BYTES:
            raise ExportFileError(
                f"the workbook would unpack to {mb(total)}, over the {mb(limits.MAX_UNCOMPRESSED_BYTES)} "
                "limit: refused unread (too big for an export, or a decompression bomb)"
            )
        for i in infos:
            if i.file_size > 10 * 2**20 and i.file_size > limits.MAX_COMPRESSION_RATIO * max(
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

    def load(
        self, sheet: SheetPeek, header_row: int, text_columns: Sequence[int],
        columns: Sequence[int],
    ) -> Grid:
        import fastexcel

        name = sheet.name or ""
        workbook, notes, errors = self._checked(sheet, header_row)
        try:
            if self._reader is None:
                # fastexcel picks the format by extension for a path, by content for bytes.
                if workbook is not None:
                    self._reader = fastexcel.read_excel(workbook)
                elif self.path.suffix.lower() in (".xlsx", ".xlsm"):
                    self._reader = fastexcel.read_excel(self.path)
                else:
                    self._reader = fastexcel.read_excel(self.path.read_bytes())
            loaded = self._reader.load_sheet(
                name,
                header_row=header_row - 1,  # fastexcel counts sheet rows from 0, from row 1
                schema_sample_rows=None,  # guess types from all rows: see the module docstring
                dtypes={c: "string" for c in text_columns},  # keyed by absolute column number
                use_columns=list(columns),
                whitespace_as_null=True,
            )
            table = loaded.to_arrow()
        except fastexcel.FastExcelError as e:
            raise ExportFileError(f"sheet '{name}' cannot be read ({first_line(e)})") from None
        frame = table.to_pandas()
        frame.columns = [c.absolute_index for c in loaded.selected_columns]
        first = header_row + 1
        below = {(row - first, col): text for (row, col), text in errors.items() if row >= first}
        return Grid(frame, first, below, notes)

    def _checked(
        self, sheet: SheetPeek, header_row: int
    ) -> tuple[bytes | None, list[tuple[int, int, str]], dict[tuple[int, int], str]]:
        """What calamine will read, checked (see the module docstring): (a trimmed copy of the
        workbook or None, notes on the cells left out, the error cells)."""
        name = sheet.name or ""
        member = self._members.get(name)
        budget = limits.MAX_UNCOMPRESSED_BYTES
        with zipfile.ZipFile(self.path) as zf:
            infos = zf.infolist()
        for info in infos:
            if info.filename != member and _calamine_reads(info.filename):
                budget -= sheet_xml.inflated_size(self.path, info, budget)
        info = next(i for i in infos if i.filename == member)
        width = max(
            (len(cells) for row, cells in sheet.rows if row in (header_row - 1, header_row)),
            default=1,
        )
        scan = sheet_xml.scan_sheet(self.path, info, budget, width)
        end = sheet_xml.report_end(scan, header_row) if scan.exact else scan.last_row
        report = scan.cells(end, width - 1)
        if report > sheet_xml.MAX_GRID_CELLS:
            raise ExportFileError(
                f"sheet '{name}' holds {end - scan.first_row + 1:,} rows of {width:,} columns, "
                f"{report:,} cells, more than an export can be (at most "
                f"{sheet_xml.MAX_GRID_CELLS:,}): refused unread"
            )
        grid = scan.cells()
        if not scan.exact or grid <= max(2 * report, sheet_xml.TRIM_ABOVE_CELLS):
            return None, [], scan.errors
        data, left_out, count = sheet_xml.trimmed_workbook(self.path, info.filename, end,
                                                          width - 1, limits.MAX_UNCOMPRESSED_BYTES)
        first, one = left_out[0], count == 1
        note = (
            f"{count:,} {'cell' if one else 'cells'} far outside the report "
            f"({', '.join(left_out)}{', ...' if count > len(left_out) else ''}) "
            f"{'was' if one else 'were'} not read: the report is rows {scan.first_row} to {end}, "
            f"columns A to {column_letter(width - 1)}; with {'it' if one else 'them'} the sheet "
            f"would span {grid:,} cells"
        )
        row, col = int("".join(ch for ch in first if ch.isdigit())), column_number(first)
        errors = {k: v for k, v in scan.errors.items() if k[0] <= end and k[1] < width}
        return data, [(row, col, note)], errors


def _calamine_reads(name: str) -> bool:
    """The zip members calamine reads to open a workbook and load one sheet (other sheets,
    pictures and printer settings are not read)."""
    low = name.lower()
    if low.startswith(("xl/worksheets/sheet", "xl/chartsheets/", "xl/media/", "xl/drawings/",
                       "xl/charts/", "xl/printersettings/")):
        return False
    return low.endswith((".xml", ".rels"))


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
            col_no = column_number(ref) if ref else col_no + 1
            value = _cell_value(elem, strings)
            if value is not None and value != "" and col_no < sheet_xml.MAX_COLUMNS:
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

