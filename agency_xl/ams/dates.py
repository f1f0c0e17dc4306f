"""The dates of the exports: each file's report date, the as-of date, how far each report's data
reaches, the dates a row cannot have, and the warnings about dates that look wrong.

AMS_EXPORTS.md: a file's report date is the date on a "Run Date" / "Report Date" / "As of" /
"Statement Date" line in its title rows, else a date (YYYY-MM or YYYY-MM-DD) in its file name,
else its modification time. The as-of date of the dashboards is the book of business's report
date; each figure's window ends where its own export's data ends (``AmsData.coverage``).

Decisions the contract leaves open:
- A report date written as ``YYYY-MM`` in a file name means the last day of that month (the
  export of October is run at its end), so October's rows are not "in the future".
- A date in a title line that gives a period ("As of 10/01/2025 - 10/31/2025") is its end.
- A modification time is weak evidence: copying a folder gives every file today's time. It is
  used only where nothing better exists; it never decides the as-of date while any file states
  a date, and it is not compared with the other files' dates.
- The as-of date: the latest book's stated report date; with no book (or a book dated only by its
  modification time), the latest report date stated by any file, as long as it is not after
  today; else today. Never after today.
- An event (a loss, a statement, a sale, a lead ...) cannot be dated after the report that lists
  it: its file's report date, or today if that is earlier. Such a date is a bad value, reported by
  cell. Rows after the book's date but within their own file's date are real (a statement pulled
  later) and kept. With an as-of date given to ``read_exports`` (a test, a what-if), that date is
  the limit for every file instead.
- A later stage of a row (a lead or a referral sold, a claim reported: ``LATER_STAGE_DATES``) may
  be dated after its file's report date, up to the as-of date: a report's date often names the
  period its rows are listed by, not the day it was pulled (``referrals 2024-11.csv``, November's
  referrals, shows the one sold on December 2nd), so the same rows saved as one file or as one
  file per month give the same sales. Only a date after both its file's date and the as-of date
  (or after today) is a bad value.
- Policy term dates (effective, expiration, cancel, transaction effective) may lie ahead: a
  renewal or a cancellation is often dated weeks ahead; only more than two years after the as-of
  date is bad (a typo such as 2052).
- How far a file's data reaches (``covered_until``): its report date, when the file states it, it
  is not after today and not more than a month after the as-of date. Otherwise (a modification
  time, or a date that runs ahead of the book or of today) the file is trusted no further than its
  own last row or the as-of date, whichever is later: a file name saying 2026_03 does not stretch
  a window over months with no data. A report's coverage ends where its files' reach ends, at the
  latest.
- A warning names each report whose latest file states a date more than a month (31 days) from the
  as-of date, and every file whose stated date lies after today. No file is left out for its
  date alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from agency_xl.ams.data import FileHealth
from agency_xl.ams.header import report_date_from_titles
from agency_xl.ams.reports import Report
from agency_xl.ams.rows import FileTable, Problem

MODIFICATION_TIME = "modification time"
DISAGREE_DAYS = 31  # "more than a month"
TERM_DATE_HORIZON = dt.timedelta(days=730)
# The date a row is listed by in its report: not after its file's report date.
EVENT_DATES = {
    ("claims", "loss_date"),
    ("commissions", "statement_date"),
    ("sales", "issue_date"),
    ("leads", "lead_date"),
    ("referrals", "referral_date"),
    ("growth", "month"),
}
# What happened to a row later: not after its file's report date or the as-of date, the later.
LATER_STAGE_DATES = {
    ("claims", "reported_date"),
    ("leads", "sold_date"),
    ("referrals", "sold_date"),
}
_NAME_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[-_.](0[1-9]|1[0-2])(?:[-_.](0[1-9]|[12]\d|3[01]))?(?!\d)"
)


def today() -> dt.date:
    """Today's date (a function, so a test can fix it)."""
    return dt.date.today()


@dataclass
class DatedFile:
    """One file on its way to the tables, with what the date rules need."""

    health: FileHealth
    report: Report
    rows: FileTable
    modified: float  # modification time, seconds

    @property
    def stated(self) -> bool:
        """The file states its date (title row or file name), rather than its modification time."""
        return self.health.report_date_source not in (None, MODIFICATION_TIME)

    def rank(self) -> tuple:
        """Later files rank higher: a stated date before a modification time, then the later
        date, then the later modified, then the later name."""
        return (self.stated, self.health.report_date, self.modified, self.health.path)


def set_report_date(fh: FileHealth, path: Path, title_rows: list) -> None:
    found = report_date_from_titles(title_rows)
    if found:
        fh.report_date, fh.report_date_source = found, "title row"
        return
    found = date_from_file_name(path.name)
    if found:
        fh.report_date, fh.report_date_source = found, "file name"
        return
    fh.report_date = dt.date.fromtimestamp(path.stat().st_mtime)
    fh.report_date_source = MODIFICATION_TIME


def date_from_file_name(name: str) -> dt.date | None:
    """``2025-10-31 claims.xlsx`` -> 2025-10-31; ``2025-10_Claims.xlsx`` -> 2025-10-31 (the
    month's end)."""
    m = _NAME_DATE.search(name)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    day = int(m.group(3)) if m.group(3) else calendar.monthrange(year, month)[1]
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def as_of_date(files: list[DatedFile], books: list[DatedFile]) -> dt.date:
    """The as-of date (see the module docstring); ``books``: the book files in use."""
    now = today()
    stated_books = [f.health.report_date for f in books if f.stated]
    if stated_books:
        return min(max(stated_books), now)
    stated = [f.health.report_date for f in files if f.stated and f.health.report_date <= now]
    if stated:
        return max(stated)
    dates = [f.health.report_date for f in files if f.health.report_date]
    return min(max(dates), now) if dates else now


