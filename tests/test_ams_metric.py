"""AMS_METRIC / AMS_METRICS: real figures from the exports folder, cached until a file changes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import xlwings_harness as xh

from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.functions import exports_cache
from agency_xl.functions.catalog import CATALOG
from agency_xl.functions import ams
from agency_xl.metrics import all_metrics

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
UDFS = xh.udf_module()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    if not SAMPLE.is_dir():
        pytest.fail("data/sample is missing: run agency-xl sample-data --out data/sample")
    dest = tmp_path_factory.mktemp("exports") / "exports"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture()
def fresh_cache(monkeypatch):
    cache = exports_cache.ExportsCache(check_seconds=0)
    monkeypatch.setattr(ams, "CACHE", cache)
    return cache


@pytest.fixture(scope="module")
def truth(folder):
    return all_metrics(read_exports(folder), Assumptions())


def metric(*args):
    return xh.call_like_excel(UDFS, "AMS_METRIC", *args)[0][0]


def test_base_facts_by_name_product_and_month(folder, truth, fresh_cache):
    f = str(folder)
    assert metric("retention", None, None, f) == pytest.approx(truth["retention"])
    assert metric("premium", None, None, f) == pytest.approx(truth["premium_in_force"])
    assert metric("retention", "Umbrella", None, f) == pytest.approx(truth["retention_by_product"]["Umbrella"])
    month = sorted(truth["sales_by_month"])[-3]
    assert metric("sales", None, month, f) == truth["sales_by_month"][month]
    assert metric("profitability.combined_ratio", None, None, f) == pytest.approx(
        truth["profitability"]["combined_ratio"])
    assert fresh_cache.builds == 1  # read once for all of these calls


def test_month_as_a_date_a_serial_number_or_text(folder, truth, fresh_cache):
    """=AMS_METRIC("sales",,DATE(2025,10,1)) hands the function a serial number; a cell holding a
    date arrives as a datetime; text names the month."""
    f = str(folder)
    key = sorted(truth["sales_by_month"])[-2]  # e.g. "2025-09"
    first = dt.date(int(key[:4]), int(key[5:]), 1)
    serial = float((first - dt.date(1899, 12, 30)).days)  # Excel's day count (1900 date system)
    expected = truth["sales_by_month"][key]
    for month in (serial, dt.datetime.combine(first, dt.time()), key, f"{first:%b %Y}",
                  f"{first + dt.timedelta(days=14):%m/%d/%Y}", str(int(serial))):
        assert metric("sales", xh.MISSING, month, f) == expected, month
    assert metric("sales", xh.MISSING, 1e9, f) == \
        "#VALUE! month must be a date; 1e+09 is not a date serial number of 1900-2200"
    assert metric("retention", xh.MISSING, serial, f) == "#VALUE! retention is not given by month"


def test_readable_errors(folder, fresh_cache):
    f = str(folder)
    assert metric("retentoin", None, None, f) == "#VALUE! unknown metric 'retentoin'; =AMS_METRICS() lists the names"
    assert metric("retention_by_product", None, None, f).startswith("#VALUE! retention_by_product is given by product")
    assert metric("premium", "Auto", None, f) == "#VALUE! premium is not given by product"
    assert metric("retention", None, "Oct 2099x", f) == "#VALUE! month must be a date or text like 2025-10, not 'Oct 2099x'"
    assert metric("retention", None, None, str(folder / "nope")).startswith("#VALUE! exports folder")


def test_missing_export_names_the_export_to_add(folder, tmp_path, fresh_cache):
    only_book = tmp_path / "only_book"
    only_book.mkdir()
    for p in folder.iterdir():
        if "Audit" in p.name:
            shutil.copy(p, only_book / p.name)
    out = metric("claims", None, None, str(only_book))
    assert out == "#VALUE! claims needs the Claims detail export; add it to the exports folder"
    assert isinstance(metric("households", None, None, str(only_book)), (int, float))


def test_cache_dropped_when_a_file_changes(folder, tmp_path, fresh_cache):
    work = tmp_path / "work"
    shutil.copytree(folder, work)
    metric("retention", None, None, str(work))
    metric("retention", None, None, str(work))
    assert fresh_cache.builds == 1
    extra = work / "notes.csv"
    extra.write_text("a,b\n1,2\n")
    metric("retention", None, None, str(work))
    assert fresh_cache.builds == 2
    os.utime(extra, ns=(1, 1))
    metric("retention", None, None, str(work))
    assert fresh_cache.builds == 3
    extra.unlink()
    metric("retention", None, None, str(work))
    assert fresh_cache.builds == 4


def test_check_interval_makes_cached_calls_cheap(folder):
    clock = [0.0]
    cache = exports_cache.ExportsCache(check_seconds=2.0, clock=lambda: clock[0])
    calls = []
    cache.get(folder, lambda p: calls.append(p) or 1)
    (folder / "touch.csv").write_text("x\n")
    try:
        cache.get(folder, lambda p: calls.append(p) or 2)
        assert len(calls) == 1  # within the interval the folder is not looked at
        clock[0] = 3.0
        assert cache.get(folder, lambda p: calls.append(p) or 2) == 2
    finally:
        (folder / "touch.csv").unlink()


def test_folder_from_the_calling_workbooks_settings(folder, truth, fresh_cache):
    caller = xh.CallingCell(folder.name, folder.parent / "agency_dashboard.xlsm")  # relative to the workbook
    value = ams.AMS_METRIC("households", None, None, None, caller)
    assert value == truth["households"]
    empty = xh.CallingCell("", folder.parent / "agency_dashboard.xlsm")
    assert CATALOG["AMS_METRIC"].call("households", None, None, None, empty) == \
        "#VALUE! the exports folder on Settings is empty"


def test_metric_list(folder, fresh_cache):
    rows = xh.call_like_excel(UDFS, "AMS_METRICS", str(folder))
    names = {r[0] for r in rows[1:]}
    assert rows[0] == ["Name", "Value", "Needs"]
    assert {"retention", "premium_in_force", "profitability.combined_ratio"} <= names
    assert ["retention", "", "product"] in rows


def test_every_depth_of_the_metrics_has_a_name(folder, truth, fresh_cache):
    """A metric nested deeper than one group has its own dotted name (as AMS_HISTORY names it);
    AMS_METRICS says "product" or "month" only for figures keyed by product or month; a group's
    member may also be given as the product argument; names match whatever their case."""
    f = str(folder)
    acc = truth["forecast_accuracy"]["commission_received"]["1"]["mape"]
    assert metric("forecast_accuracy.commission_received.1.mape", None, None, f) == pytest.approx(acc)
    elite = truth["segments"]["share_by_tier"]["Elite"]
    assert metric("segments.share_by_tier.Elite", None, None, f) == pytest.approx(elite)
    assert metric("SEGMENTS.SHARE_BY_TIER.elite", None, None, f) == pytest.approx(elite)
    assert metric("segments.share_by_tier", "Elite", None, f) == pytest.approx(elite)
    rows = xh.call_like_excel(UDFS, "AMS_METRICS", f)
    needs = {r[0]: r[2] for r in rows[1:]}
    assert needs["forecast_accuracy.commission_received.1.mape"] == ""
    assert "forecast_accuracy.commission_received" not in needs
    assert needs["retention"] == "product" and needs["sales"] == "month"
    assert needs["rows_rejected"].startswith("product argument, one of: claims, commissions")
    # Every name listed as needing a product is keyed by products (or by month when it says so).
    from agency_xl.vocabulary import PRODUCTS
    for name, need in needs.items():
        if need == "product":
            assert set(metric_keys(truth, name)) <= set(PRODUCTS), name


def metric_keys(truth, name):
    """The keys of the figure AMS_METRICS lists as ``name`` (its "_by_product" dict), read from the
    nested metrics by walking the dotted name."""
    node = truth
    parts = name.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        node = node[f"{part}_by_product"] if last and f"{part}_by_product" in node else node[part]
    return node


def test_the_calling_workbooks_settings_are_used(folder, truth, fresh_cache):
    book = folder.parent / "owner_dashboard.xlsm"
    caller = xh.CallingCell(folder.name, book, [["profitability.expense_ratio", "Expense ratio", 0.30]])
    assert ams.AMS_METRIC("profitability.expense_ratio", None, None, None, caller) == pytest.approx(0.30)
    combined = ams.AMS_METRIC("profitability.combined_ratio", None, None, None, caller)
    assert combined == pytest.approx(truth["profitability"]["loss_ratio"] + 0.30)
    # the default-settings figures of the same folder are kept apart
    assert ams.AMS_METRIC("profitability.expense_ratio", None, None, str(folder)) == pytest.approx(0.25)


def test_settings_are_read_once_per_interval(folder, monkeypatch):
    clock = [0.0]
    cache = exports_cache.ExportsCache(check_seconds=2.0, clock=lambda: clock[0])
    monkeypatch.setattr(ams, "CACHE", cache)
    monkeypatch.setattr(ams, "_SETTINGS_SEEN", {})
    caller = xh.CallingCell(folder.name, folder.parent / "interval.xlsm")
    reads = []
    sheet = caller.sheet.book.sheets["Settings"]
    rows = sheet.used_range.value

    class _Counting:
        @property
        def value(self):
            reads.append(1)
            return rows

    sheet.used_range = _Counting()
    for _ in range(5):
        ams.AMS_METRIC("households", None, None, None, caller)
    assert len(reads) == 1
    clock[0] = 3.0
    ams.AMS_METRIC("households", None, None, None, caller)
    assert len(reads) == 2
