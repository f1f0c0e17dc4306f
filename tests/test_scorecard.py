"""Issue 13.4: the Scorecard. Each value equals the figure its own sheet shows (read from that
sheet's description), statuses at and around every boundary, past values from the history of
earlier refreshes (a two-refresh sequence through the command line), and a Scorecard that still
fills when the history cannot be read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from agency_xl import history
from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.cli import main
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import Block, Sheet
from agency_xl.excel.refresh_history import figures_and_sheets
from agency_xl.figures import compute_figures
from agency_xl.figures import scorecard as sc
from agency_xl.figures.backtest import backtests, forecast_accuracy
from agency_xl.figures.past import PastRefreshes
from agency_xl.metrics import metrics_of

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
KEYS = ["products_per_household", "elite_and_premium_share", "referral_cac", "policy_growth",
        "forecast_accuracy", "combined_ratio"]


@pytest.fixture(scope="module")
def sample():
    return read_exports(SAMPLE)


@pytest.fixture(scope="module")
def built(sample):
    figures = compute_figures(sample, Assumptions())
    sheets = build_all(sample, Assumptions(), str(SAMPLE), figures=figures)
    return figures, {s.name: s for s in sheets}


def row_value(sheet: Sheet, label: str, column: int = 1) -> object:
    """The value beside ``label`` in the first column of any block of ``sheet``."""
    for b in sheet.blocks:
        for row in b.rows:
            if row and row[0] == label:
                return row[column]
    raise KeyError(f"{sheet.name}: no row {label!r}")


def scorecard_now(sheet: Sheet) -> dict[str, object]:
    """The Scorecard table's "Now" column by target name."""
    block = sheet.block("targets")
    return {row[0]: row[1] for row in block.rows}


# --- statuses ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, kind, target, high, expected", [
    (1.8, sc.AT_LEAST, 1.8, None, sc.ON_TRACK),  # reaching the target is on track
    (1.7999, sc.AT_LEAST, 1.8, None, sc.BEHIND),
    (2.5, sc.AT_LEAST, 1.8, None, sc.ON_TRACK),
    (200.0, sc.AT_MOST, 200.0, None, sc.ON_TRACK),  # "$200 at most"
    (200.01, sc.AT_MOST, 200.0, None, sc.BEHIND),
    (0.0, sc.AT_MOST, 200.0, None, sc.ON_TRACK),
    (0.95, sc.UNDER, 0.95, None, sc.BEHIND),  # the full bonus needs the ratio below the threshold
    (0.9499, sc.UNDER, 0.95, None, sc.ON_TRACK),
    (0.0999, sc.RANGE, 0.10, 0.15, sc.BEHIND),
    (0.10, sc.RANGE, 0.10, 0.15, sc.ON_TRACK),
    (0.125, sc.RANGE, 0.10, 0.15, sc.ON_TRACK),
    (0.15, sc.RANGE, 0.10, 0.15, sc.ON_TRACK),
    (0.1501, sc.RANGE, 0.10, 0.15, sc.AHEAD),
    (-0.05, sc.RANGE, 0.10, 0.15, sc.BEHIND),
    (None, sc.AT_LEAST, 1.8, None, sc.NOT_MEASURABLE),
    (math.nan, sc.UNDER, 0.95, None, sc.NOT_MEASURABLE),
    (math.inf, sc.AT_MOST, 200.0, None, sc.NOT_MEASURABLE),
])
def test_status_at_and_around_each_boundary(value, kind, target, high, expected):
    assert sc.target_status(value, kind, target, high) == expected


