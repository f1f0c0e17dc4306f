"""A refresh computes shared figures once: the household table and retention by product count once
for all model sheets (agency_xl.figures.common), the exports read once (the What-If sheet's AMS_METRIC examples reuse the
refresh's figures when they are the default-settings figures AMS_METRIC computes)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from tiny_data import tiny_agency

import agency_xl.ams
from agency_xl.assumptions import Assumptions, with_values
from agency_xl.dashboards import build_all, build_model_sheets
from agency_xl.figures import compute_figures
from agency_xl.functions import exports_cache
from agency_xl.functions import ams as ams_functions
from agency_xl.functions.catalog import CATALOG
from agency_xl.metrics import base_facts
from agency_xl.models import households as hh


@pytest.fixture()
def household_table_calls(monkeypatch):
    calls = []
    original = hh.household_table

    def counted(policies, as_of):  # noqa: ANN001, ANN202
        calls.append(as_of)
        return original(policies, as_of)

    monkeypatch.setattr(hh, "household_table", counted)
    return calls


def test_the_figures_compute_the_household_table_once_and_each_reader_gets_its_own_frame(household_table_calls):
    data = tiny_agency()
    figures = compute_figures(data, Assumptions())
    assert household_table_calls == [data.as_of]  # once for every model of the refresh
    a = figures.common.households
    a["ltv"] = 1.0  # a figure adding a column must not change what the next one gets
    b = figures.common.households
    assert "ltv" not in b.columns
    pd.testing.assert_frame_equal(b, hh.household_table(data.policies, data.as_of))


def test_laying_out_the_sheets_computes_nothing(household_table_calls):
    """The sheets only lay the figures out: building them again from the same figures calls no model
    and gives the same cells."""
    data = tiny_agency()
    figures = compute_figures(data, Assumptions())
    first = build_model_sheets(figures)
    household_table_calls.clear()
    again = build_model_sheets(figures)
    assert household_table_calls == []
    for s, t in zip(first, again):
        assert [b.grid() for b in s.blocks] == [b.grid() for b in t.blocks], s.name


@pytest.fixture()
def fresh_cache(monkeypatch):
    cache = exports_cache.ExportsCache(check_seconds=0)
    monkeypatch.setattr(exports_cache, "CACHE", cache)
    monkeypatch.setattr(ams_functions, "CACHE", cache)
    return cache


@pytest.fixture()
def reads(monkeypatch):
    """Counts read_exports calls; each returns the tiny agency."""
    calls = []

    def fake_read(folder, mappings=None, as_of=None, progress=None):  # noqa: ANN001, ANN202
        calls.append(folder)
        return tiny_agency()

    monkeypatch.setattr(agency_xl.ams, "read_exports", fake_read)
    return calls


def _what_if_value(sheets, name: str):  # noqa: ANN202
    sheet = next(s for s in sheets if s.name == "What-If")
    return next(f for f in sheet.formulas if f.formula.startswith(f"={name}(")).value


def test_the_what_if_examples_show_the_refresh_figures_without_reading_or_caching(tmp_path, fresh_cache, reads):
    """The AMS_METRIC examples show the figures the refresh computed: the exports are not read again
    and no description writes the functions' cache (issue 12)."""
    data = tiny_agency()
    sheets = build_all(data, Assumptions(), str(tmp_path), dt.datetime(2025, 11, 1))
    assert reads == [] and fresh_cache.builds == 0 and fresh_cache.entries == {}
    # and they are the figures AMS_METRIC and AMS_METRICS compute themselves from the folder
    listed = next(f for f in next(s for s in sheets if s.name == "What-If").formulas
                  if f.formula.startswith("=AMS_METRICS(")).values
    assert ["households", base_facts(data)["households"], ""] in listed
    assert CATALOG["AMS_METRICS"].call(str(tmp_path)) == listed
    assert CATALOG["AMS_METRIC"].call("retention", None, None, str(tmp_path)) == _what_if_value(sheets, "AMS_METRIC")
    assert len(reads) == 1


def test_with_owner_settings_the_what_if_examples_show_his_figures(tmp_path, fresh_cache, reads):
    """In Excel AMS_METRICS reads the workbook's folder with its Settings: the example shows the
    refresh's figures under the owner's settings, not the defaults."""
    from agency_xl.metrics import all_metrics

    data = tiny_agency()
    owner = with_values({"general.commission_rate": 0.11})
    assert owner != Assumptions()
    sheets = build_all(data, owner, str(tmp_path), dt.datetime(2025, 11, 1))
    assert reads == []
    listed = next(f for f in next(s for s in sheets if s.name == "What-If").formulas
                  if f.formula.startswith("=AMS_METRICS(")).values
    mine = ams_functions.RefreshMetrics(ams_functions.flatten(all_metrics(data, owner)))
    defaults = ams_functions.RefreshMetrics(ams_functions.flatten(all_metrics(data, Assumptions())))
    assert listed == CATALOG["AMS_METRICS"].call(None, mine)
    assert listed != CATALOG["AMS_METRICS"].call(None, defaults)


def test_cache_put_is_kept_until_the_folder_changes(tmp_path):
    cache = exports_cache.ExportsCache(check_seconds=0)
    cache.put(tmp_path, {"x": 1})
    assert cache.get(tmp_path, lambda p: {"x": 2}) == {"x": 1}
    (tmp_path / "new.csv").write_text("a\n1\n")
    assert cache.get(tmp_path, lambda p: {"x": 2}) == {"x": 2}
