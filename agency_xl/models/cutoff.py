"""The exports as they stood on an earlier day: what a forecast made that day could have known.

A backtest reruns a forecast as of a past month-end using only what was known then. Most exports
are logs, one row per event with its date, so the past is their rows dated on or before the day
(``rows_through``). Three hold a status that changed later, rebuilt here from their dates:

- the book of business is a snapshot of today: ``book_as_of`` rebuilds what was on the books at
  the end of the day from each policy's original effective, cancel and expiration dates (the rule
  of ``households.on_books``). A lapsed policy without its end date makes that impossible
  (``book_rebuild_note`` says so and names the column to add);
- a referral or a lead sold after the day was still open on it (``log_as_of``). A lost one keeps
  its status: the logs give no date for a loss, so a loss after the day is counted as known on it
  (it lowers the conversion the forecast uses a little earlier than the owner saw it);
- claims develop (paid, reserve): their amounts can only be those of the export.

Cut-off days are whole days: a row dated on the day counts, whatever its time of day. A monthly
report (growth & retention) is cut by its month's first day, so cut it at a month-end.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import numpy as np
import pandas as pd

from agency_xl.models.households import (
    IN_FORCE,
    ends_unknown,
    policy_end_dates,
    unknown_end_note,
    unknown_on,
)
from agency_xl.models.seasonality import add_months, policy_terms

ON_THE_BOOKS = ("In Force", "Cancelled", "Expired")  # statuses of policies that were written
OPEN = "Quoted"  # what a referral or lead sold after the day was on it


def _end_of(day: dt.date) -> pd.Timestamp:
    """The first moment after ``day``."""
    return pd.Timestamp(day).normalize() + pd.Timedelta(days=1)


def rows_through(table: pd.DataFrame, column: str, day: dt.date) -> pd.DataFrame:
    """The rows of ``table`` whose ``column`` date is on or before ``day`` (a row without a date
    is left out: nothing says it was known then)."""
    return LogHistory(table, table[column]).through(day)


class LogHistory:
    """A log (one row per event, known by its date) ready to be cut at any earlier day
    (``through``): its dates are read once, for a backtest that cuts it at month-end after
    month-end. ``dates``: the date each row is known by, one per row of ``table``."""

    def __init__(self, table: pd.DataFrame, dates: pd.Series | np.ndarray) -> None:
        self.table = table
        self.dates = pd.to_datetime(pd.Series(np.asarray(dates))).to_numpy("datetime64[ns]")
        # Most logs come in date order: then the rows through a day are the first k, found by a
        # binary search and taken as a slice instead of row by row.
        self.in_order = (not np.isnat(self.dates).any()
                         and bool((self.dates[1:] >= self.dates[:-1]).all()))

    def through(self, day: dt.date) -> pd.DataFrame:
        """``rows_through``: the rows dated on or before ``day``, in the log's order."""
        end = _end_of(day).to_datetime64()
        if self.in_order:
            return self.table.iloc[:int(np.searchsorted(self.dates, end, side="left"))]
        return self.table[self.dates < end]  # NaT compares False


def book_rebuild_note(policies: pd.DataFrame, day: dt.date, ends: pd.Series | None = None) -> str:
    """"" when the book can be rebuilt as of ``day``; otherwise why not: a policy written by then
    has lapsed since at a date the export does not give, so whether it was on the books is unknown
    ("not measurable from this export (add Cancel Date)"). ``ends``: the book's
    ``households.policy_end_dates`` when at hand already."""
    return unknown_end_note(policies) if bool(unknown_on(policies, day, ends).any()) else ""


