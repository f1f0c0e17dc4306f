"""Cell parsing, header matching and product mapping, one function at a time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agency_xl.ams.data import Mappings
from agency_xl.ams.header import (
    AliasTable,
    alias_tables,
    find_header,
    normalise_label,
    report_date_from_titles,
)
from agency_xl.ams.parse import (
    date_from_text,
    parse_date,
    parse_id,
    parse_money,
    parse_month,
    parse_percent,
    parse_status,
    parse_yesno,
)
from agency_xl.ams.products import map_products, product_lookup
from agency_xl.ams.dates import date_from_file_name
from agency_xl.ams.reports import REPORTS
from agency_xl.ams.sources.grid import column_letter


def text(*values):
    return pd.Series(list(values), dtype="str")


def test_money_text_forms():
    p = parse_money(
        text(
            "$1,234.56",
            "(1,234.56)",
            "-$12.00",
            "1,234.56-",
            "—",
            "",
            None,
            " 7 ",
            "abc",
            "1,2,3",
            "(5",
            "12.5.1",
            "$ 1,000",
        )
    )
    expected = [
        1234.56,
        -1234.56,
        -12.0,
        -1234.56,
        np.nan,
        np.nan,
        np.nan,
        7.0,
        np.nan,
        np.nan,
        np.nan,
        np.nan,
        1000.0,
    ]
    np.testing.assert_allclose(p.values.to_numpy(), expected)
    assert p.bad.tolist() == [False] * 8 + [True] * 4 + [False]


def test_money_numbers_pass_through():
    p = parse_money(pd.Series([1.5, np.nan, -3.0, np.inf]))
    np.testing.assert_allclose(p.values.to_numpy(), [1.5, np.nan, -3.0, np.nan])
    assert p.bad.tolist() == [False, False, False, True]


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_money_round_trips_the_accounting_format(amount):
    value = float(amount)
    formatted = f"(${abs(value):,.2f})" if value < 0 else f"${value:,.2f}"
    assert parse_money(text(formatted)).values.iloc[0] == pytest.approx(value)


def test_percent_forms():
    p = parse_percent(text("89.64%", "0.8964", "", "(5%)", "x%"))
    np.testing.assert_allclose(p.values.to_numpy(), [0.8964, 0.8964, np.nan, -0.05, np.nan])
    assert p.bad.tolist() == [False, False, False, False, True]
    # A column of percentage points (89.64 meaning 89.64%).
    np.testing.assert_allclose(parse_percent(pd.Series([89.64, 95.0])).values, [0.8964, 0.95])
    np.testing.assert_allclose(parse_percent(pd.Series([0.9, 1.0])).values, [0.9, 1.0])


def test_dates_in_every_accepted_form():
    p = parse_date(
        text(
            "2025-10-15",
            "10/15/2025",
            "10/15/25",
            "45945",
            "Oct 15, 2025",
            "15-Oct-2025",
            "2025-10-15 00:00:00",
            "10/15/2025 1:45 PM",
            "12/31/9999",
            "",
            "abc",
            "13/45/2025",
            "1750-01-01",
        )
    )
    oct15 = pd.Timestamp("2025-10-15")
    assert p.values.tolist()[:8] == [oct15] * 8
    assert p.values.iloc[8:].isna().all()
    assert p.bad.tolist() == [False] * 10 + [True] * 3
    assert str(p.values.dtype) == "datetime64[ns]"


def test_dates_from_excel_values():
    stamps = pd.Series(pd.to_datetime(["2025-01-02 13:30", "2025-03-04 00:00"])).astype(
        "datetime64[ms]"
    )
    assert parse_date(stamps).values.tolist() == [
        pd.Timestamp("2025-01-02"),
        pd.Timestamp("2025-03-04"),
    ]
    serials = parse_date(pd.Series([45945.0, 45945.75, 10_000_000.0]))
    assert serials.values.tolist()[:2] == [pd.Timestamp("2025-10-15")] * 2
    assert serials.bad.tolist() == [False, False, True]


def test_months():
    p = parse_month(
        text(
            "Oct 2025",
            "October 2025",
            "2025-10",
            "10/2025",
            "2025-10-15",
            "45945",
            "Oct-25",
            "nope",
        )
    )
    assert p.values.tolist()[:7] == [pd.Timestamp("2025-10-01")] * 7
    assert p.bad.tolist() == [False] * 7 + [True]


def test_ids_keep_zeros_and_drop_excel_decimals():
    assert parse_id(text("00123", " 123456.0 ", "A-1.0", "", None)).values.tolist()[:3] == [
        "00123",
        "123456",
        "A-1.0",
    ]
    assert parse_id(pd.Series([123456.0, 1.5, np.nan])).values.tolist()[:2] == ["123456", "1.5"]


def test_yes_no_and_statuses():
    yn = parse_yesno(text("Y", "n", "Yes", "FALSE", "maybe", None))
    assert yn.values.tolist()[:4] == [True, False, True, False]
    assert yn.bad.tolist() == [False, False, False, False, True, False]
    status = parse_status(
        text("active", "In  Force", "CANCELED", "lapsed", "Suspended"),
        REPORTS["policies"].status_values,
    )
    assert status.values.tolist()[:4] == ["In Force", "In Force", "Cancelled", "Expired"]
    assert status.bad.tolist() == [False] * 4 + [True]


def test_date_from_text_and_file_names():
    assert date_from_text("Run Date: 10/31/2025 8:02 AM") == dt.date(2025, 10, 31)
    assert date_from_text("As of October 31, 2025") == dt.date(2025, 10, 31)
    assert date_from_text("31-Oct-2025") == dt.date(2025, 10, 31)
    assert date_from_text("Agency 12345") is None
    assert date_from_file_name("2025-10_Claims_Detail_Report.xlsx") == dt.date(2025, 10, 31)
    assert date_from_file_name("book 2024-02.xlsx") == dt.date(2024, 2, 29)
    assert date_from_file_name("claims_2025_09_15.csv") == dt.date(2025, 9, 15)
    assert date_from_file_name("claims oct.xlsx") is None
    assert date_from_file_name("export 12025-10.csv") is None


@pytest.mark.parametrize(
    "label, expected",
    [
        ("Policy #", "policy #"),
        ("POLICY NO.", "policy #"),
        ("Policy\nNumber:", "policy #"),
        ("  Pol   Num ", "pol #"),
        ("Policy#", "policy #"),
        ("Claim No", "claim #"),
        ("Retention %", "retention %"),
        ("Lead_ID", "lead id"),
    ],
)
def test_label_normalisation(label, expected):
    assert normalise_label(label) == expected


def _rows(*rows):
    return [(i, list(r)) for i, r in enumerate(rows, 1)]


def test_find_header_prefers_the_report_with_more_columns():
    tables = alias_tables()
    book = ["Policy #", "Client ID", "LOB", "Status", "Issue Date", "Premium"]
    match, _ = find_header(_rows(["Agency"], book), tables)
    assert (match.report.key, match.row) == ("policies", 2)
    sales = ["Policy #", "Client ID", "LOB", "Issue Date", "Premium"]
    assert find_header(_rows(sales), tables)[0].report.key == "sales"


def test_find_header_reports_the_closest_miss():
    header = ["Claim #", "Policy #", "LOB", "Date of Loss", "Reserve"]
    match, closest = find_header(_rows(["Report Date:", "10/31/2025"], header), alias_tables())
    assert match is None
    assert (closest.report.key, closest.row) == ("claims", 2)
    assert closest.missing_message("Sheet1") == (
        "missing required column 'Paid Loss' (accepted: Paid Loss, Loss Paid, Paid Amount, "
        "Indemnity Paid) in sheet 'Sheet1', header row 2"
    )


def test_canonical_name_beats_an_alias_of_the_same_column():
    header = ["Policy #", "Client ID", "LOB", "Status", "Issue Date", "Premium", "Annual Premium"]
    match, _ = find_header(_rows(header), alias_tables())
    assert match.columns["annual_premium"] == 6
    assert match.ignored == ["Premium"]


def test_owner_aliases_for_one_report_or_all():
    m = Mappings(columns={("claims", "Loss $"): "Paid Loss", ("", "Pol Ref"): "policy_number"})
    claims = AliasTable.build(REPORTS["claims"], m)
    assert claims.labels[normalise_label("loss $")] == ("paid_loss", 0)
    assert claims.labels[normalise_label("POL REF")] == ("policy_number", 0)
    assert "Loss $" in claims.accepted["paid_loss"]
    book = AliasTable.build(REPORTS["policies"], m)
    assert normalise_label("Loss $") not in book.labels
    assert book.labels[normalise_label("Pol Ref")] == ("policy_number", 0)


def test_report_date_lines():
    assert report_date_from_titles(_rows(["Run Date: 10/31/2025"])) == dt.date(2025, 10, 31)
    assert report_date_from_titles(_rows(["Report Date:", 45961.0])) == dt.date(2025, 10, 31)
    assert report_date_from_titles(_rows(["As of", "2025-10-31 00:00:00"])) == dt.date(2025, 10, 31)
    assert report_date_from_titles(_rows(["Claims Detail"], ["Agency 0042"])) is None


def test_products():
    lookup = product_lookup(Mappings(products={"Boat Owners": "specialty", "Widget": "Nope"}))
    values, unknown = map_products(
        text(
            "PPA",
            "ho-3",
            "Condominium",
            "HO-4",
            "Landlord Package",
            "PUP",
            "Whole Life",
            "RV",
            "BOP",
            " boat  owners ",
            "Widget",
            "Jet Ski",
            None,
            "jet ski",
        ),
        lookup,
    )
    assert values.tolist()[:13] == [
        "Auto",
        "Home",
        "Condo",
        "Renters",
        "Landlord",
        "Umbrella",
        "Life",
        "Specialty",
        "Commercial",
        "Specialty",
        "Other",
        "Other",
        np.nan,
    ]
    assert unknown == ["Jet Ski", "Widget", "jet ski"]


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
