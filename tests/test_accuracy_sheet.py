"""The Accuracy sheet (issue 13.2 and the live forecasts of 13.3), read back from built workbooks:
its error table is what `agency-xl metrics` reports under forecast_accuracy; a forecast with too
little history (a folder written here) shows the note and no number; after refreshes as of
2025-08-31 then 2025-10-31 of the same workbook, the August forecasts appear against what the
October exports show (read here from the files themselves); every chart covers its whole block and
draws the tolerance band; every number has a number format."""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from small_exports import ONE_VENDOR, write_folder
from test_chart_extents import charts_of, column_ref, series_refs

from agency_xl import cli
from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import accuracy, build_all
from agency_xl.dashboards.spec import Block
from agency_xl.excel.workbook import write_dashboard
from agency_xl.figures.forecasts import MODELS
from agency_xl.metrics import all_metrics

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
NAMES = {m.name: m.key for m in MODELS}


def table(ws, header_row: int, width: int, rows: int) -> list[list[object]]:
    """The data rows under a header row (1-based), as values."""
    return [[ws.cell(r, c).value for c in range(1, width + 1)]
            for r in range(header_row + 1, header_row + 1 + rows)]


def find_row(ws, text: str, column: int = 1) -> int:
    """The first row (1-based) whose cell in ``column`` is ``text``."""
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, column).value == text:
            return r
    raise AssertionError(f"{text!r} not on {ws.title}")


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("accuracy") / "sample.xlsx"
    data = read_exports(SAMPLE)
    write_dashboard(out, data, Assumptions(), str(SAMPLE))
    return out, all_metrics(data, Assumptions())


def test_the_error_table_is_what_metrics_reports(sample_book):
    path, metrics = sample_book
    reported = metrics["forecast_accuracy"]
    assert set(reported) == set(NAMES.values())
    ws = openpyxl.load_workbook(path, data_only=True)["Accuracy"]
    header = find_row(ws, "Forecast")
    assert [ws.cell(header, c).value for c in range(1, 8)] == [
        "Forecast", "Months ahead", "MAPE", "Bias", "Comparisons", "Within tolerance", "Note"]
    seen = set()
    for name, h, mape, bias, n, within, note in table(ws, header, 7, len(MODELS) * 3):
        key = NAMES[name]
        want = reported[key][str(h)]
        assert mape == pytest.approx(want["mape"], abs=5e-5) and bias == pytest.approx(want["bias"], abs=5e-5)
        assert n == want["n"] > 0 and note is None
        assert within == ("Yes" if mape <= 0.10 else "No")  # the plan's +/-10%, Settings' default
        seen.add((key, str(h)))
    assert seen == {(k, h) for k in reported for h in reported[k]} and len(seen) == 18
    # One sentence per forecast, in the owner's words, under the table.
    first = find_row(ws, "In your words") + 1
    sentences = [ws.cell(r, 1).value for r in range(first, first + len(MODELS))]
    assert sentences[0].startswith("The cash projection's commission received was off by ")
    assert all(" ahead" in s and ("ran high" in s or "ran low" in s or "neither" in s) for s in sentences)


def test_charts_cover_their_blocks_and_draw_the_band(sample_book):
    path, _ = sample_book
    sheet = next(s for s in build_all(None, Assumptions(), "") if s.name == "Accuracy")
    charts = charts_of(path)["Accuracy"]
    assert len(charts) == len(sheet.charts) == len(MODELS)
    for chart, xml in zip(sheet.charts, charts):
        block = sheet.source(chart.series[0].block)
        assert isinstance(block, Block) and block.n_rows == 12
        refs = series_refs(xml)
        assert [r["values"] for r in refs] == [column_ref(sheet, block, c) for c in range(1, 7)]
        assert all(r["categories"] == column_ref(sheet, block, 0) for r in refs)
        assert xml.count('<a:prstDash val="dash"/>') == 2  # the band's two edges, dashed
    # The band is the actual -/+ 10% of its size, month by month (hand arithmetic on the cells).
    ws = openpyxl.load_workbook(path, data_only=True)["Accuracy"]
    for chart in sheet.charts:
        block = sheet.source(chart.series[0].block)
        top = block.top_left[0] + 1
        rows = table(ws, top, 7, 12)
        assert all(r[1] is not None for r in rows), chart.title  # the sample covers 12 months
        for month, actual, low, high, *_ in rows:
            assert low == pytest.approx(actual - 0.1 * abs(actual)) and high == pytest.approx(actual + 0.1 * abs(actual))
        # Six backtested months per horizon: the latest six months carry every forecast.
        assert all(all(v is not None for v in r[4:]) for r in rows[-6:]), chart.title


