"""The bad-input catalogue: every way an exports folder can go wrong, and what the owner is told.

Each case builds a small folder, reads it, checks the exact message, and checks that the exports
are byte-for-byte unchanged (every file hashed before and after). A good claims file sits beside
most bad ones to show that a problem in one file never stops the others.
"""

from __future__ import annotations

import datetime as dt
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from agency_xl.ams import Mappings, read_exports
from agency_xl.ams.sources import limits as source_limits
from tests.fixtures_ams import (
    BOOK_HEADER,
    BOOK_ROWS,
    CLAIMS_HEADER,
    CLAIMS_ROWS,
    folder_hashes,
    write_csv,
    write_html_xls,
    write_xlsx,
)

AS_OF = dt.date(2025, 10, 31)


def read(folder: Path, **kwargs):
    """read_exports, asserting the folder is unchanged."""
    before = folder_hashes(folder)
    data = read_exports(folder, **kwargs)
    assert folder_hashes(folder) == before
    return data


def health(data, name):
    return next(f for f in data.health.files if f.path == name)


def good_claims(folder: Path) -> Path:
    return write_xlsx(folder / "good claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)


def assert_good_claims_read(data) -> None:
    assert health(data, "good claims.xlsx").rejected is None
    assert len(data.claims) == 4


def claims_rows(n: int):
    return [[f"C-{i}", f"P-{i}", "PPA", "10/01/2025", "Open", 100 + i, 0] for i in range(n)]


# -- files that cannot be read --------------------------------------------------------------------


def test_01_corrupt_zip(tmp_path):
    good_claims(tmp_path)
    whole = write_xlsx(tmp_path / "x.xlsx", CLAIMS_HEADER, CLAIMS_ROWS).read_bytes()
    (tmp_path / "x.xlsx").unlink()
    (tmp_path / "claims.xlsx").write_bytes(whole[: len(whole) // 2])  # cut off mid-download
    data = read(tmp_path)
    assert health(data, "claims.xlsx").rejected == (
        "claims.xlsx: the workbook is damaged and cannot be opened (File is not a zip file); "
        "export it again"
    )
    assert_good_claims_read(data)


def test_02_damaged_sheet_inside_a_valid_zip(tmp_path):
    good_claims(tmp_path)
    src = write_xlsx(tmp_path / "src.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp_path / "claims.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[:200] + b"<<<garbage"
            zout.writestr(item, data)
    src.unlink()
    fh = health(read(tmp_path), "claims.xlsx")
    assert fh.rejected.startswith("claims.xlsx: sheet 'Sheet1' is damaged and cannot be read (")


def test_03_password_protected_workbook(tmp_path):
    pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool makes the encrypted file")
    from msoffcrypto.format.ooxml import OOXMLFile

    good_claims(tmp_path)
    plain = write_xlsx(tmp_path.parent / f"{tmp_path.name}-plain.xlsx", CLAIMS_HEADER, CLAIMS_ROWS)
    with plain.open("rb") as f, (tmp_path / "claims secret.xlsx").open("wb") as out:
        OOXMLFile(f).encrypt("s3cret", out)
    data = read(tmp_path)
    assert health(data, "claims secret.xlsx").rejected == (
        "claims secret.xlsx: the workbook is password-protected (encrypted), so it cannot be read: "
        "open it in Excel, remove the password (File > Info > Protect Workbook) and save it again"
    )
    assert_good_claims_read(data)


def test_04_zero_byte_file(tmp_path):
    good_claims(tmp_path)
    (tmp_path / "book.xlsx").write_bytes(b"")
    data = read(tmp_path)
    assert health(data, "book.xlsx").rejected == "book.xlsx: the file is empty (0 bytes)"
    assert_good_claims_read(data)


def test_05_workbook_with_a_header_and_no_data_rows(tmp_path):
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, [])
    fh = health(read(tmp_path), "claims.xlsx")
    assert (
        fh.rejected == "claims.xlsx: no data rows below the header (sheet 'Sheet1', header row 5)"
    )
    assert fh.report == "claims"


def test_06_workbook_with_nothing_in_it(tmp_path):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp_path / "empty.xlsx"))
    wb.add_worksheet("Sheet1")
    wb.add_worksheet("Sheet2")
    wb.close()
    assert health(read(tmp_path), "empty.xlsx").rejected == (
        "empty.xlsx: the workbook has no data (every sheet is empty)"
    )


def test_07_no_recognisable_header(tmp_path):
    write_xlsx(
        tmp_path / "budget.xlsx",
        ["Month", "Rent", "Payroll"],
        [["Oct", 3000, 20000]],
        titles=("Office budget",),
    )
    fh = health(read(tmp_path), "budget.xlsx")
    assert fh.skipped == (
        "budget.xlsx: not a recognised export (no header row of a report among the first 30 rows "
        "of any sheet)"
    )
    assert fh.report is None and fh.rejected is None


def test_08_unrelated_sheet_names_the_closest_report(tmp_path):
    write_csv(
        tmp_path / "policy list.csv",
        ["Policy #", "Agent", "Notes"],
        [["P1", "Sam", "x"]],
        titles=(),
    )
    fh = health(read(tmp_path), "policy list.csv")
    assert fh.skipped == (
        "policy list.csv: not a recognised export (no header row of a report among the first 30 "
        "rows); closest: the Book of business (All Purpose Audit) report at row 1, missing required "
        "columns 'Household ID' (accepted: Household ID, Customer ID, Client ID, Household #, HH ID, "
        "Account Number) and 'Product' (accepted: Product, Line of Business, LOB, Product Line, "
        "Policy Type) and 'Status' (accepted: Status, Policy Status, Disposition) and "
        "'Original Effective Date' "
        "(accepted: Original Effective Date, Orig Eff Date, Inception Date, Issue Date, First "
        "Written Date) and 'Annual Premium' (accepted: Annual Premium, Written Premium, Annualized "
        "Premium, Full Term Premium, Premium)"
    )


def test_09_missing_required_column(tmp_path):
    good_claims(tmp_path)
    header = ["Claim #", "Policy #", "LOB", "Date of Loss", "Status", "Reserve"]
    write_xlsx(tmp_path / "claims.xlsx", header, [r[:5] + [r[6]] for r in CLAIMS_ROWS])
    data = read(tmp_path)
    fh = health(data, "claims.xlsx")
    assert fh.rejected == (
        "claims.xlsx: Claims detail report, but missing required column 'Paid Loss' (accepted: "
        "Paid Loss, Loss Paid, Paid Amount, Indemnity Paid) in sheet 'Sheet1', header row 5; its columns are "
        "'Claim #', 'Policy #', 'LOB', 'Date of Loss', 'Status', 'Reserve', each read as another column: add "
        "'Paid Loss' to the export in your AMS"  # issue 15.5: the file's own columns, and what to do
    )
    assert (fh.report, fh.sheet, fh.header_row) == ("claims", "Sheet1", 5)
    assert_good_claims_read(data)


def test_10_not_a_spreadsheet_pdf(tmp_path):
    (tmp_path / "claims.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert health(read(tmp_path), "claims.xlsx").rejected == (
        "claims.xlsx: not a spreadsheet: the file is a PDF document"
    )


def test_11_word_document_with_an_excel_name(tmp_path):
    with zipfile.ZipFile(tmp_path / "report.xlsx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert health(read(tmp_path), "report.xlsx").rejected == (
        "report.xlsx: not an Excel workbook: the file is a Word document"
    )


def test_12_binary_junk_with_a_csv_name(tmp_path):
    (tmp_path / "claims.csv").write_bytes(bytes(range(256)) * 4)
    assert health(read(tmp_path), "claims.csv").rejected == (
        "claims.csv: not a spreadsheet: the file holds binary data of an unknown kind"
    )


def test_13_excel_2003_xml_spreadsheet(tmp_path):
    (tmp_path / "claims.xls").write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        "</Workbook>"
    )
    assert health(read(tmp_path), "claims.xls").rejected == (
        "claims.xls: an Excel 2003 XML spreadsheet, which is not read: open it in Excel and save it "
        "as .xlsx"
    )


