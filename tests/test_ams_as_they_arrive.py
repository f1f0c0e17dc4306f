"""Issue 10: exports as they really arrive in an owner's folder, and as a hostile file looks.

Each case builds its odd files in the test's folder (nothing checked in), reads the folder, and
checks what the owner is told (every message names the file, and the cell where there is one),
what is left out and what is kept; ``read`` checks that the exports are byte for byte unchanged.
The rule throughout: a bad row is rejected and counted, a bad file is skipped with its reason,
everything else is read. Expected values are written out by hand or computed here from the rows
the test wrote, never by the reader's own code.
"""

from __future__ import annotations

import datetime as dt
import os
import tracemalloc
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from agency_xl.ams import Mappings, NoReportsFound, read_exports, require_reports
from agency_xl.ams import dates as ams_dates
from agency_xl.ams.sources import limits, sheet_xml
from agency_xl.assumptions import Assumptions
from agency_xl.figures import forecasts
from tests.fixtures_ams import (
    BOOK_HEADER,
    CLAIMS_HEADER,
    CLAIMS_ROWS,
    convert_to_xls,
    folder_hashes,
    soffice,
    write_csv,
    write_html_xls,
    write_xlsx,
)
from tests.odd_exports import (
    Error,
    Formula,
    lie_about_size,
    repetitive_sheet,
    write_raw_xlsx,
    write_wide_csv,
    write_workbook_xml,
)
from tests.odd_exports import sheet_xml as odd_sheet_xml

