"""The Scorecard sheet: the plan's targets against the agency now (status coloured), the value at
each earlier refresh, a small chart per target of those values and now beside the target, and a
link to the sheet that explains each. Layout only: the figures are ``figures.scorecard``'s."""

from __future__ import annotations

from typing import Iterable

from agency_xl.dashboards.common import as_of_note, status_block
from agency_xl.dashboards.spec import (
    Block,
    Chart,
    Label,
    Series,
    Sheet,
    rc_to_cell,
    sheet_link,
)
from agency_xl.figures import scorecard as sc
from agency_xl.figures.scorecard import ScorecardFigures, Target

HISTORY_ROWS = 12  # the charts show the latest 11 earlier refreshes and now
TABLE_ROW = 6  # zero-based row of the targets table's header (A7)
LINK_COLUMN = 6  # G: the links beside the table
CHART_ROW, CHART_ROWS = 14, 13  # the charts: first row (A15), rows each
CHART_WIDTH, CHART_HEIGHT = 540, 240
HISTORY_ROW = CHART_ROW + 3 * CHART_ROWS + 2  # the values the charts read, below them

GREEN, BLUE, RED, GREY, NAVY = "#2E7D32", "#1565C0", "#C62828", "#9E9E9E", "#1F3864"
STATUS_COLOURS = {sc.ON_TRACK: "#C6EFCE", sc.AHEAD: "#BDD7EE", sc.BEHIND: "#FFC7CE", sc.NOT_MEASURABLE: "#E7E6E6"}
FORMATS = {"products": "0.00", "%": "0.0%", "$": '"$"#,##0'}
AXIS_FORMATS = {"products": "0.0", "%": "0%", "$": '"$"#,##0'}
NO_PAST = "past values appear after the next refresh"


def shown(value: float, unit: str) -> str:
    """A value as the table's text shows it: 1.30, 25.4%, $55."""
    return {"products": f"{value:.2f}", "%": f"{value:.1%}", "$": f"${value:,.0f}"}[unit]


def past_text(t: Target, problem: str | None) -> str:
    """The latest earlier value and the way it moved since, or when past values will show."""
    if problem and not len(t.past):
        return "history not read (see the status line)"
    if not len(t.past):
        return NO_PAST[0].upper() + NO_PAST[1:]
    day, before = t.past.index[-1], float(t.past.iloc[-1])
    text = f"{shown(before, t.unit)} on {day:%Y-%m-%d}"
    if t.value is not None:
        move = "up" if t.value > before else "down" if t.value < before else "unchanged"
        text += f", {move} since"
    n = len(t.past)
    return text + (f" ({n} earlier refreshes)" if n > 1 else "")


def status_text(fig: ScorecardFigures) -> str:
    line = as_of_note(fig.as_of)
    if fig.history_problem:
        return f"{fig.history_problem} The values now are shown; the past ones are not. {line}"
    if not fig.past_dates:
        return f"No earlier refresh in the history beside this workbook: {NO_PAST}. {line}"
    return (f"{len(fig.past_dates)} earlier refresh{'es' if len(fig.past_dates) > 1 else ''} in the history "
            f"(the first as of {fig.past_dates[0]:%Y-%m-%d}). {line}")


def history_columns(targets: Iterable[Target]) -> list[tuple[Target, str]]:
    """The history block's columns after "As of": each target's value, then its target (a range:
    its low and high ends)."""
    cols = []
    for t in targets:
        cols.append((t, "value"))
        cols += [(t, "low"), (t, "high")] if t.kind == sc.RANGE else [(t, "target")]
    return cols


def history_rows(fig: ScorecardFigures, columns: list[tuple[Target, str]]) -> list[list[object]]:
    """One row per earlier refresh (the latest HISTORY_ROWS - 1) and now: each target's value
    then (blank where that refresh did not record it) and today's target beside it."""
    days = list(fig.past_dates)[-(HISTORY_ROWS - 1):] + [fig.as_of]
    rows = []
    for i, day in enumerate(days):
        now = i == len(days) - 1
        row: list[object] = [f"{day:%Y-%m-%d}"]  # text: a date axis would round one refresh to its year
        for t, what in columns:
            if what == "value":
                value = t.value if now else (float(t.past[day]) if day in t.past.index else None)
                row.append(value)
            else:
                row.append(t.high if what == "high" else t.target)
        rows.append(row)
    return rows


