"""Backtest speed (issue 13.5): what a backtest prepares once and cuts at each month-end gives
what the plain functions give on the exports cut by hand, on small hand-built tables: a log cut by
its prepared dates, the commission statements through a day, the households in force, the
renewals counted per month without dating them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from agency_xl.models import cash_flow as cash
from agency_xl.models import households as hh
from agency_xl.models import seasonality as seas
from agency_xl.models.cutoff import LogHistory
from agency_xl.models.periods import window

ts = pd.Timestamp


# --- a log cut by its dates ---------------------------------------------------------------------------

LOG = pd.DataFrame({
    "event": list("abcdefg"),
    "when": [ts("2025-01-05"), ts("2025-01-31 16:30"), ts("2025-02-01"), ts("2025-02-01"),
             ts("2025-03-15"), ts("2025-04-30"), ts("2025-06-01")],
})
DAYS = [dt.date(2024, 12, 31), dt.date(2025, 1, 31), dt.date(2025, 2, 1), dt.date(2025, 4, 30),
        dt.date(2025, 12, 31)]


def known_by_hand(log: pd.DataFrame, day: dt.date) -> list[str]:
    """The events dated on or before ``day``, whatever their time of day; undated ones unknown."""
    return [e for e, w in zip(log["event"], log["when"]) if not pd.isna(w) and w.date() <= day]


@pytest.mark.parametrize("shape", ["in date order", "shuffled", "with an undated row"])
def test_a_log_cut_by_its_prepared_dates_holds_the_rows_dated_through_the_day(shape):
    log = LOG.copy()
    if shape == "shuffled":
        log = log.sample(frac=1.0, random_state=3)
    if shape == "with an undated row":
        log.loc[2, "when"] = pd.NaT
    history = LogHistory(log, log["when"])
    assert history.in_order == (shape == "in date order")
    for day in DAYS:
        cut = history.through(day)
        assert list(cut["event"]) == known_by_hand(log, day), day  # the log's own order kept
        assert list(cut.index) == [i for i, e in zip(log.index, log["event"]) if e in set(cut["event"])]


# --- the commission statements through a day -----------------------------------------------------------

def _row(kind: str, policy: str, effective: str, statement: str, amount: float) -> dict:
    return {"statement_date": ts(statement), "policy_number": policy, "product": "Auto",
            "transaction_type": kind, "transaction_effective_date": ts(effective), "commission_amount": amount}


STATEMENTS = pd.DataFrame([
    _row("New Business", "P1", "2024-01-10", "2024-02-15", 100.0),  # lag 36 days
    _row("New Business", " P2", "2024-03-01", "2024-04-15", 300.0),  # lag 45 days; the space trimmed
    _row("Renewal", "P3", "2024-06-01", "2024-07-15", 200.0),  # lag 44 days
    _row("Chargeback", "P1", "2024-05-01", "2024-06-15", -80.0),  # P1's sale charged back
    _row("Endorsement", "P3", "2024-08-20", "2024-09-15", 20.0),
    _row("Chargeback", "P2", "2024-10-01", "2024-11-15", -60.0),  # P2's sale charged back
    _row("New Business", "P4", "2025-01-05", "2025-02-15", 500.0),  # lag 41 days
])


def _same(a: object, b: object) -> bool:
    """Two measures field by field, NaN equal to NaN."""
    pairs = zip(dataclasses.astuple(a), dataclasses.astuple(b))
    return all(x == y or (isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y))
               for x, y in pairs)


def _cut_by_hand(statements: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    return statements[[d.date() <= day for d in statements["statement_date"]]]


@pytest.mark.parametrize("order", ["as listed", "shuffled"])
@pytest.mark.parametrize("day", [dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 11, 30),
                                 dt.date(2025, 2, 28)])
def test_the_statements_through_a_day_measure_as_the_statements_cut_by_hand(order, day):
    c = STATEMENTS if order == "as listed" else STATEMENTS.sample(frac=1.0, random_state=1)
    prepared = cash.Statements.of(c).through(day)
    cut = _cut_by_hand(c, day)
    lags = cash.commission_lags(cut)
    want, got = cash.lag_summary(lags["lag_days"], lags["commission_amount"]), prepared.lag()
    assert (got.rows, got.lag_days, got.median_days) == (want.rows, want.lag_days, want.median_days)
    assert _same(prepared.baseline(day), cash.commission_baseline(cut, day))
    matured_by = window(day).last.date()
    assert _same(prepared.chargebacks(matured_by), cash.chargeback_rate(cut, matured_by))


def test_the_statements_through_a_day_by_hand():
    st = cash.Statements.of(STATEMENTS).through(dt.date(2024, 11, 30))
    # Lags of P1, P2 and P3 (P4 not yet on a statement), weighted by their commission.
    assert st.lag().lag_days == pytest.approx((36 * 100 + 45 * 300 + 44 * 200) / 600)
    # Both sales charged back within 12 months: 80 of 100 and 60 of 300; none matured by Nov 2024
    # (a sale needs its 12 months), so both are measured, said so.
    cb = st.chargebacks(dt.date(2024, 11, 30))
    assert not cb.mature and cb.rate == pytest.approx(140 / 400) and cb.policies_charged_back == 2
    assert cb.delay_days == pytest.approx(((ts("2024-06-15") - ts("2024-01-10")).days * 80
                                           + (ts("2024-11-15") - ts("2024-03-01")).days * 60) / 140)
    # Dec 2023 - Nov 2024: statements in Feb, Apr, Jul, Sep (and the chargebacks' Jun, Nov).
    base = st.baseline(dt.date(2024, 11, 30))
    assert base.months == 6 and base.monthly_commission == pytest.approx((100 + 300 + 200 + 20) / 6)
    assert base.monthly_reversals == pytest.approx(140 / 6)


# --- the households in force --------------------------------------------------------------------------------

def test_households_in_force_by_hand():
    book = pd.DataFrame({
        "policy_number": ["A1", "A2", "B1", "C1", "D1", "E1"],
        "household_id": ["H1", "H1", "H2", "H10", "H3", None],
        "product": ["Auto", "Home", "Auto", "Auto", "Home", "Auto"],
        "status": ["Cancelled", "In Force", "Expired", "In Force", "In Force", "In Force"],
        "original_effective_date": [ts("2015-03-01"), ts("2020-06-01"), ts("2012-01-01"), ts("2024-02-01"),
                                    ts("2019-09-09"), ts("2021-01-01")],
        "annual_premium": [900.0, 1200.0, 800.0, 700.0, 1500.0, 600.0],
    })
    got = hh.households_in_force(book)
    # H2 has nothing in force; the policy without a household is nobody's. Ids sorted as text; H1's
    # first date is its cancelled policy's, the earliest of all its policies.
    assert list(got.index) == ["H1", "H10", "H3"]
    assert list(got) == [ts("2015-03-01"), ts("2024-02-01"), ts("2019-09-09")]
    table = hh.household_table(book, dt.date(2025, 10, 31))  # the one rule: the same households
    assert list(table["household_id"]) == list(got.index) and list(table["first_date"]) == list(got)


# --- renewals counted per month -------------------------------------------------------------------------------

def test_renewals_per_month_by_hand():
    book = pd.DataFrame({
        "policy_number": ["A", "B", "C", "D", "E", "F"],
        "product": ["Auto", "Auto", "Home", "Home", "Life", "Auto"],
        "status": ["In Force", "In Force", "In Force", "In Force", "In Force", "Cancelled"],
        "original_effective_date": [ts("2020-12-15"), ts("2022-08-10"), ts("2025-03-01"), ts("2023-01-20"),
                                    ts("2020-05-05"), ts("2024-11-11")],
        "effective_date": [ts("2024-12-15"), ts("2025-08-10"), ts("2025-03-01"), ts("2023-01-20"),
                           ts("2025-05-05"), ts("2024-11-11")],
        "expiration_date": [ts("2025-12-15"), ts("2026-02-10"), pd.NaT, ts("2024-01-20"),
                            ts("2026-05-05"), ts("2025-11-11")],
        "annual_premium": [1000.0, 800.0, 1500.0, 1300.0, 400.0, 900.0],
    })
    got = seas.renewals_per_month(book, dt.date(2025, 10, 31))
    # A renews in Dec 2025; B (6 months) in Feb and Aug 2026; C (no expiration: effective + 12
    # months) in Mar 2026; D's stale expiration rolls forward by years to Jan 2026; E is Life, F
    # was cancelled.
    want = dict.fromkeys(pd.period_range("2025-11", "2026-10", freq="M"), 0)
    want.update({pd.Period(m, "M"): 1 for m in ("2025-12", "2026-01", "2026-02", "2026-03", "2026-08")})
    assert got.to_dict() == want
    assert list(seas.renewals_by_month(book, dt.date(2025, 10, 31))["renewals"]) == list(got)
    assert list(seas.renewals_per_month(book.iloc[0:0], dt.date(2025, 10, 31))) == [0] * 12


# --- dates already parsed ---------------------------------------------------------------------------------------

def test_dates_already_parsed_count_as_the_same_dates_as_text():
    text = ["2024-01-15", "2024-01-31", None, "2024-03-02", "2025-02-01"]
    parsed = pd.to_datetime(pd.Series(text)).to_numpy()
    w = window(dt.date(2025, 1, 31))  # Feb 2024 - Jan 2025
    assert list(w.contains(parsed)) == list(w.contains(pd.Series(text))) == [False, False, False, True, False]
    pd.testing.assert_frame_equal(seas.monthly_history(parsed, through=dt.date(2025, 1, 31)),
                                  seas.monthly_history(np.array(text, dtype=object), through=dt.date(2025, 1, 31)))
