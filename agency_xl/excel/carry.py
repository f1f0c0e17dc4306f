"""What a headless refresh keeps of the workbook it overwrites: every cell the owner typed.

The live refresh (inside Excel) writes only the blocks' rectangles, so everything else on the
sheets survives by itself. The headless refresh writes a new file with XlsxWriter, so it first
reads the previous file with openpyxl and writes back, on each of our sheets, every cell that is
not refresh-owned (a block's rectangle, or one of our live formulas and its spill range): the
owner's notes beside and between the blocks, his own formulas, his Settings values and mapping
tables, his cell notes (comments), and his xlwings.conf entries. Values stay values, formulas stay
formulas (with their last result), text stays text.

What XlsxWriter cannot rebuild is refused, not dropped: a sheet of the owner's own, a chart or
picture he added to one of our sheets, an Excel table, a pivot table or a data table. The refresh
then says to use the Refresh button inside Excel, or to write to another file. Formatting he
changed (fonts, fills, column widths), hyperlinks and defined names are not kept: the sheets get
our layout back.
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from agency_xl.dashboards.spec import Carried, Sheet, cell_to_rc, rc_to_cell

CONF_SHEET = "xlwings.conf"
SETTINGS_SHEET = "Settings"
# A document property holding the layout the workbook was built with: after an upgrade that moves
# blocks or labels, the old file's cells cannot be told apart from the owner's, so it is refused.
LAYOUT_PROPERTY = "agency_xl layout"
TABLE_PREFIX = "List_"  # an action list's Excel table: "List_" + its block's workbook name
# The xlwings.conf key naming the Python of each platform; xlwings' VBA reads the one of the
# platform Excel runs on (keys are not case-sensitive there).
INTERPRETER_KEY = {"windows": "Interpreter_Win", "macos": "Interpreter_Mac"}


@dataclass
class Previous:
    """The owner's cells of a saved workbook, per sheet of ours, and its xlwings.conf entries."""

    path: Path
    cells: dict[str, dict[tuple[int, int], Carried]] = field(default_factory=dict)
    notes: dict[str, dict[tuple[int, int], tuple[str, str | None]]] = field(default_factory=dict)
    conf: dict[str, str] = field(default_factory=dict)


def refused(path: Path, what: str) -> ValueError:
    return ValueError(
        f"{path.name} holds {what}, which a refresh from the command line cannot keep (it writes a "
        f"new file). Use the Refresh button inside Excel to refresh this workbook, or write to "
        f"another file with --out.")


def owned_cells(sheet: Sheet) -> set[tuple[int, int]]:
    """The cells a refresh writes: every block's rectangle and every formula with its spill range."""
    cells: set[tuple[int, int]] = set()
    for b in sheet.blocks:
        r0, c0 = b.top_left
        for dr in range(b.n_rows + (1 if b.header else 0)):
            for dc in range(len(b.columns)):
                cells.add((r0 + dr, c0 + dc))
    for f in sheet.formulas:
        r0, c0 = cell_to_rc(f.cell)
        rows, cols = f.spill or (1, 1)
        for dr in range(rows):
            for dc in range(cols):
                cells.add((r0 + dr, c0 + dc))
    return cells


def layout_fingerprint(template: list[Sheet]) -> str:
    """A short hash of where the empty template puts every block, label, input and formula."""
    parts = []
    for sheet in template:
        parts.append(f"[{sheet.name}]")
        parts += sorted(f"b{b.address()}" for b in sheet.blocks)
        parts += sorted(f"l{x.cell}" for x in sheet.labels)
        parts += sorted(f"i{x.cell}" for x in sheet.inputs)
        parts += sorted(f"f{f.cell}" for f in sheet.formulas)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _ref_cells(ref: str) -> set[tuple[int, int]]:
    first, _, last = ref.replace("$", "").partition(":")
    r0, c0 = cell_to_rc(first)
    r1, c1 = cell_to_rc(last or first)
    return {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}


