"""Issue 9.1: the status decides what is in force today; one rule says when a policy left the
books; a lapsed policy without its end date has an UNKNOWN end - figures that need it say "not
measurable from this export (add Cancel Date)" and the LTVs fall back to the growth report's
retention, never to a perpetuity.

Done-test of the issue: `metrics` on a book without end-date columns gives the same in-force
figures on every sheet as on the same book with them.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agency_xl.ams import AmsData, read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.metrics import all_metrics
from agency_xl.models import households as hh

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
ts = pd.Timestamp


def _p(number: str, household: str, product: str, status: str, start: str, cancel: str | None = None,
       expire: str | None = None, premium: float = 1000.0) -> dict:
    return {"policy_number": number, "household_id": household, "product": product, "status": status,
            "original_effective_date": ts(start), "effective_date": pd.NaT,
            "expiration_date": ts(expire) if expire else pd.NaT, "cancel_date": ts(cancel) if cancel else pd.NaT,
            "annual_premium": premium}


def test_one_rule_for_when_a_policy_left_the_books():
    book = pd.DataFrame([
        _p("1", "A", "Auto", "In Force", "2020-01-01", cancel="2024-05-01"),  # the status wins: in force
        _p("2", "A", "Home", "Cancelled", "2020-01-01", cancel="2024-05-01", expire="2025-01-01"),
        _p("3", "B", "Auto", "Expired", "2021-01-01", cancel="2023-02-01", expire="2024-01-01"),
        _p("4", "B", "Home", "Cancelled", "2021-01-01"),  # cancelled, date not given
        _p("5", "C", "Auto", "Expired", "2022-01-01"),  # expired, date not given
        _p("6", "C", "Home", "Pending", "2025-10-01"),  # never on the books
    ])
    end = hh.policy_end_dates(book)
    assert end.iloc[0] == hh.FAR_FUTURE
    assert end.iloc[1] == ts("2024-05-01") and end.iloc[2] == ts("2024-01-01")
    assert pd.isna(end.iloc[3]) and pd.isna(end.iloc[4])  # unknown, not 2200-01-01
    assert end.iloc[5] == ts("2025-10-01")
    assert list(hh.ends_unknown(book)) == [False, False, False, True, True, False]
    assert list(hh.in_force(book)) == [True, False, False, False, False, False]
    day = dt.date(2023, 6, 1)
    assert list(hh.on_books(book, day)) == [True, True, True, False, False, False]
    assert list(hh.unknown_on(book, day)) == [False, False, False, True, True, False]
    assert hh.unknown_end_note(book) == "not measurable from this export (add Cancel Date and Expiration Date)"
    assert hh.unknown_end_note(book.iloc[[3]]) == "not measurable from this export (add Cancel Date)"


def test_household_retention_by_product_count_by_hand():
    # Window Nov 2024 - Oct 2025 (through 31 Oct 2025). On the books when it opens:
    # A: Auto+Home (2 products), keeps Auto -> kept. B: Auto only, cancelled in the window -> lost.
    # C: Auto only, cancelled before the window -> not in the cohort. D: Auto+Home+Umbrella, all kept.
    # E: Auto only since 2025-03 -> joined inside the window, not in the cohort.
    book = pd.DataFrame([
        _p("1", "A", "Auto", "In Force", "2020-01-01"),
        _p("2", "A", "Home", "Cancelled", "2020-01-01", cancel="2025-02-01"),
        _p("3", "B", "Auto", "Cancelled", "2020-01-01", cancel="2025-06-30"),
        _p("4", "C", "Auto", "Cancelled", "2020-01-01", cancel="2024-10-31"),
        _p("5", "D", "Auto", "In Force", "2019-01-01"), _p("6", "D", "Home", "In Force", "2019-01-01"),
        _p("7", "D", "Umbrella", "In Force", "2019-01-01"),
        _p("8", "E", "Auto", "In Force", "2025-03-01"),
    ])
    t = hh.retention_by_product_count(book, dt.date(2025, 10, 31)).set_index("products")
    assert t.loc["1", "households"] == 1 and t.loc["1", "retention"] == 0.0  # B
    assert t.loc["2", "households"] == 1 and t.loc["2", "retention"] == 1.0  # A keeps a policy
    assert t.loc["3+", "households"] == 1 and t.loc["3+", "retention"] == 1.0  # D
    assert t.loc["All", "households"] == 3 and t.loc["All", "retained"] == 2
    assert "not_measurable" not in t.attrs
    # B's cancel date lost: whether B was in the cohort, or left, is unknown.
    unknown = book.assign(cancel_date=book["cancel_date"].where(book["policy_number"] != "3"))
    u = hh.retention_by_product_count(unknown, dt.date(2025, 10, 31))
    assert u["retention"].isna().all() and u.attrs["not_measurable"].startswith("not measurable")


@pytest.fixture(scope="module")
def sample() -> AmsData:
    return read_exports(SAMPLE)


@pytest.fixture(scope="module")
def without_end_dates(sample) -> AmsData:
    """The same book as the reader hands it over when the export has neither Cancel Date nor
    Expiration Date (missing optional columns are all-empty)."""
    d = copy.deepcopy(sample)
    d.policies = d.policies.assign(cancel_date=pd.NaT, expiration_date=pd.NaT)
    return d


IN_FORCE_FIGURES = [
    ("policies_in_force",), ("households",), ("premium_in_force",), ("policies_in_force_by_product",),
    ("products_per_household",),
    ("profitability", "premium_in_force_bonus_lines"),
    ("rate_environment", "premium_in_force"), ("rate_environment", "households"),
    ("segments", "households"), ("segments", "households_by_tier"), ("segments", "avg_premium_by_tier"),
    ("cross_sell", "households"), ("cross_sell", "average_products"),
    ("cross_sell", "households_by_product_count"), ("cross_sell", "households_by_combination"),
    ("referral_growth", "referral_rate"),
]


def _get(metrics: dict, path: tuple[str, ...]):  # noqa: ANN202
    for key in path:
        metrics = metrics[key]
    return metrics


def test_in_force_figures_are_the_same_without_end_dates_on_every_sheet(sample, without_end_dates):
    full = all_metrics(sample, Assumptions())
    bare = all_metrics(without_end_dates, Assumptions())
    for path in IN_FORCE_FIGURES:
        assert _get(bare, path) == _get(full, path), path
    # ... and they are what the status says: counted here independently.
    inf = sample.policies[sample.policies["status"] == "In Force"]
    assert bare["households"] == inf["household_id"].nunique() == bare["segments"]["households"]
    assert bare["rate_environment"]["premium_in_force"] == pytest.approx(inf["annual_premium"].sum(), abs=0.01)


def test_figures_needing_end_dates_say_not_measurable_and_ltv_falls_back_to_the_growth_report(
        sample, without_end_dates):
    k = all_metrics(without_end_dates, Assumptions())
    note = "not measurable from this export (add Cancel Date and Expiration Date)"
    assert k["profitability"]["earned_premium_12m"] == note
    assert k["profitability"]["bonus_status"] == note and k["profitability"]["combined_ratio"] is None
    assert k["cross_sell"]["retention_lift_1_to_2"] == note
    assert set(k["segments"]["retention_by_product_count"].values()) == {note}
    # The growth report's retention over the same window, counted here: renewals retained / offered.
    g = sample.growth
    w = (g["month"] >= "2024-11-01") & (g["month"] <= "2025-10-01")
    growth_r = g.loc[w, "renewals_retained"].sum() / g.loc[w, "renewals_offered"].sum()
    used = k["segments"]["retention_used_in_ltv"]
    assert used == {"1": pytest.approx(growth_r), "2": pytest.approx(growth_r), "3+": pytest.approx(growth_r)}
    assert all(s.startswith("growth & retention report") for s in k["segments"]["retention_used_source"].values())
    # Never a perpetuity: the old code kept every lapsed policy on the books (100/100/100%).
    assert all(v < 1 for v in k["cross_sell"]["retention_by_product_count"].values())
    total = k["segments"]["total_ltv"]
    assert math.isfinite(total) and total < all_metrics(sample, Assumptions())["segments"]["total_ltv"] * 1.5
    assert k["cross_sell"]["best_window"].startswith("not measurable")


def test_without_end_dates_and_without_growth_report_the_settings_are_used_and_said(without_end_dates):
    d = copy.deepcopy(without_end_dates)
    d.growth = None
    k = all_metrics(d, Assumptions())["segments"]
    s = Assumptions().segments
    assert k["retention_used_in_ltv"] == {"1": s.retention_1_product, "2": s.retention_2_products,
                                          "3+": s.retention_3_products}
    assert set(k["retention_used_source"].values()) == {"Settings"}


def test_a_cancelled_policy_without_its_date_earns_nothing_known_not_forever():
    from agency_xl.models import profitability as m

    book = pd.DataFrame([_p("1", "A", "Auto", "In Force", "2020-01-01", premium=3650.0),
                         _p("2", "B", "Auto", "Cancelled", "2020-01-01", premium=3650.0)])
    ex = m.exposure_by_month(book, dt.date(2025, 10, 31))
    assert np.isnan(ex["earned_premium"]).all()  # the product's months: unknown, not 2 x 3650
    known = m.exposure_by_month(book.iloc[[0]], dt.date(2025, 10, 31))
    assert known["earned_premium"].sum() == pytest.approx(3650.0)