def test_14_oversize_file_refused_unread(tmp_path):
    good_claims(tmp_path)
    with (tmp_path / "huge.csv").open("wb") as f:
        f.truncate(300 * 2**20)  # sparse: 300 MB on paper, nothing on disk
    data = read(tmp_path)
    assert health(data, "huge.csv").rejected == (
        "huge.csv: the file is 300 MB, over the 256 MB limit for an export: refused unread"
    )
    assert_good_claims_read(data)


def test_15_decompression_bomb_refused_without_inflating(tmp_path):
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            chunk = b"<row>" + b" " * (2**20 - 5)
            for _ in range(40):  # 40 MB of blanks: compresses about 1000 to 1
                f.write(chunk)
    assert (tmp_path / "bomb.xlsx").stat().st_size < 200_000
    tracemalloc.start()
    data = read(tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert health(data, "bomb.xlsx").rejected == (
        "bomb.xlsx: 'xl/worksheets/sheet1.xml' in the workbook would unpack from 40 KB to 40 MB: "
        "refused unread as a decompression bomb"
    )
    assert peak < 10 * 2**20  # the 40 MB were never inflated


def test_16_workbook_that_unpacks_over_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(source_limits, "MAX_UNCOMPRESSED_BYTES", 2**20)
    rows = [[f"C-{i}", f"P-{i}", "PPA", "10/01/2025", "Open", i, 0] for i in range(20_000)]
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, rows)
    rejected = health(read(tmp_path), "claims.xlsx").rejected
    assert rejected.startswith("claims.xlsx: the workbook would unpack to ")
    assert rejected.endswith(
        " MB, over the 1 MB limit: refused unread (too big for an export, or a decompression bomb)"
    )


