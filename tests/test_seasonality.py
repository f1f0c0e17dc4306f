"""The seasonality model: the plan's exact renewal-concentration points, the seasonal index against
hand arithmetic, its laws (mean 100, scale-free), the renewal calendar from a hand-made book, the
marketing rule, staffing, the sheet from hand-made and from missing data, and the worksheet
functions with good and bad arguments."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xlwings_harness as xh
from hypothesis import given, settings
from hypothesis import strategies as st

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.dashboards import seasonality as sheet_module
from agency_xl.dashboards.spec import Sheet
from agency_xl.excel.builder import build_workbook
from agency_xl.figures import seasonality as figures
from agency_xl.models import seasonality as m

AS_OF = dt.date(2025, 10, 31)
MODULE = xh.udf_module()
ts = pd.Timestamp


def sheet_of(data: AmsData, settings: Assumptions) -> tuple[Sheet, dict[str, Any]]:
    """The Seasonality sheet and the figures `agency-xl metrics` reports, from one computation."""
    fig = figures.compute(data, settings)
    return sheet_module.build(fig), fig.kpis()


# --- exact reference points ---------------------------------------------------------------------

@pytest.mark.parametrize("renewals, expected", [(325, 1.42), (145, 0.63)])
def test_renewal_concentration_reference_points(renewals, expected):
    assert round(m.renewal_concentration(renewals, 229), 2) == expected
    assert round(xh.call_like_excel(MODULE, "RENEWAL_CONCENTRATION", renewals, 229)[0][0], 2) == expected


def test_renewal_concentration_defaults_to_the_mean_and_is_nan_without_renewals():
    out = m.renewal_concentration([100, 300])
    assert out.tolist() == [0.5, 1.5]
    assert np.isnan(m.renewal_concentration(5, 0))


# --- seasonal index -----------------------------------------------------------------------------

def _sales_dates(counts: dict[tuple[int, int], int]) -> list[pd.Timestamp]:
    """One date per sale: ``counts[(year, month)]`` sales on the 10th of that month."""
    return [ts(y, mo, 10) for (y, mo), n in counts.items() for _ in range(n)]


def test_index_is_the_mean_of_each_years_ratio_to_its_own_monthly_mean():
    y1 = [20, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]  # mean 130/12
    y2 = [30, 30, 60, 30, 30, 30, 30, 30, 30, 30, 30, 30]  # mean 390/12
    counts = {(2023, i + 1): n for i, n in enumerate(y1)} | {(2024, i + 1): n for i, n in enumerate(y2)}
    s = m.seasonal_index(_sales_dates(counts))
    by_hand = [(100 * a / (130 / 12) + 100 * b / (390 / 12)) / 2 for a, b in zip(y1, y2)]
    assert s.index == pytest.approx(by_hand)
    assert s.years_used == ["2023", "2024"]
    assert s.by_year.loc["2023", "Jan"] == pytest.approx(100 * 20 / (130 / 12))
    assert s.peak_month == "Jan" and s.note.startswith("Average of 2 years")


def test_years_count_back_from_the_last_complete_month():
    # 24 months, Nov 2023 to Oct 2025, as an AMS export holds them: two 12-month years.
    months = pd.period_range("2023-11", "2025-10", freq="M")
    dates = [p.to_timestamp() + pd.Timedelta(days=3) for p in months for _ in range(5 + p.month)]
    s = m.seasonal_index(dates, through=AS_OF)
    assert s.years_used == ["Year to Oct 2024", "Year to Oct 2025"]
    assert s.months_of_history == 24
    assert s.index[0] == pytest.approx(100 * 6 / (sum(range(6, 18)) / 12))
    # The same history with years=1 uses only the latest year.
    assert m.seasonal_index(dates, through=AS_OF, years=1).years_used == ["Year to Oct 2025"]


def test_through_drops_later_sales_and_an_unfinished_month():
    dates = [ts(2024, mo, 5) for mo in range(1, 13)] + [ts(2025, 1, 5)] * 50
    assert m.seasonal_index(dates, through=dt.date(2024, 12, 31)).index == pytest.approx([100.0] * 12)
    mid = m.seasonal_index(dates, through=dt.date(2025, 1, 15))  # January 2025 not over yet
    assert mid.months_of_history == 12 and mid.index == pytest.approx([100.0] * 12)


def test_a_month_without_sales_inside_the_history_counts_zero():
    dates = [ts(2024, mo, 5) for mo in range(1, 13) if mo != 7]
    s = m.seasonal_index(dates)
    assert s.index[6] == 0 and s.index.mean() == pytest.approx(100)


def test_short_history_gives_no_index_and_says_why():
    s = m.seasonal_index([ts(2025, mo, 1) for mo in range(1, 8)])
    assert np.isnan(s.index).all() and "7 months" in s.note and s.peak_month is None
    one = m.seasonal_index([ts(2024, 6, 1) + pd.DateOffset(months=i) for i in range(18)])
    assert np.isfinite(one.index).all() and one.note.startswith("Less than two years")
    assert np.isnan(m.seasonal_index([]).index).all()


def test_values_weight_the_sales():
    dates = [ts(2024, mo, 5) for mo in range(1, 13)]
    premium = [200.0] + [100.0] * 11
    s = m.seasonal_index(dates, premium)
    assert s.index[0] == pytest.approx(100 * 200 / (1300 / 12))


monthly = st.lists(st.integers(0, 400), min_size=12, max_size=48).filter(lambda xs: sum(xs[-12:]) > 0)


def _dates_and_values(xs: list[int]) -> tuple[list[pd.Timestamp], np.ndarray]:
    first = ts(2021, 1, 1)
    dates = [first + pd.DateOffset(months=i) for i in range(len(xs))]
    return dates, np.asarray(xs, dtype=float)


@settings(max_examples=60, deadline=None)
@given(monthly)
def test_index_averages_100_over_the_12_months(xs):
    dates, values = _dates_and_values(xs)
    s = m.seasonal_index(dates, values)
    assert np.nanmean(s.index) == pytest.approx(100.0)
    for _, row in s.by_year.iterrows():
        assert row.mean() == pytest.approx(100.0)


@settings(max_examples=60, deadline=None)
@given(monthly, st.floats(0.001, 1e6))
def test_scaling_all_sales_leaves_the_index_unchanged(xs, c):
    dates, values = _dates_and_values(xs)
    assert m.seasonal_index(dates, values * c).index == pytest.approx(m.seasonal_index(dates, values).index)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2000), min_size=12, max_size=12).filter(lambda xs: sum(xs) > 0))
def test_concentration_ratios_average_1(renewals):
    assert np.mean(m.renewal_concentration(renewals)) == pytest.approx(1.0)


def test_cash_flow_seasonality_is_index_over_100_and_flat_without_sales():
    dates = [ts(2024, mo, 5) for mo in range(1, 13) for _ in range(mo)]
    sales = pd.DataFrame({"issue_date": dates, "premium": 1000.0})
    f = m.cash_flow_seasonality(sales, through=dt.date(2024, 12, 31))
    assert list(f.index) == list(range(1, 13))
    assert f[12] == pytest.approx(12 / 6.5) and f.mean() == pytest.approx(1.0)
    assert (m.cash_flow_seasonality(None) == 1.0).all()
    assert (m.cash_flow_seasonality(sales.head(3)) == 1.0).all()  # too short: flat, with a note
    assert "needs 12 months" in m.cash_flow_seasonality(sales.head(3)).attrs["note"]


# --- renewals -----------------------------------------------------------------------------------

def _book() -> pd.DataFrame:
    rows = [
        # policy, product, status, original effective, effective, expiration, premium
        ("A", "Auto", "In Force", "2020-03-10", "2025-09-10", "2026-03-10", 1200.0),  # 6-month term
        ("B", "Home", "In Force", "2019-07-05", "2025-07-05", "2026-07-05", 2400.0),
        ("C", "Auto", "In Force", "2024-01-31", None, None, 1000.0),  # no dates: original + 12 months
        ("D", "Life", "In Force", "2020-01-01", "2025-01-01", "2026-01-01", 500.0),  # excluded
        ("E", "Home", "Cancelled", "2020-01-01", "2025-01-01", "2026-01-01", 800.0),  # not in force
        ("F", "Auto", "In Force", "2023-08-31", "2025-02-28", "2025-08-31", 600.0),  # stale: rolled
        ("G", "Home", "In Force", "2021-12-15", "2024-12-15", None, 1500.0),  # effective + term
    ]
    t = pd.DataFrame(rows, columns=["policy_number", "product", "status", "original_effective_date",
                                    "effective_date", "expiration_date", "annual_premium"])
    for c in ("original_effective_date", "effective_date", "expiration_date"):
        t[c] = pd.to_datetime(t[c])
    t["household_id"] = "H" + t["policy_number"]
    t["cancel_date"] = pd.NaT
    return t


def test_upcoming_renewals_roll_expiration_dates_forward_by_the_term():
    ev = m.upcoming_renewals(_book(), AS_OF)
    got = sorted(zip(ev["policy_number"], ev["renewal_date"].dt.strftime("%Y-%m-%d")))
    assert got == sorted([
        ("A", "2026-03-10"), ("A", "2026-09-10"), ("B", "2026-07-05"), ("C", "2026-01-31"),
        ("F", "2026-02-28"), ("F", "2026-08-31"), ("G", "2025-12-15"),
    ])
    a = ev[ev["policy_number"] == "A"].iloc[0]
    assert a["term_months"] == 6 and a["term_premium"] == pytest.approx(600.0)


def test_renewals_by_month_covers_the_12_months_after_the_data_date():
    t = m.renewals_by_month(_book(), AS_OF)
    assert len(t) == 12 and t["month"].iloc[0] == ts("2025-11-01") and t["month"].iloc[-1] == ts("2026-10-01")
    assert t["renewals"].sum() == 7 and t["average"].iloc[0] == pytest.approx(7 / 12)
    assert t["concentration"].mean() == pytest.approx(1.0)
    assert t.set_index("month").loc[ts("2026-03-01"), "renewals"] == 1
    with_life = m.renewals_by_month(_book(), AS_OF, exclude_products=())
    assert with_life["renewals"].sum() == 8


def test_add_months_keeps_the_day_or_the_last_day_of_the_month():
    d = pd.Series(pd.to_datetime(["2024-01-31", None, "2023-08-31"]))
    out = m.add_months(d, [1, 3, 6])
    assert out.iloc[0] == ts("2024-02-29") and pd.isna(out.iloc[1]) and out.iloc[2] == ts("2024-02-29")


# --- marketing and staffing ---------------------------------------------------------------------

def test_marketing_rule_thresholds_are_inclusive():
    assert m.marketing_action([110, 109.9, 90, 90.1]).tolist() == [m.INCREASE, m.KEEP, m.REDUCE, m.KEEP]
    assert m.spend_change(120, increase=0.25, decrease=0.15) == 0.25
    assert m.spend_change(80, increase=0.25, decrease=0.15) == -0.15


def test_marketing_timing_effects_follow_the_index():
    index = [120.0, 80.0] + [100.0] * 10
    t = m.marketing_timing(index, monthly_budget=1000.0, average_roi=8.5)
    feb = t.iloc[1]
    assert t.iloc[0]["action"] == "Increase spend by 25%" and feb["action"] == "Reduce spend by 15%"
    assert t.iloc[0]["sales_effect"] == pytest.approx(0.25 * 1.2)
    assert feb["planned_spend"] == pytest.approx(850.0)
    assert feb["expected_roi"] == pytest.approx(9.5 * 0.8 - 1)
    e = m.marketing_plan_effect(t, 8.5)
    plan_sales = 1.25 * 1.2 + 0.85 * 0.8 + 10
    plan_spend = 1.25 + 0.85 + 10
    assert e.planned_spend == pytest.approx(1000 * plan_spend)
    assert e.sales_change == pytest.approx(plan_sales / 12 - 1)
    assert e.efficiency_change == pytest.approx((plan_sales / plan_spend) - 1)
    assert e.planned_roi == pytest.approx(9.5 * plan_sales / plan_spend - 1)


def test_a_flat_index_changes_nothing():
    t = m.marketing_timing([100.0] * 12)
    e = m.marketing_plan_effect(t, 8.5)
    assert (t["action"] == "Keep spend").all()
    assert e.spend_change == pytest.approx(0) and e.efficiency_change == pytest.approx(0)


def test_staff_needed_adds_renewal_and_sales_workloads():
    assert m.staff_needed(325, 30, 150, 30) == pytest.approx(325 / 150 + 1)
    renewals = pd.DataFrame({"month": pd.to_datetime(["2025-11-01", "2025-12-01"]), "renewals": [150, 300]})
    index = np.full(12, 100.0)
    index[10] = 150.0  # November
    t = m.staffing_plan(renewals, index, 20.0, 150.0, 30.0, 2.0)
    assert t["new_sales"].tolist() == pytest.approx([30.0, 20.0])
    assert t["staff_needed"].tolist() == pytest.approx([1 + 1, 2 + 20 / 30])
    assert t["gap"].tolist() == pytest.approx([0.0, 2 / 3])


# --- the sheet ----------------------------------------------------------------------------------

def hand_made_agency() -> AmsData:
    """24 months of sales with a spring peak and a renewal book, as the reader would hand them on."""
    weights = [8, 9, 14, 15, 13, 10, 6, 6, 9, 10, 9, 9]
    months = pd.period_range("2023-11", "2025-10", freq="M")
    dates = [p.to_timestamp() + pd.Timedelta(days=k % 27) for p in months for k in range(weights[p.month - 1])]
    sales = pd.DataFrame({
        "policy_number": [f"S{i}" for i in range(len(dates))], "household_id": "H",
        "product": "Auto", "issue_date": dates, "premium": 1000.0,
    })
    book = _book()
    return AmsData(policies=book, sales=sales, as_of=AS_OF)


def test_sheet_from_hand_made_data():
    data = hand_made_agency()
    s, k = sheet_of(data, Assumptions())
    s.validate()
    assert s.key == "seasonality" and len(s.name) <= 31
    expected = m.sales_index(data.sales, AS_OF, "policies", 3)
    block = s.block("index")
    assert block.columns[2:5] == ["(earlier year)", "Year to Oct 2024", "Year to Oct 2025"]
    assert [r[1] for r in block.rows] == pytest.approx(list(expected.index))
    assert k["peak_month"] == "Apr" and k["low_month"] in ("Jul", "Aug")
    assert k["seasonal_index"]["Apr"] == pytest.approx(expected.index[3], abs=0.01)
    ren = s.block("renewals")
    assert ren.heatmap_column == 3 and ren.columns[3] == "Concentration" and len(ren.rows) == 12
    assert k["renewals_next_12_months"] == 7
    assert k["renewal_concentration"]["2026-03"] == pytest.approx(round(1 / (7 / 12), 2))
    recs = {r["month"]: r["action"] for r in k["recommendations"]}
    assert recs["Apr"] == "Increase spend by 25%" and recs["Jul"] == "Reduce spend by 15%"
    staffing = s.block("staffing")
    assert len(staffing.rows) == 12 and staffing.rows[0][0] == "Nov 2025"
    assert "Data as of 2025-10-31" in s.block("status").rows[0][0]
    assert json.loads(json.dumps(k, allow_nan=False)) == k  # JSON-ready for `agency-xl metrics`


def test_settings_change_the_rule_and_the_measure():
    data = hand_made_agency()
    a = with_values({"seasonality.high_season_index": 160, "seasonality.low_season_decrease": 0.5,
                     "seasonality.sales_measure": "premium"})
    s, k = sheet_of(data, a)
    recs = {r["month"]: r["action"] for r in k["recommendations"]}
    assert "Apr" not in recs  # Apr is 15 / (118 / 12) x 100 = 152.5, under the new threshold
    assert recs["Jul"] == "Reduce spend by 50%"
    assert k["sales_measure"] == "premium"


@pytest.mark.parametrize("policies, sales, says", [
    (False, False, "Add the Book of business"),
    (True, False, "New business (sales) export"),
    (False, True, "Book of business (All Purpose Audit) export for the renewal calendar"),
])
def test_sheet_from_missing_data_says_which_export_to_add(policies, sales, says):
    full = hand_made_agency()
    data = AmsData(policies=full.policies if policies else None, sales=full.sales if sales else None,
                   as_of=AS_OF)
    s, _ = sheet_of(data, Assumptions())
    s.validate()
    assert says in s.block("status").rows[0][0]
    for b in s.blocks:
        assert b.n_rows >= len(b.rows)
    if not sales:
        assert s.block("index").rows == [] and s.block("marketing").rows == []
    if not policies:
        assert s.block("renewals").rows == [] and s.block("staffing").rows == []


def test_workbook_charts_name_year_lines_by_their_header_cells(tmp_path):
    s, _ = sheet_of(hand_made_agency(), Assumptions())
    path = build_workbook([s], tmp_path / "seasonality.xlsx")
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
    assert len(charts) == 4
    line = next(c for c in charts if "Seasonal sales pattern" in c)
    names = re.findall(r"<c:tx><c:strRef><c:f>([^<]+)</c:f>", line)
    assert "Seasonality!$E$6" in names  # the latest year's header cell


# --- worksheet functions ------------------------------------------------------------------------

def _column(values):
    return [[v] for v in values]


def test_seasonal_index_accepts_dates_serials_and_text_and_skips_blanks():
    firsts = [dt.datetime(2024, mo, 15) for mo in range(1, 13)]
    kinds = [firsts[0], 45338.0, "2024-03-15", "04/15/2024", "May 15, 2024"] + firsts[5:]
    values = [85, 90, 110, 120, 115, 105, 80, 75, 95, 100, 110, 115]
    out = xh.call_like_excel(MODULE, "SEASONAL_INDEX", _column(kinds + [None]), _column(values + [None]))
    assert out[0] == ["Month", "Seasonal index"]
    assert [r[0] for r in out[1:]] == list(m.MONTHS)
    assert [r[1] for r in out[1:]] == pytest.approx(values)
    counts = xh.call_like_excel(MODULE, "SEASONAL_INDEX", _column(firsts + [firsts[0]]), xh.MISSING)
    assert counts[1][1] == pytest.approx(200 / (13 / 12))


@pytest.mark.parametrize("dates, values, says", [
    (["2024-01-15", "soon"], None, "dates item 2 must be a date, not 'soon'"),
    ([True], None, "dates must be a date, not TRUE/FALSE"),
    ([-5.0], None, "not a date serial number"),
    (["2024-01-15", "2024-02-15"], [1.0], "values must be the same size as dates"),
    (["2024-01-15", "2024-02-15"], [1.0, "abc"], "values item 2"),
    (["2024-01-15", "2024-02-15"], None, "Only 2 months of sales history"),
    ([None, None], None, "dates has no dates"),
])
def test_seasonal_index_bad_arguments(dates, values, says):
    out = xh.call_like_excel(MODULE, "SEASONAL_INDEX", _column(dates),
                             _column(values) if values is not None else xh.MISSING)
    text = out[0][0]
    assert text.startswith("#VALUE! ") and says in text, text


def test_renewal_concentration_bad_arguments():
    assert "average_renewals is 0" in xh.call_like_excel(MODULE, "RENEWAL_CONCENTRATION", 325, 0)[0][0]
    assert "renewals_in_month must be" in xh.call_like_excel(MODULE, "RENEWAL_CONCENTRATION", "many", 229)[0][0]


def test_marketing_timing_and_staff_needed_functions():
    assert xh.call_like_excel(MODULE, "MARKETING_TIMING", 118, xh.MISSING, xh.MISSING, xh.MISSING,
                              xh.MISSING) == [["Increase spend by 25%"]]
    assert xh.call_like_excel(MODULE, "MARKETING_TIMING", 85, 120, 88, 0.3, 0.2) == [["Reduce spend by 20%"]]
    assert xh.call_like_excel(MODULE, "MARKETING_TIMING", 100, xh.MISSING, xh.MISSING, xh.MISSING,
                              xh.MISSING) == [["Keep spend"]]
    bad = xh.call_like_excel(MODULE, "MARKETING_TIMING", 100, 90, 110, xh.MISSING, xh.MISSING)[0][0]
    assert "low_index must not be above high_index" in bad
    assert xh.call_like_excel(MODULE, "STAFF_NEEDED", 325, 30, 150, 30)[0][0] == pytest.approx(325 / 150 + 1)
    assert "above 0" in xh.call_like_excel(MODULE, "STAFF_NEEDED", 325, 30, 0, 30)[0][0]


# --- the owner's doc: the plan's examples beside the model's results ----------------------------

def _plan_year(jan: float, feb: float, dec: float) -> list[float]:
    """A year whose index is the plan's Jan, Feb and Dec with the other nine months equal."""
    rest = (1200 - jan - feb - dec) / 9
    return [jan, feb, *[rest] * 9, dec]