def test_every_number_has_a_format(sample_book):
    path, _ = sample_book
    ws = openpyxl.load_workbook(path)["Accuracy"]
    numbers = [c for row in ws.iter_rows() for c in row
               if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
    assert len(numbers) > 300
    assert [c.coordinate for c in numbers if c.number_format == "General"] == []


# --- too little history ----------------------------------------------------------------------------

def write_short_sales(folder: Path, months: int, end: dt.date = dt.date(2025, 10, 31)) -> None:
    """A sales export of ``months`` months ending with ``end``'s month: 10 + (month index) sales
    a month, each on the 10th."""
    first = pd.Period(end, "M") - (months - 1)
    rows = []
    for i in range(months):
        month = first + i
        for k in range(10 + i):
            rows.append([f"S{i:02d}{k:03d}", f"H{i:02d}{k:03d}", "Auto", f"{month.year}-{month.month:02d}-10", 900])
    with (folder / f"sales_{end:%Y-%m}.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Policy Number", "Household ID", "Product", "Issue Date", "Premium"])
        w.writerows(rows)


def test_too_little_history_shows_the_note_and_no_number(tmp_path):
    folder = write_folder(tmp_path / "short", ONE_VENDOR)
    write_short_sales(folder, 10)
    data = read_exports(folder)
    path = write_dashboard(tmp_path / "short.xlsx", data, Assumptions(), str(folder))
    ws = openpyxl.load_workbook(path, data_only=True)["Accuracy"]
    header = find_row(ws, "Forecast")
    sold = [r for r in table(ws, header, 7, len(MODELS) * 3) if r[0] == "Policies sold"]
    # The seasonal index needs 12 months before the month-end, plus the horizon, and has 10.
    assert sold == [["Policies sold", h, None, None, 0, None,
                     f"not enough history to backtest (needs {12 + h} months, the exports hold 10)"]
                    for h in (1, 3, 6)]
    first = find_row(ws, "In your words") + 1
    assert ws.cell(first + 2, 1).value == ("The seasonal sales forecast cannot be checked yet: not enough "
                                           "history to backtest (needs 13 months, the exports hold 10).")
    # Its chart section: the note, the 10 months' sales as they happened, no forecast.
    section = find_row(ws, "Policies sold: forecast vs what happened, last 12 months")
    assert ws.cell(section + 1, 1).value == "not enough history to backtest (needs 13 months, the exports hold 10)"
    rows = table(ws, section + 2, 7, 12)
    assert [r[1] for r in rows] == [10 + i for i in range(10)] + [None, None]
    assert all(v is None for r in rows for v in r[4:])
    # A forecast whose export is missing says which one, and has no number either.
    cash = [r for r in table(ws, header, 7, len(MODELS) * 3) if r[0] == "Commission received"]
    assert all(r[2] is None and r[6] == "needs the Commission statement export" for r in cash)
    assert all_metrics(data, Assumptions())["forecast_accuracy"]["policies_sold"] == {
        str(h): {"mape": None, "bias": None, "n": 0} for h in (1, 3, 6)}


# --- live forecasts over two refreshes -------------------------------------------------------------

def _exports_table(path: Path) -> pd.DataFrame:
    """An AMS report as written: title lines, then the header row (the row starting with its first
    column name)."""
    raw = pd.read_excel(path, header=None, engine="openpyxl")
    start = next(i for i, v in enumerate(raw[0]) if isinstance(v, str) and v in ("Statement Date", "Report Month"))
    frame = raw.iloc[start + 1:].copy()
    frame.columns = list(raw.iloc[start])
    return frame


def renewals_offered(folder: Path, month: str) -> float:
    """Up For Renewal of ``month`` on the growth & retention report, Life left out (Settings:
    products without a renewal to service)."""
    g = _exports_table(next(folder.glob("Policy_Growth_Retention_*.xlsx")))
    months = pd.to_datetime(g["Report Month"], errors="coerce")
    rows = (months.dt.strftime("%Y-%m") == month) & g["LOB"].notna() & (g["LOB"] != "Life")
    return float(pd.to_numeric(g.loc[rows, "Up For Renewal"]).sum())


