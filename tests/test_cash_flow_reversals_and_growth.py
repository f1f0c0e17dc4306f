"""Issue 9.5: the projection provisions every measured reversal (cancellations and chargebacks,
matched to a sale or not), the fallback is a share of commission dollars, the default growth is
the measured policy growth, and the growth buffer counts the up-front cost of the new business it
assumes. One hand-made agency; every expected figure is worked out in the comments."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.dashboards import cash_flow as sheet_module
from agency_xl.figures import cash_flow as figures

AS_OF = dt.date(2025, 10, 31)
ts = pd.Timestamp


def _row(kind: str, policy: str, eff: str, stmt: str, amount: float) -> dict:
    return {"statement_date": ts(stmt), "policy_number": policy, "product": "Auto", "transaction_type": kind,
            "transaction_effective_date": ts(eff), "premium": float("nan"), "commission_rate": float("nan"),
            "commission_amount": amount}


def statements() -> pd.DataFrame:
    """Nov 2024 - Oct 2025: a $1,000 renewal commission on each month's statement (effective 45
    days before it), one $300 sale, its $150 chargeback, and a $90 cancellation of a renewal that
    no New Business row matches."""
    rows = []
    for month in pd.date_range("2024-11-01", periods=12, freq="MS") + pd.Timedelta(days=14):
        rows.append(_row("Renewal", f"R{month.month}", str((month - pd.Timedelta(days=45)).date()),
                         str(month.date()), 1000.0))
    rows += [_row("New Business", "P1", "2024-12-01", "2025-01-15", 300.0),
             _row("Chargeback", "P1", "2025-03-01", "2025-04-15", -150.0),
             _row("Cancellation", "R9", "2025-04-20", "2025-05-15", -90.0)]
    return pd.DataFrame(rows)


def growth_report() -> pd.DataFrame:
    """Auto: 100 policies in force at the start of Nov 2024, 110 at the end of Oct 2025 (+10%)."""
    months = pd.date_range("2024-11-01", periods=12, freq="MS")
    return pd.DataFrame({"month": months, "product": "Auto",
                         "beginning_pif": [100.0] + [None] * 11, "new_business": 1.0,
                         "renewals_offered": 8.0, "renewals_retained": 7.0, "cancellations": 0.0,
                         "ending_pif": [None] * 11 + [110.0], "renewal_premium": None, "retention_pct": None})


def lead_log() -> pd.DataFrame:
    """Ten $100 leads in the window, two sold: $500 to win a household."""
    return pd.DataFrame({"lead_id": [f"L{i}" for i in range(10)], "lead_date": ts("2025-05-01"),
                         "vendor": "V", "cost": 100.0, "status": ["Sold"] * 2 + ["Lost"] * 8,
                         "sold_date": pd.NaT, "household_id": None, "quoted_premium": None,
                         "products_quoted": None, "homeowner": None, "vehicles": None,
                         "current_carrier": None, "zip": None})


def book() -> pd.DataFrame:
    """Four households in force."""
    return pd.DataFrame({"policy_number": ["1", "2", "3", "4"], "household_id": ["A", "B", "C", "D"],
                         "product": "Auto", "status": "In Force", "original_effective_date": ts("2020-01-01"),
                         "effective_date": pd.NaT, "expiration_date": pd.NaT, "cancel_date": pd.NaT,
                         "annual_premium": 1000.0})


def agency(**tables) -> AmsData:  # noqa: ANN003
    parts = dict(commissions=statements(), growth=growth_report(), leads=lead_log(), policies=book())
    parts.update(tables)
    return AmsData(as_of=AS_OF, **parts)


def built(data: AmsData, settings: Assumptions | None = None):  # noqa: ANN201
    """The sheet and the KPIs `agency-xl metrics` reports, both from the figures a refresh computes."""
    fig = figures.compute(data, settings if settings is not None else Assumptions())
    return sheet_module.build(fig), fig.kpis()


def test_the_provision_is_every_reversal_as_a_share_of_commission():
    sheet, k = built(agency(), Assumptions())
    # Commission earned (reversals left out): 12 x 1,000 + 300 = 12,300 over 12 statement months.
    assert k["monthly_commission"] == pytest.approx(1025.0)
    # Reversals: 150 + 90 = 240 a year, 20 a month; as a share of commission: 20 / 1,025.
    assert k["reversal_share"] == pytest.approx(20 / 1025)
    # The matched chargeback rate (150 of the sale's 300) is shown, but the provision is not
    # rate x new-business share (0.5 x 300 / 12,300 = 1.2%): the unmatched cancellation counts too.
    assert k["chargeback_rate"] == pytest.approx(0.5)
    g = (1.10) ** (1 / 12) - 1
    first = sheet.block("projection").rows[0]
    assert first[1] == pytest.approx(1025 * (1 + g))  # commission earned, month 1
    assert first[2] == pytest.approx(20 / 1025 * 1025 * (1 + g))  # provision for reversals


def test_without_statements_the_fallback_is_a_share_of_commission_dollars():
    sheet, k = built(agency(commissions=None), Assumptions())
    s = Assumptions().cash_flow
    assert k["reversal_share"] == s.fallback_reversal_share == 0.02  # 8% of new policies x 25% NB share
    first = sheet.block("projection").rows[0]
    assert first[2] == pytest.approx(0.02 * first[1])


def test_the_default_growth_is_the_measured_policy_growth_not_the_plans_eight_percent():
    k = built(agency(), Assumptions())[1]
    assert k["monthly_growth_rate"] == pytest.approx(1.10 ** (1 / 12) - 1)  # +10% a year, per month
    assert "10.0% a year" in k["monthly_growth_source"]
    without = built(agency(growth=None), Assumptions())[1]
    assert without["monthly_growth_rate"] == 0 and "growth_rate" in without["fallbacks_used"]
    typed = built(agency(), with_values({"cash_flow.monthly_growth_rate": 0.08}))[1]
    assert typed["monthly_growth_rate"] == 0.08 and typed["monthly_growth_source"] == "Settings"


def test_the_growth_buffer_counts_the_cost_of_the_new_households():
    k = built(agency(), Assumptions())[1]
    wc = k["working_capital"]
    g = 1.10 ** (1 / 12) - 1
    f = (1 + g) ** 3 - 1  # growth over the 3 buffer months
    lag_buffer = 1025 * 45 / 30  # every lag is 45 days
    assert wc["lag_buffer"] == pytest.approx(lag_buffer, abs=0.01)
    # 4 households grow by f; each new one costs $500 (lead spend 1,000 / 2 sold).
    assert k["cost_per_new_household"] == pytest.approx(500.0)
    assert wc["new_business_cost"] == pytest.approx(4 * f * 500, abs=0.01)
    assert wc["growth_buffer"] == pytest.approx(lag_buffer * f + 4 * f * 500, abs=0.01)
    assert wc["total"] == pytest.approx(42_000 * 3 + lag_buffer * f + 4 * f * 500 + lag_buffer, abs=0.02)


def test_the_projection_uses_no_seasonal_factors_as_its_doc_says():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "models" / "seasonality.md").read_text()
    assert "does not apply them" in doc
    # Strongly seasonal sales do not change the cash-flow projection.
    sales = pd.DataFrame({"policy_number": [f"S{i}" for i in range(40)], "household_id": "A", "product": "Auto",
                          "issue_date": [ts("2024-04-10")] * 30 + [ts("2024-10-10")] * 10, "premium": 1000.0})
    flat = built(agency(), Assumptions())[0].block("projection").rows
    seasonal = built(agency(sales=sales), Assumptions())[0].block("projection").rows
    assert flat == seasonal
    assert not math.isnan(flat[0][1])
