"""The Settings sheet: the exports folder, a short "Set these first" block, every assumption with
its default, unit and meaning, and the owner's column, product and status mapping tables. All of it
is owner input: the template writes it once and a refresh only reads it.

"Set these first" names the settings that are facts of HIS agency (expenses, cash, staff, budget,
carrier bands, growth goal) whose defaults are only the plan's example or a placeholder: each row
shows the value now and whether it is still the default, as live formulas reading the setting's own
cell below, so they follow his edits without a refresh."""

from __future__ import annotations

from agency_xl.assumptions import Assumptions, settings_rows
from agency_xl.ams.reports import PRODUCTS, REPORTS
from agency_xl.assumptions.sheet import (
    COLUMN_MAP_HEADER,
    EXPORTS_LABEL,
    PAY_HEADER,
    PAY_TITLE,
    PRODUCT_MAP_HEADER,
    STATUS_MAP_HEADER,
)
from agency_xl.dashboards.spec import Formula, Input, Label, Sheet, rc_to_cell
from agency_xl.figures.sources import setting_source

MAPPING_ROWS = 25
SET_FIRST_ROW = 6  # zero-based row of the "Set these first" heading
# The settings the owner sets first: (what, key, what rests on it). A key the Settings do not have
# (the growth goal arrives with the Scorecard's targets) is left out.
SET_FIRST = [
    ("Monthly expenses", "cash_flow.monthly_expenses", "Cash Flow: projection, runway, working capital"),
    ("Cash on hand", "cash_flow.cash_on_hand", "Cash Flow: cash-burn alert and runway"),
    ("Staff (full-time equivalents)", "seasonality.current_staff", "Seasonality: staff needed vs staff today"),
    ("Marketing budget (a year)", "segments.marketing_budget", "Segments: allocation; Seasonality: timing plan"),
    ("Full-bonus band (combined ratio)", "profitability.bonus_full_threshold",
     "Profitability: bonus status, risk and estimate"),
    ("Reduced-bonus band (combined ratio)", "profitability.bonus_partial_threshold",
     "Profitability: bonus status, risk and estimate"),
    ("Expense ratio (your carrier's)", "profitability.expense_ratio", "Profitability: combined ratio"),
    ("Annual growth goal", "targets.policy_growth_low", "Scorecard: on track or behind"),
]
STILL_DEFAULT, YOURS = "Still the default: set your own", "Yours"
UNIT_FORMATS = {"%": "0.0%", "% of premium": "0.0%", "text": "@", "$": '"$"#,##0', "households": "#,##0",
                "days": "0", "months": "0.0"}  # ratios: General, no digits hidden


def number_format(unit: str, value: object) -> str | None:
    """A setting's number format: its unit's, else (ratios and other plain numbers) up to four
    decimals, so no digit the owner typed is hidden."""
    fmt = UNIT_FORMATS.get(unit)
    if fmt is None and isinstance(value, (int, float)) and not isinstance(value, bool):
        fmt = "#,##0" if isinstance(value, int) else "#,##0.0###"
    return fmt


