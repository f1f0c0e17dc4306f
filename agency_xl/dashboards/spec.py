"""A dashboard sheet described as plain data: what the refresh writes where, and which charts read it.

The ``excel`` layer turns a ``Sheet`` into XlsxWriter calls (a new workbook) or into xlwings range
assignments (the owner's open workbook). Nothing here knows Excel.

Layout rules that make a refresh safe:
- Every ``Block`` has a fixed shape (header + ``n_rows`` rows x len(columns)); shorter data is
  padded with blanks, so charts bound to a block's cells never need re-pointing and a refresh owns
  exactly that rectangle and nothing else.
- Every chart series covers its block's full fixed extent whatever the data it was built with
  (blank cells plot nothing), and no series colours a point by its value: the live refresh never
  touches charts, so a chart must stay right for any data the block will hold.
- Every block has a workbook name (``workbook_name``: an Excel defined name over its rectangle),
  which Excel moves when the owner inserts rows or columns; the live refresh writes through it.
- Titles, labels, input cells and live formulas are written by the template only; a refresh never
  rewrites them, so the owner's edits survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Number formats, named once so every sheet looks alike.
MONEY = '"$"#,##0;[Red]-"$"#,##0'
MONEY_CENTS = '"$"#,##0.00;[Red]-"$"#,##0.00'
PCT = "0.0%"
PCT2 = "0.00%"
RATIO = "0.00"
COUNT = "#,##0"
NUMBER1 = "#,##0.0"
DATE = "yyyy-mm-dd"
MONTH = "mmm yyyy"
TEXT = "@"
GENERAL = "General"


def cell_to_rc(cell: str) -> tuple[int, int]:
    """'B5' -> (4, 1), zero-based row and column."""
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", cell)
    if not m:
        raise ValueError(f"not a cell address: {cell!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + (ord(ch) - 64)
    return int(m.group(2)) - 1, col - 1


# A workbook name: letters, digits and underscores, starting with a letter (Excel and LibreOffice
# both accept it, and it cannot be read as a cell address because of its underscore).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*")


def rc_to_cell(row: int, col: int) -> str:
    """(4, 1) -> 'B5'."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return f"{name}{row + 1}"


@dataclass
class Block:
    """A rectangle of cells the refresh owns: an optional header row, then ``n_rows`` data rows.

    ``formats`` gives one number format per column; ``row_formats`` (optional) one per row for
    the columns in ``row_format_columns`` (column 1 by default), the value columns of label/value
    lists such as KPI cards.
    """

    name: str
    anchor: str
    columns: list[str]
    rows: list[list[Any]]
    n_rows: int | None = None  # fixed number of data rows; None = len(rows)
    formats: list[str] | None = None
    row_formats: list[str] | None = None
    header: bool = True
    heatmap_column: int | None = None  # colour scale on this column (seasonality, concentration)
    status_column: int | None = None  # green/yellow/red text colouring on OK/WATCH/ALERT words
    # Other words for the status column: word -> fill colour of a cell that begins with it.
    status_words: dict[str, str] | None = None
    widths: list[float] | None = None  # column widths in characters, applied by the template
    row_format_columns: tuple[int, ...] = (1,)  # the columns ``row_formats`` applies to
    # Text colouring of "better" (green) and "worse" (red) in this column: the Summary's arrows.
    arrow_column: int | None = None
    # Filter buttons on the header row (Excel's AutoFilter over the block), so the owner can sort
    # and filter the rows; one block per sheet at most (Excel allows one AutoFilter per sheet).
    filter_buttons: bool = False
    # An Excel table (header filter buttons, sort, banded rows) over the whole rectangle: the
    # owner sorts and filters it; the live refresh writes it like any block (a filter left on
    # hides rows, which the refresh refuses to write under).
    table: bool = False
    # Data cells (row index among the data rows, column) whose figure was computed from a Settings
    # default (figures.sources): the template styles them "default" with a note saying so.
    defaults: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        width = len(self.columns)
        if self.n_rows is None:
            self.n_rows = len(self.rows)
        if len(self.rows) > self.n_rows:
            raise ValueError(f"block {self.name}: {len(self.rows)} rows > fixed {self.n_rows}")
        for r in self.rows:
            if len(r) != width:
                raise ValueError(f"block {self.name}: row {r!r} has {len(r)} cells, expected {width}")

    @property
    def top_left(self) -> tuple[int, int]:
        return cell_to_rc(self.anchor)

    def mark_default(self, col: int, rows: range | list[int] | None = None) -> None:
        """Mark column ``col`` of the data rows ``rows`` (default: every row holding data) as
        computed from a Settings default."""
        for i in (range(len(self.rows)) if rows is None else rows):
            self.defaults.add((i, col))

    @property
    def height(self) -> int:
        """Rows of the whole rectangle: the header (if any) and the fixed data rows."""
        return self.n_rows + (1 if self.header else 0)

    @property
    def first_data_row(self) -> int:
        return self.top_left[0] + (1 if self.header else 0)

    def grid(self) -> list[list[Any]]:
        """The whole rectangle, header first, padded with None to the fixed shape."""
        pad = [[None] * len(self.columns) for _ in range(self.n_rows - len(self.rows))]
        head = [list(self.columns)] if self.header else []
        return head + [list(r) for r in self.rows] + pad

    def address(self) -> str:
        """'B5:E17' for the whole owned rectangle."""
        r, c = self.top_left
        return f"{self.anchor}:{rc_to_cell(r + self.height - 1, c + len(self.columns) - 1)}"

    def column_range(self, col: int) -> tuple[int, int, int, int]:
        """(first_row, col, last_row, col) zero-based, the data cells of one column."""
        r0 = self.first_data_row
        c = self.top_left[1] + col
        return r0, c, r0 + self.n_rows - 1, c


