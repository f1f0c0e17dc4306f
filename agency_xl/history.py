"""The history file beside the workbook: what every refresh found, kept in one SQLite file.

Where: beside the workbook, named after it: ``agency_dashboard.xlsm`` keeps its history in
``agency_dashboard.history.sqlite`` (``history_path``). Created on first use by the standard
library's sqlite3; nothing else is needed to read it (any SQLite tool opens it).

What one snapshot (one refresh) holds, as plain data (``Snapshot``), whatever computed it:
- its as-of date (the date of the exports) and when the refresh ran;
- KPIs: name -> number or text, e.g. "profitability.combined_ratio" -> 0.84;
- forecasts: series, the as-of date the forecast was made from, the month forecast, the value,
  e.g. ("cash_flow.net_cash_flow", 2025-10-31, "2025-11", -20309.39);
- actuals: what the exports show happened in a month, e.g. ("seasonality.policies_sold",
  "2025-09", 12).
Recording the same as-of date again replaces that snapshot (one transaction), so the file keeps
one snapshot per as-of date. ``forecast_vs_actual`` puts each forecast beside what a snapshot
(the latest one showing that month) says happened, with its horizon in months.

Faults: every problem with the file (in use by another program, read-only, damaged, written by a
newer agency_xl) raises ``HistoryError``, whose text names the file and says what to do. A
recording is one transaction: a failure or an interruption at any point (an exception, a killed
process, a full disk) leaves the file as it was; SQLite rolls an interrupted transaction back the
next time the file is opened. A damaged file is never overwritten or deleted: that is the owner's
choice, after reading the message. The exports are never touched here.

Concurrency: a refresh takes the write lock at the start of its transaction (``BEGIN IMMEDIATE``)
and waits at most ``LOCK_TIMEOUT_SECONDS`` for another writer; readers (=AMS_HISTORY) read while
a refresh writes and wait the same time for its commit. The classic rollback journal is used, not
WAL, so the file also works in a network folder.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Real
from pathlib import Path

import pandas as pd

SCHEMA_VERSION = 1
SUFFIX = ".history.sqlite"
LOCK_TIMEOUT_SECONDS = 2.0
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    as_of TEXT NOT NULL UNIQUE,        -- YYYY-MM-DD: the date of the exports
    refreshed_at TEXT NOT NULL         -- YYYY-MM-DDTHH:MM:SS, the refresh's local time
);
CREATE TABLE kpis (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    name TEXT NOT NULL,
    value,                             -- a number (REAL), text, or NULL
    PRIMARY KEY (snapshot_id, name)
);
CREATE INDEX kpis_by_name ON kpis (name);
CREATE TABLE forecasts (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    series TEXT NOT NULL,              -- "model.what", e.g. cash_flow.net_cash_flow
    made_from TEXT NOT NULL,           -- YYYY-MM-DD: the as-of date the forecast was made from
    month TEXT NOT NULL,               -- YYYY-MM: the month forecast
    value REAL NOT NULL,
    PRIMARY KEY (snapshot_id, series, made_from, month)
);
CREATE TABLE actuals (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    series TEXT NOT NULL,
    month TEXT NOT NULL,               -- YYYY-MM
    value REAL NOT NULL,
    PRIMARY KEY (snapshot_id, series, month)
);
"""
TABLES = {"schema_version", "snapshots", "kpis", "forecasts", "actuals"}


class HistoryError(Exception):
    """The history file cannot be read or written. The message names the file and says what to do;
    the refresh shows it (the dashboards are filled all the same)."""


@dataclass(frozen=True)
class Forecast:
    """``value`` forecast for ``month`` ("YYYY-MM") from data as of ``made_from``."""

    series: str
    made_from: dt.date
    month: str
    value: float


@dataclass(frozen=True)
class Actual:
    """``value`` is what the exports show for ``month`` ("YYYY-MM")."""

    series: str
    month: str
    value: float


@dataclass(frozen=True)
class Snapshot:
    """What one refresh records. ``kpis``: name -> a number, text, True/False (kept as 1/0) or None."""

    as_of: dt.date
    kpis: Mapping[str, float | str | bool | None]
    forecasts: Sequence[Forecast] = ()
    actuals: Sequence[Actual] = ()


