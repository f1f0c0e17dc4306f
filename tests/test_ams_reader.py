"""read_exports on small messy files of every format: what comes out, typed and cleaned."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd
import pytest

from agency_xl.ams import Mappings, read_exports
from tests.fixtures_ams import (
    BOOK_HEADER,
    BOOK_ROWS,
    CLAIMS_HEADER,
    CLAIMS_ROWS,
    convert_to_xls,
    folder_hashes,
    soffice,
    write_csv,
    write_html_xls,
    write_xlsx,
)


def _file(data, name):
    return next(f for f in data.health.files if f.path == name)


def _check_claims(claims: pd.DataFrame) -> None:
    """The four CLAIMS_ROWS, whatever the format they came in."""
    assert claims["claim_number"].tolist() == ["C-1001", "C-1002", "C-1003", "C-1004"]
    # Leading zeros kept, the number Excel made of an id written back without '.0', spaces trimmed.
    assert claims["policy_number"].tolist() == ["00012345", "778899", "00012346", "00012347"]
    assert claims["product"].tolist() == ["Auto", "Home", "Home", "Umbrella"]
    assert claims["loss_date"].tolist() == [
        pd.Timestamp("2025-03-04"),
        pd.Timestamp("2025-10-15"),
        pd.Timestamp("2025-08-01"),
        pd.Timestamp("2025-06-30"),
    ]
    np.testing.assert_allclose(claims["paid_loss"], [1234.56, 2500.0, -150.0, -12.0])
    np.testing.assert_allclose(claims["reserve"], [0.0, 1000.0, np.nan, np.nan])
    # No Incurred column: Incurred = Paid + Reserve (a blank reserve counts as none).
    np.testing.assert_allclose(claims["incurred_loss"], [1234.56, 3500.0, -150.0, -12.0])
    assert claims["claim_status"].tolist() == ["Closed", "Open", "Open", "Closed"]
    assert claims["lae"].isna().all() and claims["cause_of_loss"].isna().all()
    assert str(claims["loss_date"].dtype) == "datetime64[ns]"
    assert claims["paid_loss"].dtype == np.float64


def test_xlsx_with_titles_blank_rows_footers_and_text_amounts(tmp_path):
    write_xlsx(tmp_path / "claims oct.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    data = read_exports(tmp_path)
    _check_claims(data.claims)
    fh = _file(data, "claims oct.xlsx")
    assert (fh.report, fh.sheet, fh.header_row) == ("claims", "Sheet1", 5)
    assert (fh.report_date, fh.report_date_source) == (dt.date(2025, 10, 31), "title row")
    assert (fh.rows_read, fh.rows_rejected, fh.rejected, fh.problems) == (4, 0, None, [])
    assert fh.period == (dt.date(2025, 3, 4), dt.date(2025, 10, 15))
    assert data.as_of == dt.date(2025, 10, 31)
    assert data.policies is None and data.sales is None and not data.sales_derived


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_each_encoding(tmp_path, encoding):
    rows = [list(r) for r in CLAIMS_ROWS]
    rows[0] = rows[0] + ["Café – hail"]  # non-ASCII in a text column
    rows[2][6] = "—"  # an em dash for "no reserve"
    write_csv(tmp_path / "claims.csv", CLAIMS_HEADER + ["Cause of Loss"], rows, encoding=encoding)
    data = read_exports(tmp_path)
    _check_claims(data.claims.assign(cause_of_loss=np.nan))
    assert data.claims["cause_of_loss"].tolist()[0] == "Café – hail"
    fh = _file(data, "claims.csv")
    assert (fh.sheet, fh.header_row, fh.report_date_source) == (None, 4, "title row")


def test_csv_separated_by_semicolons(tmp_path):
    write_csv(tmp_path / "claims.csv", CLAIMS_HEADER, CLAIMS_ROWS, delimiter=";")
    _check_claims(read_exports(tmp_path).claims)


def test_excel_unicode_text_and_tab_separated_text_named_xls(tmp_path):
    # Excel's "Unicode Text" is UTF-16 with tabs; some AMS save tab-separated text as .xls.
    write_csv(
        tmp_path / "claims.csv", CLAIMS_HEADER, CLAIMS_ROWS, encoding="utf-16", delimiter="\t"
    )
    _check_claims(read_exports(tmp_path).claims)
    (tmp_path / "claims.csv").unlink()
    write_csv(tmp_path / "claims.xls", CLAIMS_HEADER, CLAIMS_ROWS, delimiter="\t")
    data = read_exports(tmp_path)
    _check_claims(data.claims)
    assert _file(data, "claims.xls").header_row == 4


def test_xlsm_and_a_workbook_with_the_wrong_extension(tmp_path):
    write_xlsx(tmp_path / "claims.xlsm", CLAIMS_HEADER, CLAIMS_ROWS)
    _check_claims(read_exports(tmp_path).claims)
    (tmp_path / "claims.xlsm").rename(tmp_path / "claims.xls")  # an .xlsx saved as .xls
    _check_claims(read_exports(tmp_path).claims)


def test_html_table_saved_as_xls(tmp_path):
    write_html_xls(tmp_path / "Claims_Detail.xls", CLAIMS_HEADER, CLAIMS_ROWS)
    data = read_exports(tmp_path)
    _check_claims(data.claims)
    fh = _file(data, "Claims_Detail.xls")
    assert (fh.report, fh.header_row, fh.report_date) == ("claims", 3, dt.date(2025, 10, 31))


@pytest.mark.skipif(
    soffice() is None,
    reason="LibreOffice (soffice) is not installed, so no legacy .xls can be made",
)
def test_legacy_xls_converted_by_libreoffice(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    src = write_xlsx(work / "claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    xls = convert_to_xls(src, work)
    exports = tmp_path / "exports"
    exports.mkdir()
    xls.rename(exports / "claims legacy.xls")
    assert (exports / "claims legacy.xls").read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    data = read_exports(exports)
    _check_claims(data.claims)
    fh = _file(data, "claims legacy.xls")
    assert (fh.sheet, fh.header_row, fh.report_date) == ("Sheet1", 5, dt.date(2025, 10, 31))


def test_book_of_business_and_sales_derived_from_it(tmp_path):
    write_xlsx(
        tmp_path / "All Purpose Audit.xlsx",
        BOOK_HEADER,
        BOOK_ROWS,
        titles=("All Purpose Audit", "As of 10/31/2025"),
        footers=[["Page 1 of 1"]],
    )
    data = read_exports(tmp_path)
    book = data.policies
    assert book["policy_number"].tolist() == ["P-001", "P-002", "P-003", "P-004"]
    assert book["product"].tolist() == ["Auto", "Home", "Umbrella", "Specialty"]
    assert book["status"].tolist() == ["In Force", "In Force", "Cancelled", "Expired"]
    np.testing.assert_allclose(book["annual_premium"], [1450.0, 1980.0, 310.0, 420.5])
    assert book["insured_name"].tolist()[0] == "Ann Lee" and book["producer"].tolist()[2] == "Kim"
    assert book["cancel_date"].isna().all()
    assert data.sales_derived
    assert data.sales["issue_date"].tolist() == book["original_effective_date"].tolist()
    assert data.sales["premium"].tolist() == book["annual_premium"].tolist()
    assert list(data.sales.columns) == [
        "policy_number",
        "household_id",
        "product",
        "issue_date",
        "premium",
        "producer",
        "lead_source",
        "lead_id",
    ]
    assert any("No sales export found" in n for n in data.health.info)  # issue 15.5: information


def test_sales_report_is_not_taken_for_the_book(tmp_path):
    # "Issue Date" and "Premium" are aliases in both reports; only the book has a Status column.
    header = ["Policy #", "Client ID", "LOB", "Issue Date", "Premium", "Agent", "Lead ID"]
    rows = [["S-1", "H9", "PPA", "10/01/2025", "1,200.00", "Sam", "L-77"]]
    write_xlsx(tmp_path / "new business.xlsx", header, rows, titles=("New Business",))
    book_header = ["Policy #", "Client ID", "LOB", "Status", "Issue Date", "Premium"]
    write_xlsx(
        tmp_path / "book.xlsx",
        book_header,
        [["P-1", "H1", "HO-6", "Active", "01/05/2024", 800]],
        titles=(),
    )
    data = read_exports(tmp_path)
    assert _file(data, "new business.xlsx").report == "sales"
    assert _file(data, "book.xlsx").report == "policies"
    assert not data.sales_derived
    assert data.sales["lead_id"].tolist() == ["L-77"]
    assert data.policies["product"].tolist() == ["Condo"]


def test_report_date_title_line_is_not_taken_for_a_header(tmp_path):
    # "Report Date:" is an alias of the claims report's Reported Date; it must stay a title line.
    write_xlsx(
        tmp_path / "claims.xlsx",
        CLAIMS_HEADER,
        CLAIMS_ROWS,
        titles=("Claims Detail", "Report Date:", "Status: All"),
    )
    data = read_exports(tmp_path)
    assert _file(data, "claims.xlsx").header_row == 5
    assert len(data.claims) == 4


def test_report_date_in_the_cell_after_the_label(tmp_path):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp_path / "claims.xlsx"))
    ws = wb.add_worksheet("Claims")
    ws.write_string("A1", "Report Date:")
    ws.write_datetime("B1", dt.datetime(2025, 9, 30), wb.add_format({"num_format": "m/d/yyyy"}))
    ws.write_row("A3", CLAIMS_HEADER)
    ws.write_row("A4", ["C-1", "P-1", "Auto", "09/01/2025", "Open", 10, 0])
    wb.close()
    fh = _file(read_exports(tmp_path), "claims.xlsx")
    assert (fh.header_row, fh.report_date, fh.report_date_source) == (
        3,
        dt.date(2025, 9, 30),
        "title row",
    )


def test_report_date_from_file_name_then_modification_time(tmp_path):
    write_xlsx(tmp_path / "2025-09_Claims_Detail.xlsx", CLAIMS_HEADER, CLAIMS_ROWS[:2], titles=())
    write_xlsx(tmp_path / "claims 2025-08-15.xlsx", CLAIMS_HEADER, CLAIMS_ROWS[2:], titles=())
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS[3:], titles=())
    stamp = dt.datetime(2025, 7, 4, 12, 0).timestamp()
    os.utime(tmp_path / "claims.xlsx", (stamp, stamp))
    data = read_exports(tmp_path, as_of=dt.date(2025, 12, 31))
    got = {f.path: (f.report_date, f.report_date_source) for f in data.health.files}
    assert got == {
        "2025-09_Claims_Detail.xlsx": (dt.date(2025, 9, 30), "file name"),
        "claims 2025-08-15.xlsx": (dt.date(2025, 8, 15), "file name"),
        "claims.xlsx": (dt.date(2025, 7, 4), "modification time"),
    }
    assert data.as_of == dt.date(2025, 12, 31)  # the argument wins over the report dates


def test_as_of_is_the_latest_report_date(tmp_path):
    write_xlsx(
        tmp_path / "a.xlsx", CLAIMS_HEADER, CLAIMS_ROWS[:2], titles=("Run Date: 11/30/2025",)
    )
    write_xlsx(tmp_path / "b.xlsx", CLAIMS_HEADER, CLAIMS_ROWS[2:], titles=("As of 2025-10-31",))
    assert read_exports(tmp_path).as_of == dt.date(2025, 11, 30)


def test_header_variants_case_spaces_line_breaks_and_number_words(tmp_path):
    header = [
        "CLAIM  NO.",
        "policy\nnumber:",
        " lob ",
        "DOL",
        "Claim Status",
        "Loss Paid",
        "O/S Reserve",
        "Total Incurred",
    ]
    rows = [["9", "12", "HO-4", "01/02/2025", "open", "100", "50", "150"]]
    write_csv(tmp_path / "c.csv", header, rows)
    data = read_exports(tmp_path)
    c = data.claims
    assert c["claim_number"].tolist() == ["9"] and c["policy_number"].tolist() == ["12"]
    assert c["product"].tolist() == ["Renters"] and c["incurred_loss"].tolist() == [150.0]


def test_owner_column_alias_and_product_mapping(tmp_path):
    header = ["Pol Ref", "Customer ID", "Product", "Status", "Inception Date", "Premium"]
    rows = [
        ["A1", "H1", "Boat Owners", "Active", "01/01/2024", 500],
        ["A2", "H2", "Jet Ski", "Active", "01/01/2024", 300],
        ["A3", "H2", "Auto - Std", "Active", "01/01/2024", 900],
    ]
    write_xlsx(tmp_path / "book.xlsx", header, rows, titles=())
    plain = read_exports(tmp_path)
    assert plain.policies is None
    assert _file(plain, "book.xlsx").rejected == (
        "book.xlsx: Book of business (All Purpose Audit) report, but missing required column "
        "'Policy Number' (accepted: Policy Number, Policy #, Policy No, PolicyNumber, Pol Num) in "
        "sheet 'Sheet1', header row 1; its columns are 'Pol Ref', 'Customer ID', 'Product', 'Status', "
        "'Inception Date', 'Premium'. If one of them is 'Policy Number' under another name, add on Settings "
        "(Your column names): Report 'Book of business (All Purpose Audit)', your column 'Pol Ref', "
        "canonical column 'Policy Number'"  # issue 15.5: the mapping the test adds next
    )
    m = Mappings(
        columns={("policies", "Pol Ref"): "Policy Number"}, products={"Boat Owners": "Specialty"}
    )
    data = read_exports(tmp_path, mappings=m)
    assert data.policies["policy_number"].tolist() == ["A1", "A2", "A3"]
    assert data.policies["product"].tolist() == ["Specialty", "Other", "Auto"]
    assert _file(data, "book.xlsx").products_to_other == ["Jet Ski"]


def test_first_recognised_sheet_is_used_and_hidden_sheets_are_not(tmp_path):
    cover = [["Acme Agency"], ["This workbook holds the claims report on the next sheet."]]
    decoy = [CLAIMS_HEADER, ["X-1", "P", "Auto", "01/01/2025", "Open", 1, 0]]
    write_xlsx(
        tmp_path / "claims.xlsx",
        CLAIMS_HEADER,
        CLAIMS_ROWS,
        sheet="Claims",
        extra_sheets={"Cover": cover},
        hidden_sheets={"Lookup": decoy},
    )
    data = read_exports(tmp_path)
    assert _file(data, "claims.xlsx").sheet == "Claims"
    _check_claims(data.claims)


def test_cell_addresses_count_from_the_sheet_corner(tmp_path):
    # Data starting in column C, row 1 blank: addresses must still be the sheet's own.
    rows = [list(r) for r in CLAIMS_ROWS] + [
        ["C-1005", "P9", "PPA", "01/01/2025", "Open", "abc", 0]
    ]
    rows += [[f"C-2{i:03d}", "P", "PPA", "01/01/2025", "Open", 1, 0] for i in range(20)]
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, rows, start_col=2, blank_after=())
    data = read_exports(tmp_path)
    fh = _file(data, "claims.xlsx")
    # Header row 5, data from row 6: the bad row is the fifth, row 10; Paid Loss is column H.
    assert fh.problems == ['claims.xlsx!Sheet1!H10: "abc" is not an amount']
    assert (fh.rows_read, fh.rows_rejected) == (25, 1)
    assert "C-1005" not in data.claims["claim_number"].tolist()


def test_stated_incurred_that_disagrees_is_kept_and_reported(tmp_path):
    header = ["Claim #", "Policy #", "LOB", "Date of Loss", "Paid Loss", "Reserve", "Incurred"]
    rows = [
        ["C1", "P1", "Auto", "01/02/2025", 100, 50, 150],
        ["C2", "P2", "Auto", "01/02/2025", 100, 50, 175],
        ["C3", "P3", "Auto", "01/02/2025", 100, 50, None],
    ]
    write_xlsx(tmp_path / "claims.xlsx", header, rows, titles=(), footers=())
    data = read_exports(tmp_path)
    assert data.claims["incurred_loss"].tolist() == [150.0, 175.0, 150.0]
    assert _file(data, "claims.xlsx").problems == [
        "claims.xlsx!Sheet1!G3: Incurred Loss 175.00 differs from Paid Loss + Reserve = 100.00 + "
        "50.00 = 150.00 (the stated Incurred is kept)"
    ]


def test_growth_months_percentages_and_counts(tmp_path):
    header = ["Period", "LOB", "PIF Start", "New", "Up For Renewal", "Renewed", "Retention %"]
    rows = [
        ["Oct 2025", "Auto", "1,200", 30, 100, 88, "88.00%"],
        ["2025-09", "Home", 800, 12, 60, 57, 0.95],
        ["08/2025", "PUP", 90, 2, 10, 10, "100%"],
        [dt.datetime(2025, 7, 17), "Life", 50, 1, 5, 5, 1],
    ]
    write_xlsx(tmp_path / "growth.xlsx", header, rows, titles=("Run Date: 10/31/2025",))
    g = read_exports(tmp_path).growth
    assert g["month"].tolist() == [
        pd.Timestamp(x) for x in ("2025-10-01", "2025-09-01", "2025-08-01", "2025-07-01")
    ]
    assert g["product"].tolist() == ["Auto", "Home", "Umbrella", "Life"]
    assert g["beginning_pif"].tolist() == [1200.0, 800.0, 90.0, 50.0]
    np.testing.assert_allclose(g["retention_pct"], [0.88, 0.95, 1.0, 1.0])
    assert g["ending_pif"].isna().all()


def test_leads_statuses_and_yes_no(tmp_path):
    header = [
        "Lead ID",
        "Received Date",
        "Lead Vendor",
        "Lead Cost",
        "Disposition",
        "Homeowner",
        "Vehicles",
    ]
    rows = [
        ["L1", "10/01/2025", "EverQuote", "$12.50", "sold", "Y", 2],
        ["L2", "10/02/2025", "EverQuote", 12.5, "BAD LEAD", "no", None],
        ["L3", "10/03/2025", "QuoteWizard", 9, "Quoted", None, 1],
    ]
    write_csv(tmp_path / "leads.csv", header, rows)
    leads = read_exports(tmp_path).leads
    assert leads["status"].tolist() == ["Sold", "Bad Lead", "Quoted"]
    assert leads["homeowner"].tolist() == [True, False, False]  # blank counts as no
    assert leads["homeowner"].dtype == bool
    assert leads["cost"].tolist() == [12.5, 12.5, 9.0]


def test_files_of_one_report_are_combined_and_the_later_report_wins(tmp_path):
    old = [
        ["C-1", "P1", "Auto", "01/02/2025", "Open", 100, 900],
        ["C-2", "P2", "Auto", "01/03/2025", "Open", 0, 500],
        ["C-3", "P3", "Home", "02/01/2025", "Closed", 50, 0],
    ]
    new = [
        ["C-1", "P1", "Auto", "01/02/2025", "Closed", 1000, 0],  # settled: values changed
        ["C-2", "P2", "Auto", "01/03/2025", "Open", 0, 500],  # identical
        ["C-4", "P4", "Home", "03/01/2025", "Open", 10, 10],
    ]
    write_xlsx(tmp_path / "claims nov.xlsx", CLAIMS_HEADER, new, titles=("Run Date: 11/30/2025",))
    write_xlsx(tmp_path / "claims oct.xlsx", CLAIMS_HEADER, old, titles=("Run Date: 10/31/2025",))
    data = read_exports(tmp_path)
    c = data.claims.set_index("claim_number")
    assert sorted(c.index) == ["C-1", "C-2", "C-3", "C-4"]
    assert c.loc["C-1", "paid_loss"] == 1000 and c.loc["C-1", "claim_status"] == "Closed"
    assert data.health.notes == [
        "Claims detail: 1 claim number appears in more than one file with different values; the "
        "file with the later report date won: claims nov.xlsx (report date 2025-11-30) for 1.",
    ]
    # Issue 15.5: identical rows counted once are information, listed apart from the problems.
    assert data.health.info == [
        "Claims detail: 1 claim number appears identically in more than one file and was counted "
        "once.",
    ]
    assert not any("identically" in p for p in data.problems())


def test_a_transaction_repeated_within_one_file_counts_once(tmp_path):
    # AMS_EXPORTS.md (issue 10): within one file a key seen twice is counted once and named. A
    # commission transaction's key is policy, type, effective date, statement date and amount.
    header = ["Statement Date", "Policy #", "LOB", "Trans Type", "Eff Date", "Commission"]
    row = ["10/15/2025", "P1", "PPA", "Chargeback", "09/01/2025", "(25.00)"]
    write_csv(
        tmp_path / "comm.csv",
        header,
        [row, row, ["10/15/2025", "P2", "HO3", "Renewal", "09/02/2025", "110.00"]],
    )
    data = read_exports(tmp_path)
    comm = data.commissions
    assert comm["commission_amount"].tolist() == [-25.0, 110.0]
    assert comm["transaction_type"].tolist() == ["Chargeback", "Renewal"]
    assert _file(data, "comm.csv").problems == [
        "comm.csv: 1 transaction is listed more than once in this file and counted once (the "
        "first row kept): P1 / Chargeback / 2025-09-01 / 2025-10-15 / -25.00 (rows 5, 6)"
    ]


def test_progress_is_called_per_file(tmp_path):
    write_csv(tmp_path / "b.csv", CLAIMS_HEADER, CLAIMS_ROWS)
    write_csv(tmp_path / "a.csv", CLAIMS_HEADER, CLAIMS_ROWS)
    (tmp_path / "notes.txt").write_text("hello")
    seen: list[str] = []
    read_exports(tmp_path, progress=seen.append)
    assert seen == ["Reading a.csv (1/3)", "Reading b.csv (2/3)", "Reading notes.txt (3/3)"]


def test_columns_the_reader_does_not_know_are_listed(tmp_path):
    write_xlsx(
        tmp_path / "claims.xlsx",
        CLAIMS_HEADER + ["Adjuster", "Region"],
        [list(r) + ["Pat", "NE"] for r in CLAIMS_ROWS],
    )
    fh = _file(read_exports(tmp_path), "claims.xlsx")
    assert fh.columns_ignored == ["Adjuster", "Region"]


def test_group_headings_and_repeated_page_headers_are_not_data(tmp_path):
    rows = [
        ["Producer: Sam"],
        *CLAIMS_ROWS[:2],
        CLAIMS_HEADER,
        ["Producer: Kim"],
        *CLAIMS_ROWS[2:],
        ["Total", None, None, None, None, 3572.56, 1000],
    ]
    write_xlsx(
        tmp_path / "claims.xlsx",
        CLAIMS_HEADER,
        rows,
        footers=[["*** End of Report ***"], ["Printed by admin"], ["Filters: none", "x"]],
    )
    data = read_exports(tmp_path)
    _check_claims(data.claims)
    fh = _file(data, "claims.xlsx")
    assert (fh.rows_read, fh.rows_rejected, fh.rejected) == (4, 0, None)
    assert fh.problems == [
        "claims.xlsx: 1 row after the report's closing line (Grand Total / End of Report) was "
        "not read"
    ]


def test_exports_are_not_modified(tmp_path):
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    write_csv(tmp_path / "claims.csv", CLAIMS_HEADER, CLAIMS_ROWS)
    write_html_xls(tmp_path / "claims.xls", CLAIMS_HEADER, CLAIMS_ROWS)
    before = folder_hashes(tmp_path)
    read_exports(tmp_path)
    assert folder_hashes(tmp_path) == before


@pytest.mark.parametrize(
    "cause", ["Hail", '"Hail\nand wind"'], ids=["one-line", "line-break-in-a-value"]
)
def test_csv_blank_lines_short_rows_and_record_numbers(tmp_path, cause):
    # Record numbers are what Excel shows as row numbers when it opens the CSV, whether the file
    # goes through Arrow's reader (one line per record) or pandas' (a quoted line break).
    lines = [
        "Claims Detail Report",
        "Run Date: 10/31/2025",
        "",
        "Claim #,Policy #,LOB,Date of Loss,Status,Paid Loss,Reserve,Cause of Loss",
        f"C1,P1,PPA,01/02/2025,Open,100,0,{cause}",
        "C2,P2,PPA,01/02/2025,Open,100",  # short: trailing empty fields left out
        "",
        "C3,P3,PPA,01/02/2025,Open,abc,0,Wind",
        *[f"C{i},P{i},PPA,01/02/2025,Open,10,5,Fire" for i in range(4, 24)],
        "Total,,,,,300",
        "",
    ]
    (tmp_path / "claims.csv").write_text("\r\n".join(lines), encoding="utf-8")
    data = read_exports(tmp_path)
    fh = _file(data, "claims.csv")
    assert fh.problems == ['claims.csv!F8: "abc" is not an amount']
    assert (fh.header_row, fh.rows_read, fh.rows_rejected) == (4, 23, 1)
    c = data.claims.set_index("claim_number")
    assert c.loc["C2", "paid_loss"] == 100 and np.isnan(c.loc["C2", "reserve"])
    assert c.loc["C1", "cause_of_loss"] == cause.strip('"')
    assert len(c) == 22


def test_window_end_is_the_earliest_coverage_end_of_the_reports_named():
    import datetime as dt

    from agency_xl.ams.data import AmsData

    data = AmsData(as_of=dt.date(2025, 11, 15),
                   coverage={"claims": (dt.date(2024, 1, 1), dt.date(2025, 10, 31)),
                             "commissions": (dt.date(2024, 1, 1), dt.date(2025, 11, 20))})
    assert data.window_end("policies", "claims") == dt.date(2025, 10, 31)
    assert data.window_end("commissions") == dt.date(2025, 11, 20)
    assert data.window_end("policies") == data.window_end() == dt.date(2025, 11, 15)
