"""Finding the header row of an export and telling which report it is.

A report is recognised by its header row, not by its file name. Labels are compared after
``normalise_label`` (AMS_EXPORTS.md: case, surrounding/repeated spaces, line breaks and a trailing
``:``/``.`` do not matter; ``#``, ``No``, ``No.``, ``Num`` and ``Number`` are the same word). The
owner's own names (``Mappings.columns``) are added to the built-in aliases of ``reports.py``.

Among the first rows of a sheet, the row and report chosen are those where every required
column of the report is found, with the most columns found; ties go to the report named in the
title rows or the file name (``Report.title_words``), then to the earlier row, then to the report
listed first in ``REPORTS``. That is how a book of business (which has Status) wins over the sales
report on the same columns, and why a title line such as ``Report Date:`` (an alias of the claims
report's Reported Date) never wins: it matches one column at most. A header stacked on two rows
("Policy" above "Number") is read as the two rows' labels joined, when neither row alone is a
header.

When two columns of a file match one field, the closer name is used (the canonical name, then the
aliases in their order in ``reports.py``; the owner's own names count as canonical), the leftmost
of equally close names; the other is ignored, and both are named (``HeaderMatch.doubles``).
"""

from __future__ import annotations

import difflib

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agency_xl.ams.data import Mappings
from agency_xl.ams.parse import excel_serial_to_date, last_date_in_text
from agency_xl.ams.reports import REPORTS, Column, Report

HEADER_SEARCH_ROWS = 30  # non-empty rows searched for the header (the contract allows 0-10 titles)
_NUMBER_WORDS = {"#", "no", "no.", "num", "num.", "number"}


def normalise_label(label: Any) -> str:
    """The form in which header labels are compared: ``"Policy No.:"`` -> ``"policy #"``."""
    if label is None:
        return ""
    text = str(label).lower().replace("\r", " ").replace("\n", " ").replace("_", " ")
    text = " ".join(text.replace("#", " # ").split())
    text = text.rstrip(":.").strip()
    return " ".join("#" if word in _NUMBER_WORDS else word for word in text.split(" "))