# -- files the reader ignores ---------------------------------------------------------------------


def test_17_excel_lock_file_beside_the_real_file(tmp_path):
    good_claims(tmp_path)
    (tmp_path / "~$good claims.xlsx").write_bytes(b"\x0bSam Smith" + b"\x00" * 150)
    data = read(tmp_path)
    assert health(data, "~$good claims.xlsx").skipped == (
        "~$good claims.xlsx: an Excel lock file (the workbook is open in Excel): ignored"
    )
    assert_good_claims_read(data)


def test_18_hidden_file_and_other_extensions(tmp_path):
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "read me.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "notes").write_text("call carrier")
    data = read(tmp_path)
    assert [(f.path, f.skipped) for f in data.health.files] == [
        (".DS_Store", ".DS_Store: a hidden file: ignored"),
        (
            "notes",
            "notes: not an export the reader takes (no extension); exports are .xlsx, .xlsm, "
            ".xls, .csv files",
        ),
        (
            "read me.pdf",
            "read me.pdf: not an export the reader takes (.pdf); exports are .xlsx, "
            ".xlsm, .xls, .csv files",
        ),
    ]
    assert data.claims is None


def test_19_missing_exports_folder(tmp_path):
    data = read_exports(tmp_path / "nowhere")
    assert data.health.notes == [
        f"The exports folder {tmp_path / 'nowhere'} does not exist or is not a folder."
    ]
    assert data.health.files == [] and data.policies is None


# -- bad values inside a readable report ----------------------------------------------------------


def test_20_unparseable_amount(tmp_path):
    rows = claims_rows(30)
    rows[16][5] = "abc"  # 17th data row: sheet row 5 + 17 = 22 (one blank row after the 2nd)
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, rows)
    data = read(tmp_path)
    fh = health(data, "claims.xlsx")
    assert fh.problems == ['claims.xlsx!Sheet1!F23: "abc" is not an amount']
    assert (fh.rows_read, fh.rows_rejected, fh.rejected) == (30, 1, None)
    assert "C-16" not in set(data.claims["claim_number"]) and len(data.claims) == 29


