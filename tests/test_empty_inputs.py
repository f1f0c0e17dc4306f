"""Issue 10 items 1 and 2 (model side): empty and extreme inputs flow through every model and the
whole workbook (``build_all``) and ``metrics`` - a sheet with nothing in its window says "no data
in the window", never raises.

Each case starts from the sample agency as the reader hands it over and changes one table the way
a real folder can: a lead log with no sale (a vendor trial that has not converted), leads or
claims all older than the window, no referrals, a single household, a single month of history, a
typo'd run date decades away, amounts near the largest float.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from agency_xl.ams import AmsData, read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_all
from agency_xl.metrics import all_metrics

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
# 1e308 amounts overflow to infinity in sums: numpy says so; the figures show it, nothing raises.
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning",
                                        "ignore:invalid value encountered:RuntimeWarning")
LONG_AGO = pd.Timestamp("2019-01-01")


@pytest.fixture(scope="module")
def sample() -> AmsData:
    return read_exports(SAMPLE)


def _no_sale(d: AmsData) -> None:
    d.leads = d.leads.assign(status=d.leads["status"].replace("Sold", "Lost"), household_id=None)


def _old_leads(d: AmsData) -> None:
    d.leads = d.leads.assign(lead_date=LONG_AGO, sold_date=LONG_AGO)


def _single_household(d: AmsData) -> None:
    first = d.policies["household_id"].iloc[0]
    d.policies = d.policies[d.policies["household_id"] == first]


def _single_month(d: AmsData) -> None:
    """Every export holds one month: October 2025."""
    day = pd.Timestamp("2025-10-05")
    for report, column in [("policies", "original_effective_date"), ("claims", "loss_date"),
                           ("commissions", "statement_date"), ("sales", "issue_date"),
                           ("leads", "lead_date"), ("referrals", "referral_date")]:
        setattr(d, report, d.table(report).assign(**{column: day}))
    d.commissions = d.commissions.assign(transaction_effective_date=pd.Timestamp("2025-09-20"))
    d.growth = d.growth[d.growth["month"] == d.growth["month"].max()]


def _all_dated(d: AmsData, day: dt.date) -> None:
    """The book and every other export dated ``day`` (their data stays where it was)."""
    d.as_of = day
    d.coverage = {key: (first, day) for key, (first, _) in d.coverage.items()}


CASES = {
    "empty lead log": lambda d: setattr(d, "leads", d.leads.iloc[0:0]),
    "all leads older than the window": _old_leads,
    "no lead sold": _no_sale,
    "no claims in the window": lambda d: setattr(d, "claims", d.claims.assign(loss_date=LONG_AGO)),
    "empty claims export": lambda d: setattr(d, "claims", d.claims.iloc[0:0]),
    "no referrals": lambda d: setattr(d, "referrals", d.referrals.iloc[0:0]),
    "empty commission statements": lambda d: setattr(d, "commissions", d.commissions.iloc[0:0]),
    "empty book of business": lambda d: setattr(d, "policies", d.policies.iloc[0:0]),
    "a single household": _single_household,
    "a single month of history": _single_month,
    # Every file dated decades away (the reader warns; the windows follow the dates): each report's
    # coverage ends there too, so every window moves.
    "run date far in the future": lambda d: _all_dated(d, dt.date(2052, 6, 15)),
    "run date far in the past": lambda d: _all_dated(d, dt.date(1999, 6, 15)),
    "1e308 premiums": lambda d: setattr(d, "policies", d.policies.assign(annual_premium=1e308)),
    "1e308 claims": lambda d: setattr(d, "claims", d.claims.assign(incurred_loss=1e308, paid_loss=1e308)),
    "1e308 commissions": lambda d: setattr(d, "commissions",
                                           d.commissions.assign(commission_amount=1e308, premium=1e308)),
    "1e308 lead costs": lambda d: setattr(d, "leads", d.leads.assign(cost=1e308, quoted_premium=1e308)),
    "1e308 policies in the growth report": lambda d: setattr(d, "growth",
                                                             d.growth.assign(beginning_pif=1e308, ending_pif=1e308)),
}


def _variant(sample: AmsData, case: str) -> AmsData:
    d = copy.deepcopy(sample)
    CASES[case](d)
    return d


def _status(sheets: list, name: str) -> str:
    return next(s for s in sheets if s.name == name).block("status").rows[0][0]


@pytest.mark.parametrize("case", list(CASES))
def test_every_sheet_and_metrics_build_without_raising(sample, case):
    data = _variant(sample, case)
    sheets = build_all(data, Assumptions(), "exports")
    for sheet in sheets:
        sheet.validate()
    metrics = all_metrics(data, Assumptions())
    json.dumps(metrics, default=str)  # the `metrics` command's JSON can be written


def test_a_lead_log_with_no_sale_says_so_and_rates_nothing(sample):
    # Today on main: TypeError "operation 'radd' not supported for dtype 'str'" in cac_by_segment.
    data = _variant(sample, "no lead sold")
    k = all_metrics(data, Assumptions())["leads"]
    assert k["leads_sold"] == 0 and k["cac"] is None
    assert k["roi_all_vendors"] == pytest.approx(-1.0)  # money spent, nothing sold: -100%, honestly
    assert set(k["vendor_rating"].values()) <= {"UNDERPERFORMING", "TOO NEW", "TOO FEW TO JUDGE"}


@pytest.mark.parametrize("case", ["empty lead log", "all leads older than the window"])
def test_leads_sheet_says_no_data_in_the_window(sample, case):
    sheets = build_all(_variant(sample, case), Assumptions(), "exports")
    assert _status(sheets, "Leads").startswith("No data in the window (Nov 2024 - Oct 2025)")


@pytest.mark.parametrize("case", ["no claims in the window", "empty claims export"])
def test_profitability_says_no_claims_in_the_window(sample, case):
    data = _variant(sample, case)
    sheets = build_all(data, Assumptions(), "exports")
    assert _status(sheets, "Profitability").startswith("No data in the window (Nov 2024 - Oct 2025): no claim")
    k = all_metrics(data, Assumptions())["profitability"]
    assert k["incurred_losses_12m"] == 0 and k["loss_ratio"] == 0


def test_referrals_sheet_says_no_data_in_the_window(sample):
    sheets = build_all(_variant(sample, "no referrals"), Assumptions(), "exports")
    assert _status(sheets, "Referrals").startswith("No data in the window (Nov 2024 - Oct 2025)")


def test_only_the_books_run_date_mistyped_moves_only_the_books_windows(sample):
    """Issue 10.7: each figure's window ends where its own export's data ends. A book whose run
    date says 2052 leaves the lead and referral windows where their own exports end."""
    data = copy.copy(sample)
    data.as_of = dt.date(2052, 6, 15)
    sheets = build_all(data, Assumptions(), "exports")
    for name in ("Leads", "Referrals"):
        assert "12 months = Nov 2024 - Oct 2025" in _status(sheets, name), name


def test_a_run_date_decades_away_leaves_the_windows_empty_not_broken(sample):
    data = _variant(sample, "run date far in the future")
    sheets = build_all(data, Assumptions(), "exports")
    for name in ("Leads", "Referrals", "Profitability"):
        assert _status(sheets, name).startswith("No data in the window (Jun 2051 - May 2052)"), name


def test_a_single_month_of_history_is_too_little_to_compare_growth(sample):
    data = _variant(sample, "a single month of history")
    k = all_metrics(data, Assumptions())["profitability"]
    assert k["profit_growth"] is None and k["growth_gap_warning"] is False
    sheets = build_all(data, Assumptions(), "exports")
    card = {r[0]: r for r in next(s for s in sheets if s.name == "Profitability").block("growth_card").rows}
    assert card["Warning"][1] == "TOO LITTLE HISTORY" and card["Warning"][2].startswith("Too little history")


def test_huge_premiums_give_numbers_or_blanks_not_errors(sample):
    data = _variant(sample, "1e308 premiums")
    k = all_metrics(data, Assumptions())["rate_environment"]
    # The premium in force overflows to infinity: shown as it is, the live tables show the
    # function's own message instead of failing the refresh.
    assert math.isinf(k["premium_in_force"]) or k["premium_in_force"] > 1e300
    sheets = build_all(data, Assumptions(), "exports")
    rate = next(s for s in sheets if s.name == "Rate Environment")
    scenarios = next(f for f in rate.formulas if f.name == "scenarios")
    assert str(scenarios.values[0][0]).startswith("#VALUE! annual_premium must be")
