"""Writing the sample exports, part 3: the reports of the policies. The book of business (All
Purpose Audit), policy growth and retention, and new business."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.agency import SampleAgency
from agency_xl.sample_data.writers.cells import (
    _mdy,
    _money_text,
    _numbers,
    _pick,
    _policy_cells,
    _serials,
)
from agency_xl.sample_data.writers.sheets import (
    Formats,
    Sheet,
    _rows_with_serials,
    _run_date,
    _title_block,
    _workbook,
)


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