def test_settings_move_the_status_across_the_boundary(built, sample):
    """Targets set on Settings exactly at the value now (on track), just beyond it (behind), and a
    growth range below and above it (ahead, behind): the values do not move, the statuses do."""
    figures, _ = built
    now = {t.key: t.value for t in figures.scorecard.targets}
    g = now["policy_growth"]
    at = with_values({"targets.products_per_household": now["products_per_household"],
                      "targets.referral_cac": now["referral_cac"],
                      "targets.policy_growth_low": g, "targets.policy_growth_high": g,
                      "accuracy.tolerance": now["forecast_accuracy"]})
    beyond = with_values({"targets.products_per_household": now["products_per_household"] + 1e-6,
                          "targets.referral_cac": now["referral_cac"] - 1e-6,
                          "targets.policy_growth_low": g - 0.02, "targets.policy_growth_high": g - 0.01,
                          "accuracy.tolerance": now["forecast_accuracy"] - 1e-6,
                          "profitability.bonus_full_threshold": now["combined_ratio"]})
    below = with_values({"targets.policy_growth_low": g + 0.01, "targets.policy_growth_high": g + 0.02})
    on = {t.key: t for t in compute_figures(sample, at).scorecard.targets}
    off = {t.key: t for t in compute_figures(sample, beyond).scorecard.targets}
    low = compute_figures(sample, below).scorecard.target("policy_growth")
    for key in ("products_per_household", "referral_cac", "policy_growth", "forecast_accuracy"):
        assert on[key].status == sc.ON_TRACK, key
        assert on[key].value == now[key], key
    for key in ("products_per_household", "referral_cac", "forecast_accuracy"):
        assert off[key].status == sc.BEHIND, key
    assert off["combined_ratio"].status == sc.BEHIND  # exactly at the threshold: no full bonus
    assert off["policy_growth"].status == sc.AHEAD and low.status == sc.BEHIND
    # The growth range typed the wrong way round is read as the same range.
    swapped = with_values({"targets.policy_growth_low": 0.15, "targets.policy_growth_high": 0.10})
    assert swapped.targets.policy_growth_range() == (0.10, 0.15)


# --- values now equal their sheets ----------------------------------------------------------------

def test_each_value_is_the_one_its_sheet_shows(built, sample):
    figures, sheets = built
    card = sheets["Scorecard"]
    now = scorecard_now(card)
    names = {t.key: t.name for t in figures.scorecard.targets}

    shown = {
        "products_per_household": row_value(sheets["Cross-Sell"], "Average products per household"),
        "referral_cac": row_value(sheets["Referrals"], "Referral CAC"),
        "policy_growth": row_value(sheets["Rate Environment"], "Policy growth (per year)"),
        "combined_ratio": row_value(sheets["Profitability"], "Combined ratio (12 months)"),
    }
    tiers = sheets["Segments"].block("tiers")
    share = tiers.columns.index("Share")
    shown["elite_and_premium_share"] = sum(r[share] for r in tiers.rows if r[0] in ("Elite", "Premium"))
    for key, value in shown.items():
        assert isinstance(value, float) and now[names[key]] == pytest.approx(value, rel=1e-12), key

    # No Accuracy sheet on this branch yet: the average of the backtests' errors as metrics
    # reports them (forecast_accuracy, rounded to 4 places), averaged here.
    table = forecast_accuracy(backtests(sample, Assumptions()))
    errors = [h["mape"] for m in table.values() for h in m.values() if h["n"]]
    assert len(errors) == 18
    assert now[names["forecast_accuracy"]] == pytest.approx(np.mean(errors), abs=1e-4)

    # And metrics reports what the sheet shows.
    metrics = metrics_of(figures)
    for key in KEYS:
        assert metrics["scorecard"][key]["value"] == now[names[key]], key
        assert metrics["scorecard"][key]["status"] == row_value(card, names[key], 3), key


def test_values_against_the_book_counted_here(sample, built):
    """Independent of the models: products per household and the Elite + Premium share counted on
    the book's in-force policies (Premium = 2 products, Elite = 3 or more; the Low-Value tier only
    takes one-product households), and the statuses the plan's targets give them."""
    figures, _ = built
    pol = sample.policies
    per_household = pol[pol["status"] == "In Force"].groupby("household_id")["product"].nunique()
    card = figures.scorecard
    assert card.target("products_per_household").value == pytest.approx(per_household.mean(), rel=1e-12)
    assert card.target("elite_and_premium_share").value == pytest.approx((per_household >= 2).mean(), rel=1e-12)
    for key, target, at_least in (("products_per_household", 1.8, True), ("elite_and_premium_share", 0.40, True),
                                  ("referral_cac", 200.0, False)):
        value = card.target(key).value
        met = value >= target if at_least else value <= target
        assert card.target(key).status == (sc.ON_TRACK if met else sc.BEHIND), key