def history_path(workbook: str | Path) -> Path:
    """The history file of ``workbook``: beside it, named after it (``book.xlsm`` ->
    ``book.history.sqlite``). Raises HistoryError for a workbook opened from the web (a
    OneDrive or SharePoint address), which has no folder on this PC to keep it in."""
    text = str(workbook)
    if "://" in text:
        raise HistoryError(
            f"the workbook is open from a web address ({text[:80]}), so there is no folder on this PC "
            "to keep its history file in; open it from a folder on this PC (or a synced OneDrive folder) "
            "and refresh again")
    path = Path(text)
    return path.with_name(path.stem + SUFFIX)


# --- writing -------------------------------------------------------------------------------------

def record(path: str | Path, snapshot: Snapshot, refreshed_at: dt.datetime) -> None:
    """Record ``snapshot`` in the history file ``path`` (created when missing), replacing the
    snapshot of the same as-of date if there is one; all of it in one transaction.

    Raises HistoryError when the file cannot be written (the message says why and what to do);
    ValueError or TypeError for a snapshot holding what cannot be stored (a month not "YYYY-MM", a
    KPI that is neither number nor text). Either way the file is left exactly as it was."""
    path = Path(path)
    with _connection(path, _writing(path)) as conn:
        conn.execute("BEGIN IMMEDIATE")  # the write lock now, before any work, or a clear "in use"
        try:
            _check_or_create(conn, _writing(path), create=True)
            as_of = _day(snapshot.as_of, "as_of")
            old = conn.execute("SELECT id FROM snapshots WHERE as_of = ?", (as_of,)).fetchone()
            if old is not None:
                for table in ("kpis", "forecasts", "actuals"):
                    conn.execute(f"DELETE FROM {table} WHERE snapshot_id = ?", old)
                conn.execute("DELETE FROM snapshots WHERE id = ?", old)
            sid = conn.execute("INSERT INTO snapshots (as_of, refreshed_at) VALUES (?, ?)",
                               (as_of, refreshed_at.isoformat(timespec="seconds"))).lastrowid
            # Rows are converted while SQLite inserts them: a bad one stops the transaction there.
            conn.executemany("INSERT INTO kpis VALUES (?, ?, ?)",
                             ((sid, str(name), _kpi_value(name, v)) for name, v in snapshot.kpis.items()))
            conn.executemany("INSERT INTO forecasts VALUES (?, ?, ?, ?, ?)",
                             ((sid, f.series, _day(f.made_from, f.series), _month(f.month, f.series),
                               _number(f.value, f.series)) for f in snapshot.forecasts))
            conn.executemany("INSERT INTO actuals VALUES (?, ?, ?, ?)",
                             ((sid, a.series, _month(a.month, a.series), _number(a.value, a.series))
                              for a in snapshot.actuals))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # closing the connection rolls back as well; the first error is the news
            raise


def _kpi_value(name: str, value: object) -> float | str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Real):  # bool, int, float and numpy's numbers
        v = float(value)
        return v if math.isfinite(v) else None
    raise TypeError(f"history: KPI {name!r} is a {type(value).__name__}, not a number or text")


def _number(value: object, series: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"history: {series} value {value!r} is not a finite number")
    return float(value)


def _day(day: dt.date, what: str) -> str:
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        raise TypeError(f"history: {what} date {day!r} is not a date")
    return day.isoformat()


def _month(month: str, series: str) -> str:
    if not isinstance(month, str) or not MONTH.match(month):
        raise ValueError(f"history: {series} month {month!r} is not like 2025-10")
    return month


# --- reading -------------------------------------------------------------------------------------

def snapshots(path: str | Path) -> list[tuple[dt.date, dt.datetime]]:
    """(as-of date, refreshed at) of every snapshot, oldest as-of first; [] when there is no file."""
    with _reading(path) as conn:
        if conn is None:
            return []
        rows = conn.execute("SELECT as_of, refreshed_at FROM snapshots ORDER BY as_of").fetchall()
    return [(dt.date.fromisoformat(a), dt.datetime.fromisoformat(r)) for a, r in rows]


def kpi_series(path: str | Path, name: str) -> list[tuple[dt.date, float | str | None]]:
    """(as-of date, value) of the KPI ``name`` (exactly as recorded) in every snapshot that has
    it, oldest first; [] when no snapshot has it."""
    with _reading(path) as conn:
        if conn is None:
            return []
        rows = conn.execute("SELECT s.as_of, k.value FROM kpis k JOIN snapshots s ON s.id = k.snapshot_id "
                            "WHERE k.name = ? ORDER BY s.as_of", (name,)).fetchall()
    return [(dt.date.fromisoformat(a), v) for a, v in rows]


