"""The Settings sheet of a saved workbook, read from the file (the command line's --settings, and a
refresh over an existing workbook). The parsing is ``agency_xl.assumptions.sheet``'s, shared with
the Refresh button, which reads the open workbook through xlwings instead."""

from __future__ import annotations

from pathlib import Path

from agency_xl.assumptions.sheet import SETTINGS_SHEET, OwnerSettings, parse_settings


def read_settings_workbook(path: str | Path) -> OwnerSettings:
    """The Settings sheet of a saved workbook (the owner's own), read with openpyxl, read-only."""
    import openpyxl

    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ValueError(f"cannot read settings from {path}: {exc}") from exc
    try:
        if SETTINGS_SHEET not in wb.sheetnames:
            raise ValueError(f"{path.name} has no sheet named {SETTINGS_SHEET!r}")
        rows = [list(r) for r in wb[SETTINGS_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    return parse_settings(rows, f"{path.name}!{SETTINGS_SHEET}")