TODAY = dt.date(2025, 11, 15)
AS_OF = dt.date(2025, 10, 31)
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The tests' "today", whatever the machine's clock says."""
    monkeypatch.setattr(ams_dates, "today", lambda: TODAY)


def read(folder: Path, **kwargs):
    """read_exports, checking the folder is unchanged and every problem names one of its files
    (cross-file notes name their report)."""
    before = folder_hashes(folder)
    data = read_exports(folder, **kwargs)
    assert folder_hashes(folder) == before
    names = {f.path for f in data.health.files}
    titles = ("Book of business", "Policy growth", "Claims detail", "Commission statement",
              "New business", "Lead log", "Referral log", "No sales export")
    for p in data.health.problems():
        assert p.split("!")[0].split(":")[0] in names or p.startswith(titles), p
    return data


def health(data, name):
    return next(f for f in data.health.files if f.path == name)


def claims_rows(n: int, first: int = 0):
    return [[f"C-{i}", f"P-{i}", "PPA", "10/01/2025", "Open", 100.0 + i, 0.0]
            for i in range(first, first + n)]


def book_rows(n: int):
    return [[f"P-{i:03d}", f"H{i}", "Name", "PPA", "Active", dt.datetime(2020, 1, 1),
             dt.datetime(2026, 1, 1), 1000.0 + i, "Sam"] for i in range(n)]


# -- 10.2 implausible amounts ---------------------------------------------------------------------


def test_implausible_amounts_are_rejected_by_cell(tmp_path):
    rows = book_rows(40)
    rows[3][7] = 1e308
    rows[10][7] = "$25,000,000.00"
    rows[20][7] = 10_000_000.0  # the bound itself is plausible
    write_xlsx(tmp_path / "book.xlsx", BOOK_HEADER, rows, blank_after=(), titles=())
    data = read(tmp_path)
    f = health(data, "book.xlsx")
    # Header on row 1: data row i is sheet row i + 2; Annual Premium is column H.
    assert f.problems == [
        'book.xlsx!Sheet1!H5: "1e+308" is beyond a plausible Annual Premium (at most $10,000,000)',
        'book.xlsx!Sheet1!H12: "$25,000,000.00" is beyond a plausible Annual Premium (at most '
        "$10,000,000)",
    ]
    assert (f.rows_read, f.rows_rejected, f.rejected) == (40, 2, None)
    assert len(data.policies) == 38
    assert data.policies["annual_premium"].max() == 10_000_000.0


def test_an_implausible_optional_amount_is_left_blank(tmp_path):
    header = ["Claim #", "Policy #", "LOB", "Date of Loss", "Paid Loss", "Reserve"]
    rows = [[f"C{i}", f"P{i}", "PPA", "09/01/2025", 100, 50] for i in range(5)]
    rows[2][5] = "2e9"  # a reserve of $2 billion
    write_csv(tmp_path / "claims.csv", header, rows, titles=(), footers=())
    data = read(tmp_path)
    assert health(data, "claims.csv").problems == [
        'claims.csv!F4: "2e9" is beyond a plausible Reserve (at most $1,000,000,000) (Reserve left '
        "blank)"
    ]
    assert data.claims["reserve"].isna().tolist() == [False, False, True, False, False]


# -- 10.3 a stray cell far away -------------------------------------------------------------------


def _claims_with_stray(path: Path, stray: tuple[int, int] | None) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, CLAIMS_HEADER)
    for i, row in enumerate(claims_rows(300), 1):
        ws.write_row(i, 0, row)
    if stray:
        ws.write_string(*stray, "x")
    wb.close()
    return path


@pytest.mark.parametrize(
    "stray, ref, cells",
    [
        ((1_048_575, 16_383), "XFD1048576", 1_048_576 * 16_384),
        ((1_048_575, 0), "A1048576", 1_048_576 * 7),
        ((5, 16_383), "XFD6", 301 * 16_384),
    ],
    ids=["far corner", "last row", "last column"],
)
def test_a_stray_cell_far_away_is_left_out_and_named(tmp_path, stray, ref, cells):
    clean = tmp_path / "clean"
    clean.mkdir()
    _claims_with_stray(clean / "claims.xlsx", None)
    odd = tmp_path / "odd"
    odd.mkdir()
    _claims_with_stray(odd / "claims.xlsx", stray)
    data = read(odd)
    assert health(data, "claims.xlsx").problems == [
        f"claims.xlsx!Sheet1!{ref}: 1 cell far outside the report ({ref}) was not read: the "
        f"report is rows 1 to 301, columns A to G; with it the sheet would span {cells:,} cells"
    ]
    pd.testing.assert_frame_equal(data.claims, read(clean).claims)


def test_a_stray_cell_beyond_a_dimension_that_lies_is_found(tmp_path):
    # The sheet declares A1:G301, yet holds a cell at XFD1048576: the declaration is not trusted.
    rows = [CLAIMS_HEADER] + claims_rows(300)
    write_raw_xlsx(tmp_path / "claims.xlsx", rows, dimension="A1:G301",
                   extra_cells=[("XFD1048576", "x")])
    data = read(tmp_path)
    assert health(data, "claims.xlsx").problems[0].startswith(
        "claims.xlsx!Sheet1!XFD1048576: 1 cell far outside the report (XFD1048576) was not read"
    )
    assert len(data.claims) == 300


def test_a_formatted_empty_cell_far_away_is_no_stray(tmp_path):
    # An empty cell with only formatting holds nothing; calamine passes it by, and so does Data
    # Health.
    rows = [CLAIMS_HEADER] + claims_rows(10)
    xml = odd_sheet_xml(rows).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    )
    write_workbook_xml(tmp_path / "claims.xlsx", xml)
    data = read(tmp_path)
    assert health(data, "claims.xlsx").problems == [] and len(data.claims) == 10


def test_a_sheet_bigger_than_an_export_can_be_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sheet_xml, "MAX_GRID_CELLS", 1_000)
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, claims_rows(300), titles=(), footers=(),
               blank_after=())
    write_csv(tmp_path / "claims.csv", CLAIMS_HEADER, claims_rows(3, first=900))
    data = read(tmp_path)
    assert health(data, "claims.xlsx").rejected == (
        "claims.xlsx: sheet 'Sheet1' holds 301 rows of 7 columns, 2,107 cells, more than an export "
        "can be (at most 1,000): refused unread"
    )
    assert len(data.claims) == 3  # the other file is read


# -- 10.4 sizes that lie, spans and widths without end ---------------------------------------------

LEADS_HEADER = ["Lead ID", "Received Date", "Lead Vendor", "Lead Cost", "Disposition"]


def test_a_zip_that_lies_about_its_sizes_is_refused_on_what_it_inflates_to(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 8 * 2**20)
    sheet = repetitive_sheet(LEADS_HEADER, ["L-1", "10/01/2025", "EverQuote", 12.5, "Quoted"],
                             150_000)
    assert len(sheet) > 16 * 2**20  # twice the limit once inflated
    path = write_workbook_xml(tmp_path / "leads.xlsx", sheet)
    lie_about_size(path, "xl/worksheets/sheet1.xml", 2**20)
    assert path.stat().st_size < 4 * 2**20  # declared 1 MB, some 2.5 MB of deflated data
    del sheet
    tracemalloc.start()
    data = read(tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rejected = health(data, "leads.xlsx").rejected
    assert rejected.startswith("leads.xlsx: 'xl/worksheets/sheet1.xml' in the workbook unpacks to")
    assert "(its zip header says 1 MB)" in rejected and "refused" in rejected
    assert data.leads is None
    assert peak < 48 * 2**20  # inflated a chunk at a time, never held whole


def test_html_spans_are_laid_out_as_excel_does_and_capped(tmp_path):
    header = "".join(f"<th>{h}</th>" for h in CLAIMS_HEADER)
    html = (
        "<html><body><table>"
        '<tr><td colspan="1000000000">Claims Detail Report</td></tr>'
        '<tr><td colspan="7">Run Date: 10/31/2025</td></tr>'
        f"<tr>{header}</tr>"
        # Claim Status spans three claims: the cells to its right stay in their columns.
        '<tr><td>C1</td><td>P1</td><td>PPA</td><td>09/01/2025</td><td rowspan="3">Open</td>'
        "<td>100</td><td>10</td></tr>"
        "<tr><td>C2</td><td>P2</td><td>PPA</td><td>09/02/2025</td><td>200</td><td>20</td></tr>"
        "<tr><td>C3</td><td>P3</td><td>PPA</td><td>09/03/2025</td><td>300</td><td>30</td></tr>"
        '<tr><td rowspan="999999999">C4</td><td>P4</td><td>PPA</td><td>09/04/2025</td>'
        "<td>Closed</td><td>400</td><td>40</td></tr>"
        "</table></body></html>"
    )
    (tmp_path / "claims.xls").write_text(html)
    data = read(tmp_path)
    c = data.claims
    assert c["claim_number"].tolist() == ["C1", "C2", "C3", "C4"]
    assert c["paid_loss"].tolist() == [100.0, 200.0, 300.0, 400.0]
    assert c["reserve"].tolist() == [10.0, 20.0, 30.0, 40.0]
    assert c["claim_status"].tolist() == ["Open", None, None, "Closed"] or \
        c["claim_status"].isna().tolist() == [False, True, True, False]
    assert health(data, "claims.xls").report_date == AS_OF


def test_a_csv_wider_than_excel_is_refused(tmp_path):
    write_wide_csv(tmp_path / "claims.csv", CLAIMS_HEADER, claims_rows(5), 50_000)
    write_xlsx(tmp_path / "good claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    data = read(tmp_path)
    assert health(data, "claims.csv").rejected == (
        "claims.csv: row 1 has 50,000 fields, more than Excel's 16,384 columns: not an export"
    )
    assert len(data.claims) == 4


def test_a_wide_csv_loads_the_columns_it_needs(tmp_path):
    write_wide_csv(tmp_path / "claims.csv", CLAIMS_HEADER, claims_rows(200), 3_000)
    data = read(tmp_path)
    f = health(data, "claims.csv")
    assert (f.rows_read, f.rejected, len(data.claims)) == (200, None, 200)
    assert data.claims["paid_loss"].sum() == sum(100.0 + i for i in range(200))
    assert len(f.columns_ignored) == 51 and f.columns_ignored[-1] == "... and 2,943 more"


# -- 10.5 overlapping commission statements --------------------------------------------------------

COMM_HEADER = ["Statement Date", "Policy #", "LOB", "Trans Type", "Eff Date", "Comm %",
               "Commission"]


def _transactions():
    """(statement date, policy, type, effective date, rate, amount) of three monthly statements."""
    out = []
    for month, day in ((8, 15), (9, 15), (10, 15)):
        for i in range(12):
            kind = "Chargeback" if i == 5 else "Renewal"
            amount = round((-1 if kind == "Chargeback" else 1) * (87.5 + 13.25 * i + month), 2)
            out.append((f"{month:02d}/{day}/2025", f"000{12345 + i}", kind,
                        f"{month - 1:02d}/{1 + i}/2025", 0.072, amount))
    return out


def _commission_folder(folder: Path) -> list[tuple]:
    t = _transactions()
    # The year-to-date workbook: every transaction, policy numbers as Excel numbers, rates 0.072.
    write_xlsx(folder / "ytd statement.xlsx", COMM_HEADER,
               [[s, float(p), "PPA", k, e, r, a] for s, p, k, e, r, a in t],
               titles=("Agent Transaction Detail", "Run Date: 10/31/2025"))
    # October's monthly CSV: the same transactions, rates written "7.20%".
    write_csv(folder / "october.csv", COMM_HEADER,
              [[s, p, "PPA", k, e, "7.20%", f"{a:,.2f}"] for s, p, k, e, r, a in t if s[:2] == "10"],
              titles=("Commission Statement", "Run Date: 10/20/2025"))
    # September's monthly statement, without the optional Commission % column.
    no_rate = COMM_HEADER[:5] + COMM_HEADER[6:]
    write_csv(folder / "september.csv", no_rate,
              [[s, p, "PPA", k, e, a] for s, p, k, e, r, a in t if s[:2] == "09"],
              titles=("Commission Statement", "Run Date: 09/20/2025"))
    return t


def test_overlapping_commission_statements_count_each_transaction_once(tmp_path):
    t = _commission_folder(tmp_path)
    data = read(tmp_path)
    comm = data.commissions
    assert len(comm) == len(t) == 36
    assert comm["commission_amount"].sum() == pytest.approx(sum(a for *_, a in t))
    assert sorted(comm["policy_number"].unique()) == sorted({str(float(p))[:-2] for _, p, *_ in t})
    assert data.health.notes == [
        "Commission statement: 12 transactions appear in more than one file with different values; "
        "the file with the later report date won: ytd statement.xlsx (report date 2025-10-31) "
        "for 12.",
    ]
    # Issue 15.5: identical rows counted once are information, not a problem.
    assert data.health.info == [
        "Commission statement: 12 transactions appear identically in more than one file and were "
        "counted once.",
    ]


def test_commission_figures_do_not_move_with_the_shape_of_the_statements(tmp_path):
    # Metamorphic: the year-to-date workbook alone, the three statements together, or the same
    # rows shuffled into one CSV without the rate column: the same transactions.
    (tmp_path / "three").mkdir()
    t = _commission_folder(tmp_path / "three")
    alone = tmp_path / "alone"
    alone.mkdir()
    (tmp_path / "three" / "ytd statement.xlsx").rename(alone / "ytd statement.xlsx")
    (tmp_path / "three" / "ytd statement.xlsx").write_bytes((alone / "ytd statement.xlsx").read_bytes())
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    no_rate = COMM_HEADER[:5] + COMM_HEADER[6:]
    write_csv(shuffled / "all.csv", no_rate,
              [[s, p, "PPA", k, e, a] for s, p, k, e, r, a in reversed(t)], titles=())
    key = ["statement_date", "policy_number", "transaction_type", "transaction_effective_date",
           "commission_amount"]

    def rows(folder):
        # Each file keeps its own spelling of a policy number (Excel dropped the leading zeros
        # of the workbook's); transactions are matched without them.
        comm = read(folder).commissions[key]
        comm = comm.assign(policy_number=comm["policy_number"].str.lstrip("0"))
        return comm.sort_values(key, ignore_index=True)

    pd.testing.assert_frame_equal(rows(tmp_path / "three"), rows(alone))
    pd.testing.assert_frame_equal(rows(shuffled), rows(alone))


# -- 10.6 two books, and a policy listed twice -----------------------------------------------------


def test_the_latest_book_decides_what_is_in_force(tmp_path):
    old = book_rows(5)  # P-000 .. P-004
    new = book_rows(4)  # P-000 .. P-003: P-004 is gone from the book
    new.append(["P-009", "H9", "New", "HO3", "Active", dt.datetime(2025, 10, 1), None, 777.0, "Kim"])
    new.append(list(new[2]))  # P-002 listed twice
    write_xlsx(tmp_path / "2025-09 book.xlsx", BOOK_HEADER, old, titles=(), blank_after=())
    write_xlsx(tmp_path / "2025-10 book.xlsx", BOOK_HEADER, new, titles=(), blank_after=())
    data = read(tmp_path)
    book = data.policies
    assert sorted(book["policy_number"]) == ["P-000", "P-001", "P-002", "P-003", "P-009"]
    assert book["annual_premium"].sum() == 1000 + 1001 + 1002 + 1003 + 777
    assert data.health.info[0] == (  # issue 15.5: information, not a problem
        "Book of business: 2 books in the folder; the latest, 2025-10 book.xlsx (report date "
        "2025-10-31), decides what is in force; not used: 2025-09 book.xlsx (2025-09-30)."
    )
    assert health(data, "2025-10 book.xlsx").problems == [
        "2025-10 book.xlsx: 1 policy number is listed more than once in this file and counted once "
        "(the first row kept): P-002 (rows 4, 7)"
    ]
    assert health(data, "2025-09 book.xlsx").set_aside is not None
    assert data.as_of == AS_OF


# -- 10.7 the as-of date and each report's window -----------------------------------------------------


def _dated_folder(folder: Path) -> None:
    write_xlsx(folder / "All Purpose Audit.xlsx", BOOK_HEADER, book_rows(6),
               titles=("All Purpose Audit", "Run Date: 10/31/2025"))
    claims = claims_rows(30)
    for i, row in enumerate(claims):
        row[3] = f"08/{1 + i % 28:02d}/2025"
    claims[3][3] = "09/10/2025"  # after its own file's date
    write_xlsx(folder / "claims 2025-08.xlsx", CLAIMS_HEADER, claims, titles=(), blank_after=())
    leads = [[f"L{i}", f"10/{1 + i:02d}/2025", "EverQuote", 12.5, "Quoted"] for i in range(28)]
    write_csv(folder / "leads 2026_03.csv", LEADS_HEADER, leads, titles=())
    comm = [["11/10/2025", f"P{i}", "PPA", "Renewal", "10/01/2025", 0.1, 50.0] for i in range(4)]
    comm += [["10/15/2025", f"P{i}", "PPA", "Renewal", "09/01/2025", 0.1, 40.0] for i in range(4)]
    write_csv(folder / "statement.csv", COMM_HEADER, comm,
              titles=("Commission Statement", "Statement Date: 11/12/2025"))


def test_the_as_of_date_is_the_books_and_each_report_keeps_its_own_window(tmp_path):
    _dated_folder(tmp_path)
    data = read(tmp_path)
    # The lead log's name says 2026-03: it moves nothing. The book says 2025-10-31.
    assert data.as_of == AS_OF
    assert data.coverage["policies"][1] == AS_OF
    assert data.coverage["claims"] == (dt.date(2025, 8, 1), dt.date(2025, 8, 31))
    assert data.coverage["leads"] == (dt.date(2025, 10, 1), AS_OF)  # its last lead is 10/28
    assert data.coverage["commissions"] == (dt.date(2025, 10, 15), dt.date(2025, 11, 12))
    assert data.window_end("commissions") == dt.date(2025, 11, 12)
    assert data.window_end("policies", "commissions") == AS_OF
    assert data.window_end("policies", "claims") == dt.date(2025, 8, 31)
    # A statement pulled after the book: its November rows are real and kept.
    assert len(data.commissions) == 8
    # A loss dated after its own file's report date cannot be: rejected by cell, the file kept.
    assert health(data, "claims 2025-08.xlsx").problems == [
        "claims 2025-08.xlsx!Sheet1!D5: 2025-09-10 is after its file's report date 2025-08-31"
    ]
    assert len(data.claims) == 29
    assert [n for n in data.health.notes if "report date" in n] == [
        "claims 2025-08.xlsx: report date 2025-08-31 (from its file name) is 61 days before the "
        "book of business's report date, 2025-10-31: the Claims detail figures end on 2025-08-31; "
        "export it again for the months since.",
        "leads 2026_03.csv: report date 2026-03-31 (from its file name) lies after today "
        "(2025-11-15): check the date; the file is read, and its figures reach no further than "
        "2025-10-31.",
    ]
    assert not any(f.rejected or f.skipped for f in data.health.files)


def test_a_file_dated_more_than_a_month_after_the_book_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(ams_dates, "today", lambda: dt.date(2026, 2, 1))
    write_xlsx(tmp_path / "book.xlsx", BOOK_HEADER, book_rows(3), titles=("Run Date: 10/31/2025",))
    header = ["Policy #", "Client ID", "LOB", "Issue Date", "Premium"]
    sales = [[f"S{i}", f"H{i}", "PPA", f"10/{10 + i}/2025", 900] for i in range(5)]
    write_csv(tmp_path / "sales 2025-12-31.csv", header, sales, titles=("New Business",))
    data = read(tmp_path)
    assert data.as_of == AS_OF
    assert data.health.notes == [
        "sales 2025-12-31.csv: report date 2025-12-31 (from its file name) is 61 days after the "
        "book of business's report date, 2025-10-31: check the date; the file is read, and its "
        "figures reach no further than 2025-10-31."
    ]
    assert data.coverage["sales"][1] == AS_OF and len(data.sales) == 5


def test_without_a_book_the_latest_stated_date_not_after_today_is_the_as_of_date(tmp_path):
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS, titles=("Run Date: 10/31/2025",))
    leads = [[f"L{i}", f"10/{1 + i:02d}/2025", "EverQuote", 12.5, "Quoted"] for i in range(5)]
    write_csv(tmp_path / "leads 2099-01.csv", LEADS_HEADER, leads, titles=())
    assert read(tmp_path).as_of == AS_OF



REFERRALS_HEADER = ["Referral Date", "Referrer Household ID", "Referred Name", "Status", "Sold Date",
                    "Household ID", "Incentive Paid"]
# Referred in one month, sold in the next: the sale is a later stage of the row.
REFERRALS = [
    ["08/04/2025", "H1", "Ann Lee", "Sold", "08/20/2025", "H901", 50.0],
    ["08/27/2025", "H2", "Bo Diaz", "Sold", "09/03/2025", "H902", 50.0],
    ["09/10/2025", "H3", "Cy Park", "Lost", "", "", ""],
    ["09/29/2025", "H4", "Di Ross", "Sold", "10/02/2025", "H903", 50.0],
    ["10/06/2025", "H5", "Ed Wu", "Sold", "10/21/2025", "H904", 50.0],
    ["10/30/2025", "H6", "Flo Kim", "Quoted", "", "", ""],
]


def _referrals_read(folder: Path, files: dict[str, list[list]]):
    folder.mkdir()
    write_xlsx(folder / "book.xlsx", BOOK_HEADER, book_rows(6), titles=("Run Date: 10/31/2025",))
    for name, rows in files.items():
        write_csv(folder / name, REFERRALS_HEADER, rows, titles=(), footers=())
    data = read(folder)
    assert data.as_of == AS_OF
    return data


def test_a_sale_after_the_month_a_referral_log_is_named_for_keeps_its_date(tmp_path):
    """A referral log saved one file per month, named for the month its referrals were made, lists
    the sales made since: a sale in September of an August referral is in "referrals 2025-08.csv".
    It is the same log as one file: every sold date kept, the sales counted in the month they were
    made (the referral backtest's actuals), not in the month of the referral."""
    whole = _referrals_read(tmp_path / "whole", {"referral log.csv": REFERRALS})
    monthly = _referrals_read(tmp_path / "monthly", {
        f"referrals 2025-{m:02d}.csv": [r for r in REFERRALS if r[0].startswith(f"{m:02d}/")]
        for m in (8, 9, 10)})
    assert health(monthly, "referrals 2025-08.csv").report_date == dt.date(2025, 8, 31)
    assert [f.problems for f in monthly.health.files] == [[] for _ in monthly.health.files]
    key = ["referral_date", "referred_name"]
    one = whole.referrals.sort_values(key).reset_index(drop=True)
    per_month = monthly.referrals.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(per_month, one)
    sold = pd.to_datetime(pd.Series([r[4] for r in REFERRALS if r[3] == "Sold"]), format="%m/%d/%Y")
    assert list(per_month.loc[per_month["status"] == "Sold", "sold_date"]) == list(sold)
    months = pd.period_range("2025-08", "2025-10", freq="M")
    by_sold_month = [1, 1, 2]  # Ann (Aug); Bo (Sep); Di and Ed (Oct)
    for data in (whole, monthly):
        assert list(forecasts.referral_customers(data, Assumptions(), months)) == by_sold_month


def test_a_sale_after_the_as_of_date_is_still_a_bad_value(tmp_path):
    rows = [list(r) for r in REFERRALS if r[0].startswith("10/")]
    rows[0][4] = "11/05/2025"  # after the book's 10/31 and after the file's name, before today
    data = _referrals_read(tmp_path / "late", {"referrals 2025-10.csv": rows})
    assert health(data, "referrals 2025-10.csv").problems == [
        "referrals 2025-10.csv!E2: 2025-11-05 is after the as-of date 2025-10-31 (Sold Date left blank)"
    ]
    assert data.referrals["sold_date"].isna().sum() == 2  # Ed's, blanked; Flo's, never sold


def test_a_sale_after_a_log_pulled_after_the_book_is_a_bad_value(tmp_path):
    """A log whose title says it was run on 11/12, after the book: a sale on 11/10 is real, one on
    11/14 cannot be in it."""
    folder = tmp_path / "pulled"
    folder.mkdir()
    write_xlsx(folder / "book.xlsx", BOOK_HEADER, book_rows(6), titles=("Run Date: 10/31/2025",))
    rows = [["10/15/2025", "H7", "Gus Roy", "Sold", "11/10/2025", "H905", 50.0],
            ["10/16/2025", "H8", "Hal Ng", "Sold", "11/14/2025", "H906", 50.0]]
    write_csv(folder / "referral log.csv", REFERRALS_HEADER, rows, titles=("Referral Log", "Run Date: 11/12/2025"),
              footers=())
    data = read(folder)
    assert health(data, "referral log.csv").problems == [
        "referral log.csv!E6: 2025-11-14 is after its file's report date 2025-11-12 (Sold Date left blank)"
    ]
    assert list(data.referrals["sold_date"]) == [pd.Timestamp(2025, 11, 10), pd.NaT]

# -- 10.8 Excel errors and formulas without a saved result ----------------------------------------


def _rows_with_errors(errors: dict[tuple[int, int], object]):
    rows = [CLAIMS_HEADER] + claims_rows(60)
    for (r, c), v in errors.items():
        rows[r][c] = v
    return rows


def test_error_cells_and_formulas_without_a_result_are_reported_by_cell_in_every_format(tmp_path):
    cells = {(2, 5): Error("#DIV/0!", "1/0"), (3, 5): Formula("F2*2"), (4, 6): Error("#REF!"),
             (5, 0): Error("#VALUE!"), (6, 5): Error("#N/A")}
    write_raw_xlsx(tmp_path / "claims.xlsx", _rows_with_errors(cells))
    text = {k: (v.value if isinstance(v, Error) else "") for k, v in cells.items()}
    rows = _rows_with_errors(text)
    # The same claims again, under other numbers (the error value in a claim number kept).
    csv_rows = [[row[0].replace("C-", "D-"), *row[1:]] for row in rows[1:]]
    write_csv(tmp_path / "claims.csv", rows[0], csv_rows, titles=(), footers=())
    html = [[row[0].replace("C-", "H-"), *row[1:]] for row in rows[1:]]
    write_html_xls(tmp_path / "claims html.xls", rows[0], html)
    data = read(tmp_path)
    assert health(data, "claims.xlsx").problems == [
        'claims.xlsx!Sheet1!F3: "#DIV/0!" is an Excel error value, not an amount',
        "claims.xlsx!Sheet1!F4: formula without a saved result: open and save the file in Excel",
        'claims.xlsx!Sheet1!G5: "#REF!" is an Excel error value, not an amount (Reserve left blank)',
        'claims.xlsx!Sheet1!A6: "#VALUE!" is an Excel error value, not an id',
    ]
    # The same error values written as text: the same messages (a CSV has no formulas).
    assert health(data, "claims.csv").problems == [
        'claims.csv!F3: "#DIV/0!" is an Excel error value, not an amount',
        'claims.csv!G5: "#REF!" is an Excel error value, not an amount (Reserve left blank)',
        'claims.csv!A6: "#VALUE!" is an Excel error value, not an id',
    ]
    # Title, run date and header on the HTML table's first three rows: data from row 4.
    assert health(data, "claims html.xls").problems == [
        'claims html.xls!F5: "#DIV/0!" is an Excel error value, not an amount',
        'claims html.xls!G7: "#REF!" is an Excel error value, not an amount (Reserve left blank)',
        'claims html.xls!A8: "#VALUE!" is an Excel error value, not an id',
    ]
    by_number = data.claims.set_index("claim_number")
    assert "C-1" not in by_number.index and "C-2" not in by_number.index  # the rows of F3, F4
    assert pd.isna(by_number.loc["C-3", "reserve"]) and by_number.loc["C-3", "paid_loss"] == 103
    assert pd.isna(by_number.loc["C-5", "paid_loss"])  # #N/A: nothing, as in every format
    assert (health(data, "claims.xlsx").rows_rejected, health(data, "claims.csv").rows_rejected) \
        == (3, 2)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) makes the legacy .xls")