def chart_title(t: Target, problem: str | None) -> str:
    if not len(t.past):
        return f"{t.name}: {'past values not read' if problem else NO_PAST}"
    return t.name


def build(fig: ScorecardFigures, sheets: Iterable[str] = ()) -> Sheet:
    """The Scorecard. ``sheets``: the workbook's tab names; a target whose sheet is not among them
    names it without a link."""
    tabs = set(sheets)
    sheet = Sheet("scorecard", "Scorecard", "Scorecard", tab_color=NAVY)
    sheet.labels = [
        Label("A1", "Scorecard: the plan's targets against your agency", "title"),
        Label("A3", "The targets are the plan's examples: set your own on the Settings sheet (targets; forecast "
                    "accuracy is accuracy.tolerance, the combined ratio profitability.bonus_full_threshold).",
              "note"),
        Label("A4", "Each value now is the one its sheet shows (linked on the right); past values are what earlier "
                    "refreshes recorded in the history file beside this workbook.", "note"),
        Label("A6", "Targets", "heading"),
        Label(rc_to_cell(TABLE_ROW, LINK_COLUMN), "Explained on", "header"),
        Label(rc_to_cell(CHART_ROW - 1, 0), "Each target at every refresh (line) and the target (dashed)", "heading"),
        Label(rc_to_cell(HISTORY_ROW - 1, 0), "Values at each refresh (the charts read these)", "heading"),
    ]
    sheet.blocks.append(status_block("A2", status_text(fig)))

    rows, formats = [], []
    for t in fig.targets:
        rows.append([t.name, t.value, t.target_text, t.status, past_text(t, fig.history_problem),
                     t.reason or f"Target on Settings; the value as the {t.sheet} sheet shows it"])
        formats.append(FORMATS[t.unit])
    sheet.blocks.append(Block(
        "targets", rc_to_cell(TABLE_ROW, 0), ["Target", "Now", "Target value", "Status", "Past refreshes", "Note"],
        rows, formats=["@", "General", "@", "@", "@", "@"], row_formats=formats, status_column=3,
        status_words=STATUS_COLOURS,
    ))
    for i, t in enumerate(fig.targets):
        cell = rc_to_cell(TABLE_ROW + 1 + i, LINK_COLUMN)
        if t.sheet in tabs:
            sheet.formulas.append(sheet_link(cell, t.sheet))
        else:
            sheet.labels.append(Label(cell, f"{t.sheet} (not in this workbook)", "note"))

    columns = history_columns(fig.targets)
    headers = ["As of"] + [t.name if what == "value" else f"{what.capitalize()}: {t.name}" for t, what in columns]
    sheet.blocks.append(Block(
        "history", rc_to_cell(HISTORY_ROW, 0), headers, history_rows(fig, columns), n_rows=HISTORY_ROWS,
        formats=["@"] + [FORMATS[t.unit] for t, _ in columns],
    ))
    titles_row = HISTORY_ROW + HISTORY_ROWS + 2
    sheet.labels.append(Label(rc_to_cell(titles_row, 0), "Chart titles (the charts read these)", "heading"))
    sheet.blocks.append(Block(
        "chart_titles", rc_to_cell(titles_row + 1, 0), ["Chart title"],
        [[chart_title(t, fig.history_problem)] for t in fig.targets], header=False, formats=["@"],
    ))
    for i, t in enumerate(fig.targets):
        value_col = 1 + columns.index((t, "value"))
        targets = [Series("Target", "history", value_col + 1, color=GREY, dashed=True)]
        if t.kind == sc.RANGE:
            targets = [Series("Low end", "history", value_col + 1, color=GREY, dashed=True),
                       Series("High end", "history", value_col + 2, color=GREY, dashed=True)]
        sheet.charts.append(Chart(
            "line", t.name, rc_to_cell(CHART_ROW + CHART_ROWS * (i // 2), 0 if i % 2 == 0 else 4),
            [Series(t.name, "history", value_col, color=BLUE, markers=True), *targets],
            width=CHART_WIDTH, height=CHART_HEIGHT, y_format=AXIS_FORMATS[t.unit], legend=None,
            title_cell=("chart_titles", i),
        ))
    sheet.column_widths = {0: 34, 1: 12, 2: 22, 3: 14, 4: 40, 5: 60, 6: 18}
    # The values table runs on to the right of the targets table: room for its headers' names.
    sheet.column_widths.update({c: 16 for c in range(7, len(headers))})
    return sheet
