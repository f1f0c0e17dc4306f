"""Issue 15.5: messages that say what to do. A rejected export sends the owner to Data Health
instead of asking him to add it; a missing book of business is the first problem; a rejected file's
message lists its own columns and the mapping to add; the mapping tables offer the names as
drop-down lists; notes that are no problem are listed apart; a date from a file's save time says so;
an exports folder that is missing or empty stops the Refresh button and leaves the dashboards."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest
from tiny_data import tiny_agency

from agency_xl.ams import FileHealth, Mappings, read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.sheet import COLUMN_MAP_HEADER, STATUS_MAP_HEADER, PRODUCT_MAP_HEADER, parse_settings
from agency_xl.dashboards import build_all
from agency_xl.excel.workbook import write_dashboard
from tests.fixtures_ams import write_csv, write_xlsx

BOOK = ["Pol Ref", "Customer ID", "Product", "Status", "Inception Date", "Premium"]
BOOK_ROWS = [["A1", "H1", "Auto", "Active", "01/01/2024", 500],
             ["A2", "H2", "Home", "Active", "01/01/2024", 300]]


def sheet(sheets, name):
    return next(s for s in sheets if s.name == name)


def status(sheets, name) -> str:
    return sheet(sheets, name).block("status").rows[0][0]


def with_rejected_referrals():
    data = tiny_agency()
    data.health.files.append(FileHealth("referrals.csv", "referrals", rejected="referrals.csv: Referral log "
                                        "report, but missing required column 'Status'"))
    return data


def test_a_rejected_export_sends_the_owner_to_data_health():
    sheets = build_all(with_rejected_referrals(), Assumptions(), "x")
    text = status(sheets, "Referrals")
    assert "The Referral log was rejected — see Data Health." in text
    assert "Add the Referral log" not in text
    found = {r[0]: r[1] for r in sheet(sheets, "Home").block("reports_found").rows}
    assert found["Referral log"] == "rejected: see Data Health"
    # An export that is simply absent still says to add it.
    plain = build_all(tiny_agency(), Assumptions(), "x")
    assert status(plain, "Referrals").startswith("Add the Referral log export")
    assert {r[0]: r[1] for r in sheet(plain, "Home").block("reports_found").rows}["Referral log"] == "no"


def test_a_sheet_missing_one_rejected_and_one_absent_export_says_both(tmp_path):
    data = tiny_agency()  # no commission statements, no sales, leads, referrals
    data.health.files.append(FileHealth("leads.xlsx", "leads", rejected="leads.xlsx: bad"))
    text = status(build_all(data, Assumptions(), "x"), "Leads")
    assert "The Lead log was rejected — see Data Health." in text


def test_the_reader_marks_a_really_rejected_referral_log(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", ["Policy Number"] + BOOK[1:], BOOK_ROWS, titles=("Run Date: 10/31/2025",))
    write_csv(tmp_path / "referrals.csv", ["Referral Date", "Referred Name", "Status", "Notes"],
              [["10/01/2025", "Bo", "Sold", ""]], titles=("Referral Log", "Run Date: 10/31/2025"))
    data = read_exports(tmp_path)
    assert data.referrals is None and data.rejected("referrals") and data.policies is not None
    assert "The Referral log was rejected — see Data Health." in status(build_all(data, Assumptions(), "x"),
                                                                         "Referrals")


def test_a_missing_book_is_the_first_problem():
    data = dataclasses.replace(tiny_agency(), policies=None)
    data.health.notes.append("Claims detail: something else")
    problems = data.problems()
    assert problems[0].startswith("No Book of business (All Purpose Audit) in the exports folder")
    assert "Claims detail: something else" in problems
    sheets = build_all(data, Assumptions(), "x")
    assert sheet(sheets, "Data Health").block("problems").rows[0][0] == problems[0]
    home = {r[0]: r[1] for r in sheet(sheets, "Home").block("last_refresh").rows}
    assert home["First problem (Data Health lists all)"] == problems[0]
    # With the book there, no such line.
    assert not any("Book of business" in p for p in tiny_agency().problems())


def test_a_rejected_book_is_the_first_problem_and_says_rejected(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", BOOK, BOOK_ROWS, titles=())
    data = read_exports(tmp_path)
    assert data.problems()[0].startswith("The Book of business (All Purpose Audit) was rejected")


def test_a_rejected_files_message_lists_its_columns_and_the_mapping_that_reads_it(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", BOOK, BOOK_ROWS, titles=())
    data = read_exports(tmp_path)
    message = next(f.rejected for f in data.health.files if f.path == "book.xlsx")
    assert "its columns are 'Pol Ref', 'Customer ID', 'Product', 'Status', 'Inception Date', 'Premium'" in message
    assert ("Report 'Book of business (All Purpose Audit)', your column 'Pol Ref', canonical column "
            "'Policy Number'") in message
    # Following the advice reads the file: the mapping typed on Settings as suggested.
    rows = [[None] * 6 + list(COLUMN_MAP_HEADER),
            [None] * 6 + ["Book of business (All Purpose Audit)", "Pol Ref", "Policy Number"]]
    owner = parse_settings(rows)
    assert owner.problems == []
    mapped = read_exports(tmp_path, mappings=owner.mappings)
    assert sorted(mapped.policies["policy_number"]) == ["A1", "A2"]


def test_the_mapping_tables_offer_the_names_as_drop_down_lists(tmp_path):
    out = write_dashboard(tmp_path / "agency_dashboard.xlsm", None, Assumptions(), "exports")
    ws = openpyxl.load_workbook(out)["Settings"]
    grid = [[c.value for c in row] for row in ws.iter_rows()]

    def lists_at(header):
        r, c = next((r, c) for r, row in enumerate(grid) for c in range(len(row) - len(header) + 1)
                    if [str(v or "") for v in row[c:c + len(header)]] == list(header))
        return r, c

    offered = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        src = dv.formula1.replace("$", "")
        first, last = src.split(":")
        col, r0, r1 = first.rstrip("0123456789"), int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), \
            int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        names = [ws[f"{col}{r}"].value for r in range(r0, r1 + 1)]
        for rng in dv.sqref.ranges:
            offered[(rng.min_row - 1, rng.min_col - 1)] = names
    r, c = lists_at(COLUMN_MAP_HEADER)
    reports, columns = offered[(r + 1, c)], offered[(r + 1, c + 2)]
    assert "Book of business (All Purpose Audit)" in reports and "Policy Number" in columns
    assert (r + 1, c + 1) not in offered  # the owner's own name is free text
    pr, pc = lists_at(PRODUCT_MAP_HEADER)
    products = offered[(pr + 1, pc + 1)]
    sr, sc = lists_at(STATUS_MAP_HEADER)
    statuses = offered[(sr + 1, sc + 2)]
    assert offered[(sr + 1, sc)] == reports
    # Every name a list offers is one the Settings reader takes: no pick is refused.
    rows = [[None] * 6 + list(COLUMN_MAP_HEADER)] + [[None] * 6 + ["", f"x{i}", name] for i, name in
                                                     enumerate(columns)]
    rows += [[None] * 6 + [rep, "Pol Ref", "Policy Number" if "Book" in rep else None] for rep in reports[:1]]
    rows += [[None] * 10 + list(PRODUCT_MAP_HEADER)] + [[None] * 10 + [f"p{i}", p] for i, p in enumerate(products)]
    rows += [[None] * 13 + list(STATUS_MAP_HEADER)] + [[None] * 13 + ["", f"s{i}", s] for i, s in enumerate(statuses)]
    owner = parse_settings(rows)
    assert owner.problems == []
    assert len(owner.mappings.columns) == len(columns) + 1 and len(owner.mappings.products) == len(products)
    assert len(owner.mappings.statuses) == len(statuses)


def test_notes_that_are_no_problem_are_listed_apart():
    data = tiny_agency()
    data.health.info.append("Claims detail: 3 claim numbers appear identically in more than one file and were "
                            "counted once.")
    data.health.notes.append("Claims detail: 1 claim number appears in more than one file with different values")
    dh = sheet(build_all(data, Assumptions(), "x"), "Data Health")
    problems = [r[0] for r in dh.block("problems").rows]
    info = [r[0] for r in dh.block("information").rows]
    assert info == [data.health.info[0]]
    assert data.health.notes[0] in problems and not any("identically" in p for p in problems)


def test_a_date_from_the_files_save_time_says_so(tmp_path):
    write_xlsx(tmp_path / "2025-10-31 book.xlsx", ["Policy Number"] + BOOK[1:], BOOK_ROWS, titles=())
    undated = write_csv(tmp_path / "claims.csv", ["Claim #", "Policy #", "LOB", "Date of Loss", "Paid Loss"],
                        [["C1", "A1", "PPA", "03/04/2025", 100]], titles=("Claims Detail Report",))
    saved = 1_761_000_000  # 2025-10-20 UTC
    os.utime(undated, (saved, saved))
    data = read_exports(tmp_path)
    claims = next(f for f in data.health.files if f.path == "claims.csv")
    day = claims.report_date
    assert [i for i in data.health.info if i.startswith("claims.csv")] == [
        f"claims.csv: report date {day:%Y-%m-%d} taken from the file's save time (no date in its title rows or "
        "file name); copying or re-saving the file changes it. Put the date in the file name (e.g. "
        f"{day:%Y-%m-%d} claims.csv) to fix it."]
    assert not any(i.startswith("2025-10-31 book.xlsx") for i in data.health.info)  # dated by its name
    files = sheet(build_all(data, Assumptions(), "x"), "Data Health").block("files")
    row = next(r for r in files.rows if r[0] == "claims.csv")
    assert row[files.columns.index("Date from")] == "file's save time"


# -- the Refresh button with an exports folder that is missing or empty ------------------------------


@pytest.fixture()
def owner_book(tmp_path):
    """The sample's refreshed workbook as the owner has it open in Excel (stand-in), Settings
    pointing at an exports folder."""
    from live_standin import book_from_file

    from agency_xl.excel.workbook import refresh_dashboard
    out, _ = refresh_dashboard(tmp_path / "agency_dashboard.xlsm", tiny_agency(), Assumptions(), "exports",
                               dt.datetime(2025, 11, 1))
    return book_from_file(out), tmp_path


def _point_settings_at(book, folder: str) -> None:
    settings = book.sheets["Settings"]
    pos = next(k for k, v in settings.cells.items() if v == "exports")
    settings.cells[pos] = folder


@pytest.mark.parametrize("case", ["missing", "empty"])
def test_a_missing_or_empty_exports_folder_stops_the_refresh_and_leaves_the_dashboards(owner_book, case):
    from agency_xl.excel import live

    book, tmp_path = owner_book
    if case == "empty":
        (tmp_path / "exports").mkdir()
    before = {s.name: dict(s.cells) for s in book.sheets}
    done = live.refresh_book(book)
    expected = "does not exist" if case == "missing" else "no report could be read"
    assert expected in done.error and str(tmp_path / "exports") in done.error
    assert book.assignments == []
    assert {s.name: dict(s.cells) for s in book.sheets} == before
    assert [a["prompt"] for a in book.app.alerts] == [done.message()]
    assert done.message().startswith("The dashboards were not refreshed.")
    assert book.app.alerts[0]["mode"] == "critical"


def test_a_setting_this_version_does_not_know_is_named_not_dropped(tmp_path):
    """A workbook built by an earlier version may hold a setting under a name since renamed: its
    value is not used, and Data Health says which cell and why, instead of nothing."""
    out = write_dashboard(tmp_path / "agency_dashboard.xlsm", None, Assumptions(), "exports")
    grid = [[c.value for c in row] for row in openpyxl.load_workbook(out)["Settings"].iter_rows()]
    assert parse_settings(grid).problems == []  # every key the workbook itself writes is known
    old = [["cash_flow.monthly_expenses", "Monthly expenses", 55_000],
           ["cash_flow.monthly_overheads", "Monthly overheads (an old name)", 48_000],
           ["cash_flow.blank_old_name", "An old name left blank", None],
           ["Monthly expenses", "a label, not a key", 1]]
    owner = parse_settings(old)
    assert owner.assumptions.cash_flow.monthly_expenses == 55_000
    assert len(owner.problems) == 1
    assert owner.problems[0].startswith("Settings!A2: setting cash_flow.monthly_overheads is not one this "
                                        "version of agency_xl knows")
    assert "48000" in owner.problems[0]
