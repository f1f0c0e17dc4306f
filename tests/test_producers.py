"""Issue 15.3, by producer: every figure of the Producers sheet on a small agency written by hand in
this test (three producers and blank producers, not the sample generator), each computed again here
with plain pandas from the rows written, following docs/models/producers.md; the table's totals are
the book's on the sample; the figures do not move when the Producer column has another accepted
name, the rows come in another order or the sales come in two files; without a Producer column the
columns say "not in your exports"; the pay check on a hand-made case; the sheet laid out from it."""

from __future__ import annotations

import csv
import datetime as dt
import random
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.assumptions.sheet import PAY_HEADER, parse_settings
from agency_xl.dashboards import producers as sheet_module
from agency_xl.dashboards import settings_sheet
from agency_xl.figures import compute_figures
from agency_xl.figures import producers as fp
from agency_xl.metrics import base_facts

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
AS_OF = dt.date(2025, 10, 31)
WINDOW = (pd.Timestamp("2024-11-01"), pd.Timestamp("2025-10-31"))  # 12 complete months to Oct 2025
OPENS, CLOSES = pd.Timestamp("2024-10-31"), pd.Timestamp("2025-10-31")  # retention: households on these days
PRODUCERS = ["Ann Lee", "Bob Ray", "Cy Fox", ""]
PRODUCTS = ["Auto", "Home", "Umbrella", "Renters"]
SOLD_ONLY = "S9001"  # a policy the sales name but the book does not hold (commission credited by the sales)


def _agency(seed: int = 7) -> dict[str, pd.DataFrame]:
    """The exports as rows (canonical column names): a book of 40 households with 1-3 policies each,
    sales of the policies written since June 2024 (one more not in the book), 40 leads and the
    commission statements, each with a Producer column that is sometimes blank."""
    rng = random.Random(seed)
    book = []
    n = 0
    for h in range(1, 41):
        for _ in range(rng.choice([1, 1, 2, 3])):
            n += 1
            start = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 1390))
            status = rng.choices(["In Force", "Cancelled", "Expired"], [6, 2, 2])[0]
            end = start + dt.timedelta(days=rng.randrange(20, 700))
            end = min(end, AS_OF - dt.timedelta(days=1))
            if status != "In Force" and end <= start:
                status = "In Force"
            book.append({"Policy Number": f"P{n:04d}", "Household ID": f"H{h:03d}",
                         "Product": rng.choice(PRODUCTS), "Status": status,
                         "Original Effective Date": start,
                         "Expiration Date": end if status == "Expired" else start + dt.timedelta(days=365 * 4),
                         "Cancel Date": end if status == "Cancelled" else None,
                         "Annual Premium": round(rng.uniform(300, 3000), 2),
                         "Producer": rng.choices(PRODUCERS, [4, 3, 2, 1])[0]})
    book = pd.DataFrame(book)
    since = book[book["Original Effective Date"] >= dt.date(2024, 6, 1)]
    sales = pd.DataFrame({"Policy Number": since["Policy Number"], "Household ID": since["Household ID"],
                          "Product": since["Product"], "Issue Date": since["Original Effective Date"],
                          "Premium": since["Annual Premium"],
                          # the sale's producer is mostly the book's, not always
                          "Producer": [p if rng.random() < 0.8 else rng.choice(PRODUCERS) for p in since["Producer"]]})
    sales = pd.concat([sales, pd.DataFrame([{"Policy Number": SOLD_ONLY, "Household ID": "H900", "Product": "Auto",
                                             "Issue Date": dt.date(2025, 3, 3), "Premium": 1500.0,
                                             "Producer": "Bob Ray"}])], ignore_index=True)
    statuses = ["New", "Contacted", "Quoted", "Sold", "Lost", "Bad Lead"]
    leads = pd.DataFrame([{"Lead ID": f"L{i:04d}", "Lead Date": dt.date(2024, 6, 1) + dt.timedelta(days=rng.randrange(0, 515)),
                           "Vendor": rng.choice(["Alpha", "Bravo"]), "Cost": 25.0,
                           "Status": rng.choice(statuses),
                           # one spelling in another case: the same producer
                           "Producer": rng.choices(["Ann Lee", "ann lee", "Bob Ray", "Cy Fox", ""], [3, 1, 3, 2, 1])[0]}
                          for i in range(1, 41)])
    policies = list(book["Policy Number"]) + [SOLD_ONLY, "X0404"]  # X0404: in neither book nor sales
    comm = []
    for i, policy in enumerate(policies):
        for k in range(rng.choice([1, 2, 3])):
            day = dt.date(2024, 8, 15) + dt.timedelta(days=rng.randrange(0, 440))
            kind = rng.choices(["New Business", "Renewal", "Chargeback"], [3, 3, 1])[0]
            amount = round(rng.uniform(20, 250), 2) * (-1 if kind == "Chargeback" else 1)
            comm.append({"Statement Date": day, "Policy Number": policy, "Product": "Auto",
                         "Transaction Type": kind, "Transaction Effective Date": day - dt.timedelta(days=20 + k),
                         "Commission Amount": amount})
    return {"book": book, "sales": sales, "leads": leads, "commissions": pd.DataFrame(comm)}


