"""Issue 9.3 (the bonus is on P&C lines: Life is shown apart, a Settings list) and 9.4 (no alert
from missing history; revenue growth measured from what the exports hold, labelled by what it
measures). Hand-made agencies whose answers are worked out in the comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from agency_xl.ams import AmsData, read_exports
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.dashboards import profitability as sheet_module
from agency_xl.figures import profitability as profitability_figures
from agency_xl.figures.common import common_figures
from agency_xl.metrics import all_metrics

AS_OF = dt.date(2025, 10, 31)
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
ts = pd.Timestamp



class Built:
    """The Profitability sheet laid out from its figures, with the KPIs `agency-xl metrics` reports."""

    def __init__(self, data: AmsData, settings: Assumptions) -> None:
        fig = profitability_figures.compute(data, settings, common_figures(data, settings))
        self.sheet, self.kpis = sheet_module.build(fig), fig.kpis()

    def block(self, key: str):  # noqa: ANN201
        return self.sheet.block(key)


def build(data: AmsData, settings: Assumptions) -> Built:
    return Built(data, settings)

def _book(life: bool = True) -> pd.DataFrame:
    """Ten Auto policies of $3,650 a year ($10 a day each) in force since 2020, and one Life policy
    of $1,000: over Nov 2024 - Oct 2025 (365 days) the Auto line earns $36,500, Life $1,000."""
    rows = [{"policy_number": f"A{i}", "household_id": f"H{i}", "product": "Auto", "status": "In Force",
             "original_effective_date": ts("2020-01-01"), "effective_date": pd.NaT, "expiration_date": pd.NaT,
             "cancel_date": pd.NaT, "annual_premium": 3650.0} for i in range(10)]
    if life:
        rows.append({"policy_number": "L1", "household_id": "H0", "product": "Life", "status": "In Force",
                     "original_effective_date": ts("2020-01-01"), "effective_date": pd.NaT,
                     "expiration_date": pd.NaT, "cancel_date": pd.NaT, "annual_premium": 1000.0})
    return pd.DataFrame(rows)


def _claims(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "claim_number": [r[0] for r in rows], "policy_number": "A1", "product": [r[1] for r in rows],
        "loss_date": pd.to_datetime([r[2] for r in rows]), "incurred_loss": [r[3] for r in rows],
        "paid_loss": [r[3] for r in rows], "reserve": 0.0,
    })


# --- 9.3: the lines in the loss ratio and bonus ----------------------------------------------------

def test_a_life_death_claim_does_not_take_the_bonus_away():
    claims = _claims([("C1", "Auto", "2025-03-10", 20_000.0), ("C2", "Life", "2025-06-01", 250_000.0)])
    data = AmsData(policies=_book(), claims=claims, as_of=AS_OF)
    k = build(data, Assumptions()).kpis
    # Auto only: 20,000 / 36,500 = 54.8% + 25% expenses = 79.8% -> full bonus.
    assert k["loss_ratio"] == pytest.approx(20_000 / 36_500)
    assert k["combined_ratio"] == pytest.approx(20_000 / 36_500 + 0.25)
    assert k["bonus_status"] == "FULL_BONUS"
    assert k["incurred_losses_12m"] == 20_000 and k["incurred_losses_12m_other_lines"] == 250_000
    assert k["earned_premium_12m"] == pytest.approx(36_500)
    # The estimated bonus is on the bonus lines' premium in force: 10 x 3,650 x 1%.
    assert k["estimated_bonus"] == pytest.approx(365.0)
    # Life is shown apart, marked.
    rows = {r[0]: r for r in build(data, Assumptions()).block("products").rows}
    assert "outside the bonus" in rows["Life"][8] and "outside the bonus" not in rows["Auto"][8]


def test_the_lines_are_a_settings_list():
    claims = _claims([("C1", "Auto", "2025-03-10", 20_000.0), ("C2", "Life", "2025-06-01", 250_000.0)])
    data = AmsData(policies=_book(), claims=claims, as_of=AS_OF)
    every_line = with_values({"profitability.lines_outside_bonus": ""})
    k = build(data, every_line).kpis
    # All lines: 270,000 / 37,500 = 720% -> no bonus; nothing outside.
    assert k["loss_ratio"] == pytest.approx(270_000 / 37_500)
    assert k["bonus_status"] == "NO_BONUS" and k["incurred_losses_12m_other_lines"] == 0
    auto_out = with_values({"profitability.lines_outside_bonus": "life, Auto"})
    k = build(data, auto_out).kpis
    assert k["incurred_losses_12m"] == 0 and k["incurred_losses_12m_other_lines"] == 270_000


def test_metrics_report_both_loss_figures_on_the_sample():
    k = all_metrics(read_exports(SAMPLE), Assumptions())["profitability"]
    c = read_exports(SAMPLE).claims
    w = (c["loss_date"] >= "2024-11-01") & (c["loss_date"] <= "2025-10-31")
    life = c["product"] == "Life"
    assert k["incurred_losses_12m"] == pytest.approx(c.loc[w & ~life, "incurred_loss"].sum(), abs=0.01)
    assert k["incurred_losses_12m_other_lines"] == pytest.approx(c.loc[w & life, "incurred_loss"].sum(), abs=0.01)
    assert k["lines_outside_bonus"] == ["Life"]


# --- 9.4: growth compared over the months the exports cover --------------------------------------

def _monthly_claims(first: str, last: str, amount: float = 1000.0) -> pd.DataFrame:
    days = pd.date_range(first, last, freq="MS") + pd.Timedelta(days=9)
    return _claims([(f"C{i}", "Auto", str(d.date()), amount) for i, d in enumerate(days)])


def test_months_before_the_claims_export_are_not_a_loss_free_year():
    # Claims start in May 2024: $1,000 every month. The book earns the same every month.
    data = AmsData(policies=_book(life=False), claims=_monthly_claims("2024-05-01", "2025-10-31"), as_of=AS_OF)
    sheet = build(data, Assumptions())
    k = sheet.kpis
    # Compared: May - Oct of each year (6 months). Revenue: 10 x $10 x 184 days = 18,400 both years;
    # losses 6,000 both; profit 18,400 x 0.75 - 6,000 = 7,800 both -> 0% and 0%, no warning.
    # (Counting Nov 2023 - Apr 2024 as loss-free gave the prior year 6,000 of losses against 12,000.)
    assert k["growth_months_compared"] == 6
    assert k["revenue_growth"] == pytest.approx(0.0, abs=1e-12)
    assert k["profit_growth"] == pytest.approx(0.0, abs=1e-12)
    assert k["growth_gap_warning"] is False
    assert "6 months the exports cover" in sheet.block("growth_card").rows[1][2]


def test_too_little_claims_history_says_so_instead_of_alerting():
    data = AmsData(policies=_book(life=False), claims=_monthly_claims("2024-09-01", "2025-10-31"), as_of=AS_OF)
    sheet = build(data, Assumptions())
    assert sheet.kpis["profit_growth"] is None and sheet.kpis["growth_gap_warning"] is False
    card = {r[0]: r for r in sheet.block("growth_card").rows}
    assert card["Warning"][1] == "TOO LITTLE HISTORY"
    assert card["Warning"][2].startswith("Too little history to compare")
    # The loss-ratio trend shows no losses for months the claims export does not reach: unknown.
    trend = build(data, Assumptions()).block("trend").rows
    assert all(r[2] is not None for r in trend)  # Nov 2024 on: covered


def _statements(before: float, now: float) -> pd.DataFrame:
    """One Renewal row per month on the 15th: $before of premium a month from Nov 2023 to Oct 2024,
    $now a month from Nov 2024 to Oct 2025, commission 10% of it."""
    months = pd.date_range("2023-11-01", periods=24, freq="MS") + pd.Timedelta(days=14)
    premium = [before] * 12 + [now] * 12
    return pd.DataFrame({"statement_date": months, "policy_number": "A1", "product": "Auto",
                         "transaction_type": "Renewal", "transaction_effective_date": months - pd.Timedelta(days=45),
                         "premium": premium, "commission_rate": 0.1,
                         "commission_amount": [p * 0.1 for p in premium]})


def test_revenue_growth_is_the_written_premium_on_the_statements_and_says_so():
    data = AmsData(policies=_book(life=False), claims=_monthly_claims("2023-11-01", "2025-10-31"),
                   commissions=_statements(10_000.0, 11_500.0), as_of=AS_OF)
    sheet = build(data, Assumptions())
    k = sheet.kpis
    # Written premium 138,000 vs 120,000: +15% (rate increases included: the book's today's-price
    # earned premium would show 0%). Profit: 138,000 x 0.75 - 12,000 = 91,500 vs 78,000.
    assert k["revenue_growth_measures"] == "written premium growth (commission statements)"
    assert k["revenue_growth"] == pytest.approx(0.15)
    assert k["profit_growth"] == pytest.approx(91_500 / 78_000 - 1)
    assert k["growth_gap_warning"] is False
    assert sheet.block("growth").rows[0][0] == "Written premium growth (commission statements)"
    # Without the Premium column the statements give commission growth, labelled so.
    no_premium = AmsData(policies=_book(life=False), claims=data.claims,
                         commissions=data.commissions.assign(premium=float("nan")), as_of=AS_OF)
    k = build(no_premium, Assumptions()).kpis
    assert k["revenue_growth_measures"].startswith("commission growth")
    assert k["revenue_growth"] == pytest.approx(0.15)
    # Without statements: the book's earned premium at today's prices, labelled so.
    book_only = AmsData(policies=_book(life=False), claims=data.claims, as_of=AS_OF)
    k = build(book_only, Assumptions()).kpis
    # (365 days earned this year against 366 in the year with 29 Feb 2024.)
    assert "at today's prices" in k["revenue_growth_measures"] and k["revenue_growth"] == pytest.approx(365 / 366 - 1)


def test_sample_revenue_growth_matches_the_statements_counted_independently():
    data = read_exports(SAMPLE)
    k = all_metrics(data, Assumptions())["profitability"]
    c = data.commissions[data.commissions["product"] != "Life"]
    now = c[(c["statement_date"] >= "2024-11-01") & (c["statement_date"] <= "2025-10-31")]["premium"].sum()
    before = c[(c["statement_date"] >= "2023-11-01") & (c["statement_date"] <= "2024-10-31")]["premium"].sum()
    assert k["revenue_growth"] == pytest.approx(now / before - 1, rel=1e-9)
    assert k["growth_months_compared"] == 12
