"""Writing the sample exports, part 4: the claims detail reports (the earlier month's without an
Incurred column)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.agency import SampleAgency
from agency_xl.sample_data.writers.cells import DASH, _money_text, _policy_cells, _serials
from agency_xl.sample_data.writers.sheets import Formats, Sheet, _run_date, _title_block, _workbook


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