def test_error_cells_of_a_legacy_xls_are_reported_too(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    # An error cell with its formula; LibreOffice keeps it as an error cell in the .xls.
    src = write_raw_xlsx(work / "claims.xlsx", _rows_with_errors({(2, 5): Error("#DIV/0!", "1/0")}))
    exports = tmp_path / "exports"
    exports.mkdir()
    convert_to_xls(src, work).rename(exports / "claims.xls")
    data = read(exports)
    assert health(data, "claims.xls").problems == [
        'claims.xls!Sheet1!F3: "#DIV/0!" is an Excel error value, not an amount'
    ]
    assert len(data.claims) == 59


# -- 10.9 two columns for one field; total lines ----------------------------------------------------


def test_two_columns_for_one_field_the_closer_name_is_used_and_both_named(tmp_path):
    header = ["Statement Date", "Policy #", "LOB", "Trans Type", "Eff Date",
              "Commission on Written", "Commission Paid"]
    rows = [["10/15/2025", f"P{i}", "PPA", "Renewal", "09/01/2025", 113.5, 100.0 + i]
            for i in range(10)]
    write_csv(tmp_path / "comm.csv", header, rows, titles=(), footers=())
    data = read(tmp_path)
    assert data.commissions["commission_amount"].sum() == sum(100.0 + i for i in range(10))
    assert health(data, "comm.csv").problems == [
        'comm.csv!F1: "Commission on Written" and "Commission Paid" (G1) both name Commission '
        'Amount: "Commission Paid" is the closer name and is used, this column is ignored'
    ]
    assert health(data, "comm.csv").columns_ignored == ["Commission on Written"]


def test_a_total_line_in_the_growth_report_is_a_footer_not_a_product(tmp_path):
    header = ["Month", "Product", "Beginning PIF", "New Business", "Renewals Offered",
              "Renewals Retained"]
    rows = []
    for month in ("Sep 2025", "Oct 2025"):
        rows += [[month, "Auto", 600, 20, 50, 45], [month, "Home", 400, 10, 30, 28],
                 [month, "Total", 1000, 30, 80, 73]]
    write_xlsx(tmp_path / "growth.xlsx", header, rows, titles=("Policy Growth & Retention",),
               blank_after=())
    data = read(tmp_path)
    assert data.growth["product"].tolist() == ["Auto", "Home", "Auto", "Home"]
    assert data.growth["new_business"].sum() == 60
    assert health(data, "growth.xlsx").products_to_other == []


# -- 10.10 aliases belong to the field; the best report wins ---------------------------------------


def test_a_new_business_report_with_product_line_is_read_as_sales(tmp_path):
    header = ["Written Date", "Policy Number", "Customer ID", "Product Line", "Premium", "Producer",
              "Source"]
    rows = [[f"10/{1 + i:02d}/2025", f"S-{i}", f"H{i}", "HO-3", 1500 + i, "Sam", "Referral"]
            for i in range(6)]
    write_xlsx(tmp_path / "New Business.xlsx", header, rows, titles=("New Business Report",))
    write_xlsx(tmp_path / "book.xlsx", BOOK_HEADER, book_rows(3), titles=("Run Date: 10/31/2025",))
    data = read(tmp_path)
    assert health(data, "New Business.xlsx").report == "sales"
    assert not data.sales_derived
    assert data.sales["issue_date"].min() == pd.Timestamp("2025-10-01")
    assert data.sales["product"].unique().tolist() == ["Home"]
    assert data.sales["lead_source"].unique().tolist() == ["Referral"]


@pytest.mark.parametrize(
    "title, name, report",
    [("New Business Report", "report.xlsx", "sales"),
     ("All Purpose Audit", "report.xlsx", "policies"),
     (None, "new_business_export.xlsx", "sales"),
     (None, "export.xlsx", "policies")],
)
def test_a_header_that_completes_two_reports_goes_to_the_one_its_title_names(
    tmp_path, title, name, report
):
    # Both reports find six columns: the book (Status, Issue Date as its inception) and sales
    # (Issue Date, Lead ID).
    header = ["Policy #", "Customer ID", "LOB", "Status", "Issue Date", "Premium", "Lead ID"]
    rows = [["P-1", "H1", "PPA", "Active", "10/01/2025", 900, "L-1"]]
    write_xlsx(tmp_path / name, header, rows, titles=(title,) if title else ())
    assert health(read(tmp_path), name).report == report


def test_missing_required_columns_name_the_closest_report(tmp_path):
    header = ["Written Date", "Policy Number", "Customer ID", "Product Line", "Producer"]
    write_xlsx(tmp_path / "nb.xlsx", header, [["10/01/2025", "S1", "H1", "HO-3", "Sam"]],
               titles=())
    assert health(read(tmp_path), "nb.xlsx").rejected == (
        "nb.xlsx: New business (sales) report, but missing required column 'Premium' (accepted: "
        "Premium, Written Premium, Annual Premium, Trans Premium) in sheet 'Sheet1', header row 1; its "
        "columns are 'Written Date', 'Policy Number', 'Customer ID', 'Product Line', 'Producer', each read "
        "as another column: add 'Premium' to the export in your AMS"  # issue 15.5
    )


# -- 10.11 files refused that should be read --------------------------------------------------------


def test_a_csv_with_bare_cr_line_ends_is_read(tmp_path):
    lines = ["Claims Detail Report", "Run Date: 10/31/2025", "", ",".join(CLAIMS_HEADER)]
    lines += [",".join(str(v) for v in row) for row in claims_rows(5)]
    (tmp_path / "claims.csv").write_bytes("\r".join(lines).encode())
    data = read(tmp_path)
    assert data.claims["claim_number"].tolist() == [f"C-{i}" for i in range(5)]
    assert health(data, "claims.csv").header_row == 4


def test_a_csv_with_nul_bytes_is_read(tmp_path):
    write_csv(tmp_path / "claims.csv", CLAIMS_HEADER, claims_rows(5))
    data = (tmp_path / "claims.csv").read_bytes()
    data = data.replace(b"Claims Detail", b"Claims\x00 Detail").replace(b"C-3", b"C-\x003")
    (tmp_path / "claims.csv").write_bytes(data)
    claims = read(tmp_path).claims
    assert claims["claim_number"].tolist() == [f"C-{i}" for i in range(5)]


# -- 10.12 statuses the reader does not know --------------------------------------------------------


def _book_with_pending_cancel(folder: Path) -> list[int]:
    rows = book_rows(100)
    pending = [7, 23, 41, 56, 77, 90]  # 6% of the book
    for i in pending:
        rows[i][4] = "Pending Cancel"
    write_xlsx(folder / "book.xlsx", BOOK_HEADER, rows, titles=(), blank_after=())
    return [i + 2 for i in pending]  # sheet rows (header on row 1)


def test_an_unknown_status_leaves_its_rows_out_and_keeps_the_book(tmp_path):
    sheet_rows = _book_with_pending_cancel(tmp_path)
    data = read(tmp_path)
    f = health(data, "book.xlsx")
    assert f.rejected is None and len(data.policies) == 94
    assert f.problems == [
        f'book.xlsx!Sheet1!E{sheet_rows[0]}: "Pending Cancel" is not a known Status (known: In '
        f"Force, Cancelled, Expired, Pending): 6 rows left out (rows "
        f"{', '.join(map(str, sheet_rows))}); map it to one of them in the status mapping table on "
        "the Settings sheet"
    ]
    assert (f.rows_read, f.rows_rejected) == (100, 6)


def test_the_owners_status_mapping_keeps_those_rows(tmp_path):
    _book_with_pending_cancel(tmp_path)
    mappings = Mappings(statuses={("policies", "pending cancel"): "In Force"})
    data = read(tmp_path, mappings=mappings)
    assert len(data.policies) == 100 and health(data, "book.xlsx").problems == []
    assert (data.policies["status"] == "In Force").sum() == 100


def test_the_status_mapping_table_is_on_settings_and_read_back(tmp_path):
    from agency_xl.assumptions.sheet import parse_settings
    from agency_xl.excel.settings_file import read_settings_workbook
    from agency_xl.cli import main

    owner = tmp_path / "owner.xlsx"
    assert main(["template", "--out", str(owner)]) == 0
    wb = openpyxl.load_workbook(owner)
    ws = wb["Settings"]
    assert [ws.cell(7, c).value for c in (14, 15, 16)] == ["Report", "Your status",
                                                            "Canonical status"]
    ws["N8"], ws["O8"], ws["P8"] = "Book of business (All Purpose Audit)", "Pending Cancel", "in force"
    ws["O9"], ws["P9"] = "Sold - Pending", "Sold"  # any report with a "Sold" status
    ws["O10"], ws["P10"] = "Hold", "Frozen"
    wb.save(owner)
    settings = read_settings_workbook(owner)
    assert settings.mappings.statuses == {("policies", "Pending Cancel"): "In Force",
                                          ("", "Sold - Pending"): "Sold"}
    assert settings.problems == [
        "owner.xlsx!Settings!row 10: status mapping 'Hold' -> 'Frozen' not used (the canonical "
        "status must be one of In Force, Cancelled, Expired, Pending, New Business, Renewal, "
        "Endorsement, Cancellation, Chargeback, Chargeup, Bonus, Adjustment, New, Contacted, "
        "Quoted, Sold, Lost, Bad Lead)"
    ]
    # The parser alone, on a grid: a report that does not exist is named.
    grid = [[None] * 13 + ["Report", "Your status", "Canonical status"],
            [None] * 13 + ["Payroll", "Late", "Paid"],
            [None] * 13 + ["Claims detail", "Reopened", "Open"]]
    assert parse_settings(grid).problems == [
        "Settings!row 2: status mapping names unknown report 'Payroll'",
        "Settings!row 3: status mapping 'Reopened' -> 'Open' not used (the Claims detail report "
        "has no status the reader maps)",
    ]


# -- 10.13 nothing to read ---------------------------------------------------------------------------


def test_an_empty_folder_is_refused_and_never_blanks_a_filled_workbook(tmp_path, capsys):
    from agency_xl.cli import main

    exports = tmp_path / "exports"
    exports.mkdir()
    write_xlsx(exports / "claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    out = tmp_path / "dashboard.xlsx"
    assert main(["refresh", "--exports", str(exports), "--out", str(out)]) == 0
    filled = out.read_bytes()
    capsys.readouterr()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["refresh", "--exports", str(empty), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"Reading exports from {empty}\n"
        f"error: no report could be read from the exports folder {empty}: it is empty. Save the "
        "AMS exports there (or choose the right folder on the Settings sheet), then refresh again. "
        f"Nothing was refreshed: {out} is unchanged.\n"
    )
    assert out.read_bytes() == filled
    # A folder of files none of which is a report: the same, and no workbook where none was.
    (empty / "notes.txt").write_text("call the carrier")
    write_xlsx(empty / "budget.xlsx", ["Month", "Rent"], [["Oct", 3000]])
    fresh = tmp_path / "fresh.xlsx"
    assert main(["refresh", "--exports", str(empty), "--out", str(fresh)]) == 2
    err = capsys.readouterr().err
    assert f"no report could be read from the exports folder {empty}: 2 files in it, none a " \
           "report that could be read; budget.xlsx: not a recognised export" in err
    assert "no workbook was written" in err and not fresh.exists()


def test_require_reports_is_what_a_refresh_calls_before_writing(tmp_path):
    with pytest.raises(NoReportsFound, match="it is empty"):
        require_reports(read_exports(tmp_path))
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    data = read_exports(tmp_path)
    assert require_reports(data) is data
    assert issubclass(NoReportsFound, ValueError)  # the command line's "error: ..." and exit 2


# -- 10.14 the rest ------------------------------------------------------------------------------------


def test_day_first_months_in_the_growth_report_are_read_day_first_and_said(tmp_path):
    header = ["Month", "Product", "Beginning PIF", "New Business", "Renewals Offered",
              "Renewals Retained"]
    rows = [[f"01/{m:02d}/2025", "Auto", 600, m, 50, 45] for m in (7, 8, 9, 10)]
    write_csv(tmp_path / "growth.csv", header, rows, titles=(), footers=())
    data = read(tmp_path)
    assert data.growth["month"].dt.month.tolist() == [7, 8, 9, 10]
    assert health(data, "growth.csv").problems == [
        'growth.csv!A1: Month is written day first (such as "01/07/2025"), so read as '
        "day/month/year"
    ]


def test_a_day_first_date_column_is_read_day_first_when_no_value_fits_month_first(tmp_path):
    rows = claims_rows(4)
    for row, text in zip(rows, ("03/10/2025", "25/09/2025", "14/08/2025", "01/07/2025")):
        row[3] = text
    write_csv(tmp_path / "claims.csv", CLAIMS_HEADER, rows, titles=(), footers=())
    data = read(tmp_path)
    assert [d.strftime("%Y-%m-%d") for d in data.claims["loss_date"]] == [
        "2025-10-03", "2025-09-25", "2025-08-14", "2025-07-01"]
    assert health(data, "claims.csv").problems == [
        'claims.csv!D1: Loss Date is written day first (such as "25/09/2025"), so read as '
        "day/month/year"
    ]


def test_loss_dates_in_1900_are_rejected_by_cell(tmp_path):
    rows = claims_rows(40)
    rows[4][3] = "01/01/1900"  # a blank date cell formatted as a date
    rows[9][3] = dt.datetime(1900, 1, 1)  # Excel's serial 1, which calamine dates 1899-12-31
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, rows, titles=(), blank_after=())
    data = read(tmp_path)
    assert health(data, "claims.xlsx").problems == [
        'claims.xlsx!Sheet1!D6: "01/01/1900" is before 1950, not a plausible Loss Date',
        'claims.xlsx!Sheet1!D11: "1899-12-31 00:00:00" is before 1950, not a plausible Loss Date',
    ]
    assert len(data.claims) == 38


def test_a_link_that_leads_nowhere_is_listed_and_stops_nothing(tmp_path):
    from agency_xl.functions.exports_cache import folder_stamp

    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    os.symlink("loop", tmp_path / "loop")
    os.symlink("gone.xlsx", tmp_path / "broken.xlsx")
    data = read(tmp_path)
    reason = ("a link (shortcut) that leads nowhere: it points to itself, in a loop, or to a file "
              "that is gone: ignored")
    assert [(f.path, f.skipped) for f in data.health.files if f.skipped] == [
        ("broken.xlsx", f"broken.xlsx: {reason}"), ("loop", f"loop: {reason}")]
    assert len(data.claims) == 4
    assert [name for name, *_ in folder_stamp(tmp_path)] == ["claims.xlsx"]


def test_a_header_stacked_on_two_rows_is_read(tmp_path):
    upper = ["Claim", "Policy", "Line of", "Date of", "Claim", "Paid", ""]
    lower = ["#", "#", "Business", "Loss", "Status", "Loss", "Reserve"]
    write_xlsx(tmp_path / "claims.xlsx", lower, CLAIMS_ROWS,
               titles=("Claims Detail Report", "Run Date: 10/31/2025"))
    # The upper labels on the row above the header (row 3, the blank one write_xlsx leaves).
    wb = openpyxl.load_workbook(tmp_path / "claims.xlsx")
    for c, label in enumerate(upper, 1):
        wb["Sheet1"].cell(3, c).value = label or None
    wb.save(tmp_path / "claims.xlsx")
    data = read(tmp_path)
    f = health(data, "claims.xlsx")
    assert (f.report, f.header_row, f.report_date) == ("claims", 4, AS_OF)
    assert data.claims["claim_number"].tolist() == ["C-1001", "C-1002", "C-1003", "C-1004"]
    assert data.claims["reserve"].tolist()[:2] == [0.0, 1000.0]
    assert f.problems == [
        "claims.xlsx!Sheet1!A3: the header is written on two rows (3 and 4): read as one, each "
        "column's two labels joined"
    ]


def test_a_file_that_looks_like_a_report_but_is_skipped_is_listed_among_the_problems(tmp_path):
    write_csv(tmp_path / "policy list.csv", ["Policy #", "Agent", "LOB"], [["P1", "Sam", "PPA"]],
              titles=())
    data = read(tmp_path)
    skipped = health(data, "policy list.csv").skipped
    assert skipped.startswith("policy list.csv: not a recognised export")
    assert data.health.problems() == [skipped]


# -- worksheet functions ----------------------------------------------------------------------------


def test_a_decimal_comma_is_refused_not_misread():
    from agency_xl.functions.catalog import ArgError, number
    from agency_xl.functions import CATALOG

    with pytest.raises(ArgError, match=r"not '42000,50' \(commas only between thousands"):
        number("42000,50", "monthly_expenses")
    assert number("42,000.50", "x") == 42000.5 and number("$1,234", "x") == 1234.0
    assert number("(1,234.56)", "x") == -1234.56
    with pytest.raises(ArgError):
        number("1,5", "x")
    answer = CATALOG["COMBINED_RATIO"].call("0,68", 0.25)
    assert answer.startswith("#VALUE! loss_ratio must be") and "'0,68'" in answer
    assert CATALOG["COMBINED_RATIO"].call("0.68", 0.25) == pytest.approx(0.93)
