"""The VBA project the dashboard workbook carries, taken from the installed xlwings package.

xlwings ships ``quickstart_standalone.xlsm``; its ``vbaProject.bin`` holds the xlwings VBA module
(``RunPython``, ``ImportPythonUDFs``) and ``Module1.SampleCall``, which runs ``main()`` of the Python
module named like the workbook. We copy that binary into our workbook at build time, so it always
matches the installed xlwings version; it is never committed (it belongs to xlwings).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlwings

REFRESH_MACRO = "SampleCall"  # Module1.SampleCall -> import <workbook name>; <workbook name>.main()
IMPORT_FUNCTIONS_MACRO = "ImportPythonUDFs"  # xlwings module: imports the UDF Modules


def quickstart_workbook() -> Path:
    return Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"


def vba_project_bytes() -> bytes:
    """The vbaProject.bin of xlwings' standalone quickstart workbook."""
    path = quickstart_workbook()
    if not path.exists():
        raise FileNotFoundError(
            f"xlwings {xlwings.__version__} has no {path.name}; reinstall xlwings to build an .xlsm"
        )
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def xlwings_version() -> str:
    return xlwings.__version__
