"""What the reader hands on: one typed table per report, plus the Data Health record.

Tables use the snake_case field names of ``reports.py``; every column of the report is present
(missing optional columns are all-empty). Types: ids and text as ``str`` (object) with spaces
trimmed, money and numbers as float64, dates as ``datetime64[ns]`` at midnight, months as the
first day of the month, products as a canonical name from ``reports.PRODUCTS``, statuses as the
canonical status (``"In Force"``, ``"Cancelled"``, ...), yes/no as bool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from agency_xl.ams.reports import REPORTS


@dataclass
class Mappings:
    """The owner's own names, from the Settings sheet's mapping tables.

    ``columns``: (report key or "" for any report, the owner's column name) -> canonical column
    name, e.g. ("policies", "Pol Ref") -> "Policy Number". ``products``: the owner's product
    name -> canonical product, e.g. "Boat Owners" -> "Specialty". ``statuses``: (report key or
    "" for any report with that status, the owner's status) -> canonical status, e.g.
    ("policies", "Pending Cancel") -> "In Force".
    """

    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    products: dict[str, str] = field(default_factory=dict)
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class FileHealth:
    """What happened to one file of the exports folder."""

    path: str  # file name relative to the exports folder
    report: str | None = None  # report key when recognised
    sheet: str | None = None
    header_row: int | None = None  # 1-based row number of the header
    report_date: dt.date | None = None
    report_date_source: str | None = None  # "title row", "file name" or "modification time"
    rows_read: int = 0
    rows_rejected: int = 0
    rejected: str | None = None  # why the whole file/report was rejected
    skipped: str | None = None  # why the file was not used at all (not a report, lock file...)
    near_miss: bool = False  # skipped, but it looks like a report missing columns: a problem
    set_aside: str | None = None  # read, but not used (an older book of business)
    problems: list[str] = field(default_factory=list)  # row-level reasons with cell addresses
    columns_ignored: list[str] = field(default_factory=list)
    products_to_other: list[str] = field(default_factory=list)
    period: tuple[dt.date, dt.date] | None = None  # earliest and latest date in the file


class MissingReport(str):
    """The title of a report that was not read (``AmsData.missing``), knowing whether a file of it
    was there but rejected: the sheets then say to see Data Health, not to add the export."""

    rejected: bool = False

    def __new__(cls, title: str, rejected: bool = False) -> MissingReport:
        out = super().__new__(cls, title)
        out.rejected = rejected
        return out


@dataclass
class DataHealth:
    """Everything the owner should know about what was read."""

    folder: str = ""
    files: list[FileHealth] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # cross-file problems (conflicting duplicates, ...)
    # What is worth knowing but is no problem (identical rows counted once, sales taken from the
    # book, a date taken from a file's save time): Data Health lists it apart from the problems.
    info: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Readable strings, each naming the file (and sheet/cell where it applies)."""
        out: list[str] = []
        for f in self.files:
            if f.rejected:  # the reader's messages name the file already
                out.append(f.rejected if f.path in f.rejected else f"{f.path}: {f.rejected}")
            elif f.skipped and f.near_miss:
                out.append(f.skipped)
            out.extend(f.problems)
        out.extend(self.notes)
        return out

    def rows_rejected(self) -> dict[str, int]:
        counts = {key: 0 for key in REPORTS}
        for f in self.files:
            if f.report:
                counts[f.report] += f.rows_rejected
        return counts


@dataclass
class AmsData:
    """The exports folder read into tables. A report that is absent (or rejected) is ``None``."""

    policies: pd.DataFrame | None = None
    growth: pd.DataFrame | None = None
    claims: pd.DataFrame | None = None
    commissions: pd.DataFrame | None = None
    sales: pd.DataFrame | None = None  # derived from the book when no sales export exists
    leads: pd.DataFrame | None = None
    referrals: pd.DataFrame | None = None
    sales_derived: bool = False  # True when `sales` was built from the book of business
    as_of: dt.date = field(default_factory=dt.date.today)  # the book of business's report date
    health: DataHealth = field(default_factory=DataHealth)
    # report key -> (first, last) day its exports cover: the last day is the latest report date of
    # its files (the day the data was pulled). A report absent here covers up to ``as_of``.
    coverage: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)

    def table(self, report: str) -> pd.DataFrame | None:
        return getattr(self, report)

    def window_end(self, *reports: str) -> dt.date:
        """The last day the data of all ``reports`` reaches: the earliest of their coverage ends
        (``as_of`` for a report without one). A figure built from those reports ends its window
        there, so a claims export pulled before the book does not show its missing days as "no
        losses". With no reports named, ``as_of``."""
        ends = [self.coverage[r][1] if r in self.coverage else self.as_of for r in reports]
        return min(ends) if ends else self.as_of

    def missing(self, *reports: str) -> list[MissingReport]:
        """Titles of the reports among ``reports`` that were not read, for "add this export" notes;
        each says whether a file of it was rejected (``MissingReport.rejected``)."""
        return [MissingReport(REPORTS[r].title, self.rejected(r)) for r in reports if getattr(self, r) is None]

    def rejected(self, report: str) -> bool:
        """A file of ``report`` was in the folder but rejected (and none of it was read)."""
        return getattr(self, report) is None and any(f.report == report and f.rejected for f in self.health.files)

    def problems(self) -> list[str]:
        """Every problem, the most serious first: a missing (or rejected) book of business, which
        most sheets need, then each file's problems and the cross-file ones (``DataHealth.problems``)."""
        first = []
        if self.policies is None:
            title = REPORTS["policies"].title
            first.append(
                f"The {title} was rejected (see its file under Files): most sheets need it and stay empty. "
                "Fix the file or map its columns on Settings, then Refresh." if self.rejected("policies") else
                f"No {title} in the exports folder: most sheets need it and stay empty. Export it from your "
                "AMS into the exports folder, then Refresh.")
        return first + self.health.problems()
