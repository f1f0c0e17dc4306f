"""The What-If sheet: a worked example of every worksheet function as a live formula, next to the
formula's text, so the owner sees how to type each one and what it returns."""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from agency_xl.dashboards.spec import COUNT, MONEY, NUMBER1, PCT, Block, Formula, Label, Sheet
from agency_xl.functions import CATALOG  # importing the package registers every function
from agency_xl.functions.ams import RefreshMetrics, flatten
from agency_xl.functions.catalog import WorksheetFunction

FIRST_ROW = 6  # zero-based
HELP_CHARS, EXAMPLE_CHARS = 60, 44  # widths of the help and example columns, characters
LINE_POINTS = 15  # a wrapped line's height
MAX_WIDTH = 60  # a spilled column is widened for its text up to this
# Column D of an example that reads the exports folder, in the empty template.
AFTER_REFRESH = "after a Refresh"
# Column D of an example that reads the history file beside the workbook: only Excel knows where.
IN_EXCEL = "in Excel (history)"


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


# A scalar result's number format by the function's unit (issue 15.6: no 9097.1260021128).
UNIT_FORMATS = {"ratio": "0.00%", "$": '"$"#,##0', "x": "0.0", "months": NUMBER1, "households": COUNT,
                "customers": COUNT, "people": NUMBER1, "score": "0", "customers per customer": "0.0000"}
DECIMALS = "#,##0.00"  # a number of no known kind: two decimals, never a long tail
# A table column's (or a metric's) format by the words of its name, the first rule that matches:
# durations and indexes, factors, shares and ratios, dollars, counts.
NAME_RULES: list[tuple[tuple[str, ...], str]] = [
    (("days", "month", "months", "years", "index", "runway"), NUMBER1),
    (("coefficient",), "0.000"),
    (("factor", "seasonality", "sensitivity", "ltv cac", "ltv to cac", "per 100", "products", "staff",
      "per referrer"), "0.00"),
    (("%", "share", "ratio", "retention", "churn", "conversion", "rate", "growth", "contribution", "roi",
      "lift", "tolerance", "probability"), PCT),
    (("premium", "commission", "expenses", "expense", "profit", "cash", "ltv", "$", "amount", "cac", "chargeback",
      "chargebacks", "value", "cost", "budget", "bonus", "losses", "incurred", "provision", "spend", "change",
      "burn", "buffer", "need", "total", "shortfall", "capital", "severity", "incentive", "position"), MONEY),
]


# Words that say when, not what: "accrual profit next month" is dollars, not months.
WHEN = re.compile(r" (next|last|this|same) month( last year)?| month \d+| \d+m | last year")


def named_format(name: str) -> str | None:
    """The format ``NAME_RULES`` give the words of ``name`` (a metric's path from its last part
    back, the model's key left out), or None when no rule speaks of it."""
    parts = str(name).split(".")
    for part in reversed(parts[1:] if len(parts) > 1 else parts):
        words = WHEN.sub(" ", " " + re.sub(r"[_\-/()]+", " ", part.lower()) + " ")
        # A phrase of the rules ("ltv cac"); else the last word, which names the thing ("growth
        # buffer" is dollars, "commission rate" a share); else any word, the rules in order.
        last = words.split()[-1:] or [""]
        for text, phrases in ((words, True), (f" {last[0]} ", False), (words, False)):
            for keys, fmt in NAME_RULES:
                if any((" " in k) == phrases and (f" {k} " in text or (k in ("%", "$") and k in text))
                       for k in keys):
                    return fmt
    return None


def format_for(name: str, values: list[Any]) -> str | None:
    """The number format of a table column (or a metric) called ``name`` holding ``values``: by the
    words of its name (``NAME_RULES``; a metric's path from its last part back, the model's key
    left out), else whole numbers as a count and others with two decimals; None when it holds no
    number."""
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numbers:
        return None
    whole = all(float(v).is_integer() for v in numbers)
    fmt = named_format(name)
    if fmt is None:
        return COUNT if whole else DECIMALS
    return COUNT if fmt == NUMBER1 and whole else fmt


