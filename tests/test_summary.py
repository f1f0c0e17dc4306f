"""The Summary sheet (issue 15.1): each value is the figure its own sheet shows and metrics reports;
arrows against the last refresh point the way the two recorded snapshots say; no past, no arrow;
the actions ranked by the dollars at stake."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from agency_xl import history
from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.cli import main as cli
from agency_xl.dashboards import build_all
from agency_xl.dashboards.summary import SHEET_NAMES
from agency_xl.figures import compute_figures
from agency_xl.figures.past import PastRefreshes
from agency_xl.figures.summary import Action, action_candidates, bonus_headroom, new_policies, rank_actions
from agency_xl.models.leads import Reallocation
from agency_xl.metrics import metrics_of

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    data = read_exports(SAMPLE)
    fig = compute_figures(data, Assumptions())
    sheets = {s.name: s for s in build_all(data, Assumptions(), str(SAMPLE), figures=fig)}
    return data, fig, sheets, metrics_of(fig)


def card(sheet, label: str):
    """The value beside ``label`` in the first column of any block of ``sheet``."""
    for b in sheet.blocks:
        for row in b.rows:
            if row and row[0] == label:
                return row[1]
    raise KeyError(f"{sheet.name}: no row {label!r}")


def shown(sheets) -> dict[str, list]:
    """The Summary's headline rows by measure: [now, arrow, last, note]."""
    return {r[0]: r[1:] for r in sheets["Summary"].block("headlines").rows}


def test_each_summary_value_is_its_own_sheets_figure_and_in_metrics(sample):
    data, fig, sheets, metrics = sample
    rows = shown(sheets)
    rate, prof, cash, cross = (sheets[n] for n in ("Rate Environment", "Profitability", "Cash Flow", "Cross-Sell"))
    # Base facts of issue #2 (an independent count of the book, by status).
    assert rows["Premium in force"][0] == pytest.approx(metrics["premium_in_force"], abs=0.005)
    assert rows["Premium in force"][0] == pytest.approx(card(rate, "Premium in force"), abs=0.005)
    assert rows["Policies in force"][0] == metrics["policies_in_force"]
    assert rows["Policies in force"][3] == f"{metrics['households']:,} households"
    # The carrier's retention: Rate Environment's current retention, measured on the growth report.
    assert rows["Policy retention (carrier's definition)"][0] == card(rate, "Current retention")
    assert rows["Policy retention (carrier's definition)"][0] == pytest.approx(
        metrics["rate_environment"]["current_retention"], abs=5e-7)
    assert rows["Loss ratio (12 months)"][0] == card(prof, "Loss ratio (12 months)")
    assert rows["Loss ratio (12 months)"][0] == pytest.approx(metrics["profitability"]["loss_ratio"])
    assert card(prof, "Bonus status") == "FULL_BONUS" and rows["Carrier bonus"][0] == "Full bonus"
    # Distance to the next band by hand: (full threshold - combined ratio) x earned premium.
    cr, earned = card(prof, "Combined ratio (12 months)"), card(prof, "Earned premium (12 months)")
    assert rows["Losses to the next bonus band (12 months)"][0] == pytest.approx((0.95 - cr) * earned)
    assert rows["Cash on hand"][0] == card(cash, "Cash on hand")
    assert rows["Cash runway (months)"][0] == card(cash, "Runway at that burn (months)")
    assert rows["Products per household"][0] == card(cross, "Average products per household")
    assert rows["Products per household"][0] == pytest.approx(metrics["products_per_household"], abs=5e-5)
    # New policies: sales rows by issue month, counted here; the sample ends on 31 October.
    months = pd.to_datetime(data.sales["issue_date"]).dt.to_period("M").value_counts()
    assert rows["New policies, Oct 2025"][0] == months[pd.Period("2025-10")] == metrics["sales_by_month"]["2025-10"]
    assert rows["  the month before (Sep 2025)"][0] == months[pd.Period("2025-09")]
    assert rows["  same month last year (Oct 2024)"][0] == months[pd.Period("2024-10")]
    # The same numbers under metrics' "summary".
    s = metrics["summary"]
    assert s["premium_in_force"] == rows["Premium in force"][0]
    assert s["retention"] == rows["Policy retention (carrier's definition)"][0]
    assert s["new_policies"] == rows["New policies, Oct 2025"][0] and s["new_policies_month"] == "2025-10"
    assert [a["what"] for a in s["actions"]] == [r[0] for r in sheets["Summary"].block("actions").rows]


