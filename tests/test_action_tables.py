"""Actions with names (issue 15.2): where a sheet says "ask these 4 households for a referral",
"25 households to offer their next product", "16 households to move up a tier" or "5 open leads
to call", a table lists exactly those households (or leads), one a row, with the count on the
sheet equal to the table's rows. Names and phones appear only with Settings' "Show personal data"
on: with it off, no planted name or phone is in any cell of the built workbook.

The exports are written here by hand (not by the sample generator); the expected lists are made
from the definitions in docs/models/*.md with plain Python, not with the code under test. The
metamorphic variants (rows reversed, columns renamed to other aliases) must give the same tables.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from live_standin import book_from_file

from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.dashboards.actions import ACTION_ROWS, HIDDEN
from agency_xl.excel import live
from agency_xl.excel.workbook import write_dashboard
from agency_xl.figures import compute_figures

AS_OF = dt.date(2025, 10, 31)
NOW = dt.datetime(2025, 11, 3, 8, 0)
# Every table: (sheet, workbook name of the table, workbook name of its note).
TABLES = {
    "asks": ("Referrals", "referral_growth_asks"),
    "offers": ("Cross-Sell", "cross_sell_offers"),
    "upgrades": ("Segments", "segments_upgrade_list"),
    "calls": ("Leads", "leads_call_list"),
}
BOOK = ["Policy Number", "Household ID", "Insured Name", "Phone", "Producer", "Product", "Status",
        "Original Effective Date", "Expiration Date", "Annual Premium"]
LEADS = ["Lead ID", "Lead Date", "Vendor", "Cost", "Status", "Sold Date", "Household ID", "Lead Name",
         "Phone", "Producer"]
REFERRALS = ["Referral Date", "Referrer Household ID", "Referred Name", "Status", "Sold Date", "Household ID",
             "Incentive Paid"]
# Other names the contract accepts for the same columns (AMS_EXPORTS.md and reports.py).
ALIASES = {"Insured Name": "Named Insured", "Phone": "Home Phone", "Producer": "Agent",
           "Household ID": "Customer ID", "Lead Name": "Contact Name"}
LEAD_ALIASES = {"Lead Name": "Contact Name", "Phone": "Phone Number", "Producer": "Assigned To"}
SEQUENCE = ("Auto", ("Home", "Condo", "Renters"), "Umbrella", "Life")  # the default product sequence

# The households: (how many, products, tenure in years, premium per policy). One more household
# holds every product of the sequence (nothing to offer) and one has only a cancelled policy.
GROUPS = [
    ("A", 10, ("Auto",), 4.2, 1200.0),  # Standard, offered Home
    ("B", 6, ("Auto", "Home"), 2.1, 900.0),  # Premium, offered Umbrella
    ("C", 4, ("Auto", "Home", "Umbrella"), 5.5, 800.0),  # Elite, offered Life
    ("D", 5, ("Home",), 0.5, 450.0),  # Low-Value (1 product under $700), offered Auto
    ("F", 1, ("Auto", "Home", "Umbrella", "Life"), 6.0, 700.0),  # Elite, nothing to offer
]


def person(hid: str) -> tuple[str, str]:
    """A planted name and phone, unlike anything else in a workbook."""
    n = sum(ord(ch) for ch in hid)
    return f"Zephyrine Q{hid}x", f"(555) 01{n % 100:02d}-{hid[-2:]}77"


def lead_person(lead: str) -> tuple[str, str]:
    return f"Barnaby L{lead}w", f"(555) 09{lead[-2:]}-4411"


def households(scale: int = 1) -> list[tuple[str, str, tuple[str, ...], float, float]]:
    """(household id, group, products, tenure years, premium per policy); ``scale`` copies of each
    group's households."""
    out = []
    for group, n, products, tenure, premium in GROUPS:
        for i in range(n * scale):
            out.append((f"{group}{i + 1:03d}", group, products, tenure, premium))
    return out