def test_21_unparseable_date(tmp_path):
    rows = claims_rows(30)
    rows[3][3] = "31/31/2025"
    write_csv(tmp_path / "claims.csv", CLAIMS_HEADER, rows)
    fh = health(read(tmp_path), "claims.csv")
    assert fh.problems == ['claims.csv!D8: "31/31/2025" is not a date']
    assert fh.rows_rejected == 1


def test_22_unparseable_optional_percent_is_left_blank(tmp_path):
    header = ["Statement Date", "Policy #", "LOB", "Trans Type", "Eff Date", "Comm %", "Commission"]
    rows = [["10/15/2025", f"P{i}", "PPA", "Renewal", "09/01/2025", "12%", 10.0] for i in range(5)]
    rows[2][5] = "twelve"
    write_html_xls(tmp_path / "commissions.xls", header, rows)
    data = read(tmp_path)
    fh = health(data, "commissions.xls")
    assert fh.problems == [
        'commissions.xls!F6: "twelve" is not a percentage (Commission Rate left blank)'
    ]
    assert fh.rows_rejected == 0 and len(data.commissions) == 5
    assert data.commissions["commission_rate"].isna().tolist() == [False, False, True, False, False]


def test_23_blank_required_value_and_unknown_status(tmp_path):
    rows = [list(r) for r in BOOK_ROWS] + [
        [f"P-1{i}", "H9", "Name", "PPA", "Active", dt.datetime(2020, 1, 1), None, 100.0, "Sam"]
        for i in range(40)
    ]
    rows[1][1] = None  # no Customer ID
    rows[2][4] = "Suspended"
    write_xlsx(tmp_path / "book.xlsx", BOOK_HEADER, rows, blank_after=(), titles=())
    fh = health(read(tmp_path), "book.xlsx")
    assert fh.problems == [
        "book.xlsx!Sheet1!B3: Household ID is blank",
        'book.xlsx!Sheet1!E4: "Suspended" is not a known Status (known: In Force, Cancelled, '
        "Expired, Pending): 1 row left out (row 4); map it to one of them in the status mapping "
        "table on the Settings sheet",
    ]
    assert (fh.rows_read, fh.rows_rejected) == (44, 2)


def test_24_more_than_5_percent_bad_rows_rejects_the_file(tmp_path):
    good_claims(tmp_path)
    rows = claims_rows(20)
    rows[4][5] = "TBD"
    rows[9][3] = "someday"
    write_xlsx(tmp_path / "claims bad.xlsx", CLAIMS_HEADER, rows, blank_after=())
    data = read(tmp_path)
    fh = health(data, "claims bad.xlsx")
    assert fh.rejected == (
        "claims bad.xlsx: 2 of 20 data rows (10.0%) have a value that cannot be used, more than "
        'the 5% allowed, so the whole file is left out; first: claims bad.xlsx!Sheet1!F10: "TBD" '
        "is not an amount"
    )
    assert fh.problems == [
        'claims bad.xlsx!Sheet1!F10: "TBD" is not an amount',
        'claims bad.xlsx!Sheet1!D15: "someday" is not a date',
    ]
    assert (fh.rows_read, fh.rows_rejected) == (20, 20)
    assert set(data.claims["claim_number"]) == {"C-1001", "C-1002", "C-1003", "C-1004"}


def test_25_exactly_5_percent_bad_rows_is_still_read(tmp_path):
    rows = claims_rows(20)
    rows[0][5] = "???"
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, rows, blank_after=())
    data = read(tmp_path)
    assert health(data, "claims.xlsx").rejected is None and len(data.claims) == 19


