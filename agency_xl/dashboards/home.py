"""The Home sheet: what the workbook is, the owner's three steps, the buttons, the last refresh
and which reports were found."""

from __future__ import annotations

import datetime as dt

from agency_xl.ams import AmsData
from agency_xl.ams.reports import REPORTS
from agency_xl.dashboards.spec import Block, Formula, Label, Sheet

REFRESH_BUTTON_CELL = "B9"
IMPORT_BUTTON_CELL = "B13"

# Which dashboards each report feeds, for the "reports found" table: every sheet whose figures
# change without it (tests/test_nothing_lost.py holds this list to what the sheets really read).
NEEDED_BY = {
    "policies": "Profitability, Rate Environment, Cash Flow (households), Segments, Cross-Sell, Seasonality, "
                "Leads, Referrals, Producers",
    "growth": "Rate Environment, Cash Flow (growth), Segments, Cross-Sell, Leads, Referrals (retention "
              "where the book cannot measure it)",
    "claims": "Profitability, Segments (Low-Value tier), Leads (CAC by tier)",
    "commissions": "Cash Flow, Profitability (revenue growth), Producers; the measured commission rate of Rate "
                   "Environment, Segments, Cross-Sell, Leads, Referrals (else the one on Settings)",
    "sales": "Seasonality, Cross-Sell, Producers (else taken from the book)",
    "leads": "Leads, Segments (marketing allocation), Referrals (paid-lead comparison), Cash Flow (cost "
             "to win a household), Producers (lead conversion)",
    "referrals": "Referrals",
}


# Sheets made of the other sheets' figures: any report may move them (the heading above the
# reports says so).
GATHERING = ("Summary", "Scorecard", "Accuracy")


def build(data: AmsData | None, refreshed_at: dt.datetime | None, agency_name: str) -> Sheet:
    sheet = Sheet("home", "Home", "Home", tab_color="#1F3864")
    sheet.labels = [
        Label("A1", f"{agency_name}: agency dashboard", "title"),
        Label("A2", "Eight business models of your agency, filled from your AMS exports, and the same "
                    "models as worksheet functions for your own what-if sheets.", "note"),
        Label("A4", "Three steps", "heading"),
        Label("A5", "1. On the Settings sheet, put the folder where you save your AMS exports (yellow cell).",),
        Label("A6", "2. On Windows, press Import Functions once, and again whenever the workbook was rebuilt "
                    "from the command line (needs Excel's 'Trust access to the VBA project object model').",),
        Label("A7", "3. Press Refresh whenever you have saved new exports. The dashboards fill in.",),
        Label("D9", "Refresh: reads the exports folder and fills every dashboard sheet.", "note"),
        Label("D10", "Windows; on a Mac after the one-time set-up in the README.", "note"),
        Label("D13", "Import Functions: makes =COMBINED_RATIO() ... available (What-If sheet). Windows only.",
              "note"),
        Label("D14", "Functions that return a table spill down in Excel 365 and Excel 2021 or later;", "note"),
        Label("D15", "Excel 2019 and older show a fixed {=...} block, the size it had when last saved.", "note"),
        Label("A17", "Last refresh", "heading"),
        # A free row above: nothing of ours between the blocks.
        Label("A24", "Reports found (the Summary, Scorecard and Accuracy sheets gather figures from all of "
                     "them)", "heading"),
    ]
    # The owner's Monday page: the Summary, one click away.
    sheet.formulas.append(Formula("A3", '=HYPERLINK("#\'Summary\'!A1","Start here each week: the Summary sheet, '
                                        'how the agency is doing and what to do ›")',
                                  "Start here each week: the Summary sheet, how the agency is doing and what to do ›"))
    files = data.health.files if data else []
    used = [f for f in files if f.report and not f.rejected]
    rejected = [f for f in files if f.rejected]
    skipped = [f for f in files if f.skipped]
    problems = data.problems() if data else []
    sheet.blocks.append(Block(
        "last_refresh", "A18", ["Item", "Value"],
        [
            ["Refreshed at", refreshed_at.replace(microsecond=0) if refreshed_at else None],
            ["Exports folder", data.health.folder if data else "(not refreshed yet)"],
            ["Data as of", dt.datetime.combine(data.as_of, dt.time()) if data else None],
            ["Files read / rejected / skipped",
             f"{len(used)} / {len(rejected)} / {len(skipped)}" if data else None],
            ["First problem (Data Health lists all)", (problems[0] if problems else "none") if data else None],
        ],
        formats=["@", "@"], row_formats=["yyyy-mm-dd hh:mm", "@", "yyyy-mm-dd", "@", "@"], header=False,
    ))
    rows = []
    for key, report in REPORTS.items():
        mine = [f for f in used if f.report == key]
        table = data.table(key) if data else None
        found = ("yes" if table is not None else
                 "rejected: see Data Health" if data is not None and data.rejected(key) else "no")
        if key == "sales" and data is not None and data.sales_derived:
            found = "from the book"
        rows.append([report.title, found, len(mine), None if table is None else len(table), NEEDED_BY[key]])
    sheet.blocks.append(Block(
        "reports_found", "A25", ["Report", "Found", "Files", "Rows", "Feeds"], rows,
        formats=["@", "@", "#,##0", "#,##0", "@"],
    ))
    sheet.column_widths = {0: 38, 1: 16, 2: 8, 3: 10, 4: 70}
    return sheet
