"""Actions with names, laid out: a heading, a one-line note (how many, and whether names are
shown) and the list itself as an Excel table the owner sorts and filters (``Block.table``).

Where the table goes and why: at the bottom of its sheet, below everything else, with a fixed
extent of ``ACTION_ROWS`` rows. A block has a fixed shape (the live refresh writes it through
its workbook name and checks its shape), so the extent cannot follow the list; ACTION_ROWS is
twice the households of the agency this workbook is made for (about 1,000), so a longer list
than the sample's fits, and the live refresh writes it like any other block. Rows below the
list are blank (sorting keeps blanks last). A list longer than ACTION_ROWS shows its first
ACTION_ROWS rows (the most value first) and the note says how many were left out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from agency_xl.dashboards.common import clean
from agency_xl.dashboards.spec import MONEY, Block, Label, Sheet, cell_to_rc

ACTION_ROWS = 2000
HIDDEN = "Names and phones hidden: turn on Show personal data on Settings."
ROW_PIXELS = 20  # a row's height in pixels, to find where a chart ends


def bottom_row(sheet: Sheet) -> int:
    """The first row (zero-based) below everything laid out on ``sheet`` so far: labels, inputs,
    blocks, formulas and charts (a chart's height in rows, at ``ROW_PIXELS`` a row)."""
    last = 0
    for item in [*sheet.labels, *sheet.inputs]:
        last = max(last, cell_to_rc(item.cell)[0] + 1)
    for b in sheet.blocks:
        last = max(last, b.top_left[0] + b.height)
    for f in sheet.formulas:
        last = max(last, cell_to_rc(f.cell)[0] + (f.spill[0] if f.spill else 1))
    for ch in sheet.charts:
        last = max(last, cell_to_rc(ch.anchor)[0] + -(-ch.height // ROW_PIXELS))
    return last


def action_note(count: int | None, what: str, shown: int, personal_data: bool, missing: str = "") -> str:
    """The line above an action table: "40 households to ask for a referral, one a row below ...",
    what was left out, and whether names and phones are shown."""
    if count is None:
        return missing or "Nothing to list: the export this needs is missing (see the status line)."
    text = f"{count:,} {what}, one a row below (sort and filter with the header buttons)."
    if shown < count:
        text += f" The first {shown:,} are listed (most value first); {count - shown:,} more are not."
    if not personal_data:
        text += " " + HIDDEN
    return text


def add_action_table(sheet: Sheet, name: str, heading: str, id_label: str, actions: pd.DataFrame | None,
                     count: int | None, what: str, personal_data: bool, missing: str = "",
                     value_label: str = "Value") -> Block:
    """Lay out one action list at the bottom of ``sheet`` (call it last, after the sheet's column
    widths are set): the heading, a note block
    (``<name>_note``) and the table block ``name`` (ID, Name, Phone, Producer, Value, Reason;
    ``ACTION_ROWS`` rows). ``count``: the figure the sheet states for this action (None when the
    list cannot be made); ``actions``: its list (figures/actions.py ACTION_COLUMNS)."""
    top = bottom_row(sheet) + 2
    sheet.labels.append(Label(f"A{top + 1}", heading, "heading"))
    rows: list[list[Any]] = []
    if actions is not None:
        shown = actions.head(ACTION_ROWS)
        rows = [[clean(r.id), clean(r.name), clean(r.phone), clean(r.producer), clean(r.value), clean(r.reason)]
                for r in shown.itertuples(index=False)]
    sheet.blocks.append(Block(f"{name}_note", f"A{top + 2}", ["Note"],
                              [[action_note(count, what, len(rows), personal_data, missing)]],
                              n_rows=1, header=False, formats=["@"]))
    block = Block(name, f"A{top + 3}", [id_label, "Name", "Phone", "Producer", value_label, "Reason"], rows,
                  n_rows=ACTION_ROWS, formats=["@", "@", "@", "@", MONEY, "@"], table=True)
    sheet.blocks.append(block)
    # Room for a name, a phone and a producer (wider columns, never narrower than the sheet's).
    for col, chars in ((1, 20), (2, 16), (3, 16)):
        sheet.column_widths[col] = max(sheet.column_widths.get(col, 8.43), chars)
    return block