def test_26_negative_premium(tmp_path):
    rows = [[f"P-{i:03d}", *BOOK_ROWS[i % 4][1:]] for i in range(24)]
    rows[5][7] = "($1,200.00)"
    write_xlsx(tmp_path / "book.xlsx", BOOK_HEADER, rows, blank_after=(), titles=())
    data = read(tmp_path)
    fh = health(data, "book.xlsx")
    assert fh.problems == ['book.xlsx!Sheet1!H7: "($1,200.00)" is a negative Annual Premium']
    assert fh.rows_rejected == 1 and len(data.policies) == 23
    assert (data.policies["annual_premium"] > 0).all()


def test_27_dates_after_the_as_of_date(tmp_path):
    rows = claims_rows(40)
    rows[7][3] = "03/15/2026"  # a loss cannot happen after the report
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, rows, blank_after=())
    book = [list(BOOK_ROWS[0]), list(BOOK_ROWS[1])]
    book[0][6] = dt.datetime(2026, 5, 1)  # an expiration date ahead is normal
    book[1][6] = dt.datetime(2052, 1, 15)  # ... but not 26 years ahead (optional: left blank)
    write_xlsx(tmp_path / "book.xlsx", BOOK_HEADER, book, titles=())
    data = read(tmp_path, as_of=AS_OF)
    assert health(data, "claims.xlsx").problems == [
        "claims.xlsx!Sheet1!D13: 2026-03-15 is after the as-of date 2025-10-31"
    ]
    assert len(data.claims) == 39
    assert health(data, "book.xlsx").problems == [
        "book.xlsx!Sheet1!G3: 2052-01-15 is more than two years after the as-of date 2025-10-31 "
        "(Expiration Date left blank)"
    ]
    assert data.policies["expiration_date"].tolist()[0] == dt.datetime(2026, 5, 1)
    assert data.policies["expiration_date"].isna().tolist() == [False, True]


def test_28_unknown_product_names_become_other(tmp_path):
    rows = claims_rows(6)
    rows[1][2] = "Jet Ski"
    rows[4][2] = "Pet Insurance"
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, rows)
    data = read(tmp_path)
    assert data.claims["product"].tolist() == ["Auto", "Other", "Auto", "Auto", "Other", "Auto"]
    assert health(data, "claims.xlsx").products_to_other == ["Jet Ski", "Pet Insurance"]


# -- several files --------------------------------------------------------------------------------


def test_29_conflicting_duplicates_across_files(tmp_path):
    book = [list(r) for r in BOOK_ROWS]
    write_xlsx(tmp_path / "2025-09 book.xlsx", BOOK_HEADER, book, titles=())
    changed = [list(r) for r in BOOK_ROWS]
    changed[0][7] = 1600.0  # re-rated at renewal
    changed[2][4] = "Active"
    write_xlsx(tmp_path / "2025-10 book.xlsx", BOOK_HEADER, changed, titles=())
    data = read(tmp_path)
    assert data.policies.set_index("policy_number").loc["P-001", "annual_premium"] == 1600.0
    assert len(data.policies) == 4
    # Issue 10.6: the book is a snapshot, so the later one decides alone (it used to be merged
    # with the older one key by key).
    assert data.health.info[0] == (
        "Book of business: 2 books in the folder; the latest, 2025-10 book.xlsx (report date "
        "2025-10-31), decides what is in force; not used: 2025-09 book.xlsx (2025-09-30)."
    )
    assert health(data, "2025-09 book.xlsx").set_aside.startswith(
        "2025-09 book.xlsx: an older book of business (report date 2025-09-30)"
    )


def test_30_same_report_twice_under_different_names(tmp_path):
    header = ["Statement Date", "Policy #", "LOB", "Trans Type", "Eff Date", "Commission"]
    rows = [["10/15/2025", f"P{i}", "PPA", "Renewal", "09/01/2025", 10.0 + i] for i in range(7)]
    write_csv(tmp_path / "Commission Statement.csv", header, rows)
    write_csv(tmp_path / "Commission Statement (1).csv", header, rows)
    data = read(tmp_path)
    assert len(data.commissions) == 7
    assert data.health.info == [
        "Commission statement: 7 transactions appear identically in more than one file and were "
        "counted once."
    ]
    assert data.health.notes == []  # issue 15.5: information, not a problem


