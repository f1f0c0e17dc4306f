"""Issue 11.5: upgrades and new PCs. The workbook says which xlwings its VBA belongs to, the Refresh
and Import Functions say exactly what to run when the installed xlwings differs, xlwings is pinned
to one version, and a rebuild keeps the owner's interpreter only while it exists."""

from __future__ import annotations

import re
import sys
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings

from agency_xl.assumptions import Assumptions
from agency_xl.excel import carry, udfs, versions
from agency_xl.excel.workbook import write_dashboard

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return write_dashboard(tmp_path_factory.mktemp("v") / "agency_dashboard.xlsm", None, Assumptions(), "x")


class FakeBook:
    """The one thing the check reads of an ``xlwings.Book``: ``fullname``."""

    def __init__(self, fullname: str | Path) -> None:
        self.fullname = str(fullname)


def with_recorded_version(src: Path, dest: Path, version: str) -> Path:
    """A copy of the workbook ``src`` whose custom property says it was built for ``version``."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as b:
        for item in a.infolist():
            data = a.read(item.filename)
            if item.filename == "docProps/custom.xml":
                text = data.decode()
                text, n = re.subn(rf'(name="{versions.VERSION_PROPERTY}"[^>]*>\s*<vt:lpwstr>)[^<]*',
                                  rf"\g<1>{version}", text)
                assert n == 1
                data = text.encode()
            b.writestr(item, data)
    return dest


def test_pyproject_pins_the_installed_xlwings_exactly():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = [d for d in deps if d.replace(" ", "").startswith("xlwings")]
    assert pins == [f"xlwings=={xlwings.__version__}"]


def test_the_workbook_records_the_xlwings_of_its_vba(built, tmp_path):
    assert versions.built_for(built) == xlwings.__version__
    # ... which is the version the VBA built in declares its DLL by (read with oletools, not by us).
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(built))
    try:
        code = "\n".join(c for _, _, _, c in parser.extract_macros())
    finally:
        parser.close()
    declared = set(re.findall(r'Lib "xlwings64-([\d.]+)\.dll"', code))
    assert declared == {xlwings.__version__}
    share = write_dashboard(tmp_path / "share.xlsx", None, Assumptions(), "x")
    assert versions.built_for(share) is None  # no VBA, nothing to match


def test_refresh_check_passes_a_matching_workbook(built):
    versions.check_workbook_matches_xlwings(FakeBook(built))


def test_refresh_check_says_to_rebuild_an_older_workbook(built, tmp_path, monkeypatch):
    old = with_recorded_version(built, tmp_path / "agency_dashboard.xlsm", "0.30.0")
    monkeypatch.setattr(versions, "pinned_xlwings", lambda: xlwings.__version__)
    with pytest.raises(versions.XlwingsMismatch) as exc:
        versions.check_workbook_matches_xlwings(FakeBook(old))
    text = str(exc.value)
    assert f"built for xlwings 0.30.0, but xlwings {xlwings.__version__} is installed" in text
    assert "xlwings64-0.30.0.dll" in text
    assert f'agency-xl template --out "{old}"' in text
    assert "pip install" not in text  # the installed xlwings is the one agency_xl wants


def test_refresh_check_says_to_reinstall_xlwings_changed_by_hand(built, tmp_path, monkeypatch):
    """xlwings upgraded by hand over agency_xl's pin: putting the pinned version back is the cure;
    the workbook, built for the pinned version, needs no rebuild."""
    monkeypatch.setattr(versions, "installed_xlwings", lambda: "0.40.1")
    monkeypatch.setattr(versions, "pinned_xlwings", lambda: xlwings.__version__)
    with pytest.raises(versions.XlwingsMismatch) as exc:
        versions.check_workbook_matches_xlwings(FakeBook(built))
    text = str(exc.value)
    assert f"pip install xlwings=={xlwings.__version__}" in text
    assert "agency-xl template" not in text


def test_refresh_check_passes_what_it_cannot_read(built, tmp_path):
    versions.check_workbook_matches_xlwings(FakeBook("https://d.docs.live.net/abc/agency_dashboard.xlsm"))
    versions.check_workbook_matches_xlwings(FakeBook("Book1"))  # never saved
    plain = tmp_path / "old.xlsx"  # a workbook from before the version was recorded
    wb = openpyxl.Workbook()
    wb.save(plain)
    versions.check_workbook_matches_xlwings(FakeBook(plain))


def test_pinned_version_is_read_from_the_installed_package(monkeypatch):
    from importlib import metadata

    monkeypatch.setattr(metadata, "requires", lambda name: ["pandas>=2.1", "xlwings==0.37.8",
                                                             'pytest>=7; extra == "dev"'])
    assert versions.pinned_xlwings() == "0.37.8"
    monkeypatch.setattr(metadata, "requires", lambda name: ["xlwings>=0.33"])
    assert versions.pinned_xlwings() is None


def _call_from_import_udfs(xl_workbook):
    """Run udfs.check_importing_workbook from a function laid out like xlwings' own
    ``xlwings.udfs.import_udfs(module_names, xl_workbook)``, which imports the UDF module."""
    namespace = {"__name__": "xlwings.udfs", "check": udfs.check_importing_workbook}
    exec("def import_udfs(module_names, xl_workbook):\n    check()\n", namespace)
    namespace["import_udfs"]("agency_xl.excel.udfs", xl_workbook)


class ComWorkbook:
    """What xlwings' VBA hands Python at Import Functions: the workbook's COM object."""

    def __init__(self, path: Path) -> None:
        self.FullName = str(path)


def test_import_functions_checks_the_importing_workbook(built, tmp_path):
    _call_from_import_udfs(ComWorkbook(built))
    old = with_recorded_version(built, tmp_path / "agency_dashboard.xlsm", "0.30.0")
    with pytest.raises(versions.XlwingsMismatch, match="built for xlwings 0.30.0"):
        _call_from_import_udfs(ComWorkbook(old))
    udfs.check_importing_workbook()  # imported any other way: no workbook to check


# --- the interpreter on xlwings.conf --------------------------------------------------------------

def _previous(conf: dict[str, str]) -> carry.Previous:
    return carry.Previous(Path("old.xlsm"), conf=conf)


def test_owners_interpreter_kept_while_it_exists(tmp_path):
    python = tmp_path / "Python311" / "pythonw.exe"
    python.parent.mkdir()
    python.write_text("")
    ours = {"UDF Modules": "agency_xl.excel.udfs", "Interpreter_Win": r"C:\Python313\pythonw.exe"}
    merged = carry.merged_conf(ours, _previous({"Interpreter_Win": str(python)}), "windows")
    assert merged["Interpreter_Win"] == str(python)


def test_owners_interpreter_replaced_when_gone(tmp_path):
    ours = {"UDF Modules": "agency_xl.excel.udfs", "Interpreter_Win": r"C:\Python313\pythonw.exe"}
    gone = str(tmp_path / "Python311" / "pythonw.exe")
    merged = carry.merged_conf(ours, _previous({"INTERPRETER_WIN": gone, "Interpreter_Mac": "/nope/python3",
                                                "udf modules": "agency_xl.excel.udfs;mine"}), "windows")
    assert merged == {  # one spelling per key, as xlwings' VBA needs (it reads keys in capitals)
        "Interpreter_Win": r"C:\Python313\pythonw.exe",
        "Interpreter_Mac": "/nope/python3",  # the Mac's path cannot be checked on Windows: kept
        "udf modules": "agency_xl.excel.udfs;mine",
    }


def test_a_bare_interpreter_command_is_the_owners_choice():
    ours = {"Interpreter_Mac": "/Users/me/.venv/bin/python"}
    merged = carry.merged_conf(ours, _previous({"Interpreter_Mac": "python3"}), "macos")
    assert merged == {"Interpreter_Mac": "python3"}


def test_rebuilding_writes_this_pythons_interpreter_over_a_missing_one(tmp_path, monkeypatch):
    """The whole path: a workbook built on a Windows PC, its Python since removed; rebuilding it
    there writes the running Python, and the conf sheet stays hidden."""
    monkeypatch.setattr(carry, "this_platform", lambda: "windows")
    out = tmp_path / "agency_dashboard.xlsm"
    write_dashboard(out, None, Assumptions(), "x")
    ours = sys.executable.replace("python.exe", "pythonw.exe")
    wb = openpyxl.load_workbook(out, keep_vba=True)
    ws = wb["xlwings.conf"]
    assert ws.sheet_state == "hidden"
    conf = {r[0].value: r[1] for r in ws.iter_rows(max_col=2)}
    assert conf["Interpreter_Win"].value == ours
    conf["Interpreter_Win"].value = str(tmp_path / "gone" / "pythonw.exe")
    wb.save(out)
    write_dashboard(out, None, Assumptions(), "x", keep=out)
    ws = openpyxl.load_workbook(out, keep_vba=True)["xlwings.conf"]
    conf = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert conf["Interpreter_Win"] == ours
    assert ws.sheet_state == "hidden"


def test_readme_names_the_pinned_xlwings():
    """The README quotes the DLL and script names the owner sees; they carry the pinned version."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"xlwings(?:64|32)?-(\d+\.\d+\.\d+)\.(?:dll|applescript)", text))
    assert named == {xlwings.__version__}
