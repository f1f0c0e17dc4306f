"""Issue 9.6 (a lead log without Household ID, vendors too new to rate) and 9.7 (one definition per
figure on every sheet; minimum evidence; immature losses said). Truths are counted here with
pandas from the definitions in docs/models/*.md, not by the code under test."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agency_xl.ams import AmsData, read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_model_sheets
from agency_xl.figures import compute_figures
from agency_xl.metrics import all_metrics

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
FIRST, LAST = pd.Timestamp("2024-11-01"), pd.Timestamp("2025-10-31")  # the sample's 12 complete months


@pytest.fixture(scope="module")
def sample() -> AmsData:
    return read_exports(SAMPLE)


@pytest.fixture(scope="module")
def metrics(sample) -> dict:
    return all_metrics(sample, Assumptions())


def _in_window(dates: pd.Series) -> pd.Series:
    return (dates >= FIRST) & (dates <= LAST)


# --- 9.7: one definition per figure --------------------------------------------------------------

def test_paid_lead_conversion_is_one_figure_on_both_sheets(sample, metrics):
    leads = sample.leads[_in_window(sample.leads["lead_date"])]
    sold = (leads["status"] == "Sold").sum()
    decided = leads["status"].isin(["Sold", "Lost", "Bad Lead"]).sum()
    assert metrics["leads"]["conversion"] == pytest.approx(sold / decided)
    assert metrics["referral_growth"]["paid_lead_conversion"] == metrics["leads"]["conversion"]


def test_referral_conversion_is_sold_over_decided(sample, metrics):
    r = sample.referrals[_in_window(sample.referrals["referral_date"])]
    sold, lost = (r["status"] == "Sold").sum(), (r["status"] == "Lost").sum()
    assert metrics["referral_growth"]["conversion"] == pytest.approx(sold / (sold + lost))


def _household_retention(policies: pd.DataFrame, opens: str, closes: str) -> dict[str, float]:
    """docs/models/segments.md: households on the books when the window opens (end of `opens`),
    by their products then; kept when they still hold any policy when it closes (end of `closes`)."""
    def on(day: pd.Timestamp) -> pd.Series:
        end = pd.Series(pd.NaT, index=policies.index, dtype="datetime64[ns]")
        end[policies["status"] == "Cancelled"] = policies["cancel_date"]
        end[policies["status"] == "Expired"] = policies["expiration_date"]
        alive = (policies["status"] == "In Force") | (end > day)
        return (policies["original_effective_date"] <= day) & alive & policies["status"].ne("Pending")

    start = policies[on(pd.Timestamp(opens))]
    products = start.groupby("household_id")["product"].nunique()
    kept = set(policies.loc[on(pd.Timestamp(closes)), "household_id"])
    out = {}
    for label, part in (("1", products == 1), ("2", products == 2), ("3+", products >= 3)):
        ids = products.index[part]
        out[label] = float(np.mean([h in kept for h in ids]))
    return out


def test_cross_sell_lift_counts_the_household_as_the_customer(sample, metrics):
    truth = _household_retention(sample.policies, "2024-10-31", "2025-10-31")
    k = metrics["cross_sell"]
    assert k["retention_by_product_count"]["1"] == pytest.approx(truth["1"])
    assert k["retention_by_product_count"]["2"] == pytest.approx(truth["2"])
    assert k["retention_lift_1_to_2"] == pytest.approx(truth["2"] - truth["1"])
    assert round(k["retention_lift_1_to_2"], 3) == 0.142  # +14.2 points on the sample, not +5.7
    # The Segments sheet's LTVs use the very same retention.
    assert metrics["segments"]["retention_used_in_ltv"] == k["retention_by_product_count"]


def test_where_policy_retention_is_used_the_sheet_says_so(sample):
    sheets = {s.name: s for s in build_model_sheets(compute_figures(sample, Assumptions()))}
    headings = [lab.text for lab in sheets["Rate Environment"].labels]
    assert any(t.startswith("Policy retention by product") for t in headings)
    notes = {r[0]: r[2] for r in sheets["Rate Environment"].block("measured").rows}
    assert "(policies)" in notes["Current retention"]


# --- 9.7: minimum evidence -----------------------------------------------------------------------

def test_a_loss_ratio_on_few_claims_is_marked_too_few_to_judge(sample, metrics):
    c = sample.claims[_in_window(sample.claims["loss_date"])]
    claims_by_line = c.groupby("product")["claim_number"].nunique()
    shown = metrics["profitability"]["loss_ratio_by_product"]
    minimum = Assumptions().profitability.min_claims_by_line
    expected = sorted(p for p in shown if claims_by_line.get(p, 0) < minimum)
    assert metrics["profitability"]["too_few_claims_to_judge"] == expected
    assert "Auto" not in expected and "Umbrella" in expected
    rows = {r[0]: r for r in {s.name: s for s in build_model_sheets(compute_figures(sample, Assumptions()))}[
        "Profitability"].block("products").rows}
    assert "too few to judge" in rows["Umbrella"][8] and "too few" not in rows["Auto"][8]


def test_timing_windows_with_few_converts_are_too_few_to_judge(metrics):
    k = metrics["cross_sell"]
    minimum = Assumptions().cross_sell.min_conversions
    few = [b for b, t in k["timing"].items() if t["converted"] < minimum]
    assert k["timing_too_few_to_judge"] == few and few
    assert k["best_window"] not in few


def test_recent_losses_are_said_to_be_immature(sample):
    sheet = next(s for s in build_model_sheets(compute_figures(sample, Assumptions())) if s.name == "Profitability")
    card = {r[0]: r for r in sheet.block("bonus_card").rows}
    assert "immature" in card["Loss ratio (12 months)"][2]


# --- 9.6: leads ------------------------------------------------------------------------------------

def test_a_lead_log_without_household_id_values_sold_leads_at_the_books_new_customer_ltv(sample, metrics):
    data = copy.deepcopy(sample)
    data.leads = data.leads.assign(household_id=None)  # the column is optional
    k = all_metrics(data, Assumptions())["leads"]
    assert k["roi_all_vendors"] > 0  # not -100%
    assert k["sold_leads_valued_by_estimate"] == k["leads_sold"] == metrics["leads"]["leads_sold"]
    # The estimate: the average LTV of the book's households first written in the window, each
    # valued as on the Segments sheet.
    from agency_xl.figures.common import common_figures
    from agency_xl.models import segments as seg

    common = common_figures(sample, Assumptions())
    homes = seg.value_households(common.households, common.commission.rate, common.retention.retention)
    new = homes[_in_window(homes["first_date"])]
    assert k["avg_ltv_sold"] == pytest.approx(new["ltv"].mean())
    spend, sold = k["lead_spend"], k["leads_sold"]
    assert k["roi_all_vendors"] == pytest.approx((sold * new["ltv"].mean() - spend) / spend)
    sheet = next(s for s in build_model_sheets(compute_figures(data, Assumptions())) if s.name == "Leads")
    assert "an estimate" in sheet.block("status").rows[0][0]


def _with_vendor(sample: AmsData, name: str, statuses: list[str], days_old: int) -> AmsData:
    data = copy.deepcopy(sample)
    day = pd.Timestamp(data.as_of) - pd.Timedelta(days=days_old)
    extra = pd.DataFrame({c: [None] * len(statuses) for c in data.leads.columns})
    extra = extra.assign(lead_id=[f"{name}-{i}" for i in range(len(statuses))], lead_date=day,
                         vendor=name, cost=40.0, status=statuses)
    data.leads = pd.concat([data.leads, extra.astype({"lead_date": "datetime64[ns]"})], ignore_index=True)
    return data


def test_a_vendor_whose_leads_are_too_young_is_too_new_not_underperforming(sample):
    data = _with_vendor(sample, "FreshLeads", ["New"] * 25, days_old=6)
    k = all_metrics(data, Assumptions())["leads"]
    assert k["vendor_rating"]["FreshLeads"] == "TOO NEW"
    assert "FreshLeads" not in k["reallocation"]


def test_a_vendor_with_few_decided_leads_is_too_few_to_judge_and_gets_no_advice(sample):
    # 10 decided leads, none sold, nothing open: under the minimum of 20 decided leads.
    data = _with_vendor(sample, "TinyLeads", ["Lost"] * 10, days_old=60)
    k = all_metrics(data, Assumptions())["leads"]
    assert k["vendor_rating"]["TinyLeads"] == "TOO FEW TO JUDGE"
    assert k["reallocation_from"] != "TinyLeads" and "TinyLeads" not in k["reallocation"]
