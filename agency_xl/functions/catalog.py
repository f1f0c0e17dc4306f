"""The worksheet-function catalogue: plain typed Python functions with their help text, in one place.

Each function is declared once with ``@worksheet_function(...)``; that records its Excel name,
category, Function-Wizard help, argument help, an example and the kind of result. ``udfs.py``
registers the catalogue with xlwings' classic decorators; a later xlwings Lite registration can
read the same ``CATALOG`` without rewriting a function. Nothing here imports xlwings.

Argument values arrive the way xlwings delivers them: a single cell as a float, str, bool,
datetime or None; a range as a list (or list of lists). The converters below (``number``,
``ratio``, ``numbers`` ...) check them and raise ``ArgError`` with a message naming the argument;
the wrapper turns that into a short text in the cell, e.g.
``#VALUE! loss_ratio must be a number between 0 and 5``, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import itertools
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from agency_xl.ams.parse import date_from_text, excel_serial_to_date

# Excel error values as pywin32 hands them to Python (an int code) - a cell showing #N/A etc.
EXCEL_ERRORS = {
    -2146826281: "#DIV/0!",
    -2146826246: "#N/A",
    -2146826259: "#NAME?",
    -2146826288: "#NULL!",
    -2146826252: "#NUM!",
    -2146826265: "#REF!",
    -2146826273: "#VALUE!",
}
EXCEL_ERROR_TEXT = set(EXCEL_ERRORS.values()) | {"#SPILL!", "#CALC!", "#GETTING_DATA"}
MAX_TEXT = 255  # Excel's limit for the Function Wizard's descriptions


class ArgError(ValueError):
    """A worksheet-function argument is not what the function needs."""


@dataclass
class Arg:
    name: str
    help: str
    kind: str = "number"  # number | range | text | bool | date
    default: Any = inspect.Parameter.empty

    @property
    def optional(self) -> bool:
        return self.default is not inspect.Parameter.empty


@dataclass
class WorksheetFunction:
    name: str  # the Excel name, e.g. COMBINED_RATIO
    category: str  # Function Wizard category, e.g. "Agency - Profitability"
    help: str  # one-line description, at most 255 characters
    args: list[Arg]
    returns: str  # number | text | table
    example: str  # the arguments of a worked example, as typed in Excel: "0.68, 0.25"
    unit: str  # unit of the result: ratio, $, months, text, table ...
    impl: Callable[..., Any]  # the checked function (raises ArgError)
    # Recalculated at every calculation, not only when an argument changes: for results that
    # depend on what is outside the arguments (the files in the exports folder).
    volatile: bool = False
    # The result holds dates (a table's first column): handed to Excel through xlwings' own value
    # conversion, which makes them Excel dates, instead of as it is ("raw", which tables use for speed).
    dates: bool = False
    # For a function whose blank arguments take the owner's measured values from the exports folder
    # on the calling workbook's Settings (else the plan's): given the ``caller``, a sentence saying
    # which values they take and where they came from (the What-If sheet shows it by the example).
    measured_defaults: Callable[[Any], str] | None = None
    safe: Callable[..., Any] = field(init=False)  # what Excel calls: errors become text

    def __post_init__(self) -> None:
        impl = self.impl

        table = self.returns == "table"

        @functools.wraps(impl)
        def safe(*args: Any) -> Any:
            try:
                out = _to_excel(impl(*args))
                # A table goes to Excel as it is (xlwings' "raw" result): blanks must be "" there,
                # as xlwings' own cleaning would make them, or Excel shows 0.
                if table and isinstance(out, list):
                    return [["" if v is None else v for v in row] for row in out]
                return out
            except ArgError as exc:
                return f"#VALUE! {exc}"
            except Exception as exc:  # a bug must still not show a traceback in the cell
                return f"#VALUE! {self.name} failed: {type(exc).__name__}: {exc}"[:MAX_TEXT]

        safe.__annotations__ = {}  # xlwings would treat hints as converters; options are explicit
        self.safe = safe

    def call(self, *args: Any) -> Any:
        """Call as Excel would (errors as text)."""
        return self.safe(*args)

    def example_formula(self) -> str:
        return f"={self.name}({self.example})"


CATALOG: dict[str, WorksheetFunction] = {}


def worksheet_function(
    category: str, help: str, args: dict[str, str], example: str, returns: str = "number",
    unit: str = "", kinds: dict[str, str] | None = None, volatile: bool = False, dates: bool = False,
    measured_defaults: Callable[[Any], str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``f`` in the catalogue under its own (upper-case) name.

    ``args`` maps every parameter to its help text; ``kinds`` overrides the default kind "number"
    for parameters that take a range, text, a yes/no or a date. ``volatile``: Excel recalculates
    the function at every calculation (and so on opening the workbook), not only when one of its
    arguments changes: for functions that read files. ``dates``: the result holds dates.
    ``measured_defaults``: the function's blank arguments take the owner's measured values (it has
    a "caller" argument, and is volatile); this says which, given the caller.
    """
    kinds = kinds or {}

    def register(f: Callable[..., Any]) -> Callable[..., Any]:
        params = inspect.signature(f).parameters
        if set(params) != set(args):
            raise TypeError(f"{f.__name__}: help given for {sorted(args)}, parameters are {sorted(params)}")
        if len(help) > MAX_TEXT:
            raise ValueError(f"{f.__name__}: help text longer than {MAX_TEXT} characters")
        for name, words in args.items():  # Excel cuts an argument's help there too
            if len(words) > MAX_TEXT:
                raise ValueError(f"{f.__name__}: help of {name} longer than {MAX_TEXT} characters")
        if f.__name__ in CATALOG:
            raise ValueError(f"two worksheet functions are named {f.__name__}")
        if measured_defaults is not None and (kinds.get("caller") != "caller" or not volatile):
            raise ValueError(f"{f.__name__}: measured defaults need a volatile function with a caller argument")
        spec = [Arg(p.name, args[p.name], kinds.get(p.name, "number"), p.default) for p in params.values()]
        CATALOG[f.__name__] = WorksheetFunction(
            f.__name__, category, help, spec, returns, example, unit, f, volatile, dates, measured_defaults
        )
        return f

    return register


