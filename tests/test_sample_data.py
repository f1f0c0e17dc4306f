"""The synthetic sample exports: determinism, calibration to the plan's agency, consistency
between the truth tables, and the quirks the files must carry (read raw, not with the reader)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from agency_xl.ams.reports import PRODUCT_ALIASES, PRODUCTS, REPORTS
from agency_xl.sample_data import simulate_agency, write_sample_exports

from test_ams_end_to_end import NOT_SIMULATED  # noqa: E402 - the one list of them

AS_OF = dt.date(2025, 10, 31)
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def agency():
    """The default agency (1,000 households, seed 7): the one data/sample is made from."""
    return simulate_agency()


@pytest.fixture(scope="module")
def small():
    return simulate_agency(households=300, seed=3)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return {p.name: p for p in write_sample_exports(out, households=300, seed=3)}


def sheet_rows(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return list(wb.worksheets[0].iter_rows(values_only=True))


def header_index(rows: list[tuple], first: str) -> int:
    return next(i for i, r in enumerate(rows) if r[0] == first)


def in_force(agency) -> pd.DataFrame:
    p = agency.policies
    return p[p["status"] == "In Force"]


# --------------------------------------------------------------------------- determinism


def test_same_arguments_give_identical_bytes_and_another_seed_differs(tmp_path):
    a = write_sample_exports(tmp_path / "a", households=200, seed=5)
    b = write_sample_exports(tmp_path / "b", households=200, seed=5)
    c = write_sample_exports(tmp_path / "c", households=200, seed=6)
    assert [p.name for p in a] == [p.name for p in b] == [p.name for p in c]
    assert len(a) == 9
    for pa, pb, pc in zip(a, b, c):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
        assert pa.read_bytes() != pc.read_bytes(), pa.name


def test_committed_sample_is_what_the_generator_writes(tmp_path):
    """data/sample must be regenerated whenever the generator changes."""
    committed = REPO / "data" / "sample"
    fresh = write_sample_exports(tmp_path, households=1000, seed=7, as_of=AS_OF)
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in fresh)
    for p in fresh:
        assert (committed / p.name).read_bytes() == p.read_bytes(), p.name
    assert sum(p.stat().st_size for p in fresh) < 2_000_000


def test_truth_tables_use_the_report_fields_and_reader_types(small):
    for key, report in REPORTS.items():
        table = getattr(small, key)
        # Optional columns the generator does not simulate (the lead log's made-up names and phones,
        # the book's phone) are not in the truth tables; every other field is, in the report's order.
        fields = [c for c in report.columns if c.field not in NOT_SIMULATED.get(key, [])]
        assert list(table.columns) == [c.field for c in fields], key
        for col in fields:
            series = table[col.field]
            if col.kind == "date":
                assert series.dtype == "datetime64[ns]", (key, col.field)
            elif col.kind == "money":
                assert series.dtype == "float64", (key, col.field)
            elif col.kind in ("id", "text"):
                assert all(isinstance(v, str) for v in series.dropna()), (key, col.field)
        if "product" in table:
            assert set(table["product"]) <= set(PRODUCTS), key
    assert set(small.policies["status"]) <= set(REPORTS["policies"].status_values)
    assert set(small.commissions["transaction_type"]) <= set(REPORTS["commissions"].status_values)
    assert set(small.leads["status"]) <= set(REPORTS["leads"].status_values)
    assert set(small.referrals["status"]) <= set(REPORTS["referrals"].status_values)


def test_too_few_households_is_refused():
    with pytest.raises(ValueError, match="households"):
        simulate_agency(households=10)


# --------------------------------------------------------------------------- calibration


def test_book_size_products_and_premium(agency):
    book = in_force(agency)
    households = book["household_id"].nunique()
    assert 950 <= households <= 1050
    assert 1.2 <= len(book) / households <= 1.4
    assert 3.3e6 <= book["annual_premium"].sum() <= 4.1e6
    # The book keeps policies that ended during the history, and a few bound for next month.
    assert {"Cancelled", "Expired", "Pending"} <= set(agency.policies["status"])


def test_retention_overall_by_product_and_household(agency):
    g = agency.growth
    last_year = g[g["month"] > g["month"].max() - pd.DateOffset(months=12)]
    overall = last_year["renewals_retained"].sum() / last_year["renewals_offered"].sum()
    assert 0.875 <= overall <= 0.915

    def product_retention(product: str) -> float:
        x = g[g["product"] == product]
        return x["renewals_retained"].sum() / x["renewals_offered"].sum()

    assert 0.90 <= product_retention("Umbrella") <= 1.0
    assert product_retention("Life") >= 0.96
    r = agency.renewals
    auto_only = r[(r["product"] == "Auto") & (r["household_products"] == 1)]["retained"].mean()
    assert 0.81 <= auto_only <= 0.89
    by_count = r.groupby(np.minimum(r["household_products"], 3))["retained"].mean()
    assert 0.72 <= by_count[1] <= 0.88
    assert 0.88 <= by_count[2] <= 0.96
    assert by_count[3] >= 0.94
    assert by_count[1] < by_count[2] < by_count[3]


def test_commission_level_lag_and_transaction_types(agency):
    c = agency.commissions
    last_year = c[c["statement_date"] > c["statement_date"].max() - pd.DateOffset(months=12)]
    annual = last_year["commission_amount"].sum()
    assert 220_000 <= annual <= 300_000
    assert 0.06 <= annual / in_force(agency)["annual_premium"].sum() <= 0.08
    written = c[c["transaction_type"].isin(["New Business", "Renewal"])]
    lag = (written["statement_date"] - written["transaction_effective_date"]).dt.days
    assert 42 <= lag.median() <= 54
    assert lag.quantile(0.1) >= 25 and lag.quantile(0.9) <= 80
    counts = c["transaction_type"].value_counts()
    for kind in ("Chargeback", "Cancellation", "Endorsement", "Chargeup", "Bonus", "Adjustment"):
        assert counts.get(kind, 0) >= 1, kind
    assert (c.loc[c["transaction_type"].isin(["Chargeback", "Cancellation"]),
                  "commission_amount"] < 0).all()
    assert (c.loc[c["transaction_type"] == "Chargeup", "commission_amount"] > 0).all()


def test_chargebacks_on_about_eight_percent_of_new_business(agency):
    c = agency.commissions
    charged = set(c.loc[c["transaction_type"] == "Chargeback", "policy_number"])
    s = agency.sales
    settled = s[s["issue_date"] < pd.Timestamp(AS_OF) - pd.Timedelta(days=180)]
    share = settled["policy_number"].isin(charged).mean()
    assert 0.05 <= share <= 0.11
    # A chargeback is an early cancellation of a policy sold in the history or just before it.
    book = agency.policies.set_index("policy_number")
    cancelled = book.loc[book.index.intersection(charged)]
    assert (cancelled["status"] == "Cancelled").all()
    assert ((cancelled["cancel_date"] - cancelled["original_effective_date"]).dt.days <= 180).all()


def test_spring_sales_peak_and_renewal_concentration(agency):
    s = agency.sales
    monthly = s.groupby(s["issue_date"].dt.to_period("M")).size()
    spring = monthly[monthly.index.month.isin([3, 4, 5])].mean()
    rest = monthly[~monthly.index.month.isin([3, 4, 5])].mean()
    assert spring >= 1.1 * rest
    g = agency.growth
    offered = g.groupby(g["month"].dt.month)["renewals_offered"].sum()
    assert offered[3] == offered.max()
    assert offered[3] >= 1.3 * offered.mean()
    assert offered[7] <= 0.85 * offered.mean()


def test_cross_sell_timing_and_sequence(agency):
    p = agency.policies
    first = p.groupby("household_id")["original_effective_date"].transform("min")
    days = (p["original_effective_date"] - first).dt.days
    added = days[days > 0]
    assert added.max() <= 400
    assert (added <= 60).sum() >= 10 and (added >= 200).sum() >= 10
    ranked = p.assign(rank=p.groupby("household_id").cumcount())
    firsts = ranked[ranked["rank"] == 0].set_index("household_id")["product"]
    seconds = ranked[ranked["rank"] == 1].set_index("household_id")["product"]
    pairs = pd.Series(list(zip(firsts.reindex(seconds.index), seconds))).value_counts()
    assert pairs.index[0] == ("Auto", "Home")
    thirds = ranked[ranked["rank"] == 2]["product"].value_counts()
    assert thirds.index[0] == "Umbrella"


def test_claims_loss_ratio_frequency_and_severity(agency):
    cl = agency.claims
    t = agency.terms
    start, stop = pd.Timestamp(agency.history_start), pd.Timestamp(AS_OF) + pd.Timedelta(days=1)
    covered = (t["term_end_date"].clip(upper=stop) - t["term_effective_date"].clip(lower=start))
    earned = (t["premium"] * covered.dt.days.clip(lower=0) / 365.25).sum()
    assert 0.5 <= cl["incurred_loss"].sum() / earned <= 0.75
    policy_years = (t.assign(years=covered.dt.days.clip(lower=0) / 365.25)
                    .groupby("product")["years"].sum())
    frequency = cl["product"].value_counts() / policy_years
    assert frequency["Auto"] > 1.5 * frequency["Home"]
    paid = cl[cl["claim_status"] == "Closed"].groupby("product")["paid_loss"].mean()
    assert paid["Home"] > paid["Auto"]
    assert (cl["incurred_loss"] == (cl["paid_loss"] + cl["reserve"]).round(2)).all()
    assert (cl["paid_loss"] < 0).sum() >= 1  # a subrogation recovery


def test_lead_vendors_differ_and_lead_features_predict_sales(agency):
    leads = agency.leads
    sold = leads["status"] == "Sold"
    by_vendor = sold.groupby(leads["vendor"]).mean()
    assert 2 <= len(by_vendor) <= 4
    assert by_vendor.max() >= 0.12 and by_vendor.min() <= 0.08
    assert leads.groupby("vendor")["cost"].mean().nunique() == len(by_vendor)
    assert sold[leads["homeowner"]].mean() > 1.5 * sold[~leads["homeowner"]].mean()
    assert sold[leads["vehicles"] >= 2].mean() > sold[leads["vehicles"] == 1].mean()
    assert sold[leads["products_quoted"] >= 2].mean() > sold[leads["products_quoted"] == 1].mean()
    assert leads.loc[sold, "quoted_premium"].notna().all()
    assert leads.loc[leads["status"] == "Bad Lead", "quoted_premium"].isna().all()


def test_referral_program(agency):
    r = agency.referrals
    referrers = r["referrer_household_id"].nunique()
    households = in_force(agency)["household_id"].nunique()
    assert 0.06 <= referrers / households <= 0.10
    assert 1.2 <= len(r) / referrers <= 1.7
    assert 0.25 <= (r["status"] == "Sold").mean() <= 0.45
    paid = r.loc[r["status"] == "Sold", "incentive_paid"]
    assert paid.between(50, 100).all()
    assert r.loc[r["status"] != "Sold", "incentive_paid"].isna().all()


# --------------------------------------------------------------------------- consistency


def test_sold_leads_and_referrals_are_households_in_the_book_and_sales(small):
    book_households = set(small.policies["household_id"])
    leads = small.leads[small.leads["status"] == "Sold"]
    assert len(leads) > 0
    assert set(leads["household_id"]) <= book_households
    assert set(leads["household_id"]) <= set(small.sales["household_id"])
    sales_with_lead = small.sales.dropna(subset=["lead_id"])
    assert set(sales_with_lead["lead_id"]) == set(leads["lead_id"])
    joined = sales_with_lead.merge(leads, on="lead_id", suffixes=("", "_lead"))
    assert (joined["household_id"] == joined["household_id_lead"]).all()
    assert (joined["issue_date"] == joined["sold_date"]).all()
    assert (joined["lead_source"] == joined["vendor"]).all()
    assert small.leads.loc[small.leads["status"] != "Sold", "household_id"].isna().all()
    referred = small.referrals[small.referrals["status"] == "Sold"]
    assert set(referred["household_id"]) <= book_households
    assert set(referred["referrer_household_id"]) <= book_households
    sources = small.sales.groupby("household_id")["lead_source"].first()
    assert (sources[referred["household_id"]] == "Referral").all()


def test_sales_claims_and_commissions_reference_the_book(small):
    book = small.policies.set_index("policy_number")
    assert small.policies["policy_number"].is_unique
    assert set(small.sales["policy_number"]) <= set(book.index)
    assert (book.loc[small.sales["policy_number"], "original_effective_date"].to_numpy()
            == small.sales["issue_date"].to_numpy()).all()
    claims = small.claims
    assert set(claims["policy_number"]) <= set(book.index)
    assert (claims["loss_date"].to_numpy()
            >= book.loc[claims["policy_number"], "original_effective_date"].to_numpy()).all()
    assert (claims["reported_date"] >= claims["loss_date"]).all()
    c = small.commissions
    assert set(c["policy_number"]) - set(book.index) == {"AGENCY BONUS"}
    assert set(small.sales["policy_number"][small.sales["issue_date"]
                                            < pd.Timestamp(AS_OF) - pd.Timedelta(days=90)]) <= set(
        c.loc[c["transaction_type"] == "New Business", "policy_number"])
    assert c["statement_date"].dt.day.eq(15).all()
    assert c["statement_date"].max() <= pd.Timestamp(AS_OF)


def test_growth_report_agrees_with_the_book(small):
    g = small.growth
    assert g.groupby("product").size().eq(24).all()
    flow = g["beginning_pif"] + g["new_business"] - (g["renewals_offered"]
                                                      - g["renewals_retained"]) - g["cancellations"]
    assert (flow == g["ending_pif"]).all()
    for _, x in g.groupby("product"):
        assert (x["ending_pif"].to_numpy()[:-1] == x["beginning_pif"].to_numpy()[1:]).all()
    last = g[g["month"] == g["month"].max()].set_index("product")["ending_pif"]
    book = in_force(small)["product"].value_counts()
    assert last[last > 0].sort_index().to_dict() == book.sort_index().to_dict()
    sales = small.sales.groupby([small.sales["issue_date"].dt.to_period("M").dt.to_timestamp(),
                                 "product"]).size()
    new = g.set_index(["month", "product"])["new_business"]
    assert new[new > 0].sort_index().to_dict() == sales.sort_index().to_dict()
    cancelled = small.policies[small.policies["status"] == "Cancelled"]
    assert g["cancellations"].sum() == (cancelled["cancel_date"] >= pd.Timestamp(
        small.history_start)).sum()
    with_offers = g[g["renewals_offered"] > 0]
    ratio = with_offers["renewals_retained"] / with_offers["renewals_offered"]
    assert np.allclose(with_offers["retention_pct"], ratio.round(4))


def test_policy_dates_match_their_status(small):
    p = small.policies
    as_of = pd.Timestamp(AS_OF)
    live = p[p["status"] == "In Force"]
    assert (live["expiration_date"] > as_of).all() and live["cancel_date"].isna().all()
    cancelled = p[p["status"] == "Cancelled"]
    assert cancelled["cancel_date"].between(cancelled["effective_date"],
                                            cancelled["expiration_date"]).all()
    expired = p[p["status"] == "Expired"]
    assert (expired["expiration_date"] <= as_of).all()
    pending = p[p["status"] == "Pending"]
    assert (pending["original_effective_date"] > as_of).all()
    assert (p["effective_date"] >= p["original_effective_date"]).all()


def test_open_claims_develop_between_the_two_reports(small):
    before = small.claims_previous.set_index("claim_number")
    after = small.claims.set_index("claim_number")
    assert set(before.index) < set(after.index)
    both = after.loc[before.index]
    was_open = before["claim_status"] == "Open"
    assert (both.loc[was_open, "paid_loss"] > before.loc[was_open, "paid_loss"]).any()
    assert (both.loc[was_open, "claim_status"] != "Open").any()
    assert (both.loc[was_open, "reserve"] != before.loc[was_open, "reserve"]).any()


# --------------------------------------------------------------------------- the files' quirks


def test_book_file_has_titles_aliases_footers_and_messy_cells(files, small):
    path = files["All_Purpose_Audit_2025-10-31.xlsx"]
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    rows = list(ws.iter_rows(values_only=True))
    h = header_index(rows, "Customer ID")
    assert 3 <= h <= 6 and all(v is None for v in rows[h - 1])
    titles = [r[0] for r in rows[:h] if r[0]]
    assert titles[0] == "Whitfield Insurance Agency, LLC"
    assert "Run Date: 10/31/2025" in titles and any(t.startswith("Agency Code") for t in titles)
    header = rows[h]
    assert {"Policy #", "Customer ID", "Line of Business", "Full Term Premium"} <= set(header)
    body = rows[h + 1:]
    firsts = [r[0] for r in body]
    assert {"Total", "Grand Total", "*** End of Report ***"} <= set(firsts)
    assert any(all(v is None for v in r) for r in body[:-3])  # blank rows inside the data
    data = [r for r in body if isinstance(r[0], (int, float))]
    assert len(data) == len(small.policies)
    col = {name: header.index(name) for name in header}
    policy = [r[col["Policy #"]] for r in data]
    assert any(isinstance(v, str) and v.startswith("0") for v in policy)
    assert any(isinstance(v, (int, float)) for v in policy)
    lobs = {r[col["Line of Business"]] for r in data}
    assert {PRODUCT_ALIASES.get(name.lower()) for name in lobs} <= set(PRODUCTS)
    assert {"Private Passenger Auto", "HO-3", "PUP"} <= {r[col["Line of Business"]] for r in data}
    statuses = {r[col["Policy Status"]] for r in data}
    assert {"Active", "In Force", "Lapsed"} <= statuses and statuses & {"Canceled", "Cancelled"}
    premiums = [r[col["Full Term Premium"]] for r in data]
    assert any(isinstance(v, str) and v.startswith("$") for v in premiums)
    assert any(isinstance(v, float) for v in premiums)
    dates = [r[col["Orig Eff Date"]] for r in data]
    assert any(isinstance(v, str) and len(v) == 10 and v[2] == "/" for v in dates)
    assert any(isinstance(v, dt.datetime) for v in dates)
    assert any(isinstance(v, int) for v in (r[col["Exp Date"]] for r in data))  # bare serials
    assert all(isinstance(r[col["Zip Code"]], str) and len(r[col["Zip Code"]]) == 5 for r in data)
    insured = [r[col["Named Insured"]] for r in data]
    at_names = [v for v in insured if str(v).startswith("@")]
    assert at_names and all(isinstance(v, str) for v in at_names)


def test_growth_file_mixes_month_and_percent_forms(files, small):
    rows = sheet_rows(files["Policy_Growth_Retention_2025-10.xlsx"])
    h = header_index(rows, "Report Month")
    assert any(str(r[0]).startswith("Run Date:") for r in rows[:h])
    data = [r for r in rows[h + 1:] if r[1] is not None]
    assert len(data) == len(small.growth)
    months = [r[0] for r in data]
    assert any(isinstance(m, dt.datetime) for m in months)
    assert any(isinstance(m, str) and m == "Oct 2025" for m in months)
    retention = [r[9] for r in data]
    assert any(isinstance(v, str) and v.endswith("%") for v in retention)
    assert any(isinstance(v, float) and 0 < v < 1 for v in retention)
    assert rows[-1][0] == "Grand Total"


def test_two_claims_reports_one_without_incurred(files):
    earlier = sheet_rows(files["2025-09_Claims_Detail_Report.xlsx"])
    later = sheet_rows(files["2025-10_Claims_Detail_Report.xlsx"])
    assert "Run Date: 09/30/2025" in [r[0] for r in earlier[:6]]
    assert "Run Date: 10/31/2025" in [r[0] for r in later[:6]]
    h1, h2 = header_index(earlier, "Claim No."), header_index(later, "Claim #")
    assert not {"Incurred", "Total Incurred", "Incurred Loss"} & set(earlier[h1])
    assert "Total Incurred" in later[h2]
    cells = [v for r in later[h2 + 1:] for v in r]
    assert "\u2014" in cells
    assert any(isinstance(v, str) and v.startswith("(") and v.endswith(")") for v in cells)
    assert any(str(r[0]).startswith("Report generated") for r in later[-3:])


def test_commission_files_encodings_and_text_amounts(files, small):
    csv_path = next(p for n, p in files.items() if n.startswith("commission statements"))
    raw = csv_path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.decode("cp1252"))))
    assert rows[0][7] == "Comm %"
    assert any(r[8].startswith("-$") for r in rows[1:])
    assert any(r[7].endswith("%") for r in rows[1:])
    assert any(r[1] != r[1].strip() for r in rows[1:])  # stray spaces around a key
    xlsx = sheet_rows(files["Agent_Transaction_Detail_2025.xlsx"])
    h = header_index(xlsx, "Statement Date")
    body = xlsx[h + 1:]
    data = [r for r in body if isinstance(r[0], dt.datetime)]
    assert len(rows) - 1 + len(data) == len(small.commissions)
    assert any(isinstance(r[8], str) and r[8].startswith("-$") for r in data)
    assert any(isinstance(r[1], (int, float)) for r in data)  # ids Excel turned into numbers
    assert {"Total", "Grand Total", "*** End of Report ***"} <= {r[0] for r in body}


def test_sales_leads_and_referrals_files(files, small):
    sales = sheet_rows(files["New_Business_Report_2025-10.xlsx"])
    h = header_index(sales, "Policy #")
    assert h >= 3 and "Lead ID" in sales[h]
    data = [r for r in sales[h + 1:] if r[1] is not None]
    assert len(data) == len(small.sales)
    assert any(isinstance(r[3], str) and r[3][4] == "-" for r in data)
    assert sum(r[7] is not None for r in data) == small.sales["lead_id"].notna().sum()

    leads = sheet_rows(files["lead_log_export.xlsx"])
    assert leads[0][:5] == ("Lead ID", "Created", "Lead Vendor", "Lead Cost", "Disposition")
    assert len(leads) - 1 == len(small.leads)
    assert any(r[1].hour != 0 for r in leads[1:])
    assert {r[9] for r in leads[1:]} == {"Y", "N"}

    raw = files["Referral_Log.csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Referral Date", "Referrer Household ID"]
    assert len(rows) - 1 == len(small.referrals)
    assert any(r[1].endswith(".0") for r in rows[1:])
