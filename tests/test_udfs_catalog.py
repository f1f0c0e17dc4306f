"""Every worksheet function of the catalogue, called the way Excel calls it through xlwings.

These tests run over the whole catalogue, so a function added to any model is checked here too:
its worked example through xlwings' converters gives what the plain function gives, an Excel error
or text in a numeric argument gives a readable #VALUE! text naming the argument, help text fits
the Function Wizard, and xlwings' VBA generator declares it with the right arguments.
"""

from __future__ import annotations

import re

import pytest
import xlwings_harness as xh

from agency_xl.dashboards.whatif import excel_args
from agency_xl.functions import CATALOG

MODULE = xh.udf_module()
NAMES = sorted(CATALOG)


def test_catalogue_is_registered_with_xlwings():
    for name in NAMES:
        f = getattr(MODULE, name)
        info = f.__xlfunc__
        assert info["name"] == name
        assert info["category"] == CATALOG[name].category
        assert info["ret"]["doc"] == CATALOG[name].help
        assert [a["name"] for a in info["args"]] == [a.name for a in CATALOG[name].args]
        assert all(a["doc"] == c.help for a, c in zip(info["args"], CATALOG[name].args))


@pytest.mark.parametrize("name", NAMES)
def test_help_fits_the_function_wizard(name):
    f = CATALOG[name]
    assert 0 < len(f.help) <= 255
    for a in f.args:
        assert 0 < len(a.help) <= 255, a.name
        if a.optional and a.kind != "caller":
            assert a.help.startswith("Optional"), f"{name}.{a.name}: say it is optional"


@pytest.mark.parametrize("name", NAMES)
def test_example_through_xlwings_matches_the_function(name):
    f = CATALOG[name]
    if any(a.kind == "caller" for a in f.args) and f.measured_defaults is None:
        pytest.skip("reads the exports folder: tested in test_ams_metric.py")
    # Functions whose blank arguments take the owner's measured values: without a calling workbook
    # (xlwings' caller None), the plan's, whichever way they are called.
    args = excel_args(f.example)
    through_excel = xh.call_like_excel(MODULE, name, *args)
    direct = f.call(*args)
    assert not (isinstance(direct, str) and direct.startswith("#VALUE!")), direct
    expected = direct if isinstance(direct, list) else [[direct]]
    # xlwings writes an empty cell (None) as ""
    expected = [[("" if v is None else v) for v in (row if isinstance(row, list) else [row])] for row in expected]
    assert through_excel == expected


@pytest.mark.parametrize("name", NAMES)
def test_an_error_cell_gives_a_readable_message(name):
    f = CATALOG[name]
    args = excel_args(f.example)
    first = f.args[0]
    bad = [-2146826246] if first.kind != "range" else [[-2146826246]]
    result = xh.call_like_excel(MODULE, name, *(bad + list(args[1:])))
    text = result[0][0]
    assert isinstance(text, str) and text.startswith("#VALUE! "), text
    assert first.name in text and "#N/A" in text
    assert "Traceback" not in text and len(text) < 256


@pytest.mark.parametrize("name", NAMES)
def test_vba_declares_each_function_with_its_arguments(name):
    vba = xh.vba_wrappers(MODULE)
    f = CATALOG[name]
    params = ", ".join(("Optional " if a.optional else "") + a.name for a in f.args if a.kind != "caller")
    assert f"Function {name}({params})" in vba
    assert re.search(rf'{name} = XLPy.CallUDF\("agency_xl.excel.udfs", "{name}", Array\(', vba)


def test_omitted_optional_arguments_take_their_defaults():
    assert xh.call_like_excel(MODULE, "BONUS_STATUS", 0.97, xh.MISSING, xh.MISSING) == [["REDUCED_BONUS"]]
    assert xh.call_like_excel(MODULE, "BONUS_STATUS", 0.97, 0.98, xh.MISSING) == [["FULL_BONUS"]]


# Functions whose result depends on files, not only on their arguments (issue 11.4): the exports
# folder or the history file, and the exports folder for the defaults of blank arguments (issue 15.4).
VOLATILE = {"AMS_METRIC", "AMS_METRICS", "AMS_HISTORY", "RETENTION_LIFT", "CROSS_SELL_LTV_GAIN", "LEAD_SCORE"}


def test_functions_reading_the_exports_are_volatile():
    assert {n for n in NAMES if getattr(MODULE, n).__xlfunc__["volatile"]} == VOLATILE


def test_vba_wrapper_of_a_volatile_function_calls_application_volatile():
    vba = xh.vba_wrappers(MODULE)
    bodies = dict(re.findall(r"^Function (\w+)\(.*?\n(.*?)^End Function", vba, re.M | re.S))
    assert set(bodies) == set(NAMES)
    assert {n for n, body in bodies.items() if "Application.Volatile" in body} == VOLATILE
