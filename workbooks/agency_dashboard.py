"""The Python side of agency_dashboard.xlsm: its Refresh button runs main() (xlwings' SampleCall macro
imports the module named like the workbook). Written by agency-xl beside the workbook."""

import xlwings as xw

from agency_xl.excel.live import refresh_book


def main() -> None:
    """Refresh every dashboard of the workbook that called this from the exports folder on its
    Settings sheet."""
    refresh_book(xw.Book.caller())
