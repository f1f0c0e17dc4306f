"""Worksheet functions whose blank arguments take the owner's measured values (issue 15.4):
RETENTION_LIFT and CROSS_SELL_LTV_GAIN the household retention by product count measured on the book
(and the commission rate measured on the statements) of the exports folder on the calling workbook's
Settings, LEAD_SCORE the lead score fitted on his lead log; without them the plan's (the sample
agency's), never an error.

The exports are a tiny folder written here by hand, not by the sample generator; the retention each
product count should have is counted by hand below, from the definition in docs/models/cross_sell.md
(household retention: households on the books when the 12-month window opens, grouped by their
products then; kept = still holding any policy when it closes)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
import xlwings_harness as xh
from small_exports import write_csv

from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import whatif
from agency_xl.figures import compute_figures
from agency_xl.functions import CATALOG, ams, exports_cache
from agency_xl.functions.leads import SAMPLE_SCORE_MODEL
from agency_xl.metrics import all_metrics
from agency_xl.models import leads as lead_model

MODULE = xh.udf_module()
AS_OF = dt.date(2025, 10, 31)  # the book's report date (in its file name): window Nov 2024 - Oct 2025
BOOK_HEADER = ["Policy Number", "Household ID", "Product", "Status", "Original Effective Date",
               "Expiration Date", "Cancel Date", "Annual Premium"]
LEADS_HEADER = ["Lead ID", "Lead Date", "Vendor", "Cost", "Status", "Sold Date", "Household ID",
                "Products Quoted", "Homeowner", "Vehicles"]
COMMISSION_HEADER = ["Statement Date", "Policy Number", "Product", "Transaction Type",
                     "Transaction Effective Date", "Premium", "Commission Amount"]
PLAN = {"1": 0.72, "2": 0.91, "3+": 0.97}

# Counted by hand from the book below. On the books at the end of 2024-10-31, by products then:
#   1 product:  H01-H05 (Auto); H04 and H05 cancelled in March 2025          -> kept 3 of 5
#   2 products: H06-H10 (Auto+Home); H10 cancelled both in June 2025, H09 only
#               its Home (its Auto keeps it a customer)                       -> kept 4 of 5
#   3 products: H11-H18 (Auto+Home+Umbrella); H18's three expired Feb 2025    -> kept 7 of 8
# Not in any cohort: H19 (first policy May 2025), H20 (gone June 2024).
MEASURED = {"1": 3 / 5, "2": 4 / 5, "3+": 7 / 8}
# The commission statements: New Business $1,000 premium paying $120 and a Renewal of $3,000 paying
# $300 (an endorsement is not a policy year's rate and is left out): (120 + 300) / 4,000.
MEASURED_COMMISSION = 420 / 4000


def book_rows(three_products: bool = True) -> list[list[object]]:
    rows: list[list[object]] = []

    def policy(hh: str, product: str, status: str = "In Force", start: str = "2023-01-01",
               expired: str = "", cancelled: str = "", premium: float = 1000.0) -> None:
        rows.append([f"P{len(rows) + 1:04d}", hh, product, status, start, expired, cancelled, premium])

    for n in range(1, 6):
        hh = f"H{n:02d}"
        policy(hh, "Auto", *(("Cancelled", "2023-01-01", "", "2025-03-15") if n >= 4 else ()))
    for n in range(6, 11):
        hh = f"H{n:02d}"
        gone = ("Cancelled", "2023-01-01", "", "2025-06-01")
        policy(hh, "Auto", *(gone if n == 10 else ()))
        policy(hh, "Home", *(gone if n == 10 else ("Cancelled", "2023-01-01", "", "2025-05-01") if n == 9 else ()))
    if three_products:
        for n in range(11, 19):
            hh = f"H{n:02d}"
            for product in ("Auto", "Home", "Umbrella"):
                policy(hh, product, *(("Expired", "2023-01-01", "2025-02-01") if n == 18 else ()))
    policy("H19", "Auto", start="2025-05-01")
    policy("H20", "Auto", "Cancelled", "2023-01-01", "", "2024-06-01")
    return rows


def lead_rows() -> list[list[object]]:
    """80 leads from three vendors: 66 closed over the year (sold more often with a home and more
    cars, so the fit has something to learn), 14 open in the last month."""
    rng = random.Random(15)
    rows: list[list[object]] = []
    for i in range(80):
        vendor = ("Acme Leads", "Bolt Quotes", "Cedar Direct")[i % 3]
        home, cars, quoted = rng.random() < 0.5, rng.randint(0, 4), rng.randint(1, 3)
        if i < 66:
            day = AS_OF - dt.timedelta(days=40 + 4 * i)
            chance = 0.1 + 0.35 * home + 0.08 * cars + (0.1 if vendor == "Cedar Direct" else 0)
            status = "Sold" if rng.random() < chance else "Lost"
        else:
            day = AS_OF - dt.timedelta(days=2 * (i - 65))
            status = ("New", "Contacted", "Quoted")[i % 3]
        sold = (day + dt.timedelta(days=5)).isoformat() if status == "Sold" else ""
        rows.append([f"L{i:03d}", day.isoformat(), vendor, 25, status, sold, f"H{i % 18 + 1:02d}" if sold else "",
                     quoted, "Y" if home else "N", cars])
    return rows


def write_exports(folder: Path, three_products: bool = True, leads: bool = True,
                  commissions: bool = True, book: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if book:
        write_csv(folder / f"book_{AS_OF:%Y-%m-%d}.csv", BOOK_HEADER, book_rows(three_products))
    if leads:
        write_csv(folder / f"leads_{AS_OF:%Y-%m-%d}.csv", LEADS_HEADER, lead_rows())
    if commissions:
        write_csv(folder / f"commissions_{AS_OF:%Y-%m-%d}.csv", COMMISSION_HEADER, [
            ["2025-06-15", "P0001", "Auto", "New Business", "2025-05-01", 1000, 120],
            ["2025-07-15", "P0006", "Auto", "Renewal", "2025-06-01", 3000, 300],
            ["2025-08-15", "P0007", "Home", "Endorsement", "2025-07-01", 200, 50],
        ])
    return folder


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    cache = exports_cache.ExportsCache(check_seconds=0)
    monkeypatch.setattr(ams, "CACHE", cache)
    monkeypatch.setattr(ams, "_SETTINGS_SEEN", {})
    return cache


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    return write_exports(tmp_path_factory.mktemp("owner") / "exports")


def cell_in(folder: Path | str, book: Path) -> xh.CallingCell:
    """A cell of a workbook at ``book`` whose Settings name ``folder`` as the exports folder."""
    return xh.CallingCell(str(folder), book)


def excel(name: str, *args, caller=None):  # noqa: ANN001, ANN201
    return xh.call_like_excel(MODULE, name, *args, caller=caller)[0][0]


def ltv(premium: float, commission_rate: float, retention: float, discount: float) -> float:
    """docs/models/segments.md: LTV = annual commission x r / (1 + d - r)."""
    return premium * commission_rate * retention / (1 + discount - retention)


# --- RETENTION_LIFT ------------------------------------------------------------------------------

def test_the_folder_on_settings_gives_the_measured_retention(exports, tmp_path):
    me = cell_in(exports, tmp_path / "agency_dashboard.xlsm")
    assert excel("RETENTION_LIFT", 1, 2, caller=me) == pytest.approx(MEASURED["2"] - MEASURED["1"])  # 0.2
    assert excel("RETENTION_LIFT", 1, 3, caller=me) == pytest.approx(MEASURED["3+"] - MEASURED["1"])
    assert excel("RETENTION_LIFT", 2, 5, caller=me) == pytest.approx(MEASURED["3+"] - MEASURED["2"])
    # A folder named relative to the workbook, as Settings may hold it.
    near = xh.CallingCell(exports.name, exports.parent / "agency_dashboard.xlsm")
    assert excel("RETENTION_LIFT", 1, 2, caller=near) == pytest.approx(0.2)


def test_the_owners_arguments_always_win(exports, tmp_path):
    me = cell_in(exports, tmp_path / "agency_dashboard.xlsm")
    assert excel("RETENTION_LIFT", 1, 2, 0.5, 0.9, 0.95, caller=me) == pytest.approx(0.4)
    # one given, the others blank: the given one, the measured others
    assert excel("RETENTION_LIFT", 1, 2, 0.5, caller=me) == pytest.approx(MEASURED["2"] - 0.5)
    assert excel("RETENTION_LIFT", 1, 3, xh.MISSING, xh.MISSING, 0.99, caller=me) == pytest.approx(0.99 - MEASURED["1"])


def test_without_a_folder_the_plans_retention(exports, tmp_path):
    plan_lift = PLAN["2"] - PLAN["1"]  # 0.19
    book = tmp_path / "agency_dashboard.xlsm"
    no_book = write_exports(tmp_path / "only_leads", book=False)
    for caller in (None,  # no calling workbook (VBA, or Python)
                   cell_in("", book),  # nothing on Settings
                   cell_in(tmp_path / "nowhere", book),  # a folder that is not there
                   xh.CallingCell(str(exports), book, settings=False),  # a workbook without Settings
                   cell_in(no_book, book)):  # a folder without a book of business
        assert excel("RETENTION_LIFT", 1, 2, caller=caller) == pytest.approx(plan_lift), caller
    assert excel("RETENTION_LIFT", 1, 3) == pytest.approx(PLAN["3+"] - PLAN["1"])


def test_a_product_count_the_book_does_not_hold_takes_the_plans(tmp_path):
    me = cell_in(write_exports(tmp_path / "no_three", three_products=False), tmp_path / "book.xlsm")
    assert excel("RETENTION_LIFT", 1, 2, caller=me) == pytest.approx(MEASURED["2"] - MEASURED["1"])
    assert excel("RETENTION_LIFT", 1, 3, caller=me) == pytest.approx(PLAN["3+"] - MEASURED["1"])
    note = CATALOG["RETENTION_LIFT"].measured_defaults(me)
    assert "1 product 60.0%, 2 products 80.0%" in note and "3+ products 97%" in note


def test_a_book_that_cannot_measure_retention_gives_the_plans_and_says_why(tmp_path):
    """Cancelled policies without their Cancel Date: who was on the books is unknown, so the
    retention by product count is not measured (the Settings fallback is not the owner's)."""
    folder = tmp_path / "no_dates"
    folder.mkdir()
    header = [h for h in BOOK_HEADER if h != "Cancel Date"]
    write_csv(folder / f"book_{AS_OF:%Y-%m-%d}.csv", header, [r[:6] + r[7:] for r in book_rows()])
    me = cell_in(folder, tmp_path / "book.xlsm")
    assert excel("RETENTION_LIFT", 1, 2, caller=me) == pytest.approx(PLAN["2"] - PLAN["1"])
    note = CATALOG["RETENTION_LIFT"].measured_defaults(me)
    assert note.startswith("Blank retention: the plan's example 72/91/97%, not yours") and "Cancel Date" in note
    # The sheets then value households with the Settings fallbacks; those are not measured values.
    fallbacks = [["segments.retention_1_product", "Retention, 1 product", 0.5],
                 ["segments.retention_2_products", "Retention, 2 products", 0.6]]
    typed = xh.CallingCell(str(folder), tmp_path / "typed.xlsm", fallbacks)
    metrics = ams.workbook_metrics(typed)[0]
    assert metrics["cross_sell.retention_by_product_count.1"] == 0.5  # the sheets' fallback ...
    assert excel("RETENTION_LIFT", 1, 2, caller=typed) == pytest.approx(PLAN["2"] - PLAN["1"])  # ... not used


def test_the_lift_does_not_move_when_the_book_rows_are_reordered(exports, tmp_path):
    rows = book_rows()
    random.Random(3).shuffle(rows)
    other = tmp_path / "shuffled"
    other.mkdir()
    write_csv(other / f"book_{AS_OF:%Y-%m-%d}.csv", BOOK_HEADER, rows)
    book = tmp_path / "agency_dashboard.xlsm"
    for n_to in (2, 3):
        assert excel("RETENTION_LIFT", 1, n_to, caller=cell_in(other, book)) == \
            pytest.approx(excel("RETENTION_LIFT", 1, n_to, caller=cell_in(exports, book)))


# --- CROSS_SELL_LTV_GAIN -------------------------------------------------------------------------

def test_ltv_gain_takes_the_measured_retention_and_commission_rate(exports, tmp_path):
    me = cell_in(exports, tmp_path / "agency_dashboard.xlsm")
    c, r = MEASURED_COMMISSION, MEASURED
    want = ltv(3500, c, r["2"], 0.10) - ltv(2000, c, r["1"], 0.10)
    assert excel("CROSS_SELL_LTV_GAIN", 2000, 1500, 1, caller=me) == pytest.approx(want)
    # the commission rate given: that one, with the measured retention
    want_given = ltv(3500, 0.07, r["2"], 0.08) - ltv(2000, 0.07, r["1"], 0.08)
    assert excel("CROSS_SELL_LTV_GAIN", 2000, 1500, 1, 0.07, 0.08, caller=me) == pytest.approx(want_given)
    # everything given: the folder plays no part
    everything = (2000, 1500, 1, 0.07, 0.10, 0.72, 0.91, 0.97)
    assert excel("CROSS_SELL_LTV_GAIN", *everything, caller=me) == pytest.approx(
        ltv(3500, 0.07, 0.91, 0.10) - ltv(2000, 0.07, 0.72, 0.10))
    # without a folder: the plan's retention and the 7% placeholder
    assert excel("CROSS_SELL_LTV_GAIN", 2000, 1500, 1) == pytest.approx(
        ltv(3500, 0.07, 0.91, 0.10) - ltv(2000, 0.07, 0.72, 0.10))


def test_without_commission_statements_the_placeholder_rate(tmp_path):
    me = cell_in(write_exports(tmp_path / "no_statements", commissions=False), tmp_path / "book.xlsm")
    want = ltv(3500, 0.07, MEASURED["2"], 0.10) - ltv(2000, 0.07, MEASURED["1"], 0.10)
    assert excel("CROSS_SELL_LTV_GAIN", 2000, 1500, 1, caller=me) == pytest.approx(want)
    assert "Blank commission_rate: 7%, a placeholder, not yours" in CATALOG["CROSS_SELL_LTV_GAIN"].measured_defaults(me)


# --- LEAD_SCORE ----------------------------------------------------------------------------------

def test_lead_score_with_the_folder_is_the_leads_sheets_own_score(exports, tmp_path):
    figures = compute_figures(read_exports(exports), Assumptions())
    queue = figures.leads.queue
    assert queue is not None and len(queue) >= 10
    answers = {r[0]: r for r in lead_rows()}
    me = cell_in(exports, tmp_path / "agency_dashboard.xlsm")
    differs = 0
    for lead_id, score in zip(queue["lead_id"], queue["score"]):
        row = answers[lead_id]
        home, cars, quoted, vendor = row[8], row[9], row[7], row[2]
        assert excel("LEAD_SCORE", home, cars, quoted, vendor, caller=me) == score, lead_id
        sample = lead_model.score_one(SAMPLE_SCORE_MODEL, float(home == "Y"), cars, quoted, vendor)
        differs += sample != score
    assert differs  # the owner's fit, not the sample's, scored them
    # a vendor typed in another case is the same vendor; one the log does not know gets the average
    row = answers[queue["lead_id"].iloc[0]]
    assert excel("LEAD_SCORE", row[8], row[9], row[7], row[2].upper(), caller=me) == queue["score"].iloc[0]
    blank = excel("LEAD_SCORE", "Y", 2, 2, xh.MISSING, caller=me)
    assert blank == excel("LEAD_SCORE", "Y", 2, 2, "Someone New", caller=me)
    assert CATALOG["LEAD_SCORE"].measured_defaults(me).startswith("Coefficients: yours, fitted on your lead log")


def test_lead_score_without_a_lead_log_is_the_samples(tmp_path):
    me = cell_in(write_exports(tmp_path / "no_leads", leads=False), tmp_path / "book.xlsm")
    sample = lead_model.score_one(SAMPLE_SCORE_MODEL, 1.0, 2, 2, "ClickQuote")
    assert excel("LEAD_SCORE", True, 2, 2, "ClickQuote", caller=me) == sample
    assert excel("LEAD_SCORE", True, 2, 2, "ClickQuote") == sample
    note = CATALOG["LEAD_SCORE"].measured_defaults(me)
    assert note.startswith("Coefficients: the SAMPLE agency's lead log, not yours") and "no lead log" in note


# --- the What-If sheet ---------------------------------------------------------------------------

def _example(sheet, name: str):  # noqa: ANN202
    """(the example's live formula, the note under its help) on the What-If sheet."""
    formula = next(f for f in sheet.formulas if f.formula.startswith(f"={name}("))
    row = int(formula.cell[1:])
    note = next(lab.text for lab in sheet.labels if lab.cell == f"B{row + 1}")
    return formula, note


def test_what_if_shows_which_values_each_example_used(exports):
    refreshed = whatif.build(all_metrics(read_exports(exports), Assumptions()))
    lift, note = _example(refreshed, "RETENTION_LIFT")
    assert lift.value == pytest.approx(0.2)
    assert note == "Blank retention: yours, measured on your book: 1 product 60.0%, 2 products 80.0%, 3+ products 87.5%."
    gain, note = _example(refreshed, "CROSS_SELL_LTV_GAIN")  # its example gives commission and discount
    assert gain.value == pytest.approx(ltv(3500, 0.07, 0.8, 0.10) - ltv(2000, 0.07, 0.6, 0.10))
    assert "Blank commission_rate: yours, measured on the commission statements: 10.50%." in note
    score, note = _example(refreshed, "LEAD_SCORE")
    assert note.startswith("Coefficients: yours")

    template = whatif.build(None)  # nothing read yet: the plan's, and said so
    lift, note = _example(template, "RETENTION_LIFT")
    assert lift.value == pytest.approx(0.19)
    assert note == "Blank retention: the plan's example 72/91/97%, not yours (no exports folder read)."
    score, note = _example(template, "LEAD_SCORE")
    assert score.value == lead_model.score_one(SAMPLE_SCORE_MODEL, 1.0, 2, 2, "ClickQuote")
    assert note.startswith("Coefficients: the SAMPLE agency's")


def test_settings_are_read_once_per_interval_when_they_name_no_folder(tmp_path, monkeypatch):
    """A blank sheet's functions fall back to the plan's at every call: the Settings sheet behind
    them is read through Excel once per interval, not once per cell."""
    clock = [0.0]
    monkeypatch.setattr(ams, "CACHE", exports_cache.ExportsCache(check_seconds=2.0, clock=lambda: clock[0]))
    caller = cell_in("", tmp_path / "blank.xlsm")
    sheet = caller.sheet.book.sheets["Settings"]
    rows, reads = sheet.used_range.value, []

    class _Counting:
        @property
        def value(self):  # noqa: ANN202
            reads.append(1)
            return rows

    sheet.used_range = _Counting()
    for _ in range(5):
        assert excel("RETENTION_LIFT", 1, 2, caller=caller) == pytest.approx(0.19)
    assert len(reads) == 1
    clock[0] = 3.0
    excel("RETENTION_LIFT", 1, 2, caller=caller)
    assert len(reads) == 2