def test_every_line_links_to_a_sheet_of_the_workbook(sample):
    _, fig, sheets, _ = sample
    summary = sheets["Summary"]
    targets = [f.formula for f in summary.formulas]
    assert len(targets) == len(fig.summary.headlines) + 3
    for h, f in zip(fig.summary.headlines, targets):
        assert f.startswith(f'=HYPERLINK("#\'{SHEET_NAMES[h.sheet]}\'!A1"')
    assert set(SHEET_NAMES.values()) <= set(sheets)
    for row in summary.block("actions").rows:
        assert row[2] in sheets
    assert any("#'Summary'!A1" in f.formula for f in sheets["Home"].formulas)
    names = list(sheets)
    assert names[:4] == ["Home", "Summary", "Scorecard", "Settings"]  # the Scorecard beside it (issue 13.4)


def test_no_past_no_arrow(sample):
    _, fig, sheets, _ = sample
    assert all(r[1] is None and r[2] is None for r in shown(sheets).values())
    assert "No arrows yet" in fig.summary.past_note and fig.summary.compared_with is None
    # A snapshot of this very date or a later one is not "last month".
    later = PastRefreshes(kpis=pd.DataFrame({"summary.loss_ratio": [0.1, 0.2]},
                                            index=[fig.data.as_of, fig.data.as_of + dt.timedelta(days=30)]))
    again = compute_figures(fig.data, Assumptions(), later).summary
    assert not any(h.arrow for h in again.headlines)


def test_arrows_follow_a_hand_built_past(sample):
    data, _, _, _ = sample
    past = PastRefreshes(kpis=pd.DataFrame(
        {"premium_in_force": [1.0, 5e9], "profitability.loss_ratio": [0.9, 0.1], "summary.loss_ratio": [None, None],
         "summary.cash_on_hand": [1.0, 150_000.0]},
        index=[dt.date(2025, 8, 31), dt.date(2025, 9, 30)]))
    s = compute_figures(data, Assumptions(), past).summary
    assert s.compared_with == dt.date(2025, 9, 30)
    premium, loss, cash = (s.headline(k) for k in ("premium_in_force", "loss_ratio", "cash_on_hand"))
    assert (premium.arrow, premium.verdict, premium.last) == ("▼", "worse", 5e9)
    # The Summary's own name was not recorded (None): the loss ratio under profitability's is used;
    # it rose (0.597 now), and up is worse for a loss ratio.
    assert (loss.arrow, loss.verdict, loss.last) == ("▲", "worse", 0.1)
    assert (cash.arrow, cash.verdict) == ("=", "same")
    assert s.headline("retention").arrow == ""  # not recorded: no arrow


@pytest.fixture(scope="module")
def two_refreshes(tmp_path_factory):
    """The sample agency as of 31 August, then as of 31 October, refreshed into one workbook by the
    command line (the second refresh reads the first's snapshot from the history beside it)."""
    root = tmp_path_factory.mktemp("two")
    book = root / "book.xlsx"
    for day in ("2025-08-31", "2025-10-31"):
        assert cli(["sample-data", "--out", str(root / day), "--as-of", day]) == 0
        assert cli(["refresh", "--exports", str(root / day), "--out", str(book)]) == 0
    return book