def table_formats(table: list[list[Any]]) -> tuple[list[str | None] | None, list[str | None] | None]:
    """Column formats of a spilled table with a header row (by each header), or, for a table of
    (name, value, ...) rows such as AMS_METRICS, a format per row by the name in its first cell."""
    if len(table) < 2 or not isinstance(table[0][0], str):
        return None, None
    head = [str(h) for h in table[0]]
    if head[:2] == ["Name", "Value"]:
        return [None] + [format_for(r[0], [r[1]]) for r in table[1:]], None
    columns = [format_for(h, [r[j] for r in table[1:]]) for j, h in enumerate(head)]
    if len(head) == 2 and all(isinstance(r[0], str) for r in table[1:]):
        # (part, amount) rows: a row whose name says otherwise ("Months of runway") has its own format.
        return [None] + [named_format(r[0]) or columns[1] if _is_number(r[1]) else None
                         for r in table[1:]], columns
    return None, columns


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def takes_caller(f: WorksheetFunction) -> bool:
    """Functions that read the exports folder from the calling workbook's Settings sheet."""
    return any(a.kind == "caller" for a in f.args)


def reads_exports(f: WorksheetFunction) -> bool:
    """Functions that read the exports folder: for their result (AMS_METRIC: the folder given, else
    the one on the calling workbook's Settings) or for the arguments left blank (RETENTION_LIFT)."""
    return any(a.name == "exports_folder" for a in f.args) or f.measured_defaults is not None


def reads_history(f: WorksheetFunction) -> bool:
    """Functions that read the history file beside the calling workbook (not the exports folder)."""
    return takes_caller(f) and not reads_exports(f)


def example_caller(metrics: dict[str, Any] | None) -> RefreshMetrics | None:
    """What the examples that read the exports folder get as their caller: in Excel the calling
    cell, whose workbook names the folder on Settings; here the refresh's metrics, which are that
    folder's figures (None for the empty template: nothing read yet)."""
    return None if metrics is None else RefreshMetrics(flatten(metrics))


def example_value(f: WorksheetFunction, metrics: dict[str, Any] | None = None) -> Any:
    """What the example returns. ``metrics``: the refresh's ``agency_xl.metrics`` (None for the
    empty template), which the functions that read the exports folder are handed as their caller."""
    args = excel_args(f.example)
    if takes_caller(f):
        if reads_history(f) or (metrics is None and f.measured_defaults is None):
            # The empty template: nothing to read yet (a function with measured defaults takes the
            # plan's). The history: it lies beside the workbook, which only Excel knows; a refresh
            # records into it after this sheet is written.
            return None
        caller_pos = [a.kind for a in f.args].index("caller")
        args = args + [None] * (caller_pos + 1 - len(args))
        args[caller_pos] = example_caller(metrics)
    return f.call(*args)


def defaults_used(f: WorksheetFunction, metrics: dict[str, Any] | None = None) -> str | None:
    """For a function whose blank arguments take the owner's measured values: which values its
    example took, and where they came from (None for the other functions)."""
    return None if f.measured_defaults is None else f.measured_defaults(example_caller(metrics))


def as_table(value: Any) -> list[list[Any]]:
    """A table function's result as rows of equal length: its rows, or one cell holding what it gave
    instead (an error text; None while nothing has been read)."""
    if not isinstance(value, list):
        return [[value]]
    table = [r if isinstance(r, list) else [r] for r in value] or [[None]]
    cols = max(len(r) for r in table)
    return [r + [None] * (cols - len(r)) for r in table]


def history_room(f: WorksheetFunction) -> list[list[Any]]:
    """The rows a history example spills into in Excel: its header and one row for each of the last
    N refreshes its example asks for (its last argument), kept blank here so the table can grow
    refresh by refresh until N without running into the next example (#SPILL!)."""
    last = int(excel_args(f.example)[-1])
    return [[None, None] for _ in range(last + 1)]