def _write(folder: Path, tables: dict[str, pd.DataFrame], names: dict[str, str] | None = None) -> Path:
    """One CSV per table, dated in its file name (the report date), the columns renamed by ``names``
    ({table: new name of "Producer"}; "" drops the column)."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, table in tables.items():
        t = table.copy()
        new = (names or {}).get(key.split("#")[0])
        if new == "":
            t = t.drop(columns="Producer")
        elif new:
            t = t.rename(columns={"Producer": new})
        with (folder / f"{key.replace('#', '_part')}_{AS_OF:%Y-%m-%d}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(t.columns)
            for row in t.itertuples(index=False):
                w.writerow(["" if v is None or (isinstance(v, float) and np.isnan(v)) else
                            (v.isoformat() if isinstance(v, dt.date) else v) for v in row])
    return folder


@pytest.fixture(scope="module")
def agency() -> dict[str, pd.DataFrame]:
    return _agency()


@pytest.fixture(scope="module")
def figures(agency, tmp_path_factory) -> fp.ProducersFigures:
    data = read_exports(_write(tmp_path_factory.mktemp("agency"), agency))
    return compute_figures(data, Assumptions()).producers


# --- the figures, computed again from the rows written -----------------------------------------

def who(name: object) -> str:
    """A producer as the table shows him: case and spaces do not matter, blank is "(no producer)"."""
    text = " ".join(str(name or "").split())
    return {"ann lee": "Ann Lee"}.get(text.lower(), text) or fp.NO_PRODUCER


def in_window(dates: pd.Series) -> pd.Series:
    d = pd.to_datetime(dates)
    return (d >= WINDOW[0]) & (d <= WINDOW[1])


def on_books(book: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Started on or before ``day`` and not left by then: a cancelled policy leaves at its cancel
    date, an expired one at its expiration date, one in force has not left."""
    start = pd.to_datetime(book["Original Effective Date"])
    end = pd.Series(pd.Timestamp.max, index=book.index)
    end[book["Status"] == "Cancelled"] = pd.to_datetime(book["Cancel Date"])
    end[book["Status"] == "Expired"] = pd.to_datetime(book["Expiration Date"])
    return (start <= day) & (end > day)


def expected(agency: dict[str, pd.DataFrame]) -> pd.DataFrame:
    book, sales, leads, comm = (agency[k] for k in ("book", "sales", "leads", "commissions"))
    rows: dict[str, dict[str, float]] = {}

    def add(producer: str, column: str, value: float) -> None:
        rows.setdefault(producer, {}).setdefault(column, 0.0)
        rows[producer][column] += value

    sold = sales[in_window(sales["Issue Date"])]
    for producer, premium in zip(sold["Producer"], sold["Premium"]):
        add(who(producer), "new_items", 1)
        add(who(producer), "premium_written", premium)
    inf = book[book["Status"] == "In Force"]
    for producer, premium in zip(inf["Producer"], inf["Annual Premium"]):
        add(who(producer), "policies_in_force", 1)
        add(who(producer), "premium_in_force", premium)
    for household, policies in book.groupby("Household ID"):
        first = policies.sort_values(["Original Effective Date", "Policy Number"]).iloc[0]
        owner = who(first["Producer"])
        live = policies[policies["Status"] == "In Force"]
        if len(live):
            add(owner, "households", 1)
            add(owner, "households_2plus", float(live["Product"].nunique() >= 2))
        if on_books(policies, OPENS).any():
            add(owner, "retention_households", 1)
            add(owner, "retained", float(on_books(policies, CLOSES).any()))
    dated = leads[in_window(leads["Lead Date"])]
    for producer, status in zip(dated["Producer"], dated["Status"]):
        add(who(producer), "leads", 1)
        add(who(producer), "leads_sold", float(status == "Sold"))
        add(who(producer), "leads_decided", float(status in ("Sold", "Lost", "Bad Lead")))
    policy_producer = {p: who(x) for p, x in zip(sales["Policy Number"], sales["Producer"]) if who(x) != fp.NO_PRODUCER}
    policy_producer.update({p: who(x) for p, x in zip(book["Policy Number"], book["Producer"])
                            if who(x) != fp.NO_PRODUCER})  # the book's producer wins
    paid = comm[in_window(comm["Statement Date"])]
    for policy, amount in zip(paid["Policy Number"], paid["Commission Amount"]):
        add(policy_producer.get(policy, fp.NO_PRODUCER), "commissions", amount)
    out = pd.DataFrame.from_dict(rows, orient="index").fillna(0.0)
    out["retention"] = out["retained"] / out["retention_households"].replace(0, np.nan)
    out["cross_sell_rate"] = out["households_2plus"] / out["households"].replace(0, np.nan)
    out["lead_conversion"] = out["leads_sold"] / out["leads_decided"].replace(0, np.nan)
    return out


