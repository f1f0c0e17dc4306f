"""The history file beside the workbook (issue 13.3): one snapshot per refresh and as-of date, kept
through refreshing twice, an interrupted refresh, an exception inside the recording, a read-only,
damaged, locked or newer file; forecasts against what happened; =AMS_HISTORY through xlwings.

Expected values are written by hand in the tests (the numbers of the snapshots they record), or
counted from the generator's own agency (``simulate_agency``), never by the code under test."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import xlwings_harness as xh

from agency_xl.cli import main
from agency_xl import history
from agency_xl.history import Actual, Forecast, HistoryError, Snapshot
from agency_xl.excel.refresh_history import history_rows, record_refresh
from agency_xl.sample_data import simulate_agency, write_sample_exports

ROOT = Path(__file__).resolve().parent.parent
UDFS = xh.udf_module()
OCT, SEP = dt.date(2025, 10, 31), dt.date(2025, 9, 30)
AT = dt.datetime(2025, 11, 3, 8, 30)


def metrics(as_of: str, households: int, combined_ratio: float, **more):  # noqa: ANN003, ANN201
    """A small metrics dict, shaped like ``agency-xl metrics`` prints it."""
    return {"as_of": as_of, "households": households,
            "profitability": {"combined_ratio": combined_ratio, "bonus_status": "FULL_BONUS"}, **more}


def contents(path: Path) -> dict:
    """Everything the history file holds, read with sqlite3 directly."""
    with contextlib.closing(sqlite3.connect(path)) as c:
        return {t: sorted(c.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("schema_version", "snapshots", "kpis", "forecasts", "actuals")}


def book_with_history(tmp_path: Path) -> tuple[Path, Path]:
    """A workbook path whose history holds two refreshes (Sep and Oct)."""
    book = tmp_path / "agency_dashboard.xlsm"
    assert record_refresh(book, metrics("2025-09-30", 1000, 0.91), dt.datetime(2025, 10, 2, 9, 0)) is None
    assert record_refresh(book, metrics("2025-10-31", 1011, 0.88), AT) is None
    return book, history.history_path(book)


# --- the file and its snapshots ------------------------------------------------------------------

def test_named_after_the_workbook_beside_it():
    assert history.history_path(Path("C:/Agency/agency_dashboard.xlsm")) == \
        Path("C:/Agency/agency_dashboard.history.sqlite")
    assert history.history_path("reports/scheduled.xlsx") == Path("reports/scheduled.history.sqlite")
    with pytest.raises(HistoryError, match="web address"):
        history.history_path("https://d.docs.live.net/1234/Agency/agency_dashboard.xlsm")


def test_created_on_first_use_with_its_schema_version(tmp_path):
    path = tmp_path / "book.history.sqlite"
    assert history.snapshots(path) == [] and not path.exists()  # reading never creates it
    history.record(path, Snapshot(OCT, {"households": 1011}), AT)
    assert contents(path)["schema_version"] == [(history.SCHEMA_VERSION,)]
    assert history.snapshots(path) == [(OCT, AT)]


def test_same_as_of_replaces_the_snapshot_a_new_as_of_adds_one(tmp_path):
    path = tmp_path / "book.history.sqlite"
    history.record(path, Snapshot(OCT, {"households": 1011, "referrals": 113},
                                  [Forecast("s", OCT, "2025-11", 5.0)], [Actual("s", "2025-10", 4.0)]), AT)
    later = AT + dt.timedelta(hours=2)
    history.record(path, Snapshot(OCT, {"households": 1012}), later)  # the referral log was removed
    assert history.snapshots(path) == [(OCT, later)]
    assert history.kpis_at(path, OCT) == {"households": 1012.0}  # replaced, not merged
    assert history.forecast_vs_actual(path, pending=True).empty
    history.record(path, Snapshot(SEP, {"households": 1000}), later)  # an earlier as-of, recorded last
    assert [s[0] for s in history.snapshots(path)] == [SEP, OCT]
    assert history.kpi_series(path, "households") == [(SEP, 1000.0), (OCT, 1012.0)]


def test_kpis_keep_numbers_text_and_blanks(tmp_path):
    path = tmp_path / "book.history.sqlite"
    history.record(path, Snapshot(OCT, {"a": 3, "b": "FULL_BONUS", "c": None, "d": True, "e": float("nan")}), AT)
    assert history.kpis_at(path, OCT) == {"a": 3.0, "b": "FULL_BONUS", "c": None, "d": 1.0, "e": None}
    assert history.kpi_names(path) == ["a", "b", "c", "d", "e"]


def test_forecast_against_what_happened_on_two_snapshots(tmp_path):
    """September's refresh forecast Oct (1 month ahead) and Dec (3 ahead); October's refresh shows
    what October sold and restates September. Each forecast meets the actual of the latest snapshot
    showing its month; horizons are counted from the month the forecast was made in."""
    path = tmp_path / "book.history.sqlite"
    history.record(path, Snapshot(SEP, {}, [
        Forecast("seasonality.policies_sold", SEP, "2025-10", 110.0),
        Forecast("seasonality.policies_sold", SEP, "2025-12", 130.0),
        Forecast("seasonality.policies_sold", dt.date(2025, 8, 31), "2025-09", 95.0),  # made a month earlier
        Forecast("cash_flow.net_cash_flow", SEP, "2025-10", -1000.0),
    ], [Actual("seasonality.policies_sold", "2025-08", 90.0),
        Actual("seasonality.policies_sold", "2025-09", 100.0)]), AT)
    history.record(path, Snapshot(OCT, {}, [
        Forecast("seasonality.policies_sold", OCT, "2025-11", 120.0),
    ], [Actual("seasonality.policies_sold", "2025-09", 101.0),  # restated by the later exports
        Actual("seasonality.policies_sold", "2025-10", 100.0)]), AT)

    got = history.forecast_vs_actual(path)
    rows = [tuple(r) for r in got[["series", "made_from", "month", "horizon", "forecast", "actual",
                                   "actual_as_of"]].itertuples(index=False)]
    assert rows == [
        ("seasonality.policies_sold", dt.date(2025, 8, 31), "2025-09", 1, 95.0, 101.0, OCT),
        ("seasonality.policies_sold", SEP, "2025-10", 1, 110.0, 100.0, OCT),
    ]
    pending = history.forecast_vs_actual(path, "seasonality.policies_sold", pending=True)
    assert list(zip(pending["month"], pending["horizon"])) == [("2025-09", 1), ("2025-10", 1), ("2025-11", 1),
                                                               ("2025-12", 3)]
    assert pending["actual"].isna().tolist() == [False, False, True, True]
    assert history.forecast_vs_actual(path, "cash_flow.net_cash_flow").empty  # no actual recorded for it


def test_months_between():
    assert history.months_between(dt.date(2025, 10, 31), "2025-11") == 1
    assert history.months_between(dt.date(2025, 10, 15), "2026-10") == 12
    assert history.months_between(dt.date(2025, 12, 1), "2026-01") == 1
    assert history.months_between(dt.date(2025, 10, 31), "2025-10") == 0


# --- the adapter from today's metrics ------------------------------------------------------------

def test_history_rows_from_a_metrics_dict():
    m = metrics("2025-10-15", 1011, 0.84,
                retention_by_product={"Auto": 0.88}, problems=["a problem"],
                sales_by_month={"2025-08": 20, "2025-09": 12, "2025-10": 7},
                seasonality={"renewals_by_month": {"2025-11": 83, "2025-12": 109},
                             "staff_needed_by_month": {"2025-11": 1.5, "2025-12": None},
                             "index_by_year": {"Year to Oct 2025": {"Jan": 120.0}}, "peak_month": "May"},
                cash_flow={"net_cash_flow_next_month": -20309.39, "cash_position_month_12": 40732.46,
                           "fallbacks_used": []},
                referral_growth={"projected_customers_12m": 1036.1})
    rows = history_rows(m)
    assert rows.as_of == dt.date(2025, 10, 15)
    assert rows.kpis == {"households": 1011, "profitability.combined_ratio": 0.84,
                         "profitability.bonus_status": "FULL_BONUS", "retention_by_product.Auto": 0.88,
                         "seasonality.peak_month": "May", "cash_flow.net_cash_flow_next_month": -20309.39,
                         "cash_flow.cash_position_month_12": 40732.46,
                         "referral_growth.projected_customers_12m": 1036.1}
    made = dt.date(2025, 10, 15)
    assert sorted(rows.forecasts, key=lambda f: (f.series, f.month)) == [
        Forecast("cash_flow.cash_position", made, "2026-10", 40732.46),
        Forecast("cash_flow.net_cash_flow", made, "2025-11", -20309.39),
        Forecast("referral_growth.customers", made, "2026-10", 1036.1),
        Forecast("seasonality.renewals_due", made, "2025-11", 83.0),
        Forecast("seasonality.renewals_due", made, "2025-12", 109.0),
        Forecast("seasonality.staff_needed", made, "2025-11", 1.5),
    ]
    # October is not over on Oct 15: its sales so far are not October's actual.
    assert sorted(rows.actuals, key=lambda a: (a.series, a.month)) == [
        Actual("referral_growth.customers", "2025-10", 1011.0),
        Actual("seasonality.policies_sold", "2025-08", 20.0),
        Actual("seasonality.policies_sold", "2025-09", 12.0),
    ]
    month_end = history_rows(dict(m, as_of="2025-10-31"))
    assert {a.month for a in month_end.actuals if a.series == "seasonality.policies_sold"} == \
        {"2025-08", "2025-09", "2025-10"}


# --- faults: nothing in the file is lost --------------------------------------------------------

STALL = """
import datetime as dt, sys, time
from agency_xl import history

