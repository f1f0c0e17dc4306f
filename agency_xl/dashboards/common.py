"""Helpers every dashboard sheet uses: the status line, KPI cards, table rows from DataFrames."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.dashboards.spec import Block
from agency_xl.figures.sources import DEFAULT_NOTE, Source
from agency_xl.figures.values import clean
from agency_xl.models.periods import Window, window_text


def rows_of(frame: pd.DataFrame, columns: Iterable[str]) -> list[list[Any]]:
    """The given columns of ``frame`` as a list of row lists of clean cell values."""
    cols = list(columns)
    return [[clean(v) for v in row] for row in frame[cols].itertuples(index=False, name=None)]


def status_block(anchor: str, text: str) -> Block:
    """The one-line status under a sheet's title (data date, or which export to add)."""
    return Block("status", anchor, ["Status"], [[text]], n_rows=1, header=False, formats=["@"])


def missing_note(data: AmsData, *reports: str) -> str | None:
    """"Add the ... export to fill this sheet" when any of ``reports`` was not read, else None."""
    return missing_text(data.missing(*reports)) or None


def missing_text(titles: Iterable[str]) -> str:
    """"Add the ... export to fill this sheet" for the reports of these titles ("" for none); a
    report whose file was there but rejected (``ams.data.MissingReport.rejected``) gets "the ...
    was rejected — see Data Health" instead: adding it again would not help."""
    titles = list(titles)
    rejected = [t for t in titles if getattr(t, "rejected", False)]
    absent = " and the ".join(t for t in titles if t not in rejected)
    parts = [f"The {t} was rejected — see Data Health." for t in rejected]
    if absent:
        parts.append(f"Add the {absent} export to the exports folder, then Refresh, to fill this sheet.")
    elif parts:
        parts.append("Fix it (or map its columns on Settings), then Refresh, to fill this sheet.")
    return " ".join(parts)


def data_note(data: AmsData, window: Window | None = None) -> str:
    """"Data as of ... from the exports folder.", with the sheet's 12-month window when it has one."""
    return as_of_note(data.as_of, window)


def as_of_note(as_of: dt.date, window: Window | None = None) -> str:
    """``data_note`` from the as-of date the figures carry."""
    span = f" {window_text(window)}." if window is not None else ""
    return f"Data as of {as_of:%Y-%m-%d} from the exports folder.{span} Press Refresh to update."


def status_line(missing: Iterable[str], as_of: dt.date, window: Window | None, *findings: str) -> str:
    """A sheet's status line: which exports to add when any is ``missing``; else the ``findings``
    that apply (blank ones are left out), in order, then the data date and the window."""
    if missing:
        return missing_text(missing)
    return " ".join([*(f for f in findings if f), as_of_note(as_of, window)])


def no_data_note(window: Window, what: str = "") -> str:
    """What a sheet says when its exports hold nothing in its window (never an error)."""
    return f"No data in the window ({window.label()}){': ' + what if what else ''}."


def kpi_block(name: str, anchor: str, items: list[tuple], n_rows: int | None = None) -> Block:
    """A KPI card: (label, value, number format, note) per row, optionally with a fifth item, the
    ``Source`` of the value (figures.sources): a value computed from a Settings default is marked
    (cell style) and its note says so."""
    rows, marked = [], set()
    for i, (label, value, _, note, *source) in enumerate(items):
        if source and source[0] is not None and source[0].is_default and clean(value) is not None:
            # A note that only said "Settings" becomes the mark's own words.
            note = f"{note}; {DEFAULT_NOTE}" if note not in ("", "Settings", "From Settings") else \
                DEFAULT_NOTE[0].upper() + DEFAULT_NOTE[1:]
            marked.add((i, 1))
        rows.append([label, clean(value), note])
    fmts = [item[2] for item in items]
    n = n_rows or len(items)
    fmts += ["General"] * (n - len(fmts))
    return Block(name, anchor, ["Measure", "Value", "Note"], rows, n_rows=n,
                 formats=["@", "General", "@"], row_formats=fmts, widths=[30, 14, 52], defaults=marked)


def mark_defaults(block: Block, source: Source, *columns: int) -> Block:
    """Mark ``columns`` of every data row of a table ``block`` when ``source`` is a Settings default."""
    if source.is_default:
        for col in columns:
            block.mark_default(col)
    return block