def _excel_literal(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(float(value)) if isinstance(value, float) else str(value)


def _set_first(sheet: Sheet, settings: Assumptions, value_cells: dict[str, str]) -> int:
    """The "Set these first" block from SET_FIRST_ROW; returns the first row after it."""
    rows = {key: (label, value, unit) for key, label, value, unit, _ in settings_rows(settings)}
    items = [item for item in SET_FIRST if item[1] in rows]
    r = SET_FIRST_ROW
    sheet.labels += [
        Label(rc_to_cell(r, 0), "Set these first: facts of your agency. Until you do, the figures resting on "
                                "them are placeholders (the plan's example), marked grey on the sheets.", "heading"),
        Label(rc_to_cell(r + 1, 0), "What", "header"), Label(rc_to_cell(r + 1, 1), "Setting (row below)", "header"),
        Label(rc_to_cell(r + 1, 2), "Now", "header"), Label(rc_to_cell(r + 1, 3), "Default?", "header"),
        Label(rc_to_cell(r + 1, 4), "What rests on it", "header"),
    ]
    for i, (what, key, uses) in enumerate(items):
        row = r + 2 + i
        group, _, name = key.partition(".")
        _, value, unit = rows[key]
        cell = value_cells[key]
        default = type(getattr(settings, group)).model_fields[name].default
        still = setting_source(getattr(settings, group), name).is_default
        sheet.labels += [Label(rc_to_cell(row, 0), what), Label(rc_to_cell(row, 1), key, "note"),
                         Label(rc_to_cell(row, 4), uses, "note")]
        sheet.formulas += [
            Formula(rc_to_cell(row, 2), f"={cell}", value, number_format(unit, value)),
            Formula(rc_to_cell(row, 3), f'=IF(OR(ISBLANK({cell}),{cell}={_excel_literal(default)}),'
                                        f'"{STILL_DEFAULT}","{YOURS}")', STILL_DEFAULT if still else YOURS),
        ]
    return r + 2 + len(items) + 1


LISTS_COLUMN = 20  # column U (R:S hold the producer pay): the names the mapping tables' drop-down lists offer
LISTS_ROW = 7


def choice_lists() -> dict[str, list[str]]:
    """The names the mapping tables offer: report titles, canonical columns (every report's, once
    each), canonical products and canonical statuses."""
    return {
        "reports": [r.title for r in REPORTS.values()],
        "columns": list(dict.fromkeys(c.canonical for r in REPORTS.values() for c in r.columns)),
        "products": list(PRODUCTS),
        "statuses": list(dict.fromkeys(s for r in REPORTS.values() for s in r.status_values)),
    }


def _absolute(row: int, col: int) -> str:
    """(7, 17) -> '$R$8'."""
    cell = rc_to_cell(row, col)
    letters = cell.rstrip("0123456789")
    return f"${letters}${cell[len(letters):]}"


def _choice_lists(sheet: Sheet) -> dict[str, str]:
    """Writes each list of ``choice_lists`` in its own column from R, under a heading; returns the
    absolute range of each, for the drop-downs."""
    sheet.labels.append(Label(rc_to_cell(LISTS_ROW - 2, LISTS_COLUMN),
                              "Names the drop-down lists offer (read-only: the reader knows these)", "heading"))
    out = {}
    titles = {"reports": "Reports", "columns": "Canonical columns", "products": "Canonical products",
              "statuses": "Canonical statuses"}
    for j, (key, names) in enumerate(choice_lists().items()):
        col = LISTS_COLUMN + j
        sheet.labels.append(Label(rc_to_cell(LISTS_ROW - 1, col), titles[key], "header"))
        sheet.labels += [Label(rc_to_cell(LISTS_ROW + i, col), name, "note") for i, name in enumerate(names)]
        out[key] = f"{_absolute(LISTS_ROW, col)}:{_absolute(LISTS_ROW + len(names) - 1, col)}"
        sheet.column_widths[col] = max(12, max(len(n) for n in names) + 2)
    return out


def build(settings: Assumptions, exports_folder: str) -> Sheet:
    sheet = Sheet("settings", "Settings", "Settings", tab_color="#7F7F7F")
    sheet.labels = [
        Label("A1", "Settings: your assumptions and where your exports are", "title"),
        Label("A2", "Yellow cells are yours to change. Refresh reads them; it never writes here.", "note"),
        Label("B4", EXPORTS_LABEL, "heading"),
        Label("B5", "The folder where you save the reports downloaded from your AMS and lead vendors.", "note"),
    ]
    sheet.inputs = [Input("D4", exports_folder, "@")]
    every = settings_rows(settings)
    header = SET_FIRST_ROW + 2 + sum(key in {k for k, *_ in every} for _, key, _ in SET_FIRST) + 1
    first = header + 1  # zero-based row of the first setting
    cells = {key: "$C$" + str(first + 1 + i) for i, (key, *_) in enumerate(every)}
    assert _set_first(sheet, settings, cells) == header
    sheet.labels += [Label(rc_to_cell(header, c), text, "header") for c, text in
                     enumerate(["Key", "Setting", "Value", "Unit", "What it means"])]
    row = first
    for key, label, value, unit, explanation in every:
        sheet.labels += [
            Label(rc_to_cell(row, 0), key, "note"),
            Label(rc_to_cell(row, 1), label),
            Label(rc_to_cell(row, 3), unit),
            Label(rc_to_cell(row, 4), explanation, "note"),
        ]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        sheet.inputs.append(Input(rc_to_cell(row, 2), value, number_format(unit, value)))
        row += 1

    # Mapping tables to the right, so new settings never push into them.
    sheet.labels.append(Label("G6", "Your column names (when an export calls a column differently)", "heading"))
    for i, h in enumerate(COLUMN_MAP_HEADER):
        sheet.labels.append(Label(rc_to_cell(6, 6 + i), h, "header"))
    sheet.labels.append(Label("K6", "Your product names (when the AMS names a product differently)", "heading"))
    for i, h in enumerate(PRODUCT_MAP_HEADER):
        sheet.labels.append(Label(rc_to_cell(6, 10 + i), h, "header"))
    sheet.labels.append(Label("N6", "Your status names (a status Data Health lists as not known)", "heading"))
    for i, h in enumerate(STATUS_MAP_HEADER):
        sheet.labels.append(Label(rc_to_cell(6, 13 + i), h, "header"))
    lists = _choice_lists(sheet)
    pick = {6: lists["reports"], 8: lists["columns"], 11: lists["products"], 13: lists["reports"],
            15: lists["statuses"]}
    for r in range(7, 7 + MAPPING_ROWS):
        for c in (6, 7, 8, 10, 11, 13, 14, 15):
            sheet.inputs.append(Input(rc_to_cell(r, c), None, "@", choices_from=pick.get(c)))
    # Producer pay: one row per producer, what the Producers sheet checks his commissions against.
    sheet.labels.append(Label("R6", PAY_TITLE, "heading"))
    for i, h in enumerate(PAY_HEADER):
        sheet.labels.append(Label(rc_to_cell(6, 17 + i), h, "header"))
    pay = list(settings.producers.pay.items())[:MAPPING_ROWS]
    for i, r in enumerate(range(7, 7 + MAPPING_ROWS)):
        name, amount = pay[i] if i < len(pay) else (None, None)
        sheet.inputs.append(Input(rc_to_cell(r, 17), name, "@"))
        sheet.inputs.append(Input(rc_to_cell(r, 18), amount, '"$"#,##0'))
    sheet.labels.append(Label(rc_to_cell(7 + MAPPING_ROWS, 6),
                              'Example: Report "Book of business (All Purpose Audit)", your column '
                              '"Pol Ref", canonical column "Policy Number".', "note"))
    sheet.labels.append(Label(rc_to_cell(7 + MAPPING_ROWS, 10),
                              'Example: "Boat Owners" -> "Specialty".', "note"))
    sheet.labels.append(Label(rc_to_cell(7 + MAPPING_ROWS, 13),
                              'Example: Report "Book of business (All Purpose Audit)", your status '
                              '"Pending Cancel", canonical status "In Force".', "note"))
    sheet.labels.append(Label(rc_to_cell(7 + MAPPING_ROWS, 17),
                              'Example: "Dana Whitfield", 52000. The names as the Producers sheet lists '
                              'them (case does not matter).', "note"))
    sheet.column_widths.update({0: 34, 1: 34, 2: 14, 3: 31, 4: 120, 5: 3, 6: 34, 7: 22, 8: 26, 9: 3,
                                10: 26, 11: 20, 12: 16, 13: 34, 14: 20, 15: 18, 16: 3, 17: 26, 18: 14, 19: 3})
    return sheet