@dataclass
class Series:
    """One chart series: values from a block column, categories from another column, both over
    the block's full fixed extent. ``color`` and ``points`` are fixed colours (a point's colour
    belongs to its position, e.g. a pie slice per tier), never a colour chosen from the data: the
    live refresh rewrites the cells but not the chart."""

    name: str
    block: str
    values: int  # column index in the block
    categories: int = 0
    kind: str | None = None  # combine a different chart kind (e.g. "line" over columns)
    secondary: bool = False  # plot on the secondary axis
    color: str | None = None  # "#2E7D32"
    points: list[str] | None = None  # one colour per point (pie/doughnut slices)
    dash: bool = False  # a dashed line (a band's edge, a threshold), not the data itself
    # Name the series by its column's header cell, so a refresh that rewrites the header (a year,
    # a vendor) renames it in the legend; ``name`` is then only the template's fallback text.
    name_from_header: bool = False
    markers: bool = False  # a line with a marker at each point (a lone point still shows)
    dashed: bool = False  # a dashed line (a target drawn beside the values)


@dataclass
class Chart:
    kind: str  # column | bar | line | pie | doughnut | area | gauge
    title: str
    anchor: str  # top-left cell where the chart is placed
    series: list[Series]
    width: int = 480  # pixels
    height: int = 288
    y_title: str | None = None
    x_title: str | None = None
    y_format: str | None = None
    y2_format: str | None = None
    x_format: str | None = None  # number format of numeric category labels, e.g. "0%"
    stacked: bool = False
    legend: str | None = "bottom"  # None hides the legend
    y_min: float | None = None
    y_max: float | None = None
    # The title read from a cell the refresh rewrites: (block name, data row), the block's first
    # column; ``title`` is then only the template's fallback text.
    title_cell: tuple[str, int] | None = None


@dataclass
class Formula:
    """A live formula the template writes (What-If examples, calculators). ``value`` is what Python
    computed for it, stored as the cached result so the file shows a number before Excel recalcs."""

    cell: str
    formula: str  # starts with "="
    value: Any
    format: str | None = None
    spill: tuple[int, int] | None = None  # (rows, cols) of a spilled array result
    # Optional for a spilled result: the whole result (rows of values), cached in every spilled
    # cell so the file shows it before Excel recalculates, and a number format per result row.
    values: list[list[Any]] | None = None
    row_formats: list[str | None] | None = None
    column_formats: list[str | None] | None = None  # one per spilled column (a row format wins)
    header: bool = False  # style the first spilled row as a table header
    name: str | None = None  # names a spilled table (header row first) that charts can read
    style: str = "cell"  # "link": shown as a link (``sheet_link``)

    @property
    def n_rows(self) -> int:
        """Data rows of a spilled table: all its rows but the header."""
        return (self.spill[0] if self.spill else 1) - 1

    @property
    def width(self) -> int:
        return self.spill[1] if self.spill else 1

    def column_range(self, col: int) -> tuple[int, int, int, int]:
        """(first_row, col, last_row, col) zero-based, the data cells of one spilled column."""
        r0, c0 = cell_to_rc(self.cell)
        return r0 + 1, c0 + col, r0 + self.n_rows, c0 + col


def sheet_link(cell: str, sheet: str, text: str | None = None) -> Formula:
    """A link to cell A1 of the workbook's sheet ``sheet``: a HYPERLINK formula the template
    writes (a refresh never rewrites it), shown as ``text`` (default the sheet's name)."""
    target = "'" + sheet.replace("'", "''") + "'!A1"
    shown = text or sheet
    return Formula(cell, f'=HYPERLINK("#{target}","{shown.replace(chr(34), chr(34) * 2)}")', shown, style="link")


@dataclass
class Input:
    """An owner-editable cell: written by the template with its default, never by a refresh."""

    cell: str
    value: Any
    format: str | None = None
    choices: list[str] | None = None  # a drop-down list of the values allowed
    # A drop-down list read from cells of the sheet (e.g. "$R$8:$R$14"), for lists longer than the
    # 255 characters a typed-in list may hold; a value not in it is warned about, not refused.
    choices_from: str | None = None


@dataclass
class Label:
    """Static text (titles, captions, explanations). ``style``: title | subtitle | heading | note | text |
    wrap (wrapped in its cell, top-aligned: give the row a height in ``Sheet.row_heights``)."""

    cell: str
    text: str
    style: str = "text"