class Stalling(dict):
    # KPIs that stop coming after many rows: the recording is mid-transaction, the old snapshot of
    # this as-of already deleted and the new rows more than SQLite's page cache holds.
    def items(self):
        for i in range(60000):
            yield f"kpi.{i:06d}." + "x" * 80, float(i)
        print("stalled", flush=True)
        time.sleep(600)

history.record(sys.argv[1], history.Snapshot(dt.date(2025, 10, 31), Stalling()), dt.datetime(2025, 11, 4))
"""


def _python(code: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def test_a_refresh_killed_in_the_middle_of_recording_loses_nothing(tmp_path):
    book, path = book_with_history(tmp_path)
    before = contents(path)
    size = path.stat().st_size
    writer = _python(STALL, str(path))
    try:
        assert writer.stdout.readline().strip() == "stalled"
        journal = path.with_name(path.name + "-journal")
        assert journal.exists() and path.stat().st_size > size  # the file itself was being written
    finally:
        writer.kill()
        writer.wait()
    assert contents(path) == before  # SQLite rolled the half-written refresh back on opening
    assert not journal.exists()
    assert history.kpi_series(path, "households") == [(SEP, 1000.0), (OCT, 1011.0)]
    assert record_refresh(book, metrics("2025-10-31", 1012, 0.87), AT) is None  # and it goes on working
    assert history.kpi_series(path, "households") == [(SEP, 1000.0), (OCT, 1012.0)]


def test_an_exception_inside_the_recording_loses_nothing(tmp_path):
    book, path = book_with_history(tmp_path)
    before = contents(path)
    kpis = {f"kpi.{i}": float(i) for i in range(5000)} | {"broken": object()}
    with pytest.raises(TypeError, match="broken"):
        history.record(path, Snapshot(OCT, kpis), AT)  # replacing October, failing near the end
    with pytest.raises(ValueError, match="2025-13"):
        history.record(path, Snapshot(OCT, {}, actuals=[Actual("s", "2025-13", 1.0)]), AT)
    assert contents(path) == before
    # Through the refresh's call: a problem to show, not an exception into the refresh.
    problem = record_refresh(book, {"households": 1}, AT)  # no as-of: a fault in the caller
    assert problem.startswith("History not recorded: KeyError") and "unchanged" in problem
    assert contents(path) == before


@contextlib.contextmanager
def read_only(path: Path):  # noqa: ANN201
    """``path`` (a file or a folder) read-only for this process: chmod, and for root, whom chmod
    does not stop, the immutable attribute."""
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    immutable = getattr(os, "geteuid", lambda: 1)() == 0
    if immutable and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        path.chmod(mode)
        pytest.skip("running as root on a file system without chattr: cannot make a file read-only")
    try:
        probe = path / "probe" if path.is_dir() else path
        with pytest.raises(OSError):
            probe.open("ab").close()
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def test_read_only_history_file(tmp_path):
    book, path = book_with_history(tmp_path)
    before = contents(path)
    with read_only(path):
        problem = record_refresh(book, metrics("2025-11-30", 1020, 0.86), AT)
        assert problem == (f"History not recorded: the history file {path} is read-only, so agency_xl could "
                           f"not record this refresh in it; clear 'Read-only' in the file's Properties (or "
                           f"keep the workbook in a folder you can write to) and refresh again.")
        assert history.kpi_series(path, "households") == [(SEP, 1000.0), (OCT, 1011.0)]  # still readable
        assert _history_cell(book, "households")[1:] == [[dt.datetime(2025, 9, 30), 1000.0],
                                                         [dt.datetime(2025, 10, 31), 1011.0]]
    assert contents(path) == before


def test_read_only_folder_without_history_yet(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    with read_only(folder):
        problem = record_refresh(folder / "book.xlsx", metrics("2025-10-31", 1011, 0.88), AT)
    assert problem.startswith(f"History not recorded: the history file {folder / 'book.history.sqlite'} "
                              "cannot be opened or created (is its folder read-only, or gone?)")
    assert not (folder / "book.history.sqlite").exists()


def _damage_a_page(path: Path, page: int) -> None:
    data = bytearray(path.read_bytes())
    data[(page - 1) * 4096: page * 4096] = b"\x5a" * 4096
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["not a database", "a damaged page"])
def test_damaged_history_file_is_reported_and_left_alone(tmp_path, damage):
    book = tmp_path / "agency_dashboard.xlsm"
    path = history.history_path(book)
    if damage == "not a database":
        path.write_text("This is a note the owner saved under the history file's name.\n" * 100)
    else:
        _, path = book_with_history(tmp_path)
        for day in range(1, 10):  # enough rows for a table to span many pages
            history.record(path, Snapshot(dt.date(2025, 1, day), {f"k{i}": float(i) for i in range(400)}), AT)
        _damage_a_page(path, path.stat().st_size // 4096 - 2)
    before = path.read_bytes()
    problem = record_refresh(book, metrics("2025-11-30", 1020, 0.86), AT)
    assert problem.startswith(f"History not recorded: the history file {path} is damaged (")
    assert problem.endswith("move it elsewhere or delete it (it only keeps past refreshes; the next refresh "
                            "starts a new one).")
    assert path.read_bytes() == before  # never overwritten


def test_locked_history_file(tmp_path, monkeypatch):
    book, path = book_with_history(tmp_path)
    before = contents(path)
    monkeypatch.setattr(history, "LOCK_TIMEOUT_SECONDS", 0.3)
    holder = _python("import sqlite3, sys\n"
                     "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                     "c.execute('BEGIN IMMEDIATE')\n"
                     "print('locked', flush=True)\n"
                     "sys.stdin.read()\n", str(path))
    try:
        assert holder.stdout.readline().strip() == "locked"
        t = time.perf_counter()
        problem = record_refresh(book, metrics("2025-11-30", 1020, 0.86), AT)
        waited = time.perf_counter() - t
        assert problem.startswith(f"History not recorded: the history file {path} is in use by another program")
        assert 0.25 <= waited < 3  # waited for the lock, briefly
        assert history.kpi_series(path, "households")[-1] == (OCT, 1011.0)  # others may still read
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert contents(path) == before
    assert record_refresh(book, metrics("2025-11-30", 1020, 0.86), AT) is None  # once released


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    book, path = book_with_history(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as c:
        c.execute("UPDATE schema_version SET version = ?", (history.SCHEMA_VERSION + 1,))
        c.commit()
    before = contents(path)
    problem = record_refresh(book, metrics("2025-11-30", 1020, 0.86), AT)
    assert problem == (f"History not recorded: the history file {path} was written by a newer agency_xl "
                       f"(history version 2; this one knows version 1), so it did not record this refresh "
                       f"in it; upgrade agency_xl (README, 'Upgrading') and refresh again.")
    with pytest.raises(HistoryError, match="newer agency_xl"):
        history.kpi_series(path, "households")
    assert contents(path) == before


def test_another_programs_database_is_refused_and_left_alone(tmp_path):
    book = tmp_path / "agency_dashboard.xlsm"
    path = history.history_path(book)
    with contextlib.closing(sqlite3.connect(path)) as c:
        c.execute("CREATE TABLE customers (name TEXT)")
        c.execute("INSERT INTO customers VALUES ('Smith')")
        c.commit()
    before = path.read_bytes()
    assert "is a database of another program" in record_refresh(book, metrics("2025-10-31", 1, 0.9), AT)
    assert path.read_bytes() == before


# --- =AMS_HISTORY through xlwings' call path -----------------------------------------------------

class _Caller:
    """What xlwings passes as ``caller``: the calling cell, whose book has a full name."""

    def __init__(self, fullname: Path | str) -> None:
        book = type("Book", (), {"fullname": str(fullname)})()
        self.sheet = type("Sheet", (), {"book": book})()


def _history_cell(book: Path, name: object, last: object = xh.MISSING) -> list[list]:
    return xh.call_like_excel(UDFS, "AMS_HISTORY", name, last, caller=_Caller(book))


def test_ams_history_spills_the_series_as_dates_and_values(tmp_path):
    book, _ = book_with_history(tmp_path)
    assert _history_cell(book, "profitability.combined_ratio") == [
        ["As of", "profitability.combined_ratio"],
        [dt.datetime(2025, 9, 30), 0.91],
        [dt.datetime(2025, 10, 31), 0.88],
    ]
    assert _history_cell(book, "profitability.bonus_status")[2] == [dt.datetime(2025, 10, 31), "FULL_BONUS"]
    # Registered with xlwings' value conversion, not "raw": that is what turns the dates into Excel dates.
    assert UDFS.AMS_HISTORY.__xlfunc__["ret"]["options"].get("convert") != "raw"
    assert "Application.Volatile" in \
        xh.vba_wrappers(UDFS).split("Function AMS_HISTORY(name, Optional last)")[1].split("End Function")[0]
    # The last N refreshes only, for a chart of the last year.
    assert _history_cell(book, "households", 1) == [["As of", "households"], [dt.datetime(2025, 10, 31), 1011.0]]
    assert _history_cell(book, "households", 5)[1:] == [[dt.datetime(2025, 9, 30), 1000.0],
                                                        [dt.datetime(2025, 10, 31), 1011.0]]
    assert _history_cell(book, "households", 0) == [["#VALUE! last must be a number between 1 and 100000"]]


def test_ams_history_matches_names_as_the_owner_types_them(tmp_path):
    book = tmp_path / "agency_dashboard.xlsm"
    record_refresh(book, metrics("2025-10-31", 1011, 0.88, premium_in_force=3711035.34,
                                 retention_by_product={"Auto": 0.88}), AT)
    assert _history_cell(book, "Profitability.Combined_Ratio")[0] == ["As of", "profitability.combined_ratio"]
    assert _history_cell(book, "premium")[1] == [dt.datetime(2025, 10, 31), 3711035.34]  # AMS_METRIC's alias
    assert _history_cell(book, "retention_by_product.Auto")[1] == [dt.datetime(2025, 10, 31), 0.88]


def test_ams_history_readable_errors(tmp_path):
    book = tmp_path / "agency_dashboard.xlsm"
    assert _history_cell(book, "households") == [[
        "#VALUE! no history yet in agency_dashboard.history.sqlite: each Refresh records its figures there, "
        "beside the workbook; press Refresh"]]
    book, path = book_with_history(tmp_path)
    assert _history_cell(book, "profitability.combined_ration") == [[
        "#VALUE! 'profitability.combined_ration' is not in the history; close names: "
        "profitability.combined_ratio, profitability.bonus_status"]]  # closest first
    assert _history_cell(book, "zzz") == [["#VALUE! 'zzz' is not in the history; =AMS_METRICS() lists the names"]]
    assert _history_cell(book, -2146826246) == [["#VALUE! name is an Excel error (#N/A)"]]
    _damage_a_page(path, 2)
    text = _history_cell(book, "households")[0][0]
    assert text.startswith("#VALUE! the history file agency_dashboard.history.sqlite is damaged (")


def test_what_if_shows_ams_history_as_a_spilled_formula():
    from agency_xl.dashboards import whatif

    sheet = whatif.build(None)
    formula = next(f for f in sheet.formulas if f.formula.startswith("=AMS_HISTORY("))
    assert formula.formula == '=AMS_HISTORY("profitability.combined_ratio", 12)'
    # Room below it for the header and the last 12 refreshes, so the table can grow without running
    # into the next example (#SPILL!).
    assert formula.spill == (13, 2)
    below = [f for f in sheet.formulas if int(f.cell[1:]) > int(formula.cell[1:])]
    assert min(int(f.cell[1:]) for f in below) > int(formula.cell[1:]) + 12


# --- the command-line refresh ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Small agencies as of two month-ends (the generator's: 120 households)."""
    root = tmp_path_factory.mktemp("history_exports")
    out = {}
    for day in (SEP, OCT):
        write_sample_exports(root / day.isoformat(), households=120, as_of=day)
        out[day] = root / day.isoformat()
    return out


