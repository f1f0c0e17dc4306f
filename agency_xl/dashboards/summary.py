"""The Summary sheet: the owner's Monday page. How the agency is doing (each headline with its
arrow against the last refresh) and the three most urgent actions, each line linking to the sheet
that explains it. Layout only: the figures are ``figures.summary``."""

from __future__ import annotations

from agency_xl.dashboards.common import as_of_note
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    NUMBER1,
    PCT,
    RATIO,
    Block,
    Formula,
    Label,
    Sheet,
)
from agency_xl.figures.summary import ACTIONS_SHOWN, Headline, SummaryFigures

# The tab name of each model's sheet (the Sheet(...) each sheet module builds).
SHEET_NAMES = {
    "profitability": "Profitability", "rate_environment": "Rate Environment", "cash_flow": "Cash Flow",
    "segments": "Segments", "seasonality": "Seasonality", "cross_sell": "Cross-Sell", "leads": "Leads",
    "referral_growth": "Referrals",
}
FORMATS = {"money": MONEY, "count": COUNT, "pct": PCT, "months": NUMBER1, "ratio": RATIO, "text": "@"}
HEADLINE_ROWS = 12
HEADLINES_AT, ACTIONS_AT = "A6", "A21"
LINK_COLUMN = "F"


def link(sheet: str, text: str | None = None) -> str:
    """A formula linking to cell A1 of ``sheet`` (HYPERLINK with a "#" target: inside the workbook)."""
    return f'=HYPERLINK("#\'{sheet}\'!A1","{text or sheet + " ›"}")'


def arrow_text(h: Headline) -> str | None:
    """"▲ better", "▼ worse", "= same" ..., or None without an earlier value."""
    return f"{h.arrow} {h.verdict}" if h.arrow else None


def build(fig: SummaryFigures) -> Sheet:
    sheet = Sheet("summary", "Summary", "Summary", tab_color="#1F3864")
    sheet.labels = [
        Label("A1", "Summary: how the agency is doing, and what to do this week", "title"),
        Label("A3", "Each line links to the sheet that explains it (last column). Arrows compare with the "
                    "last refresh: green is better, red is worse.", "note"),
        Label("A5", "The agency today", "heading"),
        Label("A20", f"The {ACTIONS_SHOWN} most urgent actions (alerts first, then by the dollars at stake)", "heading"),
        Label("A25", "At stake: the yearly value, or the lifetime value or one-off amount the reason names.",
              "note"),
    ]
    status = (f"{as_of_note(fig.as_of)} {fig.past_note}" if fig.refreshed else
              "Not refreshed yet: put your exports folder on the Settings sheet and press Refresh (Home). "
              "Until then the lines below show what Settings alone gives.")
    sheet.blocks.append(Block("status", "A2", ["Status"], [[status]], n_rows=1, header=False, formats=["@"]))

    heads = list(fig.headlines)[:HEADLINE_ROWS]
    rows = [[h.label, h.value, arrow_text(h), h.last, h.note] for h in heads]
    fmts = [FORMATS[h.unit] for h in heads]
    block = Block("headlines", HEADLINES_AT, ["Measure", "Now", "Vs last refresh", "Last refresh", "Note"],
                  rows, n_rows=HEADLINE_ROWS, formats=["@", "General", "@", "General", "@"],
                  row_formats=fmts + ["General"] * (HEADLINE_ROWS - len(fmts)), row_format_columns=(1, 3),
                  arrow_column=2)
    sheet.blocks.append(block)
    r0 = block.first_data_row
    sheet.labels.append(Label(f"{LINK_COLUMN}{r0}", "Explained on", "header"))
    for i, h in enumerate(heads):
        name = SHEET_NAMES[h.sheet]
        sheet.formulas.append(Formula(f"{LINK_COLUMN}{r0 + 1 + i}", link(name), f"{name} ›"))

    # Aligned with the headlines above: the text in the wide first column, dollars under "Now".
    actions = [[a.what, a.at_stake, SHEET_NAMES[a.sheet], i + 1, a.why] for i, a in enumerate(fig.actions)]
    acts = Block("actions", ACTIONS_AT, ["What to do", "At stake", "Sheet", "Rank", "Why"], actions,
                 n_rows=ACTIONS_SHOWN, formats=["@", MONEY, "@", COUNT, "@"])
    sheet.blocks.append(acts)
    a0 = acts.first_data_row
    sheet.labels.append(Label(f"{LINK_COLUMN}{a0}", "Explained on", "header"))
    for i in range(ACTIONS_SHOWN):
        cell = f"C{a0 + 1 + i}"
        name = actions[i][2] if i < len(actions) else None
        sheet.formulas.append(Formula(
            f"{LINK_COLUMN}{a0 + 1 + i}", f'=IF({cell}="","",HYPERLINK("#\'"&{cell}&"\'!A1","open ›"))',
            "open ›" if name else ""))
    sheet.column_widths = {0: 64, 1: 14, 2: 17, 3: 14, 4: 74, 5: 20}
    return sheet