def _drawn_objects(path: Path) -> dict[str, tuple[int, int]]:
    """Sheet name -> (charts, pictures) in its drawing, from the file's zip parts (openpyxl does
    not load charts). Form buttons are not counted: they are controls, not charts or pictures."""
    def rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rel_part = posixpath.join(folder, "_rels", name + ".rels")
        if rel_part not in z.namelist():
            return {}
        out = {}
        for tag in re.findall(r"<Relationship\b[^>]*>", z.read(rel_part).decode("utf-8", "replace")):
            rid = re.search(r'\bId="([^"]+)"', tag)
            target = re.search(r'\bTarget="([^"]+)"', tag)
            if rid and target and 'TargetMode="External"' not in tag:
                t = target.group(1)  # relative to the part's folder, or absolute from the zip root
                out[rid.group(1)] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(folder, t))
        return out

    out: dict[str, tuple[int, int]] = {}
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8", "replace")
        book_rels = rels(z, "xl/workbook.xml")
        for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
            name = re.search(r'\bname="([^"]*)"', tag)
            rid = re.search(r'\br:id="([^"]+)"', tag)
            if not (name and rid and rid.group(1) in book_rels):
                continue
            charts = pictures = 0
            for target in rels(z, book_rels[rid.group(1)]).values():
                if "/drawings/drawing" in target and target.endswith(".xml"):
                    for t in rels(z, target).values():
                        charts += "/charts/chart" in t
                        pictures += "/media/" in t
            out[html.unescape(name.group(1))] = (charts, pictures)
    return out


def _moved_table(sheets: list[Sheet], tables: dict[str, list[tuple[str, str]]]) -> str | None:
    """Where the first block whose workbook name (``Sheet.workbook_name``) in the saved file no
    longer covers the block's own place lies now, in words; None when every name that is there is
    in place (a workbook built before blocks had names has none)."""
    for sheet in sheets:
        for block in sheet.blocks:
            found = tables.get(sheet.workbook_name(block))
            if not found:
                continue
            where = [(name, ref.replace("$", "")) for name, ref in found]
            try:  # Excel may save a one-cell range as 'A2' where the builder wrote 'A2:A2'
                same = [(name, _ref_cells(ref)) for name, ref in where] == [(sheet.name, _ref_cells(block.address()))]
            except ValueError:  # #REF!: its cells were deleted
                same = False
            if not same:
                table, place = sheet.workbook_name(block), f"{sheet.name}!{block.address()}"
                if all(ref and "#REF" not in ref for _, ref in where):
                    now = ", ".join(f"{name}!{ref}" for name, ref in where)
                    return f"the table {table} is now at {now} instead of {place}"
                return f"the table {table} ({place}) was deleted"
    return None