def _file_date(f: DatedFile) -> dt.date:
    return min(f.health.report_date, today())


def check_dates(f: DatedFile, as_of: dt.date, fixed: bool) -> None:
    """Dates a row cannot have (see the module docstring) become bad values. ``fixed``: the
    as-of date was given to ``read_exports``."""
    t = f.rows.table
    report = f.report
    event_day = as_of if fixed else _file_date(f)
    # as_of is never after today unless fixed, so the later of the two is never after today.
    later_day = max(event_day, as_of)
    limit_event = pd.Timestamp(event_day)
    limit_term = pd.Timestamp(as_of + TERM_DATE_HORIZON)
    drop = np.zeros(len(t), dtype=bool)
    for fld in list(t.columns):
        if fld == "_row" or report.column(fld).kind not in ("date", "month"):
            continue
        col = report.column(fld)
        event = (report.key, fld) in EVENT_DATES
        later = (report.key, fld) in LATER_STAGE_DATES
        limit = limit_event if event else pd.Timestamp(later_day) if later else limit_term
        if col.kind == "month":
            limit = limit_event.to_period("M").to_timestamp()
        late = (t[fld] > limit).fillna(False).to_numpy()
        if not late.any():
            continue
        if not (event or later):
            why = f"is more than two years after the as-of date {as_of:%Y-%m-%d}"
        elif fixed or (later and later_day == as_of):
            why = f"is after the as-of date {as_of:%Y-%m-%d}"
        else:
            why = f"is after its file's report date {event_day:%Y-%m-%d}"
        suffix = "" if col.required else f" ({col.canonical} left blank)"
        for row, value in zip(t["_row"][late], t[fld][late]):
            f.rows.problems.append(
                Problem(int(row), f.rows.columns[fld], f"{value:%Y-%m-%d} {why}{suffix}")
            )
        if col.required:
            drop |= late
        else:
            t.loc[late, fld] = pd.NaT
    if drop.any():
        f.rows.table = t[~drop].reset_index(drop=True)
        f.rows.bad_rows += int(drop.sum())


def _trusted(f: DatedFile, as_of: dt.date) -> bool:
    day = f.health.report_date
    return f.stated and day <= today() and (day - as_of).days <= DISAGREE_DAYS


def covered_until(f: DatedFile, as_of: dt.date) -> dt.date:
    """The last day ``f``'s data reaches (see the module docstring)."""
    day = _file_date(f)
    if _trusted(f, as_of):
        return day
    last = f.health.period[1] if f.health.period else None
    reach = min(day, as_of)
    return max(last, reach) if last else reach


def coverage(files: list[DatedFile], as_of: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """Report key -> (first, last) day its files in use cover."""
    out: dict[str, tuple[dt.date, dt.date]] = {}
    for f in files:
        key = f.report.key
        end = covered_until(f, as_of)
        start = f.health.period[0] if f.health.period else end
        if key in out:
            start, end = min(start, out[key][0]), max(end, out[key][1])
        out[key] = (min(start, end), end)
    return out


def date_warnings(files: list[DatedFile], as_of: dt.date, book_dated: bool) -> list[str]:
    """Notes naming the files whose dates look wrong (see the module docstring)."""
    now = today()
    against = "the book of business's report date" if book_dated else "the as-of date"
    notes = []
    latest: dict[str, DatedFile] = {}
    for f in files:
        if f.stated and (f.report.key not in latest or f.rank() > latest[f.report.key].rank()):
            latest[f.report.key] = f
    for f in sorted(files, key=lambda f: f.health.path.lower()):
        if not f.stated:
            continue
        fh = f.health
        source = f"from its {fh.report_date_source}"
        if fh.report_date > now:
            notes.append(
                f"{fh.path}: report date {fh.report_date:%Y-%m-%d} ({source}) lies after today "
                f"({now:%Y-%m-%d}): check the date; the file is read, and its figures reach no "
                f"further than {covered_until(f, as_of):%Y-%m-%d}."
            )
            continue
        if latest.get(f.report.key) is not f:
            continue
        days = (fh.report_date - as_of).days
        if days > DISAGREE_DAYS:
            notes.append(
                f"{fh.path}: report date {fh.report_date:%Y-%m-%d} ({source}) is {days} days after "
                f"{against}, {as_of:%Y-%m-%d}: check the date; the file is read, and its figures "
                f"reach no further than {covered_until(f, as_of):%Y-%m-%d}."
            )
        elif days < -DISAGREE_DAYS:
            notes.append(
                f"{fh.path}: report date {fh.report_date:%Y-%m-%d} ({source}) is {-days} days "
                f"before {against}, {as_of:%Y-%m-%d}: the {f.report.title} figures end on "
                f"{covered_until(f, as_of):%Y-%m-%d}; export it again for the months since."
            )
    return notes


def save_time_notes(files: list[DatedFile]) -> list[str]:
    """One line per file dated by its save time (no date in its title rows or file name), saying so:
    copying or re-saving a file changes that time, so the owner should know where the date came from."""
    return [
        f"{f.health.path}: report date {f.health.report_date:%Y-%m-%d} taken from the file's save time "
        "(no date in its title rows or file name); copying or re-saving the file changes it. Put the "
        f"date in the file name (e.g. {f.health.report_date:%Y-%m-%d} {f.health.path}) to fix it."
        for f in sorted(files, key=lambda f: f.health.path.lower())
        if f.health.report_date_source == MODIFICATION_TIME and f.health.report_date
    ]