# --- argument converters -------------------------------------------------------------------------

def _is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, str) and x.strip() == "")


def _excel_error(x: Any) -> str | None:
    if isinstance(x, int) and not isinstance(x, bool) and x in EXCEL_ERRORS:
        return EXCEL_ERRORS[x]
    if isinstance(x, str) and x.strip().upper() in EXCEL_ERROR_TEXT:
        return x.strip().upper()
    return None


def _single(x: Any, name: str) -> Any:
    """A one-cell range arrives as a scalar; a 1x1 list is accepted too."""
    while isinstance(x, (list, tuple)):
        if len(x) != 1:
            raise ArgError(f"{name} must be a single cell, not a range")
        x = x[0]
    return x


def cell(x: Any, name: str) -> Any:
    """One cell's value as a converter starts from: a 1x1 range unwrapped, an Excel error refused
    (naming the argument), a blank as None."""
    x = _single(x, name)
    err = _excel_error(x)
    if err:
        raise ArgError(f"{name} is an Excel error ({err})")
    return None if _is_missing(x) else x


def _describe(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"a number between {lo:g} and {hi:g}"
    if lo is not None:
        return f"a number of at least {lo:g}"
    if hi is not None:
        return f"a number of at most {hi:g}"
    return "a number"


def number(x: Any, name: str, lo: float | None = None, hi: float | None = None,
           default: float | None = None) -> float:
    """A finite number within [lo, hi]; text such as "89.64%" or "$1,200" is accepted."""
    x = cell(x, name)
    if x is None:
        if default is not None:
            return default
        raise ArgError(f"{name} is empty; expected {_describe(lo, hi)}")
    if isinstance(x, bool):
        raise ArgError(f"{name} must be {_describe(lo, hi)}, not TRUE/FALSE")
    if isinstance(x, str):
        x = _parse_number_text(x, name, lo, hi)
    if isinstance(x, (dt.date, dt.datetime)):
        raise ArgError(f"{name} must be {_describe(lo, hi)}, not a date")
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ArgError(f"{name} must be {_describe(lo, hi)}") from None
    if not math.isfinite(v):
        raise ArgError(f"{name} must be {_describe(lo, hi)}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ArgError(f"{name} must be {_describe(lo, hi)}")
    return v


# Commas are thousands separators only ("42,000.50"); a decimal comma ("42000,50", "1,5") is
# refused rather than read as 4,200,050 or 15.
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?%?$")


def _parse_number_text(s: str, name: str, lo: float | None, hi: float | None) -> float:
    t = s.strip().replace("$", "")
    negative = t.startswith("(") and t.endswith(")")
    t = t.strip("()")
    if "," in t:
        if not _THOUSANDS.match(t):
            raise ArgError(
                f"{name} must be {_describe(lo, hi)}, not {s!r} (commas only between thousands; "
                "write a decimal point, 42000.50)"
            )
        t = t.replace(",", "")
    scale = 1.0
    if t.endswith("%"):
        t, scale = t[:-1], 0.01
    try:
        v = float(t) * scale
    except ValueError:
        raise ArgError(f"{name} must be {_describe(lo, hi)}, not {s!r}") from None
    return -v if negative else v


def integer(x: Any, name: str, lo: int | None = None, hi: int | None = None,
            default: int | None = None) -> int:
    v = number(x, name, lo, hi, default)
    if v != int(v):
        raise ArgError(f"{name} must be a whole number")
    return int(v)


def text(x: Any, name: str, choices: tuple[str, ...] | None = None, default: str | None = None) -> str:
    """Text, matched case-insensitively against ``choices`` (returned in the canonical spelling)."""
    x = cell(x, name)
    if x is None:
        if default is not None:
            return default
        raise ArgError(f"{name} is empty" + (f"; expected one of {', '.join(choices)}" if choices else ""))
    s = str(x).strip()
    if choices:
        for c in choices:
            if c.lower() == s.lower():
                return c
        raise ArgError(f"{name} must be one of {', '.join(choices)}, not {s!r}")
    return s


def date_value(x: Any, name: str) -> dt.date:
    """One cell as a date: an Excel date (xlwings hands over a datetime), a serial number (45931,
    what =DATE(2025,10,1) gives a function) or text ("2025-10-15", "10/15/2025", "Oct 15, 2025")."""
    x = cell(x, name)
    if x is None:
        raise ArgError(f"{name} is empty; expected a date")
    if isinstance(x, bool):
        raise ArgError(f"{name} must be a date, not TRUE/FALSE")
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if isinstance(x, (int, float, np.integer, np.floating)):
        d = excel_serial_to_date(float(x))
        if d is None:
            raise ArgError(f"{name} must be a date; {x:g} is not a date serial number of 1900-2200")
        return d
    s = str(x).strip()
    try:
        d = excel_serial_to_date(float(s))
    except ValueError:
        d = date_from_text(s)
    if d is None:
        raise ArgError(f"{name} must be a date, not {s[:40]!r}")
    return d


YES = ("y", "yes", "true", "1")
NO = ("n", "no", "false", "0")


def yes_no(x: Any, name: str) -> bool:
    """TRUE/FALSE, 1/0 or the text Y/N, Yes/No as a bool; anything else names the argument."""
    x = cell(x, name)
    if x is None:
        raise ArgError(f"{name} is empty; expected TRUE/FALSE, 1/0 or Y/N")
    if isinstance(x, bool):
        return x
    if isinstance(x, (int, float)) and x in (0, 1):
        return bool(x)
    if isinstance(x, str) and x.strip().lower() in YES + NO:
        return x.strip().lower() in YES
    raise ArgError(f"{name} must be TRUE/FALSE, 1/0 or Y/N, not {x!r}")


def _nested(kinds: set[type]) -> list[bool]:
    return [issubclass(k, (list, tuple)) for k in kinds]


def flat(x: Any) -> list[Any]:
    """A cell or a range (list or list of lists) as one flat list, row by row."""
    if not isinstance(x, (list, tuple)):
        return [x]
    # A range arrives as a list of rows of cells: flattened in C, not cell by cell.
    nested = _nested(set(map(type, x)))
    if not any(nested):
        return list(x)
    if all(nested):
        out = list(itertools.chain.from_iterable(x))
        if not any(_nested(set(map(type, out)))):
            return out
    out = []
    for item in x:
        out.extend(flat(item))
    return out


def numbers(x: Any, name: str, lo: float | None = None, hi: float | None = None,
            skip_blank: bool = True) -> np.ndarray:
    """Every number in a cell or range; blanks are skipped (or refused when skip_blank is False).
    An Excel error or text anywhere names the position: "earned_premium item 3 must be ..."."""
    values = flat(x)
    out = []
    for i, v in enumerate(values, start=1):
        if _is_missing(v) and skip_blank:
            continue
        out.append(number(v, f"{name} item {i}" if len(values) > 1 else name, lo, hi))
    if not out:
        raise ArgError(f"{name} has no numbers")
    return np.asarray(out, dtype=float)


def texts(x: Any, name: str) -> list[str | None]:
    """Every cell of a range as text (blank cells as None), position kept."""
    out: list[str | None] = []
    for i, v in enumerate(flat(x), start=1):
        err = _excel_error(v)
        if err:
            raise ArgError(f"{name} item {i} is an Excel error ({err})")
        out.append(None if _is_missing(v) else str(v).strip())
    return out


def _to_excel(value: Any) -> Any:
    """Plain Python values for xlwings: numpy scalars to float, NaN to an empty cell. An infinite
    result (a division by a number of almost 0) cannot be shown by Excel: a readable error."""
    if isinstance(value, (list, tuple)):
        return [_to_excel(v) for v in value]
    if isinstance(value, np.ndarray):
        return _to_excel(value.tolist())
    if isinstance(value, (np.floating, float)):
        v = float(value)
        if math.isinf(v):
            raise ArgError("the result is too large for Excel; is an argument almost 0, or huge?")
        return None if math.isnan(v) else v
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