def test_31_owner_column_alias_pol_ref(tmp_path):
    header = ["Pol Ref"] + BOOK_HEADER[1:]
    write_xlsx(tmp_path / "book.xlsx", header, BOOK_ROWS)
    assert read(tmp_path).policies is None
    data = read(tmp_path, mappings=Mappings(columns={("policies", "Pol Ref"): "Policy Number"}))
    assert data.policies["policy_number"].tolist() == ["P-001", "P-002", "P-003", "P-004"]
    assert health(data, "book.xlsx").problems == []


def test_32_csv_row_with_more_fields_than_the_header(tmp_path):
    rows = [list(r) for r in claims_rows(4)]
    rows[1] = rows[1] + ["stray", "fields"]
    write_csv(tmp_path / "claims.csv", CLAIMS_HEADER, rows)
    data = read(tmp_path)
    assert len(data.claims) == 4 and health(data, "claims.csv").problems == []


def test_33_html_page_without_a_table(tmp_path):
    (tmp_path / "claims.xls").write_text(
        "<html><body><h1>Session expired</h1><p>Please log in again.</p></body></html>"
    )
    assert health(read(tmp_path), "claims.xls").skipped == (
        "claims.xls: not a recognised export (no header row of a report among the first 30 rows "
        "of any sheet)"
    )


def test_34_one_bad_file_among_many_does_not_stop_the_others(tmp_path):
    good_claims(tmp_path)
    (tmp_path / "a.xlsx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "b.csv").write_bytes(b"")
    write_xlsx(tmp_path / "c book.xlsx", BOOK_HEADER, BOOK_ROWS)
    data = read(tmp_path)
    assert [f.path for f in data.health.files if f.rejected] == ["a.xlsx", "b.csv"]
    assert_good_claims_read(data)
    assert len(data.policies) == 4


def test_35_problems_are_listed_up_to_a_limit(tmp_path):
    rows = claims_rows(600)
    for i in range(25):
        rows[i * 20][5] = "oops"
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, rows, blank_after=(), titles=())
    fh = health(read(tmp_path), "claims.xlsx")
    assert fh.rejected is None and fh.rows_rejected == 25
    assert len(fh.problems) == 21
    assert fh.problems[0] == 'claims.xlsx!Sheet1!F2: "oops" is not an amount'
    assert fh.problems[-1] == "claims.xlsx: ... and 5 more problems"


def test_36_growth_month_after_the_as_of_month(tmp_path):
    header = [
        "Month",
        "Product",
        "Beginning PIF",
        "New Business",
        "Renewals Offered",
        "Renewals Retained",
    ]
    rows = [
        [f"{y}-{m:02d}", p, 100, 5, 10, 9]
        for y in (2024, 2025)
        for m in range(1, 13)
        for p in ("Auto", "Home")
    ]
    write_csv(tmp_path / "growth.csv", header, rows, titles=())
    data = read(tmp_path, as_of=dt.date(2025, 11, 15))
    fh = health(data, "growth.csv")
    assert fh.problems == [
        "growth.csv!A48: 2025-12-01 is after the as-of date 2025-11-15",
        "growth.csv!A49: 2025-12-01 is after the as-of date 2025-11-15",
    ]
    assert fh.rows_rejected == 2 and data.growth["month"].max() == dt.datetime(2025, 11, 1)


def test_37_modification_time_is_the_last_resort_for_the_report_date(tmp_path):
    write_xlsx(tmp_path / "claims.xlsx", CLAIMS_HEADER, CLAIMS_ROWS, titles=())
    stamp = dt.datetime(2025, 10, 31, 9, 0).timestamp()
    os.utime(tmp_path / "claims.xlsx", (stamp, stamp))
    data = read(tmp_path)
    fh = health(data, "claims.xlsx")
    assert (fh.report_date, fh.report_date_source) == (dt.date(2025, 10, 31), "modification time")
    assert data.as_of == dt.date(2025, 10, 31)