def kpi_names(path: str | Path) -> list[str]:
    """Every KPI name any snapshot recorded, sorted."""
    with _reading(path) as conn:
        if conn is None:
            return []
        return [r[0] for r in conn.execute("SELECT DISTINCT name FROM kpis ORDER BY name")]


def kpis_at(path: str | Path, as_of: dt.date) -> dict[str, float | str | None]:
    """Every KPI of the snapshot of ``as_of``; {} when there is none."""
    with _reading(path) as conn:
        if conn is None:
            return {}
        return dict(conn.execute("SELECT k.name, k.value FROM kpis k JOIN snapshots s ON s.id = k.snapshot_id "
                                 "WHERE s.as_of = ?", (as_of.isoformat(),)).fetchall())


def kpi_table(path: str | Path) -> pd.DataFrame:
    """Every KPI of every snapshot: one row per as-of date (``datetime.date``, oldest first), one
    column per KPI name, NaN where a snapshot did not record that KPI; empty when there is no file."""
    with _reading(path) as conn:
        rows = [] if conn is None else conn.execute(
            "SELECT s.as_of, k.name, k.value FROM kpis k JOIN snapshots s ON s.id = k.snapshot_id").fetchall()
    if not rows:
        return pd.DataFrame(index=pd.Index([], name="as_of", dtype="object"))
    long = pd.DataFrame(rows, columns=["as_of", "name", "value"])
    long["as_of"] = [dt.date.fromisoformat(a) for a in long["as_of"]]
    table = long.pivot(index="as_of", columns="name", values="value").sort_index()
    table.columns.name = None
    return table


# For each (series, month) the actual of the latest snapshot showing it (later exports are the more
# complete: commissions and claims arrive late); for each forecast (series, made from, month) the
# latest snapshot's, should two snapshots hold the same one.
FORECAST_VS_ACTUAL = """
WITH f AS (
    SELECT f.series, f.made_from, f.month, f.value,
           ROW_NUMBER() OVER (PARTITION BY f.series, f.made_from, f.month ORDER BY s.as_of DESC) AS pick
    FROM forecasts f JOIN snapshots s ON s.id = f.snapshot_id),
a AS (
    SELECT a.series, a.month, a.value, s.as_of,
           ROW_NUMBER() OVER (PARTITION BY a.series, a.month ORDER BY s.as_of DESC) AS pick
    FROM actuals a JOIN snapshots s ON s.id = a.snapshot_id)
SELECT f.series, f.made_from, f.month, f.value, a.value, a.as_of
FROM f LEFT JOIN a ON a.series = f.series AND a.month = f.month AND a.pick = 1
WHERE f.pick = 1
ORDER BY f.series, f.month, f.made_from
"""
COLUMNS = ["series", "made_from", "month", "horizon", "forecast", "actual", "actual_as_of"]


def forecast_vs_actual(path: str | Path, series: str | None = None, pending: bool = False) -> pd.DataFrame:
    """Every recorded forecast beside what happened, one row per forecast:

    series; made_from (date the forecast was made from); month ("YYYY-MM", the month forecast);
    horizon (months from made_from's month to that month: a forecast made as of 2025-10-31 for
    2025-11 has horizon 1); forecast; actual (the value the latest snapshot showing that month
    recorded); actual_as_of (that snapshot's as-of date).

    Only forecasts whose month some snapshot has shown, unless ``pending``: then forecasts still
    waiting for their month too, with actual NaN. ``series``: only that series."""
    with _reading(path) as conn:
        rows = [] if conn is None else conn.execute(FORECAST_VS_ACTUAL).fetchall()
    out = []
    for name, made_from, month, forecast, actual, actual_as_of in rows:
        if (series is not None and name != series) or (actual is None and not pending):
            continue
        made = dt.date.fromisoformat(made_from)
        out.append((name, made, month, months_between(made, month), forecast,
                    math.nan if actual is None else actual,
                    dt.date.fromisoformat(actual_as_of) if actual_as_of else None))
    frame = pd.DataFrame(out, columns=COLUMNS)
    return frame.astype({"horizon": "int64", "forecast": "float64", "actual": "float64"})


def months_between(made_from: dt.date, month: str) -> int:
    """Months from ``made_from``'s month to ``month`` ("YYYY-MM"): 2025-10-31 -> "2025-11" is 1."""
    year, mon = int(month[:4]), int(month[5:7])
    return (year * 12 + mon) - (made_from.year * 12 + made_from.month)


# --- the file ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Use:
    """What a message about the file says: the file as the owner knows it, what could not be done,
    and how to try again."""

    file: str
    doing: str
    again: str