def test_a_report_missing_says_why_and_the_others_still_show(sample):
    data = dataclasses.replace(sample, referrals=None, growth=None)
    card = compute_figures(data, Assumptions()).scorecard
    cac, growth = card.target("referral_cac"), card.target("policy_growth")
    assert cac.status == growth.status == sc.NOT_MEASURABLE and cac.value is None and growth.value is None
    assert cac.reason == "needs the Referral log export"
    assert "growth & retention export is missing" in growth.reason  # not the Settings fallback as a value
    assert card.target("products_per_household").status != sc.NOT_MEASURABLE
    sheet = next(s for s in build_all(data, Assumptions(), "x", figures=compute_figures(data, Assumptions())) if s.name == "Scorecard")
    assert row_value(sheet, cac.name, 5) == cac.reason


def test_the_scorecard_follows_home_and_links_to_the_sheets(built):
    _, sheets = built
    names = list(sheets)
    assert names[:3] == ["Home", "Summary", "Scorecard"]  # the Summary first (issue 15.1)
    card = sheets["Scorecard"]
    links = {f.cell: f for f in card.formulas if f.style == "link"}
    targets = card.block("targets")
    r0 = targets.first_data_row
    for i, row in enumerate(targets.rows):
        t = next(t for t in built[0].scorecard.targets if t.name == row[0])
        cell = f"G{r0 + i + 1}"
        if t.sheet in sheets:
            assert links[cell].formula == f'=HYPERLINK("#\'{t.sheet}\'!A1","{t.sheet}")', t.key
        else:
            raise AssertionError(f"{t.key} links to {t.sheet}, which the workbook does not have")
    assert len(links) == 6  # every target, the Accuracy sheet included


# --- past values ------------------------------------------------------------------------------

def past_of(rows: dict[dt.date, dict[str, object]]) -> PastRefreshes:
    return PastRefreshes(kpis=pd.DataFrame.from_dict(rows, orient="index").sort_index())


def test_past_values_are_read_under_their_kpi_names():
    d1, d2, d3 = dt.date(2025, 6, 30), dt.date(2025, 7, 31), dt.date(2025, 8, 31)
    past = past_of({
        d1: {"segments.share_by_tier.Elite": 0.05, "segments.share_by_tier.Premium": 0.20,
             "rate_environment.policy_growth": 0.03, "rate_environment.current_retention_source": "settings",
             "referral_growth.referral_cac": None},
        d2: {"segments.share_by_tier.Elite": 0.06, "rate_environment.policy_growth": 0.07,
             "rate_environment.current_retention_source": "measured", "referral_growth.referral_cac": 80.0},
        d3: {"segments.share_by_tier.Elite": 0.07, "segments.share_by_tier.Premium": 0.21,
             "rate_environment.policy_growth": 0.08, "rate_environment.current_retention_source": "measured",
             "profitability.combined_ratio": "not measurable (no earned premium in the window)"},
    })
    share = sc.share_past(past)
    assert list(share.index) == [d1, d3] and share.tolist() == pytest.approx([0.25, 0.28])  # both tiers recorded
    growth = sc.growth_past(past)
    assert list(growth.index) == [d2, d3]  # the Settings fallback of June is no measurement
    assert sc._numbers(past.series("referral_growth.referral_cac")).to_dict() == {d2: 80.0}
    assert sc._numbers(past.series("profitability.combined_ratio")).empty  # a text is no value


@pytest.fixture(scope="module")
def two_refreshes(tmp_path_factory):
    """The sample agency as of 2025-08-31, then as of 2025-10-31, refreshed into one workbook
    through the command line; the first workbook kept aside."""
    root = tmp_path_factory.mktemp("two")
    for day in ("2025-08-31", "2025-10-31"):
        assert main(["sample-data", "--out", str(root / day), "--as-of", day]) == 0
    book = root / "book.xlsx"
    assert main(["refresh", "--exports", str(root / "2025-08-31"), "--out", str(book)]) == 0
    first = root / "first.xlsx"
    first.write_bytes(book.read_bytes())
    assert main(["refresh", "--exports", str(root / "2025-10-31"), "--out", str(book)]) == 0
    return first, book


def cells_of(path: Path, sheet: str) -> list[list[object]]:
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find(grid: list[list[object]], text: str) -> tuple[int, int]:
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v == text:
                return r, c
    raise KeyError(text)