CHECKED = ["new_items", "premium_written", "policies_in_force", "premium_in_force", "households", "retention",
           "cross_sell_rate", "leads", "leads_sold", "lead_conversion", "commissions"]


def test_every_figure_by_producer_computed_by_hand(agency, figures):
    want = expected(agency)
    got = figures.table.set_index("producer")
    assert set(got.index) == {"Ann Lee", "Bob Ray", "Cy Fox", fp.NO_PRODUCER} == set(want.index)
    for producer in want.index:
        for column in CHECKED:
            assert got.loc[producer, column] == pytest.approx(want.loc[producer, column], nan_ok=True), \
                (producer, column)
    assert not figures.unavailable
    # the hand-made agency exercises what it should: blank producers, lapsed households, decided leads
    assert want.loc[fp.NO_PRODUCER, "policies_in_force"] > 0
    assert 0 < want["retained"].sum() < want["retention_households"].sum()
    assert want["leads_decided"].sum() > 0


def test_totals_are_the_whole_agency_and_the_rows_add_up(agency, figures):
    book, sales, comm, leads = agency["book"], agency["sales"], agency["commissions"], agency["leads"]
    inf = book[book["Status"] == "In Force"]
    total = figures.total
    assert total["policies_in_force"] == len(inf)
    assert total["premium_in_force"] == pytest.approx(inf["Annual Premium"].sum())
    assert total["new_items"] == in_window(sales["Issue Date"]).sum()
    assert total["premium_written"] == pytest.approx(sales.loc[in_window(sales["Issue Date"]), "Premium"].sum())
    assert total["commissions"] == pytest.approx(comm.loc[in_window(comm["Statement Date"]), "Commission Amount"].sum())
    assert total["leads"] == in_window(leads["Lead Date"]).sum()
    for column in ("new_items", "premium_written", "policies_in_force", "premium_in_force", "households", "leads",
                   "leads_sold", "commissions", "retention_households", "retained"):
        assert figures.table[column].sum() == pytest.approx(total[column]), column
    want = expected(agency)
    assert total["retention"] == pytest.approx(want["retained"].sum() / want["retention_households"].sum())


def test_the_table_reconciles_with_the_books_totals_on_the_sample():
    data = read_exports(SAMPLE)
    fig = compute_figures(data, Assumptions()).producers
    facts = base_facts(data)
    t = fig.table
    assert t["premium_in_force"].sum() == pytest.approx(facts["premium_in_force"]) == pytest.approx(
        fig.total["premium_in_force"])
    assert t["policies_in_force"].sum() == facts["policies_in_force"] == fig.total["policies_in_force"]
    sold = data.sales[in_window(data.sales["issue_date"])]
    assert t["new_items"].sum() == len(sold) == fig.total["new_items"]
    assert t["premium_written"].sum() == pytest.approx(sold["premium"].sum())
    assert t["households"].sum() == facts["households"]
    statements = data.commissions[in_window(data.commissions["statement_date"])]
    assert t["commissions"].sum() == pytest.approx(statements["commission_amount"].sum())
    # the sample's three producers, and its lead log without a Producer column
    assert {"Dana Whitfield", "Marcus Bell", "Priya Shah"} <= set(t["producer"])
    assert fig.unavailable == {"leads": fp.NOT_IN_EXPORTS}
    sheet = sheet_module.build(fig)
    total_row = dict(zip(fp.COLUMNS, sheet.block("total").rows[0]))
    assert total_row["premium_in_force"] == pytest.approx(facts["premium_in_force"])
    assert total_row["policies_in_force"] == facts["policies_in_force"]
    assert total_row["new_items"] == len(sold)