def test_arrows_of_two_refreshes_point_the_right_way(two_refreshes):
    path = history.history_path(two_refreshes)
    before, now = history.kpis_at(path, dt.date(2025, 8, 31)), history.kpis_at(path, dt.date(2025, 10, 31))
    ws = openpyxl.load_workbook(two_refreshes)["Summary"]
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 5)] for r in range(7, 19)}
    names = {"Premium in force": "premium_in_force", "Policies in force": "policies_in_force",
             "Policy retention (carrier's definition)": "retention", "Loss ratio (12 months)": "loss_ratio",
             "Losses to the next bonus band (12 months)": "bonus_headroom", "Cash on hand": "cash_on_hand",
             "Cash runway (months)": "cash_runway_months", "Products per household": "products_per_household",
             "New policies, Oct 2025": "new_policies"}
    down_is_better = {"loss_ratio"}
    checked = 0
    for label, key in names.items():
        value, arrow, last = rows[label]
        a, b = before[f"summary.{key}"], now[f"summary.{key}"]
        assert value == pytest.approx(b) and last == pytest.approx(a)
        direction = "=" if math.isclose(a, b, rel_tol=1e-9) else ("▲" if b > a else "▼")
        good = {"▲": "worse" if key in down_is_better else "better",
                "▼": "better" if key in down_is_better else "worse", "=": "same"}[direction]
        assert arrow == f"{direction} {good}", label
        checked += direction != "="
    assert checked >= 5  # the two months differ on most lines
    assert "2025-08-31" in ws["A2"].value


def test_bonus_headroom_by_hand():
    assert bonus_headroom(0.90, 1_000_000, 0.95, 1.00) == pytest.approx(50_000)  # room before reduced
    assert bonus_headroom(0.97, 1_000_000, 0.95, 1.00) == pytest.approx(-20_000)  # to cut for full
    assert bonus_headroom(1.03, 1_000_000, 0.95, 1.00) == pytest.approx(-30_000)  # to cut for reduced
    assert bonus_headroom(None, 1_000_000, 0.95, 1.00) is None


def test_new_policies_in_complete_months():
    sales = pd.DataFrame({"issue_date": pd.to_datetime(
        ["2024-11-03", "2025-09-01", "2025-09-30", "2025-10-02", "2025-10-31", "2025-10-15", "2025-11-01"])})
    # Mid-November: October is the last complete month; November's sale is left out.
    n = new_policies(sales, dt.date(2025, 11, 14), "sales export")
    assert (str(n.month), n.this_month, n.last_month, n.same_month_last_year) == ("2025-10", 3, 2, None)
    n = new_policies(sales, dt.date(2025, 11, 30), "sales export")
    assert (str(n.month), n.this_month, n.last_month, n.same_month_last_year) == ("2025-11", 1, 3, 1)
    # A month inside the history without a sale counts 0.
    assert new_policies(sales, dt.date(2025, 8, 31), "x").this_month == 0
    assert new_policies(None, dt.date(2025, 8, 31), "x") is None


def test_rank_actions_by_dollars_at_stake():
    acts = [Action("a", 10.0, "segments", ""), Action("b", 300.0, "cash_flow", ""), Action("c", 0.0, "x", ""),
            Action("d", float("nan"), "x", ""), Action("e", 200.0, "x", ""), Action("f", 200.0, "y", "")]
    assert [a.what for a in rank_actions(acts)] == ["b", "e", "f"]
    assert [a.what for a in rank_actions(acts[:2])] == ["b", "a"]
    assert rank_actions([]) == ()
    # An alert comes before any opportunity, however small.
    alert = Action("cash", 5.0, "cash_flow", "", alert=True)
    assert [a.what for a in rank_actions(acts + [alert])] == ["cash", "b", "e"]