def _households_in_force(as_of: dt.date) -> int:
    pol = simulate_agency(households=120, as_of=as_of).policies
    return int(pol.loc[pol["status"] == "In Force", "household_id"].nunique())


def test_command_line_refresh_twice_then_a_new_as_of(exports, tmp_path, capsys):
    out = tmp_path / "agency_dashboard.xlsx"
    path = history.history_path(out)
    assert main(["refresh", "--exports", str(exports[SEP]), "--out", str(out)]) == 0
    assert f"Recorded this refresh (as of 2025-09-30) in {path}" in capsys.readouterr().out
    assert "referrals" in history.kpis_at(path, SEP)

    without_referrals = tmp_path / "exports"
    without_referrals.mkdir()
    for f in exports[SEP].iterdir():
        if f.name != "Referral_Log.csv":
            (without_referrals / f.name).write_bytes(f.read_bytes())
    assert main(["refresh", "--exports", str(without_referrals), "--out", str(out)]) == 0
    assert [s[0] for s in history.snapshots(path)] == [SEP]  # replaced ...
    assert "referrals" not in history.kpis_at(path, SEP)  # ... by the second refresh's figures

    assert main(["refresh", "--exports", str(exports[OCT]), "--out", str(out)]) == 0
    assert [s[0] for s in history.snapshots(path)] == [SEP, OCT]
    assert history.kpi_series(path, "households") == [(SEP, _households_in_force(SEP)),
                                                       (OCT, _households_in_force(OCT))]
    # Both months are over on October 31: the October refresh records their policies sold.
    with contextlib.closing(sqlite3.connect(path)) as c:
        sold = {m for (m,) in c.execute("SELECT month FROM actuals WHERE series = 'seasonality.policies_sold'")}
    assert {"2025-09", "2025-10"} <= sold


@pytest.mark.parametrize("fault", ["damaged", "read-only"])
def test_command_line_refresh_fills_every_dashboard_when_the_history_cannot_be_written(
        exports, tmp_path, capsys, fault):
    out = tmp_path / "agency_dashboard.xlsx"
    path = history.history_path(out)
    if fault == "damaged":
        path.write_bytes(b"\x00garbage" * 512)
        guard = contextlib.nullcontext()
    else:
        history.record(path, Snapshot(SEP, {"households": 1.0}), AT)
        guard = read_only(path)
    before = path.read_bytes()
    with guard:
        assert main(["refresh", "--exports", str(exports[OCT]), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"warning: History not recorded: the history file {path} is {fault}" in captured.err
    assert path.read_bytes() == before
    profitability = openpyxl.load_workbook(out)["Profitability"]
    labels = {profitability.cell(r, 1).value: profitability.cell(r, 2).value for r in range(1, 40)}
    assert isinstance(labels["Combined ratio (12 months)"], float)