# --- metamorphic: the same agency, other exports ---------------------------------------------------

def _kpis(folder: Path, settings: Assumptions | None = None) -> dict:
    return compute_figures(read_exports(folder), settings or Assumptions()).producers.kpis()


def test_an_alias_of_producer_reorderd_rows_and_split_sales_move_nothing(agency, figures, tmp_path):
    base = figures.kpis()
    renamed = _write(tmp_path / "alias", agency, {"book": "Agent Name", "sales": "Agent", "leads": "Assigned To"})
    assert _kpis(renamed) == base
    shuffled = {k: t.sample(frac=1.0, random_state=3).reset_index(drop=True) for k, t in agency.items()}
    assert _kpis(_write(tmp_path / "shuffled", shuffled)) == base
    half = len(agency["sales"]) // 2
    split = {**{k: t for k, t in agency.items() if k != "sales"},
             "sales#1": agency["sales"].iloc[:half], "sales#2": agency["sales"].iloc[half:]}
    assert _kpis(_write(tmp_path / "split", split)) == base


def test_without_a_producer_column_the_columns_say_so(agency, figures, tmp_path):
    base = figures.kpis()
    no_leads = _kpis(_write(tmp_path / "leads", agency, {"leads": ""}))
    for producer, row in no_leads["by_producer"].items():
        for column in ("leads", "leads_sold", "lead_conversion"):
            assert row[column] == fp.NOT_IN_EXPORTS
        if producer in base["by_producer"]:
            for column in ("new_items", "premium_in_force", "retention", "commissions"):
                assert row[column] == base["by_producer"][producer][column]
    assert no_leads["total"] == base["total"]  # the book's totals stay

    folder = _write(tmp_path / "none", agency, {"book": "", "sales": "", "leads": ""})
    fig = compute_figures(read_exports(folder), Assumptions()).producers
    assert fig.unavailable == {g: fp.NOT_IN_EXPORTS for g in fp.GROUPS}
    assert fig.kpis()["total"] == base["total"]
    sheet = sheet_module.build(fig)  # never a crash
    assert all(r[c] == fp.NOT_IN_EXPORTS for r in sheet.block("table").rows for c in (1, 3, 8, 11))
    notes = " ".join(r[0] for r in sheet.block("notes").rows)
    assert "the Book of business has no Producer column" in notes


def test_a_missing_report_says_which_export_to_add(agency, tmp_path):
    folder = _write(tmp_path / "book only", {"book": agency["book"]})
    fig = compute_figures(read_exports(folder), Assumptions()).producers
    assert fig.unavailable["commissions"].startswith("add the Commission")
    assert fig.unavailable["leads"].startswith("add the Lead")
    assert "sales" not in fig.unavailable  # sales come from the book's original effective dates
    assert fig.sales_from == "book of business"


# --- the pay check -----------------------------------------------------------------------------

def test_pay_check_against_commissions(figures, agency, tmp_path):
    want = expected(agency)["commissions"]
    pay = {"ann lee": round(want["Ann Lee"] / 2, 2), "Bob  Ray": round(want["Bob Ray"] + 1000, 2)}
    folder = _write(tmp_path / "pay", agency)
    fig = compute_figures(read_exports(folder), with_values({"producers.pay": pay})).producers
    t = fig.table.set_index("producer")
    assert t.loc["Ann Lee", "pay"] == pay["ann lee"]
    assert t.loc["Ann Lee", "commission_to_pay"] == pytest.approx(2.0, abs=1e-3)
    assert t.loc["Ann Lee", "pay_check"] == fp.COVERS_PAY
    assert t.loc["Bob Ray", "pay_check"] == f"{fp.BELOW_PAY} by $1,000"
    assert t.loc["Cy Fox", "pay_check"] == fp.ENTER_PAY and np.isnan(t.loc["Cy Fox", "pay"])
    assert pd.isna(t.loc[fp.NO_PRODUCER, "pay_check"])
    assert fig.total["pay"] == pytest.approx(pay["ann lee"] + pay["Bob  Ray"])


def test_a_producer_with_pay_and_no_business_is_listed(figures, agency, tmp_path):
    fig = compute_figures(read_exports(_write(tmp_path / "new hire", agency)),
                          with_values({"producers.pay": {"Dee New": 40000}})).producers
    row = fig.table.set_index("producer").loc["Dee New"]
    assert row["new_items"] == 0 and row["commissions"] == 0
    assert row["pay_check"] == f"{fp.BELOW_PAY} by $40,000"


