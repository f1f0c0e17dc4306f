"""Issue 9.2: one meaning of "12 months" - the 12 complete calendar months before the as-of month
(the as-of month counts when the as-of date is its last day) - used by every model, trends of
complete months only, and every sheet stating its window.

Truth comes from the calendar (hand-written dates) and from independent pandas code written from
docs/models/profitability.md; the metamorphic check: a data date two days into the next month,
with no new data, moves no 12-month figure on any sheet.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from metric_compare import changed, flatten

from agency_xl.ams import AmsData, read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_model_sheets
from agency_xl.figures import compute_figures
from agency_xl.metrics import all_metrics
from agency_xl.models.periods import last_complete_month, window

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.mark.parametrize("through, first, last", [
    ("2025-11-02", "2024-11-01", "2025-10-31"),  # the example: not 337 days from 1 Nov 2024
    ("2025-10-31", "2024-11-01", "2025-10-31"),  # the last day of a month: that month counts
    ("2025-10-30", "2024-10-01", "2025-09-30"),
    ("2024-02-29", "2023-03-01", "2024-02-29"),  # leap day, the last of its month
    ("2024-02-28", "2023-02-01", "2024-01-31"),
    ("2026-01-01", "2025-01-01", "2025-12-31"),
])
def test_the_window_is_twelve_complete_calendar_months(through, first, last):
    w = window(dt.date.fromisoformat(through))
    assert (w.first, w.last) == (pd.Timestamp(first), pd.Timestamp(last))
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
    assert days in (365, 366)
    assert list(w.month_starts()) == list(pd.date_range(first, periods=12, freq="MS"))
    assert w.contains(pd.Series(pd.to_datetime([first, last]))).all()
    before, after = pd.Timestamp(first) - pd.Timedelta(days=1), pd.Timestamp(last) + pd.Timedelta(days=1)
    assert not w.contains(pd.Series([before, after, pd.NaT])).any()


def test_last_complete_month_and_the_window_before():
    assert str(last_complete_month(dt.date(2025, 12, 31))) == "2025-12"
    assert str(last_complete_month(dt.date(2025, 12, 30))) == "2025-11"
    w = window(dt.date(2025, 10, 31))
    assert w.label() == "Nov 2024 - Oct 2025" and w.before().label() == "Nov 2023 - Oct 2024"
    assert window(dt.date(2025, 10, 31), 1).label() == "Oct 2025"
    with pytest.raises(ValueError):
        window(dt.date(2025, 10, 31), 0)


@pytest.fixture(scope="module")
def sample() -> AmsData:
    return read_exports(SAMPLE)


def test_a_data_date_two_days_into_the_next_month_moves_no_twelve_month_figure(sample):
    on_31 = all_metrics(sample, Assumptions())
    later = copy.deepcopy(sample)
    later.as_of = dt.date(2025, 11, 2)
    on_2 = all_metrics(later, Assumptions())
    moved = set(changed(flatten(on_31), flatten(on_2)))
    # Only the date itself and the queue of open leads to call (their age counts from today) move.
    assert moved == {"as_of", "leads.open_leads"}


def test_the_trend_shows_complete_months_only(sample):
    later = copy.deepcopy(sample)
    later.as_of = dt.date(2025, 11, 2)
    sheets = {s.name: s for s in build_model_sheets(compute_figures(later, Assumptions()))}
    months = [r[0] for r in sheets["Profitability"].block("trend").rows]
    assert months[0] == dt.datetime(2024, 11, 1) and months[-1] == dt.datetime(2025, 10, 1)
    assert len(months) == 12  # no 2-day November at the end


def test_every_model_sheet_states_its_window(sample):
    for sheet in build_model_sheets(compute_figures(sample, Assumptions())):
        status = sheet.block("status").rows[0][0]
        assert "12 months = Nov 2024 - Oct 2025 (complete months)" in status, sheet.name


def _earned_by_walking_days(policies: pd.DataFrame, first: str, last: str) -> float:
    """docs/models/profitability.md: each day a policy is on the books it earns annual premium / 365;
    on the books from its original effective date to its cancel date (cancelled) or expiration date
    (expired); in force: still earning."""
    days, total = pd.date_range(first, last), 0.0
    for p in policies.itertuples():
        end = {"Cancelled": p.cancel_date, "Expired": p.expiration_date}.get(p.status, pd.NaT)
        if p.status not in ("In Force", "Cancelled", "Expired"):
            continue  # pending: not on the books
        on = (days >= p.original_effective_date) & (pd.isna(end) | (days < end))
        total += on.sum() * p.annual_premium / 365
    return total


def test_loss_ratio_over_the_window_matches_an_independent_count(sample):
    """Earned premium and losses of Nov 2024 - Oct 2025, lines in the bonus (all but Life),
    computed by walking the days and filtering the claims by hand."""
    later = copy.deepcopy(sample)
    later.as_of = dt.date(2025, 11, 2)
    k = all_metrics(later, Assumptions())["profitability"]
    pol = sample.policies[sample.policies["product"] != "Life"]
    earned = _earned_by_walking_days(pol, "2024-11-01", "2025-10-31")
    c = sample.claims
    in_window = (c["loss_date"] >= "2024-11-01") & (c["loss_date"] <= "2025-10-31") & (c["product"] != "Life")
    losses = float(c.loc[in_window, "incurred_loss"].sum())
    assert k["earned_premium_12m"] == pytest.approx(earned, rel=1e-9)
    assert k["incurred_losses_12m"] == pytest.approx(losses, abs=0.01)
    assert k["loss_ratio"] == pytest.approx(losses / earned, rel=1e-9)
