"""Writing the sample exports, part 5: the commission statements. The first year as a
Windows-1252 CSV, the second as a carrier's "Agent Transaction Detail" workbook."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.agency import BONUS_POLICY, SampleAgency
from agency_xl.sample_data.writers.cells import DASH, _mdy, _money_text, _numbers, _pick, _policy_cells, _serials
from agency_xl.sample_data.writers.sheets import Formats, Sheet, _run_date, _title_block, _workbook


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
