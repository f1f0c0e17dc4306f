"""Turning export cells into typed values, a whole column at a time.

Every ``parse_*`` function takes one column (a pandas Series of whatever the file gave: numbers,
datetimes, text, or a mix as text) and returns a ``Parsed``: the typed values and a mask of the
cells that held something that could not be read. Blank cells are not "bad"; the caller decides
whether a blank is allowed. Nothing here loops over cells in Python: text is parsed with Arrow
compute functions on the strings pandas already keeps in Arrow (pandas' own ``.str.extract``
is some 50 times slower on 150,000 amounts), and dates and names, which repeat, are parsed once
per distinct value.

What is accepted (AMS_EXPORTS.md, "What real files look like"):
- amounts: numbers, ``$1,234.56``, ``(1,234.56)`` and ``1,234.56-`` for negatives, ``-$12.00``;
  ``—``/``-``/``n/a``/``#N/A``/blank mean nothing;
- percentages: ``89.64%`` -> 0.8964, 0.8964 stays; a column whose plain numbers are all above 1
  (``89.64``) is taken as percentage points;
- dates: Excel dates, Excel serial numbers, ``10/15/2025``, ``10/15/25``, ``2025-10-15``,
  ``Oct 15, 2025``, ``15-Oct-2025`` (a time of day is dropped); ``12/31/9999`` ("never") is blank;
  dates before 1800 or after 2200 are bad (the reader rejects dates before 1950 as
  implausible). Slashed dates are month first (US), unless a column's own values say otherwise:
  where some value cannot be month first (``31/10/2025``) and every value can be day first, the
  column is read day first; a month column whose values all begin ``1/`` while the second number
  varies (``01/10/2025``, ``01/09/2025``: the first of each month) is read day first too.
  Either way ``Parsed.note`` says so;
- months: any date, or ``Oct 2025``, ``October 2025``, ``2025-10``, ``10/2025`` -> first of month;
- ids: ``123456.0`` (Excel turned the id into a number) -> ``"123456"``; leading zeros of text kept.

An Excel error value written as text (``#DIV/0!``, ``#REF!``, ``#VALUE!`` ...; a CSV or HTML
export of a sheet whose formulas failed) is never a value: ``excel_errors`` finds them, and the
reader reports them by cell as it reports the error cells of a workbook. ``#N/A`` is the
exception: AMS exports write it for "nothing", and it is read as blank.

One module per kind of value: ``text`` (text and ids, and what every parser shares), ``amounts``,
``dates`` (columns of dates and months), ``choices`` (yes/no, statuses) and ``text_dates``
(single values: dates in a line of text, Excel serial days). Everything is imported from here.
"""

from agency_xl.ams.parse.amounts import parse_money, parse_percent
from agency_xl.ams.parse.choices import map_distinct, parse_status, parse_yesno
from agency_xl.ams.parse.dates import MAX_YEAR, MIN_YEAR, NEVER_YEAR, parse_date, parse_month
from agency_xl.ams.parse.text import (
    BLANK_TOKENS,
    EXCEL_ERROR_TEXT,
    Parsed,
    blank_mask,
    excel_errors,
    id_for_matching,
    parse_id,
    parse_text,
    text_matches,
    to_text,
)
from agency_xl.ams.parse.text_dates import date_from_text, excel_serial_to_date, last_date_in_text

__all__ = [
    "BLANK_TOKENS", "EXCEL_ERROR_TEXT", "MAX_YEAR", "MIN_YEAR", "NEVER_YEAR", "Parsed",
    "blank_mask", "date_from_text", "excel_errors", "excel_serial_to_date", "id_for_matching",
    "last_date_in_text", "map_distinct", "parse_date", "parse_id", "parse_money", "parse_month",
    "parse_percent", "parse_status", "parse_text", "parse_yesno", "text_matches", "to_text",
]
