"""The leads model: the plan's exact LTV:CAC points, the laws of ROI and the lead score, the
vendor and segment tables on a hand-made agency, the Leads sheet (with data and without), and the
worksheet functions with good and bad arguments."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.models import households as hh
from agency_xl.models import leads as m
from agency_xl.models import segments as seg

AS_OF = dt.date(2025, 10, 31)
VENDORS = {  # name: (cost, homeowner share, vendor effect on the log-odds)
    "Alpha Leads": (50.0, 0.65, 0.6),
    "Beta Quotes": (25.0, 0.35, -0.6),
    "Gamma Direct": (35.0, 0.50, 0.0),
}
TRUE_COEF = {"intercept": -3.2, "homeowner": 0.9, "vehicles": 0.35, "products_quoted": 0.45}
PRODUCTS = ("Auto", "Home", "Umbrella", "Life")


def lead_agency(seed: int = 3, n_leads: int = 900, n_book: int = 300) -> AmsData:
    """A hand-made agency: a book of households (some cancelled in the last year, so retention by
    product count can be measured), a two-year lead log from three vendors whose sales follow a
    known logistic model, and commission statements at 8% / 10% of premium."""
    rng = np.random.default_rng(seed)
    ts = pd.Timestamp
    pol_rows: list[dict] = []

    def add_household(hid: str, n_products: int, start: pd.Timestamp, cancel_p: float) -> None:
        for k in range(n_products):
            cancelled = rng.random() < cancel_p
            pol_rows.append({
                "policy_number": f"{hid}-{k}", "household_id": hid, "product": PRODUCTS[k],
                "status": "Cancelled" if cancelled else "In Force",
                "original_effective_date": start,
                "effective_date": start,  # the term in force started then (renewals roll it forward)
                "expiration_date": pd.NaT,
                "cancel_date": ts(AS_OF) - pd.Timedelta(days=int(rng.integers(10, 300))) if cancelled else pd.NaT,
                "annual_premium": float(rng.choice([400.0, 1200.0, 1800.0, 2600.0])),
            })

    for i in range(n_book):
        n = int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2]))
        add_household(f"B{i}", n, ts("2019-01-01") + pd.Timedelta(days=int(rng.integers(0, 1500))),
                      {1: 0.25, 2: 0.10, 3: 0.04}[n])
    lead_rows = []
    names = list(VENDORS)
    for i in range(n_leads):
        vendor = names[int(rng.integers(0, len(names)))]
        cost, home_share, effect = VENDORS[vendor]
        date = ts(AS_OF) - pd.Timedelta(days=int(rng.integers(0, 730)))
        homeowner = bool(rng.random() < home_share)
        vehicles = int(rng.integers(0, 4))
        quoted = int(rng.integers(1, 4))
        z = (TRUE_COEF["intercept"] + TRUE_COEF["homeowner"] * homeowner + TRUE_COEF["vehicles"] * vehicles
             + TRUE_COEF["products_quoted"] * quoted + effect)
        sold = rng.random() < 1 / (1 + np.exp(-z))
        recent = (ts(AS_OF) - date).days < 45
        if recent and rng.random() < 0.7:
            status = str(rng.choice(["New", "Contacted", "Quoted"]))
        elif sold:
            status = "Sold"
        else:
            status = "Bad Lead" if rng.random() < 0.15 else "Lost"
        hid = None
        if status == "Sold":
            hid = f"L{i}"
            add_household(hid, max(1, quoted - int(rng.random() < 0.3)), date + pd.Timedelta(days=7), 0.08)
        lead_rows.append({
            "lead_id": f"LEAD-{i:04d}", "lead_date": date, "vendor": vendor, "cost": cost, "status": status,
            "sold_date": date + pd.Timedelta(days=7) if status == "Sold" else pd.NaT, "household_id": hid,
            "quoted_premium": 1500.0 * quoted, "products_quoted": float(quoted), "homeowner": homeowner,
            "vehicles": float(vehicles), "current_carrier": "GEICO", "zip": "07052",
        })
    policies = pd.DataFrame(pol_rows)
    leads = pd.DataFrame(lead_rows)
    nb = policies.assign(transaction_type="New Business", premium=policies["annual_premium"])
    commissions = pd.DataFrame({
        "statement_date": ts(AS_OF) - pd.Timedelta(days=40), "policy_number": nb["policy_number"],
        "product": nb["product"], "transaction_type": np.where(np.arange(len(nb)) % 2, "Renewal", "New Business"),
        "transaction_effective_date": ts(AS_OF) - pd.Timedelta(days=90), "premium": nb["premium"],
        "commission_rate": np.nan, "commission_amount": nb["premium"] * np.where(np.arange(len(nb)) % 2, 0.08, 0.10),
    })
    return AmsData(policies=policies, leads=leads, commissions=commissions, as_of=AS_OF)


def _values(data: AmsData, settings: Assumptions | None = None) -> pd.DataFrame:
    a = settings or Assumptions()
    homes = seg.segment_households(data.policies, data.as_of, 0.08,
                                   a.segments.retention_fallback(), a.general.discount_rate)
    return m.sold_lead_values(data.leads, data.policies, homes)


# --- the plan's exact reference points ----------------------------------------------------------

@pytest.mark.parametrize("ltv, cac, expected", [(18_000, 1_350, 13.3), (9_000, 820, 11.0),
                                                (4_500, 520, 8.7), (1_800, 280, 6.4)])
def test_ltv_cac_reference_points(ltv, cac, expected):
    assert round(m.ltv_to_cac(ltv, cac), 1) == expected


def test_vendor_roi_on_the_plans_two_vendors():
    # The plan shows 1,860% and 97%; with ROI = (conversions x LTV - spend) / spend they are:
    assert m.vendor_roi(12_000, 36, 6_200) == pytest.approx((36 * 6_200 - 12_000) / 12_000)  # 1,760%
    assert m.vendor_roi(8_000, 19, 4_100) == pytest.approx((19 * 4_100 - 8_000) / 8_000)  # 874%
    out = m.vendor_roi(np.array([12_000.0, 0.0]), np.array([36, 3]), np.array([6_200.0, 100.0]))
    assert out[0] == pytest.approx(17.6) and np.isnan(out[1])


def test_ratios_are_nan_without_a_denominator():
    assert np.isnan(m.ltv_to_cac(1000, 0))
    assert np.isnan(m.acquisition_cost(500, 0))
    assert np.isnan(m.conversion_rate(0, 0))


def test_vendor_rating_thresholds():
    assert m.vendor_rating(5.0) == m.EXCELLENT
    assert m.vendor_rating(4.99) == m.GOOD
    assert m.vendor_rating(2.0) == m.GOOD
    assert m.vendor_rating(1.99) == m.UNDERPERFORMING
    assert m.vendor_rating(float("nan")) == m.NOT_RATED
    assert list(m.vendor_rating(np.array([17.6, 0.97]), 5.0, 2.0)) == [m.EXCELLENT, m.UNDERPERFORMING]


# --- laws ---------------------------------------------------------------------------------------

money = st.floats(1, 1e6)


@given(money, st.integers(0, 1000), money, st.integers(1, 100), money)
def test_roi_rises_with_conversions_and_ltv_and_falls_with_spend(spend, sold, ltv, more, extra):
    base = m.vendor_roi(spend, sold, ltv)
    assert m.vendor_roi(spend, sold + more, ltv) > base
    assert m.vendor_roi(spend, sold + more, ltv + extra) > m.vendor_roi(spend, sold + more, ltv)
    assert m.vendor_roi(spend + extra, sold, ltv) <= base  # equal when nothing was sold


coef = st.floats(-3, 3)


@st.composite
def score_models(draw):  # noqa: ANN001, ANN201
    vendors = ["A", "B", "C"]
    coefficients = [draw(st.floats(-5, 1)), draw(coef), draw(coef), draw(coef), draw(coef), draw(coef)]
    return m.ScoreModel(
        names=["intercept", "homeowner", "vehicles", "products_quoted", "vendor=B", "vendor=C"],
        coefficients=coefficients, baseline_vendor="A", vendors=["B", "C"],
        means={"homeowner": 0.5, "vehicles": 1.5, "products_quoted": 1.5},
        vendor_mix={v: 1 / 3 for v in vendors}, p_ref=draw(st.floats(0.01, 0.99)))


@given(score_models(), st.integers(0, 1), st.integers(0, 6), st.integers(0, 5),
       st.sampled_from(["A", "B", "C", None, "Unknown"]))
def test_score_is_monotone_in_each_coefficients_direction_and_within_0_100(model, home, cars, quoted, vendor):
    c = dict(zip(model.names, model.coefficients))
    s = m.score_one(model, home, cars, quoted, vendor)
    assert 0 <= s <= 100 and s == round(s)
    for feature, up in (("homeowner", (1, cars, quoted)), ("vehicles", (home, cars + 1, quoted)),
                        ("products_quoted", (home, cars, quoted + 1))):
        s_up = m.score_one(model, *up, vendor)
        if feature == "homeowner" and home == 1:
            continue
        if c[feature] > 0:
            assert s_up >= s
        elif c[feature] < 0:
            assert s_up <= s
    # vendor effects: a vendor with a higher coefficient never scores lower
    sa, sb, sc = (m.score_one(model, home, cars, quoted, v) for v in "ABC")
    for (va, ca), (vb, cb) in [((sa, 0.0), (sb, c["vendor=B"])), ((sa, 0.0), (sc, c["vendor=C"])),
                               ((sb, c["vendor=B"]), (sc, c["vendor=C"]))]:
        assert (vb >= va) if cb >= ca else (vb <= va)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(200, 600))
def test_band_counts_add_up_and_scores_stay_in_range(seed, n):
    data = lead_agency(seed, n_leads=n, n_book=40)
    model = m.fit_lead_score(data.leads)
    assert model is not None
    scores = m.lead_scores(model, data.leads)
    assert scores.min() >= 0 and scores.max() <= 100
    bands = m.band_distribution(_values(data), scores)
    assert list(bands["band"]) == list(m.BANDS)
    assert bands["leads"].sum() == len(data.leads)
    assert bands["sold"].sum() == (data.leads["status"] == "Sold").sum()
    assert (bands["closed"] + bands["open"] <= bands["leads"]).all()


# --- the lead score fit -------------------------------------------------------------------------

def test_unpenalised_fit_matches_the_closed_form_for_one_binary_feature():
    # With one 0/1 feature the maximum-likelihood fit is known: intercept = logit(rate when 0),
    # slope = logit(rate when 1) - logit(rate when 0).
    x1 = np.r_[np.zeros(100), np.ones(100)]
    y = np.r_[np.ones(20), np.zeros(80), np.ones(60), np.zeros(40)]
    b, _, converged = m.fit_logistic(np.column_stack([np.ones(200), x1]), y, l2=0.0)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    assert converged
    assert b[0] == pytest.approx(logit(0.2), abs=1e-8)
    assert b[1] == pytest.approx(logit(0.6) - logit(0.2), abs=1e-8)


def test_penalty_keeps_a_perfect_predictor_finite_and_shrinks_it():
    x = np.column_stack([np.ones(40), np.r_[np.zeros(20), np.ones(20)]])
    y = np.r_[np.zeros(20), np.ones(20)]
    b1, _, ok1 = m.fit_logistic(x, y, l2=1.0)
    b10, _, ok10 = m.fit_logistic(x, y, l2=10.0)
    assert ok1 and ok10 and np.isfinite(b1).all()
    assert 0 < b10[1] < b1[1]
    # at the optimum the penalised gradient is zero
    p = 1 / (1 + np.exp(-(x @ b1)))
    assert np.allclose(x.T @ (y - p) - np.r_[0.0, 1.0 * b1[1]], 0, atol=1e-7)


def test_fit_recovers_the_simulated_coefficients():
    data = lead_agency(seed=11, n_leads=6000, n_book=50)
    model = m.fit_lead_score(data.leads, l2=1.0)
    c = dict(zip(model.names, model.coefficients))
    assert model.converged and model.n_train == data.leads["status"].isin(m.CLOSED_STATUSES).sum()
    for name in ("homeowner", "vehicles", "products_quoted"):
        assert c[name] == pytest.approx(TRUE_COEF[name], abs=0.2), name
    # baseline: the vendor with the most closed leads; effects are read against it
    base_effect = VENDORS[model.baseline_vendor][2]
    for v in model.vendors:
        assert c[f"vendor={v}"] == pytest.approx(VENDORS[v][2] - base_effect, abs=0.25), v
    assert 0 < model.p_ref < 1


def test_fit_needs_both_outcomes_and_enough_closed_leads():
    leads = lead_agency(seed=1, n_leads=200).leads
    assert m.fit_lead_score(leads.assign(status="Lost")) is None
    assert m.fit_lead_score(leads.head(10)) is None


def test_missing_answers_take_the_training_mean_and_unknown_vendor_the_mix():
    model = m.fit_lead_score(lead_agency().leads)
    blank = pd.DataFrame({"homeowner": [None], "vehicles": [np.nan], "products_quoted": [np.nan],
                          "vendor": ["Nobody"]})
    mean = pd.DataFrame({"homeowner": [model.means["homeowner"]], "vehicles": [model.means["vehicles"]],
                         "products_quoted": [model.means["products_quoted"]], "vendor": [None]})
    assert m.predict_probability(model, blank)[0] == pytest.approx(m.predict_probability(model, mean)[0])
    mix = sum(share * model.vendor_effect(v) for v, share in model.vendor_mix.items())
    assert model.vendor_effect("Nobody") == pytest.approx(mix)
    assert model.vendor_effect(model.baseline_vendor) == 0.0


def test_score_scale_reference_percentile():
    model = m.fit_lead_score(lead_agency().leads, reference_quantile=0.9)
    closed = lead_agency().leads.query("status in @m.CLOSED_STATUSES")
    scores = m.lead_scores(model, closed)
    # about a tenth of the fitted leads are at least as likely as p_ref, so they score 100
    assert 0.05 <= (scores == 100).mean() <= 0.2
    assert m.score_from_probability(model.p_ref / 2, model.p_ref) == 50


# --- vendor, segment and queue tables on hand-made data -----------------------------------------

def _mini() -> AmsData:
    """Two vendors, hand-countable: V1 four $50 leads (two sold), V2 four $25 leads (one sold)."""
    ts = pd.Timestamp
    policies = pd.DataFrame({
        "policy_number": ["A1", "A2", "A3", "B1", "C1", "D1"],
        "household_id": ["HA", "HA", "HA", "HB", "HC", "HD"],
        "product": ["Auto", "Home", "Umbrella", "Auto", "Auto", "Auto"],
        "status": ["In Force", "In Force", "In Force", "In Force", "Cancelled", "In Force"],
        "original_effective_date": ts("2025-03-01"), "expiration_date": pd.NaT,
        "cancel_date": [pd.NaT, pd.NaT, pd.NaT, pd.NaT, ts("2025-06-01"), pd.NaT],
        "annual_premium": [2000.0, 1500.0, 500.0, 1000.0, 450.0, 1200.0],
    })
    leads = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(9)],
        "lead_date": [ts("2025-02-01")] * 7 + [ts("2025-10-20"), ts("2023-01-01")],
        "vendor": ["V1", "V1", "V1", "V1", "V2", "V2", "V2", "V2", "V1"],
        "cost": [50.0, 50, 50, 50, 25, 25, 25, 25, 50],
        "status": ["Sold", "Sold", "Lost", "Bad Lead", "Sold", "Lost", "Lost", "New", "Sold"],
        "household_id": ["HA", "HC", None, None, "HB", None, None, None, "HZ"],
        "products_quoted": [3.0, 1, 1, 1, 1, 2, 1, 3, 1], "quoted_premium": [4000.0] * 9,
        "homeowner": [True, False, False, False, True, False, True, True, False],
        "vehicles": [2.0, 1, 1, 0, 1, 1, 2, 2, 1], "zip": "07052",
    })
    return AmsData(policies=policies, leads=leads, as_of=AS_OF)


def test_sold_lead_values_in_force_left_and_unknown_households():
    data = _mini()
    v = _values(data).set_index("lead_id")
    assert v.loc["L0", "tier"] == "Elite" and v.loc["L0", "premium"] == 4000 and v.loc["L0", "ltv"] > 0
    assert v.loc["L1", "in_book"] and v.loc["L1", "ltv"] == 0 and v.loc["L1", "premium"] == 0  # left the book
    assert not v.loc["L8", "in_book"] and np.isnan(v.loc["L8", "ltv"])  # HZ is not in the book
    assert v.loc["L4", "tier"] == "Standard"
    assert np.isnan(v.loc["L2", "ltv"]) and not v.loc["L2", "sold"]


def test_vendor_efficiency_by_hand():
    data = _mini()
    values = _values(data)
    ltv = values.set_index("lead_id")["ltv"]
    t = m.vendor_efficiency(values, AS_OF, 12).set_index("vendor")
    v1, v2 = t.loc["V1"], t.loc["V2"]
    assert (v1["spend"], v1["leads"], v1["sold"], v1["open"]) == (200, 4, 2, 0)  # L8 is outside the window
    assert (v2["spend"], v2["leads"], v2["sold"], v2["open"]) == (100, 4, 1, 1)
    assert v1["conversion"] == 0.5 and v1["cac"] == 100 and v2["cac"] == 100
    assert v1["avg_ltv"] == pytest.approx((ltv["L0"] + 0.0) / 2)
    assert v1["roi"] == pytest.approx((2 * v1["avg_ltv"] - 200) / 200)
    assert v2["roi"] == pytest.approx((ltv["L4"] - 100) / 100)
    assert v1["ltv_cac"] == pytest.approx(v1["roi"] + 1)
    whole = m.vendor_efficiency(values, AS_OF, None).set_index("vendor")
    assert whole.loc["V1", "leads"] == 5 and whole.loc["V1", "sold"] == 3  # HZ: a sale without an LTV
    assert whole.loc["V1", "avg_ltv"] == pytest.approx(v1["avg_ltv"])


def test_cac_by_segment_spreads_each_vendors_spend_over_its_sales():
    data = _mini()
    t = m.cac_by_segment(_values(data), AS_OF, 12, warning=3.0).set_index("tier")
    assert list(t.index) == [*m.TIERS, "All"]
    # V1: sold L0 (Elite) and L1 (left: 1 product at $450 -> Low-Value); unsold $100 split over 2.
    assert t.loc["Elite", "spend"] == pytest.approx(50 + 50)
    assert t.loc["Low-Value", "spend"] == pytest.approx(50 + 50)
    # V2: sold L4 (Standard, $1,000 premium); unsold $75 (two lost, one open) on it.
    assert t.loc["Standard", "spend"] == pytest.approx(25 + 75)
    assert t.loc[list(m.TIERS), "spend"].sum() == pytest.approx(t.loc["All", "spend"]) == 300
    assert t.loc["All", "cac"] == 100 and t.loc["Premium", "sold"] == 0 and np.isnan(t.loc["Premium", "cac"])
    elite = t.loc["Elite"]
    assert elite["ltv_cac"] == pytest.approx(elite["avg_ltv"] / elite["cac"])
    assert elite["max_cac"] == pytest.approx(elite["avg_ltv"] / 3.0)
    assert t.loc["Low-Value", "status"] == "ALERT"  # a household that left is worth nothing from now on


def test_reallocation_rule():
    # Issue 9.6: the minimum counts DECIDED leads (sold, lost, bad), not leads bought.
    vendors = pd.DataFrame({"vendor": ["Good Co", "Poor Co", "Tiny Co"], "spend": [12_000.0, 8_000.0, 500.0],
                            "leads": [240, 320, 25], "decided": [200, 300, 5], "roi": [6.0, 0.9, -1.0],
                            "rating": [m.EXCELLENT, m.UNDERPERFORMING, m.TOO_NEW]})
    r = m.reallocation(vendors, share=0.25, min_decided=20)
    assert (r.amount, r.from_vendor, r.to_vendor) == (2_000.0, "Poor Co", "Good Co")  # Tiny Co too new
    assert r.ltv_gain == pytest.approx(2_000 * (6.0 - 0.9))
    assert "$2,000" in r.sentence and "Poor Co" in r.sentence and "Rule:" in r.sentence
    # Poor Co returns 1.9 / 7.0 = 27% of Good Co's value per dollar: below any trigger above 0.27
    assert m.reallocation(vendors, trigger=0.28).amount == 2_000
    assert m.reallocation(vendors, trigger=0.27).amount == 0
    close = vendors.assign(roi=[6.5, 6.0, 7.0])  # 7.0 / 7.5 = 93% per dollar: leave them alone
    assert m.reallocation(close).amount == 0 and "No shift" in m.reallocation(close).action
    assert m.reallocation(vendors.head(1)).amount == 0


def test_queue_lists_fresh_open_leads_best_first():
    data = lead_agency()
    model = m.fit_lead_score(data.leads)
    scores = m.lead_scores(model, data.leads)
    q = m.lead_queue(data.leads, scores, {"Elite": 3000.0, "Premium": 2000.0, "Standard": 800.0,
                                          "Low-Value": 100.0}, 90, 70, None, as_of=AS_OF, max_age_days=30)
    assert len(q) > 0 and q["status"].isin(m.OPEN_STATUSES).all()
    assert ((pd.Timestamp(AS_OF) - q["lead_date"]).dt.days <= 30).all()
    assert q["score"].is_monotonic_decreasing
    assert set(q.loc[q["score"] >= 90, "priority"]) <= {m.URGENT}
    assert set(q.loc[(q["score"] < 90) & (q["score"] >= 70), "priority"]) <= {m.HIGH}
    assert (q["contact_within"] == q["priority"].map(m.CONTACT_WITHIN)).all()
    assert (q.loc[q["predicted_tier"] == "Elite", "estimated_ltv"] == 3000).all()
    assert len(m.lead_queue(data.leads, scores, {}, n=5)) == 5


# --- the Leads sheet ----------------------------------------------------------------------------

def test_sheet_from_hand_made_data(tmp_path):
    from agency_xl.dashboards import leads as d
    from agency_xl.excel.builder import build_workbook
    from agency_xl.figures import leads as figures

    data = lead_agency()
    settings_ = Assumptions()
    fig = figures.compute(data, settings_)
    sheet = d.build(fig)
    sheet.validate()
    assert sheet.key == "leads" and len(sheet.name) <= 31
    vendors = sheet.block("vendors")
    assert vendors.n_rows == figures.VENDOR_ROWS and len(vendors.rows) == len(VENDORS)
    assert [r[8] for r in vendors.rows] == sorted((r[8] for r in vendors.rows), reverse=True)  # by ROI
    assert sheet.block("queue").n_rows == 25 and 0 < len(sheet.block("queue").rows) <= 25
    assert [r[0] for r in sheet.block("bands").rows] == list(m.BANDS)
    assert [r[0] for r in sheet.block("segments").rows] == [*m.TIERS, "All"]
    k = fig.kpis()
    assert sum(k["score_band_counts"].values()) == len(data.leads)
    assert k["leads"] == sum(r[2] for r in vendors.rows) and k["commission_rate_source"] == "measured"
    assert 0.08 < k["commission_rate"] < 0.10  # the statements pay 10% on new business, 8% on renewals
    assert k["ltv_cac"] == pytest.approx(k["roi_all_vendors"] + 1)
    assert set(k["score_coefficients"]) >= {"intercept", "homeowner", "vehicles", "products_quoted"}
    assert sheet.block("recommendation").rows[1][0].startswith("Rule:")
    coef_rows = sheet.block("coefficients").rows
    assert coef_rows[1][0].startswith("Homeowner") and coef_rows[1][2] == pytest.approx(np.exp(coef_rows[1][1]))
    # the queue never shows a name: the lead log has none, and it is personal data anyway
    assert "Name" not in " ".join(sheet.block("queue").columns)
    path = build_workbook([sheet], tmp_path / "leads.xlsx")
    import openpyxl
    ws = openpyxl.load_workbook(path)["Leads"]
    assert len(ws._charts) == 3 and ws["A7"].value == vendors.rows[0][0]


def test_sheet_groups_many_vendors_into_fixed_rows():
    from agency_xl.dashboards import leads as d
    from agency_xl.figures import leads as figures

    data = lead_agency()
    names = [f"Vendor {i:02d}" for i in range(11)]
    leads = data.leads.assign(vendor=[names[i % 11] for i in range(len(data.leads))])
    fig = figures.compute(AmsData(policies=data.policies, leads=leads, as_of=AS_OF), Assumptions())
    rows = d.build(fig).block("vendors").rows
    assert len(rows) == figures.VENDOR_ROWS and any(r[0] == "Other vendors (4)" for r in rows)
    assert sum(r[2] for r in rows) == fig.kpis()["leads"]
    # without commission statements the Segments fallback rate is used, and the sheet says so
    assert fig.kpis()["commission_rate_source"] == "setting"
    assert fig.kpis()["commission_rate"] == Assumptions().general.commission_rate


@pytest.mark.parametrize("drop, name", [("leads", "Lead log"), ("policies", "Book of business")])
def test_sheet_without_an_export_names_it(drop, name):
    from agency_xl.dashboards import leads as d
    from agency_xl.figures import leads as figures

    data = lead_agency()
    setattr(data, drop, None)
    fig = figures.compute(data, Assumptions())
    sheet = d.build(fig)
    sheet.validate()
    assert name in sheet.block("status").rows[0][0]
    assert sheet.block("vendors").rows == [] and sheet.block("queue").rows == []
    assert len(sheet.block("bands").rows) == 4 and fig.kpis() == {}


def test_households_are_valued_once_per_refresh_and_each_sheet_gets_its_own_frame(monkeypatch):
    """The Leads figures value the book's households with the Segments valuation (tier, LTV),
    computed once per refresh for every sheet that needs it (figures.common)."""
    from agency_xl.figures import compute_figures

    calls = []
    valued = seg.segment_households

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(args[1])
        return valued(*args, **kwargs)

    monkeypatch.setattr(seg, "segment_households", counted)
    data = lead_agency()
    figures = compute_figures(data, Assumptions())
    assert calls == [AS_OF] and figures.leads.vendors is not None
    mine = figures.common.valued_households
    mine["ltv"] = 0.0  # a sheet changing its frame must not change what the next sheet gets
    assert (figures.common.valued_households["ltv"] > 0).all()
    # a sold lead is worth the LTV that valuation gave its household; one that has left the book
    # brings nothing from now on (docs/models/leads.md)
    ltv = figures.common.valued_households.set_index("household_id")["ltv"]
    sold = data.leads[(data.leads["status"] == "Sold") & figures.leads.window.contains(data.leads["lead_date"])]
    assert sold["household_id"].isin(data.policies["household_id"]).all()
    assert 0 < sold["household_id"].isin(ltv.index).sum() < len(sold)  # both kinds are there
    assert figures.leads.avg_ltv_sold == pytest.approx(sold["household_id"].map(ltv).fillna(0.0).mean())


# --- worksheet functions ------------------------------------------------------------------------

def _excel():  # noqa: ANN202
    import xlwings_harness as xh

    return xh, xh.udf_module()


def test_worksheet_functions_good_arguments():
    xh, mod = _excel()
    assert round(xh.call_like_excel(mod, "LTV_CAC", 18_000, 1_350)[0][0], 1) == 13.3
    assert xh.call_like_excel(mod, "LTV_CAC", "$9,000", 820)[0][0] == pytest.approx(9_000 / 820)
    assert xh.call_like_excel(mod, "VENDOR_ROI", 12_000, 36, 6_200)[0][0] == pytest.approx(17.6)
    assert xh.call_like_excel(mod, "VENDOR_RATING", 0.97, xh.MISSING, xh.MISSING) == [["UNDERPERFORMING"]]
    assert xh.call_like_excel(mod, "VENDOR_RATING", 3.0, 4.0, 2.5) == [["GOOD"]]
    as_bool = xh.call_like_excel(mod, "LEAD_SCORE", True, 2, 2, "ClickQuote")[0][0]
    assert xh.call_like_excel(mod, "LEAD_SCORE", "Y", 2, 2, "clickquote ")[0][0] == as_bool
    assert xh.call_like_excel(mod, "LEAD_SCORE", 1, 2, 2, "ClickQuote")[0][0] == as_bool
    blank = xh.call_like_excel(mod, "LEAD_SCORE", True, 2, 2, xh.MISSING)[0][0]
    assert 0 <= blank <= 100 and blank == xh.call_like_excel(mod, "LEAD_SCORE", True, 2, 2, "Someone New")[0][0]


def test_lead_score_function_follows_its_coefficients():
    from agency_xl.functions.leads import LEAD_SCORE, SAMPLE_SCORE_MODEL

    c = dict(zip(SAMPLE_SCORE_MODEL.names, SAMPLE_SCORE_MODEL.coefficients))
    low = LEAD_SCORE(False, 0, 1, None)
    for args, name in (((True, 0, 1), "homeowner"), ((False, 3, 1), "vehicles"), ((False, 0, 3), "products_quoted")):
        assert (LEAD_SCORE(*args, None) >= low) == (c[name] >= 0), name
    p = 1 / (1 + np.exp(-(c["intercept"] + c["homeowner"] + 2 * c["vehicles"] + 2 * c["products_quoted"])))
    assert LEAD_SCORE(True, 2, 2, SAMPLE_SCORE_MODEL.baseline_vendor) == min(
        100, round(100 * p / SAMPLE_SCORE_MODEL.p_ref))


@pytest.mark.parametrize("name, args, message", [
    ("VENDOR_ROI", (0, 3, 1000), "spend must be above 0"),
    ("VENDOR_ROI", (1000, -1, 1000), "conversions must be"),
    ("VENDOR_ROI", (1000, 3, "lots"), "avg_ltv must be"),
    ("LTV_CAC", (1000, 0), "cac must be above 0"),
    ("LTV_CAC", ("", 100), "ltv is empty"),
    ("VENDOR_RATING", (2.0, 1.0, 3.0), "good must not be above excellent"),
    ("LEAD_SCORE", ("maybe", 1, 1), "homeowner must be TRUE/FALSE"),
    ("LEAD_SCORE", (True, 2.5, 1), "vehicles must be a whole number"),
    ("LEAD_SCORE", (True, 1, 99), "products_quoted must be"),
    ("LEAD_SCORE", (True, 1, [[1, 2]]), "products_quoted must be a single cell"),
])
def test_worksheet_functions_bad_arguments(name, args, message):
    xh, mod = _excel()
    out = xh.call_like_excel(mod, name, *args)[0][0]
    assert isinstance(out, str) and out.startswith("#VALUE!") and message in out, out


def test_sample_score_model_is_the_fit_on_the_bundled_sample():
    from agency_xl.functions import leads as f

    if not (f.SAMPLE_FOLDER.is_dir() and any(f.SAMPLE_FOLDER.iterdir())):
        pytest.skip("data/sample is not there (agency-xl sample-data --out data/sample)")
    fitted = f.sample_score_model()
    saved = f.SAMPLE_SCORE_MODEL
    assert fitted.names == saved.names and fitted.baseline_vendor == saved.baseline_vendor
    assert np.allclose(fitted.coefficients, saved.coefficients, atol=1e-9)
    assert fitted.p_ref == pytest.approx(saved.p_ref, abs=1e-12) and fitted.n_train == saved.n_train


# --- the owner's documentation shows the model's own numbers ------------------------------------

def test_docs_show_what_the_model_computes():
    from pathlib import Path

    from agency_xl.models.ltv import lifetime_value

    doc = (Path(__file__).resolve().parents[1] / "docs" / "models" / "leads.md").read_text()
    for ltv, cac in [(18_000, 1_350), (9_000, 820), (4_500, 520), (1_800, 280)]:
        assert f"**{m.ltv_to_cac(ltv, cac):.1f}**" in doc
    smart, ever = m.vendor_roi(12_000, 36, 6_200), m.vendor_roi(8_000, 19, 4_100)
    assert f"ROI **{smart:,.0%}**, {m.vendor_rating(smart)}" in doc
    assert f"ROI **{ever:,.0%}**, {m.vendor_rating(ever)} at the default thresholds" in doc
    assert f"CAC ${m.acquisition_cost(12_000, 36):,.0f}, LTV:CAC {m.ltv_to_cac(6_200, 12_000 / 36):.1f}" in doc
    vendors = pd.DataFrame({"vendor": ["SmartFinancial", "EverQuote"], "spend": [12_000.0, 8_000.0],
                            "leads": [240, 320], "roi": [smart, ever]})
    r = m.reallocation(vendors.assign(rating=m.vendor_rating(vendors["roi"].to_numpy())))
    per_dollar = (1 + ever) / (1 + smart)
    assert f"returns {per_dollar:.0%} of SmartFinancial's value per dollar" in doc
    assert f"**shift ${r.amount:,.0f}**" in doc and f"about **${r.ltv_gain:,.0f}**" in doc
    assert f"worth about ${lifetime_value(4_500, 0.07, 0.97, 0.10):,.0f}" in doc