def plan_example_rows() -> list[str]:
    """The rows of docs/models/seasonality.md's comparison table, computed by the model."""
    years = [_plan_year(82, 88, 92), _plan_year(88, 92, 98), _plan_year(85, 90, 95)]
    dates = [ts(2022 + y, mo + 1, 15) for y in range(3) for mo in range(12)]
    index = m.seasonal_index(dates, np.concatenate(years)).index
    conc = m.renewal_concentration
    implied = [(1 + roi) / (1 + 8.5) * 100 for roi in (14.5, 6.8)]
    return [
        f"| Mar: 325 renewals, average 229 | 1.42 | {conc(325, 229):.2f} |",
        f"| Jul: 145 renewals, average 229 | 0.63 | {conc(145, 229):.2f} |",
        f"| Jan: 185 renewals, average 229 | 0.85 | {conc(185, 229):.2f} (185 / 229; the plan's 0.85 is not its own ratio) |",
        f"| Jan index, years 82 / 88 / 85 | 85 | {index[0]:.1f} |",
        f"| Feb index, years 88 / 92 / 90 | 90 | {index[1]:.1f} |",
        f"| Dec index, years 92 / 98 / 95 | 95 | {index[11]:.1f} |",
        f"| Feb (index 90): action | Increase spend by 25% | "
        f"{m.marketing_timing([90.0] * 12)['action'].iloc[0]} (90 is at the low-season threshold) |",
        f"| Feb expected ROI | 1,450% | {m.marketing_timing([90.0] * 12)['expected_roi'].iloc[0]:.0%} at index 90; "
        f"1,450% would need an index of {implied[0]:.0f} |",
        f"| Aug expected ROI (reduce 15%) | 680% | an index of {implied[1]:.0f} gives 680% |",
    ]


def test_the_docs_show_the_models_numbers():
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "models" / "seasonality.md").read_text()
    for row in plan_example_rows():
        assert row in doc, row