class BookHistory:
    """A book of business ready to be rebuilt as of any earlier day (``as_of``): what does not
    depend on the day (each policy's start, end, term and expiration, as arrays) is worked out
    once, for a backtest that rebuilds the book at month-end after month-end."""

    def __init__(self, policies: pd.DataFrame, default_term_months: int = 12) -> None:
        self.policies = policies
        ends = policy_end_dates(policies)
        self.ends = ends.to_numpy("datetime64[ns]")
        self.unknown = ends_unknown(policies, ends).to_numpy(bool)
        self.start = pd.to_datetime(policies["original_effective_date"]).to_numpy("datetime64[ns]")
        self.written = policies["status"].isin(ON_THE_BOOKS).fillna(False).to_numpy(bool)
        self.term = policy_terms(policies, default_term_months)
        effective = pd.to_datetime(policies["effective_date"])
        expiration = pd.to_datetime(policies["expiration_date"])
        # Without an expiration date, the effective (else original effective) date plus one term.
        expiration = expiration.fillna(add_months(effective, self.term)).fillna(
            add_months(policies["original_effective_date"], self.term))
        self.effective = effective.to_numpy("datetime64[ns]")
        self.expiration = expiration.to_numpy("datetime64[ns]")
        self.expiration_month = self.expiration.astype("datetime64[M]").astype("int64")
        self.status = policies["status"].to_numpy(object)

    def note(self, day: dt.date) -> str:
        """``book_rebuild_note`` of the book for ``day``."""
        # unknown_on's rule, on the arrays
        return self._unknown_note if (self.unknown & (self.start <= _day(day))).any() else ""

    @cached_property
    def _unknown_note(self) -> str:
        return unknown_end_note(self.policies)

    def as_of(self, day: dt.date) -> pd.DataFrame:
        """``book_as_of`` of the book for ``day``."""
        note = self.note(day)
        if note:
            raise ValueError(f"the book of business cannot be rebuilt as of {day:%Y-%m-%d}: {note}")
        t = _day(day)
        started = self.start <= t  # NaT: False
        written = self.written & started
        on_day = started & (self.ends > t) & written  # on_books' rule, on the arrays
        book = self.policies[written]
        if not on_day.any():
            return book
        on = on_day[written]
        term, exp, eff = self.term[on_day], self.expiration[on_day], self.effective[on_day]
        # Whole terms between day and the expiration: k0 = months ahead // term. Moving back k0
        # terms lands in day's month or later; in day's own month on or before day, one term less.
        month = t.astype("datetime64[M]").astype("int64")
        ahead = np.where(np.isnat(exp), 0, self.expiration_month[on_day] - month)
        k = np.maximum(ahead // term, 0)
        back = add_months(exp, -k * term).to_numpy("datetime64[ns]")
        k = np.where((back <= t) & (k > 0), k - 1, k)

        def replaced(values: np.ndarray, new: np.ndarray | np.datetime64) -> np.ndarray:
            out = values[written]  # a copy
            out[on] = new
            return out

        status = replaced(self.status, IN_FORCE)
        return book.assign(
            status=pd.array(status, dtype=book["status"].dtype),
            effective_date=replaced(self.effective, add_months(eff, -k * term).to_numpy()),
            expiration_date=replaced(self.expiration_as_read, add_months(exp, -k * term).to_numpy()),
            cancel_date=replaced(self.cancel_as_read, np.datetime64("NaT", "ns")))

    # The export's own dates (blank where it has none), read when a book is first rebuilt.
    @cached_property
    def expiration_as_read(self) -> np.ndarray:
        return pd.to_datetime(self.policies["expiration_date"]).to_numpy("datetime64[ns]")

    @cached_property
    def cancel_as_read(self) -> np.ndarray:
        return pd.to_datetime(self.policies["cancel_date"]).to_numpy("datetime64[ns]")


def _day(day: dt.date) -> np.datetime64:
    return pd.Timestamp(day).to_datetime64().astype("datetime64[ns]")


def book_as_of(policies: pd.DataFrame, day: dt.date, default_term_months: int = 12) -> pd.DataFrame:
    """The book of business as it stood at the end of ``day``, rebuilt from its dates.

    Kept: the policies written on or before ``day`` (original effective date; Pending ones were
    never written). A policy on the books then (``households.on_books``: started, not yet left)
    gets status In Force, no cancel date, and the term it was in: its effective and expiration
    dates (the expiration, when blank, is the effective or else the original effective date plus
    one term) moved back by whole terms (``seasonality.policy_terms``) to the term running on
    ``day``, so its next renewal is the one after ``day``. A policy that had left by then keeps
    its row. The same columns as ``policies``; annual premium stays the export's (a past term's
    premium is not in the book).

    Raises ValueError when a lapsed policy's end date is missing (``book_rebuild_note``).
    """
    return BookHistory(policies, default_term_months).as_of(day)


def log_as_of(log: pd.DataFrame, date_column: str, day: dt.date,
              cleared: tuple[str, ...] = ("household_id",)) -> pd.DataFrame:
    """A referral or lead log as it stood at the end of ``day``: its rows dated (``date_column``)
    on or before ``day``; a row sold after ``day`` (its sold date later) was still open then, so
    its status is Quoted and its sold date and the ``cleared`` columns (the new customer's
    household, the incentive paid on the sale) are blank."""
    return open_then(rows_through(log, date_column, day), day, cleared)


def open_then(rows: pd.DataFrame, day: dt.date, cleared: tuple[str, ...] = ("household_id",)) -> pd.DataFrame:
    """``log_as_of`` of the rows of a log dated on or before ``day``: a row sold after ``day`` is
    Quoted, its sold date and the ``cleared`` columns blank."""
    out = rows.copy()
    sold_later = ((out["status"] == "Sold") & (pd.to_datetime(out["sold_date"]) >= _end_of(day))).to_numpy(bool)
    if sold_later.any():
        out.loc[sold_later, "status"] = OPEN
        out.loc[sold_later, "sold_date"] = pd.NaT
        for column in cleared:
            if column in out:
                out.loc[sold_later, column] = np.nan
    return out

