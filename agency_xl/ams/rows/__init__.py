"""From the raw rows below a header to a typed table of one report, for one file.

What happens to each row:
- blank rows are dropped;
- lines that are not data are dropped without complaint: footers ("Total", "Grand Total",
  "Page 1 of 3", "*** End of Report ***", "Report generated ..."), the header repeated on every
  page, and one-cell lines (group headings such as "Producer: J. Smith"); after a "Grand Total",
  "End of Report" or "Report generated" line the rest of the sheet is the report's trailer. Only a
  row with a required value missing or unreadable is looked at this way, so a claim whose cause of
  loss is "Total loss" stays a claim. A row whose id or product cell says "Total" ("Total",
  "Grand Total", "Subtotal", "Auto Total") is a total line in every report, whatever else it
  holds: the growth report's "Total" line is not a product;
- a row whose required value is blank or cannot be read is left out and reported with the cell
  address (``claims.xlsx!Sheet1!F17: "abc" is not an amount``); an optional value that cannot be
  read is left blank and reported the same way;
- an Excel error is never a value: an error cell of a workbook, the same error written as text in
  a CSV or HTML export (``#DIV/0!``, ``#REF!``, ...), and a formula whose result was never saved
  are bad values, reported by cell, in every format alike (``#N/A`` means "nothing", see
  ``ams/parse``);
- an implausible value is a bad value: an amount or count beyond its column's bound
  (``Column.most``: a premium over $10M) and a date before 1950 (a 1900 date is a zero or a blank
  formatted as a date, not a loss or a policy);
- a negative amount where only a price can stand (annual premium, sale premium, lead cost, quoted
  premium, referral incentive) is a bad value: an AMS writes a return premium as its own
  transaction, not as a negative price, so such a cell is a data error, not a refund;
- a status the report does not know (nor the owner's status mapping table) leaves its row out
  without counting as a bad value: the rows are reported by status, with their count and row
  numbers, for the owner to map on Settings, and the rest of the file is kept.

In four modules: ``values`` (each column typed, what makes a value bad, the messages),
``non_data`` (footers, totals, repeated headers, the trailer), ``build`` (``build_rows``: one
file's rows into its table) and ``incurred`` (the claims' Incurred = Paid + Reserve). Everything
is imported from here.
"""

from agency_xl.ams.rows.build import ROWS_NAMED, FileTable, Problem, build_rows
from agency_xl.ams.rows.incurred import INCURRED_TOLERANCE, check_incurred
from agency_xl.ams.rows.values import (
    BLANK_MEANS_NOTHING,
    EARLIEST_PLAUSIBLE_DATE,
    NO_SAVED_RESULT,
    NON_NEGATIVE,
    TEXT_KINDS,
    bad_value_message,
    parse_column,
)

__all__ = [
    "BLANK_MEANS_NOTHING", "EARLIEST_PLAUSIBLE_DATE", "INCURRED_TOLERANCE", "NON_NEGATIVE",
    "NO_SAVED_RESULT", "ROWS_NAMED", "TEXT_KINDS", "FileTable", "Problem", "bad_value_message",
    "build_rows", "check_incurred", "parse_column",
]
