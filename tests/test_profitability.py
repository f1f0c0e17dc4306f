"""The profitability model: the plan's exact reference points, and its laws."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agency_xl.models import profitability as m


@pytest.mark.parametrize("lr, cr", [(0.68, 0.93), (0.62, 0.87), (0.45, 0.70)])
def test_combined_ratio_reference_points(lr, cr):
    assert m.combined_ratio(lr, 0.25) == pytest.approx(cr, abs=1e-12)


def test_bonus_status_reference_point():
    assert m.bonus_status(0.88, 0.95) == m.FULL_BONUS
    assert m.bonus_status(0.97, 0.95, 1.00) == m.REDUCED_BONUS
    assert m.bonus_status(1.02, 0.95, 1.00) == m.NO_BONUS
    assert m.bonus_status(float("nan")) == m.NO_BONUS


def test_loss_ratio_vectorised_and_nan_without_premium():
    out = m.loss_ratio(np.array([68.0, 5.0]), np.array([100.0, 0.0]))
    assert out[0] == pytest.approx(0.68) and np.isnan(out[1])


def test_bonus_risk_bands():
    assert m.bonus_risk(0.88) == "LOW"
    assert m.bonus_risk(0.93) == "MEDIUM"
    assert m.bonus_risk(0.96) == "MEDIUM"
    assert m.bonus_risk(0.99) == "HIGH"


def test_estimated_bonus_uses_the_band_rate():
    assert m.estimated_bonus(3_680_000, 0.88) == pytest.approx(36_800)
    assert m.estimated_bonus(3_680_000, 0.97) == pytest.approx(18_400)
    assert m.estimated_bonus(3_680_000, 1.05) == 0


def test_profit_growth_gap_warning_matches_the_plan():
    # 15% revenue growth, 8% profit growth: a 7-point gap, above the 5% threshold.
    g = m.profit_vs_revenue_growth(115, 100, 108, 100, 0.05)
    assert g.gap == pytest.approx(0.07) and g.warning
    assert not m.profit_vs_revenue_growth(110, 100, 108, 100, 0.05).warning


def _policy(start, premium, status="In Force", end=None, product="Auto"):
    return {"policy_number": f"P{start}{premium}", "household_id": "H1", "product": product,
            "status": status, "original_effective_date": pd.Timestamp(start),
            "expiration_date": pd.Timestamp(end) if status == "Expired" else pd.NaT,
            "cancel_date": pd.Timestamp(end) if status == "Cancelled" else pd.NaT,
            "annual_premium": premium}


def test_pro_rata_earning_of_a_full_year_policy():
    pol = pd.DataFrame([_policy("2020-01-01", 3650.0)])
    ex = m.exposure_by_month(pol, dt.date(2025, 12, 31), 12)
    assert ex["earned_premium"].sum() == pytest.approx(3650.0)  # 365 days x 10 $/day
    assert ex["exposure_years"].sum() == pytest.approx(1.0)
    jan = ex[ex["month"] == pd.Timestamp("2025-01-01")]["earned_premium"].iloc[0]
    assert jan == pytest.approx(310.0)


def test_cancelled_policy_stops_earning_at_its_cancel_date():
    pol = pd.DataFrame([_policy("2020-01-01", 3650.0, "Cancelled", "2025-03-01")])
    ex = m.exposure_by_month(pol, dt.date(2025, 12, 31), 12)
    assert ex["earned_premium"].sum() == pytest.approx(10.0 * (31 + 28))


def test_product_table_and_summary_from_tables():
    pol = pd.DataFrame([_policy("2020-01-01", 3650.0), _policy("2020-01-01", 7300.0, product="Home")])
    claims = pd.DataFrame({"claim_number": ["C1", "C2", "C3"], "product": ["Auto", "Home", "Home"],
                           "loss_date": pd.to_datetime(["2025-02-01", "2025-05-01", "2023-01-01"]),
                           "incurred_loss": [1825.0, 1460.0, 99999.0]})
    t = m.product_profitability(pol, claims, dt.date(2025, 12, 31), 0.25)
    home = t.set_index("product").loc["Home"]
    assert home["loss_ratio"] == pytest.approx(0.2)  # the 2023 claim is outside the window
    assert home["combined_ratio"] == pytest.approx(0.45)
    assert home["underwriting_profit"] == pytest.approx(7300 * 0.55)
    s = m.book_summary(t, 0.25)
    assert s.loss_ratio == pytest.approx((1825 + 1460) / (3650 + 7300))
    assert s.claims == 2


def test_monthly_trend_rolling_ratio_and_frequency():
    pol = pd.DataFrame([_policy("2020-01-01", 3650.0)])
    claims = pd.DataFrame({"claim_number": ["C1"], "product": ["Auto"],
                           "loss_date": pd.to_datetime(["2025-06-10"]), "incurred_loss": [365.0]})
    t = m.monthly_trend(pol, claims, dt.date(2025, 12, 31), 12)
    assert len(t) == 12
    june = t[t["month"] == pd.Timestamp("2025-06-01")].iloc[0]
    assert june["claims"] == 1 and june["severity"] == pytest.approx(365.0)
    assert june["frequency_per_100"] == pytest.approx(100 / (30 / 365))
    assert t["rolling_12m_loss_ratio"].iloc[-1] == pytest.approx(0.1)


@given(st.floats(0, 3), st.floats(0, 1), st.floats(0, 1))
def test_combined_ratio_is_monotone_in_losses(lr, er, extra):
    assert m.combined_ratio(lr + extra, er) >= m.combined_ratio(lr, er)


@given(st.floats(0, 2), st.floats(0.5, 1.0), st.floats(0, 0.3))
def test_a_higher_combined_ratio_never_improves_the_bonus(cr, full, step):
    order = {m.FULL_BONUS: 2, m.REDUCED_BONUS: 1, m.NO_BONUS: 0}
    assert order[m.bonus_status(cr + step, full, full + 0.05)] <= order[m.bonus_status(cr, full, full + 0.05)]
