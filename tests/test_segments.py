"""The segments model: the plan's exact upgrade point, the laws of tiers, LTV and the marketing
optimiser, the Segments sheet from hand-made data and from missing data, and its worksheet
functions with good and bad arguments."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xlwings_harness as xh
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.segments import SegmentsSettings
from agency_xl.dashboards import segments as dash
from agency_xl.dashboards.spec import Sheet
from agency_xl.figures import segments as figures
from agency_xl.models import households as hh
from agency_xl.models import segments as m
from agency_xl.models.ltv import lifetime_value

AS_OF = dt.date(2025, 10, 31)
MODULE = xh.udf_module()


def sheet_of(data: AmsData, settings: Assumptions) -> tuple[Sheet, dict[str, Any]]:
    """The Segments sheet and the figures `agency-xl metrics` reports, from one computation."""
    fig = figures.compute(data, settings)
    return dash.build(fig), fig.kpis()


# --- hand-made book ------------------------------------------------------------------------------

PRODUCTS = ["Auto", "Home", "Umbrella", "Life"]


def make_book(households: list[tuple[int, float]], cancelled: dict[str, int] | None = None,
              start: str = "2021-03-01") -> pd.DataFrame:
    """One household per (product count, premium per product); all policies since ``start``.
    ``cancelled``: household id -> how many of its policies were cancelled in the last 12 months
    (they are extra policies, so the household keeps its product count)."""
    rows = []
    cancelled = cancelled or {}
    for i, (n, premium) in enumerate(households, start=1):
        hid = f"H{i:03d}"
        for j in range(n):
            rows.append({"policy_number": f"{hid}-{j}", "household_id": hid, "product": PRODUCTS[j],
                         "status": "In Force", "original_effective_date": pd.Timestamp(start),
                         "expiration_date": pd.NaT, "cancel_date": pd.NaT, "annual_premium": premium})
        for k in range(cancelled.get(hid, 0)):
            rows.append({"policy_number": f"{hid}-X{k}", "household_id": hid, "product": PRODUCTS[k],
                         "status": "Cancelled", "original_effective_date": pd.Timestamp(start),
                         "expiration_date": pd.NaT, "cancel_date": pd.Timestamp("2025-05-01"),
                         "annual_premium": premium})
    return pd.DataFrame(rows)


def make_commissions() -> pd.DataFrame:
    return pd.DataFrame({
        "statement_date": pd.to_datetime(["2025-03-15", "2025-06-15", "2025-07-15", "2025-08-15", "2023-01-15"]),
        "policy_number": ["H001-0", "H002-0", "H003-0", "H001-1", "H001-0"],
        "product": ["Auto", "Auto", "Auto", "Home", "Auto"],
        "transaction_type": ["New Business", "Renewal", "Chargeback", "Renewal", "Renewal"],
        "transaction_effective_date": pd.to_datetime(["2025-02-01"] * 4 + ["2022-12-01"]),
        "premium": [1000.0, 3000.0, -500.0, np.nan, 1000.0],
        "commission_rate": [np.nan] * 5,
        "commission_amount": [100.0, 240.0, -50.0, 77.0, 500.0],
    })


def make_data(with_reports: bool = True) -> AmsData:
    mix = [(3, 1500.0)] * 2 + [(2, 1200.0)] * 3 + [(1, 1300.0)] * 4 + [(1, 400.0)] * 1
    book = make_book(mix, cancelled={"H006": 2, "H007": 1, "H003": 1})
    data = AmsData(policies=book, as_of=AS_OF)
    if with_reports:
        data.commissions = make_commissions()
        data.claims = pd.DataFrame({"claim_number": ["C1", "C2"], "policy_number": ["H008-0", "H001-0"],
                                    "product": ["Auto", "Auto"],
                                    "loss_date": pd.to_datetime(["2025-04-01", "2025-04-01"]),
                                    "incurred_loss": [2000.0, 300.0]})
        data.leads = pd.DataFrame({
            "lead_id": [f"L{i}" for i in range(8)],
            "lead_date": pd.to_datetime(["2025-05-01"] * 7 + ["2023-05-01"]),
            "vendor": ["V"] * 8, "cost": [100.0, 100.0, 50.0, 50.0, 50.0, 20.0, 20.0, 999.0],
            "status": ["Sold", "Lost", "Sold", "Lost", "Lost", "Sold", "Lost", "Sold"],
            "products_quoted": [3, 3, 1, 1, 1, np.nan, 2, 3],
            "quoted_premium": [5000.0, 4000.0, 1200.0, 1300.0, 900.0, 800.0, 2000.0, 5000.0],
        })
    return data


# --- exact reference points ----------------------------------------------------------------------

def test_upgrade_opportunity_reference_point():
    o = m.upgrade_opportunity(450, 0.15, 4500)
    assert o.upgrades == 68  # 67.5 rounds half up, as the plan does
    assert o.value == 306_000  # on the rounded count


def test_round_half_up():
    assert m.round_half_up(67.5) == 68
    assert m.round_half_up(67.4999) == 67
    assert list(m.round_half_up(np.array([0.5, 1.5, 2.5]))) == [1, 2, 3]  # not banker's rounding


# --- tiers ---------------------------------------------------------------------------------------

def test_segment_rules():
    assert m.segment(3) == m.ELITE and m.segment(5, 100) == m.ELITE
    assert m.segment(2, 100) == m.PREMIUM
    assert m.segment(1, 1500) == m.STANDARD
    assert m.segment(1, 699.99) == m.LOW_VALUE and m.segment(1, 700) == m.STANDARD
    assert m.segment(1) == m.STANDARD  # unknown premium is never low on premium
    assert m.segment(1, 5000, loss_making=True) == m.LOW_VALUE
    assert m.segment(2, 5000, loss_making=True) == m.PREMIUM  # Low-Value is one product only
    assert m.segment(0) == ""
    assert m.segment(3, elite_min_products=4) == m.PREMIUM


@given(st.lists(st.tuples(st.integers(1, 8), st.floats(0, 20_000)), min_size=1, max_size=60),
       st.floats(0, 5000), st.integers(2, 5))
def test_tiers_partition_the_households_and_shares_sum_to_one(rows, low, elite):
    t = pd.DataFrame(rows, columns=["products", "premium"])
    v = m.value_households(t, 0.08, {"1": 0.7, "2": 0.9, "3+": 0.95}, 0.1, low, elite, 2)
    assert set(v["tier"]) <= set(m.TIERS)  # every household has exactly one tier
    s = m.tier_summary(v)
    assert list(s["tier"]) == list(m.TIERS)
    assert s["households"].sum() == len(t)
    assert s["share"].sum() == pytest.approx(1.0)
    if v["ltv"].sum() > 0:
        assert s["ltv_share"].sum() == pytest.approx(1.0)
    assert s["total_ltv"].sum() == pytest.approx(v["ltv"].sum())


@given(st.floats(1, 20_000), st.floats(0.01, 0.3), st.floats(0, 0.97), st.floats(0.001, 0.02),
       st.floats(0.01, 0.3))
def test_ltv_increases_with_retention(premium, rate, r, step, d):
    low, high = m.value_households(
        pd.DataFrame({"products": [1, 1], "premium": [premium, premium]}), rate, {"1": r, "2": r, "3+": r}, d
    ), m.value_households(
        pd.DataFrame({"products": [1], "premium": [premium]}), rate, {"1": r + step, "2": 0, "3+": 0}, d
    )
    assert high["ltv"].iloc[0] > low["ltv"].iloc[0]


def test_tier_summary_figures():
    t = pd.DataFrame({"products": [3, 2, 2, 1, 1], "premium": [4500.0, 2000.0, 3000.0, 1500.0, 300.0]})
    retention = {"1": 0.72, "2": 0.91, "3+": 0.97}
    v = m.value_households(t, 0.1, retention, 0.1)
    s = m.tier_summary(v, 3.0).set_index("tier")
    assert s.loc[m.ELITE, "avg_ltv"] == pytest.approx(450 * 0.97 / (1.1 - 0.97))
    assert s.loc[m.PREMIUM, "avg_premium"] == pytest.approx(2500)
    assert s.loc[m.PREMIUM, "retention"] == pytest.approx(0.91)
    assert s.loc[m.LOW_VALUE, "households"] == 1 and s.loc[m.STANDARD, "households"] == 1
    assert s.loc[m.ELITE, "recommended_cac"] == pytest.approx(s.loc[m.ELITE, "avg_ltv"] / 3)
    empty = m.tier_summary(m.value_households(t.iloc[:0], 0.1, retention))
    assert (empty["households"] == 0).all() and empty["share"].isna().all()


# --- measured inputs -----------------------------------------------------------------------------

def test_commission_rate_measured_on_new_business_and_renewal_rows():
    c = make_commissions()
    # 12 months: NB 100/1000 and Renewal 240/3000; the chargeback and the row without premium are out.
    assert m.measured_commission_rate(c, AS_OF, 12) == pytest.approx(340 / 4000)
    assert m.measured_commission_rate(c, None, None) == pytest.approx(840 / 5000)
    assert math.isnan(m.measured_commission_rate(c.assign(premium=np.nan)))


def test_retention_for_ltv_uses_measured_and_falls_back():
    # Issue 9.7: the customer is the household, kept while it keeps at least one policy.
    book = make_book([(1, 500.0)] * 3 + [(2, 800.0)] * 2, cancelled={"H001": 1})
    # H006: one Auto policy, cancelled in the window: a one-product household that left.
    book = pd.concat([book, pd.DataFrame([{
        "policy_number": "H006-0", "household_id": "H006", "product": "Auto", "status": "Cancelled",
        "original_effective_date": pd.Timestamp("2021-03-01"), "expiration_date": pd.NaT,
        "cancel_date": pd.Timestamp("2025-05-01"), "annual_premium": 500.0}])], ignore_index=True)
    table = hh.retention_by_product_count(book, AS_OF, 12)
    used = m.retention_for_ltv(table, {"1": 0.72, "2": 0.91, "3+": 0.97})
    # H001 had two Auto policies (one cancelled since) and keeps the other: a household kept.
    # The "1" cohort: H001, H002, H003 kept, H006 gone -> 3 of 4.
    assert used.measured["1"] and used.retention["1"] == pytest.approx(3 / 4)
    assert used.households["1"] == 4
    assert used.measured["2"] and used.retention["2"] == pytest.approx(1.0)
    assert not used.measured["3+"] and used.retention["3+"] == 0.97


def test_loss_making_households_from_claims():
    book = make_book([(1, 1000.0), (1, 1000.0), (2, 600.0)])
    claims = pd.DataFrame({"claim_number": ["a", "b", "c", "d"],
                           "policy_number": ["H001-0", "H002-0", "H003-1", "H001-0"],
                           "loss_date": pd.to_datetime(["2025-06-01", "2025-06-01", "2025-06-01", "2023-06-01"]),
                           "incurred_loss": [1500.0, 900.0, 1300.0, 9999.0]})
    v = m.segment_households(book, AS_OF, 0.1, {"1": 0.7, "2": 0.9, "3+": 0.95}, claims=claims)
    v = v.set_index("household_id")
    assert v.loc["H001", "losses_12m"] == 1500  # the 2023 claim is outside the 12 months
    assert list(v["loss_making"]) == [True, False, True]
    assert list(v["tier"]) == [m.LOW_VALUE, m.STANDARD, m.PREMIUM]


def test_cac_by_tier_from_the_lead_log():
    t = m.cac_by_tier(make_data().leads, AS_OF, 12).set_index("tier")
    assert t.loc[m.ELITE, "cac"] == pytest.approx(200)  # two Elite leads, one sold; 2023 lead out of window
    assert t.loc[m.STANDARD, "cac"] == pytest.approx(150)  # three Standard leads ($50 each), one sold
    assert math.isnan(t.loc[m.PREMIUM, "cac"])  # none sold
    assert t["leads"].sum() == 6  # the lead without products quoted is not tiered


def test_measured_upgrade_rate():
    book = make_book([(1, 500.0)] * 4)
    extra = book.iloc[[0]].assign(policy_number="H001-new", product="Home",
                                  original_effective_date=pd.Timestamp("2025-06-01"))
    rate, n = m.measured_upgrade_rate(pd.concat([book, extra]), AS_OF, 1, 12)
    assert (rate, n) == (0.25, 4)
    assert math.isnan(m.measured_upgrade_rate(book, AS_OF, 2)[0])


# --- marketing allocation ------------------------------------------------------------------------

PLAN_LTV = [18_000, 9_000, 4_500, 1_800]
PLAN_CAC = [1_350, 820, 520, 280]


def test_allocation_on_the_plan_numbers():
    a = m.optimise_allocation(50_000, PLAN_LTV, PLAN_CAC, [0.2, 0.3, 0.35, 0.15])
    assert a.recommended_shares.sum() == pytest.approx(1)
    # Blended current ROI = sum share x LTV/CAC - 1 (no extrapolation at today's spend).
    expected = sum(s * l / c for s, l, c in zip([0.2, 0.3, 0.35, 0.15], PLAN_LTV, PLAN_CAC)) - 1
    assert a.current_roi == pytest.approx(expected)
    assert a.recommended_roi > a.current_roi
    assert a.recommended_shares[0] > 0.2 and a.recommended_shares[3] < 0.15  # towards Elite
    linear = m.optimise_allocation(50_000, PLAN_LTV, PLAN_CAC, [0.2, 0.3, 0.35, 0.15], diminishing=1.0)
    assert list(np.round(linear.recommended_shares, 2)) == [0.5, 0.4, 0.05, 0.05]  # best tiers to their caps


def test_allocation_refuses_impossible_settings():
    with pytest.raises(ValueError, match="add up to 90.0%"):
        m.optimise_allocation(50_000, PLAN_LTV, PLAN_CAC, [0.2, 0.3, 0.25, 0.15])
    with pytest.raises(ValueError, match="min shares"):
        m.optimise_allocation(50_000, PLAN_LTV, PLAN_CAC, [0.25] * 4, min_shares=0.3)
    with pytest.raises(ValueError, match="max shares"):
        m.optimise_allocation(50_000, PLAN_LTV, PLAN_CAC, [0.25] * 4, max_shares=0.2)


def test_a_tier_without_ltv_keeps_only_its_minimum():
    a = m.optimise_allocation(10_000, [5000, np.nan, 1000, 500], [500, 400, 300, 200], [0.25] * 4)
    assert a.recommended_shares[1] == pytest.approx(0.05)


def _grid_shares(draw_ints: list[int]) -> np.ndarray:
    a = np.asarray(draw_ints, dtype=float)
    return a / 100


@settings(max_examples=150, deadline=None)
@given(st.floats(1_000, 1e6),
       st.lists(st.floats(100, 50_000), min_size=4, max_size=4),
       st.lists(st.floats(10, 5_000), min_size=4, max_size=4),
       st.lists(st.integers(0, 100), min_size=3, max_size=3),
       st.integers(0, 10), st.integers(40, 100), st.floats(0.2, 1.0))
def test_allocation_sums_to_budget_respects_caps_and_beats_current(budget, ltv, cac, cuts, lo, hi, beta):
    cuts = sorted(cuts)
    current = _grid_shares([cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 100 - cuts[2]])
    low, high = lo / 100, hi / 100
    assume(np.all(current >= low - 1e-9) and np.all(current <= high + 1e-9))
    a = m.optimise_allocation(budget, ltv, cac, current, low, high, beta)
    assert a.recommended_spend.sum() == pytest.approx(budget)
    assert np.all(a.recommended_shares >= low - 1e-9) and np.all(a.recommended_shares <= high + 1e-9)
    assert a.recommended_roi >= a.current_roi - 1e-9


@given(st.floats(0, 1e5), st.floats(1, 1e5), st.floats(1, 1e4), st.floats(0.1, 1), st.floats(1.01, 3))
def test_households_won_rise_with_spend_with_diminishing_returns(x, ref, cac, beta, k):
    n1 = m.customers_from_spend(x, ref, cac, beta)
    n2 = m.customers_from_spend(x * k, ref, cac, beta)
    assert n2 >= n1
    assert n2 <= n1 * k + 1e-9  # never more than proportional
    assert m.customers_from_spend(ref, ref, cac, beta) == pytest.approx(ref / cac)


# --- the sheet -----------------------------------------------------------------------------------

def test_sheet_from_hand_made_data():
    data = make_data()
    sheet, k = sheet_of(data, Assumptions())
    sheet.validate()
    assert sheet.key == "segments" and len(sheet.name) <= 31
    tiers = sheet.block("tiers")
    assert [r[0] for r in tiers.rows] == list(m.TIERS)
    assert [r[2] for r in tiers.rows] == [2, 3, 3, 2]  # H008 is loss-making -> Low-Value
    assert sum(r[3] for r in tiers.rows) == pytest.approx(1)
    assert k["households"] == 10 and k["households_by_tier"]["Low-Value"] == 2
    assert k["commission_rate"] == pytest.approx(340 / 4000) and k["commission_rate_measured"]
    # retention measured on the book: 1 product (H006-H010 cohort incl. 2 cancelled) etc.
    rt = hh.retention_by_product_count(data.policies, AS_OF, 12).set_index("products")["retention"]
    assert k["retention_by_product_count"]["1"] == pytest.approx(rt["1"])
    # LTV of an Elite household from the shared formula
    elite = lifetime_value(4500, 340 / 4000, k["retention_used_in_ltv"]["3+"], 0.10)
    assert k["avg_ltv_by_tier"]["Elite"] == pytest.approx(elite)
    alloc = k["allocation"]
    assert alloc["cac_source"]["Elite"] == "Lead log" and alloc["cac_source"]["Premium"] == "Settings"
    assert sum(alloc["recommended_shares"].values()) == pytest.approx(1)
    assert alloc["recommended_roi"] >= alloc["current_roi"]
    up = k["upgrade_opportunity"]["Standard -> Premium"]
    assert up["households"] == 3 and up["upgrades"] == m.round_half_up(3 * 0.15)
    gain = k["avg_ltv_by_tier"]["Premium"] - k["avg_ltv_by_tier"]["Standard"]
    assert up["ltv_gain_each"] == pytest.approx(gain, abs=0.01)
    # charts read the fixed 4-row blocks
    assert [c.kind for c in sheet.charts] == ["pie", "column", "column"]
    f = {x.cell: x for x in sheet.formulas}
    assert f["F69"].formula.startswith("=SEGMENT(") and f["F69"].value == "Low-Value"


def test_sheet_without_optional_exports_uses_settings_and_says_so():
    sheet, k = sheet_of(make_data(with_reports=False), Assumptions())
    card = {r[0]: r for r in sheet.block("ltv_card").rows}
    assert card["Commission rate"][1] == 0.07 and "Settings" in card["Commission rate"][2]
    assert "Claims detail" in card["Loss-making households"][2]
    assert k["allocation"]["cac_source"] == dict.fromkeys(m.TIERS, "Settings")
    assert k["households_by_tier"]["Low-Value"] == 1


def test_sheet_with_missing_book_names_the_export():
    sheet, k = sheet_of(AmsData(as_of=AS_OF), Assumptions())
    sheet.validate()
    status = sheet.block("status").rows[0][0]
    assert "Book of business" in status
    assert sheet.block("tiers").rows == [] and k == {}


def test_sheet_reports_inconsistent_settings():
    bad = Assumptions(segments=SegmentsSettings(current_share_elite=0.5, min_share_elite=0.45,
                                                min_share_premium=0.45, min_share_standard=0.2))
    sheet, _ = sheet_of(make_data(), bad)
    card = {r[0]: r for r in sheet.block("roi_card").rows}
    assert "scaled to 100%" in card["Expected ROI, current split"][2]
    assert "min shares add up to" in card["Expected ROI, recommended split"][2]
    assert sheet.block("allocation").rows == []


# --- worksheet functions -------------------------------------------------------------------------

def call(name, *args):  # noqa: ANN001, ANN201
    return xh.call_like_excel(MODULE, name, *args)


def test_segment_function():
    assert call("SEGMENT", 3, xh.MISSING, xh.MISSING, xh.MISSING, xh.MISSING) == [["Elite"]]
    assert call("SEGMENT", 1, 1500) == [["Standard"]]
    assert call("SEGMENT", 1, 450) == [["Low-Value"]]
    assert call("SEGMENT", 1, 450, 300) == [["Standard"]]
    assert call("SEGMENT", 3, 100, 700, 4) == [["Premium"]]
    assert call("SEGMENT", 1, "$450") == [["Low-Value"]]
    for bad, word in ((0, "products"), ("two", "products"), (1.5, "whole number")):
        out = call("SEGMENT", bad, 100)[0][0]
        assert out.startswith("#VALUE!") and word in out
    assert "premium_min_products must not be above" in call("SEGMENT", 2, 100, 700, 3, 4)[0][0]


def test_segment_summary_function():
    out = call("SEGMENT_SUMMARY", [[3], [2], [1], [1], [None]], [[4500], [2500], [1200], [300], [None]], 0.1,
               [[0.72], [0.91], [0.97]])
    assert out[0][0] == "Tier" and [r[0] for r in out[1:]] == [*m.TIERS, "Total"]
    assert [r[2] for r in out[1:]] == [1, 1, 1, 1, 4]
    assert out[1][6] == pytest.approx(lifetime_value(4500, 0.1, 0.97, 0.1))
    assert out[-1][7] == pytest.approx(sum(r[7] for r in out[1:5]))
    mismatch = call("SEGMENT_SUMMARY", [[3], [2]], [[4500]])[0][0]
    assert mismatch.startswith("#VALUE!") and "same size" in mismatch
    blank = call("SEGMENT_SUMMARY", [[3], [None]], [[4500], [100]])[0][0]
    assert "products_range item 2" in blank
    assert "retention must hold 3" in call("SEGMENT_SUMMARY", [[1]], [[100]], 0.1, [[0.7], [0.8]])[0][0]


def test_marketing_allocation_function():
    out = call("MARKETING_ALLOCATION", 50_000, [[v] for v in PLAN_LTV], [[v] for v in PLAN_CAC])
    assert [r[0] for r in out] == ["Tier", *m.TIERS, "Expected ROI"]
    assert sum(r[4] for r in out[1:5]) == pytest.approx(50_000)
    assert out[5][3] >= out[5][1]
    assert "current_shares add up to 90.0%" in call(
        "MARKETING_ALLOCATION", 50_000, [[v] for v in PLAN_LTV], [[v] for v in PLAN_CAC],
        [[0.2], [0.3], [0.25], [0.15]])[0][0]
    assert "ltv must hold 4 values" in call("MARKETING_ALLOCATION", 50_000, [[1], [2]], [[v] for v in PLAN_CAC])[0][0]
    assert "cac" in call("MARKETING_ALLOCATION", 50_000, [[v] for v in PLAN_LTV], [[0], [1], [1], [1]])[0][0]
    assert "min shares add up to" in call("MARKETING_ALLOCATION", 50_000, [[v] for v in PLAN_LTV],
                                         [[v] for v in PLAN_CAC], xh.MISSING, 0.3)[0][0]


def test_upgrade_opportunity_function():
    assert call("UPGRADE_OPPORTUNITY", 450, 0.15, 4500) == [[306_000]]
    assert call("UPGRADE_OPPORTUNITY", 450, "15%", 4500, "upgrades") == [[68]]
    assert "upgrade_rate must be a number between 0 and 1" in call("UPGRADE_OPPORTUNITY", 450, 15, 4500)[0][0]
    assert "result must be one of value, upgrades" in call("UPGRADE_OPPORTUNITY", 450, 0.15, 4500, "x")[0][0]


# --- the owner's documentation shows the model's own numbers ------------------------------------

def test_docs_show_what_the_model_computes():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "models" / "segments.md").read_text()
    a = m.optimise_allocation(50_000, PLAN_LTV, PLAN_CAC, [0.2, 0.3, 0.35, 0.15])
    lin = m.optimise_allocation(50_000, PLAN_LTV, PLAN_CAC, [0.2, 0.3, 0.35, 0.15], diminishing=1.0)
    split = "/".join(f"{x:.0%}".rstrip("%") for x in a.recommended_shares) + "%"
    assert f"**{split}**" in doc
    assert "/".join(f"{x:.0%}".rstrip("%") for x in lin.recommended_shares) + "%" in doc
    assert f"**{a.current_roi:,.0%} → {a.recommended_roi:,.0%}**" in doc
    plan_split = np.array([0.4, 0.35, 0.2, 0.05])
    linear_plan_roi = float((plan_split * np.array(PLAN_LTV) / np.array(PLAN_CAC)).sum() - 1)
    assert f"gives {linear_plan_roi:,.0%} without diminishing returns" in doc
    elite = lifetime_value(4500, 0.07, 0.97, 0.10)
    assert f"LTV **${elite:,.0f}**, recommended CAC ${elite / 3:,.0f}" in doc
    assert f"LTV **${lifetime_value(2500, 0.07, 0.91, 0.10):,.0f}**" in doc
    o = m.upgrade_opportunity(450, 0.15, 4500)
    assert f"**{o.upgrades:.0f}** upgrades, **${o.value:,.0f}**" in doc


def test_sheet_with_an_empty_book_builds_and_explains():
    data = make_data(with_reports=False)
    data.policies = data.policies.assign(status="Cancelled", cancel_date=pd.Timestamp("2024-01-01"))
    sheet, _ = sheet_of(data, Assumptions())
    sheet.validate()
    assert [r[2] for r in sheet.block("tiers").rows] == [0, 0, 0, 0]
    card = {r[0]: r for r in sheet.block("roi_card").rows}
    assert "No households in force" in card["Expected ROI, recommended split"][2]
    assert sheet.block("allocation").rows == []
