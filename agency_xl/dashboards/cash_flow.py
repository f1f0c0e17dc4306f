"""The Cash Flow sheet: cash vs accrual card, cash-burn alert, the inputs used (measured or Settings
fallback), a working-capital calculator with live formulas, the 12-month projection with its chart,
the commission-lag histogram and the chargeback rate."""

from __future__ import annotations

import math

from agency_xl.dashboards.common import (
    as_of_note,
    clean,
    kpi_block,
    mark_defaults,
    missing_text,
    rows_of,
    status_block,
)
from agency_xl.dashboards.spec import (
    COUNT,
    MONEY,
    NUMBER1,
    PCT,
    PCT2,
    Block,
    Chart,
    Formula,
    Input,
    Label,
    Series,
    Sheet,
)
from agency_xl.figures.cash_flow import BREAK_EVEN_HORIZON, CashFlowFigures
from agency_xl.figures.sources import weakest
from agency_xl.functions import CATALOG  # the cached results are what Excel will show
from agency_xl.models.cash_flow import ALERT, LAG_BUCKETS, OK, WATCH

BLUE, LIGHT_BLUE, GREEN, RED, GREY = "#1565C0", "#90CAF9", "#2E7D32", "#C62828", "#9E9E9E"

# The plan's working-capital result (REFERENCE_POINTS.md, "Working capital"), beside this model's
# on the plan's inputs (figures.cash_flow.PLAN_*).
PLAN_RESULT = [126_000.0, 33_600.0, 33_600.0, 193_200.0, 4.6]

# Calculator cells (input rows 43-50, the live results below and beside them).
CALC_INPUTS = ("B43", "B44", "B45", "B46", "B47", "B48", "B49", "B50")