def test_two_refreshes_show_the_first_as_past_points(two_refreshes):
    first, second = two_refreshes
    before, after = cells_of(first, "Scorecard"), cells_of(second, "Scorecard")
    r, c = find(before, "Target")
    names = [row[c] for row in before[r + 1:r + 7]]
    then = {row[c]: row[c + 1] for row in before[r + 1:r + 7]}
    assert all(isinstance(v, float) for v in then.values()), then
    # The first workbook has no past: the note, no point before its own.
    assert all(row[c + 4] == "Past values appear after the next refresh" for row in before[r + 1:r + 7])
    # The second's history table: the first refresh's values as its first row, now as its second.
    h, hc = find(after, "As of")
    header = after[h]
    assert [after[h + 1][hc], after[h + 2][hc], after[h + 3][hc]] == ["2025-08-31", "2025-10-31", None]
    now = {row[c]: row[c + 1] for row in after[r + 1:r + 7]}
    for name in names:
        col = header.index(name)
        # As recorded: metrics round some KPIs (policy growth to 6 places).
        assert after[h + 1][col] == pytest.approx(then[name], abs=1e-6), name
        assert after[h + 2][col] == pytest.approx(now[name], rel=1e-9), name
    # The first refresh's values equal what its own sheets showed.
    cross = cells_of(first, "Cross-Sell")
    cr, cc = find(cross, "Average products per household")
    assert then["Products per household"] == pytest.approx(cross[cr][cc + 1], rel=1e-12)
    prof = cells_of(first, "Profitability")
    pr, pc = find(prof, "Combined ratio (12 months)")
    assert then["Combined ratio (bonus lines, 12 months)"] == pytest.approx(prof[pr][pc + 1], rel=1e-12)
    # The past column and the chart titles say what the history holds.
    assert after[r + 1][c + 4].startswith(f"{then['Products per household']:.2f} on 2025-08-31")
    t, tc = find(after, "Chart titles (the charts read these)")
    assert after[t + 1][tc] == "Products per household"


def test_an_unreadable_history_still_gives_a_scorecard(tmp_path, sample):
    book = tmp_path / "book.xlsx"
    history.history_path(book).write_bytes(b"this is not a database" * 100)
    figures, sheets, metrics = figures_and_sheets(book, sample, Assumptions(), str(SAMPLE),
                                                  dt.datetime(2025, 11, 3, 9, 0))
    card = next(s for s in sheets if s.name == "Scorecard")
    status = card.block("status").rows[0][0]
    assert status.startswith("History not read") and "past ones are not" in status
    assert all(row[4] == "history not read (see the status line)" for row in card.block("targets").rows)
    assert all(isinstance(row[1], float) for row in card.block("targets").rows)
    assert metrics["scorecard"]["combined_ratio"]["value"] == figures.profitability.combined_ratio
    titles = [r[0] for r in card.block("chart_titles").rows]
    assert all(t.endswith("past values not read") for t in titles)


def test_blocks_keep_their_shape_whatever_the_past(built, sample):
    """Twelve history rows (the latest eleven earlier refreshes and now) whatever the history
    holds, so the charts bound to them never move."""
    days = [dt.date(2024, 1, 31) + pd.offsets.MonthEnd(i) for i in range(15)]
    past = past_of({d.date(): {"profitability.combined_ratio": 0.80 + i / 100} for i, d in enumerate(days)})
    figures = compute_figures(sample, Assumptions(), past)
    card = next(s for s in build_all(sample, Assumptions(), "x", figures=figures) if s.name == "Scorecard")
    empty = next(s for s in build_all(None, Assumptions(), "") if s.name == "Scorecard")
    for a, b in zip(card.blocks, empty.blocks):
        assert (a.name, a.address()) == (b.name, b.address())
    hist = card.block("history")
    col = hist.columns.index("Combined ratio (bonus lines, 12 months)")
    assert len(hist.rows) == 12 and hist.rows[0][0] == f"{days[4].date():%Y-%m-%d}"
    assert [r[col] for r in hist.rows[:11]] == pytest.approx([0.80 + i / 100 for i in range(4, 15)])
    assert hist.rows[-1][col] == figures.profitability.combined_ratio
    assert isinstance(card.block("targets"), Block)