def write_exports(folder: Path, scale: int = 1, reverse: bool = False, aliases: bool = False) -> Path:
    """The book of business, a referral log and a lead log, as CSV files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    book = []
    for hid, group, products, tenure, premium in households(scale):
        start = AS_OF - dt.timedelta(days=round(tenure * 365.25))
        name, phone = person(hid)
        for k, product in enumerate(products):
            book.append([f"P-{hid}-{k}", hid, name, phone, ("Dana Reyes", "Omar Bello")[len(book) % 2], product,
                         "In Force", start.isoformat(), (AS_OF + dt.timedelta(days=90)).isoformat(), premium])
    gone = person("G001")
    book.append(["P-G001-0", "G001", gone[0], gone[1], "Dana Reyes", "Auto", "Cancelled", "2020-01-01",
                 "2025-01-01", 1000.0])
    referrals = [
        # Two of group C's households referred (one 14 months ago, one 2 months ago), one of A's
        # 20 months ago; the household holding every product referred 5 months ago.
        [(AS_OF - dt.timedelta(days=425)).isoformat(), "C001", "Referred One", "Sold",
         (AS_OF - dt.timedelta(days=400)).isoformat(), "", 50],
        [(AS_OF - dt.timedelta(days=60)).isoformat(), "C002", "Referred Two", "Quoted", "", "", ""],
        [(AS_OF - dt.timedelta(days=610)).isoformat(), "A001", "Referred Three", "Lost", "", "", ""],
        [(AS_OF - dt.timedelta(days=150)).isoformat(), "F001", "Referred Four", "Sold",
         (AS_OF - dt.timedelta(days=120)).isoformat(), "", 50],
    ]
    leads = []
    statuses = ["New", "Contacted", "Quoted", "Sold", "Lost", "Bad Lead", "Quoted", "New", "Lost", "Contacted",
                "Sold", "New"]
    for i, status in enumerate(statuses * scale):
        lead = f"L{i + 1:03d}"
        age = 200 if i % 12 == 11 else 5 + 6 * (i % 12)  # the 12th lead of each dozen has gone cold
        day = AS_OF - dt.timedelta(days=age)
        name, phone = lead_person(lead)
        leads.append([lead, day.isoformat(), ("QuoteWizard", "EverQuote")[i % 2], 25, status,
                      (day + dt.timedelta(days=3)).isoformat() if status == "Sold" else "", "", name, phone,
                      ("Dana Reyes", "Omar Bello")[i % 2]])
    files = (("book", BOOK, book, ALIASES), ("referrals", REFERRALS, referrals, {}), ("leads", LEADS, leads, LEAD_ALIASES))
    for stem, header, rows, names in files:
        if reverse:
            rows = rows[::-1]
        if aliases:
            header = [names.get(h, h) for h in header]
        with (folder / f"{stem}_{AS_OF:%Y-%m-%d}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
    return folder


def settings(show: bool) -> Assumptions:
    # One household is enough to trust a cross-sell segment here (the default asks 20).
    return with_values({"general.show_personal_data": show, "cross_sell.min_households": 1})


# --- the lists, from the definitions (docs/models/*.md), in plain Python ---------------------------

def in_force() -> dict[str, tuple[str, tuple[str, ...], float, float]]:
    return {hid: (group, products, tenure, premium) for hid, group, products, tenure, premium in households()}


def expected_asks() -> set[str]:
    """Households in a group (1/2/3+ products x <1/1-3/3+ years) whose share of households that
    ever referred is at least 1.5x the agency's, with no referral in the last 12 months."""
    homes = in_force()
    referrers = {"C001": 425, "C002": 60, "A001": 610, "F001": 150}  # household: days ago

    def group(hid: str) -> tuple[str, str]:
        _, products, tenure, _ = homes[hid]
        n = len(products)
        return ("3+" if n >= 3 else str(n)), ("3+" if tenure >= 3 else "1-3" if tenure >= 1 else "<1")

    sizes: dict[tuple[str, str], list[int]] = {}
    for hid in homes:
        g = sizes.setdefault(group(hid), [0, 0])
        g[0] += 1
        g[1] += hid in referrers
    overall = sum(k for _, k in sizes.values()) / len(homes)
    hot = {g for g, (n, k) in sizes.items() if k / n >= 1.5 * overall}
    return {hid for hid in homes if group(hid) in hot and referrers.get(hid, 9999) > 365}


def expected_offers() -> set[str]:
    """Households whose products leave a step of the sequence to offer (every combination is a
    segment here: at most 8 of them, and this book has 4)."""
    def rest(products: tuple[str, ...]) -> bool:
        return any(not set(products) & ({step} if isinstance(step, str) else set(step)) for step in SEQUENCE)

    return {hid for hid, (_, products, _, _) in in_force().items() if rest(products)}


def expected_upgrades() -> set[str]:
    """Standard (1 product, $700 a year or more) and Premium (2 products) households."""
    return {hid for hid, (_, products, _, premium) in in_force().items()
            if (len(products) == 1 and premium >= 700) or len(products) == 2}


