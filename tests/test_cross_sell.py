"""The cross-sell model: the plan's exact reference points, the laws of the model (hypothesis),
timing and conversion measured on hand-made books with known answers, the sheet from hand-made and
missing data, and the worksheet functions as Excel calls them."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import xlwings_harness as xh
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.cross_sell import CrossSellSettings
from agency_xl.dashboards import cross_sell as dash
from agency_xl.figures import cross_sell as figures
from agency_xl.models import cross_sell as m
from agency_xl.models import households as hh
from agency_xl.models.ltv import lifetime_value

AS_OF = dt.date(2025, 10, 31)
MODULE = xh.udf_module()
PLAN = {"1": 0.72, "2": 0.91, "3+": 0.97}


# --- exact reference points ----------------------------------------------------------------------

@pytest.mark.parametrize("customers, rate, ltv, converts, value", [
    (280, 0.22, 4500, 62, 279_000),  # 61.6 -> 62
    (180, 0.35, 9000, 63, 567_000),
    (450, 0.15, 4500, 68, 306_000),  # 67.5 rounds up
])
def test_opportunity_reference_points(customers, rate, ltv, converts, value):
    assert m.expected_converts(customers, rate) == converts
    assert m.cross_sell_value(customers, rate, ltv) == value


def test_plan_retention_lift():
    assert m.retention_lift(1, 2, PLAN) == pytest.approx(0.19)
    assert m.retention_lift(1, 3, PLAN) == pytest.approx(0.25)
    assert m.retention_lift(2, 2, PLAN) == 0
    assert m.customers_kept(100, m.retention_lift(1, 2, PLAN)) == pytest.approx(19)


# --- laws ----------------------------------------------------------------------------------------

@given(st.integers(0, 100_000), st.floats(0, 1), st.floats(-1e5, 1e5))
def test_converts_round_half_up_and_value_is_converts_times_ltv(customers, rate, ltv):
    x = customers * rate
    c = m.expected_converts(customers, rate)
    assert c == int(c) and abs(c - x) <= 0.5 + 1e-6
    assert c >= x - 1e-6 if x - math.floor(x) >= 0.5 - 1e-12 else c <= x
    assert m.cross_sell_value(customers, rate, ltv) == pytest.approx(c * ltv)


retentions = st.tuples(*[st.floats(0, 1)] * 3).map(lambda t: dict(zip(m.COUNT_LABELS, t)))


@given(st.integers(1, 10), st.integers(1, 10), retentions)
def test_retention_lift_laws(a, b, r):
    assert m.retention_lift(a, a, r) == 0
    assert m.retention_lift(a, b, r) == pytest.approx(-m.retention_lift(b, a, r))
    assert m.retention_lift(a, b, r) == pytest.approx(
        m.retention_lift(a, 2, r) + m.retention_lift(2, b, r))
    if a >= 3 and b >= 3:
        assert m.retention_lift(a, b, r) == 0


@given(st.lists(st.sampled_from(["Auto", "Home", "Condo", "Renters", "Umbrella", "Life", "Motorcycle"]),
                max_size=6))
def test_next_product_is_the_first_step_not_held(held):
    steps = m.parse_sequence(m.DEFAULT_SEQUENCE)
    nxt = m.next_product(held)
    filled = [bool(set(held) & set(step)) for step in steps]
    if all(filled):
        assert nxt is None
    else:
        k = filled.index(False)
        assert nxt == steps[k][0] and all(filled[:k])
        after = m.next_product([*held, nxt])
        assert after != nxt


@given(st.lists(st.tuples(st.integers(0, 1500), st.one_of(st.none(), st.integers(1, 500)),
                          st.one_of(st.none(), st.integers(1, 700))), min_size=1, max_size=40))
def test_timing_shares_in_unit_interval_and_at_risk_shrinks(spec):
    """spec: (first policy days before as_of, days to the added product or None, days to leaving or None)."""
    rows = []
    for i, (ago, add, leave) in enumerate(spec):
        first = pd.Timestamp(AS_OF) - pd.Timedelta(days=ago)
        hid = f"H{i}"
        end = first + pd.Timedelta(days=leave) if leave else pd.NaT
        status = "Cancelled" if leave else "In Force"
        rows.append(_policy(f"{hid}-A", hid, "Auto", first, status=status, cancel=end))
        if add is not None and (leave is None or add < leave):
            rows.append(_policy(f"{hid}-H", hid, "Home", first + pd.Timedelta(days=add), status=status,
                                cancel=end))
    book = pd.DataFrame(rows)
    t = m.timing_buckets(m.first_additions(book), AS_OF, 0.1, PLAN, 0.1, 365, lookback_months=None)
    assert len(t) == 5
    rates = t["conversion_rate"].dropna()
    assert ((rates >= 0) & (rates <= 1)).all()
    assert ((t["rate_30d"].dropna() >= 0) & (t["rate_30d"].dropna() <= 1)).all()
    at_risk, won = t["at_risk"].to_numpy(), t["converted"].to_numpy()
    assert (won <= at_risk).all()
    assert (at_risk[1:] <= at_risk[:-1] - won[:-1]).all()



@given(st.lists(st.tuples(st.integers(0, 1400), st.lists(st.tuples(
    st.sampled_from(["Auto", "Home", "Umbrella", "Life"]), st.integers(0, 600)), min_size=1, max_size=4)),
    min_size=1, max_size=25))
def test_observed_conversion_shares_in_unit_interval(spec):
    """spec: per household, (first sale days before as_of, [(product, days after the first sale)])."""
    rows = []
    for i, (ago, buys) in enumerate(spec):
        first = pd.Timestamp(AS_OF) - pd.Timedelta(days=ago)
        for j, (product, after) in enumerate(buys):
            day = first + pd.Timedelta(days=after if j else 0)
            if day <= pd.Timestamp(AS_OF):
                rows.append(_policy(f"H{i}-{j}", f"H{i}", product, day))
    mx = m.conversion_matrix(pd.DataFrame(rows), AS_OF, ["Auto", "Home", "Umbrella", "Life"], 12)
    rates = mx[["Auto", "Home", "Umbrella", "Life"]].to_numpy(float)
    assert np.all(np.isnan(rates) | ((rates >= 0) & (rates <= 1)))
    for r in mx.itertuples(index=False):  # a product already in the set has no rate
        for p in r.product_list.split("+"):
            assert math.isnan(getattr(r, p))

def test_per_30_days_keeps_30_day_windows_and_scales_longer_ones():
    assert m.per_30_days(0.2, 30) == pytest.approx(0.2)
    assert m.per_30_days(1 - 0.9 ** 2, 60) == pytest.approx(0.1)


# --- products and the sequence -------------------------------------------------------------------

def test_sequence_parsing_and_alternatives():
    assert m.parse_sequence("Auto -> HO-3 / Condo > PUP, Term Life") == (
        ("Auto",), ("Home", "Condo"), ("Umbrella",), ("Life",))
    assert m.next_product(["Auto", "Renters"]) == "Umbrella"  # renters fills the home step
    assert m.next_product(["Motorcycle"]) == "Auto"
    assert m.next_product(["Auto", "Home", "Umbrella", "Life"]) is None
    assert m.next_products(["Auto"]) == ["Home", "Umbrella", "Life"]
    with pytest.raises(ValueError, match="'Boat Owners' is not a known product"):
        m.parse_sequence("Auto, Boat Owners")
    with pytest.raises(ValueError, match="listed twice"):
        m.parse_sequence("Auto, Home, PPA")
    with pytest.raises(ValueError, match="empty"):
        m.parse_sequence(" , ")


def test_settings_refuse_an_unknown_product_in_the_sequence():
    with pytest.raises(ValidationError, match="'Hom' is not a known product"):
        CrossSellSettings(product_sequence="Auto, Hom")
    assert CrossSellSettings(product_sequence="Auto, Home").product_sequence == "Auto, Home"


# --- hand-made books -----------------------------------------------------------------------------

def _policy(number, household, product, start, premium=1000.0, status="In Force", cancel=pd.NaT):  # noqa: ANN001, ANN202
    return {"policy_number": number, "household_id": household, "product": product, "status": status,
            "original_effective_date": pd.Timestamp(start), "expiration_date": pd.NaT,
            "cancel_date": pd.Timestamp(cancel) if not pd.isna(cancel) else pd.NaT,
            "annual_premium": premium}


def timing_book() -> pd.DataFrame:
    """Ten households won on 2024-06-01 (old enough for every window) adding Home after 10, 45, 45,
    100 and 200 days or never (one starts with an Auto+Home bundle, one writes a second Auto policy,
    neither is a cross-sell); one won 60 days before as_of that never added; one that left on
    day 50 without adding."""
    first = pd.Timestamp("2024-06-01")
    rows = []
    for i, add in enumerate([10, 45, 45, 100, 200, None, None, None, None, None]):
        hid = f"T{i}"
        rows.append(_policy(f"{hid}-A", hid, "Auto", first))
        if add is not None:
            rows.append(_policy(f"{hid}-H", hid, "Home", first + pd.Timedelta(days=add), premium=500.0))
    rows.append(_policy("T5-H", "T5", "Home", first))  # a bundle on day one
    rows.append(_policy("T6-A2", "T6", "Auto", first + pd.Timedelta(days=20)))  # same product again
    young = pd.Timestamp(AS_OF) - pd.Timedelta(days=60)
    rows.append(_policy("Y-A", "Y", "Auto", young))
    rows.append(_policy("L-A", "L", "Auto", first, status="Cancelled", cancel=first + pd.Timedelta(days=50)))
    return pd.DataFrame(rows)


def test_first_additions_skip_bundles_and_repeat_products():
    a = m.first_additions(timing_book()).set_index("household_id")
    assert a.loc["T0", "days_to_add"] == 10 and a.loc["T0", "added_product"] == "Home"
    assert a.loc["T5", "first_products"] == "Auto+Home" and math.isnan(a.loc["T5", "days_to_add"])
    assert math.isnan(a.loc["T6", "days_to_add"])
    assert a.loc["T1", "premium_at_add"] == 1500 and a.loc["T1", "products_at_add"] == 2
    assert a.loc["L", "left_date"] == pd.Timestamp("2024-07-21") and pd.isna(a.loc["T0", "left_date"])


def test_timing_hazards_by_hand():
    t = m.timing_buckets(m.first_additions(timing_book()), AS_OF, 0.1, PLAN, 0.1, 365,
                         lookback_months=None).set_index("bucket")
    assert list(t.index) == ["0-30", "31-60", "61-90", "91-120", "120+"]
    # at risk: 10 old + the young one + the leaver; then the young one is too young, the leaver gone
    assert t["at_risk"].tolist() == [12, 11, 7, 7, 6]
    assert t["converted"].tolist() == [1, 2, 0, 1, 1]
    assert t.loc["31-60", "conversion_rate"] == pytest.approx(2 / 11)
    assert t.loc["120+", "rate_30d"] == pytest.approx(1 - (1 - 1 / 6) ** (30 / 245))
    ltv = lifetime_value(1500, 0.1, PLAN["2"], 0.1)
    assert t.loc["31-60", "avg_ltv"] == pytest.approx(ltv)
    assert math.isnan(t.loc["61-90", "avg_ltv"]) and t.loc["61-90", "value_30d"] == 0
    best = m.best_bucket(t.reset_index(), min_households=5)
    assert best["bucket"] == "31-60"  # the highest 30-day conversion, equal LTV
    text = m.timing_recommendation(best, 5)
    assert "31-60 days" in text and "18%" in text and f"${ltv:,.0f}" in text
    assert m.best_bucket(t.reset_index(), min_households=50) is None
    assert "Not enough history" in m.timing_recommendation(None, 50)


def test_timing_lookback_keeps_recent_customers_only():
    t = m.timing_buckets(m.first_additions(timing_book()), AS_OF, 0.1, PLAN, lookback_months=12)
    assert t["at_risk"].tolist() == [1, 1, 0, 0, 0]  # only the young household
    assert math.isnan(t["conversion_rate"].iloc[2])


def conversion_book() -> pd.DataFrame:
    """Five auto starters of 2023-06-01 (Home after 100 and 300 days, one after 400, two never), an
    Auto+Home bundle of the same day that adds Umbrella after 200 days, and an old auto household of
    2015 that added Home in 2025 (outside the 36-month history)."""
    start = pd.Timestamp("2023-06-01")
    rows = []
    for i, add in enumerate([100, 300, 400, None, None]):
        rows.append(_policy(f"A{i}-A", f"A{i}", "Auto", start))
        if add:
            rows.append(_policy(f"A{i}-H", f"A{i}", "Home", start + pd.Timedelta(days=add)))
    rows += [_policy("B-A", "B", "Auto", start), _policy("B-H", "B", "Home", start),
             _policy("B-U", "B", "Umbrella", start + pd.Timedelta(days=200), premium=300.0),
             _policy("O-A", "O", "Auto", "2015-01-01"), _policy("O-H", "O", "Home", "2025-01-01")]
    return pd.DataFrame(rows)


def test_observed_conversion_by_product_set():
    mx = m.conversion_matrix(conversion_book(), AS_OF, ["Home", "Umbrella", "Life"], 12)
    assert m.observed_conversion(mx, "Auto", "Home") == (pytest.approx(2 / 5), 5)
    # Auto+Home: A0, A1, A2 after adding Home, and B's bundle; B added Umbrella within 12 months
    assert m.observed_conversion(mx, "Auto+Home", "Umbrella") == (pytest.approx(1 / 4), 4)
    assert math.isnan(m.observed_conversion(mx, "Auto+Home", "Home")[0])  # already held
    assert m.observed_conversion(mx, "Auto+Home+Umbrella", "Life") == (0.0, 1)
    assert m.observed_conversion(mx, "Life", "Auto") == (pytest.approx(math.nan, nan_ok=True), 0)
    everything = m.conversion_matrix(conversion_book(), AS_OF, ["Home"], 12, history_months=None)
    assert m.observed_conversion(everything, "Auto", "Home") == (pytest.approx(2 / 6), 6)  # + O


def test_opportunity_and_sequence_tables():
    book = conversion_book()
    households = hh.household_table(book, AS_OF)
    mx = m.conversion_matrix(book, AS_OF, ["Auto", "Home", "Umbrella", "Life"], 12)
    premiums = m.product_premiums(book, AS_OF)
    r = {"1": 0.8, "2": 0.9, "3+": 0.95}
    t = m.opportunity_table(households, mx, premiums, 0.1, r, 0.1, min_households=5).set_index("segment")
    auto = t.loc["Auto"]  # A3, A4 are auto-only now
    assert auto["customers"] == 2 and auto["next_product"] == "Home" and auto["source"] == "measured"
    assert auto["conversion"] == pytest.approx(0.4) and auto["expected_converts"] == 1  # 0.8 -> 1
    gain = lifetime_value(2000, 0.1, 0.9, 0.1) - lifetime_value(1000, 0.1, 0.8, 0.1)
    assert auto["ltv_increase"] == pytest.approx(gain) and auto["total"] == pytest.approx(gain)
    ah = t.loc["Auto+Home"]  # A0, A1, A2, O; measured on 4 < 5 -> the default rate
    assert ah["source"] == "Settings" and ah["conversion"] == 0.15 and ah["next_product"] == "Umbrella"
    assert ah["expected_converts"] == 1  # 4 x 15% = 0.6 -> 1
    assert t.loc["Auto+Home+Umbrella", "next_product"] == "Life"
    assert math.isnan(t.loc["Auto+Home+Umbrella", "total"])  # nobody holds Life: no premium to value it
    only_big = m.opportunity_table(households, mx, premiums, 0.1, r, min_customers=3)
    assert set(only_big["segment"]) == {"Auto+Home"}

    seq = m.sequence_table(households, mx, r, min_households=1)
    first = seq[seq["current_products"] == "Auto+Home"]
    assert first["next_product"].tolist() == ["Umbrella", "Life"] and first["priority"].tolist() == [1, 2]
    assert first["conversion"].iloc[0] == pytest.approx(0.25)
    assert first["retention_lift"].iloc[0] == pytest.approx(0.05)
    assert "Next in your sequence; +5 pts retention" == first["why"].iloc[0]


def test_portfolio_tables():
    households = hh.household_table(conversion_book(), AS_OF)
    c = m.portfolio_by_count(households)
    assert c["products"].tolist() == ["1", "2", "3+"] and c["households"].tolist() == [2, 4, 1]
    assert c["share"].sum() == pytest.approx(1)
    combos = m.portfolio_by_combination(households)
    assert combos["product_list"].tolist()[0] == "Auto+Home" and combos["households"].sum() == 7
    assert m.average_products(households) == pytest.approx((2 + 8 + 3) / 7)
    empty = m.portfolio_by_count(households.iloc[0:0])
    assert empty["households"].tolist() == [0, 0, 0] and empty["share"].isna().all()


def test_retention_by_count_measured_and_fallback():
    book = conversion_book()
    r = m.retention_by_count(book, AS_OF, PLAN)
    assert r.measured == {"1": True, "2": True, "3+": True} and r.retention["1"] == 1.0
    none = m.retention_by_count(None, AS_OF, PLAN)
    assert none.retention == PLAN and not any(none.measured.values())
    assert none.lift(1, 2) == pytest.approx(0.19)


def test_sales_report_adds_policies_the_book_no_longer_lists():
    book = conversion_book()
    sales = pd.DataFrame({"policy_number": ["A3-L", "A0-A"], "household_id": ["A3", "A0"],
                          "product": ["Life", "Auto"],
                          "issue_date": pd.to_datetime(["2023-07-01", "2020-01-01"]),
                          "premium": [400.0, 1.0]})
    ev = m.sale_events(book, sales).set_index("policy_number")
    assert ev.loc["A3-L", "product"] == "Life"
    assert ev.loc["A0-A", "date"] == pd.Timestamp("2023-06-01")  # the book's row wins
    a = m.first_additions(book, sales).set_index("household_id")
    assert a.loc["A3", "days_to_add"] == 30 and a.loc["A3", "added_product"] == "Life"


# --- the sheet -----------------------------------------------------------------------------------

def sheet_data() -> AmsData:
    book = pd.concat([timing_book(), conversion_book()], ignore_index=True)
    commissions = pd.DataFrame({
        "statement_date": pd.to_datetime(["2025-06-15", "2025-07-15"]),
        "policy_number": ["A0-A", "B-H"], "product": ["Auto", "Home"],
        "transaction_type": ["Renewal", "New Business"],
        "transaction_effective_date": pd.to_datetime(["2025-06-01", "2025-07-01"]),
        "premium": [1000.0, 1000.0], "commission_rate": [np.nan, np.nan],
        "commission_amount": [80.0, 120.0],
    })
    return AmsData(policies=book, commissions=commissions, as_of=AS_OF)


def test_sheet_from_hand_made_data():
    data = sheet_data()
    settings = Assumptions()
    settings.cross_sell.min_households = 3
    settings.cross_sell.min_conversions = 1  # a hand-made book: one convert is enough to judge here
    fig = figures.compute(data, settings)
    sheet = dash.build(fig)
    sheet.validate()
    assert sheet.key == "cross_sell" and sheet.name == "Cross-Sell" and len(sheet.name) <= 31
    k = fig.kpis()
    households = hh.household_table(data.policies, AS_OF)
    assert k["households"] == len(households)
    assert sum(k["households_by_product_count"].values()) == len(households)
    assert k["commission_rate"] == pytest.approx(0.1)
    timing = m.timing_buckets(m.first_additions(data.policies), AS_OF, 0.1,
                              m.retention_by_count(data.policies, AS_OF, PLAN).retention, 0.1, 365, 36)
    assert [k["timing"][b]["converted"] for b in timing["bucket"]] == timing["converted"].tolist()
    best = m.best_bucket(timing, 3)["bucket"]
    assert k["best_window"] == best
    assert sheet.block("recommendation").rows[0][0].startswith(f"Contact customers {best} days")
    opp = sheet.block("opportunity").rows
    assert opp and all(r[5] == m.expected_converts(r[1], r[3]) for r in opp)
    assert k["opportunity_total"] == pytest.approx(sum(r[7] for r in opp if r[7] is not None))
    assert [r[0] for r in sheet.block("retention").rows] == ["1 product", "2 products", "3+ products"]
    assert sheet.block("retention").rows[0][4] == 0  # lift of 1 product over itself
    # charts read fixed-shape blocks; the retention-lift calculator reads the retention cells
    assert {c.kind for c in sheet.charts} == {"pie", "bar", "column"}
    f = {x.cell: x for x in sheet.formulas}
    assert f["B88"].formula == "=RETENTION_LIFT(B86,B87,D73,D74,D75)"
    assert f["B88"].value == pytest.approx(k["retention_lift_1_to_2"])
    assert f["B93"].value == 68 and f["B94"].value == 306_000 and f["B84"].value == "Home"


def test_sheet_with_missing_book_names_the_export():
    fig = figures.compute(AmsData(as_of=AS_OF), Assumptions())
    sheet = dash.build(fig)
    sheet.validate()
    assert "Book of business" in sheet.block("status").rows[0][0]
    assert sheet.block("opportunity").rows == [] and sheet.block("timing").rows == []
    assert fig.kpis() == {}
    f = {x.cell: x for x in sheet.formulas}
    assert f["B88"].value == pytest.approx(0.19)  # the plan's defaults when the cells are blank


def test_sheet_without_commissions_uses_settings_and_says_so():
    data = sheet_data()
    data.commissions = None
    sheet = dash.build(figures.compute(data, Assumptions()))
    card = {r[0]: r for r in sheet.block("summary").rows}
    assert card["Commission rate used"][1] == 0.07 and "Commission statement" in card["Commission rate used"][2]


def test_sheet_with_an_empty_book_builds():
    data = sheet_data()
    data.policies = data.policies.assign(status="Cancelled", cancel_date=pd.Timestamp("2023-01-01"))
    fig = figures.compute(data, Assumptions())
    sheet = dash.build(fig)
    sheet.validate()
    assert fig.kpis()["households"] == 0
    assert sheet.block("opportunity").rows == [] and fig.kpis()["best_window"] is None


# --- worksheet functions -------------------------------------------------------------------------

def call(name, *args):  # noqa: ANN001, ANN201
    return xh.call_like_excel(MODULE, name, *args)


def test_next_product_function():
    assert call("NEXT_PRODUCT", "Auto") == [["Home"]]
    assert call("NEXT_PRODUCT", "Auto+Home") == [["Umbrella"]]
    assert call("NEXT_PRODUCT", [["PPA"], ["HO-3"], [None]]) == [["Umbrella"]]
    assert call("NEXT_PRODUCT", "Auto, Home, Umbrella, Life") == [["None left"]]
    assert call("NEXT_PRODUCT", "Auto", "Auto, Life, Home") == [["Life"]]
    assert call("NEXT_PRODUCT", xh.MISSING) == [["Auto"]]
    bad = call("NEXT_PRODUCT", [["Auto"], ["Bote"]])[0][0]
    assert bad.startswith("#VALUE!") and "current_products item 2: 'Bote' is not a known product" in bad
    assert "'Hom' is not a known product" in call("NEXT_PRODUCT", "Auto", "Auto, Hom")[0][0]


def test_retention_lift_function():
    assert call("RETENTION_LIFT", 1, 2)[0][0] == pytest.approx(0.19)
    assert call("RETENTION_LIFT", 1, 3)[0][0] == pytest.approx(0.25)
    assert call("RETENTION_LIFT", 2, 2) == [[0]]
    assert call("RETENTION_LIFT", 1, 2, 0.85, 0.9, 0.96)[0][0] == pytest.approx(0.05)
    assert call("RETENTION_LIFT", 1, 2, "85%")[0][0] == pytest.approx(0.06)
    for args, word in (((0, 2), "products_from"), ((1, 2.5), "whole number"), ((1, 2, 1.2), "retention_1")):
        out = call("RETENTION_LIFT", *args)[0][0]
        assert out.startswith("#VALUE!") and word in out


def test_cross_sell_converts_and_value_functions():
    assert call("CROSS_SELL_CONVERTS", 280, 0.22) == [[62]]
    assert call("CROSS_SELL_CONVERTS", 450, "15%") == [[68]]
    assert call("CROSS_SELL_VALUE", 280, 0.22, 4500) == [[279_000]]
    assert call("CROSS_SELL_VALUE", 180, 0.35, "$9,000") == [[567_000]]
    assert call("CROSS_SELL_VALUE", 450, 0.15, 4500) == [[306_000]]
    out = call("CROSS_SELL_VALUE", 280, 22, 4500)[0][0]
    assert out.startswith("#VALUE!") and "conversion_rate must be a number between 0 and 1" in out
    assert "customers" in call("CROSS_SELL_CONVERTS", -1, 0.2)[0][0]


def test_cross_sell_ltv_gain_function():
    want = lifetime_value(3500, 0.07, 0.91, 0.10) - lifetime_value(2000, 0.07, 0.72, 0.10)
    assert call("CROSS_SELL_LTV_GAIN", 2000, 1500, 1)[0][0] == pytest.approx(want)
    want3 = lifetime_value(3500, 0.1, 0.97, 0.08) - lifetime_value(3000, 0.1, 0.97, 0.08)
    assert call("CROSS_SELL_LTV_GAIN", 3000, 500, 3, 0.1, 0.08)[0][0] == pytest.approx(want3)
    assert "products" in call("CROSS_SELL_LTV_GAIN", 2000, 1500, 0)[0][0]


# --- the owner's documentation shows the model's own numbers ------------------------------------

def test_docs_show_what_the_model_computes():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "models" / "cross_sell.md").read_text()
    for customers, rate, ltv in ((280, 0.22, 4500), (180, 0.35, 9000), (450, 0.15, 4500)):
        c, v = m.expected_converts(customers, rate), m.cross_sell_value(customers, rate, ltv)
        assert f"**{c:.0f}** converts, **${v:,.0f}**" in doc
    assert f"**+{m.retention_lift(1, 2, PLAN) * 100:.0f}** points (1 → 2)" in doc
    assert f"**+{m.retention_lift(1, 3, PLAN) * 100:.0f}** points (1 → 3)" in doc
    assert f"| **{m.customers_kept(100, m.retention_lift(1, 2, PLAN)):.0f}** (with the plan's retention)" in doc
    gain = m.ltv_increase(2000, 1500, 1, 0.07, PLAN, 0.10)
    assert f"**${gain:,.0f}** for $2,000 auto + $1,500 home" in doc
    assert f"| ${gain:,.0f} with the plan's retention (a blank sheet) |" in doc  # the worksheet-function example
    assert m.next_product(["Auto", "Home"]) == "Umbrella" and "| Umbrella |" in doc
