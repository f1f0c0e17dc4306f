"""The Producers sheet: one sortable row per producer (new business, book, retention, cross-sell,
leads, commissions and the pay check), the book's total under it, and premium written by producer
as a chart. Layout only: the figures are ``agency_xl.figures.producers``."""

from __future__ import annotations

from typing import Any

from agency_xl.dashboards.common import as_of_note, clean, missing_text, status_block
from agency_xl.dashboards.spec import COUNT, MONEY, PCT, TEXT, Block, Chart, Label, Series, Sheet
from agency_xl.figures.producers import COLUMNS, GROUPS, NO_PRODUCER, NOT_IN_EXPORTS, ProducersFigures

PRODUCER_ROWS = 10  # room for an agency's producers; more are one "Other producers" row
TIMES = '0.0"x"'
HEADERS = ["Producer", "New items", "Premium written", "Policies in force", "Premium in force", "Households",
           "Retention", "Cross-sell rate (2+ products)", "Leads", "Leads sold", "Lead conversion",
           "Commissions", "Pay (annual, Settings)", "Commissions / pay", "Pay check"]
FORMATS = [TEXT, COUNT, MONEY, COUNT, MONEY, COUNT, PCT, PCT, COUNT, COUNT, PCT, MONEY, MONEY, TIMES, TEXT]
NOTE_ROWS = 5
TITLES = {"sales": "New items and premium written", "book": "Policies, premium in force, households, "
          "retention and cross-sell rate", "leads": "Leads and lead conversion",
          "commissions": "Commissions and the pay check"}
SOURCE = {"sales": "the New business (sales) export", "book": "the Book of business",
          "leads": "the Lead log", "commissions": "the Book of business and the New business export"}
TAB = "#5D4037"


def status_text(fig: ProducersFigures) -> str:
    """The sheet's status line: which exports to add when none is there, else the data date."""
    if len(fig.unavailable) == len(GROUPS) and all(v != NOT_IN_EXPORTS for v in fig.unavailable.values()):
        return missing_text(["Book of business"])
    return as_of_note(fig.as_of, fig.sales_window)


def cells(fig: ProducersFigures, row: dict[str, Any], total: bool = False) -> list[Any]:
    """One row of the table as the sheet shows it: a column its exports cannot split by producer
    says why ("not in your exports"); retention that is not measurable says so."""
    out = []
    for c in COLUMNS:
        why = None if total else fig.reason(c)
        value = row.get(c)
        if c == "retention" and fig.retention_note and clean(value) is None:
            why = "not measurable"
        out.append(why or clean(value))
    return out


def notes(fig: ProducersFigures) -> list[list[str]]:
    """What the owner should know about this refresh's table, one line each."""
    out = []
    for group, why in fig.unavailable.items():
        if why == NOT_IN_EXPORTS:
            out.append(f"{TITLES[group]}: not in your exports, {SOURCE[group]} has no Producer column "
                       f"(the book's total is still shown). Add the column to the export, or map yours on Settings.")
        else:
            out.append(f"{TITLES[group]}: {why} to fill these columns.")
    if fig.retention_note:
        out.append(f"Retention is {fig.retention_note}.")
    if (fig.table["producer"] == NO_PRODUCER).any():
        out.append(f"{NO_PRODUCER}: policies, sales and leads with a blank Producer, and commission on policies "
                   f"neither the book nor the sales name a producer for, so the rows add up to the book's total.")
    if fig.sales_from == "book of business":
        out.append("New items come from the book's original effective dates (no New business export).")
    return [[n] for n in out[:NOTE_ROWS]]


def build(fig: ProducersFigures) -> Sheet:
    sheet = Sheet("producers", "Producers", "Producers", tab_color=TAB)
    sheet.labels = [
        Label("A1", "Producers: what each producer writes, holds, keeps and earns, and whether it covers his pay",
              "title"),
        Label("A3", "New items and premium written: sales issued in the 12 complete months (status line); "
                    "commissions: statements dated in the 12 complete months ending where they end; leads: "
                    "dated in the Leads sheet's window. Book: in force today.", "note"),
        Label("A5", "By producer (sort or filter with the buttons in the header row)", "heading"),
        Label(f"A{9 + PRODUCER_ROWS}", "Notes", "heading"),
        Label(f"A{11 + PRODUCER_ROWS + NOTE_ROWS}", "Premium written by producer (12 complete months)", "heading"),
        Label(f"J{12 + PRODUCER_ROWS + NOTE_ROWS}", "What the columns mean", "heading"),
    ]
    meanings = [
        "New items, premium written: policies sold and their premium, by the sale's producer.",
        "Policies, premium in force: the book today (status In Force), by the policy's producer.",
        "Households: a household is its first policy's producer's (the one who won it).",
        "Retention: households on the books 12 months ago still customers now (Segments sheet).",
        "Cross-sell rate: households in force with 2 or more products.",
        "Lead conversion: sold / decided (sold, lost, bad) leads, as on the Leads sheet.",
        "Commissions: all statement rows of his policies (chargebacks too), 12 complete months.",
        "Pay check: those commissions against his annual pay on Settings (Producer pay table).",
    ]
    first = 13 + PRODUCER_ROWS + NOTE_ROWS
    sheet.labels += [Label(f"J{first + i}", text, "note") for i, text in enumerate(meanings)]
    sheet.blocks.append(status_block("A2", status_text(fig)))

    shown = fig.shown(PRODUCER_ROWS)
    table = Block("table", "A6", HEADERS, [cells(fig, r) for r in shown.to_dict("records")],
                  n_rows=PRODUCER_ROWS, formats=FORMATS, filter_buttons=True, status_column=14)
    sheet.blocks.append(table)
    sheet.blocks.append(Block("total", f"A{7 + PRODUCER_ROWS}", HEADERS, [cells(fig, fig.total, total=True)],
                              n_rows=1, formats=FORMATS, header=False))
    sheet.blocks.append(Block("notes", f"A{10 + PRODUCER_ROWS}", ["Note"], notes(fig), n_rows=NOTE_ROWS,
                              header=False, formats=[TEXT]))
    sheet.charts.append(Chart(
        "column", "Premium written by producer (12 complete months)", f"A{12 + PRODUCER_ROWS + NOTE_ROWS}",
        [Series("Premium written", "table", 2, 0, color="#5D4037")],
        width=620, height=300, y_format='"$"#,##0', legend=None,
    ))
    # The lead columns fit "not in your exports" (the lead log often has no Producer column).
    sheet.column_widths = {0: 26, **{c: 12 for c in range(1, 14)}, 6: 11, 7: 13, 8: 18, 9: 18, 10: 18, 12: 13,
                           14: 26}
    return sheet