def build(fig: CashFlowFigures) -> Sheet:
    s, meas, wc, burn = fig.settings, fig.inputs, fig.working_capital, fig.burn
    sheet = Sheet("cash_flow", "Cash Flow", "Cash Flow", tab_color=BLUE)
    sheet.labels = [
        Label("A1", "Cash flow: commission lag, working capital and the 12-month projection", "title"),
        Label("A3", "The P&L books commission when a policy is written; the carrier pays it on a later "
                    "statement and takes back early cancellations. Lag, chargebacks and commission are "
                    "measured from the statements; expenses, cash and growth are Settings.", "note"),
        Label("A5", "Cash vs accrual (the projection's next month and next 12 months)", "heading"),
        Label("A14", "Cash-burn alert", "heading"),
        Label("A27", "Inputs used (measured from the commission statements, else a Settings fallback)",
              "heading"),
    ]
    sheet.blocks.append(status_block("A2", missing_text(fig.missing) or as_of_note(fig.as_of, fig.window)))
    months = [f"{p:%b %Y}" for p in fig.months]  # text, so the chart's category axis reads as months

    # Cash vs accrual card
    level = fig.cash_vs_accrual_level
    meaning = {ALERT: "Burning cash, whatever the P&L says", WATCH: "Cash flow trails the P&L",
               OK: "Cash keeps up with the P&L"}[level]
    src = fig.input_source
    projected = fig.projection_source()
    sheet.blocks.append(kpi_block("cash_vs_accrual", "A6", [
        ("Accrual profit, next month", fig.accrual_profit_next_month, MONEY,
         "Commission earned - provision for reversals - expenses", projected),
        ("Net cash flow, next month", fig.net_cash_flow_next_month, MONEY,
         "Commission received - reversals paid - expenses", projected),
        ("Warning level", level, "@", meaning, projected),
        ("Accrual profit, next 12 months", fig.accrual_profit_12m, MONEY, "What the P&L will show", projected),
        ("Net cash flow, next 12 months", fig.net_cash_flow_12m, MONEY, "What the bank account will show",
         projected),
        ("Gap (accrual - cash), 12 months", fig.accrual_cash_gap_12m, MONEY,
         "Commission still in transit, and chargeback timing", projected),
    ]))
    sheet.block("cash_vs_accrual").status_column = 1

    # Cash-burn alert: the recommendation sentence on its own line, then the figures.
    sheet.blocks.append(Block("recommendation", "A15", ["Recommendation"], [[burn.recommendation]],
                              header=False, formats=["@"]))
    reason = (f"Projected cash goes below $0 in month {burn.runs_out_month}" if burn.status == ALERT
              else "Cash on hand is below the working-capital need" if burn.status == WATCH
              else "Cash on hand covers the working-capital need")
    be_value = fig.months_to_break_even
    be_note = ("Cumulative cash flow back to $0" if be_value is not None
               else f"Not within {BREAK_EVEN_HORIZON} months at this growth")
    need = weakest(projected, src("buffer_months"))
    burn_card = kpi_block("cash_burn", "A16", [
        ("Cash-burn status", burn.status, "@", reason, need),
        ("Cash on hand", burn.cash_on_hand, MONEY, "Settings", src("cash_on_hand")),
        ("Monthly burn rate", burn.monthly_burn, MONEY, "Average outflow of the months losing cash", projected),
        ("Runway at that burn (months)", burn.runway_months if math.isfinite(burn.runway_months)
         else None, NUMBER1, "Cash on hand / monthly burn" if burn.monthly_burn else "No burn", projected),
        ("Lowest projected cash", burn.lowest_cash, MONEY,
         f"Month {burn.lowest_month} ({months[burn.lowest_month - 1]})", projected),
        ("Months to break-even", be_value, NUMBER1, be_note, projected),
        ("Working-capital need", wc.total, MONEY, "Base + growth + lag buffers (calculator below)", need),
        ("Shortfall vs cash on hand", burn.shortfall, MONEY, "Need - cash on hand, at least $0", need),
    ])
    burn_card.status_column = 1
    sheet.blocks.append(burn_card)

    # Inputs used
    sheet.blocks.append(kpi_block("inputs", "A28", [
        ("Monthly commission (baseline)", meas.monthly_commission, MONEY, meas.commission_note,
         src("monthly_commission")),
        ("New business share", meas.new_business_share, PCT, meas.share_note, src("new_business_share")),
        ("Commission lag (days)", meas.lag_days, NUMBER1, meas.lag_note, src("lag_days")),
        ("Reversals (share of commission)", meas.reversal_share, PCT2, meas.reversal_note, src("reversal_share")),
        ("Chargeback delay (days)", meas.chargeback_delay_days, NUMBER1, meas.delay_note,
         src("chargeback_delay_days")),
        ("Monthly expenses", s.monthly_expenses, MONEY, "Settings", src("monthly_expenses")),
        ("Monthly growth rate", meas.growth_rate, PCT2, meas.growth_note, src("growth_rate")),
        ("Cost to win a household", meas.cost_per_household, MONEY, meas.cost_note, src("cost_per_household")),
        ("Households in force", meas.households, COUNT, "Book of business (status In Force)"),
        ("Buffer months", s.buffer_months, NUMBER1, "Settings", src("buffer_months")),
    ]))

    _calculator(sheet, fig)
    _projection(sheet, fig, months)
    _lag_section(sheet, fig)
    _chargeback_section(sheet, fig)
    sheet.column_widths = {0: 32, 1: 18, 2: 20, 3: 13, 4: 15, 5: 20, 6: 17, 7: 15, 8: 20, 9: 14}
    return sheet


