"""The What-If sheet: a worked example of every worksheet function as a live formula, next to the
formula's text, so the owner sees how to type each one and what it returns."""

from __future__ import annotations

import ast
import re
from typing import Any

from agency_xl.dashboards.spec import Block, Formula, Label, Sheet
from agency_xl.excel.catalog import CATALOG, WorksheetFunction

FIRST_ROW = 6  # zero-based


def excel_args(example: str) -> list[Any]:
    """Python values of an example's arguments as typed in Excel: numbers, "text", TRUE/FALSE and
    array constants {1;2;3} (a column) or {1,2,3} (a row)."""
    def array(m: re.Match[str]) -> str:
        body = m.group(1)
        rows = body.split(";")
        return "[" + ",".join("[" + r + "]" for r in rows) + "]"

    text = re.sub(r"\{([^{}]*)\}", array, example)
    # an omitted argument ("1, , 3") is passed as empty (None)
    text = re.sub(r"(^|,)\s*(?=,|$)", r"\1None", text) if text.strip() else text
    text = re.sub(r"\bTRUE\b", "True", re.sub(r"\bFALSE\b", "False", text))
    return list(ast.literal_eval(f"[{text}]"))


def takes_caller(f: WorksheetFunction) -> bool:
    """Functions that read the exports folder from the calling workbook's Settings sheet."""
    return any(a.kind == "caller" for a in f.args)


def example_value(f: WorksheetFunction, exports_folder: str | None = None) -> Any:
    args = excel_args(f.example)
    if takes_caller(f):
        # In Excel the folder comes from Settings; here, from the folder being refreshed.
        folder_pos = [a.name for a in f.args].index("exports_folder")
        args = args + [None] * (folder_pos + 1 - len(args))
        args[folder_pos] = exports_folder
    return f.call(*args)


def build(exports_folder: str | None = None) -> Sheet:
    # The functions register themselves on import of the catalogue package.
    import agency_xl.excel.functions  # noqa: F401

    sheet = Sheet("whatif", "What-If", "What-If", tab_color="#7030A0")
    sheet.labels = [
        Label("A1", "What-If: every worksheet function with a worked example", "title"),
        Label("A2", "Column D holds live formulas: change the numbers in them, or copy them to your own "
                    "sheets. They need Import Functions once (Home sheet).", "note"),
        Label("A3", "Until then Excel shows #NAME?; the stored results below were computed by Python.", "note"),
    ]
    header = Block("header", "A5", ["Function", "What it does", "Example (as typed)", "Result (live)",
                                    "Unit"], [], n_rows=0)
    sheet.blocks.append(header)
    row = FIRST_ROW
    listing = []
    for name in sorted(CATALOG, key=lambda n: (CATALOG[n].category, n)):
        f = CATALOG[name]
        value = example_value(f, exports_folder)
        listing.append((row, f))
        sheet.labels += [
            Label(f"A{row + 1}", f.name, "heading"),
            Label(f"B{row + 1}", f.help),
            Label(f"C{row + 1}", f.example_formula(), "note"),
        ]
        if not isinstance(value, list):
            sheet.labels.append(Label(f"E{row + 1}", f.unit))
        if isinstance(value, list):
            rows, cols = len(value), max(len(r) if isinstance(r, list) else 1 for r in value)
            first = value[0][0] if isinstance(value[0], list) else value[0]
            sheet.formulas.append(Formula(f"D{row + 1}", f.example_formula(), first, spill=(rows, cols)))
            row += rows + 1
        else:
            fmt = "0.00%" if f.unit == "ratio" else '"$"#,##0' if f.unit == "$" else None
            sheet.formulas.append(Formula(f"D{row + 1}", f.example_formula(), value, fmt))
            row += 2
    sheet.column_widths = {0: 26, 1: 60, 2: 44, 3: 16, 4: 10, 5: 16, 6: 16, 7: 16, 8: 16}
    return sheet
