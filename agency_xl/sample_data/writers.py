"""Writing the simulated agency as the messy files an AMS and a CRM export.

Every quirk here is one ../shared/AMS_EXPORTS.md says the reader must cope with: title rows
(a merged agency-name cell, "Run Date: 10/31/2025", the agency code) and a blank row above the
header, header aliases, product names as the AMS spells them, status variants, amounts as text
("$1,234.56", "-$12.00", "(1,234.56)", "—"), dates as text or bare serial numbers, IDs written as
numbers, policy numbers with leading zeros kept as text, stray spaces in keys, blank rows and
"Total"/"Grand Total"/"*** End of Report ***" rows inside and below the data, a CSV in
Windows-1252 and one in UTF-8 with a BOM. Which rows carry a quirk is drawn from the seed, so
the files are byte-identical for the same arguments (the workbooks' creation time is derived
from the as-of date, never the clock).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.agency import BONUS_POLICY, SampleAgency, simulate_agency
from agency_xl.sample_data.dates import EXCEL_EPOCH_OFFSET

DASH = "\u2014"  # "—": an AMS's way of saying "nothing"
BOOK_NAME_OF = {p.name: p.book_names for p in pf.PRODUCT_PROFILES}
TEXT_NUMBER_STYLES = ("zero", "LF", "BOP")  # policy numbers that are text in Excel


# ----------------------------------------------------------------------------- cell values


def _serials(s: pd.Series) -> list[float | None]:
    """Excel date serials of a datetime column (None for NaT)."""
    days = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    out = (days.astype(np.int64) + EXCEL_EPOCH_OFFSET).astype(float)
    return [None if bad else v for v, bad in zip(out.tolist(), np.isnat(days).tolist())]


def _mdy(ts: pd.Timestamp) -> str:
    return f"{ts.month:02d}/{ts.day:02d}/{ts.year}"


def _money_text(v: float, style: str = "dollar") -> str:
    """"$1,234.56" / "-$12.00" (dollar) or "(1,234.56)" for negatives (paren)."""
    if style == "paren" and v < 0:
        return f"({-v:,.2f})"
    return f"-${-v:,.2f}" if v < 0 else f"${v:,.2f}"


def _numbers(values, nan_as=None) -> list:
    """Python floats, NaN replaced by ``nan_as``."""
    arr = np.asarray(values, dtype=float)
    return [nan_as if np.isnan(v) else v for v in arr.tolist()]


def _pick(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Row positions that get a quirk; at least one when there are rows."""
    chosen = np.flatnonzero(rng.random(n) < share)
    if len(chosen) == 0 and n:
        chosen = np.array([int(rng.integers(n))])
    return chosen


def _policy_cells(numbers: pd.Series, product: pd.Series, rng: np.random.Generator | None,
                  padded_share: float) -> list:
    """Policy numbers as an AMS leaves them in Excel: the all-digit ones without a leading zero
    become numbers; the rest stay text, a few with a stray trailing space."""
    style = {p.name: p.number_style for p in pf.PRODUCT_PROFILES}
    out: list = []
    for no, prod in zip(numbers.tolist(), product.tolist()):
        if style.get(prod) == "nine":
            out.append(float(no))
        else:
            out.append(no)
    for i in _pick(rng, len(out), padded_share) if padded_share > 0 else ():
        if isinstance(out[i], str):
            out[i] = out[i] + " "
    return out


def product_names(policies: pd.DataFrame, rng: np.random.Generator) -> dict[str, str]:
    """The AMS name of each policy's product: mostly the usual one, sometimes a variant."""
    out = {}
    for no, prod in zip(policies["policy_number"].tolist(), policies["product"].tolist()):
        names = BOOK_NAME_OF.get(prod, (prod,))
        out[no] = names[0] if len(names) == 1 or rng.random() < 0.85 else names[
            1 + int(rng.integers(len(names) - 1))]
    return out


# ----------------------------------------------------------------------------- workbooks


