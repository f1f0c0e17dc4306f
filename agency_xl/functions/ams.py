"""Worksheet functions that start from the owner's real figures: any KPI of `agency-xl metrics`,
read from the exports folder named on the Settings sheet (or given as an argument), and its values
at past refreshes, read from the history file beside the workbook."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agency_xl import history
from agency_xl.functions.catalog import MAX_TEXT, ArgError, cell, date_value, integer, text, worksheet_function
from agency_xl.functions.exports_cache import CACHE

CATEGORY = "Agency - Your data"

# Which export each base fact comes from, for "add this export" errors.
SOURCE = {
    "policies_in_force": "policies", "households": "policies", "premium_in_force": "policies",
    "products_per_household": "policies", "retention": "growth", "claims": "claims",
    "incurred": "claims", "commission_total": "commissions", "chargeback_total": "commissions",
    "median_commission_lag_days": "commissions", "sales": "sales", "leads": "leads",
    "referrals": "referrals", "referrals_sold": "referrals",
}
ALIASES = {  # owner's words -> the metrics key
    "policies": "policies_in_force", "premium": "premium_in_force", "commission": "commission_total",
    "chargebacks": "chargeback_total", "commission_lag": "median_commission_lag_days",
    "commission_lag_days": "median_commission_lag_days", "incurred_loss": "incurred",
}


def _metrics_of(folder: Path, owner: Any = None) -> dict[str, Any]:
    """Every metric of the folder, read with the owner's column and product mappings and computed
    with his assumptions (the defaults when ``owner`` is None)."""
    from agency_xl.ams import read_exports
    from agency_xl.assumptions import Assumptions
    from agency_xl.metrics import all_metrics

    data = read_exports(folder, owner.mappings if owner else None)
    return flatten(all_metrics(data, owner.assumptions if owner else Assumptions()))


def _fingerprint(owner: Any) -> str:
    """A short name for the owner's settings, so results under other settings are kept apart."""
    if owner is None:
        return ""
    text = json.dumps([owner.assumptions.model_dump(), sorted(map(str, owner.mappings.columns.items())),
                       sorted(owner.mappings.products.items())], sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


# The calling workbook's Settings, read at most once per CHECK_SECONDS per workbook: reading a
# sheet through Excel costs milliseconds, too much to do for every cell that recalculates.
_SETTINGS_SEEN: dict[str, tuple[float, Path | None, Any, str]] = {}  # time, folder, settings, fingerprint


@dataclass(frozen=True)
class RefreshMetrics:
    """What the What-If sheet hands AMS_METRIC and AMS_METRICS as their ``caller`` (in Excel, the
    calling cell): the metrics of the refresh being laid out (``flatten``-ed), which are what the
    functions would find in the workbook's exports folder with its Settings. The examples show the
    folder's figures without reading it again, and nothing is put in the cache."""

    metrics: dict[str, Any]


def _metrics_for(exports_folder: Any, caller: Any) -> dict[str, Any]:
    """The metrics for a worksheet call: of the folder given as an argument (default settings), or
    of the folder on the calling workbook's Settings sheet, with that sheet's settings (or, from
    the What-If sheet, the refresh's own: ``RefreshMetrics``)."""
    if isinstance(caller, RefreshMetrics) and exports_folder in (None, ""):
        return caller.metrics
    if exports_folder not in (None, ""):
        folder, owner, variant = Path(text(exports_folder, "exports_folder")), None, ""
    else:
        folder, owner, variant = _owner_from_caller(caller)
    try:
        return CACHE.get(folder, lambda f: _metrics_of(f, owner), variant)
    except FileNotFoundError as exc:
        raise ArgError(str(exc)) from None


def flatten(metrics: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested metrics as one level, at every depth: {"profitability": {"loss_ratio": x}} ->
    "profitability.loss_ratio", {"forecast_accuracy": {"cash": {"1": {"mape": x}}}} ->
    "forecast_accuracy.cash.1.mape". Dicts keyed by product or month stay dicts under their own
    name (AMS_METRIC's product and month arguments pick from them); so does ``rows_rejected``."""
    out: dict[str, Any] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name != "rows_rejected" and not _is_lookup(value):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def group(metrics: dict[str, Any], name: str) -> dict[str, Any]:
    """The members of a group of flattened metrics, by the rest of their name, in their order:
    group(m, "cross_sell.retention_by_product_count") -> {"1": 0.85, "2": 0.99, "3+": 1.0} (a
    member's key may hold a dot: a vendor "Leads.com"); a figure kept as a dict (by product or
    month) as it is; {} when there is no such group. For groups of values, not of groups."""
    value = metrics.get(name)
    if isinstance(value, dict):
        return value
    start = name + "."
    return {k[len(start):]: v for k, v in metrics.items() if k.startswith(start)}


def _is_lookup(d: dict[str, Any]) -> bool:
    """A dict keyed by product or month (a lookup table), not a group of metrics."""
    from agency_xl.vocabulary import PRODUCTS

    keys = list(d)
    return bool(keys) and all(k in PRODUCTS or (len(k) == 7 and k[4] == "-") for k in keys)


def _owner_from_caller(caller: Any) -> tuple[Path, Any, str]:
    """The exports folder and the settings on the calling workbook's Settings sheet (xlwings
    passes the calling cell as ``caller``), and the settings' ``_fingerprint``."""
    if caller is None:
        raise ArgError("exports_folder is empty and there is no Settings sheet to read it from")
    folder, owner, variant = _settings_of(caller)
    if folder is None:
        raise ArgError("the exports folder on Settings is empty")
    return folder, owner, variant


def _settings_of(caller: Any) -> tuple[Path | None, Any, str]:
    """The exports folder (None when Settings names none), the settings of the calling cell's
    workbook and their ``_fingerprint``, read at most once per ``CACHE.check_seconds``: an empty
    folder too, since the functions that then use the plan's values are called as often as any
    (and the fingerprint costs a hundred microseconds, more than the cached call itself)."""
    from agency_xl.assumptions.sheet import SETTINGS_SHEET, parse_settings

    book = caller.sheet.book
    now = CACHE.clock()
    seen = _SETTINGS_SEEN.get(book.fullname)
    if seen is not None and now - seen[0] < CACHE.check_seconds:
        return seen[1], seen[2], seen[3]
    owner = parse_settings(book.sheets[SETTINGS_SHEET].used_range.value or [], SETTINGS_SHEET)
    folder = None
    if owner.exports_folder:
        p = Path(owner.exports_folder).expanduser()
        folder = p if p.is_absolute() else Path(book.fullname).parent / p
    variant = _fingerprint(owner)
    _SETTINGS_SEEN[book.fullname] = (now, folder, owner, variant)
    return folder, owner, variant


def workbook_metrics(caller: Any) -> tuple[dict[str, Any] | None, str]:
    """The metrics of the exports folder on the calling workbook's Settings, as AMS_METRIC reads
    them (``RefreshMetrics`` from the What-If sheet), or None and why not: no calling workbook, no
    folder on Settings, a folder that is missing or cannot be read. For the functions whose blank
    arguments take the owner's measured values and otherwise the plan's: they must keep working
    on a blank sheet, so nothing here raises."""
    if isinstance(caller, RefreshMetrics):
        return caller.metrics, ""
    if caller is None:
        return None, "no exports folder read"
    try:
        return _metrics_for(None, caller), ""
    except ArgError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a workbook without Settings, an unreadable folder: the plan's values
        return None, f"the exports folder could not be read ({type(exc).__name__})"


MONTH_TEXT = ("%Y-%m", "%b %Y", "%B %Y", "%m/%Y")  # a month written without its day


def _month_key(month: Any) -> str:
    """The "YYYY-MM" key of a month given as a date cell, an Excel serial number (what
    =DATE(2025,10,1) hands a function), text naming a month ("2025-10", "Oct 2025") or a date as
    text ("2025-10-15")."""
    month = cell(month, "month")
    if not isinstance(month, str):
        return f"{date_value(month, 'month'):%Y-%m}"
    s = month.strip()
    for fmt in MONTH_TEXT:
        try:
            return dt.datetime.strptime(s, fmt).strftime("%Y-%m")
        except ValueError:
            continue
    try:
        return f"{date_value(s, 'month'):%Y-%m}"
    except ArgError:
        raise ArgError(f"month must be a date or text like 2025-10, not {s[:40]!r}") from None


def _name_in(metrics: dict[str, Any], name: str) -> str | None:
    """The metric's own name for ``name``, whatever its case ("segments.share_by_tier.elite" finds
    "segments.share_by_tier.Elite"); None when there is none."""
    if name in metrics:
        return name
    low = name.lower()
    if low in metrics:
        return low
    return next((k for k in metrics if k.lower() == low), None)


def lookup(metrics: dict[str, Any], name: str, product: str | None, month: str | None) -> Any:
    key = ALIASES.get(name.lower(), name)
    candidates = [key]
    if product:
        candidates = [f"{key}_by_product", key]
    if month:
        candidates = [f"{key}_by_month", key]
    sub = product or month
    if sub and _name_in(metrics, f"{key}.{sub}"):
        # A group named with its member as the product argument, e.g. ("segments.share_by_tier",
        # "Elite"): the same figure as "segments.share_by_tier.Elite".
        candidates = [f"{key}.{sub}"]
        sub = None
    for cand in candidates:
        found = _name_in(metrics, cand)
        if found is not None:
            value = metrics[found]
            break
    else:
        base = key.split(".")[0].lower()
        if base in SOURCE or base in {k.split(".")[0] for k in metrics}:
            from agency_xl.ams.reports import REPORTS
            report = SOURCE.get(base)
            title = REPORTS[report].title if report else "the export this model needs"
            raise ArgError(f"{name} needs the {title} export; add it to the exports folder")
        raise ArgError(f"unknown metric {name!r}; =AMS_METRICS() lists the names")
    if isinstance(value, dict):
        if sub is None:
            raise ArgError(f"{name} is given by {'product' if _is_lookup(value) and not month else 'month'}; "
                           "add the product or month argument")
        if sub not in value:
            raise ArgError(f"{name} has no value for {sub!r}; available: {', '.join(sorted(value))[:150]}")
        value = value[sub]
    elif sub is not None:
        raise ArgError(f"{name} is not given by {'product' if product else 'month'}")
    if isinstance(value, (list, dict)):
        raise ArgError(f"{name} is a list, not a number; see agency-xl metrics")
    return value


@worksheet_function(
    CATEGORY,
    "A figure from your AMS exports, e.g. retention, premium_in_force, profitability.combined_ratio. "
    "=AMS_METRICS() lists the names. Reads the exports folder on Settings.",
    {
        "name": "The metric's name, e.g. \"retention\" or \"profitability.loss_ratio\".",
        "product": "Optional. A product, e.g. \"Auto\", for metrics given by product.",
        "month": "Optional. A month for metrics given by month: a date, e.g. DATE(2025,10,1), or text "
                 "like \"2025-10\".",
        "exports_folder": "Optional. The exports folder; by default the one on the Settings sheet.",
        "caller": "Filled in by Excel: the calling cell (not typed).",
    },
    example='"retention"',
    unit="as the metric",
    kinds={"name": "text", "product": "text", "month": "date", "exports_folder": "text", "caller": "caller"},
    volatile=True,  # new exports change the result without any argument changing
)
def AMS_METRIC(name: Any, product: Any = None, month: Any = None, exports_folder: Any = None,
               caller: Any = None) -> Any:
    metric = text(name, "name")
    prod = text(product, "product", default="") or None
    mon = _month_key(month) if cell(month, "month") is not None else None
    return lookup(_metrics_for(exports_folder, caller), metric, prod, mon)


@worksheet_function(
    CATEGORY,
    "Spills the names AMS_METRIC accepts, with today's value and whether a product or month is needed.",
    {
        "exports_folder": "Optional. The exports folder; by default the one on the Settings sheet.",
        "caller": "Filled in by Excel: the calling cell (not typed).",
    },
    example="",
    returns="table",
    unit="table",
    kinds={"exports_folder": "text", "caller": "caller"},
    volatile=True,  # new exports change the result without any argument changing
)
def AMS_METRICS(exports_folder: Any = None, caller: Any = None) -> list[list[Any]]:
    metrics = _metrics_for(exports_folder, caller)
    rows: list[list[Any]] = [["Name", "Value", "Needs"]]
    for key in sorted(metrics):
        value = metrics[key]
        if isinstance(value, dict):
            needs = ("month" if all(len(k) == 7 and k[4] == "-" for k in value) else "product" if _is_lookup(value)
                     else "product argument, one of: " + ", ".join(sorted(value)))  # rows_rejected: by report
            rows.append([key.removesuffix("_by_product").removesuffix("_by_month"), None, needs])
        elif isinstance(value, (int, float, str, bool)) or value is None:
            rows.append([key, value, ""])
    return rows


@worksheet_function(
    CATEGORY,
    "Spills the history of a figure: the as-of date and value at each Refresh, from the history file "
    "beside this workbook, e.g. \"profitability.combined_ratio\". Names as in AMS_METRICS, by product "
    "like \"retention_by_product.Auto\".",
    {
        "name": "The figure's name, e.g. \"retention\", \"profitability.combined_ratio\" or "
                "\"segments.share_by_tier.Elite\".",
        "last": "Optional. Only the last N refreshes, e.g. 12 (a chart of the last year); by default all.",
        "caller": "Filled in by Excel: the calling cell (not typed).",
    },
    example='"profitability.combined_ratio", 12',
    returns="table",
    unit="table",
    kinds={"name": "text", "caller": "caller"},
    volatile=True,  # a Refresh adds to the history file without any argument changing
    dates=True,
)
def AMS_HISTORY(name: Any, last: Any = None, caller: Any = None) -> list[list[Any]]:
    wanted = text(name, "name")
    keep = integer(last, "last", 1, 100_000) if cell(last, "last") is not None else None
    if caller is None:
        raise ArgError("there is no calling workbook to find the history file beside")
    try:
        path = history.history_path(caller.sheet.book.fullname)
        key, series = _history_of(path, ALIASES.get(wanted.lower(), wanted))
    except history.HistoryError as exc:
        raise ArgError(_short(str(exc))) from None
    if keep is not None:
        series = series[-keep:]
    rows: list[list[Any]] = [["As of", key]]
    rows += [[dt.datetime.combine(day, dt.time()), value] for day, value in series]
    return rows


def _history_of(path: Path, name: str) -> tuple[str, list[tuple[dt.date, Any]]]:
    """The recorded name and series of ``name`` in the history file ``path``, matched exactly, else
    ignoring case; ArgError naming close names when there is none."""
    series = history.kpi_series(path, name)
    if series:
        return name, series
    names = history.kpi_names(path)
    if not names:
        raise ArgError(f"no history yet in {path.name}: each Refresh records its figures there, beside "
                       "the workbook; press Refresh")
    by_lower = {n.lower(): n for n in names}
    if name.lower() in by_lower:
        return by_lower[name.lower()], history.kpi_series(path, by_lower[name.lower()])
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
    hint = f"close names: {', '.join(by_lower[c] for c in close)}" if close else "=AMS_METRICS() lists the names"
    raise ArgError(_short(f"{name!r} is not in the history; {hint}"))


def _short(message: str) -> str:
    """At most what the cell shows in full with its "#VALUE! " (MAX_TEXT characters in all)."""
    room = MAX_TEXT - len("#VALUE! ")
    return message if len(message) <= room else message[:room - 3] + "..."