def build(metrics: dict[str, Any] | None = None) -> Sheet:
    """The What-If sheet. ``metrics``: the refresh's ``agency_xl.metrics`` (None for the empty
    template), whose figures the AMS_METRIC examples show."""

    sheet = Sheet("whatif", "What-If", "What-If", tab_color="#7030A0")
    sheet.labels = [
        Label("A1", "What-If: every worksheet function with a worked example", "title"),
        Label("A2", "Column E holds live formulas: change the numbers in them, or copy them to your own "
                    "sheets. They need Import Functions once (Home sheet); until then Excel shows #NAME?.", "note"),
        Label("A3", "Column D shows what Python computed for the same example, to compare.", "note"),
    ]
    sheet.blocks.append(Block("header", "A5", ["Function", "What it does", "Example (as typed)",
                                               "Python's result", "Result (live)", "Unit"], [], n_rows=0))
    row = FIRST_ROW
    widths: dict[int, float] = {}
    for name in sorted(CATALOG, key=lambda n: (CATALOG[n].category, n)):
        f = CATALOG[name]
        value = example_value(f, metrics)
        sheet.labels += [
            Label(f"A{row + 1}", f.name, "heading"),
            Label(f"B{row + 1}", f.help, "wrap"),
            Label(f"C{row + 1}", f.example_formula(), "note_wrap"),
        ]
        # Wrapped in their cells (the next column is filled): the row tall enough for the longer.
        lines = max(math.ceil(len(f.help) / HELP_CHARS), math.ceil(len(f.example_formula()) / EXAMPLE_CHARS))
        if lines > 1:
            sheet.row_heights[row] = LINE_POINTS * lines
        fmt = UNIT_FORMATS.get(f.unit)
        if fmt is None and f.unit == "as the metric":  # AMS_METRIC("retention"): by the metric's name
            fmt = format_for(str(excel_args(f.example)[0]), [value]) if value is not None else None
        shown = AFTER_REFRESH if value is None and takes_caller(f) else value
        if reads_history(f):
            shown = IN_EXCEL
        if f.returns == "table":
            # Always a dynamic-array formula, whatever this example gave (a table, an error text,
            # nothing yet): entered as a plain formula Excel 365 would show =@NAME() and one cell.
            table = as_table(value) if not reads_history(f) else history_room(f)
            rows, cols = len(table), len(table[0])
            if isinstance(value, list):
                shown = f"a table of {rows - 1} rows (right)"
            sheet.blocks.append(Block(f"expected_{name}", f"D{row + 1}", ["x"], [[shown]], header=False,
                                      formats=["@"]))
            row_formats, column_formats = table_formats(table)
            for j in range(cols):  # room for the longest text of each spilled column
                longest = max(len(str(r[j])) for r in table if isinstance(r[j], str)) if any(
                    isinstance(r[j], str) for r in table) else 0
                widths[4 + j] = max(widths.get(4 + j, 0), min(longest + 2, MAX_WIDTH))
            sheet.formulas.append(Formula(f"E{row + 1}", f.example_formula(), table[0][0], spill=(rows, cols),
                                          values=table,
                                          row_formats=row_formats, column_formats=column_formats))
            row += rows + 1
        else:
            sheet.labels.append(Label(f"F{row + 1}", f.unit))
            sheet.blocks.append(Block(f"expected_{name}", f"D{row + 1}", ["x"], [[shown]], header=False,
                                      formats=[fmt or "General"]))
            sheet.formulas.append(Formula(f"E{row + 1}", f.example_formula(), value, fmt))
            row += 2
            used = defaults_used(f, metrics)
            if used:  # under the help: which values the blank arguments took, and whose they are
                sheet.labels.append(Label(f"B{row}", used, "note_wrap"))
                sheet.row_heights[row - 1] = LINE_POINTS * math.ceil(len(used) / HELP_CHARS)
                row += 1
    sheet.column_widths = {0: 26, 1: HELP_CHARS, 2: EXAMPLE_CHARS, 3: 26,
                           **{c: max(16, w) for c, w in widths.items()}}
    return sheet