def net_cash_flow(folder: Path, month: str) -> float:
    """Every commission statement row of ``month`` (reversals are negative) less the monthly
    expenses on Settings."""
    c = _exports_table(next(folder.glob("Agent_Transaction_Detail_*.xlsx")))
    days = pd.to_datetime(c["Statement Date"], errors="coerce")
    with (folder / "commission statements 2024.csv").open(encoding="latin-1") as f:
        older = pd.read_csv(f)
    assert not (pd.to_datetime(older["Statement Date"]).dt.strftime("%Y-%m") == month).any()
    paid = sum(_amount(v) for v in c.loc[days.dt.strftime("%Y-%m") == month, "Commission Paid"])
    return paid - Assumptions().cash_flow.monthly_expenses


def _amount(value: object) -> float:
    """A statement amount as written: a number, or text such as "-$61.04", "$1,204.10", "(12.50)"."""
    if not isinstance(value, str):
        return float(value)
    text = value.strip().replace("$", "").replace(",", "")
    return -float(text[1:-1]) if text.startswith("(") and text.endswith(")") else float(text)


def sheet_value(ws, label: str, column: int = 2) -> object:
    return ws.cell(find_row(ws, label), column).value


@pytest.fixture(scope="module")
def two_refreshes(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("live")
    out = {}
    for name, day in (("aug", "2025-08-31"), ("oct", "2025-10-31")):
        assert cli.main(["sample-data", "--out", str(root / name), "--as-of", day]) == 0
        assert cli.main(["refresh", "--exports", str(root / name), "--out", str(root / "same.xlsx")]) == 0
        out[name] = shutil.copy(root / "same.xlsx", root / f"after_{name}.xlsx")
        out[f"{name}_exports"] = root / name
    return out


def test_the_second_refresh_shows_the_first_ones_forecasts_against_what_happened(two_refreshes):
    aug = openpyxl.load_workbook(two_refreshes["aug"], data_only=True)
    oct_ = openpyxl.load_workbook(two_refreshes["oct"], data_only=True)["Accuracy"]

    # After the first refresh nothing can be compared yet: the note says so, the table is empty.
    first = aug["Accuracy"]
    top = find_row(first, "Live forecasts: what earlier refreshes forecast, against what happened")
    assert first.cell(top + 1, 1).value.startswith("No earlier refresh recorded a forecast yet")
    assert all(v is None for r in table(first, top + 2, 9, accuracy.LIVE_ROWS) for v in r)

    # What August forecast, as its own sheets showed it.
    seasonality = aug["Seasonality"]
    renewals_row = find_row(seasonality, "Sep 2025")
    forecast = {"Sep": seasonality.cell(renewals_row, 2).value, "Oct": seasonality.cell(renewals_row + 1, 2).value}
    assert seasonality.cell(renewals_row + 1, 1).value == "Oct 2025"
    cash_forecast = sheet_value(aug["Cash Flow"], "Net cash flow, next month")

    # What the October exports show happened, read from the files here.
    exports = two_refreshes["oct_exports"]
    actual = {"Sep": renewals_offered(exports, "2025-09"), "Oct": renewals_offered(exports, "2025-10")}
    cash_actual = net_cash_flow(exports, "2025-09")

    top = find_row(oct_, "Live forecasts: what earlier refreshes forecast, against what happened")
    assert oct_.cell(top + 1, 1).value.startswith("3 forecasts of earlier refreshes against what happened")
    rows = [r for r in table(oct_, top + 2, 9, accuracy.LIVE_ROWS) if r[0] is not None]
    made = dt.datetime(2025, 8, 31)
    expected = [
        ["Renewals due", "renewals", made, dt.datetime(2025, 10, 1), 2, forecast["Oct"], actual["Oct"]],
        ["Net cash flow", "$", made, dt.datetime(2025, 9, 1), 1, cash_forecast, cash_actual],
        ["Renewals due", "renewals", made, dt.datetime(2025, 9, 1), 1, forecast["Sep"], actual["Sep"]],
    ]
    assert len(rows) == 3
    for row, want in zip(rows, expected):
        assert row[:5] == want[:5]
        assert row[5] == pytest.approx(want[5], abs=0.01) and row[6] == pytest.approx(want[6], abs=0.01)
        assert row[7] == pytest.approx((want[5] - want[6]) / abs(want[6]))
        assert row[8] == "exports as of 2025-10-31"
    assert not any(math.isclose(r[5], r[6]) for r in rows)  # real forecasts, not the actuals again