def _calculator(sheet: Sheet, fig: CashFlowFigures) -> None:
    """Input cells and live formulas (WC_NEED, WC_BREAKDOWN, RUNWAY_MONTHS) with Python's values."""
    s, meas = fig.settings, fig.inputs
    sheet.labels += [
        Label("A40", "Working-capital calculator", "heading"),
        Label("A41", "Type in the yellow cells: the results are live formulas (Import Functions once, "
                     "Home sheet). The plan's example and this model on the plan's inputs are beside them.",
              "note"),
        Label("A42", "Your inputs", "heading"),
    ]
    # Unrounded, so the live total equals the alert's working-capital need to the dollar: the
    # inputs of fig.working_capital, in WC_NEED's order, and the cash on hand.
    values = [s.monthly_expenses, meas.growth_rate, meas.lag_days, s.buffer_months,
              meas.monthly_commission, meas.households, meas.cost_per_household, s.cash_on_hand]
    names = ["Monthly expenses ($)", "Monthly growth rate", "Commission lag (days)", "Buffer months",
             "Monthly commission ($)", "Households in force", "Cost to win a household ($)",
             "Cash on hand ($)"]
    formats = [MONEY, PCT2, NUMBER1, NUMBER1, MONEY, COUNT, MONEY, MONEY]
    for cell, name, value, fmt in zip(CALC_INPUTS, names, values, formats):
        row = cell[1:]
        sheet.labels.append(Label(f"A{row}", name))
        sheet.inputs.append(Input(cell, value, fmt))
    exp, g, lag, months, comm, homes, cost, cash = CALC_INPUTS
    refs = f"{exp},{g},{lag},{months},{comm},{homes},{cost}"
    sheet.labels += [Label("A52", "Working-capital need (live)", "heading"),
                     Label("A53", "Months your cash on hand covers")]
    sheet.formulas.append(Formula("B52", f"=WC_NEED({refs})", fig.working_capital.total, MONEY))
    runway = fig.cash_runway_months
    runway = runway if math.isfinite(runway) else None  # no expenses: the cash never runs out
    sheet.formulas.append(Formula("B53", f"=RUNWAY_MONTHS({cash},{exp})", runway, NUMBER1))
    breakdown = CATALOG["WC_BREAKDOWN"].call(*values[:7])  # as Excel shows it: an error as text
    if not isinstance(breakdown, list):
        breakdown = [[breakdown, None]] + [[None, None] for _ in range(5)]
    sheet.formulas.append(Formula(
        "D42", f"=WC_BREAKDOWN({refs})", breakdown[0][0], spill=(len(breakdown), 2), values=breakdown,
        row_formats=[None, MONEY, MONEY, MONEY, MONEY, NUMBER1], header=True,
    ))
    ours = fig.plan_example
    # Beside the breakdown's rows: the plan's figures and ours for the plan's inputs (dollars, then
    # the runway in months as its own block so it gets its own number format).
    mine = [ours.base_buffer, ours.growth_buffer, ours.lag_buffer, ours.total]
    sheet.blocks.append(Block(
        "plan_example", "F42", ["Plan's example", "Ours, same inputs"],
        [[p, o] for p, o in zip(PLAN_RESULT[:4], mine)], formats=[MONEY, MONEY],
    ))
    sheet.blocks.append(Block(
        "plan_runway", "F47", ["Plan's example", "Ours, same inputs"],
        [[PLAN_RESULT[4], ours.months_of_runway]], formats=[NUMBER1, NUMBER1], header=False,
    ))
    # Two lines: one would run past the page's right edge.
    sheet.labels.append(Label(
        "F48", "Plan: $42,000 expenses, 8% growth a month (its example, not a default), 48 days, 3 months,", "note"))
    sheet.labels.append(Label(
        "F49", "$21,000 commission. Base buffer and runway rule match; the growth buffer formula differs (see docs).",
        "note"))