def expected_calls() -> set[str]:
    """Open leads (New, Contacted, Quoted) dated at most 90 days before the data date."""
    statuses = ["New", "Contacted", "Quoted", "Sold", "Lost", "Bad Lead", "Quoted", "New", "Lost", "Contacted",
                "Sold", "New"]
    return {f"L{i + 1:03d}" for i, s in enumerate(statuses) if s in ("New", "Contacted", "Quoted") and i != 11}


EXPECTED = {"asks": expected_asks, "offers": expected_offers, "upgrades": expected_upgrades, "calls": expected_calls}


def lists_of(figures) -> dict[str, pd.DataFrame]:
    return {"asks": figures.referrals.asks, "offers": figures.cross_sell.offers,
            "upgrades": figures.segments.upgrade_list, "calls": figures.leads.call_list}


def counts_of(figures) -> dict[str, int]:
    """The count each sheet states for its action."""
    return {"asks": figures.referrals.high_propensity.count, "offers": figures.cross_sell.offers_count,
            "upgrades": figures.segments.upgrade_households, "calls": figures.leads.open_leads}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return write_exports(tmp_path_factory.mktemp("actions") / "exports")


@pytest.fixture(scope="module")
def data(folder):
    return read_exports(folder)


@pytest.fixture(scope="module")
def figures_of(data) -> dict[bool, object]:
    return {show: compute_figures(data, settings(show)) for show in (False, True)}


@pytest.fixture(scope="module")
def built(data, tmp_path_factory) -> dict[bool, Path]:
    where = tmp_path_factory.mktemp("books")
    return {show: write_dashboard(where / f"book_{show}.xlsx", data, settings(show), "exports", NOW)
            for show in (False, True)}


def test_the_hand_made_lists_are_not_trivial():
    # The expectations test something: each list is a strict, non-empty part of what could be
    # listed. By hand: the 3+ products, 3+ years group (C and F) has 3 referrers of 5 households,
    # 60% >= 1.5 x 4/26; C002 and F001 referred within 12 months.
    assert expected_asks() == {"C001", "C003", "C004"}
    sizes = {k: len(f()) for k, f in EXPECTED.items()}
    assert sizes == {"asks": 3, "offers": 25, "upgrades": 16, "calls": 6}, sizes


@pytest.mark.parametrize("key", list(EXPECTED))
def test_each_list_holds_exactly_the_households_behind_its_count(figures_of, key):
    figures = figures_of[True]
    table, count = lists_of(figures)[key], counts_of(figures)[key]
    assert set(table["id"]) == EXPECTED[key]()
    assert len(table) == count == len(EXPECTED[key]()) and table["id"].is_unique
    assert "G001" not in set(table["id"])  # a household with no policy in force is no one to call
    assert table["reason"].map(lambda r: isinstance(r, str) and len(r) > 10).all()


def test_names_phones_and_producers_come_from_the_exports(figures_of):
    figures = figures_of[True]
    lists = lists_of(figures)
    for key in ("asks", "offers", "upgrades"):
        for r in lists[key].itertuples():
            assert (r.name, r.phone) == person(r.id)
            assert r.producer in ("Dana Reyes", "Omar Bello")
    for r in lists["calls"].itertuples():
        assert (r.name, r.phone) == lead_person(r.id)
        assert r.producer == ("Dana Reyes", "Omar Bello")[int(r.id[1:]) % 2 == 0]


def test_with_the_switch_off_the_lists_hold_no_name_or_phone(figures_of):
    for table in lists_of(figures_of[False]).values():
        assert table["name"].isna().all() and table["phone"].isna().all()
        assert table["producer"].notna().all()  # the producer is no personal data


def test_values_follow_the_definitions(figures_of):
    figures = figures_of[True]
    seg = figures.segments
    per_path = {label: o.upgrade_rate * o.ltv_gain for label, o in seg.upgrades.items()}
    for r in seg.upgrade_list.itertuples():
        path = "Standard -> Premium" if r.id.startswith("A") else "Premium -> Elite"
        assert r.reason.startswith(path) and r.value == pytest.approx(per_path[path])
    opp = figures.cross_sell.opportunities.set_index("label")
    for r in figures.cross_sell.offers.itertuples():
        label = r.reason.split(":")[0]
        assert r.value == pytest.approx(opp.loc[label, "conversion"] * opp.loc[label, "ltv_increase"],
                                        nan_ok=True)
    values = figures.cross_sell.offers["value"].dropna()
    assert values.is_monotonic_decreasing  # most value first


@pytest.fixture(scope="module")
def opened(built) -> dict[bool, openpyxl.Workbook]:
    return {show: openpyxl.load_workbook(path) for show, path in built.items()}