def check_keepable(path: str | Path, sheets: list[Sheet], extra: tuple[str, ...] = (),
                   layout: str | None = None) -> None:
    """Raise ValueError when the workbook at ``path`` holds something a headless refresh would
    lose: a sheet that is not one of ``sheets`` (or ``extra``), more charts on a sheet than the
    dashboard has, or any picture; or when it was built with another ``layout``
    (``layout_fingerprint``; a workbook without one is taken as it is); or when a block's workbook
    name has moved (the owner inserted rows or columns in Excel: his cells moved with it)."""
    import openpyxl

    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        names = list(wb.sheetnames)
        built = {p.name: p.value for p in wb.custom_doc_props.props}.get(LAYOUT_PROPERTY)
        tables = {name: list(d.destinations) or [("", d.attr_text)] for name, d in wb.defined_names.items()}
        wb.close()
    except Exception as exc:
        raise ValueError(f"{path} exists but cannot be read as a workbook ({exc}); a refresh keeps "
                         f"what you typed in it, so it will not overwrite it. Move it away or "
                         f"choose another --out.") from exc
    if layout is not None and built is not None and built != layout:
        raise ValueError(
            f"{path.name} was built by another version of agency_xl, whose sheets are laid out "
            f"differently: the cells you typed cannot be told apart from the old layout's. Write the "
            f"refresh to another file (--out new.xlsm --settings {path.name} keeps your settings) "
            f"and copy your own notes across.")
    moved = _moved_table(sheets, tables)
    if moved:
        raise ValueError(
            f"{path.name}: {moved}: rows or columns were inserted or deleted on that sheet in Excel. A "
            f"refresh from the command line writes the tables back where the dashboard puts them and "
            f"cannot tell your moved cells from them. Use the Refresh button inside Excel (it follows "
            f"the tables), or write to another file with --out.")
    ours = {s.name for s in sheets} | set(extra)
    foreign = [n for n in names if n not in ours]
    if foreign:
        listed = ", ".join(repr(n) for n in foreign)
        raise refused(path, f"sheet{'s' if len(foreign) > 1 else ''} of your own ({listed})")
    charts = {s.name: len(s.charts) for s in sheets}
    for name, (n_charts, n_pictures) in _drawn_objects(path).items():
        if n_charts > charts.get(name, 0):
            raise refused(path, f"{n_charts} charts on the sheet {name!r}, where the dashboard has "
                                f"{charts.get(name, 0)} (one is yours)")
        if n_pictures:
            raise refused(path, f"a picture on the sheet {name!r}")


def our_tables(sheet: Sheet) -> set[str]:
    """The names of the Excel tables the dashboard itself puts on ``sheet`` (its action lists,
    ``Block.table``; see builder.add_table): a refresh rebuilds them, they are not the owner's."""
    return {TABLE_PREFIX + sheet.workbook_name(b) for b in sheet.blocks if b.table}


def read_previous(path: str | Path, sheets: list[Sheet], check: bool = True,
                  extra: tuple[str, ...] = (CONF_SHEET,), layout: str | None = None) -> Previous:
    """The owner's cells of the workbook at ``path`` on each of ``sheets`` (matched by name), i.e.
    every cell outside the blocks and formulas of the new ``sheets``; its cell notes; its
    xlwings.conf entries. ``check`` first refuses a workbook holding what cannot be kept
    (``check_keepable``; ``extra``: sheets of ours besides ``sheets``; ``layout``: the current
    ``layout_fingerprint``)."""
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    path = Path(path)
    if check:
        check_keepable(path, sheets, extra, layout)
    try:
        wb = openpyxl.load_workbook(path)
        cached = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise ValueError(f"{path} exists but cannot be read as a workbook ({exc})") from exc
    prev = Previous(path)
    by_name = {s.name: s for s in sheets}
    for ws in wb.worksheets:
        if ws.title == CONF_SHEET:
            for key, value, *_ in ws.iter_rows(min_col=1, max_col=2, values_only=True):
                if key is not None and str(key).strip():
                    prev.conf[str(key).strip()] = "" if value is None else str(value)
            continue
        sheet = by_name.get(ws.title)
        if sheet is None:
            continue
        theirs = [name for name in ws.tables if name not in our_tables(sheet)]
        if check and (theirs or getattr(ws, "_pivots", None)):
            raise refused(path, f"an Excel table or pivot table on the sheet {ws.title!r}")
        owned = owned_cells(sheet)
        # One of our spilled formulas may have spilled further in the old file than it does now:
        # its old spill range is ours too, never the owner's.
        grid = [cell for row in ws.iter_rows() for cell in row]
        for cell in grid:
            if isinstance(cell.value, ArrayFormula) and (cell.row - 1, cell.column - 1) in owned:
                owned |= _ref_cells(cell.value.ref)
        kept: dict[tuple[int, int], Carried] = {}
        notes: dict[tuple[int, int], tuple[str, str | None]] = {}
        results = cached[ws.title]
        for cell in grid:
            r, c = cell.row, cell.column
            rc = (r - 1, c - 1)
            if cell.comment is not None and cell.comment.text:
                notes[rc] = (cell.comment.text, cell.comment.author or None)
            value = cell.value
            if value is None or rc in owned:
                continue
            fmt = cell.number_format
            where = f"{path.name}!{ws.title}!{rc_to_cell(*rc)}"
            if isinstance(value, DataTableFormula):
                raise refused(path, f"a data table (What-If Analysis) at {where}")
            if isinstance(value, ArrayFormula):
                cells = _ref_cells(value.ref)
                rows = max(r for r, _ in cells) - min(r for r, _ in cells) + 1
                cols = max(c for _, c in cells) - min(c for _, c in cells) + 1
                kept[rc] = Carried(value.text, formula=True, cached=results.cell(r, c).value,
                                   number_format=fmt, spill=(rows, cols))
            elif cell.data_type == "f":
                kept[rc] = Carried(value, formula=True, cached=results.cell(r, c).value, number_format=fmt)
            elif cell.data_type == "e":  # an error constant typed into the cell, e.g. #N/A
                kept[rc] = Carried(f"={value}", formula=True, cached=value, number_format=fmt)
            else:
                kept[rc] = Carried(value, number_format=fmt)
        prev.cells[ws.title] = kept
        prev.notes[ws.title] = notes
    wb.close()
    cached.close()
    return prev