def test_producer_pay_is_read_from_the_settings_table():
    sheet = settings_sheet.build(with_values({"producers.pay": {"Ann Lee": 52000.0}}), "exports")
    grid: dict[tuple[int, int], object] = {}
    from agency_xl.dashboards.spec import cell_to_rc

    for item in [*sheet.labels, *sheet.inputs]:
        value = getattr(item, "text", None) if hasattr(item, "text") else item.value
        grid[cell_to_rc(item.cell)] = value
    rows = max(r for r, _ in grid) + 1
    cols = max(c for _, c in grid) + 1
    cells = [[grid.get((r, c)) for c in range(cols)] for r in range(rows)]
    r0 = next(r for r in range(rows) for c in range(cols - 1) if tuple(cells[r][c:c + 2]) == PAY_HEADER)
    c0 = next(c for c in range(cols - 1) if tuple(cells[r0][c:c + 2]) == PAY_HEADER)
    assert parse_settings(cells).assumptions.producers.pay == {"Ann Lee": 52000.0}  # written, read back
    cells[r0 + 2][c0:c0 + 2] = ["Bob Ray", "$48,500"]
    cells[r0 + 3][c0:c0 + 2] = ["Cy Fox", "a lot"]
    owner = parse_settings(cells)
    assert owner.assumptions.producers.pay == {"Ann Lee": 52000.0, "Bob Ray": 48500.0}
    assert any("Cy Fox" in p and "a lot" in p and f"{chr(65 + c0 + 1)}{r0 + 4}" in p for p in owner.problems)


# --- the sheet -----------------------------------------------------------------------------------

def test_the_sheet_shows_the_figures_with_a_format_on_every_number(figures):
    sheet = sheet_module.build(figures)
    sheet.validate()
    table = sheet.block("table")
    assert table.filter_buttons and table.header
    shown = {r[0]: dict(zip(fp.COLUMNS, r)) for r in table.rows}
    for r in figures.table.to_dict("records"):
        for c in CHECKED:
            assert shown[r["producer"]][c] == pytest.approx(r[c], nan_ok=True) or (
                np.isnan(r[c]) and shown[r["producer"]][c] is None)
    for block in (table, sheet.block("total")):
        for row in block.rows:
            for value, fmt in zip(row, block.formats):
                if isinstance(value, (int, float)):
                    assert fmt not in (None, "General", "@"), (block.name, value)
    chart = sheet.charts[0]
    assert [(s.block, s.values, s.categories) for s in chart.series] == [("table", 2, 0)]


def test_the_built_sheet_has_filter_buttons_and_a_chart_over_the_whole_table(tmp_path):
    from agency_xl.excel.builder import build_workbook

    fig = compute_figures(read_exports(SAMPLE), Assumptions()).producers
    sheet = sheet_module.build(fig)
    path = build_workbook([sheet], tmp_path / "producers.xlsx")
    table = sheet.block("table")
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        chart = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert f'<autoFilter ref="{table.address().replace("$", "")}"/>' in xml
    last = 6 + sheet_module.PRODUCER_ROWS
    assert f"'Producers'!$C$7:$C${last}" in chart.replace("Producers!", "'Producers'!")
    assert f"'Producers'!$A$7:$A${last}" in chart.replace("Producers!", "'Producers'!")


def test_more_producers_than_rows_are_one_other_row_that_still_adds_up(agency, tmp_path):
    hires = {f"Hire {i:02d}": 1000.0 * i for i in range(1, 11)}
    fig = compute_figures(read_exports(_write(tmp_path / "many", agency)),
                          with_values({"producers.pay": hires})).producers
    assert len(fig.table) == 14
    shown = fig.shown(sheet_module.PRODUCER_ROWS)
    assert len(shown) == sheet_module.PRODUCER_ROWS
    assert list(shown["producer"][-2:]) == ["Other producers (5)", fp.NO_PRODUCER]
    for column in ("new_items", "premium_in_force", "households", "commissions", "retained", "pay"):
        assert shown[column].sum() == pytest.approx(fig.table[column].sum()), column
    other = shown.iloc[-2]
    small = fig.table[~fig.table["producer"].isin(shown["producer"])]
    assert other["pay"] == pytest.approx(small["pay"].sum())
    assert other["commission_to_pay"] == pytest.approx(small["commissions"].sum() / small["pay"].sum())
    sheet_module.build(fig).validate()
