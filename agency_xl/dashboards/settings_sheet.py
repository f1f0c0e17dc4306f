"""The Settings sheet: the exports folder, every assumption with its default, unit and meaning,
and the owner's column, product and status mapping tables. All of it is owner input: the template
writes it once and a refresh only reads it."""

from __future__ import annotations

from agency_xl.assumptions import Assumptions, settings_rows
from agency_xl.assumptions.sheet import (
    COLUMN_MAP_HEADER,
    EXPORTS_LABEL,
    PAY_HEADER,
    PAY_TITLE,
    PRODUCT_MAP_HEADER,
    STATUS_MAP_HEADER,
)
from agency_xl.dashboards.spec import Input, Label, Sheet, rc_to_cell

FIRST_SETTING_ROW = 8  # zero-based row of the first setting
MAPPING_ROWS = 25


def build(settings: Assumptions, exports_folder: str) -> Sheet:
    sheet = Sheet("settings", "Settings", "Settings", tab_color="#7F7F7F")
    sheet.labels = [
        Label("A1", "Settings: your assumptions and where your exports are", "title"),
        Label("A2", "Yellow cells are yours to change. Refresh reads them; it never writes here.", "note"),
        Label("B4", EXPORTS_LABEL, "heading"),
        Label("B5", "The folder where you save the reports downloaded from your AMS and lead vendors.", "note"),
        Label("A7", "Key", "header"), Label("B7", "Setting", "header"), Label("C7", "Value", "header"),
        Label("D7", "Unit", "header"), Label("E7", "What it means", "header"),
    ]
    sheet.inputs = [Input("D4", exports_folder, "@")]
    row = FIRST_SETTING_ROW
    for key, label, value, unit, explanation in settings_rows(settings):
        sheet.labels += [
            Label(rc_to_cell(row, 0), key, "note"),
            Label(rc_to_cell(row, 1), label),
            Label(rc_to_cell(row, 3), unit),
            Label(rc_to_cell(row, 4), explanation, "note"),
        ]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        # Ratios and other plain numbers: up to four decimals, so no digit the owner typed is hidden.
        fmt = {"%": "0.0%", "% of premium": "0.0%", "text": "@", "$": '"$"#,##0',
               "households": "#,##0", "days": "0", "months": "0.0"}.get(unit)
        if fmt is None and isinstance(value, (int, float)) and not isinstance(value, bool):
            fmt = "#,##0" if isinstance(value, int) else "#,##0.0###"
        sheet.inputs.append(Input(rc_to_cell(row, 2), value, fmt))
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
    for r in range(7, 7 + MAPPING_ROWS):
        for c in (6, 7, 8, 10, 11, 13, 14, 15):
            sheet.inputs.append(Input(rc_to_cell(r, c), None, "@"))
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
    sheet.column_widths = {0: 30, 1: 34, 2: 14, 3: 12, 4: 120, 5: 3, 6: 34, 7: 22, 8: 26, 9: 3,
                           10: 26, 11: 20, 12: 16, 13: 34, 14: 20, 15: 18,
                           16: 3, 17: 26, 18: 14}
    return sheet