def carry_over(sheets: list[Sheet], previous: Previous, settings_from: Previous | None = None) -> None:
    """Put the owner's kept cells and notes on ``sheets`` (``Sheet.carried``), written last by the
    builder. ``settings_from``: the workbook the run's settings were read from (--settings), whose
    Settings input cells replace the previous workbook's so the sheet shows what the run used."""
    for sheet in sheets:
        cells = dict(previous.cells.get(sheet.name, {}))
        if sheet.name == SETTINGS_SHEET and settings_from is not None:
            inputs = {cell_to_rc(i.cell) for i in sheet.inputs}
            cells = {rc: v for rc, v in cells.items() if rc not in inputs}
            cells.update({rc: v for rc, v in settings_from.cells.get(sheet.name, {}).items() if rc in inputs})
        sheet.carried = cells
        sheet.carried_notes = dict(previous.notes.get(sheet.name, {}))


def this_platform() -> str:
    """windows, macos or other (where no Excel runs: the workbook is built for another machine)."""
    if os.name == "nt":
        return "windows"
    return "macos" if sys.platform == "darwin" else "other"


def interpreter_missing(value: str) -> bool:
    """True when ``value`` is a path to a Python that is not there (any more). A bare command such
    as ``pythonw`` (found on PATH) is the owner's choice, never missing; %VARIABLES% are expanded
    as xlwings does."""
    text = value.strip().strip('"')
    if not text or ("\\" not in text and "/" not in text):
        return False
    return not Path(os.path.expandvars(text)).expanduser().is_file()


def merged_conf(ours: dict[str, str], previous: Previous, platform: str | None = None) -> dict[str, str]:
    """xlwings.conf: the owner's entries win (an interpreter path he set by hand), ours fill in;
    keys match whatever their case, as in xlwings (two spellings of one key would make its VBA
    fail). One exception: this ``platform``'s interpreter (default: the one building the workbook)
    is kept only while that file exists. After a Python upgrade, or on a new PC, the old path is
    gone and every button would say "Could not find Interpreter!": the Python building the
    workbook is written instead. The other platform's entry cannot be checked here and is kept."""
    key = INTERPRETER_KEY.get(platform or this_platform(), "")
    merged = dict(ours)
    for name, value in previous.conf.items():
        same = [k for k in merged if k.upper() == name.upper()]
        if name.upper() == key.upper() and same and interpreter_missing(value):
            continue
        for k in same:
            del merged[k]
        merged[name] = value
    return merged