class Sheet:
    """One worksheet written top to bottom (XlsxWriter's constant-memory mode)."""

    def __init__(self, wb: xlsxwriter.Workbook, name: str, widths: list[float]):
        self.wb = wb
        self.ws = wb.add_worksheet(name)
        self.row = 0
        self.ncols = len(widths)
        self.bold = wb.add_format({"bold": True})
        self.title_fmt = wb.add_format({"bold": True, "font_size": 14})
        for c, w in enumerate(widths):
            self.ws.set_column(c, c, w)

    def title(self, text: str, merged: bool = False) -> None:
        if merged:
            self.ws.merge_range(self.row, 0, self.row, self.ncols - 1, text, self.title_fmt)
        else:
            self.ws.write_string(self.row, 0, text)
        self.row += 1

    def blank(self) -> None:
        self.row += 1

    def header(self, names: list[str]) -> None:
        for c, name in enumerate(names):
            self.ws.write_string(self.row, c, name, self.bold)
        self.row += 1

    def line(self, cells: dict[int, object], fmt=None) -> None:
        """A single row (titles, totals, footers): {column: value}."""
        for c, v in cells.items():
            if isinstance(v, str):
                self.ws.write_string(self.row, c, v, fmt)
            elif v is not None:
                self.ws.write_number(self.row, c, v, fmt)
        self.row += 1

    def rows(self, columns: list[list], formats: list, start: int = 0,
             stop: int | None = None) -> None:
        """Data rows ``start:stop`` from column lists: str -> text cell, number -> number cell
        in the column's format, None -> empty."""
        ws_string, ws_number = self.ws.write_string, self.ws.write_number
        stop = len(columns[0]) if stop is None else stop
        r = self.row
        for i in range(start, stop):
            for c, col in enumerate(columns):
                v = col[i]
                if v is None:
                    continue
                if v.__class__ is str:
                    ws_string(r, c, v)
                else:
                    ws_number(r, c, v, formats[c])
            r += 1
        self.row = r


def _workbook(path: Path, as_of: dt.date, title: str) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    # A fixed creation time (the morning after the as-of date's close) keeps files reproducible.
    wb.set_properties({"title": title, "author": "AMS Reports", "company": pf.AGENCY_NAME,
                       "created": dt.datetime.combine(as_of, dt.time(6, 15))})
    return wb


class Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.date = wb.add_format({"num_format": "mm/dd/yyyy"})
        self.datetime = wb.add_format({"num_format": "m/d/yyyy h:mm"})
        self.month = wb.add_format({"num_format": "mmm yyyy"})
        self.money = wb.add_format({"num_format": "#,##0.00"})
        self.dollars = wb.add_format({"num_format": "$#,##0.00"})
        self.pct = wb.add_format({"num_format": "0.00%"})
        self.id = wb.add_format({"num_format": "0"})


def _title_block(sheet: Sheet, lines: list[str]) -> None:
    sheet.title(lines[0], merged=True)
    for text in lines[1:]:
        sheet.title(text)
    sheet.blank()


def _run_date(d: dt.date) -> str:
    return f"Run Date: {d:%m/%d/%Y}"


# ----------------------------------------------------------------------------- the reports


