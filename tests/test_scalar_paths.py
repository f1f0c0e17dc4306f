"""The models' plain-number paths (taken for single numbers, e.g. from worksheet functions) give
exactly what their numpy paths give for the same value in an array, and the table functions'
fast paths (plain numbers and Excel dates) give what the cell-by-cell checks give."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agency_xl.functions.catalog import CATALOG
from agency_xl.functions.leads import SAMPLE_SCORE_MODEL
from agency_xl.models import cash_flow, cross_sell, leads, ltv, seasonality, segments

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.floats(min_value=-10, max_value=10),
    st.integers(min_value=-5, max_value=5),
    st.booleans(),
)
rates = st.one_of(st.floats(min_value=-1, max_value=2), st.just(math.nan))


def same(scalar, array) -> bool:  # noqa: ANN001
    """``scalar`` (the plain path) equals element 0 of ``array`` (the numpy path), NaN and the sign
    of zero included, and is a plain Python value."""
    a = array[0] if isinstance(array, np.ndarray) else array
    if isinstance(a, np.generic):
        a = a.item()
    if isinstance(scalar, float):
        return type(scalar) is float and (
            (math.isnan(scalar) and math.isnan(a)) or (scalar == a and math.copysign(1, scalar) == math.copysign(1, a)))
    return type(scalar) is type(a) and scalar == a


def arr(x) -> np.ndarray:  # noqa: ANN001
    return np.array([x], dtype=float)


@settings(max_examples=300)
@given(numbers, rates, rates, st.floats(min_value=-0.5, max_value=1) | st.just(math.nan), rates)
def test_lifetime_value(premium, commission, retention, discount, growth):
    with np.errstate(all="ignore"):
        assert same(ltv.lifetime_value(premium, commission, retention, discount, growth),
                    ltv.lifetime_value(arr(premium), commission, retention, discount, growth))


RETENTION = st.fixed_dictionaries({"1": rates, "2": rates, "3+": rates})


@settings(max_examples=300)
@given(numbers, numbers, RETENTION)
def test_retention_for_and_lift(a, b, retention):
    assert same(cross_sell.retention_for(a, retention), cross_sell.retention_for(arr(a), retention))
    with np.errstate(all="ignore"):
        assert same(cross_sell.retention_lift(a, b, retention), cross_sell.retention_lift(arr(a), arr(b), retention))


@settings(max_examples=300)
@given(numbers, numbers, numbers, rates, RETENTION, rates)
def test_ltv_increase(premium, added, products, commission, retention, discount):
    with np.errstate(all="ignore"):
        assert same(cross_sell.ltv_increase(premium, added, products, commission, retention, discount),
                    cross_sell.ltv_increase(arr(premium), added, products, commission, retention, discount))


@settings(max_examples=300)
@given(numbers, numbers, st.floats(min_value=0, max_value=2000) | st.just(math.nan), st.integers(2, 5),
       st.integers(2, 5), st.one_of(st.booleans(), st.just(math.nan), st.just(0.0)))
def test_segment(products, premium, low, elite, premium_min, losing):
    assert segments.segment(products, premium, low, elite, premium_min, losing) == \
        segments.segment(arr(products), arr(premium), low, elite, premium_min, np.array([losing]))[0]


@settings(max_examples=300)
@given(numbers, numbers, numbers, numbers)
def test_seasonality_ratios_and_actions(a, b, c, d):
    with np.errstate(all="ignore"):
        assert same(seasonality._ratio(a, b), seasonality._ratio(arr(a), b))
        assert same(seasonality.staff_needed(a, b, c, d), seasonality.staff_needed(arr(a), arr(b), c, d))
    assert seasonality.marketing_action(a, 110, 90) == seasonality.marketing_action(arr(a), 110, 90)[0]
    assert same(seasonality.spend_change(a, 110, 90, 0.25, 0.15),
                seasonality.spend_change(arr(a), 110, 90, 0.25, 0.15))


@given(st.floats(min_value=0, max_value=1200) | st.just(math.nan))
def test_timing_advice_is_the_timing_tables_action(index):
    assert seasonality.timing_advice(index, 110, 90, 0.25, 0.15) == \
        seasonality.marketing_timing([index] * 12, 110, 90, 0.25, 0.15)["action"].iloc[0]


@settings(max_examples=300)
@given(numbers, numbers)
def test_cash_flow_buffers_and_runway(a, b):
    with np.errstate(all="ignore"):
        assert same(cash_flow.base_buffer(a, b), cash_flow.base_buffer(arr(a), b))
        assert same(cash_flow.lag_buffer(a, b), cash_flow.lag_buffer(arr(a), b))
        assert same(cash_flow.runway_months(a, b), cash_flow.runway_months(arr(a), b))


@given(st.sampled_from([0.0, 1.0, math.nan]), st.integers(0, 20) | st.just(math.nan),
       st.integers(0, 20) | st.just(math.nan), st.sampled_from([*SAMPLE_SCORE_MODEL.vendor_mix, None, "Other Co"]))
def test_score_one_is_lead_scores_of_one_row(home, cars, quoted, vendor):
    import pandas as pd

    row = pd.DataFrame({"homeowner": [home], "vehicles": [cars], "products_quoted": [quoted], "vendor": [vendor]})
    assert same(leads.score_one(SAMPLE_SCORE_MODEL, home, cars, quoted, vendor),
                leads.lead_scores(SAMPLE_SCORE_MODEL, row))


# --- table functions: the fast path and the cell-by-cell path agree ------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.floats(min_value=0, max_value=9000)), min_size=1, max_size=80),
       st.integers(0, 3))
def test_segment_summary_fast_path(rows, trailing_blanks):
    f = CATALOG["SEGMENT_SUMMARY"]
    blanks = [[None]] * trailing_blanks
    fast = f.safe([[float(p)] for p, _ in rows] + blanks, [[q] for _, q in rows] + blanks)
    # whole numbers as int cells take the cell-by-cell checks
    slow = f.safe([[p] for p, _ in rows] + blanks, [[q] for _, q in rows] + blanks)
    assert fast == slow


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2025, 12, 31)),
                          st.floats(min_value=0, max_value=5000)), min_size=12, max_size=200))
def test_seasonal_index_fast_path(rows):
    f = CATALOG["SEASONAL_INDEX"]
    fast = f.safe([[d] for d, _ in rows], [[v] for _, v in rows])
    # dates as date objects and amounts as text take the cell-by-cell checks
    slow = f.safe([[d.date()] for d, _ in rows], [[repr(v)] for _, v in rows])
    assert fast == slow
    assert f.safe([[d] for d, _ in rows]) == f.safe([[d.date()] for d, _ in rows])
