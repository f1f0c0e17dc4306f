"""Does the workbook's VBA belong to the installed xlwings? And if not, what to run.

The workbook carries xlwings' own VBA module, copied in at build time (``vba.py``). That module
declares xlwings' DLL by version (``xlwings64-0.37.8.dll``) and loads it from the Python folder
named by ``Interpreter_Win`` on the xlwings.conf sheet. pip removes that DLL when xlwings changes
version, so after an upgrade:

- Import Functions and every worksheet function fail inside VBA, before Python starts ("Could not
  load xlwings64-0.37.8.dll from either of the following folders", or "Run-time error 53: File not
  found: xlwings64-0.37.8.dll" when no interpreter path is set). Python cannot say anything there;
  the README and the exact pin of xlwings in pyproject.toml are the help.
- The Refresh button still reaches Python: xlwings' ``RunPython`` starts the interpreter through
  cmd.exe, without the DLL (the workbook's xlwings.conf sets "Use UDF Server" to False). So the
  refresh checks first (``check_workbook_matches_xlwings``) and says what to run.

The version of the VBA is recorded at build time in the custom document property
``VERSION_PROPERTY`` (Excel keeps custom properties when it saves), and read back from the saved
file, which needs no VBA-project access and works the same on Windows and macOS.
"""

from __future__ import annotations

import html
import re
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import xlwings

VERSION_PROPERTY = "agency_xl xlwings"  # custom document property: xlwings version of the workbook's VBA


class XlwingsMismatch(ValueError):
    """The workbook's VBA was built for another xlwings version than the one installed."""


def installed_xlwings() -> str:
    return xlwings.__version__


def pinned_xlwings() -> str | None:
    """The xlwings version agency_xl is installed to require (``xlwings==X`` in pyproject.toml), or
    None when agency_xl is not installed as a package or does not pin one exactly."""
    try:
        requires = metadata.requires("agency_xl") or []
    except metadata.PackageNotFoundError:
        return None
    for req in requires:
        m = re.fullmatch(r"\s*xlwings\s*==\s*([\w.]+)\s*", req)
        if m:
            return m.group(1)
    return None


def custom_properties(path: str | Path) -> dict[str, str]:
    """The custom document properties of a saved .xlsx/.xlsm (docProps/custom.xml), as text."""
    with zipfile.ZipFile(path) as z:
        if "docProps/custom.xml" not in z.namelist():
            return {}
        xml = z.read("docProps/custom.xml").decode("utf-8", "replace")
    out = {}
    for m in re.finditer(r'<property\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</property>', xml, re.S):
        value = re.search(r">([^<]*)<", m.group(2) + "<")
        out[html.unescape(m.group(1))] = html.unescape(value.group(1)) if value else ""
    return out


def built_for(path: str | Path) -> str | None:
    """The xlwings version whose VBA the workbook at ``path`` carries, as recorded when it was built;
    None when the file cannot be read (not saved yet, on a web address) or predates the record."""
    try:
        return custom_properties(path).get(VERSION_PROPERTY) or None
    except (OSError, zipfile.BadZipFile):
        return None


def mismatch_message(workbook: Path, built: str, installed: str, pinned: str | None) -> str:
    """What is wrong and exactly what to run, in the owner's words."""
    name = workbook.name
    lines = [
        f"{name} was built for xlwings {built}, but xlwings {installed} is installed. Its Import "
        f"Functions button and worksheet functions need the same version on both sides (the "
        f"workbook looks for the file xlwings64-{built}.dll beside Python).",
        "Close Excel completely (every window), then run in a terminal:",
    ]
    if pinned and installed != pinned:
        lines.append(f"    pip install xlwings=={pinned}")
        lines.append(f"    (agency_xl is made for xlwings {pinned}; another version was installed over it)")
    if not pinned or built != pinned:
        lines.append(f'    agency-xl template --out "{workbook}"')
        lines.append("    (rebuilds the workbook for the installed xlwings and keeps your Settings, notes and "
                     "formulas; press Refresh and Import Functions again after opening it)")
    return "\n".join(lines)


def check_path_matches_xlwings(path: str | Path) -> None:
    """Raise ``XlwingsMismatch`` (with what to run) when the saved workbook at ``path`` was built
    for another xlwings version than the installed one. A workbook that does not say (built before
    the version was recorded, or not readable as a file) passes: nothing can be told about it."""
    path = Path(path)
    built = built_for(path)
    installed = installed_xlwings()
    if built is None or built == installed:
        return
    raise XlwingsMismatch(mismatch_message(path, built, installed, pinned_xlwings()))


def check_workbook_matches_xlwings(book: Any) -> None:
    """For the Refresh button: raise ``XlwingsMismatch`` before anything is written when the open
    workbook ``book`` (an ``xlwings.Book``; only ``book.fullname`` is used) was built for another
    xlwings version than the installed one. Its message says exactly what to run. The version is
    read from the workbook's saved file; a workbook on a web address (OneDrive/SharePoint without a
    local copy) or never saved cannot be checked and passes."""
    fullname = str(book.fullname)
    if "://" in fullname:
        return
    check_path_matches_xlwings(fullname)