def write_book(a: SampleAgency, path: Path, rng: np.random.Generator,
               names: dict[str, str]) -> None:
    """All Purpose Audit: one row per policy, grouped by producer with subtotals."""
    p = a.policies.assign(_order=np.arange(len(a.policies))).sort_values(
        ["producer", "household_id", "_order"], kind="stable", ignore_index=True)
    pay = a.terms.drop_duplicates("policy_number").set_index("policy_number")["pay_plan"]
    n = len(p)
    status_names = {"In Force": (("Active", 0.8), ("In Force", 0.2)),
                    "Cancelled": (("Canceled", 0.6), ("Cancelled", 0.4)),
                    "Expired": (("Lapsed", 0.5), ("Non-Renewed", 0.3), ("Expired", 0.2)),
                    "Pending": (("Pending", 1.0),)}
    status = []
    for s in p["status"].tolist():
        options = status_names[s]
        u, acc = rng.random(), 0.0
        for name, w in options:
            acc += w
            if u < acc:
                break
        status.append(name)
    dates = {c: _serials(p[c]) for c in ("original_effective_date", "effective_date",
                                         "expiration_date", "cancel_date")}
    for c in ("original_effective_date", "effective_date", "cancel_date"):
        for i in _pick(rng, n, 0.03):
            if dates[c][i] is not None:
                dates[c][i] = _mdy(p[c].iloc[i])
    for i in _pick(rng, n, 0.01):  # a bare serial number, formatted as General
        if dates["expiration_date"][i] is not None:
            dates["expiration_date"][i] = int(dates["expiration_date"][i])
    premium = _numbers(p["annual_premium"])
    for i in _pick(rng, n, 0.02):
        premium[i] = _money_text(premium[i])
    columns = [
        [float(h) for h in p["household_id"].tolist()],
        p["insured_name"].tolist(),
        _policy_cells(p["policy_number"], p["product"], rng, 0.01),
        [names[x] for x in p["policy_number"].tolist()],
        status,
        dates["original_effective_date"], dates["effective_date"], dates["expiration_date"],
        dates["cancel_date"], premium,
        p["producer"].tolist(), p["lead_source"].tolist(), p["zip"].tolist(),
        [pay.get(x) for x in p["policy_number"].tolist()],
    ]
    header = ["Customer ID", "Named Insured", "Policy #", "Line of Business", "Policy Status",
              "Orig Eff Date", "Term Effective Date", "Exp Date", "Cancellation Date",
              "Full Term Premium", "Producer Name", "Source", "Zip Code", "Pay Plan"]
    wb = _workbook(path, a.as_of, "All Purpose Audit")
    f = Formats(wb)
    formats = [f.id, None, f.id, None, None, f.date, f.date, f.date, f.date, f.money, None, None,
               None, None]
    sheet = Sheet(wb, "All Purpose Audit", [12, 28, 13, 22, 13, 13, 13, 12, 14, 15, 16, 18, 9, 12])
    _title_block(sheet, [pf.AGENCY_NAME, "All Purpose Audit - Policy Detail", _run_date(a.as_of),
                         f"Agency Code: {pf.AGENCY_CODE}",
                         "Policy Status: All    Sorted by: Producer, Customer ID"])
    sheet.header(header)
    producer = p["producer"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, producer[1:] != producer[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        _rows_with_serials(sheet, columns, formats, lo, hi, serial_col=7)
        sheet.blank()
        sheet.line({0: "Total", 1: f"{p['producer'].iloc[lo]}: {hi - lo} policies",
                    9: round(float(p["annual_premium"].iloc[lo:hi].sum()), 2)}, f.money)
        sheet.blank()
    sheet.line({0: "Grand Total", 1: f"{n} policies",
                9: round(float(p["annual_premium"].sum()), 2)}, f.money)
    sheet.blank()
    sheet.line({0: "*** End of Report ***"})
    wb.close()


def _rows_with_serials(sheet: Sheet, columns: list[list], formats: list, lo: int, hi: int,
                       serial_col: int) -> None:
    """Like Sheet.rows, but an int in ``serial_col`` is a bare serial number (General format)."""
    ws = sheet.ws
    r = sheet.row
    for i in range(lo, hi):
        for c, col in enumerate(columns):
            v = col[i]
            if v is None:
                continue
            if v.__class__ is str:
                ws.write_string(r, c, v)
            elif c == serial_col and v.__class__ is int:
                ws.write_number(r, c, v)
            else:
                ws.write_number(r, c, v, formats[c])
        r += 1
    sheet.row = r


def write_growth(a: SampleAgency, path: Path, rng: np.random.Generator) -> None:
    """Policy growth & retention: one row per month and product."""
    g = a.growth
    n = len(g)
    months = sorted(g["month"].unique())
    half = months[len(months) // 2]
    month_cells: list = []
    for m in g["month"]:
        # The first year as real dates, the second as "Oct 2025" text.
        month_cells.append(_serials(pd.Series([m]))[0] if m < half else f"{m:%b %Y}")
    retention: list = _numbers(g["retention_pct"])
    for i in _pick(rng, n, 0.35):
        if retention[i] is not None:
            retention[i] = f"{retention[i] * 100:.2f}%"
    ints = ["beginning_pif", "new_business", "renewals_offered", "renewals_retained",
            "cancellations", "ending_pif"]
    columns = [month_cells, [pf.GROWTH_NAMES[x] for x in g["product"]]] + [
        [float(v) for v in g[c].tolist()] for c in ints] + [
        _numbers(g["renewal_premium"]), retention]
    wb = _workbook(path, a.as_of, "Policy Growth & Retention")
    f = Formats(wb)
    formats = [f.month, None] + [None] * 6 + [f.money, f.pct]
    sheet = Sheet(wb, "Growth & Retention", [13, 24, 10, 11, 15, 10, 10, 10, 24, 14])
    _title_block(sheet, ["Policy Growth & Retention Report",
                         f"{pf.AGENCY_NAME} ({pf.AGENCY_CODE})",
                         f"Report Period: {months[0]:%b %Y} - {months[-1]:%b %Y}",
                         _run_date(a.as_of)])
    sheet.header(["Report Month", "LOB", "PIF Start", "New Issues", "Up For Renewal", "Renewed",
                  "Cancels", "PIF End", "Renewal Written Premium", "Retention Rate"])
    sheet.rows(columns, formats)
    sheet.blank()
    totals = {0: "Grand Total"}
    for c, name in enumerate(ints, start=2):
        if name in ("new_business", "renewals_offered", "renewals_retained", "cancellations"):
            totals[c] = float(g[name].sum())
    totals[8] = round(float(g["renewal_premium"].sum()), 2)
    sheet.line(totals)
    wb.close()


def write_claims(a: SampleAgency, claims: pd.DataFrame, run: dt.date, path: Path,
                 names: dict[str, str], final: bool) -> None:
    """Claims detail as of ``run``. The earlier month's report has no Incurred column."""
    c = claims
    n = len(c)
    insured = a.policies.set_index("policy_number")["insured_name"]

    def money(col: str) -> list:
        out: list = []
        for v in c[col].tolist():
            if v == 0:
                out.append(DASH)
            elif v < 0:
                out.append(_money_text(v, "paren"))
            else:
                out.append(v)
        return out

    columns = [
        c["claim_number"].tolist(),
        _policy_cells(c["policy_number"], c["product"], None, 0.0),
        [insured.get(x) for x in c["policy_number"].tolist()],
        [names[x] for x in c["policy_number"].tolist()],
        _serials(c["loss_date"]), _serials(c["reported_date"]),
        c["claim_status"].tolist(), c["cause_of_loss"].tolist(),
        money("paid_loss"), money("reserve"),
    ]
    formats = [None, "id", None, None, "date", "date", None, None, "money", "money"]
    if final:
        header = ["Claim #", "Policy #", "Named Insured", "Line of Business", "Date of Loss",
                  "Date Reported", "Claim Status", "Cause of Loss", "Paid Amount", "O/S Reserve",
                  "Total Incurred", "Expense Paid"]
        columns.append(money("incurred_loss"))
        formats.append("money")
    else:
        header = ["Claim No.", "Policy No", "Insured", "LOB", "DOL", "Reported Date", "Status",
                  "Peril", "Indemnity Paid", "Loss Reserve", "ALAE"]
    columns.append(money("lae"))
    formats.append("money")
    wb = _workbook(path, run, "Claims Detail Report")
    f = Formats(wb)
    fmt = {"date": f.date, "money": f.money, "id": f.id, None: None}
    widths = [12, 12, 26, 22, 12, 13, 20, 24, 13, 13, 14, 12]
    sheet = Sheet(wb, "Claims Detail", widths[: len(header)])
    _title_block(sheet, [pf.AGENCY_NAME, "Claims Detail Report",
                         f"Loss Dates: {a.history_start:%m/%d/%Y} - {run:%m/%d/%Y}",
                         _run_date(run)])
    sheet.header(header)
    sheet.rows(columns, [fmt[x] for x in formats])
    sheet.blank()
    total = {0: "Total", 1: f"{n} claims", 8: round(float(c["paid_loss"].sum()), 2),
             9: round(float(c["reserve"].sum()), 2)}
    if final:
        total[10] = round(float(c["incurred_loss"].sum()), 2)
    total[len(header) - 1] = round(float(c["lae"].sum()), 2)
    sheet.line(total, f.money)
    sheet.line({0: "Page 1 of 1"})
    sheet.line({0: f"Report generated {run:%m/%d/%Y} 06:15 AM"})
    wb.close()


def _commission_frame(a: SampleAgency, rows: pd.DataFrame, names: dict[str, str]) -> dict:
    insured = a.policies.set_index("policy_number")["insured_name"]
    policy = rows["policy_number"].tolist()
    return {
        "insured": [insured.get(x, "") for x in policy],
        "lob": ["All Lines" if x == BONUS_POLICY else names.get(x, "") for x in policy],
    }


def write_commission_csv(a: SampleAgency, rows: pd.DataFrame, path: Path,
                         rng: np.random.Generator, names: dict[str, str]) -> None:
    """The first year of statements, as a Windows-1252 CSV with a "Comm %" column."""
    extra = _commission_frame(a, rows, names)
    padded = set(_pick(rng, len(rows), 0.01).tolist())
    out = [["Statement Date", "Policy Number", "Insured", "LOB", "Trans Type", "Trans Eff Date",
            "Written Premium", "Comm %", "Comm Amt"]]

    def amount(v: float) -> str:
        if np.isnan(v):
            return ""
        return _money_text(v) if v < 0 else f"{v:.2f}"

    for i, (stmt, pol, kind, eff, prem, rate, amt) in enumerate(zip(
            rows["statement_date"], rows["policy_number"], rows["transaction_type"],
            rows["transaction_effective_date"], rows["premium"], rows["commission_rate"],
            rows["commission_amount"])):
        out.append([
            _mdy(stmt), f" {pol} " if i in padded else pol, extra["insured"][i], extra["lob"][i],
            kind, _mdy(eff), DASH if kind == "Bonus" else amount(prem),
            "" if np.isnan(rate) else f"{rate * 100:.2f}%", amount(amt),
        ])
    with open(path, "w", encoding="cp1252", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(out)


def write_commission_xlsx(a: SampleAgency, rows: pd.DataFrame, path: Path,
                          rng: np.random.Generator, names: dict[str, str]) -> None:
    """The second year of statements: a carrier's "Agent Transaction Detail" workbook."""
    extra = _commission_frame(a, rows, names)
    product = rows["product"]
    premium = _numbers(rows["premium"])
    amount = _numbers(rows["commission_amount"])
    negative = np.flatnonzero(rows["commission_amount"].to_numpy() < 0)
    for i in negative[rng.random(len(negative)) < 0.3]:
        amount[i] = _money_text(amount[i])
        if premium[i] is not None:
            premium[i] = _money_text(premium[i])
    for i in np.flatnonzero((rows["transaction_type"] == "Bonus").to_numpy()):
        premium[i] = DASH
    columns = [
        _serials(rows["statement_date"]),
        _policy_cells(rows["policy_number"], product, rng, 0.01),
        extra["insured"], extra["lob"], rows["transaction_type"].tolist(),
        _serials(rows["transaction_effective_date"]), premium,
        _numbers(rows["commission_rate"]), amount,
    ]
    wb = _workbook(path, a.as_of, "Agent Transaction Detail")
    f = Formats(wb)
    formats = [f.date, f.id, None, None, None, f.date, f.money, f.pct, f.money]
    sheet = Sheet(wb, "Transactions", [14, 13, 26, 22, 18, 12, 12, 13, 15])
    stmt = rows["statement_date"]
    _title_block(sheet, ["Agent Transaction Detail",
                         f"{pf.AGENCY_NAME} - Agency {pf.AGENCY_CODE}",
                         f"Statement Period: {stmt.min():%m/%d/%Y} - {stmt.max():%m/%d/%Y}",
                         _run_date(a.as_of)])
    sheet.header(["Statement Date", "Policy #", "Named Insured", "Line of Business",
                  "Transaction Reason", "Eff Date", "Premium", "Commission %", "Commission Paid"])
    s = stmt.to_numpy()
    bounds = np.flatnonzero(np.r_[True, s[1:] != s[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        sheet.rows(columns, formats, lo, hi)
        sheet.line({0: "Total", 8: round(float(rows["commission_amount"].iloc[lo:hi].sum()), 2)},
                   f.money)
        sheet.blank()
    sheet.line({0: "Grand Total", 8: round(float(rows["commission_amount"].sum()), 2)}, f.money)
    sheet.line({0: "*** End of Report ***"})
    wb.close()


def write_sales(a: SampleAgency, path: Path, rng: np.random.Generator,
                names: dict[str, str]) -> None:
    """New business: one row per policy sold over the history, with its Lead ID."""
    s = a.sales
    n = len(s)
    issue: list = _serials(s["issue_date"])
    for i in _pick(rng, n, 0.03):
        issue[i] = f"{s['issue_date'].iloc[i]:%Y-%m-%d}"
    premium = _numbers(s["premium"])
    for i in _pick(rng, n, 0.02):
        premium[i] = _money_text(premium[i])
    columns = [
        _policy_cells(s["policy_number"], s["product"], rng, 0.0),
        [float(h) for h in s["household_id"].tolist()],
        [names[x] for x in s["policy_number"].tolist()],
        issue, premium, s["producer"].tolist(), s["lead_source"].tolist(),
        [None if pd.isna(x) else float(x) for x in s["lead_id"].tolist()],
    ]
    wb = _workbook(path, a.as_of, "New Business Report")
    f = Formats(wb)
    formats = [f.id, f.id, None, f.date, f.dollars, None, None, f.id]
    sheet = Sheet(wb, "New Business", [13, 11, 22, 13, 15, 16, 18, 10])
    _title_block(sheet, [pf.AGENCY_NAME, "New Business Report",
                         f"Written Dates: {a.history_start:%m/%d/%Y} - {a.as_of:%m/%d/%Y}",
                         _run_date(a.as_of)])
    sheet.header(["Policy #", "Client ID", "LOB", "Written Date", "Written Premium", "Agent",
                  "Source", "Lead ID"])
    sheet.rows(columns, formats)
    sheet.blank()
    sheet.line({0: "Grand Total", 4: round(float(s["premium"].sum()), 2)}, f.dollars)
    sheet.line({0: "*** End of Report ***"})
    wb.close()


def write_leads(a: SampleAgency, path: Path, rng: np.random.Generator) -> None:
    """A CRM's lead export: the header in row 1, no title rows, timestamps on Created."""
    L = a.leads
    n = len(L)
    hh_names = a.policies.drop_duplicates("household_id").set_index("household_id")["insured_name"]
    first = np.array(pf.FIRST_NAMES, dtype=object)[rng.integers(len(pf.FIRST_NAMES), size=n)]
    last = np.array(pf.LAST_NAMES, dtype=object)[rng.integers(len(pf.LAST_NAMES), size=n)]
    person = []
    for i, h in enumerate(L["household_id"].tolist()):
        if isinstance(h, str) and h in hh_names.index:
            surname, _, given = hh_names[h].partition(", ")
            person.append(f"{given} {surname}".strip())
        else:
            person.append(f"{first[i]} {last[i]}")
    minutes = rng.integers(8 * 60, 20 * 60, size=n) / (24 * 60)
    created = [v + m for v, m in zip(_serials(L["lead_date"]), minutes.tolist())]
    columns = [
        [float(x) for x in L["lead_id"].tolist()], created, L["vendor"].tolist(),
        _numbers(L["cost"]), L["status"].tolist(), _serials(L["sold_date"]),
        [None if pd.isna(x) else float(x) for x in L["household_id"].tolist()],
        _numbers(L["quoted_premium"]), [float(x) for x in L["products_quoted"].tolist()],
        ["Y" if x else "N" for x in L["homeowner"].tolist()],
        [float(x) for x in L["vehicles"].tolist()], L["current_carrier"].tolist(),
        L["zip"].tolist(), person,
        [f"(973) 555-01{int(x):02d}" for x in rng.integers(0, 100, size=n)],
    ]
    wb = _workbook(path, a.as_of, "Lead Export")
    f = Formats(wb)
    formats = [f.id, f.datetime, None, f.dollars, None, f.date, f.id, f.dollars, None, None, None,
               None, None, None, None]
    sheet = Sheet(wb, "Leads", [10, 16, 18, 10, 12, 12, 13, 14, 15, 11, 9, 15, 7, 22, 15])
    sheet.header(["Lead ID", "Created", "Lead Vendor", "Lead Cost", "Disposition", "Sold Date",
                  "Household ID", "Quoted Premium", "Products Quoted", "Homeowner", "Vehicles",
                  "Current Carrier", "ZIP", "Name", "Phone"])
    sheet.rows(columns, formats)
    wb.close()


def write_referrals(a: SampleAgency, path: Path, rng: np.random.Generator) -> None:
    """The referral log kept in a spreadsheet and saved as CSV (UTF-8 with a BOM)."""
    r = a.referrals
    as_float = set(_pick(rng, len(r), 0.1).tolist())  # ids Excel turned into numbers
    out = [["Referral Date", "Referrer Household ID", "Referred Name", "Status", "Sold Date",
            "Household ID", "Incentive Paid", "Notes"]]
    for i, row in enumerate(r.itertuples(index=False)):
        referrer = f"{row.referrer_household_id}.0" if i in as_float else row.referrer_household_id
        sold = row.status == "Sold"
        out.append([
            f"{row.referral_date:%Y-%m-%d}", referrer, row.referred_name, row.status,
            f"{row.sold_date:%Y-%m-%d}" if sold else "", row.household_id if sold else "",
            _money_text(row.incentive_paid) if sold else "",
            ("Gift card" if row.incentive_paid < 100 else "Gift card + dinner voucher") if sold
            else "",
        ])
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(out)


# ----------------------------------------------------------------------------- all of them


def export_file_names(a: SampleAgency) -> dict[str, str]:
    """The file name of each export (claims: the earlier and the final month)."""
    year_split = _commission_split(a)
    return {
        "policies": f"All_Purpose_Audit_{a.as_of:%Y-%m-%d}.xlsx",
        "growth": f"Policy_Growth_Retention_{a.as_of:%Y-%m}.xlsx",
        "claims_previous": f"{a.previous_claims_date:%Y-%m}_Claims_Detail_Report.xlsx",
        "claims": f"{a.as_of:%Y-%m}_Claims_Detail_Report.xlsx",
        "commissions_csv": f"commission statements {year_split[0]:%Y}.csv",
        "commissions_xlsx": f"Agent_Transaction_Detail_{year_split[1]:%Y}.xlsx",
        "sales": f"New_Business_Report_{a.as_of:%Y-%m}.xlsx",
        "leads": "lead_log_export.xlsx",
        "referrals": "Referral_Log.csv",
    }


def _commission_split(a: SampleAgency) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The last statement date of the first year and of the second."""
    stmts = sorted(a.commissions["statement_date"].unique())
    first_year = stmts[: len(stmts) // 2] or stmts
    return pd.Timestamp(first_year[-1]), pd.Timestamp(stmts[-1])


def write_sample_exports(out: Path, households: int = 1000, seed: int = 7,
                         as_of: dt.date = dt.date(2025, 10, 31)) -> list[Path]:
    """Simulate the agency and write its seven reports (nine files) into ``out``.

    Returns the paths written. Same arguments, byte-identical files.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    a = simulate_agency(households=households, seed=seed, as_of=as_of)
    rng = np.random.default_rng([seed, 20251031])  # which rows carry which quirk
    names = product_names(a.policies, rng)
    files = export_file_names(a)
    paths = {k: out / v for k, v in files.items()}
    write_book(a, paths["policies"], rng, names)
    write_growth(a, paths["growth"], rng)
    write_claims(a, a.claims_previous, a.previous_claims_date, paths["claims_previous"], names,
                 final=False)
    write_claims(a, a.claims, a.as_of, paths["claims"], names, final=True)
    split = _commission_split(a)[0]
    first = a.commissions["statement_date"] <= split
    write_commission_csv(a, a.commissions[first].reset_index(drop=True),
                         paths["commissions_csv"], rng, names)
    write_commission_xlsx(a, a.commissions[~first].reset_index(drop=True),
                          paths["commissions_xlsx"], rng, names)
    write_sales(a, paths["sales"], rng, names)
    write_leads(a, paths["leads"], rng)
    write_referrals(a, paths["referrals"], rng)
    return list(paths.values())