def _writing(path: Path) -> _Use:
    return _Use(str(path), "record this refresh in it", "refresh again")


def _read_use(path: Path) -> _Use:
    # Read by worksheet functions and sheets beside the workbook: its name is enough, and short.
    return _Use(path.name, "read it", "try again")


@contextmanager
def _connection(path: Path, use: _Use) -> Iterator[sqlite3.Connection]:
    """A connection to ``path`` (SQLite creates the file when missing; a read-only file is opened
    read-only). Any SQLite or file-system error in the block becomes a HistoryError saying what
    happened and what to do."""
    conn = None
    try:
        # isolation_level None: sqlite3 opens no transaction of its own; ours are explicit.
        conn = sqlite3.connect(str(path), timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
        yield conn
    except sqlite3.Error as exc:
        raise HistoryError(_explain(exc, use)) from exc
    except OSError as exc:
        raise HistoryError(f"the history file {use.file} could not be used ({exc}), so agency_xl could "
                           f"not {use.doing}") from exc
    finally:
        if conn is not None:
            conn.close()


@contextmanager
def _reading(path: str | Path) -> Iterator[sqlite3.Connection | None]:
    """A connection that reads ``path`` (None when there is no history yet, so reading never
    creates the file). Opened read-write when the file allows, like a writer: a reader must be able
    to roll back a refresh that was interrupted before it can read."""
    path = Path(path)
    if not path.exists():
        yield None
        return
    use = _read_use(path)
    with _connection(path, use) as conn:
        yield conn if _check_or_create(conn, use, create=False) else None


def _check_or_create(conn: sqlite3.Connection, use: _Use, create: bool) -> bool:
    """Is ``conn`` a history file this agency_xl can use? An empty file gets the schema when
    ``create`` (inside the caller's transaction); returns False for an empty file otherwise.
    Raises HistoryError for another program's database, a damaged file or a newer schema."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        if create:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        return create
    if "schema_version" not in tables:
        raise HistoryError(f"{use.file} is a database of another program, not an agency_xl history file, "
                           f"so agency_xl did not {use.doing}; rename or move that file (a new history "
                           f"file is started at the next refresh)")
    found = conn.execute("SELECT version FROM schema_version").fetchall()
    version = found[0][0] if len(found) == 1 else None
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise HistoryError(f"the history file {use.file} was written by a newer agency_xl (history version "
                           f"{version}; this one knows version {SCHEMA_VERSION}), so it did not {use.doing}; "
                           f"upgrade agency_xl (README, 'Upgrading') and {use.again}")
    if version != SCHEMA_VERSION or not TABLES <= tables:
        raise HistoryError(_damaged(use, f"history version {version!r}, tables {', '.join(sorted(tables))}"))
    if create:  # before writing: a damaged file is reported, not written to
        problems = [r[0] for r in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise HistoryError(_damaged(use, " ".join(problems[0].split())))
    return True


def _damaged(use: _Use, detail: str) -> str:
    return (f"the history file {use.file} is damaged ({detail}), so agency_xl did not {use.doing}; move "
            f"it elsewhere or delete it (it only keeps past refreshes; the next refresh starts a new one)")


def _explain(exc: sqlite3.Error, use: _Use) -> str:
    """The owner's words for a SQLite error on the history file."""
    code = getattr(exc, "sqlite_errorname", "")  # Python 3.11+; the message below otherwise
    text = str(exc).lower()
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return (f"the history file {use.file} is in use by another program (another refresh, or a "
                f"program that has it open), so agency_xl could not {use.doing}; close that program or "
                f"let the other refresh finish, and {use.again}")
    if code.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return (f"the history file {use.file} is read-only, so agency_xl could not {use.doing}; clear "
                f"'Read-only' in the file's Properties (or keep the workbook in a folder you can write "
                f"to) and {use.again}")
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text or "malformed" in text:
        return _damaged(use, str(exc))
    if code.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or "unable to open" in text:
        return (f"the history file {use.file} cannot be opened or created (is its folder read-only, or "
                f"gone?), so agency_xl could not {use.doing}; keep the workbook in a folder you can "
                f"write to and {use.again}")
    if code.startswith("SQLITE_FULL") or "disk is full" in text:
        return f"the disk holding {use.file} is full, so agency_xl could not {use.doing}; free some space and {use.again}"
    return f"the history file {use.file} could not be used ({exc}), so agency_xl could not {use.doing}"
