"""The only Excel-aware code: the worksheet-function catalogue and its xlwings registration, the
workbook builder (XlsxWriter) and the live refresh (xlwings)."""