@dataclass
class Carried:
    """A cell of the owner's previous workbook that a headless refresh writes back as it was: his
    notes, his own formulas, his Settings values. ``formula`` marks ``value`` as a formula's text
    ("=..."), with ``cached`` its last result; ``spill`` (rows, cols) marks an array formula."""

    value: Any
    formula: bool = False
    cached: Any = None
    number_format: str | None = None
    spill: tuple[int, int] | None = None


@dataclass
class Sheet:
    """Everything one dashboard sheet shows."""

    key: str  # "profitability": the model name, used in metrics JSON
    name: str  # sheet tab name, e.g. "Profitability"
    title: str
    blocks: list[Block] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    formulas: list[Formula] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)  # zero-based column -> chars
    row_heights: dict[int, float] = field(default_factory=dict)  # zero-based row -> points (wrapped text)
    tab_color: str | None = None
    # The owner's cells kept from the workbook being overwritten, written last: (row, col) zero-based.
    # Never inside a block or one of the sheet's formulas (``validate`` checks).
    carried: dict[tuple[int, int], Carried] = field(default_factory=dict)
    carried_notes: dict[tuple[int, int], tuple[str, str | None]] = field(default_factory=dict)  # (text, author)

    def workbook_name(self, block: Block) -> str:
        """The workbook name (Excel defined name) of ``block``'s rectangle, e.g. 'leads_vendors':
        the template defines it, Excel moves it with rows and columns the owner inserts, and the
        live refresh finds the block through it."""
        return f"{self.key}_{block.name}"

    def data_headers(self, block: Block) -> set[int]:
        """The columns of ``block`` whose header text comes from the data (a year, a vendor): the
        ones a chart names a series by (``Series.name_from_header``). The live refresh checks every
        other header cell before writing."""
        return {s.values for ch in self.charts for s in ch.series if s.block == block.name and s.name_from_header}

    def block(self, name: str) -> Block:
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(f"sheet {self.name}: no block {name!r}")

    def source(self, name: str) -> Block | Formula:
        """What a chart series named ``name`` reads: a block, or a named spilled formula (a live
        table that recalculates in Excel, so its chart follows the owner's input cells)."""
        for b in self.blocks:
            if b.name == name:
                return b
        for f in self.formulas:
            if f.name == name and f.spill:
                return f
        raise KeyError(f"sheet {self.name}: no block or spilled formula {name!r}")

    def validate(self) -> None:
        """Blocks must not overlap each other, labels, inputs or formulas; charts must name real
        blocks and columns. Raises ValueError describing the first clash."""
        owned: dict[tuple[int, int], str] = {}

        def claim(r: int, c: int, what: str) -> None:
            if (r, c) in owned:
                raise ValueError(f"sheet {self.name}: {rc_to_cell(r, c)} used by {owned[(r, c)]} and {what}")
            owned[(r, c)] = what

        for b in self.blocks:
            if not _NAME.fullmatch(self.workbook_name(b)):
                raise ValueError(f"sheet {self.name}: block {b.name!r} gives the workbook name "
                                 f"{self.workbook_name(b)!r}; use letters, digits and underscores")
            r0, c0 = b.top_left
            for dr in range(b.height):
                for dc in range(len(b.columns)):
                    claim(r0 + dr, c0 + dc, f"block {b.name}")
        for item in [*self.labels, *self.inputs]:
            claim(*cell_to_rc(item.cell), f"{type(item).__name__} {item.cell}")
        for f in self.formulas:
            r0, c0 = cell_to_rc(f.cell)
            rows, cols = f.spill or (1, 1)
            for dr in range(rows):
                for dc in range(cols):
                    claim(r0 + dr, c0 + dc, f"formula {f.cell}")
        for (r, c) in self.carried:
            what = owned.get((r, c), "")
            if what.startswith(("block", "formula")):
                raise ValueError(f"sheet {self.name}: the owner's cell {rc_to_cell(r, c)} lies in {what}")
        filtered = [b.name for b in self.blocks if b.filter_buttons]
        if len(filtered) > 1:
            raise ValueError(f"sheet {self.name}: filter buttons on {filtered}; Excel allows one block a sheet")
        if any(not b.header for b in self.blocks if b.filter_buttons):
            raise ValueError(f"sheet {self.name}: filter buttons need a header row")
        names = {b.name for b in self.blocks} | {f.name for f in self.formulas if f.name and f.spill}
        for ch in self.charts:
            for s in ch.series:
                if s.block not in names:
                    raise ValueError(f"sheet {self.name}: chart {ch.title!r} reads unknown block {s.block!r}")
                src = self.source(s.block)
                width = len(src.columns) if isinstance(src, Block) else src.width
                if not (0 <= s.values < width and 0 <= s.categories < width):
                    raise ValueError(f"sheet {self.name}: chart {ch.title!r} column out of block {s.block!r}")
            if ch.title_cell is not None:
                block, row = ch.title_cell
                if block not in {b.name for b in self.blocks} or not 0 <= row < self.block(block).n_rows:
                    raise ValueError(f"sheet {self.name}: chart {ch.title!r} takes its title from a cell "
                                     f"outside the blocks ({block!r}, row {row})")
