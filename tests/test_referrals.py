"""The referral growth model: reference points, laws, the sheet and its worksheet functions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import xlwings_harness as xh
from hypothesis import given
from hypothesis import strategies as st
from tiny_data import AS_OF, tiny_agency

from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import referrals as sheet_module
from agency_xl.figures import referrals as figures
from agency_xl.models import referrals as m
from agency_xl.models.ltv import lifetime_value

UDFS = xh.udf_module()


def test_viral_coefficient_with_referrals_per_referrer():
    assert m.viral_coefficient(0.08, 1.4, 0.35) == pytest.approx(0.0392)
    # the plan's 0.028 leaves out the referrals per referrer
    assert m.viral_coefficient(0.08, 1.0, 0.35) == pytest.approx(0.028)


def test_referral_ltv_cac_reference_point():
    # the plan's referral LTV $8,200 against a $120 CAC, through the model and the worksheet function
    from agency_xl.models.leads import ltv_to_cac

    assert round(ltv_to_cac(8200, 120), 1) == 68.3
    assert round(xh.call_like_excel(UDFS, "LTV_CAC", 8200.0, 120.0)[0][0], 1) == 68.3


def test_total_reach():
    assert m.total_reach(1000, 0.0392) == pytest.approx(1000 / (1 - 0.0392))
    assert math.isinf(m.total_reach(1000, 1.2))


def test_projection_recurrence():
    t = m.referral_projection(1000, 0.12, 3, 0.99, 5)
    n = 1000.0
    for row in t.itertuples():
        n = n * 0.99 + n * 0.01 + 5
        assert row.customers == pytest.approx(n)


@given(st.floats(0, 1), st.floats(0, 5), st.floats(0, 1), st.floats(0, 0.5))
def test_k_grows_with_each_factor(rate, per, conv, bump):
    assert m.viral_coefficient(rate + bump, per, conv) >= m.viral_coefficient(rate, per, conv)
    assert m.viral_coefficient(rate, per + bump, conv) >= m.viral_coefficient(rate, per, conv)


@given(st.floats(0.5, 1.0), st.floats(0, 0.9))
def test_projection_never_falls_when_k_rises(keep, k):
    a = m.referral_projection(1000, k, 12, keep)["customers"].iloc[-1]
    b = m.referral_projection(1000, k + 0.1, 12, keep)["customers"].iloc[-1]
    assert b >= a


def test_incentive_roi_definition():
    row = m.incentive_value(1000, 0.08, 1.4, 0.35, 100, 8200)
    conversions = 1000 * 0.08 * 1.4 * 0.35
    assert row["conversions"] == pytest.approx(conversions)
    assert row["roi"] == pytest.approx((conversions * 8200 - conversions * 100) / (conversions * 100))


def _with_referrals():
    data = tiny_agency()
    ts = pd.Timestamp
    data.referrals = pd.DataFrame({
        "referral_date": [ts("2025-02-01"), ts("2025-03-01"), ts("2025-06-01"), ts("2023-01-01")],
        "referrer_household_id": ["H1", "H1", "H3", "H3"],
        "referred_name": ["A", "B", "C", "D"],
        "status": ["Sold", "Lost", "Sold", "Sold"],
        "sold_date": [ts("2025-02-20"), pd.NaT, ts("2025-06-20"), ts("2023-02-01")],
        "household_id": ["H3", None, None, None],
        "incentive_paid": [100.0, 0.0, 100.0, 50.0],
    })
    return data


def test_program_metrics_from_a_log():
    data = _with_referrals()
    p = m.program_metrics(data.referrals, 2, AS_OF)
    assert (p.referrals, p.referrers, p.sold, p.decided) == (3, 2, 2, 3)
    assert p.referral_rate == pytest.approx(1.0)
    assert p.conversion == pytest.approx(2 / 3)
    assert p.cac == pytest.approx(100.0)
    assert p.k == pytest.approx(1.0 * 1.5 * 2 / 3)


def test_sheet_from_data_and_kpis():
    fig = figures.compute(_with_referrals(), Assumptions())
    sheet, k = sheet_module.build(fig), fig.kpis()
    sheet.validate()
    assert k["referral_cac"] == pytest.approx(100.0)
    # the referred customer H3 is in the book: its LTV comes from the shared formula
    assert k["referred_ltv"] > 0
    assert len(sheet.block("projection").rows) == 12
    assert sheet.block("incentives").rows[0][0] == 50.0


def test_sheet_without_the_referral_log_says_what_to_add():
    fig = figures.compute(tiny_agency(), Assumptions())
    sheet = sheet_module.build(fig)
    assert "Referral log" in sheet.block("status").rows[0][0]
    assert fig.kpis() == {}
    sheet.validate()


def test_functions_through_xlwings():
    assert xh.call_like_excel(UDFS, "VIRAL_COEFFICIENT", 0.08, 1.4, 0.35)[0][0] == pytest.approx(0.0392)
    out = xh.call_like_excel(UDFS, "REFERRAL_PROJECTION", 1000.0, 0.0392, 12.0, xh.MISSING, xh.MISSING)
    assert out[0][0] == "Month" and len(out) == 13
    assert out[-1][1] == pytest.approx(1000 * (1 + 0.0392 / 12) ** 12)


@pytest.mark.parametrize("args, message", [
    ((1.5, 1.4, 0.35), "referral_rate must be a number between 0 and 1"),
    (("abc", 1.4, 0.35), "referral_rate must be a number between 0 and 1, not 'abc'"),
    ((0.08, None, 0.35), "referrals_per_referrer is empty"),
])
def test_bad_arguments(args, message):
    out = xh.call_like_excel(UDFS, "VIRAL_COEFFICIENT", *args)[0][0]
    assert out.startswith("#VALUE! ") and message in out


def test_projection_months_must_be_whole():
    out = xh.call_like_excel(UDFS, "REFERRAL_PROJECTION", 1000.0, 0.04, 2.5, xh.MISSING, xh.MISSING)[0][0]
    assert out == "#VALUE! months must be a whole number"


def test_ltv_formula_used_is_the_shared_one():
    assert lifetime_value(1000, 0.1, 0.9, 0.1) == pytest.approx(450.0)
    assert np.isinf(lifetime_value(1000, 0.1, 1.0, 0.0))
