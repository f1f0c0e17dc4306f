"""Backtests (issue 13.1, 13.5): the error measures against hand arithmetic; the backtest's errors
against independent code on generated histories with a known truth (a seasonal pattern plus noise
of a known size, a commission stream, a retention history); no look-ahead (changes planted after a
cut-off leave the forecast made at it alone, while they move what happened); too little history
gives a note, not a number; the book rebuilt as of a past day from a hand-made book; the forecasts
as of the sample's last month-end are the sheets' own; the sample gives a finite number for every
forecast and horizon; shuffled rows give the same backtest."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from agency_xl.ams import REPORTS, AmsData, read_exports
from agency_xl.assumptions import Assumptions, settings_rows, with_values
from agency_xl.figures.backtest import (
    HorizonAccuracy,
    accuracy_sentence,
    backtests,
    forecast_accuracy,
    forecasts_as_of,
)
from agency_xl.figures.forecasts import MODELS
from agency_xl.models import accuracy, cutoff

SAMPLE = "data/sample"
ts = pd.Timestamp
KEYS = [m.key for m in MODELS]


@pytest.fixture(scope="module")
def sample() -> AmsData:
    return read_exports(SAMPLE)


@pytest.fixture(scope="module")
def sample_backtest(sample):
    return backtests(sample, Assumptions())


# --- the error measures ---------------------------------------------------------------------------

def test_error_measures_by_hand():
    forecast, actual = [110.0, 90.0, 104.0, 7.0], [100.0, 100.0, 100.0, 0.0]
    # (110-100)/100 = +0.10, (90-100)/100 = -0.10, (104-100)/100 = +0.04; an actual of 0 has none
    assert accuracy.percentage_errors(forecast, actual)[:3] == pytest.approx([0.10, -0.10, 0.04])
    assert math.isnan(accuracy.percentage_errors(forecast, actual)[3])
    assert accuracy.mape(forecast, actual) == pytest.approx(0.24 / 3)
    assert accuracy.bias(forecast, actual) == pytest.approx(0.04 / 3)
    # A month that lost cash: forecast -18,000 against -20,000 is 10% above what happened.
    assert accuracy.bias([-18_000.0], [-20_000.0]) == pytest.approx(0.10)
    assert math.isnan(accuracy.mape([], [])) and math.isnan(accuracy.bias([1.0], [0.0]))
    assert accuracy.meets_tolerance(0.10, 0.10) is True
    assert accuracy.meets_tolerance(0.1001, 0.10) is False
    assert accuracy.meets_tolerance(float("nan"), 0.10) is None
    with pytest.raises(ValueError, match="2 forecasts but 3 actuals"):
        accuracy.mape([1.0, 2.0], [1.0, 2.0, 3.0])


def test_monthly_sum_counts_or_sums_by_calendar_month():
    dates = pd.to_datetime(["2025-01-31", "2025-01-01", None, "2025-03-15"])
    assert accuracy.monthly_sum(dates).to_dict() == {pd.Period("2025-01", "M"): 2.0,
                                                     pd.Period("2025-03", "M"): 1.0}
    assert accuracy.monthly_sum(dates, [1.5, 2.0, 9.0, np.nan]).to_dict() == {pd.Period("2025-01", "M"): 3.5}


# --- a seasonal history with known noise ------------------------------------------------------------

PATTERN = np.array([0.80, 0.85, 1.10, 1.20, 1.15, 1.05, 0.80, 0.75, 0.95, 1.00, 1.10, 1.25])
PATTERN = PATTERN / PATTERN.mean()
HISTORY_END = dt.date(2025, 12, 31)


def seasonal_sales(sigma: float, z: np.ndarray, level: float = 100.0, years: int = 8) -> AmsData:
    """Sales of ``years`` years to HISTORY_END: month t sells round(level x pattern x (1 + sigma z_t))
    policies, each on the 15th. Only the sales export."""
    months = pd.period_range(end=pd.Period(HISTORY_END, "M"), periods=12 * years, freq="M")
    counts = np.rint(level * PATTERN[months.month - 1] * (1 + sigma * z[:len(months)])).astype(int)
    dates = np.repeat((months.to_timestamp() + pd.Timedelta(days=14)).to_numpy(), counts)
    sales = pd.DataFrame({"policy_number": [f"P{i}" for i in range(len(dates))], "household_id": "H1",
                          "product": "Auto", "issue_date": dates, "premium": 1000.0})
    return AmsData(sales=sales, as_of=HISTORY_END,
                   coverage={"sales": (months[0].start_time.date(), HISTORY_END)})


def seasonal_forecast_by_hand(monthly: pd.Series, cutoff_month: pd.Period, target: pd.Period,
                              years: int = 3) -> float:
    """docs/models/seasonality.md, written again: each 12-month year counted back from the
    cut-off month gets index(m) = 100 x month m / the year's mean month; the seasonal index is the
    mean of the last ``years`` of them; expected sales = mean of the last 12 months x index / 100."""
    known = monthly[monthly.index <= cutoff_month].to_numpy(float)
    n = min(len(known) // 12, years)
    idx = np.zeros(12)
    for k in range(n):
        year = known[len(known) - 12 * (k + 1): len(known) - 12 * k]
        months = [(cutoff_month - 11 + j).month for j in range(12)] if k == 0 else \
            [(cutoff_month - 12 * k - 11 + j).month for j in range(12)]
        for j, mo in enumerate(months):
            idx[mo - 1] += 100 * year[j] / year.mean() / n
    return known[-12:].mean() * idx[target.month - 1] / 100


SIX = with_values({"accuracy.backtest_month_ends": 24, "accuracy.horizons": "1, 2, 3, 4, 5, 6"})


def test_seasonal_backtest_equals_independent_code_on_a_noisy_history():
    z = np.random.default_rng(11).standard_normal(200)
    data = seasonal_sales(0.05, z)
    result = backtests(data, SIX).model("policies_sold")
    monthly = accuracy.monthly_sum(data.sales["issue_date"])
    table = result.comparisons
    assert len(table) == 24 * 6 and set(table["horizon"]) == {1, 2, 3, 4, 5, 6}
    for row in table.itertuples():
        c, target = pd.Period(row.cutoff, "M"), pd.Period(row.month, "M")
        assert target == c + row.horizon
        assert row.forecast == pytest.approx(seasonal_forecast_by_hand(monthly, c, target), rel=1e-12)
        assert row.actual == monthly[target]
    # Month-ends: per horizon the 24 latest whose month h later is in the history.
    h6 = table[table["horizon"] == 6]
    assert pd.Period(h6["cutoff"].max(), "M") == pd.Period(HISTORY_END, "M") - 6
    for h in result.horizons:
        part = table[table["horizon"] == h.horizon]
        errors = (part["forecast"] - part["actual"]) / part["actual"].abs()
        assert h.n == 24
        assert h.mape == pytest.approx(errors.abs().mean(), rel=1e-12)
        assert h.bias == pytest.approx(errors.mean(), rel=1e-12)
        assert h.meets is (h.mape <= 0.10)


def test_seasonal_backtest_error_is_the_noise_level():
    """With sales = level x pattern x (1 + e), e ~ N(0, s^2) independent, the forecast of a month
    misses by d = (x - e) to first order, x the error of its estimate: the mean of the last 12
    months and the index from 3 years (each year's month against its own mean) give
    Var(x) = s^2 (1/12 + 1/3 - 1/36) (the shared terms covary: 1/(12 x 3) each), independent of
    e, so Var(d) = s^2 x 1.3889 and E|d| = sqrt(2 / pi) x s x sqrt(1.3889) = 0.940 s.
    The pooled MAPE over 24 month-ends x 6 horizons averages 29 target months; comparisons of one
    target share its e (72% of Var(d)), so its standard error is about
    sqrt(1 - 2/pi) x 1.1785 s x sqrt(0.72 + 0.28/6) / sqrt(29) = 0.116 s: tolerance 3.5 of them.
    Doubling the noise doubles the error (to first order: within 5%), no noise gives none."""
    z = np.random.default_rng(3).standard_normal(200)
    sigma = 0.05
    pooled = backtests(seasonal_sales(sigma, z), SIX).model("policies_sold").comparisons
    mape = pooled["error"].abs().mean()
    assert abs(mape - 0.940 * sigma) <= 3.5 * 0.116 * sigma
    doubled = backtests(seasonal_sales(2 * sigma, z), SIX).model("policies_sold").comparisons
    assert doubled["error"].abs().mean() / mape == pytest.approx(2.0, rel=0.05)
    exact = backtests(seasonal_sales(0.0, z, level=1200.0), Assumptions()).model("policies_sold")
    assert all(h.n == 6 and h.mape < 1e-12 and h.meets for h in exact.horizons)


# --- the cash projection and retention on known histories -----------------------------------------

def commission_stream(months: int = 36) -> tuple[AmsData, pd.Series]:
    """One renewal commission a month, growing by $150 a month with a wiggle, paid on the 15th for
    a term effective on the 1st; no growth report, so the projection assumes no growth."""
    periods = pd.period_range(end=pd.Period("2025-09", "M"), periods=months, freq="M")
    amount = 10_000 + 150 * np.arange(months) + 900 * np.sin(np.arange(months))
    commissions = pd.DataFrame({
        "statement_date": periods.to_timestamp() + pd.Timedelta(days=14),
        "policy_number": [f"P{i}" for i in range(months)], "product": "Auto",
        "transaction_type": "Renewal", "transaction_effective_date": periods.to_timestamp(),
        "premium": amount * 10, "commission_rate": 0.1, "commission_amount": amount})
    end = dt.date(2025, 9, 30)
    data = AmsData(commissions=commissions, as_of=end,
                   coverage={"commissions": (periods[0].start_time.date(), end)})
    return data, pd.Series(amount, index=periods)


def test_cash_backtest_on_a_known_commission_stream():
    data, monthly = commission_stream()
    s = Assumptions()
    result = backtests(data, s)
    for key, less in (("commission_received", 0.0), ("net_cash_flow", s.cash_flow.monthly_expenses)):
        table = result.model(key).comparisons
        assert len(table) == 18
        for row in table.itertuples():
            c, target = pd.Period(row.cutoff, "M"), pd.Period(row.month, "M")
            # Without growth or reversals, every coming month receives the average month of the
            # 12 statement months to the cut-off (a flat stream stays flat through the lag).
            assert row.forecast == pytest.approx(monthly[c - 11: c].mean() - less, rel=1e-9)
            assert row.actual == pytest.approx(monthly[target] - less, rel=1e-12)
        for h in result.model(key).horizons:
            part = table[table["horizon"] == h.horizon]
            errors = (part["forecast"] - part["actual"]) / part["actual"].abs()
            assert h.mape == pytest.approx(errors.abs().mean()) and h.n == 6
    # A growing stream forecast by its past average runs low.
    assert result.model("commission_received").overall_bias < 0
    assert "ran low" in result.model("commission_received").sentence


def test_retention_backtest_on_a_known_growth_report():
    months = pd.period_range("2023-01", "2025-06", freq="M")
    rows = []
    for i, p in enumerate(months):
        for product, offered in (("Auto", 80 + i % 7), ("Home", 40 + i % 5)):
            rows.append([p.to_timestamp(), product, 1000, 10, offered, offered - 3 - (i * 7 + len(product)) % 9, 2,
                         1000, 0.0, np.nan])
    growth = pd.DataFrame(rows, columns=["month", "product", "beginning_pif", "new_business", "renewals_offered",
                                         "renewals_retained", "cancellations", "ending_pif", "renewal_premium",
                                         "retention_pct"])
    end = dt.date(2025, 6, 30)
    data = AmsData(growth=growth, as_of=end, coverage={"growth": (dt.date(2023, 1, 1), end)})
    result = backtests(data, Assumptions()).model("retention")
    by_month = growth.groupby(growth["month"].dt.to_period("M"))[["renewals_offered", "renewals_retained"]].sum()
    for row in result.comparisons.itertuples():
        c, target = pd.Period(row.cutoff, "M"), pd.Period(row.month, "M")
        last12 = by_month.loc[c - 11: c]
        assert row.forecast == pytest.approx(last12["renewals_retained"].sum() / last12["renewals_offered"].sum())
        assert row.actual == pytest.approx(by_month.loc[target, "renewals_retained"]
                                           / by_month.loc[target, "renewals_offered"])
    assert [h.n for h in result.horizons] == [6, 6, 6]


# --- no look-ahead ----------------------------------------------------------------------------------

CUT = dt.date(2025, 4, 30)


def planted(sample: AmsData) -> AmsData:
    """The sample with changes dated after CUT only: a $500,000 commission in June (and $200,000
    paid then for a sale of January 2024, which would lengthen the measured lag), 300 sales in
    May, 50 in-force policies cancelled in July and 20 new ones written in June, an open referral
    sold in June and 10 referrals made and sold in May, and no renewal kept after CUT (the open
    referral is open in both, made before CUT)."""
    d = _with_open_referral(sample)
    comm = d.commissions
    big = comm.iloc[[0, 0]].assign(
        statement_date=ts("2025-06-15"), transaction_effective_date=[ts("2025-06-01"), ts("2024-01-01")],
        transaction_type=["Renewal", "New Business"], commission_amount=[500_000.0, 200_000.0],
        policy_number=["PLANTED", "LATE"])  # the second, paid 17 months late, would move the lag
    sales = d.sales
    burst = sales.iloc[[0] * 300].assign(issue_date=ts("2025-05-20"),
                                         policy_number=[f"BURST{i}" for i in range(300)])
    pol = d.policies.copy()
    long_in = pol.index[(pol["status"] == "In Force") & (pol["original_effective_date"] < ts("2024-01-01"))][:50]
    pol.loc[long_in, "status"] = "Cancelled"
    pol.loc[long_in, "cancel_date"] = ts("2025-07-01")
    new = pol.iloc[:20].assign(policy_number=[f"NEW{i}" for i in range(20)], status="In Force",
                               original_effective_date=ts("2025-06-01"), effective_date=ts("2025-06-01"),
                               expiration_date=ts("2026-06-01"), cancel_date=pd.NaT)
    ref = d.referrals.copy()
    open_row = ref.index[ref["referred_name"] == "Open Before Cut"]
    ref.loc[open_row, ["status", "sold_date", "household_id", "incentive_paid"]] = ["Sold", ts("2025-06-10"),
                                                                                    "H-OPEN", 100.0]
    made_later = ref.iloc[[0] * 10].assign(referral_date=ts("2025-05-10"), status="Sold", sold_date=ts("2025-05-20"),
                                           referred_name=[f"Later {i}" for i in range(10)])
    growth = d.growth.copy()
    growth.loc[growth["month"] > ts(CUT), "renewals_retained"] = 0
    return _replace(d, commissions=pd.concat([comm, big], ignore_index=True),
                    sales=pd.concat([sales, burst], ignore_index=True),
                    policies=pd.concat([pol, new], ignore_index=True),
                    referrals=pd.concat([ref, made_later], ignore_index=True), growth=growth)


def _replace(d: AmsData, **tables: pd.DataFrame) -> AmsData:
    out = AmsData(as_of=d.as_of, health=d.health, sales_derived=d.sales_derived, coverage=dict(d.coverage))
    for key in REPORTS:
        setattr(out, key, tables.get(key, d.table(key)))
    return out


def _with_open_referral(d: AmsData) -> AmsData:
    ref = d.referrals
    row = ref.iloc[[0]].assign(referral_date=ts("2025-04-10"), status="Quoted", sold_date=pd.NaT,
                               household_id=np.nan, incentive_paid=np.nan, referred_name="Open Before Cut")
    return _replace(d, referrals=pd.concat([ref, row], ignore_index=True))


def test_a_change_after_the_cutoff_does_not_reach_the_forecast_made_at_it(sample):
    s = Assumptions()
    base, changed = _with_open_referral(sample), planted(sample)
    before = forecasts_as_of(base, s, CUT)
    after = forecasts_as_of(changed, s, CUT)
    for key in KEYS:
        assert before[key].values is not None, key
        pd.testing.assert_series_equal(after[key].values, before[key].values, check_exact=True, obj=key)
    # The book as it stood at the cut-off is the same book, row for row.
    pd.testing.assert_frame_equal(cutoff.book_as_of(changed.policies, CUT).reset_index(drop=True),
                                  cutoff.book_as_of(base.policies, CUT).reset_index(drop=True))
    # A forecast made after the changes sees them.
    later = dt.date(2025, 7, 31)
    assert not forecasts_as_of(changed, s, later)["renewals_due"].values.equals(
        forecasts_as_of(base, s, later)["renewals_due"].values)


def test_a_change_after_the_cutoff_moves_what_happened(sample):
    s = Assumptions()
    base, changed = backtests(_with_open_referral(sample), s), backtests(planted(sample), s)

    def actual(result, key: str, month: str) -> float:
        table = result.model(key).comparisons
        return float(table.loc[table["month"] == ts(month), "actual"].iloc[0])

    assert actual(changed, "commission_received", "2025-06-01") == pytest.approx(
        actual(base, "commission_received", "2025-06-01") + 700_000)
    assert actual(changed, "policies_sold", "2025-05-01") == actual(base, "policies_sold", "2025-05-01") + 300
    assert actual(changed, "referral_customers", "2025-05-01") == actual(base, "referral_customers", "2025-05-01") + 10
    assert actual(changed, "referral_customers", "2025-06-01") == actual(base, "referral_customers", "2025-06-01") + 1
    assert actual(changed, "retention", "2025-06-01") == 0.0 < actual(base, "retention", "2025-06-01")
    # The forecasts made at the month-ends before the changes are the same in both.
    for key in KEYS:
        old, new = base.model(key).comparisons, changed.model(key).comparisons
        early = old["cutoff"] <= ts(CUT)
        assert new.loc[early, "forecast"].tolist() == old.loc[early, "forecast"].tolist(), key


# --- too little history -------------------------------------------------------------------------------

def _sales_only(sample: AmsData, first: str) -> AmsData:
    sales = sample.sales[sample.sales["issue_date"] >= ts(first)]
    return AmsData(sales=sales, as_of=sample.as_of, coverage={"sales": (ts(first).date(), sample.as_of)})


def test_too_little_history_gives_a_note_not_a_number(sample):
    result = backtests(_sales_only(sample, "2025-01-01"), Assumptions())  # 10 months
    sold = result.model("policies_sold")
    for h, need in zip(sold.horizons, (13, 15, 18)):
        assert h.n == 0 and math.isnan(h.mape) and math.isnan(h.bias) and h.meets is None
        assert h.note == f"not enough history to backtest (needs {need} months, the exports hold 10)"
    assert sold.note == sold.horizons[0].note and len(sold.comparisons) == 0
    assert sold.sentence == ("The seasonal sales forecast cannot be checked yet: not enough history to "
                             "backtest (needs 13 months, the exports hold 10).")
    assert forecast_accuracy(result)["policies_sold"] == {
        "1": {"mape": None, "bias": None, "n": 0}, "3": {"mape": None, "bias": None, "n": 0},
        "6": {"mape": None, "bias": None, "n": 0}}
    cash = result.model("commission_received")
    assert cash.note == f"needs the {REPORTS['commissions'].title} export" and cash.horizons[0].n == 0


def test_some_history_checks_the_near_horizons_only(sample):
    sold = backtests(_sales_only(sample, "2024-07-01"), Assumptions()).model("policies_sold")  # 16 months
    assert [len(sold.comparisons[sold.comparisons["horizon"] == h]) for h in (1, 3, 6)] == [4, 2, 0]
    assert sold.at(1).n == 4 and math.isfinite(sold.at(1).mape)
    assert sold.at(6).note == "not enough history to backtest (needs 18 months, the exports hold 16)"
    assert "Not checked six months ahead: not enough history" in sold.sentence


def test_a_book_without_end_dates_cannot_be_rebuilt(sample):
    pol = sample.policies.assign(cancel_date=pd.NaT)
    result = backtests(_replace(sample, policies=pol), Assumptions())
    for key in ("renewals_due", "referral_customers"):
        m = result.model(key)
        assert all(h.n == 0 for h in m.horizons)
        assert "cannot be rebuilt" in m.note and "add Cancel Date" in m.note
    assert result.model("commission_received").at(1).n == 6


# --- the book as it stood ----------------------------------------------------------------------

def test_book_as_of_a_past_day_by_hand():
    book = pd.DataFrame({
        "policy_number": ["A", "B", "C", "D", "E", "F"],
        "household_id": ["H1", "H1", "H2", "H3", "H4", "H5"],
        "product": ["Auto", "Home", "Auto", "Home", "Auto", "Auto"],
        "status": ["In Force", "Cancelled", "In Force", "Expired", "In Force", "In Force"],
        "original_effective_date": [ts("2020-03-15"), ts("2023-02-01"), ts("2025-08-01"), ts("2022-04-10"),
                                    ts("2024-05-01"), ts("2021-01-31")],
        "effective_date": [ts("2025-03-15"), ts("2024-02-01"), ts("2025-08-01"), ts("2024-04-10"),
                           ts("2025-05-01"), ts("2025-07-31")],
        "expiration_date": [ts("2026-03-15"), ts("2025-02-01"), ts("2026-08-01"), ts("2025-04-10"),
                            ts("2025-11-01"), ts("2026-01-31")],
        "cancel_date": [pd.NaT, ts("2025-01-10"), pd.NaT, pd.NaT, pd.NaT, pd.NaT],
        "annual_premium": 1000.0,
    })
    june = cutoff.book_as_of(book, dt.date(2025, 6, 30)).set_index("policy_number")
    assert list(june.index) == ["A", "B", "D", "E", "F"]  # C was written in August
    assert june.loc["A", "expiration_date"] == ts("2026-03-15")  # the term running in June
    assert june.loc["B", "status"] == "Cancelled" and june.loc["D", "status"] == "Expired"
    # F: a 6-month term ending 31 January 2026 was running on 30 June: its term started 31 Dec 2024.
    assert (june.loc["F", "effective_date"], june.loc["F", "expiration_date"]) == (ts("2025-01-31"), ts("2025-07-31"))
    dec = cutoff.book_as_of(book, dt.date(2024, 12, 31)).set_index("policy_number")
    assert set(dec["status"]) == {"In Force"} and dec["cancel_date"].isna().all()
    assert dec.loc["A", ["effective_date", "expiration_date"]].tolist() == [ts("2024-03-15"), ts("2025-03-15")]
    assert dec.loc["B", "expiration_date"] == ts("2025-02-01")  # cancelled later, in force then
    assert dec.loc["D", "expiration_date"] == ts("2025-04-10")  # its last renewal not yet due
    # E: 6-month terms; on 31 December 2024 the term of 1 November 2024 to 1 May 2025 ran.
    assert dec.loc["E", ["effective_date", "expiration_date"]].tolist() == [ts("2024-11-01"), ts("2025-05-01")]
    unknown = book.assign(cancel_date=pd.NaT)
    assert cutoff.book_rebuild_note(unknown, dt.date(2025, 6, 30)) == \
        "not measurable from this export (add Cancel Date)"
    assert cutoff.book_rebuild_note(unknown, dt.date(2022, 12, 31)) == ""  # B was not written yet
    with pytest.raises(ValueError, match="cannot be rebuilt as of 2025-06-30"):
        cutoff.book_as_of(unknown, dt.date(2025, 6, 30))


def test_a_referral_sold_later_was_open_then():
    log = pd.DataFrame({"referral_date": [ts("2025-03-01"), ts("2025-03-05"), ts("2025-05-01")],
                        "referrer_household_id": ["H1", "H2", "H3"], "status": ["Sold", "Sold", "Lost"],
                        "sold_date": [ts("2025-03-20"), ts("2025-04-02"), pd.NaT],
                        "household_id": ["N1", "N2", np.nan], "incentive_paid": [100.0, 100.0, np.nan]})
    march = cutoff.log_as_of(log, "referral_date", dt.date(2025, 3, 31), ("household_id", "incentive_paid"))
    assert march["status"].tolist() == ["Sold", "Quoted"]
    assert march["sold_date"].isna().tolist() == [False, True]
    assert march["household_id"].isna().tolist() == [False, True]
    assert march["incentive_paid"].isna().tolist() == [False, True]


# --- the sample -------------------------------------------------------------------------------------

def test_forecasts_as_of_the_last_month_end_are_the_sheets(sample):
    from agency_xl.dashboards import cash_flow, rate_environment, referrals, seasonality

    from agency_xl.figures import compute_figures

    s = Assumptions()
    made = forecasts_as_of(sample, s, sample.as_of)
    figs = compute_figures(sample, s)
    projection = cash_flow.build(figs.cash_flow).block("projection").rows
    assert made["commission_received"].values.tolist() == pytest.approx([r[5] for r in projection], rel=1e-12)
    assert made["net_cash_flow"].values.tolist() == pytest.approx([r[7] for r in projection], rel=1e-12)
    season = seasonality.build(figs.seasonality)
    assert made["policies_sold"].values.tolist() == pytest.approx([r[2] for r in season.block("staffing").rows])
    assert made["renewals_due"].values.tolist() == [r[1] for r in season.block("renewals").rows]
    assert made["referral_customers"].values.tolist() == pytest.approx(
        [r[2] for r in referrals.build(figs.referrals).block("projection").rows], rel=1e-12)
    assert made["retention"].values.iloc[0] == pytest.approx(
        figs.rate_environment.kpis()["current_retention"], abs=1e-6)
    assert str(made["policies_sold"].values.index[0]) == "2025-11"


def test_the_sample_gives_a_number_for_every_forecast_and_horizon(sample_backtest):
    metrics = forecast_accuracy(sample_backtest)
    assert list(metrics) == KEYS
    for m in sample_backtest.models:
        assert [h.horizon for h in m.horizons] == [1, 3, 6]
        for h in m.horizons:
            assert h.n == 6 and math.isfinite(h.mape) and math.isfinite(h.bias) and h.meets in (True, False)
            assert metrics[m.key][str(h.horizon)] == {"mape": round(h.mape, 4), "bias": round(h.bias, 4), "n": 6}
        assert m.note == "" and m.sentence.startswith(m.subject + " was off by")
        table = m.comparisons
        assert list(table.columns) == ["cutoff", "month", "horizon", "forecast", "actual", "error"]
        assert (table["month"] <= ts("2025-10-01")).all()  # only months the exports cover
        assert (table["cutoff"].dt.is_month_end).all()


def test_shuffled_rows_give_the_same_backtest(sample, sample_backtest):
    rng = np.random.default_rng(5)
    shuffled = _replace(sample, **{key: sample.table(key).sample(frac=1.0, random_state=rng)
                                   for key in REPORTS if sample.table(key) is not None})
    again = backtests(shuffled, Assumptions())
    for a, b in zip(again.models, sample_backtest.models):
        pd.testing.assert_frame_equal(a.comparisons, b.comparisons, rtol=1e-9, obj=a.key)


# --- settings and words -------------------------------------------------------------------------------

def test_accuracy_settings_are_on_the_settings_sheet():
    keys = {row[0]: row[2] for row in settings_rows()}
    assert keys["accuracy.backtest_month_ends"] == 6 and keys["accuracy.horizons"] == "1, 3, 6"
    assert keys["accuracy.tolerance"] == 0.10 and keys["accuracy.before"] == 0.30
    assert with_values({"accuracy.horizons": 6.0}).accuracy.horizon_months() == (6,)
    assert with_values({"accuracy.horizons": "6, 1,3"}).accuracy.horizon_months() == (1, 3, 6)
    with pytest.raises(ValueError, match="'13' is not a whole number of months from 1 to 12"):
        with_values({"accuracy.horizons": "1, 13"})


def test_the_sentence_in_the_owners_words():
    hs = (HorizonAccuracy(1, 0.07, 0.05, 6, True), HorizonAccuracy(3, 0.12, 0.04, 6, False),
          HorizonAccuracy(6, 0.18, 0.06, 6, False))
    assert accuracy_sentence("The cash projection", hs, 0.05, 0.10) == (
        "The cash projection was off by 7% one month ahead, 12% three months ahead and 18% six months "
        "ahead on average, and ran high. Within the plan's ±10% one month ahead.")
    low = (HorizonAccuracy(1, 0.004, -0.02, 6, True),
           HorizonAccuracy(6, math.nan, math.nan, 0, None, "not enough history to backtest (needs 18 months, "
                                                          "the exports hold 14)"))
    assert accuracy_sentence("The renewal calendar", low, -0.02, 0.10) == (
        "The renewal calendar was off by 0.4% one month ahead on average, and ran low. Within the plan's ±10% "
        "at every horizon checked. Not checked six months ahead: not enough history to backtest (needs 18 "
        "months, the exports hold 14).")
    assert "ran neither high nor low" in accuracy_sentence("X", hs, 0.005, 0.10)