def cell_text(value: Any) -> str:
    """A peeked cell as text ('' for blank); whole numbers without the '.0' Excel adds."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


@dataclass
class AliasTable:
    """For one report: normalised label -> (field, priority); priority 0 = the canonical name (or
    the owner's name), then 1, 2 ... for the aliases, closest first."""

    report: Report
    labels: dict[str, tuple[str, int]]
    accepted: dict[str, list[str]]  # field -> names accepted, for messages

    @classmethod
    def build(cls, report: Report, mappings: Mappings | None = None) -> AliasTable:
        labels: dict[str, tuple[str, int]] = {}
        accepted: dict[str, list[str]] = {}
        for col in report.columns:
            accepted[col.field] = [col.canonical, *col.aliases]
            for i, alias in enumerate(col.aliases, 1):
                labels.setdefault(normalise_label(alias), (col.field, i))
        for col in report.columns:  # a canonical name beats another column's alias
            labels[normalise_label(col.canonical)] = (col.field, 0)
        for (report_key, owner_name), canonical in (mappings.columns if mappings else {}).items():
            if report_key not in ("", report.key):
                continue
            target = _column_named(report, canonical)
            if target is None:
                continue  # the owner's name is for a column this report does not have
            labels[normalise_label(owner_name)] = (target.field, 0)  # the owner's word wins
            if owner_name not in accepted[target.field]:
                accepted[target.field].append(owner_name)
        return cls(report, labels, accepted)


def _column_named(report: Report, name: str) -> Column | None:
    wanted = normalise_label(name)
    for col in report.columns:
        if normalise_label(col.canonical) == wanted or col.field == name.strip().lower():
            return col
    return None


@dataclass
class HeaderMatch:
    """One candidate header row matched against one report."""

    report: Report
    row: int  # 1-based sheet row number of the header
    columns: dict[str, int]  # field -> 0-based absolute column index
    labels: dict[int, str]  # every non-blank header cell: column index -> its text
    missing: list[Column] = field(default_factory=list)  # required columns not found
    accepted: dict[str, list[str]] = field(default_factory=dict)
    # (field, column used, column ignored) where two columns match one field
    doubles: list[tuple[str, int, int]] = field(default_factory=list)
    title_hit: bool = False  # the title rows or the file name name this report
    stacked: bool = False  # the header is this row and the one above it, joined

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def ignored(self) -> list[str]:
        """Header labels of columns the reader does not use."""
        used = set(self.columns.values())
        return [text for col, text in self.labels.items() if col not in used]

    def columns_to_load(self, most: int) -> list[int]:
        """The report's columns, then the other labelled ones from the left, ``most`` in all:
        the unused ones only tell a data row from a heading or a footer, and a header of
        thousands of labels must not load thousands of columns."""
        mine = sorted(set(self.columns.values()))
        others = [c for c in sorted(self.labels) if c not in set(mine)]
        return sorted(mine + others[: max(0, most - len(mine))])

    def score(self) -> tuple[int, int, bool]:
        """(required columns found, columns found, named in the title): larger is better."""
        return (len(self.report.required) - len(self.missing), len(self.columns), self.title_hit)

    def missing_columns(self) -> str:
        """``column 'Paid Loss' (accepted: Paid Loss, Loss Paid, ...)``, or ``columns ... and
        ...``."""
        parts = [
            f"'{c.canonical}' (accepted: {', '.join(self.accepted.get(c.field, [c.canonical]))})"
            for c in self.missing
        ]
        return f"{'column' if len(parts) == 1 else 'columns'} {' and '.join(parts)}"

    def mapping_advice(self, most_listed: int = 30) -> str:
        """The file's own column names, and for each missing column the mapping to add on Settings
        (the closest unused name of the file, when one is close), so the owner can map it himself."""
        names = list(self.labels.values())
        listed = ", ".join(f"'{n}'" for n in names[:most_listed]) + (
            f" and {len(names) - most_listed} more" if len(names) > most_listed else "")
        unused = self.ignored
        advice = []
        for c in self.missing:
            close = difflib.get_close_matches(c.canonical.lower(), [u.lower() for u in unused], 1, 0.5)
            theirs = next((u for u in unused if close and u.lower() == close[0]), None)
            advice.append(
                f"Report '{self.report.title}', your column '{theirs or '<its name in this file>'}', "
                f"canonical column '{c.canonical}'")
        wanted = " or ".join(f"'{c.canonical}'" for c in self.missing)
        if not unused:
            return (f"its columns are {listed}, each read as another column: add {wanted} to the export "
                    "in your AMS")
        return (f"its columns are {listed}. If one of them is {wanted} under another name, add on "
                f"Settings (Your column names): " + "; ".join(advice))

    def missing_message(self, sheet: str | None) -> str:
        """``missing required column 'Paid Loss' (accepted: ...) in sheet 'Sheet1', header row
        5``."""
        where = f"sheet '{sheet}', header row {self.row}" if sheet else f"header row {self.row}"
        return f"missing required {self.missing_columns()} in {where}"


def _prepare(cells: Sequence[Any]) -> list[tuple[int, str, str]]:
    """(column, text, normalised text) of each non-blank cell of a row."""
    out = []
    for col, value in enumerate(cells):
        text = cell_text(value)
        if text:
            out.append((col, text, normalise_label(text)))
    return out


def match_row(row: int, cells: Sequence[Any], table: AliasTable) -> HeaderMatch:
    """Match one row's cells against one report's labels."""
    return _match(row, _prepare(cells), table)


def _match(row: int, prepared: list[tuple[int, str, str]], table: AliasTable) -> HeaderMatch:
    labels: dict[int, str] = {}
    hits: dict[str, list[tuple[int, int]]] = {}  # field -> [(priority, column)]
    for col, text, norm in prepared:
        labels[col] = text
        hit = table.labels.get(norm)
        if hit is not None:
            hits.setdefault(hit[0], []).append((hit[1], col))
    columns: dict[str, int] = {}
    doubles: list[tuple[str, int, int]] = []
    for fld, found in hits.items():
        found.sort()  # the closest name, then the leftmost column
        columns[fld] = found[0][1]
        doubles.extend((fld, found[0][1], col) for _, col in found[1:])
    missing = [c for c in table.report.required if c.field not in columns]
    return HeaderMatch(table.report, row, columns, labels, missing, table.accepted, doubles)


def _title_names(report: Report, title: str) -> bool:
    return any(word in title for word in report.title_words)


def _stacked(upper: Sequence[Any], lower: Sequence[Any]) -> list[str]:
    """Two header rows read as one: each column's two labels joined ("Policy" + "Number")."""
    width = max(len(upper), len(lower))
    out = []
    for i in range(width):
        parts = [cell_text(r[i]) if i < len(r) else "" for r in (upper, lower)]
        out.append(" ".join(p for p in parts if p))
    return out


def find_header(
    rows: Sequence[tuple[int, Sequence[Any]]], tables: Sequence[AliasTable], name: str = ""
) -> tuple[HeaderMatch | None, HeaderMatch | None]:
    """The recognised header among ``rows`` ((row number, cells) pairs), and the closest miss.

    Returns ``(match, closest)``: ``match`` has every required column of its report (None when
    no row qualifies); ``closest`` is the best incomplete candidate, for the skip message.
    ``name`` (the file name) and the rows above a candidate are its title, which breaks ties.
    """
    best: HeaderMatch | None = None
    closest: HeaderMatch | None = None
    searched = list(rows[:HEADER_SEARCH_ROWS])
    title = name.lower().replace("_", " ")
    previous: tuple[int, Sequence[Any]] | None = None
    for row, cells in searched:
        candidates = [(_prepare(cells), False)]
        if previous is not None and previous[0] == row - 1:
            candidates.append((_prepare(_stacked(previous[1], cells)), True))
        for prepared, stacked in candidates:
            if not any(norm in t.labels for t in tables for _, _, norm in prepared):
                continue  # a title or data row: no cell is a column name of any report
            for table in tables:
                m = _match(row, prepared, table)
                if not m.columns:
                    continue
                m.stacked = stacked
                m.title_hit = _title_names(table.report, title)
                if m.complete:
                    if best is None or _better(m, best):
                        best = m
                elif closest is None or m.score() > closest.score():
                    closest = m
        title += " " + " ".join(cell_text(c) for c in cells).lower()
        previous = (row, cells)
    return best, closest


def _better(m: HeaderMatch, best: HeaderMatch) -> bool:
    """Of two complete headers: more columns found, then named in the title; otherwise the first
    found (the earlier row, a single row before the same row stacked, the report listed first)."""
    return (len(m.columns), m.title_hit) > (len(best.columns), best.title_hit)


def alias_tables(mappings: Mappings | None = None) -> list[AliasTable]:
    return [AliasTable.build(r, mappings) for r in REPORTS.values()]


# "Run Date: 10/31/2025", "As of October 31, 2025", "Report Date" with the date in the next cell.
_DATE_LINE = re.compile(
    r"\b(run\s+date|report\s+date|statement\s+date|as\s+of)\b\s*[:\-]?\s*(.*)$", re.IGNORECASE
)


def report_date_from_titles(rows: Sequence[tuple[int, Sequence[Any]]]) -> dt.date | None:
    """The date on a "Run Date" / "Report Date" / "Statement Date" / "As of" line among the title
    rows, if any."""
    for _, cells in rows:
        values = [v for v in cells if cell_text(v)]
        for i, value in enumerate(values):
            if not isinstance(value, str):
                continue
            m = _DATE_LINE.search(value)
            if not m:
                continue
            found = last_date_in_text(m.group(2)) if m.group(2).strip() else None
            if found is None and i + 1 < len(values):
                found = _date_from_cell(values[i + 1])
            if found is not None:
                return found
    return None


def _date_from_cell(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return excel_serial_to_date(float(value))
    return last_date_in_text(str(value))