def cells(wb: openpyxl.Workbook) -> list[str]:
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def planted() -> list[str]:
    out = [s for hid, *_ in households() for s in person(hid)] + list(person("G001"))
    out += [s for i in range(12) for s in lead_person(f"L{i + 1:03d}")]
    return out + ["Referred One", "Referred Two", "Referred Three", "Referred Four"]


def test_switch_off_no_name_or_phone_anywhere_in_the_workbook(opened):
    text = cells(opened[False])
    found = [p for p in planted() if any(p in t for t in text)]
    assert found == []
    assert sum(HIDDEN in t for t in text) == len(TABLES)


def test_switch_on_the_names_and_phones_are_in_the_tables(opened):
    text = set(cells(opened[True]))
    for hid in expected_asks() | expected_offers() | expected_upgrades():
        assert set(person(hid)) <= text
    for lead in expected_calls():
        assert set(lead_person(lead)) <= text
    assert not any(HIDDEN in t for t in text)
    assert not set(person("G001")) & text


def table_in_book(wb: openpyxl.Workbook, name: str) -> tuple[list[list], str]:
    """The data rows of a table (its workbook name), blank rows left out, and the note above it."""
    [(sheet, ref)] = wb.defined_names[name].destinations
    rows = [[c.value for c in row] for row in wb[sheet][ref.replace("$", "")]]
    [(_, note)] = wb.defined_names[f"{name}_note"].destinations
    return [r for r in rows[1:] if any(v is not None for v in r)], wb[sheet][note.replace("$", "").split(":")[0]].value


@pytest.mark.parametrize("key", list(TABLES))
def test_the_sheet_shows_the_count_and_a_sortable_table_of_that_many_rows(opened, key):
    sheet, name = TABLES[key]
    wb = opened[False]
    rows, note = table_in_book(wb, name)
    want = EXPECTED[key]()
    assert {r[0] for r in rows} == want
    assert note.startswith(f"{len(want):,} ")
    tables = {t: ref for t, ref in wb[sheet].tables.items()}
    [(_, ref)] = wb.defined_names[name].destinations
    assert tables[f"List_{name}"] == ref.replace("$", "")  # the Excel table (filter buttons) is the block
    assert wb[sheet][ref.replace("$", "")][-1][0].row - wb[sheet][ref.replace("$", "")][0][0].row == ACTION_ROWS


@pytest.mark.parametrize("variant", ["reversed rows", "other aliases", "both"])
def test_reordered_rows_or_other_column_names_give_the_same_tables(tmp_path, figures_of, variant):
    other = read_exports(write_exports(tmp_path / "exports", reverse=variant != "other aliases",
                                       aliases=variant != "reversed rows"))
    for show in (False, True):
        want, got = lists_of(figures_of[show]), lists_of(compute_figures(other, settings(show)))
        for key in want:
            pd.testing.assert_frame_equal(got[key].sort_values("id", ignore_index=True),
                                          want[key].sort_values("id", ignore_index=True), check_dtype=False)
            if key != "calls":  # the household lists are in one order: value, then household ID
                pd.testing.assert_frame_equal(got[key], want[key], check_dtype=False)


def test_the_live_refresh_writes_a_longer_list(tmp_path, monkeypatch, built):
    """A workbook built from the small exports, refreshed live (the stand-in of xlwings) from
    exports with 20 times the households and leads: every table holds the longer list."""
    big = read_exports(write_exports(tmp_path / "big", scale=20))
    monkeypatch.setattr(live, "read_exports", lambda folder, mappings=None, progress=None, **kw: big)
    book = book_from_file(built[True])
    (tmp_path / "exports").mkdir()
    book.fullname = str(tmp_path / "book.xlsx")
    done = live.refresh_book(book, now=NOW)
    assert done.complete, done.message()
    figures = compute_figures(big, settings(True))
    for key, (sheet, name) in TABLES.items():
        rng = book.names[name].refers_to_range
        values = rng.value
        rows = [r for r in values[1:] if any(v is not None for v in r)]
        want = lists_of(figures)[key]
        assert len(rows) == len(want) == counts_of(figures)[key] > len(EXPECTED[key]())
        assert [r[0] for r in rows] == list(want["id"])
        assert {r[1] for r in rows} == set(want["name"])  # names shown: the switch is on in this book
        note = book.names[f"{name}_note"].refers_to_range.value
        note = note[0][0] if isinstance(note, list) else note
        assert str(note).startswith(f"{len(want):,} ")