def _projection(sheet: Sheet, fig: CashFlowFigures, months: list[str]) -> None:
    sheet.labels.append(Label("A55", "12-month projection: accrual profit vs cash flow", "heading"))
    table = fig.projection.copy()
    table["month"] = months
    cols = ["month", "commission_earned", "chargeback_provision", "expenses", "accrual_profit",
            "commission_received", "chargebacks_paid", "net_cash_flow", "cumulative_cash_flow",
            "cash_position"]
    sheet.blocks.append(Block(
        "projection", "A56",
        ["Month", "Commission earned", "Provision for reversals", "Expenses", "Accrual profit",
         "Commission received", "Reversals paid", "Net cash flow", "Cumulative cash flow",
         "Cash position"],
        rows_of(table, cols), n_rows=12,
        formats=["@"] + [MONEY] * 9,
    ))
    mark_defaults(sheet.block("projection"), fig.projection_source(), *range(1, 10))
    sheet.charts.append(Chart(
        "column", "Accrual profit vs cash flow, next 12 months", "H5",
        [Series("Accrual profit", "projection", 4, color=LIGHT_BLUE),
         Series("Net cash flow", "projection", 7, color=BLUE),
         Series("Cumulative cash flow", "projection", 8, kind="line", color=RED),
         Series("Cash position", "projection", 9, kind="line", color=GREEN)],
        width=720, height=420, y_format='"$"#,##0',
    ))


def _lag_section(sheet: Sheet, fig: CashFlowFigures) -> None:
    sheet.labels.append(Label("A71", "Commission lag: statement date - transaction effective date "
                                     "(New Business and Renewal rows)", "heading"))
    hist = fig.histogram
    rows = []
    if hist is not None:
        rows = [[r.bucket, int(r.rows), clean(r.share), clean(r.commission), clean(r.cumulative_share)]
                for r in hist.itertuples()]
    sheet.blocks.append(Block(
        "lag_histogram", "A72", ["Lag", "Rows", "Share of rows", "Commission", "Cumulative share"],
        rows, n_rows=len(LAG_BUCKETS), formats=["@", COUNT, PCT, MONEY, PCT],
    ))
    sheet.charts.append(Chart(
        "column", "Commission lag: rows per bucket", "G71",
        [Series("Rows", "lag_histogram", 1, color=BLUE)],
        width=520, height=280, legend=None, x_title="Days from effective date to statement",
    ))
    lag = fig.lag
    have = lag is not None and lag.rows > 0
    sheet.blocks.append(kpi_block("lag_summary", "A83", [
        ("Rows measured", lag.rows if have else None, COUNT, "New Business and Renewal rows"),
        ("Average lag per commission dollar", lag.lag_days if have else None, NUMBER1,
         "Days; used for cash timing and the lag buffer"),
        ("Average lag per row", lag.mean_days if have else None, NUMBER1, "Days"),
        ("Median lag", lag.median_days if have else None, NUMBER1, "Days"),
        ("90th percentile", lag.p90_days if have else None, NUMBER1, "Days: 9 in 10 rows are paid by then"),
        ("Paid after 60 days", lag.share_over_60 if have else None, PCT, "Share of rows"),
    ]))


def _chargeback_section(sheet: Sheet, fig: CashFlowFigures) -> None:
    sheet.labels.append(Label("A91", "Chargebacks: new-business commission reversed within 12 months",
                              "heading"))
    cb = fig.chargebacks
    have = cb is not None and cb.policies > 0
    sheet.blocks.append(kpi_block("chargebacks", "A92", [
        ("Chargeback rate", cb.rate if have else None, PCT, "Reversed / new-business commission"),
        ("New-business commission measured", cb.new_business_commission if have else None, MONEY,
         ("Sales whose 12 months have ended" if cb.mature else "All sales (none has had 12 months)")
         if have else ""),
        ("Reversed within 12 months", cb.reversed if have else None, MONEY,
         "Cancellation and Chargeback rows, matched by policy number"),
        ("Sales measured", cb.policies if have else None, COUNT, "Policies with New Business rows"),
        ("Sales charged back", cb.policies_charged_back if have else None, COUNT,
         f"{fig.charged_back_share:.1%} of the sales measured" if have else ""),
        ("Chargeback delay (days)", cb.delay_days if have else None, NUMBER1,
         "Sale to the chargeback's statement, per dollar"),
    ]))