def _hand_built(status: str = "REDUCED_BONUS"):
    """Figures made by hand: each alert and opportunity the Summary ranks, with known dollars."""
    settings = SimpleNamespace(bonus_full_threshold=0.95, bonus_partial_threshold=1.0, bonus_full_rate=0.01,
                               bonus_partial_rate=0.005)
    up = SimpleNamespace(customers=400, upgrades=60, upgrade_rate=0.15, ltv_gain=2_000.0, value=120_000.0)
    up2 = SimpleNamespace(customers=100, upgrades=15, upgrade_rate=0.15, ltv_gain=1_000.0, value=15_000.0)
    return SimpleNamespace(
        cash_flow=SimpleNamespace(burn=SimpleNamespace(status="ALERT", lowest_cash=-80_000.0, shortfall=50_000.0,
                                                       runs_out_month=7)),
        profitability=SimpleNamespace(settings=settings, combined_ratio=0.97, premium_in_force=2_000_000.0,
                                      summary=SimpleNamespace(earned_premium=1_500_000.0), bonus_status=status,
                                      risk_level="HIGH"),
        segments=SimpleNamespace(upgrades={"Standard -> Premium": up, "Premium -> Elite": up2}, allocation=None,
                                 roi_gain=None),
        referrals=SimpleNamespace(high_propensity=SimpleNamespace(count=40, ltv_gain=30_000.0, conversions=3.0,
                                                                  groups="2 products 3+ yrs")),
        rate_environment=SimpleNamespace(impact=SimpleNamespace(severity="LOW", added_churn=0.001, rate_increase=0.05)),
        # Cross-Sell's opportunity table, largest total first: 200 Auto-only households x 15% = 30
        # sales x $1,500 = $45,000; the second segment is not an action of its own.
        cross_sell=SimpleNamespace(opportunities=pd.DataFrame({
            "label": ["Auto only", "Home only"], "customers": [200, 90], "next_product": ["Home", "Auto"],
            "conversion": [0.15, 0.10], "source": ["measured", "Settings"], "expected_converts": [30.0, 9.0],
            "ltv_increase": [1_500.0, 1_000.0], "total": [45_000.0, 9_000.0]})),
        # Leads: move $3,000 from a vendor at ROI 100% to one at 400%: 3,000 x 3 = $9,000 of LTV.
        leads=SimpleNamespace(reallocation=Reallocation(3_000.0, "ClickQuote", "PrimeQuote Leads", 9_000.0,
                                                        "Shift ...", "Rule ...")),
    )


def test_actions_ranked_from_hand_built_figures():
    found = action_candidates(_hand_built())
    # Bonus: reduced today; the full bonus is worth 2,000,000 x (1% - 0.5%) = 10,000 and needs
    # (0.97 - 0.95) x 1,500,000 = 30,000 fewer losses.
    bonus = [a for a in found if a.sheet == "profitability"]
    assert len(bonus) == 1 and bonus[0].at_stake == pytest.approx(10_000)
    assert "$30,000" in bonus[0].what and "full bonus" in bonus[0].what
    top = rank_actions(found)
    # Upgrades 120,000; cash: the lowest projected cash, 80,000 below $0 (more than the 50,000
    # shortfall); the cross-sell 45,000. Then referrals 30,000, Premium -> Elite 15,000, the bonus
    # 10,000 and the lead-spend shift 9,000.
    # The cash-burn ALERT ranks first: an alert before any opportunity.
    assert [(a.sheet, a.at_stake) for a in top] == [("cash_flow", 80_000.0), ("segments", 120_000.0),
                                                    ("cross_sell", 45_000.0)]
    assert "$80,000" in top[0].what and "400 Standard households" in top[1].what
    assert top[2].what.startswith("Offer Home to 200 Auto only households (30 sales expected)")
    leads = [a for a in found if a.sheet == "leads"]
    assert len(leads) == 1 and leads[0].at_stake == 9_000.0
    assert "$3,000" in leads[0].what and "ClickQuote to PrimeQuote Leads" in leads[0].what
    assert len(found) == 7  # the LOW rate increase and the second cross-sell segment are not actions


def test_no_cross_sell_or_lead_action_without_one():
    fig = _hand_built()
    fig.cross_sell = SimpleNamespace(opportunities=None)  # no book
    fig.leads = SimpleNamespace(reallocation=Reallocation(0.0, None, None, 0.0, "No shift recommended", "Rule"))
    assert {a.sheet for a in action_candidates(fig)} == {"segments", "cash_flow", "referral_growth",
                                                         "profitability"}
    fig.leads = SimpleNamespace(reallocation=None)  # no lead log
    assert "leads" not in {a.sheet for a in action_candidates(fig)}


def test_the_summary_renders_filled(sample, tmp_path):
    """The Summary written to a workbook holds its numbers with their formats and its links."""
    from agency_xl.excel.builder import build_workbook

    _, _, sheets, _ = sample
    path = tmp_path / "s.xlsx"
    build_workbook(list(sheets.values()), path)
    ws = openpyxl.load_workbook(path)["Summary"]
    assert ws["B7"].number_format.startswith('"$"#,##0') and ws["B7"].value == pytest.approx(3711035.34)
    assert ws["B12"].number_format == "0.0%"
    assert str(ws["F7"].value).startswith("=HYPERLINK(")
